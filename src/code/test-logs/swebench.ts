// SWE-bench's per-repository log parsers for its Python repositories, ported from
// swebench/harness/log_parsers/python.py (SWE-bench/SWE-bench, MIT licence, commit 25c5235,
// the last before the v5 restructure) line by line: same splits, same overwrite order
// (a test reported twice keeps the last status), so a parse gives the official status map.
import { TEST_STATUSES, type LogParser, type StatusMap, type TestStatus } from './status.js';

const startsWithStatus = (line: string): TestStatus | undefined =>
  TEST_STATUSES.find((s) => line.startsWith(s));
/** Python's str.split() with no argument. */
const pySplit = (s: string): string[] => s.split(/\s+/).filter(Boolean);
/** pytest's `SKIPPED [N] path:line: reason` summary, where [N] is not a test. */
const isSkipSummary = (status: string, name: string) => status === 'SKIPPED' && /^\[\d+\]$/.test(name);

/** parse_log_pytest. */
export function parseLogPytest(log: string): StatusMap {
  const map: StatusMap = {};
  for (let line of log.split('\n')) {
    if (!startsWithStatus(line)) continue;
    if (line.startsWith('FAILED')) line = line.replace(' - ', ' ');
    const t = pySplit(line);
    if (t.length <= 1 || isSkipSummary(t[0]!, t[1]!)) continue;
    map[t[1]!] = t[0] as TestStatus;
  }
  return map;
}

/** parse_log_pytest_options: parametrized ids whose option is a path keep only its last part. */
export function parseLogPytestOptions(log: string): StatusMap {
  const map: StatusMap = {};
  for (let line of log.split('\n')) {
    if (!startsWithStatus(line)) continue;
    if (line.startsWith('FAILED')) line = line.replace(' - ', ' ');
    const t = pySplit(line);
    if (t.length <= 1 || isSkipSummary(t[0]!, t[1]!)) continue;
    const m = /(.*?)\[(.*)\]/.exec(t[1]!);
    let name = t[1]!;
    if (m) {
      let option = m[2]!;
      if (option.startsWith('/') && !option.startsWith('//') && !option.includes('*'))
        option = '/' + option.split('/').at(-1)!;
      name = `${m[1]}[${option}]`;
    }
    map[name] = t[0] as TestStatus;
  }
  return map;
}

/** parse_log_django: unittest's verbose `name ... ok` lines and `FAIL:` / `ERROR:` headers. */
export function parseLogDjango(log: string): StatusMap {
  const map: StatusMap = {};
  let prev: string | null = null;
  for (const raw of log.split('\n')) {
    let line = raw.trim();
    if (line.includes('--version is equivalent to version'))
      map['--version is equivalent to version'] = 'PASSED';
    if (line.includes(' ... ')) prev = line.split(' ... ')[0]!;
    for (const suffix of [' ... ok', ' ... OK', ' ...  OK']) {
      if (line.endsWith(suffix)) {
        if (line.trim().startsWith('Applying sites.0002_alter_domain_unique...test_no_migrations'))
          line = line.split('...').slice(1).join('...').trim();
        map[line.slice(0, line.lastIndexOf(suffix))] = 'PASSED';
        break;
      }
    }
    if (line.includes(' ... skipped')) map[line.split(' ... skipped')[0]!] = 'SKIPPED';
    if (line.endsWith(' ... FAIL')) map[line.split(' ... FAIL')[0]!] = 'FAILED';
    if (line.startsWith('FAIL:') && pySplit(line)[1]) map[pySplit(line)[1]!] = 'FAILED';
    if (line.endsWith(' ... ERROR')) map[line.split(' ... ERROR')[0]!] = 'ERROR';
    if (line.startsWith('ERROR:') && pySplit(line)[1]) map[pySplit(line)[1]!] = 'ERROR';
    if (line.trimStart().startsWith('ok') && prev !== null) map[prev] = 'PASSED';
  }
  const patterns = [
    /^(.*?)\s\.\.\.\sTesting against Django installed in ([\s\S]*?) silenced\)\.\nok$/gm,
    /^(.*?)\s\.\.\.\sInternal Server Error: \/(.*)\/\nok$/gm,
    /^(.*?)\s\.\.\.\sSystem check identified no issues \(0 silenced\)\nok$/gm,
  ];
  for (const p of patterns) for (const m of log.matchAll(p)) map[m[1]!] = 'PASSED';
  return map;
}

