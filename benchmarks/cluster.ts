// npm run bench:cluster — `drydock eval --engine swarm` on the same fixture set with 1 and 2
// docker-in-docker worker nodes (this engine as the manager), against `--engine local` in the
// same run: instances per minute, and the coordinator's overhead per instance (from submission
// to the result written, minus the time the worker itself spent). Writes
// benchmarks/results/cluster.json. Needs `npm run build` and `drydock setup` first.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeRegistry, workerImageRef } from '../src/cluster/index.js';
import { dockerClient } from '../src/sandbox/index.js';
import { git, initRepo } from '../test/harness/helpers.js';
import { newCluster, startCluster, teardown } from '../test/cluster/nodes.js';

const N = Number(process.env.BENCH_INSTANCES ?? 8);
const BIN = fileURLToPath(new URL('../bin/drydock.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'dd-bench-cluster-'));
const docker = dockerClient();
/** Images the local run built (removed at the end). */
const built = new Set<string>();

const gold =
  'diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n';
const testPatch =
  'diff --git a/tests/test_calc.py b/tests/test_calc.py\n--- a/tests/test_calc.py\n+++ b/tests/test_calc.py\n@@ -3,2 +3,6 @@ from calc import add\n def test_zero():\n     assert add(0, 0) == 0\n+\n+\n+def test_add():\n+    assert add(2, 3) == 5\n';

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; ms: number; stderr: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stderr = '';
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('close', (status) => resolve({ status, ms: performance.now() - t0, stderr }));
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

async function main() {
  const base = initRepo(join(root, 'work', 'calc'), {
    'calc.py': 'def add(a, b):\n    return a - b\n',
    'tests/test_calc.py': 'from calc import add\n\n\ndef test_zero():\n    assert add(0, 0) == 0\n',
    'tests/conftest.py': 'import sys, os\nsys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))\n',
  });
  const mirror = join(root, 'mirror');
  git(root, 'clone', '-q', '--bare', join(root, 'work', 'calc'), join(mirror, 'fx', 'calc'));
  const ids = Array.from({ length: N }, (_, i) => `fx__calc-${i + 1}`);
  const dataset = join(root, 'dataset.jsonl');
  writeFileSync(
    dataset,
    ids
      .map((id) =>
        JSON.stringify({
          instance_id: id,
          repo: 'fx/calc',
          base_commit: base,
          problem_statement: 'add() subtracts',
          patch: gold,
          test_patch: testPatch,
          FAIL_TO_PASS: ['tests/test_calc.py::test_add'],
          PASS_TO_PASS: ['tests/test_calc.py::test_zero'],
          env_image: 'python',
          env_setup_cmds: [],
          install_cmds: [],
          rebuild_cmds: ['sleep 5'],
          test_cmds: ['PYTHONDONTWRITEBYTECODE=1 python3 -m pytest -rA -p no:cacheprovider tests'],
          log_parser: 'pytest',
          memory: '512m',
          cpus: 1,
        }),
      )
      .join('\n') + '\n',
  );
  const cluster = newCluster();
  const results: Record<string, unknown> = { instances: N, load_before: loadavg()[0] };
  try {
    let env: Record<string, string> = {};
    const setup = await run(['setup', '--worker'], env);
    if (setup.status !== 0) throw new Error(`setup --worker failed: ${setup.stderr}`);
    const common = (ds: string) => [
      '--dataset',
      ds,
      '--repos',
      mirror,
      '--predictions',
      'gold',
      '--timeout',
      '5m',
    ];
    const evalRun = async (name: string, extra: string[], ds = dataset) => {
      const out = join(root, name);
      const r = await run(['eval', ...common(ds), '--run-id', name, '--out', out, ...extra], env);
      if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr.slice(-2000)}`);
      const evs = (() => {
        try {
          return readFileSync(join(out, `${name}.cluster`, 'events.jsonl'), 'utf8')
            .trim()
            .split('\n')
            .map(
              (l) =>
                JSON.parse(l) as {
                  event: string;
                  at: string;
                  wall_ms?: number;
                  worker_ms?: number;
                  node?: string;
                },
            );
        } catch {
          return [];
        }
      })();
      const got = evs.filter((e) => e.event === 'collected');
      // The coordinator's serial work per instance: build/push its image, write its input, create its service.
      const sent = evs.filter((e) => e.event === 'submitted').map((e) => Date.parse(e.at));
      const gaps = sent.slice(1).map((t, i) => t - sent[i]!);
      return {
        submit_ms_median: gaps.length ? median(gaps) : null,
        wall_ms: Math.round(r.ms),
        instances_per_minute: +((N * 60_000) / r.ms).toFixed(2),
        overhead_ms_median: got.length ? median(got.map((e) => (e.wall_ms ?? 0) - (e.worker_ms ?? 0))) : null,
        nodes: [...new Set(got.map((e) => e.node))],
      };
    };
    results.local = await evalRun('local', ['--engine', 'local', '--workers', '2']);
    // The nodes get the worker image and the instance images the local run built, as the test does.
    const images = new Set<string>([workerImageRef()]);
    for (const id of ids) {
      const r = JSON.parse(readFileSync(join(root, 'local', 'local', 'gold', id, 'result.json'), 'utf8')) as {
        images?: { instance?: string; env?: string };
      };
      if (r.images?.instance) images.add(r.images.instance);
      for (const ref of [r.images?.instance, r.images?.env]) if (ref) built.add(ref);
    }
    await startCluster(cluster, 2, {
      preload: [...images],
      log: (s) => process.stderr.write(`${s}\n`),
    });
    results.cluster_start_s = cluster.timings;
    env = { DRYDOCK_REGISTRY_PORT: String(cluster.registryPort) };
    // Warm-up on one instance: the first push of the worker image to the swarm registry; not measured.
    const one = join(root, 'one.jsonl');
    writeFileSync(one, readFileSync(dataset, 'utf8').split('\n')[0] + '\n');
    results.warmup = await evalRun('warm', ['--engine', 'swarm'], one);
    results.swarm_1_worker = await evalRun('one', [
      '--engine',
      'swarm',
      '--placement',
      `node.hostname==${cluster.nodes[0]!.name}`,
    ]);
    results.swarm_2_workers = await evalRun('two', ['--engine', 'swarm']);
    results.load_after = loadavg()[0];
  } finally {
    await removeRegistry(docker).catch(() => {});
    const problems = await teardown(cluster);
    // Instance images first: an environment image cannot go while one built on it is there.
    for (const ref of [...built].sort((a, b) => Number(a.includes('/env:')) - Number(b.includes('/env:'))))
      await docker
        .getImage(ref)
        .remove()
        .catch(() => {});
    if (problems.length) process.stderr.write(`teardown: ${problems.join('; ')}\n`);
    rmSync(root, { recursive: true, force: true });
  }
  const out = fileURLToPath(new URL('./results/cluster.json', import.meta.url));
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  const row = (k: string) => {
    const r = results[k] as {
      instances_per_minute: number;
      overhead_ms_median: number | null;
      wall_ms: number;
    };
    return `${k.padEnd(16)} ${String(r.instances_per_minute).padStart(8)} inst/min  ${String(r.wall_ms).padStart(8)} ms  overhead/instance ${r.overhead_ms_median ?? '-'} ms`;
  };
  process.stdout.write(['local', 'swarm_1_worker', 'swarm_2_workers'].map(row).join('\n') + '\n');
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

await main();
