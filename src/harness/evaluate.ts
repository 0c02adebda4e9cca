import type Docker from 'dockerode';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { join } from 'node:path';
import { LOG_PARSERS, parseSwebenchLog, type StatusMap } from '../code/index.js';
import { DrydockError, type Progress, silentProgress, WORKSPACE } from '../core/index.js';
import { dockerClient, openSandbox, type ExecResult, type Sandbox } from '../sandbox/index.js';
import type { Instance } from './dataset.js';
import {
  gradeTests,
  summarize,
  type InstanceReport,
  type Outcome,
  type ReportJson,
  type RunSummary,
} from './grade.js';
import { ensureImages, removeImage, type CacheLevel } from './images.js';
import type { Prediction } from './predictions.js';
import { withNamespace } from './published.js';
import { ensurePulled, ImageMissingError } from './pull.js';
import { isPythonParser, runPythonParser } from './pyparser.js';
import { resourcesFor, runAdmitted, type PartialResources, type ResolvedResources } from './resources.js';

export interface EvalOptions {
  runId: string;
  /** Root folder: `<out>/<run_id>/<model>/<instance_id>/` and `<out>/<model>.<run_id>.json`. */
  out: string;
  reposDir?: string;
  workers?: number;
  cacheLevel?: CacheLevel;
  /** Wall time for each of rebuild, test and print commands. */
  timeoutMs?: number;
  /** Memory an instance may use (its sandbox limit and admission cost) unless it declares its own. */
  memoryBytes?: number;
  /** CPUs an instance's sandbox may use unless it declares its own; default 2. */
  cpus?: number;
  /** `--resources`: per instance id or per repository (`owner/name`), beating the row's own fields. */
  resourceOverrides?: Map<string, PartialResources>;
  /** Memory all running instances may use together; default 80% of what is free now. */
  memoryBudgetBytes?: number;
  /**
   * Also run empty predictions, with only the test patch applied (a check of the
   * dataset: FAIL_TO_PASS tests should fail). SWE-bench does not run them; by
   * default neither does drydock, and they count as empty_patch.
   */
  runEmpty?: boolean;
  /** `--namespace`: where published instance images are pulled from (see withNamespace). */
  namespace?: string;
  progress?: Progress;
  docker?: Docker;
}

/** drydock's own per-instance record (result.json), used to resume and to summarize. */
export interface InstanceResult {
  instance_id: string;
  outcome: Outcome;
  /** Why, when the outcome is apply_failed or error. */
  reason?: string;
  applied_with?: string;
  /** env is '' for a published image (pulled, not built); pulled says whether this run pulled it. */
  images: {
    env: string;
    instance: string;
    envBuilt: boolean;
    instanceBuilt: boolean;
    pulled?: boolean;
  } | null;
  /** The published image that could not be had (the outcome is then error). */
  image_missing?: string;
  /**
   * Wall times: image build/check, container open, patch, tests (rebuild+test+print as the
   * harness saw them), total; cmdsMs is the commands' own wall time inside the container.
   */
  timings: {
    imagesMs: number;
    openMs: number;
    applyMs: number;
    testMs: number;
    totalMs: number;
    cmdsMs: number;
  };
  test_exit_code?: number;
  killed_by?: string | null;
  /** The largest peak memory of the rebuild, test and print commands, in bytes. */
  peak_memory_bytes?: number;
  /** CPU time of the rebuild, test and print commands together, in ms. */
  cpu_ms?: number;
  /** The limits this instance ran under, and where each came from. */
  resources?: { memory_bytes: number; cpus: number; source: ResolvedResources['source'] };
}

/** The run's defaults: 3 GiB and 2 CPUs an instance, as drydock has always run them. */
export const DEFAULT_RESOURCES = { memoryBytes: 3 * 1024 ** 3, cpus: 2 };

/** An instance's limits under these options (override, row, then default). */
export function instanceResources(inst: Instance, opts: EvalOptions): ResolvedResources {
  return resourcesFor(
    inst,
    {
      memoryBytes: opts.memoryBytes ?? DEFAULT_RESOURCES.memoryBytes,
      cpus: opts.cpus ?? DEFAULT_RESOURCES.cpus,
    },
    opts.resourceOverrides,
  );
}

