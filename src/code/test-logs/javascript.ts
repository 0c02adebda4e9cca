import { workspaceRelative } from '../../core/index.js';
import { lines, setWorse, stripAnsi, type StatusMap, type TestStatus } from './status.js';

/** Finds the JSON report in a log that may have other output around it. */
function findJson(log: string): unknown {
  const t = log.trim();
  try {
    return JSON.parse(t);
  } catch {
    // fall through: look for the object on its own lines
  }
  // The report is usually the whole output, or one block of it: try the spans from a
  // line opening `{` to the last line closing `}`, a bounded number of them.
  const ls = t.split('\n');
  let end = ls.length;
  while (end > 0 && !ls[end - 1]!.trimEnd().endsWith('}')) end--;
  let tries = 0;
  for (let i = 0; i < end && tries < 64; i++) {
    if (!ls[i]!.trimStart().startsWith('{')) continue;
    tries++;
    try {
      return JSON.parse(ls.slice(i, end).join('\n'));
    } catch {
      // a line starting with `{` that is not the report's first
    }
  }
  return null;
}

const rel = (p: string) => workspaceRelative(p).replace(/^\.\//, '');
const jestStatus = (s: unknown): TestStatus =>
  s === 'passed'
    ? 'PASSED'
    : s === 'pending' || s === 'skipped' || s === 'todo' || s === 'disabled'
      ? 'SKIPPED'
      : 'FAILED';

interface JestReport {
  testResults?: {
    name?: string;
    status?: string;
    assertionResults?: { ancestorTitles?: string[]; title?: string; status?: string }[];
  }[];
}

/** jest --json (and vitest's json reporter): `<file>` for a file, `<file>::<describe> > … > <title>` for a test. */
export function parseJestJson(log: string): StatusMap {
  const map: StatusMap = {};
  const report = findJson(log) as JestReport | null;
  for (const file of report?.testResults ?? []) {
    const name = rel(file.name ?? '');
    setWorse(map, name, jestStatus(file.status));
    for (const a of file.assertionResults ?? [])
      setWorse(
        map,
        `${name}::${[...(a.ancestorTitles ?? []), a.title ?? ''].join(' > ')}`,
        jestStatus(a.status),
      );
  }
  return map;
}

/** jest --verbose: `✓ title (5 ms)`, `✕ title`, `○ skipped title` (SWE-bench's parse_log_jest). */
export function parseJestVerbose(log: string): StatusMap {
  const map: StatusMap = {};
  const re = /^\s*(✓|✕|○|√|×)\s(.+?)(?:\s\((\d+(?:\.\d+)?\s*m?s)\))?\s*$/;
  for (const line of lines(log)) {
    const m = re.exec(line);
    if (!m) continue;
    const title = m[2]!.replace(/^(skipped|todo)\s+/, '');
    setWorse(map, title, m[1] === '✓' || m[1] === '√' ? 'PASSED' : m[1] === '○' ? 'SKIPPED' : 'FAILED');
  }
  return map;
}

interface MochaJson {
  passes?: { fullTitle?: string }[];
  failures?: { fullTitle?: string }[];
  pending?: { fullTitle?: string }[];
}

/** mocha --reporter json: ids are fullTitle. */
export function parseMochaJson(log: string): StatusMap {
  const map: StatusMap = {};
  const r = findJson(log) as MochaJson | null;
  for (const t of r?.passes ?? []) if (t.fullTitle) setWorse(map, t.fullTitle, 'PASSED');
  for (const t of r?.pending ?? []) if (t.fullTitle) setWorse(map, t.fullTitle, 'SKIPPED');
  for (const t of r?.failures ?? []) if (t.fullTitle) setWorse(map, t.fullTitle, 'FAILED');
  return map;
}

/**
 * mocha spec reporter: `✓ title` / `✔ title` pass, `N) title` fail, `- title` pending;
 * ids are the test titles (the spec reporter does not print full paths).
 */
export function parseMochaSpec(log: string): StatusMap {
  const map: StatusMap = {};
  let inFailures = false;
  for (const line of lines(log)) {
    if (/^\s*\d+ failing/.test(line)) inFailures = true; // the failure details repeat titles
    if (inFailures) continue;
    let m = /^\s*[✓✔]\s+(.+?)(?:\s+\(\d+ms\))?\s*$/.exec(line);
    if (m) {
      setWorse(map, m[1]!, 'PASSED');
      continue;
    }
    m = /^\s*\d+\)\s+(.+?)\s*$/.exec(line);
    if (m) {
      setWorse(map, m[1]!, 'FAILED');
      continue;
    }
    m = /^\s+-\s+(.+?)\s*$/.exec(line);
    if (m) setWorse(map, m[1]!, 'SKIPPED');
  }
  return map;
}

/** vitest default/verbose reporter: `✓ file > describe > test 3ms`, `× …`, `↓ …` skipped. */
export function parseVitest(log: string): StatusMap {
  const map: StatusMap = {};
  const re = /^\s*(✓|√|×|✗|↓|⊘)\s+(.+?)(?:\s+\d+(?:\.\d+)?\s*m?s)?\s*$/;
  for (const line of lines(log)) {
    const m = re.exec(stripAnsi(line));
    if (!m) continue;
    setWorse(
      map,
      m[2]!,
      m[1] === '✓' || m[1] === '√' ? 'PASSED' : m[1] === '↓' || m[1] === '⊘' ? 'SKIPPED' : 'FAILED',
    );
  }
  return map;
}

/** jasmine with a spec reporter: `✓ title` / `✔ title` pass, `✗ title` / `✕ title` fail, `- title` pending. */
export function parseJasmine(log: string): StatusMap {
  const map: StatusMap = {};
  for (const line of lines(log)) {
    const m = /^\s*(✓|✔|✗|✕|×|\*)\s+(.+?)\s*(?:\(\d+(?:\.\d+)?\s*m?s(?:ecs?)?\))?$/.exec(line);
    if (m)
      setWorse(map, m[2]!, m[1] === '✓' || m[1] === '✔' ? 'PASSED' : m[1] === '*' ? 'SKIPPED' : 'FAILED');
  }
  return map;
}

/**
 * node's test runner, spec reporter: `✔ name (0.5ms)` pass, `✖ name` fail, `﹣ name # SKIP` skipped.
 * The "✖ failing tests:" section at the end repeats the failures; it adds nothing new.
 */
export function parseNodeSpec(log: string): StatusMap {
  const map: StatusMap = {};
  for (const line of lines(log)) {
    const m = /^\s*([✔✖﹣])\s+(.+?)(?:\s+\([\d.]+m?s\))?(?:\s+#\s*(SKIP|TODO)\b.*)?$/.exec(stripAnsi(line));
    if (!m || (m[1] === '✖' && /^failing tests:$/.test(m[2]!))) continue;
    const s: TestStatus =
      m[1] === '﹣' || m[3] === 'SKIP'
        ? 'SKIPPED'
        : m[3] === 'TODO'
          ? m[1] === '✔'
            ? 'PASSED'
            : 'XFAIL'
          : m[1] === '✔'
            ? 'PASSED'
            : 'FAILED';
    setWorse(map, m[2]!.trim(), s);
  }
  return map;
}
