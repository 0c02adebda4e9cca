import { describe, expect, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * A setting whose value is the program's own options (spec key `option_settings`): pytest's `-o
 * addopts=…`, which agents give to clear a project's extra options (`-o addopts=""`, eight times in
 * stream 25), is decided as the same command line with those words. Before, every `addopts` asked.
 */
const { expectAll, check } = probeEngine();

describe('pytest -o addopts', () => {
  it('allows clearing it or setting options pytest’s spec allows', () => {
    expectAll(
      [
        'pytest -o addopts="" tests/test_x.py',
        "python -m pytest -o addopts='' -x tests",
        'python -m pytest -o addopts= tests/test_a.py::test_b',
        'pytest -o "addopts=-p no:cacheprovider -q" tests',
        'python3 -m pytest --override-ini=addopts= -rA tests',
        'pytest --override-ini "addopts=--tb=short -vv" tests',
        'py.test -o addopts=--strict-markers',
        'pytest -o addopts="--cov=src --cov-report=term-missing"',
      ],
      'allow',
    );
  });

  it('refuses in it what the command line itself refuses', () => {
    expectAll(
      [
        'pytest -o addopts=--basetemp=/root/x tests',
        'pytest -o "addopts=-p /root/plugin" tests',
        'pytest -o "addopts=--confcutdir=/" tests',
        'python -m pytest -o "addopts=--junitxml=/etc/x.xml"',
        'pytest -o "addopts=-c /root/pytest.ini"',
        'pytest -o "addopts=--rootdir=/"',
        'pytest -o "addopts=/root/tests"',
        'pytest -o "addopts=--pastebin=all"',
        'pytest -o "addopts=--tx ssh=host"',
        'pytest -o "addopts=--cov-report=html:/root/h"',
        'pytest --override-ini="addopts=--basetemp ../../x"',
        // nested: the inner setting is decided the same way
        'pytest -o "addopts=-o addopts=--basetemp=/root"',
        // quotes or expansions inside the value are not followed
        `pytest -o "addopts='--basetemp=/root'"`,
        'pytest -o "addopts=$EXTRA"',
        // other settings are unchanged: a cache directory outside asks
        'pytest -o cache_dir=/root/x',
      ],
      'refused',
    );
  });

  it('names the option refused inside the setting, and the allowed settings of pytest', () => {
    expect(check('pytest -o addopts=--basetemp=/root/x').reason).toMatch(
      /sets `addopts`: .*--basetemp.*\/root\/x/,
    );
    const other = check('pytest -o cache_dir=/root/x').reason;
    expect(other).toMatch(/log_cli/);
    expect(other).not.toMatch(/build\.jobs/);
  });
});
