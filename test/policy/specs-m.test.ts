import { describe, expect, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Issue 14, helper specsM (5 Dec 2026): build tools and interpreters of other languages that were
 * allowed by name get complete specs in policies/programs.yaml (an option they do not list asks).
 * Each group's lines were decided on main first (the held-out estimate, src/policy/README.md
 * "Measured").
 */
const { expectAll, check } = probeEngine();

describe('specsM: ant', () => {
  it('builds, tests and help of the workspace build file stay allowed', () => {
    expectAll(
      [
        'ant',
        'ant compile',
        'ant -f build.xml compile',
        'ant -buildfile build.xml test',
        'ant -q clean test',
        'ant -Dtest.name=FooTest test',
        'ant -v -k test',
        'ant -p',
        'ant -diagnostics',
        'ant -lib lib test',
        'ant -logger org.apache.tools.ant.listener.AnsiColorLogger test',
        'ant -propertyfile build.properties dist',
        'ant -noinput -logfile build.log test',
        'ant -emacs -silent test',
        'ant -nouserlib -noclasspath compile',
        'ant -keep-going -Djunit.fork=true test',
      ],
      'allow',
    );
  });
  it('build files, jars and logs from elsewhere, publishing targets and unknown options are refused', () => {
    expectAll(
      [
        'ant -lib /home/u/evil.jar test',
        'ant -buildfile /srv/other/build.xml test',
        'ant -file ~/build.xml',
        'ant -logfile /etc/ant.log test',
        'ant -l /root/x.log compile',
        'ant -Dbasedir=/srv/app clean',
        'ant -Dant.home=/srv/ant test',
        'ant -Djava.io.tmpdir=/etc/x test',
        'ant deploy',
        'ant ivy-publish',
        'ant -main evil.Main test',
        'ant -find /srv/x/build.xml',
        'ant -s build.xml test',
        'ant -buildf x.xml',
      ],
      'refused',
    );
  });
});

describe('specsM: Rscript and R', () => {
  it('workspace scripts, development-tool one-liners and R CMD build/check/INSTALL stay allowed', () => {
    expectAll(
      [
        'Rscript tests/testthat.R',
        'Rscript --vanilla tests/run_tests.R',
        'Rscript --default-packages=methods,utils tests/x.R',
        'Rscript --verbose analysis.R input.csv out.csv',
        'Rscript --vanilla -e \'testthat::test_dir("tests/testthat")\'',
        'R CMD build --no-build-vignettes .',
        'R CMD check --no-manual --as-cran mypkg_0.1.0.tar.gz',
        'R CMD INSTALL --no-multiarch --with-keep.source .',
        'R CMD INSTALL -l /tmp/Rlib .',
        "R -q -e 'devtools::document()'",
        'R --vanilla -f scripts/plot.R',
        'R CMD Rd2pdf --no-preview --output=manual.pdf .',
        'R CMD SHLIB src/foo.c',
        'R CMD BATCH scripts/sim.R',
        'echo \'requireNamespace("devtools"); devtools::test()\' | R --vanilla',
        'julia -p 2 x.jl',
      ],
      'allow',
    );
  });
  it('unread code, scripts and libraries from elsewhere and R CMD REMOVE are refused', () => {
    expectAll(
      [
        'Rscript ~/x.R',
        'Rscript ../other/x.R',
        'R CMD INSTALL -l ~/R/library .',
        'R CMD INSTALL --library=/usr/local/lib/R/site-library mypkg.tar.gz',
        'R CMD REMOVE dplyr',
        'R CMD javareconf',
        'R CMD check --output=/srv/out x.tar.gz',
        'R CMD check --install-args=--library=/srv x.tar.gz',
        'R CMD BATCH /srv/x.R',
        'R -f /srv/x.R',
        'R --file=~/x.R',
        "R --no-save -e 'x <- 1'",
        'echo \'system("id")\' | R --no-save',
        'R --vanilla',
        'R -d gdb',
      ],
      'refused',
    );
    expect(check('R CMD REMOVE dplyr').rule).toBe('program:R');
  });
});

