import { workspaceRelative } from '../core/index.js';

/** Test statuses as SWE-bench names them. PASSED and XFAIL count as passing. */
export type TestStatus = 'PASSED' | 'FAILED' | 'SKIPPED' | 'ERROR' | 'XFAIL';
export type StatusMap = Record<string, TestStatus>;
export type LogParser = (log: string) => StatusMap;

export const passing = (s: TestStatus | undefined) => s === 'PASSED' || s === 'XFAIL';

const rank: Record<TestStatus, number> = { PASSED: 0, XFAIL: 0, SKIPPED: 1, FAILED: 2, ERROR: 3 };
/** A test reported twice keeps its worse status (a retried flaky test that failed once is not a pass). */
function set(map: StatusMap, id: string, s: TestStatus): void {
  const prev = map[id];
  if (!prev || rank[s] >= rank[prev]) map[id] = s;
}

const STATUSES: TestStatus[] = ['PASSED', 'FAILED', 'SKIPPED', 'ERROR', 'XFAIL'];

/** pytest -rA: the second word of summary lines starting with a status (SWE-bench's parse_log_pytest). */
export function parsePytest(log: string): StatusMap {
  const map: StatusMap = {};
  for (let line of log.split('\n')) {
    line = line.replace(/\r$/, '');
    const s = STATUSES.find((st) => line.startsWith(st));
    if (!s) continue;
    if (s === 'FAILED') line = line.replace(' - ', ' ');
    const words = line.split(/\s+/).filter(Boolean);
    if (words.length <= 1) continue;
    map[words[1]!] = words[0] as TestStatus;
  }
  return map;
}

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
  const lines = t.split('\n');
  let end = lines.length;
  while (end > 0 && !lines[end - 1]!.trimEnd().endsWith('}')) end--;
  let tries = 0;
  for (let i = 0; i < end && tries < 64; i++) {
    if (!lines[i]!.trimStart().startsWith('{')) continue;
    tries++;
    try {
      return JSON.parse(lines.slice(i, end).join('\n'));
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
    set(map, name, jestStatus(file.status));
    for (const a of file.assertionResults ?? [])
      set(map, `${name}::${[...(a.ancestorTitles ?? []), a.title ?? ''].join(' > ')}`, jestStatus(a.status));
  }
  return map;
}

/** jest --verbose: `✓ title (5 ms)`, `✕ title`, `○ skipped title` (SWE-bench's parse_log_jest). */
export function parseJestVerbose(log: string): StatusMap {
  const map: StatusMap = {};
  const re = /^\s*(✓|✕|○|√|×)\s(.+?)(?:\s\((\d+(?:\.\d+)?\s*m?s)\))?\s*$/;
  for (const line of log.split('\n')) {
    const m = re.exec(line.replace(/\r$/, ''));
    if (!m) continue;
    const title = m[2]!.replace(/^(skipped|todo)\s+/, '');
    set(map, title, m[1] === '✓' || m[1] === '√' ? 'PASSED' : m[1] === '○' ? 'SKIPPED' : 'FAILED');
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
  for (const t of r?.passes ?? []) if (t.fullTitle) set(map, t.fullTitle, 'PASSED');
  for (const t of r?.pending ?? []) if (t.fullTitle) set(map, t.fullTitle, 'SKIPPED');
  for (const t of r?.failures ?? []) if (t.fullTitle) set(map, t.fullTitle, 'FAILED');
  return map;
}

/**
 * mocha spec reporter: `✓ title` / `✔ title` pass, `N) title` fail, `- title` pending;
 * ids are the test titles (the spec reporter does not print full paths).
 */
export function parseMochaSpec(log: string): StatusMap {
  const map: StatusMap = {};
  let inFailures = false;
  for (const raw of log.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (/^\s*\d+ failing/.test(line)) inFailures = true; // the failure details repeat titles
    if (inFailures) continue;
    let m = /^\s*[✓✔]\s+(.+?)(?:\s+\(\d+ms\))?\s*$/.exec(line);
    if (m) {
      set(map, m[1]!, 'PASSED');
      continue;
    }
    m = /^\s*\d+\)\s+(.+?)\s*$/.exec(line);
    if (m) {
      set(map, m[1]!, 'FAILED');
      continue;
    }
    m = /^\s+-\s+(.+?)\s*$/.exec(line);
    if (m) set(map, m[1]!, 'SKIPPED');
  }
  return map;
}

