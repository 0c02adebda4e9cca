import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  candidateFrom,
  detectEnvironment,
  narrowedCommand,
  reproductionPlace,
  parseFiles,
  parseLocations,
  parseTestOutput,
  relatedTests,
  runTests,
  select,
  type Candidate,
} from '../../src/agent/index.js';
import type { ExecResult, Sandbox } from '../../src/sandbox/index.js';

const OPS =
  'def add(a, b):\n    return a + b\n\n\ndef mean(values):\n    return sum(values) / (len(values) - 1)\n';
const known = new Map([
  ['calc/ops.py', OPS],
  ['tests/test_ops.py', 'from calc import add\n'],
]);

function cand(id: string, over: Partial<Candidate> = {}): Candidate {
  return {
    id,
    patch: `patch ${id}`,
    key: id,
    files: [],
    votes: 1,
    exact: true,
    confidence: 1,
    rejected: null,
    parses: true,
    reward: null,
    regressions: [],
    reproduces: null,
    ...over,
  };
}

describe('select', () => {
  it('never picks a rejected candidate, and says why each other lost', () => {
    const s = select([
      cand('c1', { rejected: 'syntax error in calc/ops.py at line 6' }),
      cand('c2', { rejected: 'does not compile: calc/ops.py: IndentationError' }),
      cand('c3'),
    ]);
    expect(s.selected?.id).toBe('c3');
    expect(s.others.map((o) => o.reason)).toEqual([
      'syntax error in calc/ops.py at line 6',
      'does not compile: calc/ops.py: IndentationError',
    ]);
  });

  it('ranks a candidate that breaks tests below one that does not, and still selects it when nothing better exists', () => {
    const broken = cand('c1', { regressions: ['tests/test_ops.py::test_add'], reproduces: true });
    const s = select([broken, cand('c2', { reproduces: true })]);
    expect(s.selected?.id).toBe('c2');
    expect(s.others[0]!.reason).toBe('more regression failures than c2');
    expect(select([broken, cand('c2', { rejected: 'syntax error' })]).selected?.id).toBe('c1');
    // The reproduction test still comes first: fixing the issue outweighs a pinned old behaviour.
    expect(select([broken, cand('c2', { reproduces: false })]).selected?.id).toBe('c1');
  });

  it('ranks the reproduction test over reward, reward over votes, votes over order', () => {
    expect(
      select([cand('c1', { reward: 0.9 }), cand('c2', { reproduces: true, reward: 0.1 })]).selected?.id,
    ).toBe('c2');
    expect(select([cand('c1', { votes: 3, reward: 0.2 }), cand('c2', { reward: 0.5 })]).selected?.id).toBe(
      'c2',
    );
    const tie = select([cand('c1'), cand('c2', { votes: 2 })]);
    expect(tie.selected?.id).toBe('c2');
    expect(tie.others[0]!.reason).toMatch(/fewer votes \(1\) than c2 \(2\)/);
    expect(select([cand('c2'), cand('c1')]).selected?.id).toBe('c1');
  });

  it('selects nothing when every candidate was rejected', () => {
    expect(select([cand('c1', { rejected: 'x' })]).selected).toBeNull();
  });
});

describe('candidateFrom', () => {
  const set = [{ path: 'calc/ops.py', start: 6, end: 6 }];
  const fix =
    'calc/ops.py\n<<<<<<< SEARCH\n    return sum(values) / (len(values) - 1)\n=======\n    return sum(values) / len(values)\n>>>>>>> REPLACE\n';

  it('applies the edit to the file as read and gives a patch and a key', () => {
    const c = candidateFrom(`Here.\n\n${fix}`, set, known, 'c1');
    expect(c.rejected).toBeNull();
    expect(c.files[0]!.after).toContain('/ len(values)\n');
    expect(c.patch).toMatch(/^-.*len\(values\) - 1\)$/m);
    // Formatting aside, the same edit gives the same key: the vote counts it once.
    expect(candidateFrom(fix.replace(/^calc/, './calc'), set, known, 'c2').key).toBe(c.key);
  });

  it('rejects, with the reason, answers that do not apply', () => {
    expect(candidateFrom('no edit here', set, known, 'c1').rejected).toMatch(/no SEARCH\/REPLACE/);
    expect(candidateFrom(fix.replace('(len(values) - 1)', '(len(vals))'), set, known, 'c1').rejected).toMatch(
      /^does not apply/,
    );
    expect(candidateFrom(fix.replace('calc/ops.py', 'calc/other.py'), set, known, 'c1').rejected).toMatch(
      /not in the repository/,
    );
  });

  it('reads a reply written as a unified diff or a *** Begin Patch, when it has no blocks, as the same edit', () => {
    const c = candidateFrom(fix, set, known, 'c1');
    const diff =
      'The divisor is wrong.\n\n```diff\n--- a/calc/ops.py\n+++ b/calc/ops.py\n@@ -5,2 +5,2 @@ def add(a, b):\n def mean(values):\n-    return sum(values) / (len(values) - 1)\n+    return sum(values) / len(values)\n\n```\nThat is all.\n';
    const fromDiff = candidateFrom(diff, set, known, 'c2');
    expect(fromDiff.rejected).toBeNull();
    expect(fromDiff.key).toBe(c.key);
    const applyPatch =
      '*** Begin Patch\n*** Update File: calc/ops.py\n@@ def mean(values):\n-    return sum(values) / (len(values) - 1)\n+    return sum(values) / len(values)\n*** End Patch\n';
    expect(candidateFrom(applyPatch, set, known, 'c3').key).toBe(c.key);
    // A diff whose removed line is not in the file does not apply, like a block would not.
    expect(
      candidateFrom(diff.replace('(len(values) - 1)', '(len(vals))'), set, known, 'c4').rejected,
    ).toMatch(/^does not apply/);
  });

  it('creates a new file whose SEARCH is one blank line, as the applier does', () => {
    const reply = 'docs/new.md\n<<<<<<< SEARCH\n\n=======\nA note.\n>>>>>>> REPLACE\n';
    const c = candidateFrom(reply, set, known, 'c1');
    expect(c.rejected).toBeNull();
    expect(c.files).toEqual([{ path: 'docs/new.md', before: '', after: 'A note.\n' }]);
    expect(c.patch).toContain('--- /dev/null');
  });
});

