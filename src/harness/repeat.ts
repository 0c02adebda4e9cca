import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatusMap } from '../code/index.js';
import type { Instance } from './dataset.js';
import { evaluate, modelDirName, type EvalOptions, type EvalRun } from './evaluate.js';
import type { Prediction } from './predictions.js';

export interface FlakyInstance {
  instance_id: string;
  /** Outcome of each run, in order. */
  outcomes: string[];
  /** Tests whose status differed between runs, with each run's status ('(missing)' when absent). */
  tests: { id: string; statuses: string[] }[];
}

export interface RepeatRun {
  runs: EvalRun[];
  /** Instances resolved in every run: valid on this machine. */
  valid: string[];
  flaky: FlakyInstance[];
  /** Instances resolved in no run. */
  failing: string[];
  validPath: string;
  flakyPath: string;
}

function statuses(opts: EvalOptions, runId: string, model: string, id: string): StatusMap {
  const p = join(opts.out, runId, modelDirName(model), id, 'test_status.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as StatusMap) : {};
}

/**
 * Evaluates the predictions `n` times (runs `<runId>.1` … `<runId>.n`), as SWE-bench-Live's
 * validation does with gold patches: an instance resolved every time is valid on this machine;
 * one resolved only sometimes is flaky, listed with the tests whose status changed. Writes
 * `<out>/<runId>.valid.jsonl` (the valid rows, as given) and `<out>/<runId>.flaky.json`.
 */
export async function evaluateRepeated(
  instances: Instance[],
  predictions: Map<string, Prediction>,
  opts: EvalOptions,
  n: number,
): Promise<RepeatRun> {
  const runs: EvalRun[] = [];
  for (let k = 1; k <= n; k++) {
    opts.progress?.step(`repeat ${k} of ${n}`);
    runs.push(await evaluate(instances, predictions, { ...opts, runId: `${opts.runId}.${k}` }));
  }
  const valid: string[] = [];
  const failing: string[] = [];
  const flaky: FlakyInstance[] = [];
  for (const inst of instances) {
    const pred = predictions.get(inst.instance_id);
    if (!pred) continue;
    const outcomes = runs.map(
      (r) => r.results.find((x) => x.instance_id === inst.instance_id)?.outcome ?? 'missing',
    );
    const maps = runs.map((_, k) =>
      statuses(opts, `${opts.runId}.${k + 1}`, pred.model_name_or_path, inst.instance_id),
    );
    // The graded tests only: other tests may flip without changing a verdict.
    const ids = new Set([...inst.FAIL_TO_PASS, ...inst.PASS_TO_PASS]);
    const tests = [...ids]
      .map((id) => ({ id, statuses: maps.map((m) => m[id] ?? '(missing)') }))
      .filter((t) => new Set(t.statuses).size > 1);
    if (outcomes.every((o) => o === 'resolved')) valid.push(inst.instance_id);
    else if (outcomes.some((o) => o === 'resolved') || tests.length > 0)
      flaky.push({ instance_id: inst.instance_id, outcomes, tests });
    else failing.push(inst.instance_id);
  }
  mkdirSync(opts.out, { recursive: true });
  const validPath = join(opts.out, `${opts.runId}.valid.jsonl`);
  const flakyPath = join(opts.out, `${opts.runId}.flaky.json`);
  const keep = new Set(valid);
  writeFileSync(
    validPath,
    instances
      .filter((i) => keep.has(i.instance_id))
      .map((i) => JSON.stringify(i.raw) + '\n')
      .join(''),
  );
  writeFileSync(flakyPath, JSON.stringify(flaky, null, 2));
  return { runs, valid, flaky, failing, validPath, flakyPath };
}