describe('specsM: mix', () => {
  it("tests, builds, formats, dependencies and the project's own tasks stay allowed", () => {
    expectAll(
      [
        'mix test --trace',
        'mix test --max-failures 1 --seed 0',
        'mix test --cover --export-coverage default',
        'mix test test/my_app/accounts_test.exs:17 --trace',
        'mix compile --all-warnings --warnings-as-errors',
        'mix format mix.exs "lib/**/*.{ex,exs}"',
        'mix format --check-formatted --dot-formatter .formatter.exs',
        'mix deps.get --only prod',
        'mix deps.clean --unused --unlock',
        'mix credo suggest --strict',
        'mix dialyzer --format github',
        'mix run priv/repo/seeds.exs',
        'mix run --no-halt',
        'mix cmd npm test',
        'mix assets.deploy',
        'mix phx.gen.context Accounts User users name:string',
        'mix local.rebar --force',
      ],
      'allow',
    );
  });
  it('files from elsewhere, unread code, publishing and user-wide installs are refused', () => {
    expectAll(
      [
        'mix test /srv/other/x_test.exs',
        'mix test --breakpoints test/x_test.exs',
        'mix test --bogus',
        'mix format --dot-formatter /srv/.formatter.exs',
        'mix compile --erl-config /srv/x.config',
        'mix run -r /srv/x.exs priv/seeds.exs',
        "mix run -e 'IO.puts(1)'",
        'mix docs --output /srv/doc',
        'mix local.phx',
        'mix coveralls.post --token abc',
        'mix coveralls.github',
        'mix cmd rm -rf /srv/app',
        'mix cmd --cd /srv make',
        'mix xref graph --output /etc/x.dot',
        'mix new /srv/app',
        'mix myalias /srv/x',
      ],
      'refused',
    );
    expect(check('mix coveralls.github').rule).toBe('program:mix');
  });
});

describe('specsM: lua and luarocks', () => {
  it('workspace scripts, the project rock and its dependencies stay allowed', () => {
    expectAll(
      [
        'lua tests/run.lua',
        'lua -W tests/run.lua',
        'lua -l luacov tests/run.lua',
        'luarocks make --local',
        'luarocks install --deps-only rockspecs/x-scm-1.rockspec',
        'luarocks install --tree lua_modules busted',
        'luarocks make OPENSSL_DIR=/usr CRYPTO_DIR=/usr',
        'luarocks make x-scm-1.rockspec --tree=.luarocks',
        'luarocks list',
        'luarocks test',
      ],
      'allow',
    );
  });
  it('code on the line, trees, servers and rockspecs from elsewhere and uploads are refused', () => {
    expectAll(
      [
        'lua -i tests/run.lua',
        'lua /srv/x.lua',
        'lua -l/root/evil t.lua',
        'luarocks install --tree /usr/local lpeg',
        'luarocks install https://x.example/x-1.0-1.rockspec',
        'luarocks make /srv/x.rockspec',
        'luarocks purge --tree=.luarocks',
        'luarocks --lua-dir=/srv/lua make',
        'luarocks install lpeg --sign',
        'luarocks install lpeg --api-key=abc',
      ],
      'refused',
    );
  });
});

