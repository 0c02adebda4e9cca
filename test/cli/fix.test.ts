import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSummary, type FixSummary } from '../../src/agent/index.js';
import { drydock } from '../helpers/cli.js';

const NO_MODEL = {
  OPENAI_BASE_URL: '',
  OPENAI_API_KEY: '',
  DRYDOCK_MODEL: '',
  XDG_CONFIG_HOME: '/nonexistent',
};

describe('drydock fix (flags; no sandbox)', () => {
  it('refuses in one line what it cannot run: no repository, --apply with --branch, no model', () => {
    const a = drydock(['fix', '--repo', '/nonexistent/x', '--issue', 'bug', '--script', 'x.yaml']);
    expect(a.status).toBe(1);
    expect(a.stderr.split('\n')[0]).toMatch(/^drydock: --repo \/nonexistent\/x is not a directory/);
    const b = drydock([
      'fix',
      '--repo',
      '.',
      '--issue',
      'bug',
      '--apply',
      '--branch',
      'x',
      '--script',
      'x.yaml',
    ]);
    expect(b.stderr.split('\n')[0]).toMatch(/--apply and --branch cannot be used together/);
    const c = drydock(['fix', '--repo', '.', '--issue', 'bug'], NO_MODEL);
    expect(c.stderr.split('\n')[0]).toMatch(/^drydock: no model (is )?configured/);
  });

  it('loads --policy files before anything runs, and refuses a bad one naming the file and rule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-fix-policy-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'rules:\n  - id: too-loose\n    decision: maybe\n');
    const r = drydock(['fix', '--repo', '.', '--issue', 'bug', '--script', 'x.yaml', '--policy', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^drydock: .*${bad}.*too-loose`));
  });

  it('the printed summary says SCRIPTED before and after, and whether the repository changed', () => {
    const s: FixSummary = {
      status: 'patched',
      message: 'candidate c2 selected',
      scripted: true,
      model: 'scripted:x',
      runId: 'r',
      patch: 'diff --git a/m.py b/m.py\n',
      files: ['m.py'],
      candidates: [
        {
          id: 'c1',
          votes: 1,
          rejected: 'syntax error in m.py at line 2',
          outcome: 'syntax error in m.py at line 2',
          parses: false,
          reward: null,
          regressions: null,
          reproduces: null,
        },
        {
          id: 'c2',
          votes: 2,
          rejected: null,
          outcome: 'selected',
          parses: true,
          reward: 0.4,
          regressions: [],
          reproduces: null,
        },
      ],
      selected: 'c2',
      reproductionTest: null,
      regressionTests: [],
      tests: { command: 'pytest', passed: 3, failed: 0 },
      review: { rounds: 1, approved: true, changed: false, denied: [] },
      reward: 0.4,
      costUsd: 0,
      turns: 9,
      tokens: 100,
      wallMs: 1000,
      applied: false,
      branch: null,
      trajectory: '/t.jsonl',
    };
    const lines = formatSummary(s).split('\n');
    expect(lines[0]).toMatch(/SCRIPTED/);
    expect(lines.at(-1)).toMatch(/SCRIPTED/);
    expect(lines).toContain('    c1 votes 1, reward -: syntax error in m.py at line 2');
    expect(lines).toContain('  * c2 votes 2, reward 0.400: selected');
    expect(formatSummary(s)).toMatch(/your repository was not changed/);
    expect(formatSummary({ ...s, scripted: false })).not.toMatch(/SCRIPTED/);
  });
});
