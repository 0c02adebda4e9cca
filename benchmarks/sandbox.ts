// Sandbox benchmark: per-call overhead against plain dockerode and `docker exec`,
// sandbox open (cold, and from a warm pool) against the engine's own create+start,
// fork(8) of a sandbox holding 200 MB of installed files (what changed since the
// last snapshot, from the pool) against the docker-commit fork, this process's
// peak RSS, and the load average around the run. All figures come from this one run.
//   npm run bench:sandbox   (DRYDOCK_BENCH_IMAGE picks the image; drydock/base:latest by default)
import Docker from 'dockerode';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DockerSandbox, LABEL, lastOpenPhases, SandboxPool } from '../src/sandbox/index.js';
import { reportFigures } from './report.js';

const image = process.env.DRYDOCK_BENCH_IMAGE ?? 'drydock/base:latest';
const runId = `bench-${randomBytes(4).toString('hex')}`;
const docker = new Docker();
const CALLS = 200;
const CLI_CALLS = 50;
const OPENS = 20;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}
const round = (x: number) => Math.round(x * 100) / 100;

async function timeIt(n: number, f: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return out;
}

async function plainDockerodeExec(container: Docker.Container): Promise<void> {
  const exec = await container.exec({ Cmd: ['true'], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  stream.resume();
  await new Promise((res) => {
    stream.on('end', res);
    stream.on('close', res);
  });
  await exec.inspect();
}

async function cleanup(): Promise<void> {
  const filters = { label: [`${LABEL.run}=${runId}`] };
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => undefined);
  }
  for (const i of await docker.listImages({ filters })) {
    await docker
      .getImage(i.Id)
      .remove({ force: true })
      .catch(() => undefined);
  }
}

/**
 * Baseline for open: the engine alone creating and starting a container of the image
 * (with Docker's init as a sandbox has; without it, what Init costs).
 */
async function plainCreateStart(init = true): Promise<number> {
  const t = performance.now();
  const c = await docker.createContainer({
    Image: image,
    Entrypoint: ['sleep', 'infinity'],
    Labels: { [LABEL.marker]: '1', [LABEL.run]: runId },
    HostConfig: { NetworkMode: 'none', ...(init ? { Init: true } : {}) },
  });
  await c.start();
  const ms = performance.now() - t;
  await c.remove({ force: true });
  return ms;
}

/**
 * The engine's floor for running anything: `docker run --rm --network none IMAGE true`
 * through the API as the CLI does it (create with auto-remove, wait for removal, start),
 * so it includes the container's exit and removal, which an open does not.
 */
async function engineRunFloor(): Promise<number> {
  const t = performance.now();
  const c = await docker.createContainer({
    Image: image,
    Entrypoint: ['true'],
    Cmd: [],
    Labels: { [LABEL.marker]: '1', [LABEL.run]: runId },
    HostConfig: { NetworkMode: 'none', AutoRemove: true },
  });
  const removed = c.wait({ condition: 'removed' });
  await c.start();
  await removed;
  return performance.now() - t;
}

const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

