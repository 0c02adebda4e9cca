import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DrydockError, silentProgress, type Progress } from '../core/index.js';
import {
  baselineScript,
  checkScript,
  describeResult,
  envSucceeded,
  ENVBENCH_EXIT_CODES,
  type EnvBenchRecord,
  type EnvEvalOptions,
} from './envbench.js';
import { checkoutRepo } from './repos.js';
import { runEnvSetup, type EnvSetupOptions } from './envbench-setup.js';

/** One repository of an EnvBench dataset (their `readmes/*.jsonl`: `repository`, `revision`). */
export interface EnvTask {
  repository: string;
  revision: string;
}

/** Reads an EnvBench dataset: JSONL or a JSON list of {repository|repo_name, revision|commit_sha}. */
export function loadEnvDataset(path: string): EnvTask[] {
  if (!existsSync(path))
    throw new DrydockError(`dataset not found: ${path}`, 'pass --dataset FILE (JSONL)', 'DATASET_NOT_FOUND');
  const text = readFileSync(path, 'utf8').trim();
  let rows: unknown[];
  try {
    rows = text.startsWith('[')
      ? (JSON.parse(text) as unknown[])
      : text
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as unknown);
  } catch (err) {
    throw new DrydockError(
      `${path}: not JSONL or a JSON list (${(err as Error).message})`,
      undefined,
      'BAD_DATASET',
    );
  }
  return rows.map((r, i) => {
    const o = r as Record<string, unknown>;
    const repository = o.repository ?? o.repo_name;
    const revision = o.revision ?? o.commit_sha;
    if (typeof repository !== 'string' || typeof revision !== 'string')
      throw new DrydockError(
        `${path}: entry ${i + 1}: needs repository and revision strings`,
        undefined,
        'BAD_DATASET',
      );
    return { repository, revision };
  });
}

/** EnvBench's per-repository file name: `owner__name`. */
export const resultKey = (repository: string) => repository.replace('/', '__');

/** The SCRIPTED model's file for a repository in a `--script-dir`: `DIR/<owner>__<name>.(yaml|yml|json)`. */
export function envScriptFile(dir: string, repository: string): string | undefined {
  return ['yaml', 'yml', 'json']
    .map((ext) => join(dir, `${resultKey(repository)}.${ext}`))
    .find((f) => existsSync(f));
}

export interface EnvRunOptions extends Pick<EnvEvalOptions, 'network' | 'allowHosts' | 'env' | 'timeoutMs'> {
  out: string;
  workers?: number;
  progress?: Progress;
  /**
   * The model for a repository (a scripted one may differ per repository), or null for the
   * rule-based baseline. The returned `close` is called when the repository is done.
   */
  model?: (task: EnvTask) => Promise<{
    client: EnvSetupOptions['model'];
    scripted: boolean;
    name: string;
    close(): Promise<void>;
  } | null>;
  maxSteps?: number;
  policy?: EnvSetupOptions['policy'];
}

export interface EnvRunSummary {
  total: number;
  succeeded: number;
  /** Repositories whose record was already there (a resumed run). */
  resumed: number;
  results: EnvBenchRecord[];
  path: string;
  scripted: boolean;
  mode: 'agent' | 'baseline';
}

/**
 * `drydock envbench run`: for every repository of the dataset, a checkout at its revision, then
 * setup (the agent when a model is given, else the rule-based baseline), then the evaluation
 * (`checkScript`: the script sourced under `set -e` in a fresh sandbox, then the check). With the
 * agent, its replay is that evaluation (the same function on the same checkout), so it is not
 * run twice; a script whose replay failed is still evaluated and recorded as a failure. Like
 * EnvBench, each record goes to `<out>/results/<owner>__<name>.json` as soon as it is known, and
 * a repository with a record is skipped on the next run (resumable); the script goes to
 * `<out>/scripts/<owner>__<name>.sh`. At the end `<out>/results.json` (a list) and
 * `<out>/results.jsonl` (EnvBench's aggregate) hold every record.
 */
