import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `drydock fix` in a real pseudo-terminal (a tmux pane): the policy asks, a person answers
// allow once / allow for the run / deny, and the trajectory records each answer. The model is
// SCRIPTED (test/fixtures/policy/approvals-script.yaml); the sandbox, policy and tests are real.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'test/fixtures/policy/approvals-script.yaml');
const EXAMPLE = join(ROOT, 'examples/calc');
/** Generous: a loaded 2-core machine may take minutes to reach the review. */
const WAIT_MS = 900_000;

const dir = mkdtempSync(join(tmpdir(), 'drydock-approvals-'));
const socket = `drydock-approvals-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

beforeAll(() => {
  try {
    execFileSync('tmux', ['-V']);
  } catch {
    throw new Error('this test drives drydock in a pseudo-terminal with tmux: apt-get install -y tmux');
  }
});

afterAll(async () => {
  try {
    // A failed run is interrupted as a person would (Ctrl-C), so drydock closes its sandboxes;
    // killing the pane outright would hang up on it, which leaves its container behind.
    if (!existsSync(join(dir, 'exit'))) {
      tmux('send-keys', '-t', 'fix', 'C-c');
      const until = Date.now() + 120_000;
      while (!existsSync(join(dir, 'exit')) && Date.now() < until)
        await new Promise((r) => setTimeout(r, 250));
    }
    tmux('kill-server');
  } catch {
    // Already gone.
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Everything the pane has shown, wrapped lines joined. */
function screen(): string {
  return tmux('capture-pane', '-p', '-J', '-S', '-100000', '-t', 'fix');
}

/** Waits until `pattern` has been shown `count` times (never a fixed sleep). */
async function waitFor(pattern: RegExp, count = 1): Promise<string> {
  const global = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const text = screen();
    if ((text.match(global)?.length ?? 0) >= count) return text;
    if (existsSync(join(dir, 'exit')))
      throw new Error(`drydock fix ended before ${pattern} was shown ${count} time(s):\n${text}`);
    if (Date.now() > until) throw new Error(`${pattern} not shown ${count} time(s) in time:\n${text}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function waitForExit(): Promise<number> {
  const until = Date.now() + WAIT_MS;
  while (!existsSync(join(dir, 'exit'))) {
    if (Date.now() > until) throw new Error(`drydock fix did not end in time:\n${screen()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return Number(readFileSync(join(dir, 'exit'), 'utf8').trim());
}

function answer(key: string): void {
  tmux('send-keys', '-t', 'fix', '-l', key);
  tmux('send-keys', '-t', 'fix', 'Enter');
}

const PROMPT = /answer \(o\/r\/d\): /;

describe('drydock fix in a terminal: approvals', () => {
  it('asks what the policy asks about; allow once, allow for the run and deny are each obeyed and recorded', async () => {
    const repo = join(dir, 'repo');
    cpSync(EXAMPLE, repo, {
      recursive: true,
      filter: (p) => !['ISSUE.md', 'README.md', 'model-script.yaml'].includes(p.slice(EXAMPLE.length + 1)),
    });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.name=drydock', '-c', 'user.email=drydock@localhost', 'commit', '-qm', 'example');
    const out = join(dir, 'out');
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    // stdin and stderr are the pane's terminal; stdout goes to a file as well.
    const command = [
      'env OPENAI_BASE_URL= OPENAI_API_KEY= DRYDOCK_MODEL= XDG_CONFIG_HOME=/nonexistent',
      q(process.execPath),
      q(join(ROOT, 'bin/drydock.js')),
      'fix --candidates 1',
      `--repo ${q(repo)} --issue ${q(join(EXAMPLE, 'ISSUE.md'))} --script ${q(SCRIPT)}`,
      `--out ${q(out)}`,
      `> ${q(join(dir, 'stdout'))}; echo $? > ${q(join(dir, 'exit'))}; sleep 3600`,
    ].join(' ');
    // A server of its own (-L), wide enough that a question is a few lines.
    // Started in the temporary folder, so the run's record (.drydock/runs) lands there too.
    tmux('new-session', '-d', '-s', 'fix', '-x', '200', '-y', '50', '-c', dir, command);

    // 0. curl in the review (network none) is denied without a question; 1. sort with an option
    // its spec does not know asks (program:sort): allow once.
    let text = await waitFor(PROMPT, 1);
    expect(text).not.toMatch(/this:\n\s+curl/);
    expect(text).toMatch(
      /the policy asks before the model may run this:\n\s+sort --approval-once calc\/ops\.py/,
    );
    expect(text).toMatch(
      /\[o\] allow once .*\[r\] allow for the rest of this run \(rule program:sort, this same finding\) .*\[d\] deny/,
    );
    answer('o');
    // 2. sort with another such option asks: allow for the run.
    text = await waitFor(PROMPT, 2);
    expect(text).toMatch(/drydock: allowed once/);
    expect(text).toMatch(
      /part `sort --approval-for-run calc\/ops\.py`: rule program:sort asks: `sort --approval-for-run` is not an option/,
    );
    answer('r');
    // 3. the same finding again is allowed without a question; 4. the first option again asks
    // (once was once): deny.
    text = await waitFor(PROMPT, 3);
    expect(text).toMatch(/this:\n\s+sort --approval-once tests\/test_ops\.py/);
    expect(text).not.toMatch(/this:\n\s+sort --approval-for-run tests\/test_ops\.py/);
    answer('d');
    expect(await waitForExit(), screen()).toBe(0);
    expect(screen()).toMatch(/drydock: denied/);
    expect(readFileSync(join(dir, 'stdout'), 'utf8')).toMatch(/drydock fix: patched/);

    const events = readFileSync(join(out, 'trajectory.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const decisions = events
      .filter((e) => e.type === 'policy.decision')
      .map((e) => ({ command: e.command, decision: e.decision, rule: e.rule, approval: e.approval }));
    expect(decisions).toEqual([
      {
        command: 'curl -s --max-time 5 http://approval-offline.invalid/',
        decision: 'deny',
        rule: 'network-clients',
        approval: undefined,
      },
      {
        command: 'sort --approval-once calc/ops.py',
        decision: 'allow',
        rule: 'program:sort',
        approval: { answer: 'once', by: 'person', rules: ['program:sort'] },
      },
      {
        command: 'sort --approval-for-run calc/ops.py',
        decision: 'allow',
        rule: 'program:sort',
        approval: { answer: 'run', by: 'person', rules: ['program:sort'] },
      },
      {
        command: 'sort --approval-for-run tests/test_ops.py',
        decision: 'allow',
        rule: 'program:sort',
        approval: { answer: 'run', by: 'run', rules: ['program:sort'] },
      },
      {
        command: 'sort --approval-once tests/test_ops.py',
        decision: 'deny',
        rule: 'program:sort',
        approval: { answer: 'deny', by: 'person', rules: ['program:sort'] },
      },
      {
        command: 'python -m pytest -q -p no:cacheprovider',
        decision: 'allow',
        rule: 'build-and-test',
        approval: undefined,
      },
    ]);
    // The offline curl was decided under the review sandbox's network mode, and said why.
    const offline = events.find(
      (e) =>
        e.type === 'policy.decision' && e.command === 'curl -s --max-time 5 http://approval-offline.invalid/',
    )!;
    expect(offline.network).toBe('none');
    expect(offline.reason).toMatch(/no network \(mode none\)/);
    // The allowed ones ran in the sandbox (an exit code); the denied one did not, and the model was told.
    const calls = events.filter((e) => e.type === 'tool.call' && e.tool === 'bash');
    const byCommand = (c: string) => calls.find((e) => (e.args as { command?: string }).command === c)!;
    expect(byCommand('sort --approval-once calc/ops.py').exitCode).toEqual(expect.any(Number));
    expect(byCommand('sort --approval-for-run tests/test_ops.py').exitCode).toEqual(expect.any(Number));
    const denied = byCommand('sort --approval-once tests/test_ops.py');
    expect(denied.exitCode).toBeUndefined();
    expect(denied.observation).toMatch(/person at the terminal denied/);
  }, 2_400_000);
});
