import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Issue 14 item 2 (helper specs, 4 Dec 2026): a program the policy allows gets a complete spec in
 * policies/programs.yaml, so an option it does not know asks instead of passing by name. For each
 * program given a spec here: everyday spellings (not the ones the specs were written from) stay
 * allowed, an unknown option or subcommand asks, and a documented option that runs code from
 * elsewhere or writes outside the workspace is refused.
 */
const { expectAll } = probeEngine();

describe('programs with a complete spec: known spellings allowed, the rest refused', () => {
  it('pytest (and python -m pytest)', () => {
    expectAll(
      [
        'pytest',
        'pytest -q tests/unit',
        'py.test -x --ff tests',
        'pytest -vv -s tests/test_api.py::TestUser::test_create',
        'pytest -n 4 --dist loadfile tests',
        'pytest --cov=mypkg --cov-branch --cov-report=xml:coverage.xml tests/',
        'pytest --cov mypkg --cov-report term-missing',
        'pytest --timeout=60 --reruns 2 -p no:randomly',
        'pytest --junitxml=reports/junit.xml -o junit_family=xunit2',
        'pytest --lf --maxfail=3 -W ignore::DeprecationWarning',
        'pytest --basetemp=/tmp/pt --durations=20',
        'pytest --doctest-modules src/pkg',
        'python -m pytest -rA --tb=line -m "not slow"',
        'python3 -m pytest --co -q',
      ],
      'allow',
    );
    expectAll(
      [
        'pytest --some-plugin-option tests',
        'pytest --cov-report=html:/srv/cov tests',
        'pytest --basetemp ~/scratch',
        'pytest --junit-xml=/etc/junit.xml',
        'pytest -p ~/plugins/evil',
        'pytest -c /root/pytest.ini',
        'pytest --confcutdir=/ tests',
        'pytest --pastebin=failed',
        'pytest --log-file=/var/log/x.log',
        'pytest --benchmark-storage=file:///root/bench',
        'python3 -m pytest --html=/etc/report.html',
        'pytest /srv/other/tests',
      ],
      'refused',
    );
  });

  it('ruff', () => {
    expectAll(
      [
        'ruff check .',
        'ruff check --fix --unsafe-fixes src tests',
        'ruff check --select I --fix src/',
        'ruff check --output-format=github .',
        'ruff format .',
        'ruff format --check --diff src',
        'ruff --fix src/',
        'ruff rule E501',
        'ruff --version',
        'ruff check --config pyproject.toml src',
      ],
      'allow',
    );
    expectAll(
      [
        'ruff check --frobnicate .',
        'ruff server',
        'ruff check --fix /usr/local/lib/python3.12/site-packages/x.py',
        'ruff format $HOME/.config/x.py',
        'ruff check -o /etc/ruff.txt .',
        'ruff check --config ~/other/ruff.toml .',
        'ruff check --cache-dir /var/cache/ruff .',
      ],
      'refused',
    );
  });

  it('mypy, black, isort, flake8, pylint', () => {
    expectAll(
      [
        'mypy .',
        'mypy --strict --ignore-missing-imports src/pkg',
        'mypy -p mypkg --python-version 3.11',
        'mypy --config-file mypy.ini --cache-dir=/tmp/mypy src',
        'black .',
        'black -l 100 --check src tests',
        'black --diff --color src/mod.py',
        'isort .',
        'isort --profile black --check-only --diff src',
        'isort -l 88 src/app.py',
        'flake8',
        'flake8 --max-line-length=100 --extend-ignore=E203 src tests',
        'flake8 --count --statistics --select=E9,F63,F7,F82 .',
        'pylint src/pkg',
        'pylint --disable=C0114,C0116 --max-line-length=120 src',
        'pylint --rcfile=pyproject.toml --output-format=colorized pkg',
        'pylint -j 0 --fail-under=9 pkg',
      ],
      'allow',
    );
    expectAll(
      [
        'mypy --no-such-flag src',
        'mypy --config-file=/root/mypy.ini src',
        'mypy --junit-xml /etc/junit.xml src',
        'mypy --install-types --non-interactive',
        'black --frobnicate .',
        'black /etc/profile.d/x.py',
        'black --config=/home/u/black.toml .',
        'isort --frobnicate .',
        'isort --settings-path /root/isort.cfg src',
        'isort ~/lib/x.py',
        'flake8 --frobnicate .',
        'flake8 --output-file=/var/tmp/../../etc/x src',
        'flake8 --config /root/setup.cfg',
        'pylint --frobnicate src',
        'pylint --rcfile=/root/pylintrc src',
        'pylint --output=/etc/lint.txt src',
        'pylint --output-format=json:/root/out.json src',
      ],
      'refused',
    );
  });

  it('tsc, eslint, prettier', () => {
    expectAll(
      [
        'tsc',
        'tsc --noEmit -p tsconfig.app.json',
        'tsc -b packages/core --verbose',
        'tsc --declaration --emitDeclarationOnly --outDir dist/types',
        'npx tsc --noEmit --pretty false',
        'tsc src/index.ts --target es2020 --module commonjs --outDir build',
        'eslint src --ext .ts,.tsx',
        'eslint . --fix --max-warnings=0',
        'npx eslint -c eslint.config.mjs --format stylish src/',
        'eslint --cache --cache-location node_modules/.cache/eslint src',
        'prettier --check .',
        'prettier --write "src/**/*.{ts,tsx}"',
        'npx prettier --single-quote --trailing-comma all -w src/index.ts',
        'prettier --list-different --ignore-path .gitignore .',
      ],
      'allow',
    );
    expectAll(
      [
        'tsc --frobnicate',
        'tsc --outDir ~/bin src/x.ts',
        'tsc --tsBuildInfoFile /etc/tsbuildinfo',
        'tsc -p /srv/other/tsconfig.json',
        'tsc /root/other/x.ts',
        'eslint --frobnicate .',
        'eslint -c ~/.eslintrc.js src',
        'eslint --rulesdir /srv/rules src',
        'eslint -f /root/formatter.js src',
        'eslint -o /etc/eslint.txt src',
        'eslint --fix /usr/local/lib/node_modules/x/index.js',
        'eslint --init',
        'prettier --frobnicate .',
        'prettier --write /etc/hosts',
        'prettier --config /root/prettier.config.js --check .',
        'prettier --plugin=/srv/plugin.js --write src',
        'prettier --cache-location /var/cache/p .',
      ],
      'refused',
    );
  });

  it('ninja, ctest, rustfmt, gofmt, shellcheck', () => {
    expectAll(
      [
        'ninja',
        'ninja -C out/Release -j 8 chrome',
        'ninja -C build -k 0 all',
        'ninja -C build -t compdb',
        'ctest --test-dir build --output-on-failure',
        'ctest -C Debug -R "^unit_" -j8',
        'ctest -VV -E slow --timeout 300',
        'ctest -T Test --output-junit reports/ctest.xml',
        'rustfmt --edition 2021 src/lib.rs',
        'rustfmt --check src/main.rs',
        'gofmt -s -l .',
        'gofmt -w cmd/app/main.go',
        'shellcheck -x scripts/build.sh',
        'shellcheck --severity=warning -f gcc bin/*.sh',
      ],
      'allow',
    );
    expectAll(
      [
        'ninja --frobnicate',
        'ninja -f /srv/build.ninja',
        'ninja -t msvc -- cl.exe x.c',
        'ninja -C build -t browse',
        'ctest --frobnicate',
        'ctest -S /root/dashboard.cmake',
        'ctest -O /etc/ctest.log',
        'ctest -T Submit',
        'ctest --build-and-test src build --test-command x',
        'rustfmt --frobnicate src/lib.rs',
        'rustfmt /etc/x.rs',
        'rustfmt --print-config default /etc/rustfmt.toml',
        'gofmt -frobnicate .',
        'gofmt -w /usr/local/go/src/x.go',
        'gofmt -cpuprofile /etc/prof .',
        'shellcheck --frobnicate a.sh',
        'shellcheck --rcfile ~/.config/rc a.sh',
      ],
      'refused',
    );
  });

  it('coverage, pre-commit, sphinx-build', () => {
    expectAll(
      [
        'coverage run -m pytest -q',
        'coverage run --branch --source=src -m unittest discover',
        'coverage run manage.py test',
        'coverage combine',
        'coverage report --show-missing --fail-under=80',
        'coverage html -d htmlcov',
        'coverage json -o cov.json',
        'coverage erase',
        'pre-commit run --all-files',
        'pre-commit run black --files src/a.py src/b.py',
        'pre-commit run --show-diff-on-failure --color=always --all-files',
        'pre-commit install',
        'sphinx-build -b html docs docs/_build/html',
        'sphinx-build -W --keep-going -b linkcheck docs build/linkcheck',
        'sphinx-build -M html docs/source docs/build -j auto',
      ],
      'allow',
    );
    expectAll(
      [
        'coverage run --frobnicate -m pytest',
        'coverage run --rcfile=/root/.coveragerc -m pytest',
        'coverage run /root/other/script.py',
        'coverage xml -o /etc/coverage.xml',
        'coverage html --directory ~/www',
        'pre-commit run --frobnicate',
        'pre-commit try-repo https://example.com/hooks',
        'pre-commit autoupdate',
        'pre-commit gc',
        'pre-commit run --config /root/.pre-commit-config.yaml',
        'sphinx-build --frobnicate -b html docs out',
        'sphinx-build -b html /root/docs out',
        'sphinx-build -b html -c /srv/conf docs out',
        'sphinx-build -b html docs /var/www/html',
        'sphinx-build -b html -w /etc/warnings.txt docs out',
      ],
      'refused',
    );
  });
});
