import { lines, TEST_STATUSES, type StatusMap, type TestStatus } from './status.js';

/**
 * pytest -rA: the second word of every line that starts with a status (SWE-bench's
 * parse_log_pytest, exactly: a test reported twice keeps the last status).
 */
export function parsePytest(log: string): StatusMap {
  const map: StatusMap = {};
  for (let line of lines(log)) {
    const s = TEST_STATUSES.find((st) => line.startsWith(st));
    if (!s) continue;
    if (s === 'FAILED') line = line.replace(' - ', ' ');
    const words = line.split(/\s+/).filter(Boolean);
    if (words.length <= 1) continue;
    map[words[1]!] = words[0] as TestStatus;
  }
  return map;
}
