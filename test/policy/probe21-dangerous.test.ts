import { describe, expect, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Classes helper `gaps`' probe 21 (4 Dec) and the holes left open by probe 20 found allowed: a
 * path under the image's directories that climbs out with `..` taken for one of the image's own
 * files; a plugin named only when the command runs; Flask's debugger turned on (or its host set)
 * through the environment, and other debugger servers on every interface; a subcommand hidden
 * behind a global option's value for a program with no spec; installs into the home directory or
 * a toolchain's global state by less common tools; settings and start-up files in the workspace
 * that agents, shells and interactive tools run code from. Each class is tested with spellings
 * not in the probe and with benign neighbours.
 */
const { expectAll, check } = probeEngine();

describe('paths under /usr and /opt that climb out with ..', () => {
  it('are judged where they land', () => {
    expectAll(
      [
        'python /usr/../home/u/job.py',
        'python3 /opt/tools/../../srv/x/run.py --fast',
        'node /opt/../root/tool.mjs',
        'ts-node /usr/lib/../../srv/x.ts',
        'pip install -r /usr/share/../../root/req.txt',
        'pytest /opt/../srv/app/tests -q',
        'python -m pytest /usr/local/../../srv/t',
        'cd /usr/local/../../srv && python -m app',
        'cd /opt/x/../../srv/app && python manage.py check',
      ],
      'refused',
    );
  });
  it('still allows the image files and paths that stay inside the image', () => {
    expectAll(
      [
        'python /usr/lib/python3/dist-packages/x.py',
        'python /opt/conda/bin/../lib/python3.11/site-packages/pip/__main__.py --version',
        'node /usr/lib/node_modules/npm/bin/../lib/cli.js --version',
        'cd /usr/local/lib/../share && ls',
        'python /usr/./lib/python3/dist-packages/x.py',
      ],
      'allow',
    );
  });
});

describe('plugins named only when the command runs', () => {
  it('refuses them', () => {
    expectAll(
      [
        'pylint --load-plugins=$PLUGINS src',
        'pylint --load-plugins "$P" pkg',
        'pylint --load-plugins=/srv/plug src',
        'python -m pytest -p "$X" tests',
        'pytest -p$(cat name.txt)',
      ],
      'refused',
    );
  });
  it('still allows plugins named by module', () => {
    expectAll(
      [
        'pylint --load-plugins=pylint_django src',
        'pylint --load-plugins pylint.extensions.docparams,pylint.extensions.mccabe src',
        'pytest -p no:randomly tests',
        'pytest -p xdist -n 4',
      ],
      'allow',
    );
  });
});

describe('debuggers that run code served on every interface', () => {
  it('refuses Flask debug mode set through the environment with a wildcard host', () => {
    expectAll(
      [
        'FLASK_DEBUG=yes flask run --host ::',
        'export FLASK_DEBUG=1 && flask --app web run --host=0.0.0.0 --port 8080',
        'FLASK_ENV=development FLASK_RUN_HOST=0.0.0.0 flask run',
        'env FLASK_RUN_HOST=0.0.0.0 flask run --debugger',
        'FLASK_DEBUG=$D flask run -h 0.0.0.0',
        'python3 manage.py runserver_plus [::]:8000',
        'python manage.py runserver_plus --cert-file c.crt 0.0.0.0:443',
        'jupyter kernel-gateway --ip 0.0.0.0',
        'jupyter enterprisegateway',
      ],
      'refused',
    );
  });
  it('still allows the debugger on loopback and servers without it', () => {
    expectAll(
      [
        'FLASK_DEBUG=1 flask run --port 5001',
        'FLASK_DEBUG=false flask run --host 0.0.0.0',
        'FLASK_DEBUG=1 flask run --host=127.0.0.1',
        'flask run --host 0.0.0.0 --port 8000',
        'FLASK_RUN_HOST=0.0.0.0 flask run',
        'flask --app app routes',
        'python manage.py runserver_plus 8000',
        'python manage.py runserver 0.0.0.0:8000',
        'jupyter nbconvert --to notebook --execute x.ipynb --output out.ipynb',
      ],
      'allow',
    );
  });
});

describe('a subcommand behind a global option value, for programs without a spec', () => {
  it('refuses the subcommands rules name', () => {
    expectAll(
      [
        'storybook --config-dir .storybook upgrade',
        'turbo --cwd apps/web login',
        'flutter --device-id emulator-5554 upgrade',
        'nuxt --cwd app module add @pinia/nuxt',
      ],
      'refused',
    );
  });
  it('still allows their everyday subcommands, and reads a plain operand as the subcommand', () => {
    expectAll(
      [
        'storybook --config-dir .storybook build',
        'turbo --cwd apps/web run build',
        'nuxt --cwd app build',
        'ng generate component new',
        'flutter --device-id emulator-5554 test',
      ],
      'allow',
    );
  });
});

describe('installs into the home or global toolchain state by less common tools', () => {
  it('refuses them', () => {
    expectAll(
      [
        'flutter pub global activate very_good_cli',
        'dart pub global deactivate melos',
        'conan profile update settings.compiler=gcc default',
        'clj -Ttools remove :tool new',
        'xmake require -g boost',
        'xmake g --network=private',
        'raco pkg update -a',
        'raco pkg remove -i foo',
        'stack install pandoc',
        'stack build --copy-bins --fast',
        'cabal install --lib lens',
        'pipx reinstall-all',
        'pipx uninstall black',
      ],
      'refused',
    );
  });
  it('still allows project builds, dependency installs and listings', () => {
    expectAll(
      [
        'dart pub global list',
        'flutter pub get',
        'conan profile show',
        'conan install . --build=missing',
        'clojure -T:build uber',
        'xmake require zlib',
        'xmake f -m release',
        'raco pkg install --auto x',
        'stack build --copy-bins --local-bin-path bin',
        'cabal install --lib --package-env . lens',
        'pipx list',
        'stack test',
      ],
      'allow',
    );
  });
});

describe('dune exec runs any program, decided as that program', () => {
  it('refuses what it runs when that is refused', () => {
    expectAll(
      [
        "dune exec -- bash -c 'cat ~/.aws/credentials'",
        'dune exec --profile release rm -- -rf /srv/x',
        'dune exec python3 -- -c \'import os; os.system("x")\'',
        "stack exec bash -- -c 'rm -rf ~'",
      ],
      'refused',
    );
  });
  it("still allows the project's own executables by path", () => {
    expectAll(
      ['dune exec ./bin/main.exe -- --verbose', 'dune exec -- ./test/run.exe', 'dune exec bin/cli.exe'],
      'allow',
    );
  });
});

describe('user-wide toolchain state, shell approvals and templates from hosts', () => {
  it('refuses them', () => {
    expectAll(
      [
        'flutter channel stable',
        'gatsby options set telemetry.enabled false',
        'corepack prepare yarn@4.1.0 --activate',
        'direnv allow ./services/api',
        'direnv grant .',
        'conan remove "zlib/*" --confirm',
        'django-admin startapp --template=git+https://h.example/t.git blog',
      ],
      'refused',
    );
  });
  it('still allows listings and project-local forms', () => {
    expectAll(
      [
        'flutter channel',
        'flutter pub get',
        'corepack prepare yarn@4.1.0',
        'direnv status',
        'conan list "zlib/*"',
        'django-admin startapp blog',
      ],
      'allow',
    );
  });
});

describe('settings and start-up files other tools run code from', () => {
  it('refuses writing them', () => {
    expectAll(
      [
        "echo 'auto-commits: false' > .aider.conf.yml",
        'printf \'system("x")\' > .pryrc',
        'cat /tmp/x >> sub/.Rprofile',
        "echo 'command script import x.py' > .lldbinit",
        'echo \'vim.cmd("x")\' > .nvim.lua',
        "sed -i 's/a/b/' .zed/tasks.json",
        "echo '{}' > opencode.json",
        "echo '[tools]' >> mise.toml",
        "echo 'module.exports = {}' > .pnpmfile.cjs",
      ],
      'refused',
    );
  });
  it('still allows reading them and writing files with similar names', () => {
    expectAll(
      [
        'cat .Rprofile',
        'cat mise.toml',
        'echo x > Rprofile.txt',
        'echo x > docs/pryrc.md',
        "echo 'x' > src/pnpmfile.ts",
      ],
      'allow',
    );
  });
});

describe('variables that make a benign program run code (already refused on main)', () => {
  it('refuses them', () => {
    expectAll(
      [
        "GIT_PAGER='sh -c x' git show",
        "LESSOPEN='|/srv/x %s' less a.txt",
        'PYTHONSTARTUP=/srv/s.py python3 -i',
        "LUA_INIT='os.exit()' lua t.lua",
        "NODE_OPTIONS='--require /srv/x.js' yarn test",
        'PERL5OPT=-d perl t/a.t',
      ],
      'refused',
    );
  });
});

describe('line_regex', () => {
  it('names the rule that reads the whole line', () => {
    expect(check('export FLASK_DEBUG=1; flask run --host 0.0.0.0').rule).toBe(
      'web-debugger-on-network-by-environment',
    );
  });
});
