// `--engine swarm` on a real swarm: this engine as the manager and two docker-in-docker workers
// started here (test/cluster/nodes.ts). One cluster serves every scenario; afterAll removes all
// of it (services, configs, containers, volumes, networks, node entries) and leaves swarm mode
// if this file entered it, even when a scenario fails.
//
// The swarm scenarios run wherever a Docker engine answers (`npm test` and CI included; about
// 8-9 min on a quiet 2-core machine, see src/cluster/README.md); DRYDOCK_SWARM_TEST=0 skips them. What they share, to keep that down: one cluster, one fixture set of six
// instances, and the local reference runs made once in beforeAll (run-batch's and envbench's
// while the nodes start). The frame checks always run.
import Docker from 'dockerode';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLUSTER_LABEL,
  decodeFrames,
  encodeFrames,
  ENVBENCH_FILES,
  removeRegistry,
  workerImageRef,
  writeEnvbenchFiles,
} from '../../src/cluster/index.js';
import { oracleScript, toYaml } from '../../benchmarks/oracle-script.js';
import { normalizeInstance } from '../../src/harness/index.js';
import { imageRef } from '../../src/sandbox/index.js';
import { FIXTURE_SCRIPTS, PIP_ENV, pythonFixtures } from '../envsetup/fixtures.js';
import { imagesPresent } from '../helpers/containers.js';
import { git, initRepo } from '../harness/helpers.js';
import {
  killNode,
  newCluster,
  startCluster,
  sweepStaleClusters,
  teardown,
  type TestCluster,
} from './nodes.js';

const BIN = fileURLToPath(new URL('../../bin/drydock.js', import.meta.url));
const docker = new Docker();
const root = mkdtempSync(join(tmpdir(), 'dd-swarm-'));
const have = await imagesPresent('drydock/python:latest', 'drydock/base:latest');

let cluster: TestCluster | undefined;
let env: Record<string, string> = {};
const dataset = join(root, 'dataset.jsonl');
const preds = join(root, 'preds.jsonl');
const mirror = join(root, 'mirror');
const MODEL = 'fixture-model';
const builtImages = new Set<string>();
/** Seconds per phase, printed at the end (how long the swarm test costs). */
const timings: Record<string, number> = {};

const goldPatch =
  'diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n';
const wrongPatch =
  'diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a * b\n';
const badPatch = 'diff --git a/nope.py b/nope.py\n--- a/nope.py\n+++ b/nope.py\n@@ -1 +1 @@\n-x\n+y\n';
const testPatch =
  'diff --git a/tests/test_calc.py b/tests/test_calc.py\n--- a/tests/test_calc.py\n+++ b/tests/test_calc.py\n@@ -3,2 +3,6 @@ from calc import add\n def test_zero():\n     assert add(0, 0) == 0\n+\n+\n+def test_add():\n+    assert add(2, 3) == 5\n';

/**
 * Six tiny instances (the issue's minimum): resolved, unresolved, apply_failed and empty; each
 * sleeps a few seconds so a kill lands mid-run. Every scenario of the file runs this one set.
 */
const IDS = ['fx__calc-1', 'fx__calc-2', 'fx__calc-3', 'fx__calc-4', 'fx__calc-5', 'fx__calc-6'];
const PATCH: Record<string, string | null> = {
  'fx__calc-1': goldPatch,
  'fx__calc-2': wrongPatch,
  'fx__calc-3': goldPatch,
  'fx__calc-4': badPatch,
  'fx__calc-5': goldPatch,
  'fx__calc-6': '',
};

/** The CLI without blocking this process (a blocking call of minutes times out vitest's RPC). */
const cli = (args: string[]) => cliAsync(args).done;

/** The CLI in the background (so the test can kill it or a node while it runs). */
function cliAsync(args: string[]): {
  child: ChildProcess;
  done: Promise<{ status: number | null; stderr: string; stdout: string }>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ status: number | null; stderr: string; stdout: string }>((resolve) =>
    child.on('close', (status) => resolve({ status, stderr, stdout })),
  );
  return { child, done };
}

const evalArgs = (runId: string, out: string, engine: string) => [
  'eval',
  '--dataset',
  dataset,
  '--repos',
  mirror,
  '--predictions',
  preds,
  '--run-id',
  runId,
  '--out',
  out,
  '--engine',
  engine,
  '--workers',
  '2',
  '--timeout',
  '5m',
];

