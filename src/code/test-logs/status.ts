/** Test statuses as SWE-bench names them. PASSED and XFAIL count as passing. */
export type TestStatus = 'PASSED' | 'FAILED' | 'SKIPPED' | 'ERROR' | 'XFAIL';
/** Test id → status, in the order the tests first appeared in the log. */
export type StatusMap = Record<string, TestStatus>;
export type LogParser = (log: string) => StatusMap;

export const TEST_STATUSES: readonly TestStatus[] = ['FAILED', 'PASSED', 'SKIPPED', 'ERROR', 'XFAIL'];

export const passing = (s: TestStatus | undefined): boolean => s === 'PASSED' || s === 'XFAIL';
export const failing = (s: TestStatus | undefined): boolean => s === 'FAILED' || s === 'ERROR';

const rank: Record<TestStatus, number> = { PASSED: 0, XFAIL: 0, SKIPPED: 1, FAILED: 2, ERROR: 3 };

/** Records a status; a test reported twice keeps its worse status (a retried flaky test that failed once is not a pass). */
export function setWorse(map: StatusMap, id: string, s: TestStatus): void {
  const prev = map[id];
  if (!prev || rank[s] >= rank[prev]) map[id] = s;
}

/** The passing and failing test ids of a parse (skipped tests are in neither), in log order. */
export function outcomes(map: StatusMap): { passed: string[]; failed: string[] } {
  const passed: string[] = [];
  const failed: string[] = [];
  for (const [id, s] of Object.entries(map)) {
    if (passing(s)) passed.push(id);
    else if (failing(s)) failed.push(id);
  }
  return { passed, failed };
}

/** The log's lines without carriage returns. */
export const lines = (log: string): string[] => log.split('\n').map((l) => l.replace(/\r$/, ''));

// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
