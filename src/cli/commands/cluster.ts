import type { Command } from 'commander';
import { stderrProgress } from '../../core/index.js';
import { dockerClient } from '../../sandbox/index.js';
import { clusterStatus, formatStatus, runSweep, runWorker } from '../../cluster/index.js';
import { PolicyEngine } from '../../policy/index.js';
import { scriptedEnvModel } from './envbench.js';

export function registerClusterCommand(program: Command): void {
  const cluster = program
    .command('cluster')
    .description(
      'the Docker Swarm that `--engine swarm` runs on: nodes, capacity, running and queued instances',
    );
  cluster
    .command('status')
    .description(
      "nodes with their CPUs and memory and what drydock jobs reserve on each; each run's running and queued instances",
    )
    .option('--json', 'print the status as one JSON object')
    .action(async (flags: { json?: boolean }) => {
      const s = await clusterStatus(dockerClient());
      process.stdout.write(flags.json ? `${JSON.stringify(s)}\n` : formatStatus(s));
    });
  // What a Swarm task runs inside the worker image; not for people.
  cluster
    .command('worker', { hidden: true })
    .requiredOption('--input <dir>', 'the folder holding the job input (swarm configs)')
    .action(async (flags: { input: string }) => {
      process.exitCode = await runWorker(flags.input, (l) => process.stdout.write(`${l}\n`), stderrProgress, {
        // The cluster layer may not open a model or a policy: an envbench job gets them from here.
        envModel: (file) => scriptedEnvModel(file),
        policy: () => PolicyEngine.create({ unattended: true }),
      });
    });
  cluster
    .command('sweep', { hidden: true })
    .requiredOption('--nonce <n>', 'the frame nonce the coordinator reads back')
    .action(async (flags: { nonce: string }) => {
      await runSweep(dockerClient(), flags.nonce, (l) => process.stdout.write(`${l}\n`));
    });
}
