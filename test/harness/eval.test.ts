import Docker from 'dockerode';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  evaluate,
  normalizeInstance,
  removeImage,
  type Instance,
  type Prediction,
  type ReportJson,
} from '../../src/harness/index.js';
import { git, initRepo } from './helpers.js';

// A tiny Python project with a bug in add(); the test patch adds a test that shows it.
const root = mkdtempSync(join(tmpdir(), 'dd-harness-eval-'));
const work = join(root, 'work');
const mirror = join(root, 'mirror');
const out = join(root, 'runs');
const escapee = join(tmpdir(), `drydock-escape-${process.pid}-${Date.now()}`);
const docker = new Docker();
const builtImages = new Set<string>();

let base = '';
let insts: Instance[] = [];
const goldPatch =
  'diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n';
const testPatch =
  'diff --git a/tests/test_calc.py b/tests/test_calc.py\n--- a/tests/test_calc.py\n+++ b/tests/test_calc.py\n@@ -3,2 +3,6 @@ from calc import add\n def test_zero():\n     assert add(0, 0) == 0\n+\n+\n+def test_add():\n+    assert add(2, 3) == 5\n';

// A log_parser given as Python source: it tries to write a file on the host, then parses pytest output.
const pyParser = `
def parser(log):
    try:
        open(${JSON.stringify(escapee)}, "w").write("escaped")
    except Exception:
        pass
    out = {}
    for line in log.splitlines():
        for st in ("PASSED", "FAILED", "ERROR"):
            if line.startswith(st + " "):
                out[line.split()[1]] = st
    return out
`;

function row(id: string, extra: Record<string, unknown> = {}) {
  return normalizeInstance({
    instance_id: id,
    repo: 'fx/calc',
    base_commit: base,
    problem_statement: 'add() subtracts',
    patch: goldPatch,
    test_patch: testPatch,
    FAIL_TO_PASS: ['tests/test_calc.py::test_add'],
    PASS_TO_PASS: ['tests/test_calc.py::test_zero'],
    env_image: 'python',
    env_setup_cmds: [],
    install_cmds: ['echo installed > /tmp/installed'],
    test_cmds: ['PYTHONDONTWRITEBYTECODE=1 python3 -m pytest -rA -p no:cacheprovider tests'],
    log_parser: 'pytest',
    ...extra,
  });
}

beforeAll(() => {
  base = initRepo(join(work, 'calc'), {
    'calc.py': 'def add(a, b):\n    return a - b\n',
    'tests/test_calc.py': 'from calc import add\n\n\ndef test_zero():\n    assert add(0, 0) == 0\n',
    'tests/conftest.py': 'import sys, os\nsys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))\n',
  });
  git(root, 'clone', '-q', '--bare', join(work, 'calc'), join(mirror, 'fx', 'calc'));
  insts = [
    row('fx__calc-1'),
    row('fx__calc-2'),
    row('fx__calc-3'),
    row('fx__calc-4', { log_parser: pyParser }),
  ];
});

afterAll(async () => {
  for (const ref of builtImages) await removeImage(docker, ref);
  rmSync(root, { recursive: true, force: true });
  rmSync(escapee, { force: true });
});

const pred = (id: string, patch: string | null, model = 'fixture/model'): Prediction => ({
  instance_id: id,
  model_name_or_path: model,
  model_patch: patch,
});

