import { lines, setWorse, type StatusMap } from './status.js';

/**
 * TAP (13 and 14, and node's test runner's TAP reporter, whose subtests are indented):
 * `ok N - desc`, `not ok N - desc`; the number and the dash are optional, as the spec
 * allows. `# SKIP` is skipped; `# TODO` is expected to fail (`not ok` → XFAIL, `ok` → PASSED).
 * A description-less test is `test N`.
 */
export function parseTap(log: string): StatusMap {
  const map: StatusMap = {};
  for (const line of lines(log)) {
    const m = /^\s*(ok|not ok)(?:\s+(\d+))?(?:\s+-)?(?:\s+(.*?))?\s*$/.exec(line);
    if (!m) continue;
    const rest = m[3] ?? '';
    // A directive is `# SKIP …` or `# TODO …`; any other `#` belongs to the description.
    const d = /(?:^|\s)(?<!\\)#\s*(skip|todo)\S*(?:\s.*)?$/i.exec(rest);
    const desc = d ? rest.slice(0, d.index) : rest;
    const directive = d?.[1]?.toLowerCase();
    const id = desc.trim() || `test ${m[2] ?? ''}`.trim();
    if (directive === 'skip') setWorse(map, id, 'SKIPPED');
    else if (directive === 'todo') setWorse(map, id, m[1] === 'ok' ? 'PASSED' : 'XFAIL');
    else setWorse(map, id, m[1] === 'ok' ? 'PASSED' : 'FAILED');
  }
  return map;
}
