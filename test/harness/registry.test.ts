import { spawnSync } from 'node:child_process';
// drydock eval on rows as the benchmarks publish them, with their images pulled from a real
// registry on loopback (Debian's docker-registry, started here with its own config and storage,
// stopped after): images built here are pushed under SWE-bench-Live's and SWE-bench's official
// names, the local tags removed, and `drydock eval --namespace 127.0.0.1:PORT/...` pulls them.
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pack } from 'tar-fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followBuild } from '../../src/sandbox/index.js';
import { drydockAsync } from '../helpers/cli.js';
import { docker, imagesPresent, TEST_LABELS } from '../helpers/containers.js';
import { initRepo } from './helpers.js';

const REGISTRY = '/usr/bin/docker-registry';
/**
 * Debian's docker-registry: installed here when missing and this is root on a Debian-like
 * system (the test suite must set itself up on a fresh machine); under CI, a registry that
 * cannot be had fails the run rather than skipping these tests.
 */
function ensureRegistry(): boolean {
  if (existsSync(REGISTRY)) return true;
  if (process.getuid?.() === 0 && existsSync('/etc/debian_version')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update'], { env });
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'docker-registry'], { env });
  }
  if (existsSync(REGISTRY)) return true;
  if (process.env.CI === 'true')
    throw new Error(`${REGISTRY} is missing and could not be installed: apt-get install docker-registry`);
  return false;
}
const haveRegistry = ensureRegistry();
const root = mkdtempSync(join(tmpdir(), 'dd-registry-'));
const built = `drydock-test/published:${process.pid}`;
const refs: string[] = [];
let registry: ResultPromise | undefined;
let port = 0;
let base = '';
let ready = false;

const goldPatch =
  'diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n';
const testPatch =
  'diff --git a/tests/test_calc.py b/tests/test_calc.py\n--- a/tests/test_calc.py\n+++ b/tests/test_calc.py\n@@ -3,2 +3,6 @@ from calc import add\n def test_zero():\n     assert add(0, 0) == 0\n+\n+\n+def test_add():\n+    assert add(2, 3) == 5\n';
// Deliberately flaky: each case passes or fails at random, so three runs never agree on all twelve.
const FLAKY = Array.from({ length: 12 }, (_, i) => `tests/test_flaky.py::test_coin[${i}]`);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

async function push(ref: string): Promise<void> {
  // The engine wants an X-Registry-Auth header even for a registry without authentication.
  const stream = await docker
    .getImage(ref)
    .push({ authconfig: { username: '', password: '', serveraddress: `127.0.0.1:${port}` } });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
      const bad = out?.find((e) => e.error);
      if (err || bad) reject(err ?? new Error(bad!.error));
      else resolve();
    }),
  );
}

async function removeLocal(ref: string): Promise<void> {
  await docker
    .getImage(ref)
    .remove()
    .catch(() => {});
}

function row(id: string, extra: Record<string, unknown>) {
  return {
    instance_id: id,
    base_commit: base,
    problem_statement: 'add() subtracts',
    patch: goldPatch,
    test_patch: testPatch,
    ...extra,
  };
}

const live = (id: string, tests = 'tests/test_calc.py', f2p = ['tests/test_calc.py::test_add']) =>
  row(id, {
    repo: 'demo/calc',
    FAIL_TO_PASS: f2p,
    PASS_TO_PASS: ['tests/test_calc.py::test_zero'],
    test_cmds: [`python3 -m pytest -rA -p no:cacheprovider ${tests}`],
    rebuild_cmds: [],
    print_cmds: [],
    log_parser: 'pytest',
  });

