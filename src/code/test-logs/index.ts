// Test-log parsers: a runner's output → test ids and statuses. Pure functions, used by the
// agent (its test runs) and the harness (grading), and checked against the official harness.
import { parseGoTest } from './go.js';
import {
  parseJasmine,
  parseJestJson,
  parseJestVerbose,
  parseMochaJson,
  parseMochaSpec,
  parseNodeSpec,
  parseVitest,
} from './javascript.js';
import { parseJunitXml } from './junit.js';
import { parsePytest } from './pytest.js';
import { setWorse, type LogParser, type StatusMap } from './status.js';
import { parseTap } from './tap.js';

export {
  failing,
  outcomes,
  passing,
  TEST_STATUSES,
  type LogParser,
  type StatusMap,
  type TestStatus,
} from './status.js';
export { END_TEST_OUTPUT, parseSwebenchLog, START_TEST_OUTPUT, SWEBENCH_PARSERS } from './swebench.js';
export {
  parseGoTest,
  parseJasmine,
  parseJestJson,
  parseJestVerbose,
  parseJunitXml,
  parseMochaJson,
  parseMochaSpec,
  parseNodeSpec,
  parsePytest,
  parseTap,
  parseVitest,
};

/** node's test runner, whichever reporter it printed with (TAP or spec). */
export function parseNodeTest(log: string): StatusMap {
  const map: StatusMap = {};
  for (const part of [parseTap(log), parseNodeSpec(log)])
    for (const [id, s] of Object.entries(part)) setWorse(map, id, s);
  return map;
}

/** Parsers by the name a dataset's `log_parser` (or an agent's test format) uses. */
export const LOG_PARSERS: Record<string, LogParser> = {
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
  'node-test': parseNodeTest,
  'node-spec': parseNodeSpec,
  'go-test': parseGoTest,
  gotest: parseGoTest,
  junit: parseJunitXml,
  'junit-xml': parseJunitXml,
};