/** vitest default/verbose reporter: `✓ file > describe > test 3ms`, `× …`, `↓ …` skipped. */
export function parseVitest(log: string): StatusMap {
  const map: StatusMap = {};
  const re = /^\s*(✓|√|×|✗|↓|⊘)\s+(.+?)(?:\s+\d+(?:\.\d+)?\s*m?s)?\s*$/;
  for (const line of log.split('\n')) {
    // eslint-disable-next-line no-control-regex
    const m = re.exec(line.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r$/, ''));
    if (!m) continue;
    set(
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
  for (const raw of log.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const m = /^\s*(✓|✔|✗|✕|×|\*)\s+(.+?)\s*(?:\(\d+(?:\.\d+)?\s*m?s(?:ecs?)?\))?$/.exec(line);
    if (m) set(map, m[2]!, m[1] === '✓' || m[1] === '✔' ? 'PASSED' : m[1] === '*' ? 'SKIPPED' : 'FAILED');
  }
  return map;
}

/** TAP: `ok N - desc`, `not ok N - desc`, `# SKIP` / `# TODO` directives. */
export function parseTap(log: string): StatusMap {
  const map: StatusMap = {};
  for (const raw of log.split('\n')) {
    const m = /^\s*(ok|not ok)\b\s*(\d+)?\s*(?:-\s*)?(.*?)\s*$/.exec(raw.replace(/\r$/, ''));
    if (!m) continue;
    const [desc, directive] = m[3]!.split(/\s+#\s+/, 2) as [string, string | undefined];
    const id = desc || `test ${m[2] ?? ''}`.trim();
    if (directive && /^skip/i.test(directive)) set(map, id, 'SKIPPED');
    else if (directive && /^todo/i.test(directive)) set(map, id, m[1] === 'ok' ? 'PASSED' : 'XFAIL');
    else set(map, id, m[1] === 'ok' ? 'PASSED' : 'FAILED');
  }
  return map;
}

/** go test -v (`--- PASS: TestX (0.00s)`, subtests indented) or go test -json. */
export function parseGoTest(log: string): StatusMap {
  const map: StatusMap = {};
  for (const raw of log.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('{')) {
      try {
        const e = JSON.parse(line) as { Action?: string; Test?: string };
        if (e.Test && e.Action === 'pass') set(map, e.Test, 'PASSED');
        else if (e.Test && e.Action === 'fail') set(map, e.Test, 'FAILED');
        else if (e.Test && e.Action === 'skip') set(map, e.Test, 'SKIPPED');
        continue;
      } catch {
        // not a -json event
      }
    }
    const m = /^\s*--- (PASS|FAIL|SKIP): (\S+)/.exec(line);
    if (m) set(map, m[2]!, m[1] === 'PASS' ? 'PASSED' : m[1] === 'FAIL' ? 'FAILED' : 'SKIPPED');
  }
  return map;
}

const xmlUnescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** JUnit XML (surefire, gradle, pytest --junitxml, jest-junit): ids are `classname.name` (or `name` alone). */
export function parseJunitXml(log: string): StatusMap {
  const map: StatusMap = {};
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of log.matchAll(re)) {
    const attrs: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)) attrs[a[1]!] = xmlUnescape(a[2]!);
    if (!attrs.name) continue;
    const id = attrs.classname ? `${attrs.classname}.${attrs.name}` : attrs.name;
    const body = m[3] ?? '';
    const s: TestStatus = /<error\b/.test(body)
      ? 'ERROR'
      : /<failure\b/.test(body)
        ? 'FAILED'
        : /<skipped\b/.test(body)
          ? 'SKIPPED'
          : 'PASSED';
    set(map, id, s);
  }
  return map;
}

/** Parser names a dataset's `log_parser` may use. */
export const PARSERS: Record<string, LogParser> = {
  pytest: parsePytest,
  'jest-json': parseJestJson,
  jest: parseJestVerbose,
  'jest-verbose': parseJestVerbose,
  'mocha-json': parseMochaJson,
  mocha: parseMochaSpec,
  'mocha-spec': parseMochaSpec,
  vitest: parseVitest,
  'vitest-json': parseJestJson,
  jasmine: parseJasmine,
  tap: parseTap,
  'go-test': parseGoTest,
  gotest: parseGoTest,
  junit: parseJunitXml,
  'junit-xml': parseJunitXml,
};

/** True when `log_parser` is Python source rather than a parser name. */
export const isPythonParser = (s: string) => /\bdef\s+parser\s*\(/.test(s);
