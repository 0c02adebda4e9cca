import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

/**
 * Classes the lead's probe found getting through (or refusing everyday work) after issue 14's
 * first round; each is fixed as a class, so the held-out spellings are other programs and
 * options of the same kind. Commands here are the probe's and variants of them.
 */
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create();
});

const decide = (c: string) => engine.check(c).decision;
const expectAll = (commands: string[], decision: 'allow' | 'ask' | 'deny' | 'refused') => {
  for (const c of commands) {
    const d = decide(c);
    if (decision === 'refused') expect(d, c).not.toBe('allow');
    else expect(d, c).toBe(decision);
  }
};

describe('interpreter options are read with the spec’s arity', () => {
  it('finds the code after options that take a value (and reads it)', () => {
    expectAll(
      [
        `node --require ./x.js -e "require('child_process').execSync('rm -rf ~')"`,
        `node -r ./x.js -e "require('child_process').execSync('rm -rf ~')"`,
        `node --trace-warnings -e "require('child_process').execSync('rm -rf ~')"`,
        `node --conditions x -e "require('child_process').execSync('rm -rf ~')"`,
        `node --stack-size=1 -e "require('child_process').execSync('rm -rf ~')"`,
        `node --title t -p "require('child_process').execSync('rm -rf ~')"`,
        `node -pe "require('child_process').execSync('rm -rf ~')"`,
        `python -X dev -c "import os; os.system('rm -rf ~')"`,
        `python -W ignore -c "import os; os.system('rm -rf ~')"`,
        `python3 -uc "import os; os.system('rm -rf ~')"`,
        `python3 -Bc "import os; os.system('rm -rf ~')"`,
        `python3 -Xdev -Wignore -c "import os; os.system('rm -rf ~')"`,
      ],
      'deny',
    );
  });

  it('asks for code it cannot read whatever options come first', () => {
    expectAll(
      [
        `node -ep "require('child_process').execSync('rm -rf ~')"`, // not a node option: not read
        `node --max-old-space-size 4096 -e "require('child_process').exec(process.env.CMD)"`,
        `python -OOc "__import__('os').system(input())"`,
        `cat x.py | python3 -W ignore`,
        `ruby -I lib -e "system('rm -rf ~')"`,
        `perl -I lib -e "system('rm -rf ~')"`,
        `php -d display_errors=1 -r "system('rm -rf ~');"`,
      ],
      'ask',
    );
  });

  it('allows literal code that only prints, after any known options', () => {
    expectAll(
      [
        'python3 -uc "print(1)"',
        'python3 -Bc "print(1)"',
        'python -X dev -c "print(1)"',
        'python -W ignore -c "print(1)"',
        'node --title t -p "1+1"',
        'node --require ./x.js -e "console.log(1)"',
        'node -pe "require(\'./package.json\').version"',
        'node -r dotenv/config src/server.js',
        'python -W ignore::DeprecationWarning -m pytest -q',
      ],
      'allow',
    );
  });
});

describe('parameter expansions that choose are decided on every candidate', () => {
  it('denies a credential path behind ${V:?}, ${V:-w}, ${V:=w}, ${V:+w}', () => {
    expectAll(
      [
        'cat ${HOME:?}/.npmrc',
        'cat ${HOME:-/root}/.npmrc',
        'cat "${HOME:?}/.ssh/id_rsa"',
        'cat ${HOME?}/.aws/credentials',
        'cat ${X:-/etc}/shadow',
        'cat ${X:-~}/.npmrc',
        'cat "${X:=$HOME/.npmrc}"',
        'cat ${X:+$HOME}/.npmrc',
        'cp ${HOME:=/root}/.git-credentials out.txt',
        'cat ${HOME:-/root}/.npmrc${X:-}${Y:-}${Z:-}${W:-}${V:-}', // past 16 pairings: still the first candidates
      ],
      'deny',
    );
  });

  it('allows workspace paths whose every candidate is fine', () => {
    expectAll(
      ['cat ${HOME:+x}/.npmrc', 'cat ${X:-src}/a.py ${Y:-tests}/b.py', 'cat "${BUILD_DIR:-build}/log.txt"'],
      'allow',
    );
  });
});

describe('one list of secret-like variable names for every way of reading one', () => {
  it('denies printenv, declare -p and envsubst of a secret as it denies $X', () => {
    expectAll(
      [
        'printenv GH_PAT',
        'echo $GH_PAT',
        'declare -p GH_PAT',
        'typeset -p NPM_AUTH_TOKEN',
        'export -p GH_PAT',
        "envsubst '$GH_PAT' < /dev/null",
        'sudo printenv GH_PAT',
        'printenv AIRFLOW_CONN_POSTGRES',
        'echo $github_token',
      ],
      'deny',
    );
    expectAll(["echo '$GH_PAT' | envsubst"], 'ask');
  });

  it('keeps non-secret variables readable (declare -p is a read, not a set)', () => {
    expectAll(
      [
        'declare -p PATH',
        'printenv HOME PYTHONPATH',
        'echo $VIRTUAL_ENV',
        "envsubst '$APP_NAME' < a.tmpl > a.yaml",
      ],
      'allow',
    );
  });
});