const summaryOf = (out: string, runId: string) =>
  JSON.parse(readFileSync(join(out, `${MODEL}.${runId}.json`), 'utf8')) as Record<string, unknown>;

function reports(out: string, runId: string): Record<string, unknown> {
  const dir = join(out, runId, MODEL);
  const r: Record<string, unknown> = {};
  for (const id of readdirSync(dir).sort()) {
    const p = join(dir, id, 'report.json');
    r[id] = existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : null;
  }
  return r;
}

const fileSets = (out: string, runId: string) =>
  Object.fromEntries(
    readdirSync(join(out, runId, MODEL))
      .sort()
      .map((id) => [id, readdirSync(join(out, runId, MODEL, id)).sort()]),
  );

interface Ev {
  event: string;
  instance: string;
  node?: string;
  attempt: number;
}
const events = (out: string, runId: string): Ev[] => {
  const p = join(out, `${runId}.cluster`, 'events.jsonl');
  return existsSync(p)
    ? readFileSync(p, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Ev)
    : [];
};
const collectedPer = (evs: Ev[]) => {
  const m = new Map<string, number>();
  for (const e of evs) if (e.event === 'collected') m.set(e.instance, (m.get(e.instance) ?? 0) + 1);
  return m;
};

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(
  what: string,
  f: () => Promise<T | undefined> | T | undefined,
  ms = 300_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(500);
  }
}

/** run-batch: two instances whose SCRIPTED oracle replies make the gold fix. */
const BATCH_IDS = ['fx__calc-1', 'fx__calc-2'];
const batchScripts = join(root, 'scripts', 'oracle');
const batchArgs = (out: string, engine: string) => [
  'run-batch',
  '--dataset',
  dataset,
  '--repos',
  mirror,
  '--script-dir',
  batchScripts,
  '--instances',
  BATCH_IDS.join(','),
  '--candidates',
  '1',
  '--workers',
  '2',
  '--out',
  out,
  '--engine',
  engine,
];
const predLines = (out: string) =>
  readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .sort((a, b) => String(a.instance_id).localeCompare(String(b.instance_id)));
const batchLocalPreds = join(root, 'batch-local', 'predictions.jsonl');

/** envbench: two Python fixtures of test/envsetup whose setup installs wheels only (no project build, so pip's log has no temporary names). */
const ENV_FIXTURES = ['fx/import-name', 'fx/nested-requirements'];
const envMirror = join(root, 'env-mirror');
const envDataset = join(root, 'envbench-dataset.jsonl');
const envScripts = join(root, 'envbench-scripts');
const envArgs = (out: string, engine: string) => [
  'envbench',
  'run',
  '--dataset',
  envDataset,
  '--repos',
  envMirror,
  '--out',
  out,
  '--engine',
  engine,
  '--script-dir',
  envScripts,
  '--network',
  'none',
  '--workers',
  '2',
  '--timeout',
  '10m',
  '--json',
  ...Object.entries(PIP_ENV).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
];
const localEnv = join(root, 'envbench-local');
let envStdoutLocal = '';
/** The fixtures' names, in the order the dataset lists them. */
let envNames: string[] = [];

let localSummary: Record<string, unknown>;
let localReports: Record<string, unknown>;
const localOut = join(root, 'local');

// The temporary folder goes even when the swarm scenarios are skipped.
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('result frames (what a worker sends is data, checked before anything is written)', () => {
  const limits = {
    allow: (n: string) => ['result.json', 'report.json'].includes(n),
    maxFileBytes: 1 << 20,
    maxTotalBytes: 4 << 20,
  };
  const files = {
    'result.json': Buffer.from('{"instance_id":"x"}'),
    'report.json': Buffer.from('x'.repeat(30_000)),
  };
  it('round-trips files through log lines, in pieces shorter than the engine splits, among other output', () => {
    const lines = encodeFrames('n1', { files, meta: { node: 'a' } });
    expect(lines.every((l) => l.length < 16_384)).toBe(true);
    const log = ['noise', ...lines.map((l) => `2026-01-01T00:00:00Z ${l}`), 'more noise'].join('\n');
    const p = decodeFrames(log, 'n1', limits);
    expect(p.files['result.json']!.toString()).toBe('{"instance_id":"x"}');
    expect(p.meta).toEqual({ node: 'a' });
  });
  it('refuses another nonce, a cut log, a changed byte, and names outside the allow-list or the folder', () => {
    const lines = encodeFrames('n1', { files, meta: {} });
    expect(() => decodeFrames(lines.join('\n'), 'n2', limits)).toThrow(/no result frame/);
    expect(() => decodeFrames(lines.slice(1).join('\n'), 'n1', limits)).toThrow(/missing/);
    const bad = lines.map((l, i) => (i === 0 ? l.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) : l));
    expect(() => decodeFrames(bad.join('\n'), 'n1', limits)).toThrow(/digest/);
    for (const name of ['../../etc/passwd', '/abs', 'evil.sh'])
      expect(() =>
        decodeFrames(encodeFrames('n1', { files: { [name]: Buffer.from('x') }, meta: {} }).join('\n'), 'n1', {
          ...limits,
          allow: (n: string) => n !== 'evil.sh',
        }),
      ).toThrow(/may not write/);
  });
});

