import { describe, expect, it } from 'vitest';
import { parseSwebenchLog } from '../../src/code/index.js';
import {
  normalizeInstance,
  parsePredictions,
  swebenchImage,
  swebenchLiveImage,
  testDirectives,
  withNamespace,
} from '../../src/harness/index.js';

const base = {
  base_commit: '0123456789abcdef0123456789abcdef01234567',
  FAIL_TO_PASS: '["a"]',
  PASS_TO_PASS: '[]',
  patch: '',
  problem_statement: 'x',
};

describe('rows as published', () => {
  it('detects each shape; SWE-bench-Live rows keep their commands and take their image', () => {
    const live = normalizeInstance({
      ...base,
      instance_id: 'Owner__Repo-12',
      repo: 'Owner/Repo',
      test_cmds: ['pytest -rA'],
      rebuild_cmds: ['pip install -e .'],
      print_cmds: [],
      log_parser: 'pytest',
    });
    expect(live.shape).toBe('swe-bench-live');
    expect(live.image).toBe('starryzhang/sweb.eval.x86_64.owner_1776_repo-12');
    expect(live.rebuild_cmds).toEqual(['pip install -e .']);
    const own = normalizeInstance({
      ...base,
      instance_id: 'o__r-1',
      repo: 'o/r',
      test_cmds: ['t'],
      docker_image: 'me/img:1',
    });
    expect(own.image).toBe('me/img:1');
    const drydock = normalizeInstance({
      ...base,
      instance_id: 'o__r-2',
      repo: 'o/r',
      test_cmds: ['t'],
      env_image: 'python',
    });
    expect([drydock.shape, drydock.image]).toEqual(['drydock', null]);
  });

  it('gives a SWE-bench row the ported spec: conda, eval commands, install, markers, test command with directives', () => {
    const row = normalizeInstance({
      ...base,
      instance_id: 'django__django-11099',
      repo: 'django/django',
      version: '3.0',
      test_patch:
        'diff --git a/tests/auth_tests/test_validators.py b/tests/auth_tests/test_validators.py\n--- a/x\n+++ b/x\n' +
        'diff --git a/docs/x.txt b/docs/x.txt\n',
    });
    expect(row.shape).toBe('swe-bench');
    expect(row.image).toBe('swebench/sweb.eval.x86_64.django_1776_django-11099:latest');
    expect(row.log_parser).toBe('swebench:django/django');
    expect(row.test_cmds).toContain('conda activate testbed');
    expect(row.test_cmds).toContain('export LANG=en_US.UTF-8');
    expect(row.test_cmds).toContain('python -m pip install -e .');
    expect(row.test_cmds).toContain(
      './tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1 auth_tests.test_validators',
    );
    const s = row.test_cmds.join('\n');
    expect(s.indexOf('>>>>> Start Test Output')).toBeLessThan(s.indexOf('runtests.py'));
  });

  it('refuses a SWE-bench row of an unknown repository or version, naming the field', () => {
    expect(() =>
      normalizeInstance({ ...base, instance_id: 'x__y-1', repo: 'x/y', version: '1.0', test_patch: '' }),
    ).toThrow(/no SWE-bench evaluation spec/);
    expect(() =>
      normalizeInstance({
        ...base,
        instance_id: 'django__django-1',
        repo: 'django/django',
        version: '0.1',
        test_patch: '',
      }),
    ).toThrow(/no SWE-bench spec for version 0.1/);
  });

  it("names images by both projects' conventions and moves them under --namespace", () => {
    expect(swebenchLiveImage('a__B-1')).toBe('starryzhang/sweb.eval.x86_64.a_1776_b-1');
    expect(swebenchImage('sympy__sympy-20590')).toBe(
      'swebench/sweb.eval.x86_64.sympy_1776_sympy-20590:latest',
    );
    expect(withNamespace('starryzhang/sweb.eval.x86_64.a_1776_b-1', '127.0.0.1:5000/starryzhang')).toBe(
      '127.0.0.1:5000/starryzhang/sweb.eval.x86_64.a_1776_b-1',
    );
    expect(withNamespace('swebench/x:latest', undefined)).toBe('swebench/x:latest');
  });

  it("takes test directives as SWE-bench does (Django's as module labels, no data files)", () => {
    const p = 'diff --git a/tests/a/test_b.py b/tests/a/test_b.py\ndiff --git a/t/data.csv b/t/data.csv\n';
    expect(testDirectives('django/django', p)).toEqual(['a.test_b']);
    expect(testDirectives('psf/requests', p)).toEqual(['tests/a/test_b.py']);
  });

  it("reads SWE-bench-Live's predictions dict keyed by id", () => {
    const m = parsePredictions(
      JSON.stringify({ 'a__b-1': { model_patch: 'diff' }, 'a__b-2': { model_patch: null } }),
    );
    expect(m.get('a__b-1')).toMatchObject({ instance_id: 'a__b-1', model_patch: 'diff' });
    expect(m.get('a__b-2')!.model_patch).toBeNull();
  });
});

