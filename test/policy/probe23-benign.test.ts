import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Classes helper `benign23`'s probe 23 (4 Dec: 213 held-out everyday lines from the CONTRIBUTING
 * guides, Makefiles and CI workflows of Ruff, pydantic, gh, RuboCop, pytest, Vite, Tokio, Hugo,
 * Django, TypeScript, Neovim, Rails, OkHttp, Laravel, ripgrep, Prometheus, mypy, Vue, Spring Boot,
 * curl, ESLint, Prettier, Redis, Kafka, Clippy, Next.js, NumPy, pandas, Svelte, Jekyll, bat,
 * Symfony, fmt, Node.js, pip, Kotlin, Black, Terraform and Cargo) found refused without cause:
 * Gradle's archive, documentation, distribution, native-image, IDE-file and dependency-report tasks
 * and `--write-verification-metadata`, antfu/ni's `nr SCRIPT` (Vue's guide), the program's words
 * after `cargo run`'s first operand without `--` (clap's trailing arguments), and git config keys of how the checkout's paths are handled
 * (`core.longpaths`), also spelled in another case as git folds them. Each class is tested both
 * ways with spellings not in the probe. What stays refused is listed in LEFT, each with its cause.
 */
const { expectAll, check } = probeEngine();

/** Probe lines still refused, each for a cause the README's Measured line gives. */
const LEFT = new Set([
  // the project's cargo aliases (.cargo/config.toml's [alias]), not told from an installed
  // cargo-NAME plugin (cargo-release publishes) without reading that file
  'cargo dev print-ast resources/test/fixtures/pycodestyle/E402.py',
  'cargo uitest',
  'TESTNAME="test_" cargo uitest',
  'cargo dev dogfood',
  'cargo bless',
  'cargo dev fmt',
  'cargo dev update_lints',
  'cargo lintcheck',
  'cargo stale-label',
  'cargo lint-docs --check',
  // no spec: pprof can fetch profiles from hosts and serve a UI; promu's `release` uploads
  'go tool pprof -svg ./promtool ./benchout/cpu.prof > ./benchout/cpuprof.svg',
  'promu build --prefix .',
  // task names of the release and publish classes, kept strict
  './gradlew clean releaseTarGz',
  './gradlew -PskipSigning=true :streams:publishToMavenLocal',
  // scan-build's analyzer is a program it runs: a compiler from /tmp is refused (probe 21), and
  // the image's is not yet told apart from it for this option
  'scan-build --use-analyzer=/usr/bin/clang make',
  // the diff's entries cannot be read before it runs (the file is not there)
  'patch -sp1 < .github/expected-missing-return-types.diff',
  // a cd into a directory only known when it runs
  `for dir in $(go list -m -f '{{.Dir}}' github.com/hashicorp/terraform/...); do (cd $dir && go test -cover "./..."); done`,
  // a CARGO_* name in cargo's settings space (a test knob of cargo's own test suite)
  'CARGO_RUN_BUILD_STD_TESTS=1 cargo test -p cargo --test build-std',
  // the package tox installs is only known when it runs
  'tox run -e py314-coverage --installpkg `find dist/*.tar.gz`',
  'tox run -e plugins --installpkg `find dist/*.tar.gz`',
]);

describe('the probe’s lines', () => {
  const lines = readFileSync(new URL('../fixtures/policy/corpus.jsonl', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { command: string; class: string })
    .filter((e) => e.class === 'everyday: held-out agent commands (benign probe 23)')
    .map((e) => e.command);

  it('are allowed, but for the ones left', () => {
    expect(lines.length).toBeGreaterThanOrEqual(200);
    expectAll(
      lines.filter((l) => !LEFT.has(l)),
      'allow',
    );
  });

  it('left refused are among the probe’s lines and still refused', () => {
    for (const l of LEFT) expect(lines).toContain(l);
    expectAll([...LEFT], 'refused');
  });
});

describe('Gradle tasks that build in the project', () => {
  it('archives, documentation, distributions, native images, IDE files, dependency reports', () => {
    expectAll(
      [
        './gradlew sourcesJar',
        './gradlew :lib:javadocJar',
        'gradle shadowJar testFixturesJar',
        './gradlew dokkaHtml',
        './gradlew groovydoc',
        './gradlew :app:installDist',
        './gradlew nativeCompile',
        './gradlew nativeRun',
        './gradlew cleanIdea idea',
        './gradlew cleanEclipse eclipseClasspath',
        './gradlew printDependencies',
        './gradlew :core:allDeps',
        './gradlew --write-verification-metadata sha256,pgp help',
        './gradlew --write-verification-metadata sha256 --export-keys dependencies',
        './gradlew install -x test',
      ],
      'allow',
    );
  });

  it('but not publishing, uploading, signing or deploying ones, nor an unknown task', () => {
    expectAll(
      [
        './gradlew publishJar',
        './gradlew signJar',
        './gradlew uploadArchivesJar',
        './gradlew deployDist',
        './gradlew publishToMavenLocal',
        './gradlew releaseDist',
        './gradlew distribute',
        './gradlew uploadDependencies',
        './gradlew jibDockerBuild',
        './gradlew installOnDevice',
      ],
      'refused',
    );
  });
});

describe('antfu/ni’s nr and nci', () => {
  it('run the project’s package.json scripts and install its locked dependencies', () => {
    expectAll(
      [
        'nr build',
        'nr lint --fix',
        'nr test -- --coverage',
        'nr dev runtime-dom -f esm-bundler',
        'nr -C packages/core test',
        'nci',
      ],
      'allow',
    );
  });

  it('but a publishing script is the publish rule’s, and a directory outside asks', () => {
    expectAll(
      ['nr release', 'nr publish --access public', 'nr deploy', 'nr -C /root/x build', 'nci -C ../other'],
      'refused',
    );
  });
});

describe('cargo run’s trailing arguments', () => {
  it('are the program’s after its first word, as clap reads them', () => {
    expectAll(
      [
        'cargo run src/lib.rs --check --verbose',
        'cargo r -p cli -- --help',
        'cargo run --release fixtures/a.txt -o out.txt',
        'cargo run --bin xtask codegen --target-dir /tmp/t',
      ],
      'allow',
    );
  });

  it('but cargo’s own options before it are still decided', () => {
    expectAll(
      [
        'cargo run --target-dir /etc/t x',
        'cargo run --manifest-path ../other/Cargo.toml x',
        'cargo run --config target.x86_64-unknown-linux-gnu.runner=/tmp/r x',
        'cargo run --unknown-option x',
      ],
      'refused',
    );
  });
});

describe('git config keys', () => {
  it('of how the checkout’s paths are handled, in any case git folds', () => {
    expectAll(
      [
        'git config core.longPaths true',
        'git config --local core.symlinks false',
        'git config core.precomposeUnicode true',
        'git config core.untrackedCache true',
        'git config Init.DefaultBranch main',
        'git config USER.NAME "A U Thor"',
      ],
      'allow',
    );
  });

  it('but keys that run programs stay refused in any case', () => {
    expectAll(
      [
        'git config core.hooksPath .githooks',
        'git config CORE.PAGER "less -R"',
        'git config Core.SshCommand "ssh -i key"',
        'git config core.fsmonitor true',
        'git config Alias.st status',
      ],
      'refused',
    );
    expect(check('git config core.longpaths true').decision).toBe('allow');
  });
});
