import type { Command } from 'commander';
import { DEFAULT_RUNS_DIR } from '../../trajectory/index.js';

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      "write one self-contained HTML page (no network needed to open it) for a fix run or an evaluation run: stages, localization, candidates, review, patch, cost, and a timeline of every tool call with its wall time, CPU and peak memory against its limit; for an evaluation, counts and a sortable, filterable table of instances; for a run-batch output, a table of its instances linking to each one's fix-run page (written too)",
    )
    .argument(
      '<run>',
      'a fix run (run id, run directory or trajectory.jsonl), a drydock eval --out folder, or a run-batch predictions file (or its .runs folder)',
    )
    .option('--out <file>', 'the HTML file to write (default: report.html beside the run)')
    .option('--compare <eval-dir>', 'another evaluation run: list the instances whose outcome changed')
    .option('--runs-dir <dir>', 'where run ids are looked up', DEFAULT_RUNS_DIR)
    .action(async (run: string, opts: { out?: string; compare?: string; runsDir: string }) => {
      // Loaded here, so other commands do not pay for the charting library.
      const { writeReport } = await import('../../report/index.js');
      const r = await writeReport(run, {
        out: opts.out,
        compare: opts.compare,
        runsDir: opts.runsDir,
        progress: (line) => process.stderr.write(`${line}\n`),
      });
      const what =
        r.kind === 'batch'
          ? `run-batch, ${r.batch!.rows.length} instances, ${Object.entries(r.batch!.counts)
              .map(([k, n]) => `${n} ${k}`)
              .join(', ')}`
          : r.kind === 'run'
            ? `run ${r.run!.runId}${r.run!.scripted ? ' (SCRIPTED)' : ''}, ${r.run!.toolCalls.length} tool calls${r.run!.crash ? ', did not finish' : ''}`
            : `evaluation ${r.eval!.runId}, ${r.eval!.rows.length} instances` +
              (r.changes ? `, ${r.changes.length} changed outcome` : '');
      process.stdout.write(`report: ${r.path} (${what}; ${Math.round(r.bytes / 1024)} KiB)\n`);
    });
}