const writeJsonl = (name: string, rows: unknown[]) => {
  const p = join(root, name);
  writeFileSync(p, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return p;
};

const liveName = (id: string) => `starryzhang/sweb.eval.x86_64.${id.replace(/__/g, '_1776_').toLowerCase()}`;

beforeAll(async () => {
  if (!haveRegistry || !(await imagesPresent('drydock/python'))) return;
  base = initRepo(join(root, 'ctx', 'testbed'), {
    'calc.py': 'def add(a, b):\n    return a - b\n',
    'tests/test_calc.py': 'from calc import add\n\n\ndef test_zero():\n    assert add(0, 0) == 0\n',
    'tests/test_flaky.py':
      'import random\n\nimport pytest\n\n\n@pytest.mark.parametrize("i", range(12))\ndef test_coin(i):\n    assert random.random() < 0.5\n',
    'tests/conftest.py': 'import sys, os\nsys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))\n',
  });
  // SWE-bench's eval script activates conda; this image has none, so a no-op stands in for it.
  writeFileSync(
    join(root, 'ctx', 'Dockerfile'),
    [
      'FROM drydock/python',
      'USER root',
      'COPY testbed /testbed',
      "RUN mkdir -p /opt/miniconda3/bin && printf 'conda() { :; }\\n' > /opt/miniconda3/bin/activate",
      'WORKDIR /testbed',
      '',
    ].join('\n'),
  );
  const stream = await docker.buildImage(pack(join(root, 'ctx')), {
    t: built,
    labels: TEST_LABELS,
    rm: true,
  });
  await followBuild(docker, stream);

  port = await freePort();
  mkdirSync(join(root, 'registry'));
  writeFileSync(
    join(root, 'registry.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(root, 'registry')}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  registry = execa(REGISTRY, ['serve', join(root, 'registry.yml')], { reject: false });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/v2/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const names = [
    liveName('demo__calc-1'),
    liveName('demo__calc-3'),
    'swebench/sweb.eval.x86_64.pallets_1776_flask-9001:latest',
  ];
  for (const name of names) {
    const ref = `127.0.0.1:${port}/${name}`;
    refs.push(ref);
    await docker.getImage(built).tag({ repo: ref.replace(/:latest$/, ''), tag: 'latest' });
    await push(ref.includes(':latest') ? ref : `${ref}:latest`);
    await removeLocal(ref.includes(':latest') ? ref : `${ref}:latest`); // eval has to pull it back
  }
  ready = true;
}, 600_000);

afterAll(async () => {
  registry?.kill();
  await Promise.race([registry, new Promise((r) => setTimeout(r, 10_000))]);
  for (const ref of refs) await removeLocal(ref.includes(':latest') ? ref : `${ref}:latest`);
  await removeLocal(built);
  rmSync(root, { recursive: true, force: true });
});

/** The CLI, without blocking this worker's event loop while it runs. */
const run = (args: string[], env: Record<string, string> = {}) => drydockAsync(args, env, 900_000);

const json = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe.skipIf(!haveRegistry)('drydock eval on published rows, images from a registry on loopback', () => {
  it('run-batch runs the scripted agent inside the published instance image, on its own /testbed, and eval resolves the prediction', async () => {
    expect(ready).toBe(true);
    const ds = writeJsonl('batch.jsonl', [live('demo__calc-3')]);
    const ns = `127.0.0.1:${port}/starryzhang`;
    const preds = join(root, 'batch', 'preds.jsonl');
    const script = fileURLToPath(new URL('../fixtures/harness/published-calc-agent.yaml', import.meta.url));
    // No --repos: the repository comes out of the image itself.
    const r = await run(
      [
        'run-batch',
        '--dataset',
        ds,
        '--namespace',
        ns,
        '--script',
        script,
        '--candidates',
        '1',
        '--out',
        preds,
      ],
      { HOME: root },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`image ${ns}/sweb.eval.x86_64.demo_1776_calc-3, its own /testbed`);
    const p = JSON.parse(readFileSync(preds, 'utf8').trim()) as {
      model_patch: string;
      model_name_or_path: string;
    };
    expect(p.model_patch).toMatch(/^\+ {4}return a \+ b$/m);
    // The prediction touches only the fix: nothing the image holds besides the repository's files.
    expect(p.model_patch.match(/^diff --git/gm)).toHaveLength(1);
    const out = join(root, 'batch', 'eval');
    const ev = await run([
      'eval',
      '--dataset',
      ds,
      '--predictions',
      preds,
      '--run-id',
      'b',
      '--namespace',
      ns,
      '--out',
      out,
      '--json',
    ]);
    expect(ev.status, ev.stderr).toBe(0);
    expect(json(ev.stdout)).toMatchObject({ resolved_ids: ['demo__calc-3'] });
  }, 900_000);

  it('SWE-bench-Live rows: gold resolves, empty does not, a missing image is named while the rest are graded', async () => {
    expect(ready).toBe(true);
    const ds = writeJsonl('live.jsonl', [live('demo__calc-1'), live('demo__calc-2')]);
    const ns = `127.0.0.1:${port}/starryzhang`;
    const out = join(root, 'out');
    // Per-instance needs: memory for this instance, CPUs for its repository.
    const resources = join(root, 'resources.json');
    writeFileSync(
      resources,
      JSON.stringify({ 'demo__calc-1': { memory: '768m' }, 'demo/calc': { cpus: 1 } }),
    );
    const gold = await run([
      'eval',
      '--dataset',
      ds,
      '--predictions',
      'gold',
      '--run-id',
      'g',
      '--namespace',
      ns,
      '--out',
      out,
      '--resources',
      resources,
      '--json',
    ]);
    expect(gold.stderr).toContain('2 swe-bench-live row(s)');
    expect(gold.stderr).toMatch(/demo__calc-2: .*sweb\.eval\.x86_64\.demo_1776_calc-2/);
    const s = json(gold.stdout);
    expect(s.resolved_ids).toEqual(['demo__calc-1']);
    expect(s.error_ids).toEqual(['demo__calc-2']);
    const result = JSON.parse(readFileSync(join(out, 'g', 'gold', 'demo__calc-1', 'result.json'), 'utf8'));
    expect(result.images.instance).toBe(`${ns}/sweb.eval.x86_64.demo_1776_calc-1`);
    expect(result.images.pulled).toBe(true);
    expect(result.resources).toEqual({
      memory_bytes: 768 * 2 ** 20,
      cpus: 1,
      source: { memory: 'override:instance', cpus: 'override:repo' },
    });
    expect(result.peak_memory_bytes).toBeGreaterThan(0);
    expect(result.cpu_ms).toBeGreaterThan(0);

    const empty = await run([
      'eval',
      '--dataset',
      ds,
      '--predictions',
      'empty',
      '--run-empty-patches',
      '--run-id',
      'e',
      '--namespace',
      ns,
      '--out',
      out,
      '--json',
    ]);
    expect(json(empty.stdout)).toMatchObject({ resolved_instances: 0, unresolved_ids: ['demo__calc-1'] });

    // SWE-bench-Live's predictions: a dict keyed by id.
    const preds = join(root, 'preds.json');
    writeFileSync(preds, JSON.stringify({ 'demo__calc-1': { model_patch: goldPatch } }));
    const dict = await run([
      'eval',
      '--dataset',
      ds,
      '--predictions',
      preds,
      '--run-id',
      'd',
      '--namespace',
      ns,
      '--out',
      out,
      '--json',
    ]);
    expect(json(dict.stdout)).toMatchObject({ resolved_ids: ['demo__calc-1'], submitted_instances: 1 });
  }, 900_000);

  it('SWE-bench rows (no commands): the ported spec runs in the pulled image; gold resolves, empty does not', async () => {
    expect(ready).toBe(true);
    const ds = writeJsonl('swebench.jsonl', [
      row('pallets__flask-9001', {
        repo: 'pallets/flask',
        version: '2.0',
        FAIL_TO_PASS: '["tests/test_calc.py::test_add"]',
        PASS_TO_PASS: '["tests/test_calc.py::test_zero"]',
      }),
    ]);
    const ns = `127.0.0.1:${port}/swebench`;
    const out = join(root, 'out-swebench');
    const gold = await run([
      'eval',
      '--dataset',
      ds,
      '--predictions',
      'gold',
      '--run-id',
      'g',
      '--namespace',
      ns,
      '--out',
      out,
      '--json',
    ]);
    expect(gold.stderr).toContain('1 swe-bench row(s)');
    expect(json(gold.stdout).resolved_ids).toEqual(['pallets__flask-9001']);
    const log = readFileSync(join(out, 'g', 'gold', 'pallets__flask-9001', 'test_output.txt'), 'utf8');
    expect(log).toContain('>>>>> Start Test Output');
    expect(log).toMatch(/PASSED tests\/test_calc.py::test_add/);
    const empty = await run([
      'eval',
      '--dataset',
      ds,
      '--predictions',
      'empty',
      '--run-empty-patches',
      '--run-id',
      'e',
      '--namespace',
      ns,
      '--out',
      out,
      '--json',
    ]);
    expect(json(empty.stdout)).toMatchObject({
      resolved_instances: 0,
      unresolved_ids: ['pallets__flask-9001'],
    });
  }, 900_000);

  it('--repeat 3 lists the instance with a flaky test and leaves it out of the valid subset', async () => {
    expect(ready).toBe(true);
    const flaky = live('demo__calc-3', 'tests/test_calc.py tests/test_flaky.py', [
      'tests/test_calc.py::test_add',
      ...FLAKY,
    ]);
    const ds = writeJsonl('repeat.jsonl', [live('demo__calc-1'), flaky]);
    const out = join(root, 'out-repeat');
    const r = await run([
      'eval',
      '--dataset',
      ds,
      '--predictions',
      'gold',
      '--repeat',
      '3',
      '--run-id',
      'v',
      '--namespace',
      `127.0.0.1:${port}/starryzhang`,
      '--out',
      out,
    ]);
    expect(r.stdout).toContain('Valid (resolved in every run): 1');
    expect(r.stdout).toMatch(/Flaky: 1[\s\S]*demo__calc-3: .*tests: tests\/test_flaky\.py::test_coin\[/);
    const valid = readFileSync(join(out, 'v.valid.jsonl'), 'utf8').trim().split('\n');
    expect(valid.map((l) => JSON.parse(l).instance_id)).toEqual(['demo__calc-1']);
    const listed = JSON.parse(readFileSync(join(out, 'v.flaky.json'), 'utf8')) as {
      instance_id: string;
      tests: { id: string }[];
    }[];
    expect(listed[0]!.instance_id).toBe('demo__calc-3');
    expect(listed[0]!.tests.every((t) => FLAKY.includes(t.id))).toBe(true);
  }, 900_000);
});