describe('specsM: swift, dart, flutter', () => {
  it('builds, tests, runs, formatting, dependencies and package plugins of the project stay allowed', () => {
    expectAll(
      [
        'swift --version',
        'swift build --configuration release --product MyTool',
        'swift build -Xswiftc -warnings-as-errors',
        'swift build --scratch-path .build-linux',
        'swift test --parallel --num-workers 2 --xunit-output build/xunit.xml',
        'swift test list',
        'swift run my-tool --verbose',
        'swift package resolve --force-resolved-versions',
        'swift package init --type library --name MyLib',
        'swift package generate-documentation --target MyLib',
        'swift package --disable-sandbox plugin generate',
        'swift format lint --recursive Sources Tests',
        'dart --version',
        'dart test --coverage=coverage test/unit',
        'dart format -o none --set-exit-if-changed lib test',
        'dart pub add --dev test',
        'dart run bin/main.dart --port 8080',
        'dart compile js -O2 -o build/main.js web/main.dart',
        'dart doc --output build/api',
        'flutter test --coverage test/widget_test.dart',
        'flutter analyze --no-fatal-infos',
        'flutter build apk --release --split-per-abi',
        'flutter build appbundle --flavor prod -t lib/main_prod.dart',
        'flutter pub get --offline',
        'flutter create --platforms=android,ios my_app',
        'flutter gen-l10n',
      ],
      'allow',
    );
  });
  it('paths and code from elsewhere, servers, publishing and SDK or user settings are refused', () => {
    expectAll(
      [
        'swift build --package-path /srv/other',
        'swift build -Xlinker -rpath -Xlinker /srv/lib',
        'swift build -Xswiftc -load-plugin-library -Xswiftc /srv/libM.so',
        'swift build --toolset /srv/toolset.json',
        'swift test --xunit-output /etc/x.xml',
        'swift package --allow-network-connections all plugin evil',
        'swift package --allow-writing-to-directory /srv plugin evil',
        'swift package archive-source --output /srv/x.zip',
        'swift package edit Dep --path /srv/dep',
        'swift package purge-cache',
        'swift run --repl',
        'swift repl',
        'swift build --bogus',
        'dart run /srv/x.dart',
        'dart pub cache clean',
        'dart compile exe bin/main.dart -o /usr/local/bin/x',
        'dart pub get --directory /srv/app',
        'dart create /srv/app',
        'flutter build web --output /srv/www',
        'flutter run -d web-server --web-hostname 0.0.0.0',
        'flutter precache --force',
        'flutter downgrade',
        'flutter attach',
        'flutter test /srv/x_test.dart',
        'flutter create /srv/app',
      ],
      'refused',
    );
    expect(check('flutter attach').rule).toBe('program:flutter');
  });
});

describe('specsM: julia', () => {
  it('project scripts, tests and Pkg one-liners stay allowed', () => {
    expectAll(
      [
        'julia --project test/runtests.jl',
        'julia --project=. --color=yes test/runtests.jl',
        'julia --project=docs/ docs/make.jl',
        'julia --threads=auto --project=. bench/run.jl',
        'julia -t 4 --project scripts/run.jl',
        'julia --check-bounds=yes --depwarn=error --project test/runtests.jl',
        "julia --startup-file=no --project=. -e 'using Pkg; Pkg.test()'",
        'julia --code-coverage=user --project test/runtests.jl',
        'julia -O3 --project src/main.jl',
        'julia --project=@JuliaFormatter --eval \'using JuliaFormatter; format(".")\'',
        "echo 'using Pkg; Pkg.test()' | julia --project",
      ],
      'allow',
    );
  });
  it('images, homes, loads and projects from elsewhere, workers on other hosts and unread code are refused', () => {
    expectAll(
      [
        'julia --machine-file hosts.txt x.jl',
        'julia -J /srv/sys.so x.jl',
        'julia --sysimage=/root/evil.so test/runtests.jl',
        'julia -H /srv/julia x.jl',
        'julia --load=/srv/x.jl t.jl',
        'julia ~/x.jl',
        "julia --project=/srv/other -e 'using Pkg; Pkg.test()'",
        'julia --bug-report=rr test.jl',
        'julia --output-o /srv/sys.o x.jl',
        "julia --ev 'run(`id`)'",
        'julia --code-coverage=/etc/cov.info t.jl',
        'julia --trace-compile=/etc/x.jl t.jl',
        'julia -i x.jl',
        'julia',
      ],
      'refused',
    );
  });
});
