import type { Command } from 'commander';
import { join } from 'node:path';
import { DrydockError, WORKSPACE, stderrProgress } from '../../core/index.js';
import type { ModelFlags } from '../../model/index.js';
import { addModelOptions } from './model.js';
import {
  CACHE_LEVELS,
  evaluate,
  evaluateRepeated,
  formatIssue,
  loadDataset,
  loadPredictions,
  loadResourceOverrides,
  runBatch,
  type CacheLevel,
} from '../../harness/index.js';
import { parseDuration, parseSize } from '../../sandbox/index.js';

interface EvalFlags {
  dataset: string;
  repos?: string;
  predictions: string;
  runId: string;
  workers: string;
  out: string;
  cacheLevel: string;
  timeout: string;
  memory: string;
  cpus: string;
  resources?: string;
  json?: boolean;
  runEmptyPatches?: boolean;
  report?: boolean;
  namespace?: string;
  repeat: string;
  engine: string;
  placement?: string[];
}

function int(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new DrydockError(`${name} must be a positive integer, got ${v}`, undefined, 'BAD_FLAG');
  return n;
}

export function engineFlag(v: string): 'local' | 'swarm' {
  if (v !== 'local' && v !== 'swarm')
    throw new DrydockError(`--engine must be local or swarm, got ${v}`, undefined, 'BAD_FLAG');
  return v;
}