async function main(): Promise<void> {
  const loadBefore = load();
  // Warm sandboxes: one for the next open of the parent's kind, eight for the next fork.
  const pool = new SandboxPool({ size: 9 });
  const sb = await DockerSandbox.open({ image, runId });
  let results: Record<string, unknown>;
  try {
    await timeIt(20, () => sb.exec('true'));
    // The headline: back to back. A command that cannot change the worker's shell keeps its
    // worker for the next call (src/sandbox/reuse-safe.ts), as `true` does.
    const calls = await timeIt(CALLS, () => sb.exec('true'));
    // As an agent's calls come, between model turns: 20 ms apart.
    const gapCalls: number[] = [];
    for (let i = 0; i < CALLS / 2; i++) {
      await new Promise((res) => setTimeout(res, 20));
      gapCalls.push(...(await timeIt(1, () => sb.exec('true'))));
    }
    // A command that may change the shell (an assignment): each call needs a freshly forked worker.
    await timeIt(10, () => sb.exec('X=1; true'));
    const freshCalls = await timeIt(CALLS / 2, () => sb.exec('X=1; true'));
    await timeIt(10, () => plainDockerodeExec(sb.container));
    const plain = await timeIt(CALLS, () => plainDockerodeExec(sb.container));
    let cli: number[] = [];
    const probe = spawnSync('docker', ['exec', sb.id, 'true']);
    if (probe.status === 0) {
      cli = await timeIt(CLI_CALLS, async () => {
        spawnSync('docker', ['exec', sb.id, 'true']);
      });
    }

    // Interleaved, so a change of the machine's load touches every figure alike.
    const creates: number[] = [];
    const createsNoInit: number[] = [];
    const floors: number[] = [];
    const opens: number[] = [];
    const phases = new Map<string, number[]>();
    for (let i = 0; i < OPENS; i++) {
      creates.push(await plainCreateStart());
      createsNoInit.push(await plainCreateStart(false));
      floors.push(await engineRunFloor());
      const t = performance.now();
      const s = await DockerSandbox.open({ image, runId });
      opens.push(performance.now() - t);
      for (const [name, ms] of lastOpenPhases()) phases.set(name, [...(phases.get(name) ?? []), ms]);
      await s.close();
    }
    const warmOpens: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      await pool.whenWarm();
      const t = performance.now();
      const s = await pool.open({ image, runId });
      warmOpens.push(performance.now() - t);
      await s.close();
    }

    // The same with a small repository copied in (what `drydock fix` opens).
    const repo = mkdtempSync(join(tmpdir(), 'drydock-bench-repo-'));
    for (let i = 0; i < 20; i++) writeFileSync(join(repo, `f${i}.py`), `x = ${i}\n`.repeat(100));
    const warmRepoOpens: number[] = [];
    try {
      for (let i = 0; i < OPENS; i++) {
        await pool.whenWarm();
        const t = performance.now();
        const s = await pool.open({ image, runId, repo });
        warmRepoOpens.push(performance.now() - t);
        await s.close();
      }
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }

    const parent = await pool.open({ image, runId });
    let fork8CommitMs: number;
    let fork8Ms: number;
    try {
      const install = await parent.exec(
        'mkdir -p /opt/pkgs && for i in $(seq 200); do head -c 1048576 /dev/urandom > /opt/pkgs/f$i; done && du -sm /opt/pkgs',
        { timeoutMs: 300_000, memoryBytes: 1024 * 1024 * 1024 },
      );
      if (install.exitCode !== 0) throw new Error(`setting up 200 MB failed: ${install.stderr}`);
      // Baseline: docker commit of the whole container, eight containers started from it.
      let t = performance.now();
      let forks = await parent.fork(8, { via: 'commit' });
      fork8CommitMs = performance.now() - t;
      await Promise.all(forks.map((f) => f.close()));
      // Little changes after that snapshot (an edit, a small install): the next fork copies that.
      const edit = await parent.exec(
        'mkdir -p /opt/pkgs/small && head -c 65536 /dev/urandom > /opt/pkgs/small/a && echo edit > /testbed/edited.txt && rm /opt/pkgs/f1 && du -sk /opt/pkgs',
      );
      await pool.whenWarm();
      t = performance.now();
      forks = await parent.fork(8);
      fork8Ms = performance.now() - t;
      const check = await forks[7]!.exec('du -sk /opt/pkgs; cat /testbed/edited.txt');
      await Promise.all(forks.map((f) => f.close()));
      if (check.stdout !== `${edit.stdout}edit\n`) throw new Error(`fork lost files: ${check.stdout}`);
    } finally {
      await parent.close();
    }

    const callP50 = quantile(calls, 0.5);
    const plainP50 = quantile(plain, 0.5);
    const openP50 = quantile(opens, 0.5);
    const createP50 = quantile(creates, 0.5);
    const warmP50 = quantile(warmOpens, 0.5);
    results = {
      mode: sb.mode,
      callP50Ms: round(callP50),
      callP90Ms: round(quantile(calls, 0.9)),
      callGap20P50Ms: round(quantile(gapCalls, 0.5)),
      callFreshWorkerP50Ms: round(quantile(freshCalls, 0.5)),
      dockerodeExecP50Ms: round(plainP50),
      cliExecP50Ms: cli.length > 0 ? round(quantile(cli, 0.5)) : null,
      ratioVsDockerode: round(callP50 / plainP50),
      ratioVsCli: cli.length > 0 ? round(callP50 / quantile(cli, 0.5)) : null,
      createStartP50Ms: round(createP50),
      createStartNoInitP50Ms: round(quantile(createsNoInit, 0.5)),
      engineRunFloorP50Ms: round(quantile(floors, 0.5)),
      openP50Ms: round(openP50),
      openRatioVsCreateStart: round(openP50 / createP50),
      openRatioVsEngineRunFloor: round(openP50 / quantile(floors, 0.5)),
      // Where a cold open's time goes (p50 of each phase): the engine's create and start are most of it.
      openPhasesP50Ms: [...phases].map(([n, xs]) => `${n} ${round(quantile(xs, 0.5))}`).join(', '),
      openWarmP50Ms: round(warmP50),
      openWarmRatioVsCreateStart: round(warmP50 / createP50),
      openWarmRepoP50Ms: round(quantile(warmRepoOpens, 0.5)),
      fork8CommitMs: round(fork8CommitMs),
      fork8Ms: round(fork8Ms),
      fork8RatioVsCommit: round(fork8Ms / fork8CommitMs),
      peakRssMb: round(process.resourceUsage().maxRSS / 1024),
      loadBefore,
      loadAfter: load(),
    };
  } finally {
    await sb.close();
    await pool.close();
    await cleanup();
  }

  const goals: Record<string, string> = {
    callP50Ms: '<= 2',
    ratioVsDockerode: '<= 0.25',
    openP50Ms: '<= 150 (cold image)',
    openWarmP50Ms: '<= 30 (warm pool)',
    fork8Ms: '<= 1000 (200 MB installed, little changed since the last snapshot)',
  };
  reportFigures('sandbox', results, goals);
}

await main();
