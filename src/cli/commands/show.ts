import type { Command } from 'commander';
import { DEFAULT_RUNS_DIR, formatTranscript, readTrajectory, resolveRun } from '../../trajectory/index.js';

export function registerShowCommand(program: Command): void {
  program
    .command('show')
    .description('print the transcript of a run from its trajectory (also works on a run that crashed)')
    .argument('<run>', 'a run id, a run directory, or a trajectory.jsonl file')
    .option('--json', 'print the events as JSONL (one event per line) instead of a transcript')
    .option('--runs-dir <dir>', 'where run ids are looked up', DEFAULT_RUNS_DIR)
    .action((run: string, opts: { json?: boolean; runsDir: string }) => {
      // `drydock show RUN | head` closes the pipe early; that is not an error.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
      const path = resolveRun(run, opts.runsDir);
      const result = readTrajectory(path);
      if (opts.json) {
        for (const e of result.events) process.stdout.write(`${JSON.stringify(e)}\n`);
        // Lines that were skipped go to stderr, so stdout stays valid JSONL.
        for (const s of result.skipped)
          process.stderr.write(`drydock: ${path}:${s.line} skipped: ${s.reason}\n`);
        return;
      }
      process.stdout.write(formatTranscript(result));
    });
}
