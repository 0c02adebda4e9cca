import { describe, expect, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Issue 14, spec-less Python tools of build-and-test (helper specsJ, 5 Dec 2026): pyflakes,
 * pycodestyle, pydocstyle, bandit, vulture, radon, pyright, autopep8, yapf, pipdeptree and twine
 * were allowed by name, held only by the rules for programs without a spec (a path surely outside,
 * a URL, a risky option name, a state subcommand): a report or an in-place edit into `.git/hooks`
 * and any option they do not have passed. They now have specs in policies/programs.yaml. Probe
 * lines were decided on main 702310d first (held-out figures in src/policy/README.md, "Measured").
 */
const { expectAll, check } = probeEngine();

describe('specsJ: Python checkers and formatters', () => {
  it('everyday checks, reports and formatting stay allowed', () => {
    expectAll(
      [
        'pyflakes .',
        'pyflakes src/ tests/',
        'python -m pyflakes .',
        'pycodestyle --max-line-length=120 src',
        'pycodestyle --ignore=E501,W503 --statistics --count .',
        'pycodestyle --show-source --exclude=build,.tox pkg',
        'pycodestyle --config=setup.cfg src',
        'pydocstyle src',
        'pydocstyle --convention=numpy --add-ignore=D105 pkg',
        "pydocstyle --match='(?!test_).*\\.py' --count .",
        // https://github.com/search?q=%22bandit+-c+pyproject.toml+-r%22 (Makefiles and CI scripts)
        'bandit -c pyproject.toml -r .',
        'uv run bandit -c pyproject.toml -r src/geistfabrik -ll -q',
        'python -m bandit -c pyproject.toml -r .',
        'bandit -r . -x ./tests,./venv -ll',
        'bandit -r src -f json -o bandit-report.json',
        'bandit -r src --severity-level medium --confidence-level high -q',
        'bandit --ini .bandit -r .',
        'vulture src/',
        'vulture . --min-confidence 80 --exclude venv',
        'vulture src whitelist.py --sort-by-size',
        'vulture --make-whitelist src > whitelist.py',
        'radon cc src -a -nc',
        'radon cc src/ --min B',
        'radon cc . -s -a -e "tests/*,metricas/*"',
        'radon mi -s src',
        'radon raw -s pkg',
        'radon cc -s -j -O radon.json src',
        'radon hal src',
        'pyright',
        'pyright src tests',
        'pyright --outputjson',
        'pyright -p . --pythonversion 3.11 --level error',
        'uv run pyright --verifytypes fastapi_infra --ignoreexternal',
        'pyright --createstub requests',
        'pyright --pythonpath .venv/bin/python',
        'pyright --warnings --stats src',
        'autopep8 --in-place --aggressive --aggressive file.py',
        'autopep8 -i -r src',
        'autopep8 --diff --max-line-length 100 x.py',
        'autopep8 -r --in-place --select=E225,E231 .',
        'yapf -i -r src',
        'poetry run yapf --diff --recursive src tests',
        'yapf --style=google -i x.py',
        'yapf -vv -i --style=.style.yapf --recursive gdb_ctrl/',
        'yapf -d -r -p .',
        'pipdeptree',
        'pipdeptree -p requests',
        'pipdeptree --reverse --packages urllib3',
        'pipdeptree --json-tree',
        'pipdeptree -w fail --python .venv/bin/python',
        'twine check dist/*',
        'uv run --frozen twine check dist/*',
        'twine check --strict dist/*.whl dist/*.tar.gz',
      ],
      'allow',
    );
  });

  it('reports and in-place edits into .git, other configs and interpreters, unknown options are refused', () => {
    expectAll(
      [
        // allowed on main 702310d: a write into .git/hooks through an option or an in-place edit
        'bandit -r . -o .git/hooks/post-checkout',
        'python -m bandit -r . -o .git/hooks/post-checkout',
        'radon cc . -O .git/hooks/pre-commit',
        'autopep8 -i .git/hooks/pre-commit',
        'yapf --in-place .git/hooks/pre-push',
        'pyright --baselinefile .git/hooks/pre-commit --writebaseline',
        // allowed on main 702310d: options these programs do not have
        'pydocstyle --unknown-flag src',
        'vulture --bogus src',
        'yapf --style-config x -i a.py',
        'pycodestyle --bogus .',
        'pyright --createstub requests --outputjson --bogus-option',
        // refused on main too, by the rules for programs without a spec
        'pycodestyle --config=/root/.config/pycodestyle src',
        'pydocstyle --config=/srv/other/.pydocstyle src',
        'bandit -r src -o /etc/cron.d/report',
        'bandit -r src --output=/root/.bashrc -f txt',
        'bandit -c /srv/other/bandit.yml -r .',
        'bandit -r ~/.ssh',
        'vulture src --config /srv/x/pyproject.toml',
        'radon cc src -O /etc/profile.d/x.sh -j',
        'radon cc src -O ../../outside.json',
        'pyright --pythonpath /srv/evil/python src',
        'pyright --pythonpath ~/bin/python3',
        'pyright -p /srv/other/pyrightconfig.json',
        'autopep8 --in-place /etc/hosts.py',
        'autopep8 -i ~/.bashrc',
        'autopep8 --global-conf /srv/x.cfg -i a.py',
        'yapf -i /usr/lib/python3/dist-packages/x.py',
        'yapf --style=/srv/other/style.cfg -i x.py',
        'yapf -i -r ../other-repo',
        'pipdeptree --python /srv/evil/python',
        'pipdeptree --python ../../other/bin/python',
        'twine upload dist/*',
        'twine upload --repository-url https://x.example/legacy/ dist/*',
        'twine register dist/x.whl',
      ],
      'refused',
    );
  });

  it('names the spec that refused', () => {
    expect(check('bandit -r . -o .git/hooks/post-checkout').rule).toBe('program:bandit');
    expect(check('yapf --style-config x -i a.py').rule).toBe('program:yapf');
  });
});