/** parse_log_pytest_v2: ANSI codes and control characters removed; older pytest's `name STATUS` lines too. */
export function parseLogPytestV2(log: string): StatusMap {
  const map: StatusMap = {};
  for (let line of log.split('\n')) {
    // eslint-disable-next-line no-control-regex
    line = line.replace(/\[(\d+)m/g, '').replace(/[\x01-\x1f]/g, '');
    if (startsWithStatus(line)) {
      if (line.startsWith('FAILED')) line = line.split(' - ')[0]!;
      const t = pySplit(line);
      if (t.length >= 2 && !isSkipSummary(t[0]!, t[1]!)) map[t.slice(1).join(' ')] = t[0] as TestStatus;
    } else if (TEST_STATUSES.some((s) => line.endsWith(s))) {
      const t = pySplit(line);
      if (t.length >= 2) map[t.slice(0, -1).join(' ')] = t.at(-1) as TestStatus;
    }
  }
  return map;
}

/** parse_log_seaborn. */
export function parseLogSeaborn(log: string): StatusMap {
  const map: StatusMap = {};
  for (const line of log.split('\n')) {
    const parts = pySplit(line);
    if (parts.length < 2) continue;
    if (line.startsWith('FAILED')) map[parts[1]!] = 'FAILED';
    else if (line.includes(' PASSED ')) {
      if (parts[1] === 'PASSED') map[parts[0]!] = 'PASSED';
    } else if (line.startsWith('PASSED')) map[parts[1]!] = 'PASSED';
  }
  return map;
}

/** parse_log_sympy: sympy's bin/test (`test_x ok`, `test_y F`, `test_z E`, and `___ file.py:test ___` failure headers). */
export function parseLogSympy(log: string): StatusMap {
  const map: StatusMap = {};
  for (const m of log.matchAll(/(_*) (.*)\.py:(.*) (_*)/g)) map[`${m[2]}.py:${m[3]}`] = 'FAILED';
  for (const raw of log.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('test_')) continue;
    if (line.endsWith(' E')) map[pySplit(line)[0]!] = 'ERROR';
    if (line.endsWith(' F')) map[pySplit(line)[0]!] = 'FAILED';
    if (line.endsWith(' ok')) map[pySplit(line)[0]!] = 'PASSED';
  }
  return map;
}

/** parse_log_matplotlib: pytest, with `MouseButton.LEFT/RIGHT` in ids written as 1/3. */
export function parseLogMatplotlib(log: string): StatusMap {
  return parseLogPytest(log.replace(/MouseButton\.LEFT/g, '1').replace(/MouseButton\.RIGHT/g, '3'));
}

/** MAP_REPO_TO_PARSER_PY. */
export const SWEBENCH_PARSERS: Record<string, LogParser> = {
  'astropy/astropy': parseLogPytestV2,
  'django/django': parseLogDjango,
  'marshmallow-code/marshmallow': parseLogPytest,
  'matplotlib/matplotlib': parseLogMatplotlib,
  'mwaskom/seaborn': parseLogSeaborn,
  'pallets/flask': parseLogPytest,
  'psf/requests': parseLogPytestOptions,
  'pvlib/pvlib-python': parseLogPytest,
  'pydata/xarray': parseLogPytest,
  'pydicom/pydicom': parseLogPytestOptions,
  'pylint-dev/astroid': parseLogPytest,
  'pylint-dev/pylint': parseLogPytestOptions,
  'pytest-dev/pytest': parseLogPytest,
  'pyvista/pyvista': parseLogPytest,
  'scikit-learn/scikit-learn': parseLogPytestV2,
  'sqlfluff/sqlfluff': parseLogPytest,
  'sphinx-doc/sphinx': parseLogPytestV2,
  'sympy/sympy': parseLogSympy,
};

export const START_TEST_OUTPUT = '>>>>> Start Test Output';
export const END_TEST_OUTPUT = '>>>>> End Test Output';
/** What SWE-bench's run_instance writes into test_output.txt when the run went wrong (constants). */
export const SWEBENCH_BAD_CODES = [
  '>>>>> Patch Apply Failed',
  '>>>>> Reset Failed',
  '>>>>> Tests Errored',
  '>>>>> Tests Timed Out',
];
const APPLY_PATCH_PASS = '>>>>> Applied Patch';

/**
 * As SWE-bench's grading.get_logs_eval. A log with one of the harness's failure lines gives no
 * statuses. With the start and end markers (SWE-bench 2.1.1 and later): the repository's parser
 * on the text between them, and on the whole log when that finds no test. Without markers (the
 * harness up to 2.1.0, which wrote many published runs' logs): the whole log after the last
 * `>>>>> Applied Patch (pred)`, provided some patch was applied (`git apply -v`'s "Applied
 * patch …"); else no statuses.
 */
export function parseSwebenchLog(repo: string, log: string): StatusMap {
  const parse = SWEBENCH_PARSERS[repo];
  if (!parse) return {};
  if (SWEBENCH_BAD_CODES.some((c) => log.includes(c))) return {};
  if (!log.includes(START_TEST_OUTPUT) || !log.includes(END_TEST_OUTPUT)) {
    if (!log.toLowerCase().includes('applied patch')) return {};
    return parse(log.split(`${APPLY_PATCH_PASS} (pred)`).at(-1)!);
  }
  const section = log.split(START_TEST_OUTPUT)[1]!.split(END_TEST_OUTPUT)[0]!;
  const map = parse(section);
  return Object.keys(map).length ? map : parse(log);
}
