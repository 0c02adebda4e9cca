import type { Instance } from './dataset.js';
import { passing, type StatusMap } from '../code/index.js';

export interface TestBucket {
  success: string[];
  failure: string[];
}

export interface TestsStatus {
  FAIL_TO_PASS: TestBucket;
  PASS_TO_PASS: TestBucket;
  FAIL_TO_FAIL: TestBucket;
  PASS_TO_FAIL: TestBucket;
}

/** One instance's entry of report.json, in SWE-bench's shape (grading.get_eval_report). */
export interface InstanceReport {
  patch_is_None: boolean;
  patch_exists: boolean;
  patch_successfully_applied: boolean;
  resolved: boolean;
  tests_status?: TestsStatus;
}

/** report.json: `{ "<instance_id>": InstanceReport }`. */
export type ReportJson = Record<string, InstanceReport>;

/**
 * The status-map key for a listed test id. The id itself; else, for an id with more `[` than `]`
 * (SWE-bench Verified lists several hundred pytest ids cut off mid-parameter, e.g.
 * `test_unparse[a`: older parsers split lines at whitespace, while the parser now keeps the whole
 * id with its spaces), the tests it is a prefix of, when they agree on pass or fail. Tests whose
 * id continues with whitespace right after it (the ones the older parser reported under the cut
 * id) are tried first, then, as SWE-bench's grading._resolve_case does, every test it prefixes.
 */
export function resolveTestId(id: string, map: StatusMap): string | undefined {
  if (id in map) return id;
  if ((id.match(/\[/g)?.length ?? 0) <= (id.match(/\]/g)?.length ?? 0)) return undefined;
  const prefixed = Object.keys(map).filter((k) => k.startsWith(id));
  const agreeing = (keys: string[]) =>
    keys.length > 0 && new Set(keys.map((k) => passing(map[k]))).size === 1 ? keys[0] : undefined;
  return agreeing(prefixed.filter((k) => /\s/.test(k[id.length] ?? ''))) ?? agreeing(prefixed);
}

/**
 * SWE-bench's grading (grading.py check_pass_and_fail): PASSED or XFAIL is a success; FAILED,
 * ERROR or missing from the log a failure; SKIPPED neither.
 */
function bucket(ids: string[], map: StatusMap): TestBucket {
  const b: TestBucket = { success: [], failure: [] };
  for (const id of ids) {
    const key = resolveTestId(id, map);
    const s = key === undefined ? undefined : map[key];
    if (passing(s)) b.success.push(id);
    else if (s !== 'SKIPPED') b.failure.push(id);
  }
  return b;
}

/**
 * SWE-bench-Live's grading (evaluation.py run_instance, with its pytest parser's pass/skip/fail):
 * PASSED is a pass, SKIPPED and missing are neither, anything else a failure.
 */
function liveBucket(ids: string[], map: StatusMap): TestBucket {
  const b: TestBucket = { success: [], failure: [] };
  for (const id of ids) {
    const s = map[id];
    if (s === 'PASSED') b.success.push(id);
    else if (s !== undefined && s !== 'SKIPPED') b.failure.push(id);
  }
  return b;
}

/** Grades parsed test statuses against the instance's lists, by the rules of the row's own harness. */
export function gradeTests(inst: Instance, map: StatusMap): { tests_status: TestsStatus; resolved: boolean } {
  if (inst.shape === 'swe-bench-live') {
    const tests_status: TestsStatus = {
      FAIL_TO_PASS: liveBucket(inst.FAIL_TO_PASS, map),
      PASS_TO_PASS: liveBucket(inst.PASS_TO_PASS, map),
      FAIL_TO_FAIL: liveBucket(inst.FAIL_TO_FAIL, map),
      PASS_TO_FAIL: liveBucket(inst.PASS_TO_FAIL, map),
    };
    // As run_instance: no FAIL_TO_PASS or PASS_TO_PASS test failed and at least one FAIL_TO_PASS
    // test passed. A test missing from the log (or skipped) is neither, in either list.
    const resolved =
      tests_status.FAIL_TO_PASS.success.length > 0 &&
      tests_status.FAIL_TO_PASS.failure.length === 0 &&
      tests_status.PASS_TO_PASS.failure.length === 0;
    return { tests_status, resolved };
  }
  const tests_status: TestsStatus = {
    FAIL_TO_PASS: bucket(inst.FAIL_TO_PASS, map),
    PASS_TO_PASS: bucket(inst.PASS_TO_PASS, map),
    FAIL_TO_FAIL: bucket(inst.FAIL_TO_FAIL, map),
    PASS_TO_FAIL: bucket(inst.PASS_TO_FAIL, map),
  };
  // SWE-bench's ResolvedStatus.FULL: no FAIL_TO_PASS and no PASS_TO_PASS test failed.
  const resolved =
    tests_status.FAIL_TO_PASS.failure.length === 0 && tests_status.PASS_TO_PASS.failure.length === 0;
  return { tests_status, resolved };
}

/** What became of one instance in a run (drydock's own record, result.json). */
export type Outcome = 'resolved' | 'unresolved' | 'empty_patch' | 'apply_failed' | 'error';

export interface RunSummary {
  total_instances: number;
  submitted_instances: number;
  completed_instances: number;
  resolved_instances: number;
  unresolved_instances: number;
  empty_patch_instances: number;
  error_instances: number;
  completed_ids: string[];
  incomplete_ids: string[];
  empty_patch_ids: string[];
  submitted_ids: string[];
  resolved_ids: string[];
  unresolved_ids: string[];
  error_ids: string[];
  schema_version: 2;
}

/**
 * The run summary, bucketed as SWE-bench's reporting.make_run_report does:
 * no prediction → incomplete; empty patch → empty_patch; graded → completed and
 * resolved or unresolved; anything else (patch did not apply, harness error) → error.
 */
export function summarize(
  datasetIds: string[],
  submittedIds: string[],
  outcomes: Map<string, Outcome>,
): RunSummary {
  const submitted = new Set(submittedIds);
  const completed: string[] = [];
  const incomplete: string[] = [];
  const empty: string[] = [];
  const resolved: string[] = [];
  const unresolved: string[] = [];
  const errors: string[] = [];
  for (const id of datasetIds) {
    if (!submitted.has(id)) {
      incomplete.push(id);
      continue;
    }
    const o = outcomes.get(id);
    if (o === 'empty_patch') empty.push(id);
    else if (o === 'resolved' || o === 'unresolved') {
      completed.push(id);
      (o === 'resolved' ? resolved : unresolved).push(id);
    } else errors.push(id);
  }
  const s = (a: string[]) => [...a].sort();
  return {
    total_instances: datasetIds.length,
    submitted_instances: submitted.size,
    completed_instances: completed.length,
    resolved_instances: resolved.length,
    unresolved_instances: unresolved.length,
    empty_patch_instances: empty.length,
    error_instances: errors.length,
    completed_ids: s(completed),
    incomplete_ids: s(incomplete),
    empty_patch_ids: s(empty),
    submitted_ids: s([...submitted]),
    resolved_ids: s(resolved),
    unresolved_ids: s(unresolved),
    error_ids: s(errors),
    schema_version: 2,
  };
}
