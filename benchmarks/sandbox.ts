// Sandbox benchmark: per-call overhead against plain dockerode and `docker exec`,
// sandbox open time, fork(8) of a sandbox holding 200 MB of installed files, and
// this process's peak RSS. All figures come from this one run.
//   npm run bench:sandbox   (DRYDOCK_BENCH_IMAGE picks the image; drydock/base:latest by default)
import Docker from 'dockerode';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DockerSandbox, LABEL } from '../src/sandbox/index.js';
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

async function main(): Promise<void> {
  const sb = await DockerSandbox.open({ image, runId });
  let results: Record<string, number | string | null>;
  try {
    await timeIt(20, () => sb.exec('true'));
    const calls = await timeIt(CALLS, () => sb.exec('true'));
    await timeIt(10, () => plainDockerodeExec(sb.container));
    const plain = await timeIt(CALLS, () => plainDockerodeExec(sb.container));
    let cli: number[] = [];
    const probe = spawnSync('docker', ['exec', sb.id, 'true']);
    if (probe.status === 0) {
      cli = await timeIt(CLI_CALLS, async () => {
        spawnSync('docker', ['exec', sb.id, 'true']);
      });
    }

    const opens: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      const t = performance.now();
      const s = await DockerSandbox.open({ image, runId });
      opens.push(performance.now() - t);
      await s.close();
    }

    const install = await sb.exec(
      'mkdir -p /opt/pkgs && for i in $(seq 200); do head -c 1048576 /dev/urandom > /opt/pkgs/f$i; done && du -sm /opt/pkgs',
      { timeoutMs: 300_000, memoryBytes: 1024 * 1024 * 1024 },
    );
    if (install.exitCode !== 0) throw new Error(`setting up 200 MB failed: ${install.stderr}`);
    const t = performance.now();
    const forks = await sb.fork(8);
    const fork8Ms = performance.now() - t;
    const check = await forks[7]!.exec('du -sm /opt/pkgs');
    await Promise.all(forks.map((f) => f.close()));
    if (check.stdout.split(/\s/)[0] !== install.stdout.split(/\s/)[0]) throw new Error('fork lost files');

    const callP50 = quantile(calls, 0.5);
    const plainP50 = quantile(plain, 0.5);
    results = {
      mode: sb.mode,
      callP50Ms: round(callP50),
      callP90Ms: round(quantile(calls, 0.9)),
      dockerodeExecP50Ms: round(plainP50),
      cliExecP50Ms: cli.length > 0 ? round(quantile(cli, 0.5)) : null,
      ratioVsDockerode: round(callP50 / plainP50),
      ratioVsCli: cli.length > 0 ? round(callP50 / quantile(cli, 0.5)) : null,
      openP50Ms: round(quantile(opens, 0.5)),
      fork8Ms: round(fork8Ms),
      peakRssMb: round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await sb.close();
    await cleanup();
  }

  const goals: Record<string, string> = {
    callP50Ms: '<= 10',
    ratioVsDockerode: '<= 0.25',
    openP50Ms: '<= 300',
    fork8Ms: '<= 2000',
  };
  reportFigures('sandbox', results, goals);
}

await main();
