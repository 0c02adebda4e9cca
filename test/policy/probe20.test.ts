import { describe, expect, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Classes helper `benign`'s probe 20 (4 Dec, everyday work in Rust, Ruby, Java/Maven, Bazel, C/C++,
 * Swift, .NET, Elixir, Haskell, PHP, Python data science and JS monorepos) found refused without
 * cause: an option's value attached and only known when it runs (`cmake --build build -j$(nproc)`),
 * `cargo rustc`/`cargo rustdoc` with the compiler's harmless flags after `--`, cargo-minimal-versions
 * and cargo-check-external-types, Bazel's `mod` commands and `--test_summary`, Aspect's CLI, YARD, and
 * Maven's formatter, prettier and site goals. Each class is tested both ways with spellings not in
 * the probe: what must stay refused (programs run, code loaded, paths written or read from elsewhere,
 * servers, deploys) and everyday neighbours. The glued-value reading also closed holes main had:
 * `go test -exec=$X`, `go build -o=$OUT`, `cargo build --manifest-path=$M` were allowed (the word was
 * an operand, whatever the option did), while `-exec $X` asked.
 */
const { expectAll, check } = probeEngine();

describe('an option with its value attached and only known when it runs', () => {
  it('is the option when its value names nothing', () => {
    expectAll(
      [
        'cmake --build out --parallel=$(nproc)',
        'cmake --build _build --config Release -j"$(nproc)"',
        'mvn -T$(nproc) -q verify',
        'cmake --build build --target=$TARGET',
        'go test -count=$COUNT -run=TestParse ./...',
        'cargo build --jobs=$(nproc) --release',
        'ctest --test-dir build -j$(getconf _NPROCESSORS_ONLN) --output-on-failure',
      ],
      'allow',
    );
  });
  it('decides the option’s effect on the unknown value, as for the separate spelling', () => {
    expectAll(
      [
        'go test -exec=$X ./...',
        'go test -toolexec=$(command -v wrap) ./...',
        'go vet -vettool=$V ./...',
        'go build -o=$OUT .',
        'cargo build --manifest-path=$M',
        'cargo build --target-dir=$D',
        'cargo build --config=$C',
        'make -f$(echo /tmp/x)',
        'cp -t$D a.txt',
        'pip install -r$REQ',
        'tar -cf$OUT src',
        'node --test --test-reporter=$R',
        'cmake -DCMAKE_TOOLCHAIN_FILE=$TC -S . -B build',
        'cmake --build build -j$(rm -rf ~)',
      ],
      'refused',
    );
  });
  it('leaves patterns and sed/awk scripts as they were: the option changes what the operands are', () => {
    expect(check('grep -e"$P" /root/.ssh/id_rsa').decision).not.toBe('allow');
    expect(check('sed -e"$S" /etc/shadow').decision).not.toBe('allow');
    expectAll(['grep -e"$PATTERN" src/app.py', 'ls -w$COLUMNS src'], 'allow');
  });
});

describe('cargo rustc, rustdoc, minimal-versions and check-external-types', () => {
  it('allows them with the compiler’s harmless flags after `--`', () => {
    expectAll(
      [
        'cargo rustc --lib -- -D warnings',
        'cargo rustdoc -p mycrate -- --cfg docsrs -Zunstable-options',
        'cargo rustc --release -- -C target-cpu=native -C opt-level=3',
        'cargo rustdoc --all-features -- --document-private-items --generate-link-to-definition',
        'cargo rustc --lib --crate-type staticlib',
        'cargo minimal-versions build --workspace',
        'cargo minimal-versions test --direct --features full',
        'cargo check-external-types --all-features',
      ],
      'allow',
    );
  });
  it('refuses flags that run or load programs, argument files and writes elsewhere', () => {
    expectAll(
      [
        'cargo rustc -- -C linker=/srv/cc',
        'cargo rustc -- -Clinker=/srv/cc',
        'cargo rustc -- -C link-arg=-fuse-ld=/srv/ld',
        'cargo rustdoc -- --runtool /srv/x',
        'cargo rustc -- --extern m=/srv/libm.so',
        'cargo rustc -- @/srv/args',
        'cargo rustc -- -Z codegen-backend=/srv/b.so',
        'cargo rustc -- -L /srv/lib',
        'cargo rustc -- --emit=asm -o /etc/x',
        'cargo rustdoc -- $FLAGS',
        'cargo rustc --print cfg=/etc/x',
        'cargo rustc --target-dir /etc/t',
        'cargo minimal-versions check --manifest-path /srv/x/Cargo.toml',
        'cargo check-external-types --config /root/.aws/credentials',
        'rustc @/srv/args x.rs',
        'rustc -Z codegen-backend=/srv/b.so x.rs',
        'rustdoc --test --runtool /srv/x src/lib.rs',
      ],
      'refused',
    );
    expectAll(
      ['rustc --edition 2021 --crate-type lib src/lib.rs', 'rustc -O src/main.rs -o target/main'],
      'allow',
    );
  });
});

