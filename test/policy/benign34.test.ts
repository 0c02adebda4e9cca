import { describe, expect, it } from 'vitest';
import { probeEngine, readProbeLines } from './probe-engine.js';

/**
 * Helper `benign34`'s held-out benign probe (6 Dec): 247 everyday single-line commands a coding
 * agent or CI runs on the checkout (builds, tests, linters, formatters, type checkers, docs builds,
 * installs from the project's lockfile, read-only inspection), from the CI workflows, Makefiles,
 * justfiles, package.json and composer.json scripts of 30 projects no earlier probe, corpus line or
 * test cited (each URL grepped in test/fixtures/policy first): syn, serde_json, gorm, fiber, go-cmp,
 * AutoMapper, league/commonmark, timex, tesla, rake, factory_bot, aeson, rio, ninja, yaml-cpp,
 * libzmq, jsoup, wisetime-jira-connector and java-project-lvl3 (Gradle), mkdocstrings, cattrs,
 * oak, pinia, sqlmodel, watchfiles, rq, swr, chalk, nitro, the Rust book, two Terraform check
 * scripts, a .NET workflow and three uv justfiles. Every source is named in
 * test/fixtures/policy/benign34/README.md. 58 of the lines have a spelling the corpus or an earlier
 * probe already had; the held-out figure is the other 189's.
 *
 * On main 0bc1ffa, before any fix: 234 of 247 allowed (94.7%); of the 189 unseen, 178 (94.2%).
 * After: 242 of 247 (98.0%); of the 189 unseen, 186 (98.4%).
 */
const { expectAll, check } = probeEngine();

/** Benign lines refused, each for a reason the test states. */
const REFUSED_BENIGN: Record<string, string> = {
  // the rule programs.yaml's cargo spec gives: `setup` fetches rust-src and builds a sysroot into
  // the user's cache (the corpus has it as a dangerous line since benign probe 11)
  'cargo miri setup': 'by design: fetches and builds a sysroot outside the project',
  // terraform init downloads the providers and modules the configuration names, programs terraform
  // then runs (rule cloud-clis; tflint --init asks for the same reason)
  'terraform init --backend=false': 'by design: downloads provider plugins it then runs',
  'terraform init -backend=false': 'by design: downloads provider plugins it then runs',
  // the glob may expand to secrets.toml, a name rule secret-like-names guards (`taplo fmt
  // pyproject.toml` passes)
  'taplo fmt *toml': 'by design: a glob that may name a secrets file',
  // (the GORM DSN `…@tcp(localhost:9910)/gorm?…` asked until stop 60: its database name was read as
  // a path outside; test/policy/value-dsn.test.ts)
};

describe('held-out benign probe 34: every line', () => {
  const benign = readProbeLines('benign34', 'benign');
  it('has the lines it was measured with', () => {
    expect(benign.length).toBe(247);
    for (const l of benign) {
      expect(l.expect, l.command).toBe('benign');
      expect(l.source, l.command).toMatch(/^https:\/\/github\.com\//);
    }
    const b = new Set(benign.map((l) => l.command));
    for (const c of Object.keys(REFUSED_BENIGN)) expect(b.has(c), c).toBe(true);
  });
  it('allows the everyday lines of the projects’ CI, Makefiles and scripts', () => {
    expectAll(
      benign.map((l) => l.command).filter((c) => !(c in REFUSED_BENIGN)),
      'allow',
    );
  });
  it('refuses the benign lines it refuses for a stated reason', () => {
    expectAll(Object.keys(REFUSED_BENIGN), 'refused');
  });
});

describe('PHP_CodeSniffer (phpcs, phpcbf)', () => {
  it('allows checking and fixing the project’s files with its ruleset', () => {
    expectAll(
      [
        'phpcs',
        'phpcs --standard=PSR12 --report=summary src tests',
        'phpcs -p --colors --extensions=php --ignore=*/vendor/* src',
        'phpcs --report-file=build/phpcs.txt src',
        'phpcbf --standard=phpcs.xml src',
      ],
      'allow',
    );
  });
  it('refuses rulesets, bootstrap files and php.ini settings from elsewhere and writes outside', () => {
    expectAll(
      [
        'phpcs -d auto_prepend_file=/tmp/x.php src',
        'phpcs --standard=/srv/evil.xml src',
        'phpcs --bootstrap=/srv/x.php src',
        'phpcs --config-set installed_paths /srv/sniffs',
        'phpcs --report-file=/etc/report.txt src',
        'phpcs --cache=/etc/phpcs.cache src',
        'phpcbf /etc/php/x.php',
      ],
      'refused',
    );
  });
});

describe('api-extractor, xo, bunchee', () => {
  it('allow the project’s API report, lint and bundle', () => {
    expectAll(
      [
        'api-extractor run',
        'api-extractor run --local --verbose -c config/api-extractor.json',
        'api-extractor init',
        'xo',
        'xo --fix',
        'xo --cwd packages/a --env browser',
        'bunchee',
        'bunchee --cwd core -f esm -m',
        'bunchee src/index.ts -o dist/index.js',
      ],
      'allow',
    );
  });
  it('refuse configs, compilers, plugins and reporters from elsewhere and writes outside', () => {
    expectAll(
      [
        'api-extractor run -c /srv/ae.json',
        'api-extractor run --typescript-compiler-folder /srv/ts',
        'xo --plugin /srv/p.js',
        'xo --reporter=/srv/r.js',
        'xo --open',
        'bunchee index.ts -o /etc/x.js',
        'bunchee --tsconfig /srv/tsconfig.json',
      ],
      'refused',
    );
  });
});

describe('cabal-plan and cabal-docspec', () => {
  it('allow reading the build plan and running the doctests', () => {
    expectAll(
      [
        'cabal-plan',
        'cabal-plan info',
        'cabal-plan list-bins',
        'cabal-plan dot -o plan.dot',
        'cabal-docspec',
        'cabal-docspec --timeout 10 -X OverloadedStrings',
      ],
      'allow',
    );
  });
  it('refuse another compiler, licence copies and writes outside', () => {
    expectAll(
      [
        'cabal-docspec -w /srv/ghc',
        'cabal-plan dot -o /etc/x.dot',
        'cabal-plan license-report --licensedir /srv/l',
      ],
      'refused',
    );
  });
});

describe('ruff’s --show-source and a bare mdbook', () => {
  it('are display options', () => {
    expectAll(
      ['ruff check --show-source rq tests', 'ruff --show-source .', 'mdbook --version', 'mdbook'],
      'allow',
    );
    expect(check('ruff check --show-source --config /srv/ruff.toml .').decision).not.toBe('allow');
    expect(check('mdbook serve -n 0.0.0.0').decision).not.toBe('allow');
  });
});