export async function runEnvBench(
  tasks: EnvTask[],
  reposDir: string,
  opts: EnvRunOptions,
): Promise<EnvRunSummary> {
  const progress = opts.progress ?? silentProgress;
  const resultsDir = join(opts.out, 'results');
  const scriptsDir = join(opts.out, 'scripts');
  mkdirSync(scriptsDir, { recursive: true });
  const todo = pendingEnvTasks(tasks, opts.out, progress);
  const resumed = tasks.length - todo.length;
  let scripted = false;
  let mode: EnvRunSummary['mode'] = 'baseline';
  let finished = resumed;
  let next = 0;

  const one = async (task: EnvTask): Promise<void> => {
    const key = resultKey(task.repository);
    const ids = { repo_name: task.repository, commit_sha: task.revision };
    let co: Awaited<ReturnType<typeof checkoutRepo>> | undefined;
    let record: EnvBenchRecord;
    let line: string;
    try {
      co = await checkoutRepo(task.repository, task.revision, reposDir);
      const model = opts.model ? await opts.model(task) : null;
      if (model) {
        mode = 'agent';
        scripted ||= model.scripted;
        try {
          const r = await runEnvSetup({
            repo: co.dir,
            repoName: task.repository,
            model: model.client,
            scripted: model.scripted,
            modelName: model.name,
            policy: opts.policy,
            maxSteps: opts.maxSteps,
            network: opts.network,
            allowHosts: opts.allowHosts,
            env: opts.env,
            timeoutMs: opts.timeoutMs,
          });
          writeFileSync(join(scriptsDir, `${key}.sh`), r.script);
          record = { ...r.replay.record, commit_sha: task.revision };
          line = `${describeResult(r.replay)}; ${r.outcome} after ${r.turns} model turns${model.scripted ? ' (SCRIPTED)' : ''}`;
        } finally {
          await model.close();
        }
      } else {
        const script = baselineScript(co.dir);
        writeFileSync(join(scriptsDir, `${key}.sh`), script);
        const r = await checkScript(co.dir, script, ids, opts);
        record = r.record;
        line = `${describeResult(r)} (baseline)`;
      }
    } catch (err) {
      record = {
        exit_code: co ? ENVBENCH_EXIT_CODES.unknown_failure : ENVBENCH_EXIT_CODES.download_failure,
        execution_time: 0,
        ...ids,
        container_logs: err instanceof Error ? err.message : String(err),
        issues_count: 0,
      };
      line = `error: ${record.container_logs}`;
    } finally {
      co?.cleanup();
    }
    writeFileSync(join(resultsDir, `${key}.json`), JSON.stringify(record));
    finished += 1;
    progress.step(`[${finished}/${tasks.length}] ${task.repository}: ${line}`);
  };

  const worker = async () => {
    while (next < todo.length) await one(todo[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.workers ?? 1, todo.length)) }, worker));

  return finishEnvRun(tasks, opts.out, { resumed, scripted, mode });
}

/**
 * The tasks of a run folder that have no record yet (a rerun on the same `--out` resumes),
 * saying how many were already done; makes `results/`.
 */
export function pendingEnvTasks(tasks: EnvTask[], out: string, progress: Progress): EnvTask[] {
  const resultsDir = join(out, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const done = new Set(
    readdirSync(resultsDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5)),
  );
  const todo = tasks.filter((t) => !done.has(resultKey(t.repository)));
  const resumed = tasks.length - todo.length;
  if (resumed) progress.step(`resuming: ${resumed} of ${tasks.length} repositories already have a record`);
  return todo;
}

/**
 * `<out>/results.json` (a list) and `<out>/results.jsonl` (EnvBench's aggregate) from the
 * per-repository records in `<out>/results/`, in the dataset's order; every engine ends with it.
 */
export function writeEnvRunResults(
  tasks: EnvTask[],
  out: string,
): { results: EnvBenchRecord[]; path: string } {
  const results = tasks
    .map((t) => join(out, 'results', `${resultKey(t.repository)}.json`))
    .filter((p) => existsSync(p))
    .map((p) => JSON.parse(readFileSync(p, 'utf8')) as EnvBenchRecord);
  const path = join(out, 'results.json');
  writeFileSync(path, JSON.stringify(results, null, 2));
  writeFileSync(join(out, 'results.jsonl'), results.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return { results, path };
}

/**
 * The end of every engine's run: `results.json` / `results.jsonl` written from the folder's
 * records (`writeEnvRunResults`), and the run's summary from them.
 */
export function finishEnvRun(
  tasks: EnvTask[],
  out: string,
  run: Pick<EnvRunSummary, 'resumed' | 'scripted' | 'mode'>,
): EnvRunSummary {
  const { results, path } = writeEnvRunResults(tasks, out);
  return {
    total: tasks.length,
    succeeded: results.filter(envSucceeded).length,
    resumed: run.resumed,
    results,
    path,
    scripted: run.scripted,
    mode: run.mode,
  };
}
