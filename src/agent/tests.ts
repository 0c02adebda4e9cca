import { LOG_PARSERS, outcomes, parseNodeTest, parsePytest, type LogParser } from '../code/index.js';
import type { Sandbox } from '../sandbox/index.js';
import { shellWords, type Environment, type TestFormat } from './environment.js';
import type { TestRun } from './types.js';

/** Test runs get room to work, but a hung test cannot stall the run. */
export const TEST_LIMITS = { timeoutMs: 300_000, memoryBytes: 2 * 1024 ** 3, maxOutputBytes: 512 * 1024 };
const ENV = { PYTHONDONTWRITEBYTECODE: '1', CI: '1', NO_COLOR: '1' };

/** The parser for each test format the agent knows; `exit-code` runs give no test names. */
const PARSER: Record<TestFormat, LogParser | null> = {
  pytest: parsePytest,
  node: parseNodeTest,
  reading: null,
  'exit-code': null,
};

/**
 * Test names and outcomes from a runner's output: pytest -rA summary lines; node's test runner
 * in TAP (`ok 1 - name`, `not ok 2 - name`) or spec (`✔ name`, `✖ name`) form. Skipped tests are
 * in neither list.
 */
export function parseTestOutput(output: string, format: TestFormat): { passed: string[]; failed: string[] } {
  const parse = PARSER[format];
  return parse ? outcomes(parse(output)) : { passed: [], failed: [] };
}

/** How a test run is read; an Environment is one. */
export type TestSpec = Pick<Environment, 'format' | 'vars' | 'reading' | 'testTimeoutMs'>;

/**
 * Runs a test command with the project's variables, and reads its results: with a harness's
 * reading, its print command's output through its parser; else by the runner's format.
 */
export async function runTests(sandbox: Sandbox, command: string, spec: TestSpec): Promise<TestRun> {
  const env = { ...ENV, ...spec.vars };
  const limits = { ...TEST_LIMITS, timeoutMs: spec.testTimeoutMs ?? TEST_LIMITS.timeoutMs };
  const r = await sandbox.exec(`${command} 2>&1`, { ...limits, env });
  const output = r.stdout + (r.killedBy ? `\n[killed by ${r.killedBy}]` : '');
  let log = output;
  // A run the limits killed wrote no report of its own: a print command would read the one an
  // earlier run left (jest's --outputFile in a fork holds the run before any change), and a
  // candidate whose tests hang would look exactly as good as no change at all.
  if (spec.format === 'reading' && spec.reading?.print && !r.killedBy) {
    const printed = await sandbox.exec(`${spec.reading.print} 2>&1`, { ...limits, env });
    log = printed.stdout;
  }
  const parser = spec.format === 'reading' && spec.reading ? LOG_PARSERS[spec.reading.parser] : undefined;
  const { passed, failed } = parser ? outcomes(parser(log)) : parseTestOutput(output, spec.format);
  return { command, exitCode: r.exitCode, passed, failed, output };
}

/**
 * The regression tests for a change: of the tests that passed before any change, those related
 * to the touched files — a pytest node whose test file names the touched module's stem or
 * imports it. When none relate (or names carry no file, as node's runner's do), all of them.
 */
export function relatedTests(
  passing: string[],
  touched: string[],
  testSources: Map<string, string>,
): string[] {
  const stems = touched.map((p) => stemOf(p)).filter((s) => s.length > 1);
  const modules = touched.map((p) =>
    p
      .replace(/\.[^.]+$/, '')
      .replace(/\/__init__$/, '')
      .split('/'),
  );
  const related = passing.filter((id) => {
    const file = id.split('::')[0]!;
    if (!id.includes('::')) return false;
    if (stems.some((s) => file.includes(s))) return true;
    const source = testSources.get(file) ?? '';
    return modules.some((parts) =>
      parts.some(
        (part, i) =>
          i < parts.length &&
          part.length > 1 &&
          new RegExp(`\\b(import|from)\\s+[\\w.]*\\b${escape(part)}\\b`).test(source),
      ),
    );
  });
  return related.length > 0 ? related : passing;
}

/**
 * The command narrowed to the given pytest nodes' files; other runners run whole. A file the
 * command already names is not named again (pytest would run its tests twice).
 */
export function narrowedCommand(command: string, format: TestFormat, tests: string[]): string {
  if (format !== 'pytest' || tests.length === 0 || !tests.every((t) => t.includes('::'))) return command;
  const named = new Set(shellWords(command).map((w) => w.replace(/^\.\//, '')));
  const files = [...new Set(tests.map((t) => t.split('::')[0]!))].filter((f) => !named.has(f));
  if (files.length === 0) return command;
  return `${command} ${files.map((f) => `'${f.replace(/'/g, `'\\''`)}'`).join(' ')}`;
}

function stemOf(path: string): string {
  const base = path.split('/').pop() ?? path;
  return base.replace(/\.[^.]+$/, '').replace(/^__init__$/, path.split('/').slice(-2, -1)[0] ?? '');
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