function positive(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new DrydockError(`${name} must be a positive number, got ${v}`, undefined, 'BAD_FLAG');
  return n;
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description(
      'Grade predictions on a SWE-bench / SWE-bench-Live dataset as SWE-bench does: build images ' +
        '(language, environment, instance), apply each patch, run the tests, parse, and write ' +
        'report.json per instance and a run summary <model>.<run_id>.json.',
    )
    .requiredOption(
      '--dataset <file>',
      'JSONL, a JSON list, or a SWE-bench task-repo directory (tasks/<id>/task.yaml)',
    )
    .option(
      '--repos <dir>',
      'local mirror: DIR/<owner>/<name> is a git repository (bare or not); default: clone from GitHub',
    )
    .requiredOption(
      '--predictions <p>',
      'predictions file (JSONL, JSON list, or JSON dict by id), or the word gold or empty',
    )
    .requiredOption(
      '--run-id <id>',
      'name of this run; a run with the same id resumes, skipping finished instances',
    )
    .option('--workers <n>', 'instances evaluated at once (fewer if memory does not allow)', '1')
    .option(
      '--out <dir>',
      'where instance logs (<out>/<run_id>/<model>/<id>/) and the summary go',
      'logs/run_evaluation',
    )
    .option('--cache-level <level>', `images kept after the run: ${CACHE_LEVELS.join('|')}`, 'instance')
    .option('--timeout <duration>', 'wall time for each of rebuild, test and print commands', '30m')
    .option(
      '--memory <size>',
      'memory an instance may use and its admission cost, unless its row (memory) or --resources says otherwise',
      '3g',
    )
    .option(
      '--cpus <n>',
      'CPUs an instance may use, unless its row (cpus) or --resources says otherwise',
      '2',
    )
    .option(
      '--resources <file>',
      'JSON { "<instance_id or owner/name>": { "memory": "16g", "cpus": 4 } }: per-instance or per-repository needs',
    )
    .option(
      '--run-empty-patches',
      'also run empty predictions with only the test patch (SWE-bench skips them)',
    )
    .option(
      '--namespace <ns>',
      'pull published instance images from NS instead of their own namespace (starryzhang, swebench), e.g. 127.0.0.1:5000/starryzhang',
    )
    .option(
      '--repeat <n>',
      'evaluate N times (runs <run-id>.1 … .N); writes <out>/<run-id>.valid.jsonl (rows resolved every time) and <run-id>.flaky.json',
      '1',
    )
    .option(
      '--engine <engine>',
      'local (this machine) or swarm (one Swarm job per instance; run on a manager)',
      'local',
    )
    .option(
      '--placement <constraint>',
      'with --engine swarm: a Swarm placement constraint for every instance (repeatable), e.g. node.labels.drydock==yes; default node.role==worker when the swarm has workers',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--json', 'print the run summary as one JSON object on the last line')
    .option('--report', 'also write an HTML report of the run: <out>/<run_id>/report.html')
    .action(async (flags: EvalFlags) => {
      if (!CACHE_LEVELS.includes(flags.cacheLevel as CacheLevel))
        throw new DrydockError(
          `--cache-level must be one of ${CACHE_LEVELS.join(', ')}`,
          undefined,
          'BAD_FLAG',
        );
      const ds = loadDataset(flags.dataset);
      for (const issue of ds.issues)
        process.stderr.write(`drydock: skipping bad row: ${formatIssue(issue)}\n`);
      if (ds.instances.length === 0)
        throw new DrydockError(
          `no usable instance in ${flags.dataset}`,
          'fix the rows reported above',
          'EMPTY_DATASET',
        );
      const shapes = new Map<string, number>();
      for (const i of ds.instances) shapes.set(i.shape, (shapes.get(i.shape) ?? 0) + 1);
      process.stderr.write(
        `drydock: ${ds.instances.length} instance(s) in ${flags.dataset}: ${[...shapes].map(([k, v]) => `${v} ${k}`).join(', ')} row(s)${flags.namespace ? `; images from ${flags.namespace}` : ''}\n`,
      );
      const predictions = loadPredictions(flags.predictions, ds.instances);
      const repeat = int(flags.repeat, '--repeat');
      const engine = engineFlag(flags.engine);
      if (engine === 'swarm' && repeat > 1)
        throw new DrydockError(
          '--repeat is not built for --engine swarm',
          'run --repeat with --engine local',
          'BAD_FLAG',
        );
      const options = {
        runId: flags.runId,
        out: flags.out,
        reposDir: flags.repos,
        workers: int(flags.workers, '--workers'),
        cacheLevel: flags.cacheLevel as CacheLevel,
        timeoutMs: parseDuration(flags.timeout),
        memoryBytes: parseSize(flags.memory),
        cpus: positive(flags.cpus, '--cpus'),
        resourceOverrides: flags.resources ? loadResourceOverrides(flags.resources) : undefined,
        runEmpty: flags.runEmptyPatches === true,
        namespace: flags.namespace,
        progress: stderrProgress,
      };
      if (repeat > 1) {
        const rr = await evaluateRepeated(ds.instances, predictions, options, repeat);
        for (const m of rr.runs.at(-1)!.missingImages)
          process.stderr.write(`drydock: ${m.instance_id}: image missing: ${m.image}\n`);
        const lines = [
          `Runs: ${repeat} (${rr.runs.map((r) => r.summaryPath).join(', ')})`,
          `Valid (resolved in every run): ${rr.valid.length} -> ${rr.validPath}`,
          `Flaky: ${rr.flaky.length} -> ${rr.flakyPath}`,
          ...rr.flaky.map(
            (f) =>
              `  ${f.instance_id}: ${f.outcomes.join(', ')}` +
              (f.tests.length
                ? `; tests: ${f.tests.map((t) => `${t.id} (${t.statuses.join('/')})`).join(', ')}`
                : ''),
          ),
          `Resolved in no run: ${rr.failing.length}`,
          '',
        ];
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ valid: rr.valid, flaky: rr.flaky, failing: rr.failing })}\n`
            : lines.join('\n'),
        );
        return;
      }
      const run =
        engine === 'swarm'
          ? await (
              await import('../../cluster/index.js')
            ).evaluateOnSwarm(ds.instances, predictions, {
              ...options,
              constraints: flags.placement,
            })
          : await evaluate(ds.instances, predictions, options);
      const s = run.summary;
      if (flags.report) {
        const { writeEvalReport } = await import('../../report/index.js');
        const page = await writeEvalReport(join(flags.out, flags.runId));
        process.stderr.write(`report: ${page.path}\n`);
      }
      if (run.missingImages.length)
        process.stderr.write(
          `drydock: ${run.missingImages.length} instance(s) not graded, their image cannot be had:\n${run.missingImages.map((m) => `  ${m.instance_id}: ${m.image}`).join('\n')}\n`,
        );
      for (const r of run.results)
        if (r.outcome === 'apply_failed' || r.outcome === 'error')
          process.stderr.write(`drydock: ${r.instance_id}: ${r.outcome}: ${r.reason ?? ''}\n`);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(s)}\n`);
        return;
      }
      process.stdout.write(
        [
          `Total instances: ${s.total_instances}`,
          `Instances submitted: ${s.submitted_instances}`,
          `Instances completed: ${s.completed_instances}`,
          `Instances incomplete: ${s.incomplete_ids.length}`,
          `Instances resolved: ${s.resolved_instances}`,
          `Instances unresolved: ${s.unresolved_instances}`,
          `Instances with empty patches: ${s.empty_patch_instances}`,
          `Instances with errors: ${s.error_instances}`,
          `Report written to ${run.summaryPath}`,
          '',
        ].join('\n'),
      );
    });
}