describe('envbench run --engine swarm without a swarm', () => {
  it('refuses the registries network (its proxy would have to run on every node) with one line that says what to run instead', async () => {
    const data = join(root, 'envbench.jsonl');
    writeFileSync(data, '{"repository":"fx/calc","revision":"HEAD"}\n');
    mkdirSync(join(root, 'envbench-repos'), { recursive: true });
    const r = await cli([
      'envbench',
      'run',
      '--dataset',
      data,
      '--repos',
      join(root, 'envbench-repos'),
      '--engine',
      'swarm',
    ]);
    expect(r.status).not.toBe(0);
    // The CLI's error shape: the error, then the fix; no stack trace.
    expect(r.stderr.trim().split('\n')).toEqual([
      'drydock: envbench run --engine swarm runs with --network none or bridge only so far',
      expect.stringMatching(/^ {2}fix: .*pass --network none .*or run with --engine local$/),
    ]);
  });

  it("takes a worker's record and script only for the repository and revision it asked for, written where a local run writes them", () => {
    const out = join(root, 'envbench-accept');
    const task = { repository: 'fx/tool', revision: 'abc123' };
    const rec = {
      exit_code: 0,
      execution_time: 1.5,
      repo_name: 'fx/tool',
      commit_sha: 'abc123',
      container_logs: '',
      issues_count: 0,
    };
    const payload = (r: object, extra: Record<string, Buffer> = {}) => ({
      files: { 'result.json': Buffer.from(JSON.stringify(r)), ...extra },
      meta: {},
    });
    expect(() => writeEnvbenchFiles(out, task, payload({ ...rec, repo_name: 'fx/other' }))).toThrow(
      /not fx\/tool@abc123/,
    );
    expect(() => writeEnvbenchFiles(out, task, payload({ ...rec, commit_sha: 'def' }))).toThrow(
      /not fx\/tool@abc123/,
    );
    expect(() => writeEnvbenchFiles(out, task, payload({ ...rec, issues_count: 'none' }))).toThrow(
      /issues_count/,
    );
    expect(() =>
      writeEnvbenchFiles(out, task, { files: { 'result.json': Buffer.from('{nope') }, meta: {} }),
    ).toThrow(/not JSON/);
    expect(existsSync(join(out, 'results', 'fx__tool.json'))).toBe(false);
    // What a worker may send at all: the record and the script, nothing else (checked when the frame is decoded).
    expect(ENVBENCH_FILES).toEqual(['result.json', 'script.sh']);
    writeEnvbenchFiles(out, task, payload(rec, { 'script.sh': Buffer.from('pip install x\n') }));
    expect(JSON.parse(readFileSync(join(out, 'results', 'fx__tool.json'), 'utf8'))).toEqual(rec);
    expect(readFileSync(join(out, 'scripts', 'fx__tool.sh'), 'utf8')).toBe('pip install x\n');
    expect(readdirSync(join(out, 'results'))).toEqual(['fx__tool.json']);
  });
});

