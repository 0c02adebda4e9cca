import { describe, expect, it } from 'vitest';
import {
  outcomes,
  parseGoTest,
  parseJasmine,
  parseJestJson,
  parseJestVerbose,
  parseJunitXml,
  parseMochaJson,
  parseMochaSpec,
  parseNodeSpec,
  parseNodeTest,
  parsePytest,
  parseTap,
  parseVitest,
} from '../../src/code/index.js';
import { isPythonParser } from '../../src/harness/index.js';

describe('pytest parser', () => {
  it('takes the second word of -rA summary lines, dropping the FAILED message', () => {
    const log = [
      'tests/t.py::test_a PASSED    [ 50%]',
      '=========== short test summary info ===========',
      'PASSED tests/t.py::TestX::test_ok',
      'FAILED tests/t.py::test_bad - AssertionError: 1 != 2',
      'ERROR tests/t.py::test_err',
      'SKIPPED [1] tests/t.py:12: no',
      'XFAIL tests/t.py::test_x - reason',
      'PASSED',
      'PASSED tests/t.py::test_p[a-b]\r',
    ].join('\n');
    expect(parsePytest(log)).toEqual({
      'tests/t.py::TestX::test_ok': 'PASSED',
      'tests/t.py::test_bad': 'FAILED',
      'tests/t.py::test_err': 'ERROR',
      '[1]': 'SKIPPED',
      'tests/t.py::test_x': 'XFAIL',
      'tests/t.py::test_p[a-b]': 'PASSED',
    });
  });
});

describe('jest-json parser', () => {
  it('gives the file its own id and each test <file>::<describe> > <title>, paths relative to /testbed', () => {
    const report = {
      testResults: [
        {
          name: '/testbed/test/a.test.js',
          status: 'failed',
          assertionResults: [
            { ancestorTitles: ['Outer', 'Inner'], title: 'works', status: 'passed' },
            { ancestorTitles: [], title: 'top', status: 'failed' },
            { ancestorTitles: ['S'], title: 'later', status: 'pending' },
          ],
        },
      ],
    };
    const log = `npx jest output\n${JSON.stringify(report, null, 2)}\ntrailing line`;
    expect(parseJestJson(log)).toEqual({
      'test/a.test.js': 'FAILED',
      'test/a.test.js::Outer > Inner > works': 'PASSED',
      'test/a.test.js::top': 'FAILED',
      'test/a.test.js::S > later': 'SKIPPED',
    });
  });
  it('a test reported passed and failed keeps the failure', () => {
    const r = {
      testResults: [
        {
          name: 'a.js',
          status: 'passed',
          assertionResults: [
            { title: 't', status: 'failed' },
            { title: 't', status: 'passed' },
          ],
        },
      ],
    };
    expect(parseJestJson(JSON.stringify(r))['a.js::t']).toBe('FAILED');
  });
});