describe('localization replies', () => {
  it('keeps only paths of the repository, and clamps line ranges to the file', () => {
    expect(parseFiles('```\n- calc/ops.py\nnot/there.py\n./tests/test_ops.py\n```', known)).toEqual([
      'calc/ops.py',
      'tests/test_ops.py',
    ]);
    expect(parseLocations('```\ncalc/ops.py:6-99\nnope.py:1-2\ncalc/ops.py:2\n```', known)).toEqual([
      { path: 'calc/ops.py', start: 2, end: 2 },
      { path: 'calc/ops.py', start: 6, end: 7 },
    ]);
  });
});

describe('test output', () => {
  it('maps its test formats to the shared parsers (test/code/test-logs.test.ts tests them)', () => {
    expect(parseTestOutput('PASSED t.py::a\nFAILED t.py::b - x\n', 'pytest')).toEqual({
      passed: ['t.py::a'],
      failed: ['t.py::b'],
    });
    expect(parseTestOutput('ok 1 - a\n✖ b (1ms)\n', 'node')).toEqual({ passed: ['a'], failed: ['b'] });
    expect(parseTestOutput('PASSED t.py::a\n', 'exit-code')).toEqual({ passed: [], failed: [] });
  });

  it("reads a harness's print command only after a run that finished: a killed run's report would be an earlier run's", async () => {
    // A jest report an earlier run (the one before any change) left behind: every test passes.
    const stale = JSON.stringify({
      testResults: [
        {
          name: '/testbed/test/a.test.js',
          status: 'passed',
          assertionResults: [{ ancestorTitles: [], title: 'works', status: 'passed' }],
        },
      ],
    });
    const commands: string[] = [];
    const result = (over: Partial<ExecResult>): ExecResult => ({
      exitCode: 0,
      stdout: '',
      stderr: '',
      truncated: false,
      stdoutBytesCut: 0,
      stderrBytesCut: 0,
      mode: 'host',
      wallMs: 1,
      cpuMs: 1,
      peakMemoryBytes: 0,
      killedBy: null,
      ...over,
    });
    const sandbox = (killedBy: ExecResult['killedBy']) =>
      ({
        exec: (command: string) => {
          commands.push(command);
          return Promise.resolve(
            command.startsWith('cat ')
              ? result({ stdout: stale })
              : result({ exitCode: killedBy ? 137 : 0, stdout: 'RUNS test/a.test.js\n', killedBy }),
          );
        },
      }) as unknown as Sandbox;
    const spec = {
      format: 'reading' as const,
      vars: {},
      reading: { print: 'cat /tmp/r.json', parser: 'jest-json' },
    };

    const killed = await runTests(sandbox('timeout'), 'npx jest --json --outputFile=/tmp/r.json', spec);
    expect(commands).toEqual(['npx jest --json --outputFile=/tmp/r.json 2>&1']);
    expect(killed).toMatchObject({ exitCode: 137, passed: [], failed: [] });
    expect(killed.output).toMatch(/\[killed by timeout\]$/);

    commands.length = 0;
    const finished = await runTests(sandbox(null), 'npx jest --json --outputFile=/tmp/r.json', spec);
    expect(commands).toHaveLength(2);
    expect(finished.passed).toContain('test/a.test.js::works');
  });

  it("gives each test run the environment's test time limit (--test-timeout), else 300 s, print command included", async () => {
    const limits: (number | undefined)[] = [];
    const sandbox = {
      exec: (_command: string, opts: { timeoutMs?: number }) => {
        limits.push(opts.timeoutMs);
        return Promise.resolve({ exitCode: 0, stdout: '{}', stderr: '', killedBy: null });
      },
    } as unknown as Sandbox;
    const reading = { print: 'cat /tmp/r.json', parser: 'jest-json' };
    await runTests(sandbox, 'npx jest', { format: 'reading', vars: {}, reading, testTimeoutMs: 900_000 });
    await runTests(sandbox, 'npx jest', { format: 'reading', vars: {}, reading });
    expect(limits).toEqual([900_000, 900_000, 300_000, 300_000]);
    const d = mkdtempSync(join(tmpdir(), 'dd-env-'));
    try {
      writeFileSync(join(d, 'requirements.txt'), 'attrs\n');
      expect(detectEnvironment(d, { testTimeoutMs: 900_000 }).testTimeoutMs).toBe(900_000);
      expect(detectEnvironment(d).testTimeoutMs).toBeUndefined();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('narrows regression tests to those related to the touched files', () => {
    const passing = ['tests/test_ops.py::test_add', 'tests/test_io.py::test_read'];
    const sources = new Map([
      ['tests/test_ops.py', 'from calc import add'],
      ['tests/test_io.py', 'import json'],
    ]);
    expect(relatedTests(passing, ['calc/ops.py'], sources)).toEqual(['tests/test_ops.py::test_add']);
    expect(relatedTests(passing, ['calc/__init__.py'], sources)).toEqual(['tests/test_ops.py::test_add']);
    // Nothing related: all that passed before.
    expect(relatedTests(passing, ['setup.py'], sources)).toEqual(passing);
    expect(narrowedCommand('pytest -rA', 'pytest', ['tests/test_ops.py::test_add'])).toBe(
      "pytest -rA 'tests/test_ops.py'",
    );
    expect(narrowedCommand('npm test', 'node', ['a'])).toBe('npm test');
    // A file the command names already is not named twice (pytest would run it twice).
    expect(
      narrowedCommand('PYTHONPATH=. python3 -m pytest -rA tests/sh_test.py', 'pytest', [
        'tests/sh_test.py::T::test_a',
      ]),
    ).toBe('PYTHONPATH=. python3 -m pytest -rA tests/sh_test.py');
  });

  it("places the reproduction test beside the project's tests and runs it with the project's command", () => {
    const env = {
      language: 'python' as const,
      format: 'pytest' as const,
      test: 'PYTHONPATH=src python3 -m pytest -rA tests/test_validators.py',
      testFiles: ['tests/test_validators.py'],
    };
    expect(reproductionPlace(env, ['src/attr/validators.py', 'tests/test_validators.py'])).toEqual({
      path: 'tests/test_drydock_reproduction.py',
      command: "PYTHONPATH=src python3 -m pytest -rA 'tests/test_drydock_reproduction.py'",
    });
    const jest = {
      language: 'node' as const,
      format: 'reading' as const,
      test: 'TZ=UTC npx jest --json --outputFile=/tmp/r.json test/plugin/utc.test.js',
      testFiles: ['test/plugin/utc.test.js'],
    };
    expect(reproductionPlace(jest, ['src/index.js', 'test/plugin/utc.test.js'])).toEqual({
      path: 'test/plugin/drydock-reproduction.test.js',
      command: "TZ=UTC npx jest --json --outputFile=/tmp/r.json 'test/plugin/drydock-reproduction.test.js'",
    });
    const bare = { language: 'node' as const, format: 'exit-code' as const, test: null, testFiles: [] };
    expect(reproductionPlace(bare, ['src/a.ts', 'test/a.test.ts'])).toEqual({
      path: 'test/drydock-reproduction.test.ts',
      command: "node --test 'test/drydock-reproduction.test.ts'",
    });
  });
});

describe('detectEnvironment', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const repo = (files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), 'drydock-env-'));
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
    return dir;
  };

  it('detects Python and Node projects, and lets drydock.yaml and flags override', () => {
    expect(detectEnvironment(repo({ 'requirements.txt': 'attrs\n' }))).toMatchObject({
      language: 'python',
      image: 'python',
      setup: 'pip install -q -r requirements.txt',
      format: 'pytest',
    });
    rmSync(dir, { recursive: true });
    expect(detectEnvironment(repo({ 'package.json': '{"scripts":{"test":"node --test"}}' }))).toMatchObject({
      language: 'node',
      image: 'node',
      setup: null,
      test: 'npm test --silent',
      format: 'node',
    });
    rmSync(dir, { recursive: true });
    const d = repo({ 'setup.py': '', 'drydock.yaml': 'setup: make deps\ntest: make check\n' });
    expect(detectEnvironment(d)).toMatchObject({
      setup: 'make deps',
      test: 'make check',
      format: 'exit-code',
      source: 'drydock.yaml',
    });
    expect(detectEnvironment(d, { test: 'python -m pytest -rA' })).toMatchObject({
      test: 'python -m pytest -rA',
      format: 'pytest',
    });
  });
});