describe('Bazel’s mod commands and test options, and Aspect’s CLI', () => {
  it('allows the module graph, test summaries and aspect build/test/query', () => {
    expectAll(
      [
        'bazel mod graph',
        'bazel mod deps rules_go --depth 2',
        'bazel mod explain rules_cc',
        'bazel mod show_repo @rules_python',
        'bazel test //... --test_summary=short',
        'bazel test --local_test_jobs=4 //tests:all',
        'aspect test //pkg/...',
        'aspect build //:all --config=ci',
        'aspect query "deps(//app)"',
      ],
      'allow',
    );
  });
  it('refuses runners, rc files, injected variables, Aspect’s own commands and outside writes', () => {
    expectAll(
      [
        'aspect run //:x --run_under=/tmp/sh',
        'aspect build --bazelrc=/srv/rc //...',
        'aspect test --test_env=LD_PRELOAD=/root/x.so //...',
        'aspect init',
        'aspect lint //...',
        'bazel --output_base=/etc/x mod graph',
        'bazel mod tidy --override_module=x=/srv/m',
        'bazel mod upgrade',
      ],
      'refused',
    );
  });
});

describe('YARD', () => {
  it('allows documentation builds and statistics of the project', () => {
    expectAll(
      [
        'yardoc lib/**/*.rb',
        'bundle exec yard doc --fail-on-warning --no-progress',
        'yard stats --list-undoc --compact',
        'yard list',
        'yard doc -o doc/api --markup markdown',
        'bin/yard doc --no-cache',
      ],
      'allow',
    );
  });
  it('refuses servers, code and plugins it loads, queries, and reads or writes elsewhere', () => {
    expectAll(
      [
        'yard server --reload',
        'yard doc -e /srv/x.rb',
        'yard doc --plugin evil',
        "yard stats --query 'object.name == :x'",
        'yard doc -o /etc/www',
        'yardoc --db /etc/yardoc',
        'yard doc --readme ~/.ssh/id_rsa',
        'yardoc ~/.ssh/id_rsa',
        'yard config -a autoload_plugins foo',
        'yard gems',
        'yardoc -p /srv/templates',
        'yard doc --asset /root/.ssh:keys',
      ],
      'refused',
    );
  });
});

describe('Maven formatter, prettier and site goals', () => {
  it('allows formatting and the site’s reports', () => {
    expectAll(
      [
        'mvn formatter:validate',
        'mvn -B prettier:check',
        './mvnw site -DskipTests',
        'mvn site:site',
        'mvn -q formatter:format',
      ],
      'allow',
    );
  });
  it('refuses deploying or serving the site, and the programs prettier runs from elsewhere', () => {
    expectAll(
      [
        'mvn site-deploy',
        'mvn site:deploy',
        'mvn site:stage-deploy',
        'mvn site:run',
        'mvn prettier:write -Dprettier.nodePath=/srv/node',
        'mvn prettier:check -Dprettier.npmPath=/srv/npm',
      ],
      'refused',
    );
  });
});