describe('other parsers', () => {
  it('jest verbose', () => {
    expect(parseJestVerbose('  ✓ adds (3 ms)\n  ✕ subtracts (1 ms)\n  ○ skipped later\n')).toEqual({
      adds: 'PASSED',
      subtracts: 'FAILED',
      later: 'SKIPPED',
    });
  });
  it('mocha json and spec', () => {
    const j = {
      passes: [{ fullTitle: 'A b' }],
      failures: [{ fullTitle: 'A c' }],
      pending: [{ fullTitle: 'A d' }],
    };
    expect(parseMochaJson(JSON.stringify(j))).toEqual({ 'A b': 'PASSED', 'A c': 'FAILED', 'A d': 'SKIPPED' });
    const spec =
      '  A\n    ✔ b (5ms)\n    1) c\n    - d\n\n  1 passing\n  1 failing\n\n  1) A\n       c:\n     Error\n';
    expect(parseMochaSpec(spec)).toEqual({ b: 'PASSED', c: 'FAILED', d: 'SKIPPED' });
  });
  it('vitest, jasmine, TAP, go test, JUnit XML', () => {
    expect(
      parseVitest(
        ' ✓ src/a.test.ts > sum > adds 2ms\n × src/a.test.ts > sum > fails 3ms\n ↓ src/a.test.ts > skip\n',
      ),
    ).toEqual({
      'src/a.test.ts > sum > adds': 'PASSED',
      'src/a.test.ts > sum > fails': 'FAILED',
      'src/a.test.ts > skip': 'SKIPPED',
    });
    expect(parseJasmine('  ✓ does x\n  ✗ does y\n')).toEqual({ 'does x': 'PASSED', 'does y': 'FAILED' });
    expect(
      parseTap('TAP version 13\nok 1 - first\nnot ok 2 - second\nok 3 - third # SKIP no\n1..3\n'),
    ).toEqual({
      first: 'PASSED',
      second: 'FAILED',
      third: 'SKIPPED',
    });
    expect(
      parseGoTest(
        '=== RUN TestA\n--- PASS: TestA (0.00s)\n    --- FAIL: TestA/sub (0.01s)\n--- SKIP: TestB (0.00s)\n',
      ),
    ).toEqual({
      TestA: 'PASSED',
      'TestA/sub': 'FAILED',
      TestB: 'SKIPPED',
    });
    expect(parseGoTest('{"Action":"pass","Test":"TestJ"}\n{"Action":"fail","Test":"TestK"}\n')).toEqual({
      TestJ: 'PASSED',
      TestK: 'FAILED',
    });
    const xml =
      '<testsuite><testcase classname="a.B" name="ok"/><testcase classname="a.B" name="bad"><failure message="x"/></testcase>' +
      '<testcase classname="a.B" name="err"><error/></testcase><testcase classname="a.B" name="sk"><skipped/></testcase></testsuite>';
    expect(parseJunitXml(xml)).toEqual({
      'a.B.ok': 'PASSED',
      'a.B.bad': 'FAILED',
      'a.B.err': 'ERROR',
      'a.B.sk': 'SKIPPED',
    });
  });
  it('tells Python parser source from a parser name', () => {
    expect(isPythonParser('def parser(log):\n  return {}')).toBe(true);
    expect(isPythonParser('pytest')).toBe(false);
  });
});

describe("the agent's test runs", () => {
  it('reads pytest -rA summaries into passed and failed lists', () => {
    const out =
      'PASSED tests/test_ops.py::test_add\nFAILED tests/test_ops.py::test_mean - assert 3.0 == 2\nERROR tests/test_x.py::test_y\n';
    expect(outcomes(parsePytest(out))).toEqual({
      passed: ['tests/test_ops.py::test_add'],
      failed: ['tests/test_ops.py::test_mean', 'tests/test_x.py::test_y'],
    });
  });

  it("reads node's test runner in TAP and spec form, skipping skips", () => {
    const tap = 'TAP version 13\n# Subtest: a\nok 1 - a\nnot ok 2 - b c\n  ---\nok 3 - d # SKIP\n';
    expect(outcomes(parseNodeTest(tap))).toEqual({ passed: ['a'], failed: ['b c'] });
    const spec = '✔ sum adds (0.5ms)\n✖ range stops (1.2ms)\n﹣ later (0.1ms) # SKIP\n';
    expect(outcomes(parseNodeTest(spec))).toEqual({ passed: ['sum adds'], failed: ['range stops'] });
  });

  it("does not take node's spec summary header for a test", () => {
    const spec = '✔ a (1ms)\n✖ b (2ms)\n\n✖ failing tests:\n\n✖ b (2ms)\n  AssertionError\n';
    expect(parseNodeSpec(spec)).toEqual({ a: 'PASSED', b: 'FAILED' });
  });
});

describe('TAP details', () => {
  it('takes lines without a number or a dash, as the TAP spec allows', () => {
    expect(parseTap('ok first\nnot ok 2 second\nok 3\n')).toEqual({
      first: 'PASSED',
      second: 'FAILED',
      'test 3': 'PASSED',
    });
  });
  it('keeps a # that is not a directive in the description; TODO failures are expected', () => {
    expect(
      parseTap('ok 1 - fixes #12 (issue)\nnot ok 2 - later # TODO not yet\nok 3 - x # skip: slow\n'),
    ).toEqual({
      'fixes #12 (issue)': 'PASSED',
      later: 'XFAIL',
      x: 'SKIPPED',
    });
  });
  it('a test reported ok and not ok keeps the failure; words that start with ok are not results', () => {
    expect(parseTap('okay then\nok 1 - t\nnot ok 1 - t\n')).toEqual({ t: 'FAILED' });
  });
});