export interface EvalRun {
  summary: RunSummary;
  /** Instances whose published image could not be had (graded as errors; the rest are graded). */
  missingImages: { instance_id: string; image: string }[];
  summaryPath: string;
  results: InstanceResult[];
  skipped: string[];
}

export const modelDirName = (model: string) => model.replace(/\//g, '__');

const GIT_APPLY_CMDS = [
  'git apply --verbose',
  'git apply --verbose --reject',
  'patch --batch --fuzz=5 -p1 -i',
];

/** Files a unified diff touches (the `b/` side, and `a/` for deletions). */
export function diffFiles(patch: string): string[] {
  const files = new Set<string>();
  for (const m of patch.matchAll(/^diff --git a\/(.+?) b\/(.+?)\r?$/gm)) {
    files.add(m[1]!);
    files.add(m[2]!);
  }
  return [...files];
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The shell source of a command list: run in the workspace, every command even if one fails, stderr merged. */
export const commandScript = (cmds: string[]) => `cd ${WORKSPACE}\n{\n${cmds.join('\n')}\n} 2>&1`;

interface Timer {
  ms(): number;
}
const timer = (): Timer => {
  const t0 = performance.now();
  return { ms: () => Math.round(performance.now() - t0) };
};

async function parseLog(inst: Instance, log: string): Promise<StatusMap> {
  if (isPythonParser(inst.log_parser))
    return runPythonParser(inst.log_parser, log, { live: inst.shape === 'swe-bench-live' });
  if (inst.log_parser.startsWith('swebench:')) return parseSwebenchLog(inst.log_parser.slice(9), log);
  const p = LOG_PARSERS[inst.log_parser];
  if (!p)
    throw new DrydockError(
      `unknown log_parser ${JSON.stringify(inst.log_parser)}`,
      `use one of ${Object.keys(LOG_PARSERS).join(', ')}, or Python source defining parser(log)`,
      'UNKNOWN_PARSER',
    );
  return p(log);
}

/** Where a run writes an instance's files: `<out>/<run id>/<model>/<instance id>/`. */
export function instanceDir(opts: Pick<EvalOptions, 'out' | 'runId'>, model: string, id: string): string {
  return join(opts.out, opts.runId, modelDirName(model), id);
}

/** Evaluates one prediction; writes the instance's directory; never throws for the instance's own failures. */
export async function evaluateInstance(
  inst: Instance,
  pred: Prediction,
  opts: EvalOptions,
): Promise<InstanceResult> {
  const docker = opts.docker ?? dockerClient();
  const dir = instanceDir(opts, pred.model_name_or_path, inst.instance_id);
  mkdirSync(dir, { recursive: true });
  const total = timer();
  const timings = { imagesMs: 0, openMs: 0, applyMs: 0, testMs: 0, totalMs: 0, cmdsMs: 0 };
  const log: string[] = [];
  const note = (s: string) => log.push(`[${new Date().toISOString()}] ${s}`);
  const res = instanceResources(inst, opts);
  const resources = { memory_bytes: res.memoryBytes, cpus: res.cpus, source: res.source };
  note(
    `resources: ${Math.round(res.memoryBytes / 2 ** 20)} MiB (${res.source.memory}), ${res.cpus} CPUs (${res.source.cpus})`,
  );
  const finish = (
    r: Omit<InstanceResult, 'instance_id' | 'timings'>,
    report?: InstanceReport,
  ): InstanceResult => {
    timings.totalMs = total.ms();
    const result: InstanceResult = { instance_id: inst.instance_id, timings, resources, ...r };
    if (report)
      writeFileSync(
        join(dir, 'report.json'),
        JSON.stringify({ [inst.instance_id]: report } satisfies ReportJson, null, 4),
      );
    note(`outcome: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`);
    writeFileSync(join(dir, 'run_instance.log'), log.join('\n') + '\n');
    writeFileSync(join(dir, 'result.json'), JSON.stringify(result, null, 2));
    return result;
  };
  const patch = pred.model_patch;
  const isEmpty = patch === null || patch === '';
  if (isEmpty && !opts.runEmpty) {
    // As SWE-bench: an empty prediction is not run; the summary lists it under empty_patch_ids.
    return finish({ outcome: 'empty_patch', images: null });
  }
  writeFileSync(join(dir, 'patch.diff'), Buffer.from(patch ?? '', 'utf8'));
  const timeoutMs = opts.timeoutMs ?? 30 * 60_000;
  let images: InstanceResult['images'] = null;
  let sb: Sandbox | undefined;
  // A built image is held from its check until the sandbox's own container holds it.
  let release: (() => Promise<void>) | undefined;
  try {
    const t = timer();
    if (inst.image) {
      const ref = withNamespace(inst.image, opts.namespace);
      try {
        const pulled = await ensurePulled(docker, ref, { progress: opts.progress });
        images = { env: '', instance: ref, envBuilt: false, instanceBuilt: false, pulled };
        note(`image: ${ref} (${pulled ? 'pulled' : 'present'}; ${inst.shape} row)`);
      } catch (err) {
        if (err instanceof ImageMissingError)
          return finish({ outcome: 'error', reason: err.message, images: null, image_missing: ref });
        throw err;
      }
    } else {
      const im = await ensureImages(docker, inst, {
        reposDir: opts.reposDir,
        progress: opts.progress,
        hold: true,
      });
      release = im.release;
      images = {
        env: im.envRef,
        instance: im.instanceRef,
        envBuilt: im.envBuilt,
        instanceBuilt: im.instanceBuilt,
      };
      note(
        `images: ${im.envRef} (${im.envBuilt ? 'built' : 'reused'}), ${im.instanceRef} (${im.instanceBuilt ? 'built' : 'reused'})`,
      );
    }
    timings.imagesMs = t.ms();
    const to = timer();
    sb = await openSandbox({
      image: images!.instance,
      network: 'none',
      limits: {
        memoryBytes: res.memoryBytes,
        cpus: res.cpus,
        pids: 2048,
        timeoutMs,
        maxOutputBytes: 32 * 1024 * 1024,
      },
      runId: opts.runId,
    });
    timings.openMs = to.ms();
    await release?.();

    // 1. the prediction: git apply, then git apply --reject, then patch --fuzz (SWE-bench's order)
    const ta = timer();
    await sb.exec('mkdir -p /tmp/drydock');
    await sb.writeFile('/tmp/drydock/model.patch', Buffer.from(patch ?? '', 'utf8'));
    let appliedWith: string | undefined = isEmpty ? '(empty patch: nothing to apply)' : undefined;
    const applyOut: string[] = [];
    for (const cmd of isEmpty ? [] : GIT_APPLY_CMDS) {
      const r = await sb.exec(`cd ${WORKSPACE} && ${cmd} /tmp/drydock/model.patch 2>&1`, {
        timeoutMs: 120_000,
      });
      applyOut.push(`$ ${cmd} /tmp/drydock/model.patch\n${r.stdout}`);
      if (r.exitCode === 0) {
        appliedWith = cmd;
        break;
      }
    }
    writeFileSync(join(dir, 'apply_output.txt'), applyOut.join('\n'));
    if (!appliedWith) {
      timings.applyMs = ta.ms();
      const last = applyOut.at(-1)!.trim().split('\n').slice(-2).join(' ');
      return finish({ outcome: 'apply_failed', reason: `patch did not apply: ${last}`, images });
    }
    note(`patch applied with: ${appliedWith}`);

    // 2. the test patch, on test files reset to base_commit (as SWE-bench's eval script does)
    const testFiles = diffFiles(inst.test_patch);
    const evalScript: string[] = ['#!/bin/bash', `cd ${WORKSPACE}`];
    if (inst.test_patch) {
      await sb.writeFile('/tmp/drydock/test.patch', Buffer.from(inst.test_patch, 'utf8'));
      const reset = testFiles.length
        ? `for f in ${testFiles.map(q).join(' ')}; do if git cat-file -e ${inst.base_commit}:"$f" 2>/dev/null; then git checkout -q ${inst.base_commit} -- "$f"; fi; done; `
        : '';
      const cmd = `cd ${WORKSPACE} && ${reset}git apply --verbose /tmp/drydock/test.patch 2>&1`;
      evalScript.push(cmd);
      const r = await sb.exec(cmd, { timeoutMs: 120_000 });
      if (r.exitCode !== 0) {
        timings.applyMs = ta.ms();
        return finish({
          outcome: 'error',
          reason: `test_patch did not apply: ${r.stdout.trim().split('\n').slice(-2).join(' ')}`,
          images,
          applied_with: appliedWith,
        });
      }
    }
    timings.applyMs = ta.ms();

    // 3. rebuild, tests, print; each with the timeout, stdout and stderr merged
    const tt = timer();
    let testOutput = '';
    let testRes: ExecResult | undefined;
    const sections: [string, string[]][] = [
      ['rebuild_cmds', inst.rebuild_cmds],
      ['test_cmds', inst.test_cmds],
      ['print_cmds', inst.print_cmds],
    ];
    let printOutput = '';
    let peakMemory = 0;
    let cpuMs = 0;
    for (const [name, cmds] of sections) {
      if (cmds.length === 0) continue;
      const script = commandScript(cmds);
      evalScript.push(`# ${name}`, script);
      const r = await sb.exec(script, { timeoutMs });
      timings.cmdsMs += r.wallMs;
      peakMemory = Math.max(peakMemory, r.peakMemoryBytes);
      cpuMs += r.cpuMs;
      const text = r.stdout + (r.killedBy ? `\n[drydock: ${name} killed: ${r.killedBy}]\n` : '');
      if (name === 'test_cmds') {
        testOutput = text;
        testRes = r;
      } else if (name === 'print_cmds') printOutput = text;
      else testOutput += text;
      note(`${name}: exit ${r.exitCode}, ${r.wallMs} ms${r.killedBy ? `, killed: ${r.killedBy}` : ''}`);
    }
    timings.testMs = tt.ms();
    writeFileSync(join(dir, 'eval.sh'), evalScript.join('\n') + '\n');
    writeFileSync(join(dir, 'test_output.txt'), testOutput);
    if (inst.print_cmds.length) writeFileSync(join(dir, 'print_output.txt'), printOutput);

    // 4. parse and grade
    const map = await parseLog(inst, inst.print_cmds.length ? printOutput : testOutput);
    writeFileSync(join(dir, 'test_status.json'), JSON.stringify(map, null, 2));
    const g = gradeTests(inst, map);
    const report: InstanceReport = {
      patch_is_None: patch === null,
      patch_exists: !isEmpty,
      patch_successfully_applied: true,
      resolved: g.resolved,
      tests_status: g.tests_status,
    };
    return finish(
      {
        outcome: g.resolved ? 'resolved' : 'unresolved',
        images,
        applied_with: appliedWith,
        test_exit_code: testRes?.exitCode,
        killed_by: testRes?.killedBy ?? null,
        peak_memory_bytes: peakMemory,
        cpu_ms: Math.round(cpuMs),
      },
      report,
    );
  } catch (err) {
    return finish({ outcome: 'error', reason: err instanceof Error ? err.message : String(err), images });
  } finally {
    if (sb) await sb.close().catch(() => {});
    await release?.();
    // Published images are the registry's, not this run's: never removed here.
    if (images && images.env && (opts.cacheLevel ?? 'instance') !== 'instance')
      await removeImage(docker, images.instance);
  }
}

/** An instance's result from an earlier run with this run id, unless it was an error (errors are run again). */
export function finished(
  opts: Pick<EvalOptions, 'out' | 'runId'>,
  model: string,
  id: string,
): InstanceResult | null {
  const p = join(instanceDir(opts, model, id), 'result.json');
  if (!existsSync(p)) return null;
  try {
    const r = JSON.parse(readFileSync(p, 'utf8')) as InstanceResult;
    return r.outcome === 'error' ? null : r;
  } catch {
    return null;
  }
}

/** How many instances may run at once: the asked workers, fewer if memory does not allow. */
export function admittedWorkers(workers: number, needBytes: number, budgetBytes: number): number {
  return Math.max(1, Math.min(workers, Math.floor(budgetBytes / needBytes)));
}

const fmtDuration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/** Evaluates predictions for a dataset: parallel, resumable, with progress; writes the run summary. */
export async function evaluate(
  instances: Instance[],
  predictions: Map<string, Prediction>,
  opts: EvalOptions,
): Promise<EvalRun> {
  const progress = opts.progress ?? silentProgress;
  const docker = opts.docker ?? dockerClient();
  const todo = instances.filter((i) => predictions.has(i.instance_id));
  const results: InstanceResult[] = [];
  const skipped: string[] = [];
  const pending: Instance[] = [];
  for (const inst of todo) {
    const prev = finished(opts, predictions.get(inst.instance_id)!.model_name_or_path, inst.instance_id);
    if (prev) {
      results.push(prev);
      skipped.push(inst.instance_id);
    } else pending.push(inst);
  }
  // Admission by memory: each instance costs what it declares (override, row, or --memory);
  // at most --workers run at once, and only while their costs fit 80% of the memory free now.
  const need = (i: Instance) => instanceResources(i, opts).memoryBytes;
  const budget = opts.memoryBudgetBytes ?? Math.floor(freemem() * 0.8);
  const asked = opts.workers ?? 1;
  const costs = pending.map(need).sort((a, b) => a - b);
  let fit = 0;
  for (let sum = 0; fit < costs.length && sum + costs[fit]! <= budget; fit++) sum += costs[fit]!;
  if (pending.length > 1 && Math.max(1, fit) < Math.min(asked, pending.length))
    progress.detail(
      `running at most ${Math.max(1, fit)} at a time, not ${asked}: instances need ${Math.round(costs[0]! / 2 ** 20)}–${Math.round(costs.at(-1)! / 2 ** 20)} MiB each and ${Math.round(budget / 2 ** 20)} MiB is available`,
    );
  if (skipped.length)
    progress.detail(`resuming: ${skipped.length} instance(s) already finished in run ${opts.runId}`);
  const t0 = performance.now();
  let done = 0;
  const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
  const runOne = async (inst: Instance) => {
    const r = await evaluateInstance(inst, predictions.get(inst.instance_id)!, {
      ...opts,
      docker,
      progress,
    });
    results.push(r);
    done++;
    const elapsed = performance.now() - t0;
    const left = ((pending.length - done) * elapsed) / done; // elapsed already reflects the parallelism
    progress.step(
      `${done + skipped.length}/${todo.length} done, ${count('resolved')} resolved, ${count('error') + count('apply_failed')} errors` +
        ` — ${inst.instance_id}: ${r.outcome}${r.reason ? ` (${r.reason.split('\n')[0]})` : ''}` +
        (pending.length > done ? `, ~${fmtDuration(left)} left` : ''),
    );
  };
  await runAdmitted(pending, need, budget, asked, runOne, (inst) =>
    progress.detail(
      `${inst.instance_id} needs ${Math.round(need(inst) / 2 ** 20)} MiB, more than the ${Math.round(budget / 2 ** 20)} MiB available: running it alone`,
    ),
  );
  if ((opts.cacheLevel ?? 'instance') === 'none') {
    for (const env of new Set(results.map((r) => r.images?.env).filter((e): e is string => !!e)))
      await removeImage(docker, env);
  }
  return finishRun(instances, predictions, results, skipped, opts);
}

/**
 * The end of an evaluation run on any engine (local, swarm): the summary from the instances'
 * results, written as `<model>.<run id>.json`, and the images that could not be had. One
 * function, so a swarm run's summary cannot drift from a local one's.
 */
export function finishRun(
  instances: Instance[],
  predictions: Map<string, Prediction>,
  results: InstanceResult[],
  skipped: string[],
  opts: Pick<EvalOptions, 'out' | 'runId'>,
): EvalRun {
  const model = predictions.values().next().value?.model_name_or_path ?? 'unknown';
  const outcomes = new Map(results.map((r) => [r.instance_id, r.outcome]));
  const summary = summarize(
    instances.map((i) => i.instance_id),
    [...predictions.keys()],
    outcomes,
  );
  mkdirSync(opts.out, { recursive: true });
  const summaryPath = join(opts.out, `${modelDirName(model)}.${opts.runId}.json`);
  writeFileSync(summaryPath, JSON.stringify(summary, null, 4));
  const order = new Map(instances.map((i, n) => [i.instance_id, n]));
  const sorted = [...results].sort((a, b) => order.get(a.instance_id)! - order.get(b.instance_id)!);
  const missingImages = sorted
    .filter((r) => r.image_missing)
    .map((r) => ({ instance_id: r.instance_id, image: r.image_missing! }));
  return { summary, summaryPath, results: sorted, skipped, missingImages };
}