describe("SWE-bench's log parsers", () => {
  const wrap = (s: string) =>
    `+ setup noise\nPASSED not/between.py::markers\n>>>>> Start Test Output\n${s}\n>>>>> End Test Output\n`;
  it('django: verbose unittest lines, FAIL:/ERROR: headers, a result on the next line', () => {
    const log = wrap(
      [
        'test_a (auth_tests.test_v.T) ... ok',
        'test_b (auth_tests.test_v.T) ... FAIL',
        'test_c (auth_tests.test_v.T) ... skipped "no"',
        'test_d (auth_tests.test_v.T) ... ERROR',
        'test_e (auth_tests.test_v.T) ... some output',
        'ok',
      ].join('\n'),
    );
    expect(parseSwebenchLog('django/django', log)).toEqual({
      'test_a (auth_tests.test_v.T)': 'PASSED',
      'test_b (auth_tests.test_v.T)': 'FAILED',
      'test_c (auth_tests.test_v.T)': 'SKIPPED',
      'test_d (auth_tests.test_v.T)': 'ERROR',
      'test_e (auth_tests.test_v.T)': 'PASSED',
    });
  });
  it('sympy: bin/test lines and failure headers', () => {
    const log = wrap('test_one ok\ntest_two F\ntest_three E\n____ sympy/core/tests/test_x.py:test_two ____');
    expect(parseSwebenchLog('sympy/sympy', log)).toEqual({
      test_one: 'PASSED',
      test_two: 'FAILED',
      test_three: 'ERROR',
      'sympy/core/tests/test_x.py:test_two': 'FAILED',
    });
  });
  it("pytest kinds: options keep a path parameter's last part; v2 keeps spaces and drops colour; seaborn", () => {
    expect(parseSwebenchLog('psf/requests', wrap('PASSED t.py::test_x[/usr/lib/a.txt]'))).toEqual({
      't.py::test_x[/a.txt]': 'PASSED',
    });
    expect(
      parseSwebenchLog(
        'sphinx-doc/sphinx',
        wrap('\x1b[32mPASSED\x1b[0m t.py::test_a[x y]\nFAILED t.py::test_b - assert 1'),
      ),
    ).toEqual({ 't.py::test_a[x y]': 'PASSED', 't.py::test_b': 'FAILED' });
    expect(
      parseSwebenchLog('mwaskom/seaborn', wrap('t.py::test_a PASSED [ 50%]\nFAILED t.py::test_b')),
    ).toEqual({
      't.py::test_a': 'PASSED',
      't.py::test_b': 'FAILED',
    });
  });
  it('falls back to the whole log when the markers hold no test, and gives nothing without markers', () => {
    expect(
      parseSwebenchLog('pallets/flask', '>>>>> Start Test Output\n>>>>> End Test Output\nPASSED t.py::a'),
    ).toEqual({
      't.py::a': 'PASSED',
    });
    expect(parseSwebenchLog('pallets/flask', 'PASSED t.py::a')).toEqual({});
  });
  it("reads logs of the harness before markers (<= 2.1.0): the whole log once a patch applied, after the prediction's apply line", () => {
    const old = [
      '+ git apply -v -',
      'Applied patch tests/test_x.py cleanly.',
      '+ pytest -rA tests/test_x.py',
      'PASSED tests/test_x.py::test_a',
      'FAILED tests/test_x.py::test_b - assert 0',
    ].join('\n');
    expect(parseSwebenchLog('pallets/flask', old)).toEqual({
      'tests/test_x.py::test_a': 'PASSED',
      'tests/test_x.py::test_b': 'FAILED',
    });
    expect(
      parseSwebenchLog('pallets/flask', `PASSED t.py::early\n>>>>> Applied Patch (pred)\n${old}`),
    ).not.toHaveProperty('t.py::early');
    // No patch was applied: the test patch never went in, so nothing is graded.
    expect(parseSwebenchLog('pallets/flask', 'PASSED tests/test_x.py::test_a')).toEqual({});
  });
  it("gives nothing for a log carrying one of the harness's failure lines, with or without markers", () => {
    for (const bad of [
      '>>>>> Tests Timed Out',
      '>>>>> Patch Apply Failed',
      '>>>>> Reset Failed',
      '>>>>> Tests Errored',
    ]) {
      expect(parseSwebenchLog('pallets/flask', wrap(`PASSED t.py::a\n${bad}`))).toEqual({});
      expect(
        parseSwebenchLog('pallets/flask', `Applied patch t.py cleanly.\nPASSED t.py::a\n${bad}`),
      ).toEqual({});
    }
  });
});
