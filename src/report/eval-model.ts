import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DrydockError } from '../core/index.js';
import type { InstanceResult, ReportJson, RunSummary } from '../harness/index.js';

/** The buckets the counts use (SWE-bench's: `apply_failed` counts as an error). */
export type Bucket = 'resolved' | 'unresolved' | 'error' | 'empty' | 'incomplete';
export const BUCKETS: readonly Bucket[] = ['resolved', 'unresolved', 'error', 'empty', 'incomplete'];

export interface InstanceRow {
  id: string;
  outcome: Bucket;
  /** The harness's own word (`apply_failed`, `empty_patch`, …). */
  status: string;
  reason: string;
  durationMs: number | null;
  peakMemoryBytes: number | null;
  killedBy: string | null;
  /** FAIL_TO_PASS and PASS_TO_PASS tests passing, of how many. */
  failToPass: string;
  passToPass: string;
  /** Absolute paths of the instance's files, when present. */
  files: { log?: string; testOutput?: string; patch?: string; report?: string };
}

export interface EvalModel {
  dir: string;
  runId: string;
  model: string;
  summaryPath: string | null;
  summary: RunSummary | null;
  rows: InstanceRow[];
  counts: Record<Bucket, number>;
}

export interface OutcomeChange {
  id: string;
  before: Bucket | 'absent';
  after: Bucket | 'absent';
}

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
const isInstanceDir = (p: string) => existsSync(join(p, 'result.json')) || existsSync(join(p, 'report.json'));

/**
 * The (run id, model) folders under what the user named: `<out>`, `<out>/<run_id>`, or
 * `<out>/<run_id>/<model>` as `drydock eval` lays them out.
 */
function modelDirs(dir: string): string[] {
  const subdirs = (p: string) =>
    readdirSync(p)
      .map((n) => join(p, n))
      .filter(isDir);
  const kids = subdirs(dir);
  if (kids.some(isInstanceDir)) return [dir];
  const level2 = kids.flatMap(subdirs);
  if (level2.some(isInstanceDir)) return kids.filter((k) => subdirs(k).some(isInstanceDir));
  return level2.filter((k) => subdirs(k).some(isInstanceDir));
}

function bucketOf(outcome: string | undefined): Bucket {
  switch (outcome) {
    case 'resolved':
      return 'resolved';
    case 'unresolved':
      return 'unresolved';
    case 'empty_patch':
      return 'empty';
    default:
      return 'error';
  }
}

function ratio(b: { success: string[]; failure: string[] } | undefined): string {
  if (!b) return '';
  return `${b.success.length}/${b.success.length + b.failure.length}`;
}

function instanceRow(id: string, dir: string): InstanceRow {
  const result = readJson<InstanceResult>(join(dir, 'result.json'));
  const report = readJson<ReportJson>(join(dir, 'report.json'))?.[id];
  const file = (name: string) => (existsSync(join(dir, name)) ? join(dir, name) : undefined);
  const status = result?.outcome ?? (report ? (report.resolved ? 'resolved' : 'unresolved') : 'error');
  return {
    id,
    outcome: bucketOf(status),
    status,
    reason: result?.reason ?? (result ? '' : 'no result.json'),
    durationMs: result?.timings?.totalMs ?? null,
    peakMemoryBytes: result?.peak_memory_bytes ?? null,
    killedBy: result?.killed_by ?? null,
    failToPass: ratio(report?.tests_status?.FAIL_TO_PASS),
    passToPass: ratio(report?.tests_status?.PASS_TO_PASS),
    files: {
      log: file('run_instance.log'),
      testOutput: file('test_output.txt'),
      patch: file('patch.diff'),
      report: file('report.json'),
    },
  };
}

/** Reads an evaluation run's directory as `drydock eval` wrote it. */
export function loadEval(dirArg: string): EvalModel {
  const dir = resolve(dirArg);
  if (!isDir(dir))
    throw new DrydockError(
      `${dirArg} is not a directory`,
      'pass the --out folder of drydock eval, or one of its <run_id> folders',
      'EVAL_NOT_FOUND',
    );
  const found = modelDirs(dir);
  if (found.length === 0)
    throw new DrydockError(
      `no evaluation run in ${dirArg}: no <run_id>/<model>/<instance>/result.json under it`,
      'pass the --out folder of drydock eval (default logs/run_evaluation), or one of its <run_id> folders',
      'EVAL_NOT_FOUND',
    );
  if (found.length > 1)
    throw new DrydockError(
      `${dirArg} holds ${found.length} runs: ${found.map((f) => `${basename(dirname(f))}/${basename(f)}`).join(', ')}`,
      `pass one of them, e.g. ${join(dirArg, basename(dirname(found[0]!)))}`,
      'EVAL_AMBIGUOUS',
    );
  const modelDir = found[0]!;
  const model = basename(modelDir);
  const runDir = dirname(modelDir);
  const runId = basename(runDir);
  const summaryPath = join(dirname(runDir), `${model}.${runId}.json`);
  const summary = existsSync(summaryPath) ? readJson<RunSummary>(summaryPath) : null;
  const rows: InstanceRow[] = readdirSync(modelDir)
    .filter((n) => isInstanceDir(join(modelDir, n)))
    .sort()
    .map((id) => instanceRow(id, join(modelDir, id)));
  // Instances the summary names without a folder had no prediction: incomplete, as SWE-bench says.
  const seen = new Set(rows.map((r) => r.id));
  for (const id of summary?.incomplete_ids ?? [])
    if (!seen.has(id))
      rows.push({
        id,
        outcome: 'incomplete',
        status: 'incomplete',
        reason: 'no prediction for this instance',
        durationMs: null,
        peakMemoryBytes: null,
        killedBy: null,
        failToPass: '',
        passToPass: '',
        files: {},
      });
  const counts = Object.fromEntries(BUCKETS.map((b) => [b, 0])) as Record<Bucket, number>;
  for (const r of rows) counts[r.outcome]++;
  return {
    dir,
    runId,
    model,
    summaryPath: summary ? summaryPath : null,
    summary,
    rows,
    counts,
  };
}

/** Exactly the instances whose outcome bucket differs, in id order (absent in one run counts). */
export function compareEvals(before: EvalModel, after: EvalModel): OutcomeChange[] {
  const a = new Map(before.rows.map((r) => [r.id, r.outcome]));
  const b = new Map(after.rows.map((r) => [r.id, r.outcome]));
  const ids = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: OutcomeChange[] = [];
  for (const id of ids) {
    const x = a.get(id) ?? 'absent';
    const y = b.get(id) ?? 'absent';
    if (x !== y) out.push({ id, before: x, after: y });
  }
  return out;
}
