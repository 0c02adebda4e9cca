import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { environmentKey, startProbe, testsCannotStart } from '../../src/agent/index.js';

describe('testsCannotStart', () => {
  it('names a module a test cannot import, and the missing test runner', () => {
    const collect = [
      '==================================== ERRORS ====================================',
      '_____________________ ERROR collecting tests/test_kit.py ______________________',
      "ModuleNotFoundError: No module named 'calc_testkit'",
    ].join('\n');
    expect(testsCannotStart(collect, 2)).toBe("a module cannot be imported: No module named 'calc_testkit'");
    expect(testsCannotStart('/usr/bin/python: No module named pytest\n', 1)).toBe(
      'the test runner is missing: No module named pytest',
    );
    expect(testsCannotStart("Error: Cannot find module 'left-pad'\nRequire stack:", 1)).toBe(
      "a module cannot be found: 'left-pad'",
    );
    expect(
      testsCannotStart(
        `# Error: Cannot find module '/testbed/node_modules/@fx/core/dist/index.js'. Please verify that the package.json has a valid "main" entry`,
        1,
      ),
    ).toBe("a package's entry file is missing (is it built?): /testbed/node_modules/@fx/core/dist/index.js");
    expect(testsCannotStart('sh: 1: jest: not found\n', 127)).toBe(
      'a program of the test command is missing: jest',
    );
  });

  it("does not blame the environment for the repository's own modules or for failing tests", () => {
    expect(
      testsCannotStart("ModuleNotFoundError: No module named 'calc.missing'", 2, ['calc', 'tests']),
    ).toBeNull();
    expect(testsCannotStart("Error: Cannot find module './util'", 1)).toBeNull();
    expect(
      testsCannotStart('FAILED tests/test_ops.py::test_add - assert 5 == 6\n1 failed, 2 passed', 1),
    ).toBeNull();
  });
});

describe('startProbe', () => {
  it('collects only for pytest and runs other test commands as they are', () => {
    expect(startProbe('python -m pytest -rA')).toBe('python -m pytest -rA --collect-only -q');
    expect(startProbe('npm test --silent')).toBe('npm test --silent');
  });
});

describe('environmentKey', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dd-envkey-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('changes with a dependency file, the image or the setup command, not with source files', () => {
    mkdirSync(join(dir, 'pkg'), { recursive: true });
    writeFileSync(join(dir, 'requirements.txt'), 'a==1\n');
    writeFileSync(join(dir, 'pkg', 'mod.py'), 'x = 1\n');
    const k = environmentKey(dir, 'drydock/python:latest', 'pip install -r requirements.txt');
    writeFileSync(join(dir, 'pkg', 'mod.py'), 'x = 2\n');
    expect(environmentKey(dir, 'drydock/python:latest', 'pip install -r requirements.txt')).toBe(k);
    expect(environmentKey(dir, 'drydock/node:latest', 'pip install -r requirements.txt')).not.toBe(k);
    expect(environmentKey(dir, 'drydock/python:latest', null)).not.toBe(k);
    writeFileSync(join(dir, 'pkg', 'requirements-dev.txt'), 'b==2\n');
    expect(environmentKey(dir, 'drydock/python:latest', 'pip install -r requirements.txt')).not.toBe(k);
  });
});
