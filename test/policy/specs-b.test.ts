import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Issue 14 item 2, second batch (helper specsB, 4 Dec 2026): mocha, rspec, rubocop, phpunit,
 * clang-format, webpack, vite, rollup, esbuild, meson, zig and dune were allowed by name by rule
 * build-and-test (any option passed); each now has a complete spec in policies/programs.yaml. For
 * each: everyday spellings (not the ones in the spec comments) stay allowed, an unknown option or
 * subcommand asks, and a documented option that runs code from elsewhere, reaches the network or
 * writes outside the workspace is refused. Also the spec reader's new effects `optional-write` and
 * `optional-recipe` and esbuild's `--name:VALUE` options.
 */
const { expectAll } = probeEngine();

describe('specsB: build-and-test programs with a complete spec', () => {
  it('mocha', () => {
    expectAll(
      [
        'npx mocha',
        'mocha test/unit/parser.spec.js',
        'npx mocha --require @babel/register --timeout 5000 "src/**/*.test.js"',
        'mocha -b --forbid-only -R min test',
        'mocha --parallel --jobs 2 --exit',
        'mocha --ignore "test/fixtures/**" --recursive test',
        'npx mocha --config test/.mocharc.json --grep "cache"',
      ],
      'allow',
    );
    expectAll(
      [
        'mocha --require /srv/hooks/preload.js test',
        'npx mocha --file ~/.hooks/setup.js',
        'mocha --config /home/u/.mocharc.js',
        'mocha -n require=/srv/preload.js',
        'mocha --inspect-brk=0.0.0.0 test',
        'mocha -O mochaFile=/root/junit.xml --reporter mocha-junit-reporter',
        'mocha --reporter /var/tmp/../../root/r.js test',
        'mocha --no-such-option test',
        'npx mocha /home/other/project/test',
      ],
      'refused',
    );
  });

  it('rspec', () => {
    expectAll(
      [
        'bundle exec rspec spec/models/order_spec.rb:88',
        'rspec --format progress --format json --out tmp/results.json',
        'rspec --tag ~slow --fail-fast',
        'rspec -Ilib:spec --require spec_helper',
        'bundle exec rspec -e "creates an order" spec/services',
        'rspec --only-failures --order defined',
        'rspec --bisect=verbose spec/models',
      ],
      'allow',
    );
    expectAll(
      [
        'rspec --require /home/u/evil_helper.rb',
        'rspec --options /srv/.rspec',
        'rspec --out=/etc/motd',
        'rspec --deprecation-out /root/.bash_profile',
        'rspec -X spec',
        'rspec --drb-port 8989',
        'rspec --seeed 1',
        'rspec -I /home/u/lib spec',
        'rspec -I../neighbour/lib spec',
      ],
      'refused',
    );
  });

  it('rubocop', () => {
    expectAll(
      [
        'rubocop',
        'bundle exec rubocop --autocorrect app lib',
        'rubocop -A --only Style/StringLiterals',
        'rubocop --format simple --fail-level warning',
        'rubocop --require rubocop-rspec spec',
        'rubocop --display-cop-names --extra-details --parallel',
      ],
      'allow',
    );
    expectAll(
      [
        'rubocop --require /srv/cops/custom.rb',
        'rubocop --config /home/u/.rubocop.yml',
        'rubocop --autocorrect-all /usr/lib/ruby/x.rb',
        'rubocop -o ~/.profile',
        'rubocop --server',
        'rubocop --cache-root /var/cache/rc',
        'rubocop --no-such-flag',
      ],
      'refused',
    );
  });

  it('phpunit', () => {
    expectAll(
      [
        'phpunit --testdox tests/Unit',
        'vendor/bin/phpunit --group slow --exclude-group network',
        'phpunit --configuration phpunit.xml.dist --coverage-clover build/clover.xml',
        'phpunit -d memory_limit=512M --stop-on-failure',
        'phpunit --coverage-text',
        'phpunit --log-junit reports/junit.xml --colors=always',
      ],
      'allow',
    );
    expectAll(
      [
        'phpunit --bootstrap /home/u/boot.php',
        'phpunit -c /srv/other/phpunit.xml',
        'phpunit -d auto_append_file=/root/a.php',
        'phpunit -d include_path=/srv/lib',
        'phpunit --coverage-html=/var/www/html/cov',
        'phpunit --coverage-text=/etc/issue',
        'phpunit --testdox-html ~/report.html',
        'phpunit --check-version',
        'phpunit --unknown-option',
        'phpunit /home/other/tests',
      ],
      'refused',
    );
  });

  it('clang-format', () => {
    expectAll(
      [
        'clang-format -i lib/util.cc lib/util.h',
        'clang-format --style=LLVM -n --Werror src/a.c',
        'clang-format -style=file:.clang-format-ci -i src/b.cpp',
        'clang-format --assume-filename=x.cpp < src/x.inc',
        'clang-format -dump-config -style=Chromium',
      ],
      'allow',
    );
    expectAll(
      [
        'clang-format -i /usr/include/stdio.h',
        'clang-format --i /root/.bashrc',
        'clang-format -i @/srv/list',
        'clang-format --plugin=/srv/p.so src/a.c',
      ],
      'refused',
    );
  });

  it('webpack', () => {
    expectAll(
      [
        'npx webpack --mode=production --config config/webpack.prod.js',
        'webpack build --progress --stats errors-only',
        'webpack --json=dist/stats.json',
        'npx webpack --entry ./src/main.ts --output-path build',
        'webpack serve --open --port 3000',
        'webpack --watch --devtool eval-source-map',
      ],
      'allow',
    );
    expectAll(
      [
        'webpack --config=/home/u/webpack.js',
        'webpack -o /var/www',
        'webpack --json=/root/stats.json',
        'webpack --output-path=$HOME/bin',
        'webpack serve --host=0.0.0.0',
        'webpack init my-app',
        'webpack --analyze',
        'npx webpack /home/other/entry.js',
        'webpack build /srv/app/src/index.js',
        'webpack --no-such-option',
      ],
      'refused',
    );
  });

  it('vite', () => {
    expectAll(
      [
        'vite',
        'npx vite build --mode staging',
        'vite build --outDir build/web --emptyOutDir',
        'npx vite dev --port 3001 --strictPort',
        'vite preview --outDir build/web',
        'vite build -c vite.lib.config.ts --sourcemap',
      ],
      'allow',
    );
    expectAll(
      [
        'vite build --outDir=/var/www/site',
        'npx vite build --config /home/u/vite.config.mjs',
        'vite dev --host',
        'vite preview --host 0.0.0.0',
        'vite /home/other/app',
        'npx vite build /srv/site',
        'vite preview /home/u/dist-app',
        'vite build --no-such-flag',
      ],
      'refused',
    );
  });

  it('rollup', () => {
    expectAll(
      [
        'rollup -c',
        'npx rollup --config rollup.config.js --bundleConfigAsCjs',
        'rollup -c -w',
        'rollup src/index.js --file dist/index.cjs --format cjs --sourcemap',
        'rollup -i src/a.js -d dist -f es',
      ],
      'allow',
    );
    expectAll(
      [
        'rollup --config /home/u/rollup.js',
        'rollup -c=/srv/r.mjs',
        'rollup -c --file /root/.bashrc',
        'rollup src/a.js -d /var/www/js',
        'rollup -c -p "evil={x: 1}"',
        'rollup --configPlugin=/srv/plugin.js -c',
        'rollup -c --unknown-option',
      ],
      'refused',
    );
  });

  it('esbuild', () => {
    expectAll(
      [
        'esbuild src/server.ts --bundle --platform=node --outfile=dist/server.js',
        'npx esbuild src/app.tsx --bundle --minify --external:react --outdir=public/js',
        'esbuild src/a.ts --define:DEBUG=false --loader:.svg=text --format=cjs --outfile=out/a.js',
        'esbuild src/cli.ts --bundle --sourcemap=inline --target=node20 --outfile=bin/cli.js',
      ],
      'allow',
    );
    expectAll(
      [
        'esbuild src/a.ts --bundle --outfile=/usr/local/bin/a.js',
        'esbuild src/a.ts --outdir=/home/u/www',
        'esbuild src/a.ts --metafile=/root/meta.json',
        'esbuild src/a.ts --serve=8000',
        'esbuild src/a.ts --unknown-flag',
        'esbuild src/a.ts --definex:A=1',
      ],
      'refused',
    );
  });

  it('meson', () => {
    expectAll(
      [
        'meson setup builddir --buildtype=debugoptimized',
        'meson setup build -Db_coverage=true -Dtests=enabled',
        'meson compile -C builddir',
        'meson test -C builddir --print-errorlogs -v',
        'meson configure builddir -Dwarning_level=3',
        'meson introspect builddir --tests',
      ],
      'allow',
    );
    expectAll(
      [
        'meson setup build -Dcpp_args=-fplugin=/srv/x.so',
        'meson setup build --native-file=/home/u/native.ini',
        'meson setup /var/tmp/../../srv/build',
        'meson setup build /home/other/src',
        'meson compile -C /srv/build',
        'meson test -C build --gdb-path /srv/gdb',
        'meson devenv -C build',
        'meson subprojects download',
        'meson setup build --no-such-option',
      ],
      'refused',
    );
  });

  it('zig', () => {
    expectAll(
      [
        'zig build',
        'zig build test -Doptimize=Debug --summary failures',
        'zig build --release=safe',
        'zig fmt --check src build.zig',
        'zig test src/tokenizer.zig',
        'zig run tools/gen.zig -- out.txt',
        'zig build-exe src/main.zig -O ReleaseFast -femit-bin=zig-out/bin/main',
      ],
      'allow',
    );
    expectAll(
      [
        'zig build --prefix=/usr',
        'zig build -p ~/bin',
        'zig build --build-runner /srv/runner.zig',
        'zig build --cache-dir /var/cache/zig',
        'zig fmt /usr/lib/zig/std/x.zig',
        'zig fetch https://example.com/pkg.tar.gz',
        'zig std',
        'zig build-exe src/main.zig -femit-bin=/root/bin/main',
        'zig test src/a.zig --test-cmd bash',
        'zig build --no-such-flag',
      ],
      'refused',
    );
  });

  it('dune', () => {
    expectAll(
      [
        'dune build',
        'dune build @install @runtest',
        'dune runtest --auto-promote',
        'dune exec bin/cli.exe -- --verbose',
        'dune build --profile=release -p mypkg',
        'dune fmt --auto-promote',
      ],
      'allow',
    );
    expectAll(
      [
        'dune build --root=/srv/proj',
        'dune build --build-dir=/var/tmp/../../root/b',
        'dune build --workspace=/home/u/dune-workspace',
        'dune runtest --diff-command=/srv/differ',
        'dune install',
        'dune top',
        'dune exec ~/bin/x.exe',
        'dune build --no-such-flag',
      ],
      'refused',
    );
  });
});