describe('drydock eval on a fixture repository (Docker)', () => {
  it('grades gold, empty, a patch that does not apply, and a sandboxed Python log_parser', async () => {
    const preds = new Map([
      ['fx__calc-1', pred('fx__calc-1', goldPatch)],
      ['fx__calc-2', pred('fx__calc-2', '')],
      [
        'fx__calc-3',
        pred(
          'fx__calc-3',
          'diff --git a/nope.py b/nope.py\n--- a/nope.py\n+++ b/nope.py\n@@ -1 +1 @@\n-x\n+y\n',
        ),
      ],
      ['fx__calc-4', pred('fx__calc-4', goldPatch)],
    ]);
    const run = await evaluate(insts, preds, {
      runId: 'r1',
      out,
      reposDir: mirror,
      workers: 2,
      docker,
      memoryBudgetBytes: 8 * 2 ** 30,
    });
    for (const r of run.results) if (r.images) builtImages.add(r.images.instance).add(r.images.env);
    const by = new Map(run.results.map((r) => [r.instance_id, r]));
    expect(by.get('fx__calc-1')!.outcome).toBe('resolved');
    expect(by.get('fx__calc-2')!.outcome).toBe('empty_patch');
    expect(by.get('fx__calc-3')!.outcome).toBe('apply_failed');
    expect(by.get('fx__calc-3')!.reason).toMatch(/patch did not apply/);
    expect(by.get('fx__calc-4')!.outcome).toBe('resolved');
    // the parser ran, but its write went to the sandbox, not the host
    expect(existsSync(escapee)).toBe(false);

    expect(run.summary).toMatchObject({
      total_instances: 4,
      resolved_ids: ['fx__calc-1', 'fx__calc-4'],
      empty_patch_ids: ['fx__calc-2'],
      error_ids: ['fx__calc-3'],
    });
    expect(run.summaryPath).toBe(join(out, 'fixture__model.r1.json'));
    const dir = join(out, 'r1', 'fixture__model', 'fx__calc-1');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportJson;
    expect(report['fx__calc-1']!.tests_status!.FAIL_TO_PASS).toEqual({
      success: ['tests/test_calc.py::test_add'],
      failure: [],
    });
    expect(readFileSync(join(dir, 'test_output.txt'), 'utf8')).toMatch(
      /PASSED tests\/test_calc.py::test_add/,
    );
    expect(readFileSync(join(dir, 'eval.sh'), 'utf8')).toMatch(/pytest -rA/);
    expect(readFileSync(join(dir, 'patch.diff'), 'utf8')).toBe(goldPatch);
    expect(readFileSync(join(out, 'r1', 'fixture__model', 'fx__calc-3', 'apply_output.txt'), 'utf8')).toMatch(
      /patch --batch --fuzz=5/,
    );

    // the instance image holds the repository at base_commit with its history, no remote
    const img = by.get('fx__calc-1')!.images!.instance;
    const c = await docker.createContainer({
      Image: img,
      Cmd: ['bash', '-c', 'cd /testbed && git rev-parse HEAD && git remote -v | wc -l && cat /tmp/installed'],
      Labels: { drydock: '1' },
    });
    try {
      await c.start();
      await c.wait();
      const logs = (await c.logs({ stdout: true, stderr: true })).toString('utf8');
      expect(logs).toContain(base);
      expect(logs).toMatch(/\n.*0\n/);
      expect(logs).toContain('installed');
    } finally {
      await c.remove({ force: true });
    }
  });

  it('a patch that does not fix the bug is unresolved (the new test fails); a second run reuses every image', async () => {
    const revert =
      'diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n-def add(a, b):\n+def add(a, b):  # untouched\n     return a - b\n';
    const run = await evaluate(
      insts.slice(0, 1),
      new Map([['fx__calc-1', pred('fx__calc-1', revert, 'other')]]),
      {
        runId: 'r2',
        out,
        reposDir: mirror,
        docker,
      },
    );
    const r = run.results[0]!;
    if (r.images) builtImages.add(r.images.instance).add(r.images.env);
    expect(r.outcome).toBe('unresolved');
    expect(r.images).toMatchObject({ envBuilt: false, instanceBuilt: false });
    const report = JSON.parse(
      readFileSync(join(out, 'r2', 'other', 'fx__calc-1', 'report.json'), 'utf8'),
    ) as ReportJson;
    expect(report['fx__calc-1']!.tests_status!.FAIL_TO_PASS.failure).toEqual([
      'tests/test_calc.py::test_add',
    ]);
  });

  it('an interrupted run resumes: finished instances are skipped', async () => {
    const preds = new Map([['fx__calc-1', pred('fx__calc-1', goldPatch)]]);
    const run = await evaluate(insts, preds, { runId: 'r1', out, reposDir: mirror, docker });
    expect(run.skipped).toEqual(['fx__calc-1']);
    expect(run.summary.resolved_ids).toEqual(['fx__calc-1']);
    expect(run.summary.incomplete_ids).toEqual(['fx__calc-2', 'fx__calc-3', 'fx__calc-4']);
  });

  it('with runEmpty, an empty prediction runs with only the test patch, and its FAIL_TO_PASS test fails', async () => {
    const run = await evaluate(
      insts.slice(1, 2),
      new Map([['fx__calc-2', pred('fx__calc-2', '', 'empty')]]),
      {
        runId: 'r3',
        out,
        reposDir: mirror,
        docker,
        runEmpty: true,
      },
    );
    for (const r of run.results) if (r.images) builtImages.add(r.images.instance).add(r.images.env);
    expect(run.results[0]!.outcome).toBe('unresolved');
    const report = JSON.parse(
      readFileSync(join(out, 'r3', 'empty', 'fx__calc-2', 'report.json'), 'utf8'),
    ) as ReportJson;
    expect(report['fx__calc-2']).toMatchObject({
      patch_exists: false,
      patch_successfully_applied: true,
      resolved: false,
    });
    expect(report['fx__calc-2']!.tests_status!.PASS_TO_PASS.success).toEqual([
      'tests/test_calc.py::test_zero',
    ]);
  });

  it('--cache-level env removes the instance image after its instance and keeps the environment image', async () => {
    const run = await evaluate(
      insts.slice(0, 1),
      new Map([['fx__calc-1', pred('fx__calc-1', goldPatch, 'cache')]]),
      {
        runId: 'r4',
        out,
        reposDir: mirror,
        docker,
        cacheLevel: 'env',
      },
    );
    for (const r of run.results) if (r.images) builtImages.add(r.images.instance).add(r.images.env);
    const images = run.results[0]!.images!;
    expect(run.results[0]!.outcome).toBe('resolved');
    await expect(docker.getImage(images.instance).inspect()).rejects.toThrow();
    await expect(docker.getImage(images.env).inspect()).resolves.toBeTruthy();
  });
});
