import { describe, expect, it } from 'vitest';
import { gradeTests, normalizeInstance, summarize } from '../../src/harness/index.js';
import { statusOf } from '../../src/harness/pyparser.js';

// The shapes SWE-bench documents: swebench/harness/grading.py get_eval_report (per
// instance) and swebench/harness/reporting.py make_run_report (run summary, schema 2).
const SWE_BENCH_REPORT_KEYS = [
  'patch_is_None',
  'patch_exists',
  'patch_successfully_applied',
  'resolved',
  'tests_status',
];
const SWE_BENCH_BUCKETS = ['FAIL_TO_PASS', 'PASS_TO_PASS', 'FAIL_TO_FAIL', 'PASS_TO_FAIL'];
const SWE_BENCH_SUMMARY_KEYS = [
  'total_instances',
  'submitted_instances',
  'completed_instances',
  'resolved_instances',
  'unresolved_instances',
  'empty_patch_instances',
  'error_instances',
  'completed_ids',
  'incomplete_ids',
  'empty_patch_ids',
  'submitted_ids',
  'resolved_ids',
  'unresolved_ids',
  'error_ids',
  'schema_version',
];

const inst = normalizeInstance({
  instance_id: 'o__r-1',
  repo: 'o/r',
  base_commit: 'abcdef1',
  FAIL_TO_PASS: ['f1', 'f2'],
  PASS_TO_PASS: ['p1'],
  test_cmds: ['true'],
  env_image: 'python',
});