export function registerRunBatchCommand(program: Command): void {
  const cmd = program
    .command('run-batch')
    .description(
      "Run `drydock fix` on each instance of a dataset, in its instance image, on a checkout at its base commit, with the instance's test, print commands and log parser; write predictions (JSONL, one line per instance, replaced on a re-run, a null patch when a run fails) and a folder per instance (summary.json, patch.diff, trajectory.jsonl).",
    )
    .requiredOption('--dataset <file>', 'JSONL, a JSON list, or a task-repo directory')
    .option('--repos <dir>', 'local mirror: DIR/<owner>/<name> is a git repository')
    .requiredOption('--out <file>', 'predictions file (JSONL; an instance run again replaces its line)')
    .option('--runs-dir <dir>', 'one folder per instance here (default: <out without .jsonl>.runs)')
    .option('--script-dir <dir>', 'scripted model per instance: DIR/<instance_id>.yaml')
    .option('--instances <ids>', 'only these instance ids, comma-separated')
    .option(
      '--setup <cmd>',
      'setup command for every instance (default: none; the instance image is installed)',
    )
    .option(
      '--test-cmd <cmd>',
      "test command for every instance (default: each instance's rebuild_cmds and test_cmds)",
    )
    .option('--test-timeout <duration>', 'wall time of each test run of the agent, like 10m (default 5m)')
    .option('--candidates <n>', 'candidate patches per instance', '3')
    .option('--workers <n>', 'instances at once (fewer when memory does not allow)', '1')
    .option(
      '--warm-pool <n>',
      "each instance's fix keeps up to N sandboxes started ahead for its forks (as `drydock fix --warm-pool`; 0: off)",
      '0',
    )
    .option(
      '--namespace <ns>',
      `pull published instance images from NS (as eval does); the agent runs in the instance's own image, on its ${WORKSPACE}`,
    )
    .option('--max-cost <usd>', 'model cost limit per instance (USD)')
    .option('--timeout <duration>', 'wall time per instance, like 30m')
    .option(
      '--engine <engine>',
      'local, or swarm (one Swarm job per instance; run on a manager; with --script-dir only so far)',
      'local',
    )
    .option(
      '--placement <constraint>',
      'with --engine swarm: a Swarm placement constraint (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    );
  addModelOptions(cmd).action(
    async (
      flags: ModelFlags & {
        dataset: string;
        repos?: string;
        out: string;
        runsDir?: string;
        scriptDir?: string;
        instances?: string;
        setup?: string;
        testCmd?: string;
        testTimeout?: string;
        candidates: string;
        workers: string;
        warmPool: string;
        namespace?: string;
        maxCost?: string;
        timeout?: string;
        engine: string;
        placement?: string[];
      },
    ) => {
      const run =
        engineFlag(flags.engine) === 'swarm'
          ? (await import('../../cluster/index.js')).runBatchOnSwarm
          : runBatch;
      const r = await run({
        constraints: flags.placement,
        dataset: flags.dataset,
        reposDir: flags.repos,
        out: flags.out,
        runsDir: flags.runsDir,
        scriptDir: flags.scriptDir,
        instances: flags.instances
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        setup: flags.setup,
        testCmd: flags.testCmd,
        ...(flags.testTimeout ? { testTimeoutMs: parseDuration(flags.testTimeout) } : {}),
        model: { ...flags, maxCost: flags.maxCost === undefined ? undefined : Number(flags.maxCost) },
        candidates: int(flags.candidates, '--candidates'),
        workers: int(flags.workers, '--workers'),
        warmPool: flags.warmPool === '0' ? 0 : int(flags.warmPool, '--warm-pool'),
        namespace: flags.namespace,
        timeoutMs: flags.timeout ? parseDuration(flags.timeout) : undefined,
        progress: (line) => process.stderr.write(`${line}\n`),
      });
      const patched = r.predictions.filter((p) => p.model_patch).length;
      process.stdout.write(
        `${r.predictions.length} instance(s): ${patched} with a patch, ${r.errors.length} failed; predictions in ${flags.out}, one folder per instance in ${r.runsDir}\n`,
      );
    },
  );
}