describe.skipIf(!have || process.env.DRYDOCK_SWARM_TEST === '0')(
  'drydock on a Docker Swarm (manager + 2 docker-in-docker workers)',
  () => {
    beforeAll(async () => {
      // A run killed before its afterAll (a cancelled CI job) must not break this one.
      const stale = await sweepStaleClusters();
      if (stale.length)
        console.log(`[swarm test] removed what a killed earlier run left: ${stale.join(', ')}`);
      // A file of its own, so its commit and so its harness image names differ from the other
      // test files' fx/calc (eval-report's --cache-level none removes the images it used).
      const base = initRepo(join(root, 'work', 'calc'), {
        'NOTES.md': 'the swarm test fixture\n',
        'calc.py': 'def add(a, b):\n    return a - b\n',
        'tests/test_calc.py': 'from calc import add\n\n\ndef test_zero():\n    assert add(0, 0) == 0\n',
        'tests/conftest.py':
          'import sys, os\nsys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))\n',
      });
      git(root, 'clone', '-q', '--bare', join(root, 'work', 'calc'), join(mirror, 'fx', 'calc'));
      const rows = IDS.map((id, n) => ({
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
        install_cmds: [],
        // A few seconds of work each, so a kill lands while instances run.
        rebuild_cmds: [`sleep ${n % 2 ? 6 : 3}`],
        test_cmds: ['PYTHONDONTWRITEBYTECODE=1 python3 -m pytest -rA -p no:cacheprovider tests'],
        log_parser: 'pytest',
        memory: '256m',
        cpus: 0.5,
      }));
      writeFileSync(dataset, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      writeFileSync(
        preds,
        IDS.map((id) =>
          JSON.stringify({ instance_id: id, model_name_or_path: MODEL, model_patch: PATCH[id] }),
        ).join('\n') + '\n',
      );
      // run-batch's SCRIPTED oracle replies, one per instance.
      mkdirSync(batchScripts, { recursive: true });
      for (const inst of rows
        .map((r) => normalizeInstance(r as Record<string, unknown>))
        .filter((r) => BATCH_IDS.includes(r.instance_id))) {
        const sc = await oracleScript(join(mirror, inst.repo), inst, 'clean');
        expect(sc.problems).toEqual([]);
        writeFileSync(join(batchScripts, `${inst.instance_id}.yaml`), toYaml(sc.script));
      }
      // envbench's fixtures and their SCRIPTED agents.
      const fxs = pythonFixtures(envMirror).filter((f) => ENV_FIXTURES.includes(f.name));
      envNames = fxs.map((f) => f.name);
      expect([...envNames].sort()).toEqual([...ENV_FIXTURES].sort());
      writeFileSync(
        envDataset,
        fxs.map((f) => JSON.stringify({ repository: f.name, revision: f.commit })).join('\n') + '\n',
      );
      mkdirSync(envScripts, { recursive: true });
      for (const f of fxs)
        writeFileSync(
          join(envScripts, `${f.name.replace('/', '__')}.json`),
          JSON.stringify(FIXTURE_SCRIPTS[f.name]),
        );
      // Local run first: it builds the instance images, which the nodes then get preloaded.
      const setup = await cli(['setup', '--worker']);
      expect(setup.status, setup.stderr).toBe(0);
      const t0 = performance.now();
      const local = await cli(evalArgs('local', localOut, 'local'));
      expect(local.status, local.stderr).toBe(0);
      timings.local_eval_s = Math.round(performance.now() - t0) / 1000;
      localSummary = summaryOf(localOut, 'local');
      localReports = reports(localOut, 'local');
      const instanceImages = new Set<string>();
      for (const id of IDS) {
        const r = JSON.parse(readFileSync(join(localOut, 'local', MODEL, id, 'result.json'), 'utf8')) as {
          images?: { instance?: string; env?: string };
        };
        if (r.images?.instance) instanceImages.add(r.images.instance);
        for (const ref of [r.images?.instance, r.images?.env]) if (ref) builtImages.add(ref);
      }
      // The local references of run-batch and envbench need no swarm: they run while the nodes
      // start (saving and loading images is mostly disk work), not before each scenario's swarm half.
      cluster = newCluster();
      const c = cluster;
      const t1 = performance.now();
      const [started, batchLocal, envLocal] = await Promise.allSettled([
        startCluster(c, 2, {
          // drydock/python: the envbench scenario's sandboxes (its tag on the nodes comes from the registry).
          preload: [workerImageRef(), imageRef('python'), ...instanceImages],
          log: (l) => console.log(`[swarm test] ${l}`),
        }),
        cli(batchArgs(batchLocalPreds, 'local')).then((r) => {
          timings.batch_local_s = Math.round(performance.now() - t1) / 1000;
          return r;
        }),
        cli(envArgs(localEnv, 'local')).then((r) => {
          timings.envbench_local_s = Math.round(performance.now() - t1) / 1000;
          return r;
        }),
      ]);
      timings.cluster_and_local_refs_s = Math.round(performance.now() - t1) / 1000;
      if (started.status === 'rejected') throw started.reason;
      for (const r of [batchLocal, envLocal]) {
        if (r.status === 'rejected') throw r.reason;
        expect(r.value.status, r.value.stderr).toBe(0);
      }
      if (envLocal.status === 'fulfilled') envStdoutLocal = envLocal.value.stdout;
      // A local reference without a patch fails the batch scenario later; its progress says why.
      if (
        batchLocal.status === 'fulfilled' &&
        predLines(batchLocalPreds).some((p) => typeof p.model_patch !== 'string')
      )
        console.log(
          `[swarm test] run-batch --engine local left an instance without a patch:\n${batchLocal.value.stderr}`,
        );
      Object.assign(timings, cluster.timings);
      console.log(`[swarm test] node storage drivers: ${JSON.stringify(cluster.drivers)}`);
      env = { DRYDOCK_REGISTRY_PORT: String(cluster.registryPort) };
    }, 1_800_000);

    afterAll(async () => {
      console.log(`[swarm test] seconds per phase: ${JSON.stringify(timings)}`);
      const problems: string[] = [];
      try {
        const ours = (await docker.listServices({ filters: { label: [CLUSTER_LABEL.kind] } })) as {
          ID: string;
          Spec?: { Labels?: Record<string, string> };
        }[];
        for (const s of ours)
          if (s.Spec?.Labels?.[CLUSTER_LABEL.kind] === 'job')
            await docker
              .getService(s.ID)
              .remove()
              .catch(() => {});
        await removeRegistry(docker);
        for (let i = 0; i < 20; i++) {
          const cfgs = await docker.listConfigs({ filters: { label: [CLUSTER_LABEL.kind] } }).catch(() => []);
          if (!cfgs.length) break;
          for (const c of cfgs)
            await docker
              .getConfig(c.ID)
              .remove()
              .catch(() => {});
          await wait(500);
        }
      } catch (err) {
        problems.push(String(err));
      }
      problems.push(...(await teardown(cluster)));
      for (const ref of builtImages)
        await docker
          .getImage(ref)
          .remove()
          .catch(() => {});
      rmSync(root, { recursive: true, force: true });
      if (cluster) {
        const left = {
          containers: (
            await docker.listContainers({
              all: true,
              filters: { label: [`drydock.test-cluster=${cluster.id}`] },
            })
          ).length,
          volumes: (
            (await docker.listVolumes({ filters: { label: [`drydock.test-cluster=${cluster.id}`] } }))
              .Volumes ?? []
          ).length,
          networks: (
            await docker.listNetworks({ filters: { label: [`drydock.test-cluster=${cluster.id}`] } })
          ).length,
          registry: (
            (await docker.listVolumes({ filters: { name: ['drydock-registry-data'] } })).Volumes ?? []
          ).length,
          swarm: ((await docker.info()) as { Swarm?: { LocalNodeState?: string } }).Swarm?.LocalNodeState,
          // The registry's and any worker's containers on this engine.
          clusterContainers: (
            await docker.listContainers({ all: true, filters: { label: [CLUSTER_LABEL.kind] } })
          ).length,
        };
        // A swarm this file did not make stays: then none of its services, configs or nodes may stay.
        const still = left.swarm === 'active';
        const swarmLeft = {
          services: still
            ? (await docker.listServices({ filters: { label: [CLUSTER_LABEL.kind] } })).length
            : 0,
          configs: still
            ? (await docker.listConfigs({ filters: { label: [CLUSTER_LABEL.kind] } })).length
            : 0,
          nodes: still
            ? ((await docker.listNodes()) as { Description?: { Hostname?: string } }[]).filter((n) =>
                n.Description?.Hostname?.startsWith(`dd-node-${cluster!.id}`),
              ).length
            : 0,
        };
        expect(swarmLeft).toEqual({ services: 0, configs: 0, nodes: 0 });
        expect(left).toEqual({
          clusterContainers: 0,
          containers: 0,
          volumes: 0,
          networks: 0,
          registry: 0,
          swarm: cluster.initialized ? 'inactive' : 'active',
        });
      }
      expect(problems).toEqual([]);
    }, 600_000);

    it('grades 6 instances on the swarm exactly as locally, on both workers', async () => {
      const out = join(root, 'swarm');
      const r = await cli(evalArgs('s1', out, 'swarm'));
      expect(r.status, r.stderr).toBe(0);
      expect(summaryOf(out, 's1')).toEqual(localSummary);
      expect(reports(out, 's1')).toEqual(localReports);
      expect(fileSets(out, 's1')).toEqual(fileSets(localOut, 'local'));
      expect(localSummary).toMatchObject({
        resolved_instances: 3,
        unresolved_instances: 1,
        error_instances: 1,
        empty_patch_instances: 1,
      });
      const evs = events(out, 's1');
      expect([...collectedPer(evs).values()].every((n) => n === 1)).toBe(true);
      const nodes = new Set(evs.filter((e) => e.event === 'collected').map((e) => e.node));
      expect([...nodes].sort()).toEqual(cluster!.nodes.map((n) => n.name).sort());
    }, 900_000);

    it('a coordinator killed mid-run and started again with the same run id grades nothing twice and misses nothing', async () => {
      const out = join(root, 'resume');
      const first = cliAsync(evalArgs('c1', out, 'swarm'));
      // Kill it once some result is in and some job is still out in the swarm.
      await until('a result and a job in flight', () => {
        const evs = events(out, 'c1');
        const got = collectedPer(evs).size;
        const sent = new Set(evs.filter((e) => e.event === 'submitted').map((e) => e.instance)).size;
        return got >= 1 && sent > got ? true : undefined;
      });
      first.child.kill('SIGKILL');
      await first.done;
      const before = collectedPer(events(out, 'c1')).size;
      expect(before).toBeLessThan(IDS.length);
      const second = await cli(evalArgs('c1', out, 'swarm'));
      expect(second.status, second.stderr).toBe(0);
      const evs = events(out, 'c1');
      expect(summaryOf(out, 'c1')).toEqual(localSummary);
      expect(reports(out, 'c1')).toEqual(localReports);
      // Graded once: one result per instance, and no instance submitted twice (jobs in flight were adopted).
      expect([...collectedPer(evs).entries()].sort()).toEqual(IDS.map((id) => [id, 1]));
      const submitted = new Map<string, number>();
      for (const e of evs)
        if (e.event === 'submitted') submitted.set(e.instance, (submitted.get(e.instance) ?? 0) + 1);
      expect([...submitted.values()].every((n) => n === 1)).toBe(true);
      expect(evs.some((e) => e.event === 'adopted') || submitted.size + before >= IDS.length).toBe(true);
    }, 900_000);

    it('run-batch --engine swarm with the scripted model gives the same predictions as locally (SCRIPTED)', async () => {
      // The local run was made in beforeAll, while the nodes started.
      const swarmPreds = join(root, 'batch-swarm', 'predictions.jsonl');
      const t0 = performance.now();
      const r = await cli(batchArgs(swarmPreds, 'swarm'));
      timings.batch_swarm_s = Math.round(performance.now() - t0) / 1000;
      expect(r.status, r.stderr).toBe(0);
      expect(predLines(swarmPreds)).toEqual(predLines(batchLocalPreds));
      expect(predLines(batchLocalPreds).map((p) => [p.instance_id, typeof p.model_patch])).toEqual(
        BATCH_IDS.map((id) => [id, 'string']),
      );
      // Each instance's run folder came back, as locally.
      for (const id of BATCH_IDS)
        expect(existsSync(join(root, 'batch-swarm', 'predictions.runs', id))).toBe(true);
    }, 900_000);

    it('envbench run --engine swarm writes the same records, scripts and results.json as locally (SCRIPTED)', async () => {
      // The local run was made in beforeAll, while the nodes started.
      const swarmEnv = join(root, 'envbench-swarm');
      const t1 = performance.now();
      const r = await cli(envArgs(swarmEnv, 'swarm'));
      expect(r.status, r.stderr).toBe(0);
      timings.envbench_swarm_s = Math.round(performance.now() - t1) / 1000;
      // What differs between two runs of the same setup: wall times, pyright's clock, temporary names.
      const norm = (rec: Record<string, unknown>): Record<string, unknown> => {
        const { execution_time: _t, pyright, container_logs, ...rest } = rec;
        const { time: _pt, summary, ...py } = (pyright ?? {}) as Record<string, unknown>;
        const { timeInSec: _s, ...sum } = (summary ?? {}) as Record<string, unknown>;
        return {
          ...rest,
          logs: String(container_logs ?? '').replace(/\/tmp\/[\w.-]+/g, '/tmp/X'),
          pyright: { ...py, summary: sum },
        };
      };
      const records = (out: string) =>
        (JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Record<string, unknown>[]).map(norm);
      expect(records(swarmEnv)).toEqual(records(localEnv));
      expect(records(localEnv).map((x) => [x.repo_name, x.exit_code, x.issues_count])).toEqual(
        envNames.map((n) => [n, 0, 0]),
      );
      // The same layout, file for file, and the same scripts.
      for (const sub of ['results', 'scripts'])
        expect(readdirSync(join(swarmEnv, sub)).sort()).toEqual(readdirSync(join(localEnv, sub)).sort());
      for (const f of readdirSync(join(localEnv, 'scripts')))
        expect(readFileSync(join(swarmEnv, 'scripts', f), 'utf8')).toBe(
          readFileSync(join(localEnv, 'scripts', f), 'utf8'),
        );
      expect(readdirSync(swarmEnv).sort()).toEqual(readdirSync(localEnv).sort());
      const summary = (o: string) => JSON.parse(o.trim().split('\n').at(-1)!) as Record<string, unknown>;
      expect(summary(r.stdout)).toMatchObject({ mode: 'agent', scripted: true, succeeded: 2, total: 2 });
      expect({ ...summary(r.stdout), path: null }).toEqual({ ...summary(envStdoutLocal), path: null });
      // Each repository ran as a job on a worker node and was collected once.
      const evPath = join(`${swarmEnv}.cluster`, 'events.jsonl');
      const evs = readFileSync(evPath, 'utf8')
        .trim()
        .split('\n')
        .map((x) => JSON.parse(x) as Ev);
      expect([...collectedPer(evs).entries()].sort()).toEqual(envNames.map((n) => [n, 1]).sort());
      const names = cluster!.nodes.map((n) => n.name);
      expect(evs.filter((e) => e.event === 'collected').every((e) => names.includes(String(e.node)))).toBe(
        true,
      );
      // A rerun on the same --out resumes: every repository has its record, nothing is submitted.
      const again = await cli(envArgs(swarmEnv, 'swarm'));
      expect(again.status, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/resuming: 2 of 2 repositories already have a record/);
      expect(readFileSync(evPath, 'utf8').trim().split('\n').length).toBe(evs.length);
    }, 1_200_000);

    it('a worker node killed mid-run loses no instance: the run completes and equals the local one', async () => {
      const out = join(root, 'killed');
      const victim = cluster!.nodes[1]!;
      const run = cliAsync(evalArgs('k1', out, 'swarm'));
      // A job's task wants 'complete', not 'running': list them all and look at their state.
      const running = await until('a task running on the second worker', async () => {
        const tasks = (await docker.listTasks()) as {
          NodeID?: string;
          ServiceID?: string;
          Status?: { State?: string };
        }[];
        return tasks.find((t) => t.NodeID === victim.nodeId && t.Status?.State === 'running');
      });
      const spec = (await docker.getService(running.ServiceID!).inspect()) as {
        Spec?: { Labels?: Record<string, string> };
      };
      const hit = spec.Spec?.Labels?.[CLUSTER_LABEL.instance];
      expect(IDS).toContain(hit);
      await killNode(cluster!, victim.nodeId!);
      const r = await run.done;
      expect(r.status, r.stderr).toBe(0);
      const evs = events(out, 'k1');
      expect([...collectedPer(evs).entries()].sort()).toEqual(IDS.map((id) => [id, 1]));
      // The instance the kill hit came back once, from a node that lives: resubmitted by drydock
      // (a 'lost' event, after its grace period) or rescheduled by Swarm itself when the node went
      // down first; which of the two wins is the engine's timing.
      const back = evs.filter((e) => e.event === 'collected' && e.instance === hit);
      expect(back.map((e) => e.node)).not.toContain(victim.name);
      expect(summaryOf(out, 'k1')).toEqual(localSummary);
      expect(reports(out, 'k1')).toEqual(localReports);
    }, 900_000);
  },
);