describe('grading', () => {
  it('resolves only when every FAIL_TO_PASS and PASS_TO_PASS test passes; missing counts as failed', () => {
    expect(gradeTests(inst, { f1: 'PASSED', f2: 'XFAIL', p1: 'PASSED' }).resolved).toBe(true);
    const g = gradeTests(inst, { f1: 'PASSED', p1: 'PASSED' });
    expect(g.resolved).toBe(false);
    expect(g.tests_status.FAIL_TO_PASS).toEqual({ success: ['f1'], failure: ['f2'] });
    // SWE-bench's check_pass_and_fail: a SKIPPED test is neither a success nor a failure.
    const skipped = gradeTests(inst, { f1: 'PASSED', f2: 'PASSED', p1: 'SKIPPED' });
    expect(skipped.tests_status.PASS_TO_PASS).toEqual({ success: [], failure: [] });
    expect(skipped.resolved).toBe(true);
    expect(gradeTests(inst, { f1: 'PASSED', f2: 'ERROR', p1: 'PASSED' }).resolved).toBe(false);
  });

  it('matches ids cut off mid-parameter (as SWE-bench Verified lists them) to the whole ids the parser keeps', () => {
    const cut = normalizeInstance({
      instance_id: 'o__r-3',
      repo: 'o/r',
      base_commit: 'abcdef1',
      FAIL_TO_PASS: ['t.py::test_u[(1,', 't.py::test_k[km'],
      PASS_TO_PASS: ['t.py::test_v[a'],
      test_cmds: ['true'],
      env_image: 'python',
    });
    const map = {
      // An older parser reported "t.py::test_u[(1," for this line (split at whitespace)…
      't.py::test_u[(1, 2, 3)-(1, 2, 3)]': 'PASSED' as const,
      // …and not for this one, though the cut id prefixes it too.
      't.py::test_u[(1,)-(1,)]': 'FAILED' as const,
      't.py::test_k[km / s]': 'PASSED' as const,
      't.py::test_k[km s-1]': 'PASSED' as const,
      't.py::test_v[a b]': 'PASSED' as const,
      't.py::test_v[a c]': 'FAILED' as const,
    };
    const g = gradeTests(cut, map);
    expect(g.tests_status.FAIL_TO_PASS).toEqual({
      success: ['t.py::test_u[(1,', 't.py::test_k[km'],
      failure: [],
    });
    // Candidates that disagree on pass or fail resolve to nothing: a failure, as SWE-bench grades it.
    expect(g.tests_status.PASS_TO_PASS).toEqual({ success: [], failure: ['t.py::test_v[a'] });
    // A whole id never prefix-matches.
    expect(gradeTests({ ...cut, FAIL_TO_PASS: ['t.py::test_k'], PASS_TO_PASS: [] }, map).resolved).toBe(
      false,
    );
  });

  it("grades SWE-bench-Live rows by SWE-bench-Live's rules", () => {
    const live = normalizeInstance({
      instance_id: 'o__r-2',
      repo: 'o/r',
      base_commit: 'abcdef1',
      FAIL_TO_PASS: ['f1'],
      PASS_TO_PASS: ['p1', 'p2'],
      test_cmds: ['pytest -rA'],
    });
    expect(live.shape).toBe('swe-bench-live');
    // A PASS_TO_PASS test missing from the log is no failure there; an XFAIL is one.
    expect(gradeTests(live, { f1: 'PASSED', p1: 'PASSED' }).resolved).toBe(true);
    expect(gradeTests(live, { f1: 'XFAIL', p1: 'PASSED', p2: 'PASSED' }).resolved).toBe(false);
    expect(gradeTests(live, { p1: 'PASSED', p2: 'PASSED' }).resolved).toBe(false);
    // One FAIL_TO_PASS test passing is enough when the others are missing or skipped (its
    // report's failure list holds only tests whose status says "fail"); none passing never is.
    const two = { ...live, FAIL_TO_PASS: ['f1', 'f2'] };
    expect(gradeTests(two, { f1: 'PASSED', p1: 'PASSED' }).resolved).toBe(true);
    expect(gradeTests(two, { f1: 'PASSED', f2: 'SKIPPED' }).resolved).toBe(true);
    expect(gradeTests(two, { f1: 'PASSED', f2: 'FAILED' }).resolved).toBe(false);
    expect(gradeTests({ ...live, FAIL_TO_PASS: [] }, { p1: 'PASSED' }).resolved).toBe(false);
  });

  it("reads a Python log_parser's words as SWE-bench-Live does for its rows", () => {
    // run_instance: "pass" in the word is a pass, "fail" a failure, anything else neither.
    expect(
      ['PASS', 'PASSED', 'XPASS', 'FAIL', 'XFAIL', 'SKIP', 'ERROR', 'TIMEOUT'].map((w) => statusOf(w, true)),
    ).toEqual(['PASSED', 'PASSED', 'PASSED', 'FAILED', 'XFAIL', 'SKIPPED', 'SKIPPED', 'SKIPPED']);
    // Other rows keep an error as an error.
    expect(statusOf('ERROR')).toBe('ERROR');
    expect(statusOf('PASS')).toBe('PASSED');
  });

  it("report.json entries have SWE-bench's keys and buckets", () => {
    const g = gradeTests(inst, {});
    const entry = { patch_is_None: false, patch_exists: true, patch_successfully_applied: true, ...g };
    expect(Object.keys(entry).sort()).toEqual([...SWE_BENCH_REPORT_KEYS].sort());
    expect(Object.keys(g.tests_status)).toEqual(SWE_BENCH_BUCKETS);
    for (const b of SWE_BENCH_BUCKETS)
      expect(Object.keys(g.tests_status[b as 'FAIL_TO_PASS'])).toEqual(['success', 'failure']);
  });

  it("the summary has SWE-bench's keys and buckets instances as make_run_report does", () => {
    const s = summarize(
      ['a', 'b', 'c', 'd', 'e', 'f'],
      ['a', 'b', 'c', 'd', 'e', 'x'],
      new Map([
        ['a', 'resolved'],
        ['b', 'unresolved'],
        ['c', 'empty_patch'],
        ['d', 'apply_failed'],
        ['e', 'error'],
      ] as const),
    );
    expect(Object.keys(s)).toEqual(SWE_BENCH_SUMMARY_KEYS);
    expect(s).toMatchObject({
      total_instances: 6,
      submitted_instances: 6,
      completed_ids: ['a', 'b'],
      resolved_ids: ['a'],
      unresolved_ids: ['b'],
      empty_patch_ids: ['c'],
      error_ids: ['d', 'e'],
      incomplete_ids: ['f'],
      schema_version: 2,
    });
  });
});
