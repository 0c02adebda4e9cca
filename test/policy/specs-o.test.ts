import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Issue 14, helper specsO (5 Dec 2026): the Python and test-runner tools rule build-and-test allowed
 * by name with no spec now have specs in policies/programs.yaml, so an option they do not have
 * asks, what they write (reports, output directories, logs, temporary directories) is a file part
 * decided as a redirection is, and the code they load from a named file, module or directory
 * (formatters, listeners, plugins, variable files, search paths, test paths) is judged as a script
 * operand is. The probe lines (test/fixtures/policy/specs-o/, each group with its manual) were
 * decided on main before the specs: held-out figures in src/policy/README.md, "Measured".
 */
const { expectAll, check } = probeEngine();

function lines(name: string): string[] {
  const text = readFileSync(new URL(`../fixtures/policy/specs-o/${name}`, import.meta.url), 'utf8');
  return text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

describe('specsO: test runners and analysers', () => {
  it('everyday invocations from the manuals stay allowed', () => {
    // (`tap --node-arg=…` asks: node's options can load code, and no spec reads them there)
    expectAll(
      lines('o1-benign.txt').filter((l) => !l.includes('--node-arg')),
      'allow',
    );
  });
  it('writes outside or into .git, code from elsewhere, other hosts and unknown options are refused', () => {
    expectAll(lines('o1-dangerous.txt'), 'refused');
  });
  it('names the spec or rule that refused', () => {
    expect(check('robot --log .git/hooks/post-checkout tests').rule).toBe('program:robot');
    expect(check('nosetests --id-file=.git/noseids').rule).toBe('program:nosetests');
    expect(check('green --no-such-option mypkg').rule).toBe('program:green');
    expect(check('robot -v URL:https://x.example/ tests').rule).toBe('test-data-urls');
    expect(check('behave -f x.fmt:Pretty features').rule).toBe('behave-formatter-classes');
  });
  it('spellings the probe did not write: abbreviations, clusters, attached values', () => {
    expectAll(
      [
        'robot --outputd results tests',
        'nosetests --xunit-f=reports/x.xml --with-xunit',
        'green -vvr mypkg',
        'behave --junit-dir=reports/junit',
        'cucumber -fprogress -o tmp/out.txt',
        'pytype -j4 -k src',
      ],
      'allow',
    );
    expectAll(
      [
        'robot --outputd /etc/x tests',
        'nosetests --xunit-f=/etc/x.xml --with-xunit',
        'green -vvj /etc/x.xml mypkg',
        'behave --junit-dir=/srv/junit',
        'cucumber -fprogress -o/etc/out.txt',
        'pytype -ko /srv/out src',
        'trial --temp-directory=../../x mypkg',
        'xenon -u https://x.example -b B src',
      ],
      'refused',
    );
  });
});

describe('specsO: pipenv, Django, Flask, Alembic, Cython, f2py', () => {
  it('everyday invocations from the manuals stay allowed', () => {
    expectAll(lines('o2-benign.txt'), 'allow');
  });
  it('system installs, other indexes, code from elsewhere, shells, editors, writes outside are refused', () => {
    expectAll(lines('o2-dangerous.txt'), 'refused');
  });
  it("a command that is none of Django's or Flask's is the project's own, its words handed on", () => {
    expectAll(
      [
        './manage.py seed_demo_data --count 10',
        'django-admin help migrate',
        'flask --app flaskr init-db',
        'flask db upgrade',
        'django-admin dumpdata --outp=fixtures/x.json',
        'cython -ao build/a.c a.pyx',
      ],
      'allow',
    );
    expectAll(
      [
        './manage.py seed_demo_data --out=/etc/x',
        'flask import-users ~/.ssh/id_rsa',
        'django-admin dumpd -o /etc/x.json',
        './manage.py runscript x',
        'flask db downgrade base',
        'flask --app=/srv/x run',
        'alembic revision --version-p /srv/v -m x',
        'cython --output-f=/srv/x.c a.pyx',
        'f2py -c -m m x.f90 -h/etc/x.pyf',
      ],
      'refused',
    );
    expect(check('django-admin dumpdata --output=.git/hooks/pre-commit').rule).toBe('program:django-admin');
    expect(check('flask db downgrade base').rule).toBe('alembic-downgrade-and-database-urls');
  });
});

describe('specsO: `python manage.py` and `python -m` of these programs', () => {
  it('are also decided as the program’s own command line (script_programs, module_programs)', () => {
    expectAll(lines('o4-benign.txt'), 'allow');
    expectAll(lines('o4-dangerous.txt'), 'refused');
    expect(check('python manage.py dumpdata -o /etc/dump.json').rule).toBe('program:django-admin');
    expectAll(['python3 src/manage.py migrate --plan', 'python -X dev manage.py check'], 'allow');
    expectAll(
      ['python3 src/manage.py dumpdata -o /srv/x.json', 'python -X dev manage.py check --pythonpath=/srv'],
      'refused',
    );
  });
});

describe('specsO: direnv, prek, pyenv, nvm', () => {
  it('everyday invocations from the manuals stay allowed', () => {
    expectAll(lines('o3-benign.txt'), 'allow');
  });
  it('approvals, the environment printed, user-wide defaults, self-updates and unknown options are refused', () => {
    expectAll(lines('o3-dangerous.txt'), 'refused');
  });
  it('what the version managers run is decided as its own command', () => {
    expectAll(['nvm exec --silent 20 npm test', 'nvm run 20 app.js', 'pyenv exec python -m pytest'], 'allow');
    expectAll(
      ['nvm exec 20 rm -rf ~', 'nvm run 20 /srv/x.js', 'pyenv exec rm -rf /', 'direnv exec . rm -rf ~/x'],
      'refused',
    );
    expect(check('prek run -C /srv ruff').rule).toBe('program:prek');
  });
});
