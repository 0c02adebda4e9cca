import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

/**
 * Commands real agents ran in published runs (test/fixtures/policy/agent-stream:
 * extracted by extract.mjs from MIT-licensed repositories; runs.json names each
 * trajectory). Every refusal must be one of the kinds justified here, in a sentence.
 */
const JUSTIFIED: Record<string, string> = {
  default:
    "a program no rule covers (sqlite3, psql, ed, pyreverse, the agent's own tools) needs a person to say it is fine",
  'network-upload': 'posting data to a remote host is how secrets leave the machine',
  'network-clients': 'the network is off in the sandbox; requests to remote hosts need approval',
  'interpreter-one-liners':
    'inline code that does not parse (statements after `;` in python -c, which Python rejects too) or that evals computed text cannot be read',
  'shell:unparsed-substitution':
    'an unquoted here-document runs the `$(…)` and backticks in its text, which are not checked',
  'shell:unparseable': 'input the shell grammar cannot parse is not run on a guess',
  'shell:budget':
    'a command that cannot be checked within the 10 ms decision limit (thousands of characters, on a busy machine) asks rather than being let through unchecked',
  'shell:decoded-value': "a here-document assembled from a command's output is text only known when it runs",
  'raw-sockets-and-remote-shells': 'packet tools (tshark) read raw network traffic',
  'copy-or-link-outside':
    'creating directories in the home directory (outside the workspace) changes the host',
  'delete-outside-workspace': 'deleting outside the workspace changes the host',
  'program:sed': "sed's `e` runs a shell command, and a program sed itself rejects is not run on a guess",
  'python-http-server': 'serving files over HTTP opens the workspace to the network',
  'system-packages': 'installing system packages changes the image, not the project',
  'code-injecting-variables': 'a variable that redirects where tools load config or programs from',
  'interpreter-reads-stdin': 'code piped into an interpreter cannot be read',
  'unpack-entries':
    "an archive's entries decide where it extracts; this stream is decided without the workspace, so they cannot be read (in a run the toolbox reads them from the sandbox)",
};

interface Line {
  command: string;
  run: string;
}
const dir = new URL('../fixtures/policy/agent-stream/', import.meta.url);
const lines = readFileSync(new URL('commands.jsonl', dir), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Line);
const runs = JSON.parse(readFileSync(new URL('runs.json', dir), 'utf8')) as Record<
  string,
  { agent: string; model: string; source: string }
>;

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ unattended: true });
});

describe('commands real agents ran', () => {
  it('has at least 5,000 commands from at least two agents and two models, each with its source', () => {
    expect(lines.length).toBeGreaterThanOrEqual(5000);
    for (const l of lines) expect(runs[l.run]?.source, l.run).toMatch(/^https:\/\/github\.com\//);
    const used = new Set(lines.map((l) => l.run));
    expect(new Set([...used].map((r) => runs[r]!.agent)).size).toBeGreaterThanOrEqual(2);
    expect(new Set([...used].map((r) => runs[r]!.model.replace(/^@/, ''))).size).toBeGreaterThanOrEqual(2);
  });

  it('allows at least 99.5% unattended, and every refusal is of a justified kind', () => {
    // Decided once per distinct command line, counted as often as agents ran it.
    const counts = new Map<string, number>();
    for (const { command } of lines) counts.set(command, (counts.get(command) ?? 0) + 1);
    const refused = new Map<string, number>();
    for (const [command, n] of counts) {
      const d = engine.check(command);
      if (d.decision !== 'allow') refused.set(d.rule, (refused.get(d.rule) ?? 0) + n);
    }
    const total = [...refused.values()].reduce((a, b) => a + b, 0);
    const pct = (100 * (lines.length - total)) / lines.length;
    console.log(
      `agent stream: allowed ${lines.length - total}/${lines.length} (${pct.toFixed(2)}%); refused by ${[
        ...refused,
      ]
        .map(([r, n]) => `${r} ${n}`)
        .join(', ')}`,
    );
    expect([...refused.keys()].filter((r) => !(r in JUSTIFIED))).toEqual([]);
    expect(pct).toBeGreaterThanOrEqual(99.5);
  });
});
