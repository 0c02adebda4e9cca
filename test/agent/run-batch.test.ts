import Docker from 'dockerode';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oracleScript, toYaml } from '../../benchmarks/oracle-script.js';
import { normalizePatch } from '../../src/code/index.js';
import {
  HOLD_LABEL,
  normalizeInstance,
  planImages,
  removeImage,
  runBatch,
  type Instance,
} from '../../src/harness/index.js';
import { instanceWorkspace } from '../../src/harness/workspace.js';
import { imageRef } from '../../src/sandbox/index.js';
import { imagesPresent } from '../helpers/containers.js';
import { git, initRepo } from '../harness/helpers.js';

// Two tiny Python instances (not real repositories: CI has none), each driven by the oracle
// script generated from its gold patch. run-batch with two workers must give the very
// predictions one worker gives, and a re-run must replace lines, not add them.
const present = await imagesPresent(imageRef('python'));
if (!present) console.warn('skipping run-batch tests: drydock images are not built (run drydock setup)');

const root = mkdtempSync(join(tmpdir(), 'dd-run-batch-'));
const mirror = join(root, 'mirror');
const docker = new Docker();
let insts: Instance[] = [];

/** Images this file built (the environment image only when it was not there before). */
const built = new Set<string>();

beforeAll(() => {
  const work = join(root, 'work', 'calc');
  const base = initRepo(work, {
    'calc.py': 'def add(a, b):\n    return a - b\n\n\ndef neg(a):\n    return a\n',
    'tests/test_calc.py': 'from calc import add, neg\n\n\ndef test_zero():\n    assert add(0, 0) == 0\n',
    'tests/conftest.py': 'import sys, os\nsys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))\n',
  });
  git(join(root, 'work'), 'clone', '-q', '--bare', work, join(mirror, 'fx', 'calc'));
  const row = (id: string, problem: string, patch: string, testPatch: string, f2p: string) =>
    normalizeInstance({
      instance_id: id,
      repo: 'fx/calc',
      base_commit: base,
      problem_statement: problem,
      patch,
      test_patch: testPatch,
      FAIL_TO_PASS: [f2p],
      PASS_TO_PASS: ['tests/test_calc.py::test_zero'],
      env_image: 'python',
      env_setup_cmds: [],
      install_cmds: [],
      test_cmds: ['python3 -m pytest -rA -p no:cacheprovider tests'],
      log_parser: 'pytest',
    });
  // Each gold patch and test patch as git writes it.
  const gitDiff = (file: string, from: string, to: string) => {
    const path = join(work, file);
    const before = readFileSync(path, 'utf8');
    writeFileSync(path, before.replace(from, to));
    const d = git(work, 'diff');
    writeFileSync(path, before);
    return d;
  };
  const t = 'tests/test_calc.py';
  insts = [
    row(
      'fx__calc-1',
      'add() subtracts',
      gitDiff('calc.py', 'return a - b', 'return a + b'),
      gitDiff(t, '== 0\n', '== 0\n\n\ndef test_add():\n    assert add(2, 3) == 5\n'),
      'tests/test_calc.py::test_add',
    ),
    row(
      'fx__calc-2',
      'neg() returns its argument',
      gitDiff('calc.py', '    return a\n', '    return -a\n'),
      gitDiff(t, '== 0\n', '== 0\n\n\ndef test_neg():\n    assert neg(2) == -2\n'),
      'tests/test_calc.py::test_neg',
    ),
  ];
  writeFileSync(join(root, 'dataset.jsonl'), insts.map((i) => JSON.stringify(i)).join('\n') + '\n');
});

afterAll(async () => {
  // Instance images first: an environment image cannot go while an image built on it is there.
  for (const ref of [...built].sort((a, b) => Number(a.includes('/env:')) - Number(b.includes('/env:'))))
    await removeImage(docker, ref);
  rmSync(root, { recursive: true, force: true });
});

describe.runIf(present)('run-batch on fixture instances (real sandbox, scripted oracle model)', () => {
  it('--workers 2 gives the same predictions as --workers 1, each the gold patch; a re-run replaces lines', async () => {
    for (const inst of insts) {
      const plan = await planImages(docker, inst);
      built.add(plan.instanceRef);
      const had = await docker
        .getImage(plan.envRef)
        .inspect()
        .then(() => true)
        .catch(() => false);
      if (!had) built.add(plan.envRef);
    }
    const scripts = join(root, 'scripts');
    mkdirSync(scripts, { recursive: true });
    for (const inst of insts) {
      const s = await oracleScript(join(mirror, inst.repo), inst, 'clean');
      expect(s.problems).toEqual([]);
      writeFileSync(join(scripts, `${inst.instance_id}.yaml`), toYaml(s.script));
    }
    const run = (workers: number, out: string, instances?: string[]) =>
      runBatch({
        dataset: join(root, 'dataset.jsonl'),
        reposDir: mirror,
        out,
        scriptDir: scripts,
        model: {},
        candidates: 1,
        workers,
        instances,
        memoryBudgetBytes: 16 * 2 ** 30,
      });
    const lines = (out: string) =>
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { instance_id: string; model_patch: string | null });
    const byId = (out: string) => Object.fromEntries(lines(out).map((l) => [l.instance_id, l.model_patch]));

    // Four fix runs in all: with one worker, then with two into the same file (a re-run).
    const out = join(root, 'out', 'predictions.jsonl');
    const r1 = await run(1, out);
    expect(r1.errors).toEqual([]);
    const one = byId(out);
    for (const inst of insts)
      expect(normalizePatch(one[inst.instance_id] ?? '')).toBe(normalizePatch(inst.patch));
    const r2 = await run(2, out);
    expect(r2.errors).toEqual([]);
    // The same predictions, and each instance's line replaced rather than added.
    expect(r2.predictions.map((p) => [p.instance_id, p.model_patch])).toEqual(Object.entries(one));
    expect(lines(out).map((l) => l.instance_id)).toEqual(['fx__calc-1', 'fx__calc-2']);
    expect(byId(out)).toEqual(one);
  }, 900_000);

  it('holds its instance image while an instance runs: another run’s cleanup cannot remove it', async () => {
    // The same repository, commit and install give the same image name in every run, and
    // `eval --cache-level none` removes the harness images it used: a run that did not hold its
    // image lost it between the build and the sandbox (CI saw an instance end without a patch).
    const inst = insts[0]!;
    const ws = await instanceWorkspace(docker, inst, { reposDir: mirror });
    const held = () =>
      docker.listContainers({ all: true, filters: { label: [`${HOLD_LABEL}=${ws.image}`] } });
    const exists = () =>
      docker
        .getImage(ws.image)
        .inspect()
        .then(
          () => true,
          () => false,
        );
    try {
      built.add(ws.image);
      expect(await held()).toHaveLength(1);
      await removeImage(docker, ws.image); // what the other run's cleanup does
      expect(await exists()).toBe(true);
    } finally {
      await ws.cleanup();
    }
    expect(await held()).toHaveLength(0);
    await removeImage(docker, ws.image);
    expect(await exists()).toBe(false);
  }, 600_000);
});
