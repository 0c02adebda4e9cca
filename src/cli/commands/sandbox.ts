import type { Command } from 'commander';
import Docker from 'dockerode';
import { DrydockError, WORKSPACE, stderrProgress } from '../../core/index.js';
import {
  DockerSandbox,
  gcSandboxes,
  parseDuration,
  parseSize,
  type ExecResult,
  type NetworkMode,
} from '../../sandbox/index.js';

interface RunFlags {
  image: string;
  repo?: string;
  memory: string;
  cpus: string;
  pids: string;
  timeout: string;
  maxOutput: string;
  network: string;
  allowHost: string[];
  json?: boolean;
}

function shellJoin(args: string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function printResult(r: ExecResult, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  const mb = (r.peakMemoryBytes / 1024 / 1024).toFixed(1);
  process.stderr.write(
    `[drydock] exit ${r.exitCode}${r.killedBy ? `, killed by ${r.killedBy}` : ''}, ` +
      `wall ${r.wallMs.toFixed(0)} ms, cpu ${r.cpuMs.toFixed(0)} ms, peak memory ${mb} MiB` +
      `${r.truncated ? `, output cut (${r.stdoutBytesCut + r.stderrBytesCut} bytes)` : ''}, mode ${r.mode}\n`,
  );
}

export function registerSandboxCommand(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('run commands in drydock sandboxes and clean up after them');

  sandbox
    .command('run')
    .description(
      'run one command in a fresh sandbox under per-call limits and print its result ' +
        '(exit code, output, wall and CPU time, peak memory, what killed it)',
    )
    .argument('<command...>', 'the command and its arguments (put them after --)')
    .option('--image <image>', 'image to start from', 'drydock/base:latest')
    .option('--repo <dir>', `copy this directory into the sandbox at ${WORKSPACE} (never bound)`)
    .option('--memory <size>', 'memory limit of the call, e.g. 256m or 1g', '1g')
    .option('--cpus <n>', 'CPU cores of the call', '1')
    .option('--pids <n>', 'processes and threads the call may have at once', '256')
    .option('--timeout <duration>', 'wall time before the call is killed, e.g. 30s', '120s')
    .option('--max-output <size>', 'bytes of stdout and of stderr kept (head and tail)', '1m')
    .option(
      '--network <mode>',
      "none; registries (only this machine's configured package registries, through drydock's proxy); or bridge (everything)",
      'none',
    )
    .option(
      '--allow-host <host>',
      'with --network registries: also allow this host (name or name:port; repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--json', 'print the ExecResult as one JSON object')
    .action(async (command: string[], flags: RunFlags) => {
      if (!['none', 'registries', 'bridge'].includes(flags.network)) {
        throw new DrydockError(
          `unknown network mode: ${flags.network}`,
          'use --network none, registries or bridge',
        );
      }
      if (flags.allowHost.length > 0 && flags.network !== 'registries') {
        throw new DrydockError('--allow-host needs --network registries');
      }
      const cpus = Number(flags.cpus);
      const pids = Number(flags.pids);
      if (!(cpus > 0)) throw new DrydockError(`--cpus must be a positive number, got ${flags.cpus}`);
      if (!Number.isInteger(pids) || pids < 1) throw new DrydockError(`--pids must be a positive integer`);
      const sb = await DockerSandbox.open({
        image: flags.image,
        network: flags.network as NetworkMode,
        ...(flags.allowHost.length > 0 ? { allowHosts: flags.allowHost } : {}),
        ...(flags.repo !== undefined ? { repo: flags.repo } : {}),
      });
      try {
        const result = await sb.exec(shellJoin(command), {
          memoryBytes: parseSize(flags.memory),
          cpus,
          pids,
          timeoutMs: parseDuration(flags.timeout),
          maxOutputBytes: parseSize(flags.maxOutput),
        });
        printResult(result, flags.json === true);
        for (const r of sb.egressLog().filter((e) => !e.allowed)) {
          process.stderr.write(
            `drydock: refused a connection to ${r.host}:${r.port} (not an allowed registry)\n`,
          );
        }
        process.exitCode = result.exitCode;
      } finally {
        await sb.close();
      }
    });

  sandbox
    .command('gc')
    .description(
      'remove drydock containers and images whose drydock process has exited (crashed or killed runs)',
    )
    .option('--json', 'print the report as JSON')
    .option(
      '--engine <engine>',
      'local (this engine), or swarm: also job services and configs of dead runs, and sandboxes of dead workers on every node',
      'local',
    )
    .option(
      '--repo-images',
      "also remove the environment images built from repositories' Dockerfile / devcontainer.json (drydock-repo-env:*, a cache)",
    )
    .action(async (flags: { json?: boolean; engine: string; repoImages?: boolean }) => {
      if (flags.engine === 'swarm') {
        const { gcSwarm } = await import('../../cluster/index.js');
        const r = await gcSwarm(new Docker(), stderrProgress);
        if (flags.json) process.stdout.write(`${JSON.stringify(r)}\n`);
        else {
          process.stdout.write(
            `swarm: removed ${r.servicesRemoved.length} job service(s) and ${r.configsRemoved.length} config(s) of dead runs; kept ${r.kept} of live runs\n`,
          );
          for (const n of r.nodes)
            process.stdout.write(
              `  ${n.node}: ${n.error ? `not swept (${n.error})` : `removed ${n.containersRemoved.length} sandbox container(s)`}\n`,
            );
        }
        return;
      }
      if (flags.engine !== 'local')
        throw new DrydockError(`--engine must be local or swarm, got ${flags.engine}`, undefined, 'BAD_FLAG');
      const report = await gcSandboxes(new Docker(), { repoImages: flags.repoImages === true });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      process.stdout.write(
        `removed ${report.containersRemoved.length} container(s), ${report.imagesRemoved.length} image(s), ${report.networksRemoved.length} network(s), ` +
          `${report.volumesRemoved.length} stale runtime volume(s), ${report.repoImagesRemoved.length} repository image(s), ${report.hostsFilesRemoved} hosts file(s); ` +
          `kept ${report.kept} owned by running drydock processes\n`,
      );
    });
}
