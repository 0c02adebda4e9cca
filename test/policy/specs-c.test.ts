import { describe, expect, it } from 'vitest';
import { buildSpecs } from '../../src/policy/programs.js';
import { probeEngine } from './probe-engine.js';

/**
 * Issue 14 item 2, third batch (helper specsC, 4 Dec 2026): jest and vitest were allowed by name
 * by rule build-and-test (any option passed); each now has a complete spec in
 * policies/programs.yaml. Everyday spellings (not the ones in the corpus) stay allowed, an unknown
 * option or subcommand asks, and an option that loads code from elsewhere, writes outside the
 * workspace or listens on the network is refused. Also the spec reader's new keys `kebab_case`
 * (yargs and cac read `--test-path-pattern` as `--testPathPattern`, in the first dotted part) and
 * `no_prefix` (`--no-NAME` turns a listed option off).
 */
const { expectAll, check } = probeEngine();

describe('specsC: build-and-test programs with a complete spec', () => {
  it('jest', () => {
    expectAll(
      [
        'jest',
        'npx jest --watch',
        'jest --no-watchman --maxWorkers=50%',
        'jest --reporters=default --reporters=jest-junit',
        'jest --env=jsdom src/components/Button.test.tsx',
        'npx jest --coverage --coverage-reporters=lcov --coverage-directory=coverage/unit',
        'jest --setup-files-after-env=./jest.setup.ts',
        'jest --roots src --testMatch "**/*.spec.ts"',
        'yarn jest --bail=1 --collectCoverageFrom="src/**/*.{ts,tsx}"',
        'jest --changedSince=origin/main --ci',
      ],
      'allow',
    );
    expectAll(
      [
        'jest --setup-files-after-env=/srv/hooks/a.js',
        'jest --global-setup ~/gs.js',
        'jest --test-environment=/var/lib/env.js',
        'jest --reporters default /srv/reporter.js',
        'jest --coverage --coverage-reporters /srv/cov-reporter.js',
        'jest --json --output-file ~/.profile',
        'jest --cache-directory=/var/cache/jest',
        'jest --root-dir ../other-project',
        'jest --haste \'{"hasteImplModulePath":"/srv/h.js"}\'',
        'jest --no-such-option',
        'jest --testPathPatern foo',
        'jest /home/other/project/test',
      ],
      'refused',
    );
  });

  it('vitest', () => {
    expectAll(
      [
        'vitest',
        'npx vitest run --no-watch',
        'vitest run --coverage.thresholds.lines=80 --coverage.reportsDirectory=coverage/unit',
        'vitest --reporter=dot --reporter=github-actions',
        'vitest run --browser.headless --browser.name=chromium',
        'vitest --typecheck.only',
        'vitest run --pool-options.threads.singleThread',
        'vitest run --test-timeout=10000 --hook-timeout 30000',
        'vitest --changed=HEAD~1',
        'pnpm vitest run --outputFile.junit=reports/junit.xml --reporter=junit',
        'vitest list --json=tests.json',
        'vitest watch src/parser',
        // (a first word that names no subcommand is a filter: tests whose path holds `install`)
        'vitest install',
      ],
      'allow',
    );
    expectAll(
      [
        'vitest run --coverage.reports-directory=/etc/cov',
        'vitest --root=/srv/app',
        'vitest run -c ~/vitest.config.ts',
        'vitest run --reporters /usr/../srv/r.js',
        'vitest run --output-file.json=/etc/x.json',
        'vitest --api.host=0.0.0.0 --ui',
        'vitest --api.allow-write',
        'vitest run --inspect-brk',
        'vitest run --exec-argv --import=/srv/x.mjs',
        'vitest run --environment=/srv/env.ts',
        'vitest list --json=/etc/tests.json',
        'vitest run --no-such-flag',
        'vitest init browser',
      ],
      'refused',
    );
  });

  it('bun', () => {
    expectAll(
      [
        'bun i',
        'bun install --production --no-progress',
        'bun add react@18 react-dom@18',
        'bun --hot run dev',
        'bun ./scripts/build.ts --prod',
        'bun run dev -- --port 3000',
        'bun test --bail=2 --rerun-each 3',
        'bun test --coverage --coverage-reporter=lcov --coverage-dir=coverage',
        'bun build --target=bun --outfile=dist/server.js src/server.ts',
        'bun pm pkg get name',
        'bun -e "console.log(Bun.version)"',
        'bun x vitest run',
        'bun run --preload ./instrument.ts start',
      ],
      'allow',
    );
    expectAll(
      [
        'bun run dev /srv/x',
        'bun ./scripts/build.ts --config=/root/other.js',
        'bun pm cache rm',
        'bun pm pkg set scripts.test="node x.js"',
        'bun --no-such index.ts',
        'bun install --trust',
        'bun add -g typescript',
        'bun --require=/var/lib/x.js index.ts',
        'bun test --reporter-outfile ~/.bashrc',
        'bun build src/index.ts --outdir=../../srv/www',
        'bun --tsconfig-override /srv/tsconfig.json index.ts',
        'bun --cpu-prof-dir /etc/prof index.ts',
        'bun x vitest --api.host 0.0.0.0',
        'bun pm version patch',
        'bun init -y',
        "bun --smol -e \"Bun.write('/etc/x', 'y')\"",
      ],
      'refused',
    );
  });

  it('the spec reader: kebab_case and no_prefix', () => {
    const specs = buildSpecs({
      programs: {
        t: {
          long_abbrev: false,
          kebab_case: true,
          no_prefix: true,
          options: { '--maxWorkers --pool.threadCount': 'value', '--cache': 'flag', '--outputDir': 'write' },
        },
        u: { long_abbrev: false, options: { '--maxWorkers': 'value', '--cache': 'flag' } },
      },
    });
    expect(specs.get('t')!.kebabCase).toBe(true);
    expect(specs.get('u')!.kebabCase).toBe(false);
    expect(specs.get('u')!.noPrefix).toBe(false);
    // the engine's spec for jest reads both spellings alike
    expect(check('jest --max-workers=2').decision).toBe('allow');
    expect(check('jest --maxWorkers=2').decision).toBe('allow');
    // a later dotted part keeps its spelling (cac camel-cases the first part only)
    expect(check('vitest run --coverage.reportsDirectory=cov').decision).toBe('allow');
    expect(check('vitest run --coverage.reports-directory=cov').decision).not.toBe('allow');
    // `--no-NAME` of a listed option is a flag; of an unlisted one asks
    expect(check('jest --no-coverage').decision).toBe('allow');
    expect(check('jest --no-nosuch').decision).not.toBe('allow');
  });
});
