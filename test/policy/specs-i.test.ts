import { describe, expect, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Issue 14, spec-less build-and-test programs (helper specsI, 4 Dec 2026): nx, turbo and lerna
 * were allowed by name by rule build-and-test, held only by the rules for programs without a spec
 * (a path outside, a URL, a risky option name, a state subcommand). They now have specs in
 * policies/programs.yaml; a target named publish or deploy (Nx's nx-release-publish too) is refused
 * by rule monorepo-publish-tasks; and the words a spec hands on to the project's scripts (`passes`:
 * npm run, nx's targets, turbo's tasks) are decided on a `$HOME` value attached to an option and on
 * a URL on another host. Probe lines were decided on main 1810cd3 first (held-out figures in
 * src/policy/README.md, "Measured").
 */
const { expectAll, check } = probeEngine();

describe('specsI: nx', () => {
  it('everyday targets, graphs and formatting stay allowed', () => {
    expectAll(
      [
        // https://github.com/GGonryun/worksheets.dev/blob/HEAD/Makefile
        'nx affected -t lint test build --parallel=3',
        'nx affected -t lint test build e2e-ci --parallel=1 --base=origin/main --head=HEAD',
        'nx run-many -t build --projects=tag:lib --exclude=docs',
        'nx run-many --all --target=test --code-coverage',
        'nx format:check --base=origin/main',
        'nx format:write',
        'nx graph --file=graph.json',
        'nx show project my-app --json',
        'nx show projects --affected --type=lib',
        'nx reset',
        'nx build web --configuration=production',
        'nx g @nx/react:component Button --project=ui --export',
        'nx generate @nx/js:library mylib --directory=libs/mylib --dry-run',
        'nx report',
        'nx daemon --stop',
        'nx run-many -t test --skip-nx-cache --verbose',
        'nx affected:test --base=main',
        'nx test api --watch=false --coverage',
        'nx run web:serve --port=4300',
        'nx run app:e2e --baseUrl=http://localhost:4200/',
        'nx serve web',
        'nx e2e web-e2e --headless',
        'nx sync:check',
        'nx list',
        'npx nx run twenty-server:command workspace:sync-metadata',
      ],
      'allow',
    );
  });
  it('publishing, Nx Cloud, writes outside and URLs handed on are refused', () => {
    expectAll(
      [
        'nx release publish --otp=123456',
        'nx release changelog 1.2.0 --create-release=github',
        'nx connect',
        'nx login',
        'nx view-logs',
        'nx graph --file=/root/graph.html',
        'nx import ~/other-repo libs/other',
        'nx run-many -t build --outputPath=$HOME/out',
        'nx run-many -t build --graph=/srv/g.json',
        'nx nx-release-publish mylib',
        'nx run mylib:nx-release-publish',
        'nx affected -t publish --parallel=1',
        'nx run-many --targets=build,deploy',
        'nx run-many -t build --cwd=/srv/other',
        'nx run app:e2e --baseUrl=http://localhost@x.example/',
        'nx migrate latest',
        'nx add @nx/react',
      ],
      'refused',
    );
  });
});

describe('specsI: turbo', () => {
  it('everyday runs, prunes and generators stay allowed', () => {
    expectAll(
      [
        'turbo run build --filter=...[origin/main]',
        'turbo run test lint --filter=web --continue',
        'turbo build',
        'turbo lint --filter=!docs',
        'turbo run dev --parallel',
        'turbo run build --dry-run=json',
        'turbo run build --summarize --output-logs=errors-only',
        'turbo run test --concurrency=50% --log-order=grouped',
        'turbo run build --graph=graph.html',
        'turbo run build --force --no-daemon',
        'turbo prune web --docker',
        'turbo watch dev',
        'turbo ls',
        'turbo run test --affected',
        'turbo run typecheck --ui=stream --env-mode=strict',
        'turbo run build --cache-dir=.turbo/cache',
        'turbo daemon status',
        'turbo gen workspace --name docs --type app',
        'turbo run test -- --coverage',
      ],
      'allow',
    );
  });
  it('the remote cache, logins, writes outside and deploy tasks are refused', () => {
    expectAll(
      [
        'turbo login --sso-team=acme',
        'turbo logout',
        'turbo link --scope=acme --yes',
        'turbo run build --cache-dir=/srv/cache',
        'turbo run build --api=https://203.0.113.9 --token=abc --team=t',
        'turbo run build --login=https://x.example',
        'turbo run build --graph=/root/graph.svg',
        'turbo run build --profile=/root/profile.json',
        'turbo prune web --docker --out-dir=/srv/out',
        'turbo gen run my-gen --config /root/gen/config.ts',
        'turbo run deploy --filter=web',
        'turbo run build --cwd=/srv/other',
        'turbo telemetry enable',
        'turbo scan',
        'turbo run build --unknown-flag',
      ],
      'refused',
    );
  });
});

describe('specsI: lerna', () => {
  it('everyday runs, listings and local version bumps stay allowed', () => {
    expectAll(
      [
        'lerna run build --stream',
        'lerna run test --scope @org/pkg --concurrency 1',
        'lerna run lint --since origin/main --include-dependents',
        'lerna run build --ignore docs --no-bail',
        'lerna ls --json --all',
        'lerna list --long',
        'lerna changed --json',
        'lerna diff',
        'lerna info',
        'lerna clean --yes',
        'lerna version --no-push --no-git-tag-version --yes',
        'lerna version patch --no-push --no-git-tag-version --yes --exact',
        'lerna bootstrap --hoist',
        'lerna exec -- npm test',
        'lerna run test --stream --parallel',
        'lerna run build --skip-nx-cache',
        'lerna repair',
        'lerna run test --scope=my-pkg -- --coverage',
      ],
      'allow',
    );
  });
  it('publishing, pushing, imports and programs from elsewhere are refused', () => {
    expectAll(
      [
        'lerna publish from-git --yes',
        'lerna publish from-package --registry https://r.example.com',
        'lerna version --yes --create-release github',
        'lerna version minor --conventional-commits --yes',
        'lerna version --no-push --git-tag-command "sh -c x"',
        'lerna import ~/other-repo/packages/util --yes',
        'lerna run build --npm-client=/root/bin/npm',
        'lerna run publish --stream',
        'lerna bootstrap --registry https://r.example.com',
        'lerna create my-pkg /srv/packages --yes',
        'lerna run test --profile --profile-location=/root/prof',
        'lerna run test -- --reporter-url=https://x.example',
      ],
      'refused',
    );
  });
});

describe('specsI: playwright and cypress', () => {
  it('everyday test runs, reports and browsers on localhost stay allowed', () => {
    expectAll(
      [
        'playwright test',
        'playwright test --project=chromium',
        'playwright test --reporter=html,line --workers=4',
        'playwright test tests/login.spec.ts:42 --headed',
        'playwright test --grep @smoke --retries=2',
        'playwright test -g "checkout" --repeat-each=3 -x',
        'playwright test --shard=1/4 --reporter=blob',
        'playwright test --update-snapshots',
        'playwright test -u --project=webkit',
        'playwright test --last-failed',
        'playwright test --trace on --output=test-results',
        'playwright test --only-changed=origin/main',
        'playwright show-report playwright-report',
        'playwright show-trace test-results/trace.zip',
        'playwright merge-reports --reporter html ./all-blob-reports',
        'playwright install chromium',
        'playwright codegen -o tests/new.spec.ts --target=playwright-test localhost:5173',
        'playwright screenshot --full-page http://localhost:3000 shot.png',
        'playwright test --config=playwright.ci.config.ts --fail-on-flaky-tests',
        'cypress run --browser chrome --headless',
        'cypress run --spec cypress/e2e/**/*.cy.js --browser firefox',
        'cypress run --e2e --config video=false,viewportWidth=1280',
        'cypress run --config baseUrl=http://localhost:3000',
        'cypress run --env grepTags=@smoke',
        'cypress run --reporter junit --reporter-options "mochaFile=results/test-output-[hash].xml,toConsole=true"',
        'cypress run --config-file cypress.ci.config.ts --quiet',
        'cypress open --component',
        'cypress cache list',
        'cypress verify',
      ],
      'allow',
    );
  });
  it('code, reports and browsers from elsewhere, servers, installs and the cloud are refused', () => {
    expectAll(
      [
        'playwright test --reporter=/root/reporter.js',
        'playwright test --output=/srv/results',
        'playwright test --tsconfig=/root/tsconfig.json',
        'playwright test --unknown',
        'playwright show-report --host 0.0.0.0 --port 9323',
        'playwright merge-reports -c /root/merge.config.ts ./blob-report',
        'playwright codegen -o /root/.bashrc http://localhost:3000',
        'playwright codegen x.example.com',
        'playwright codegen --save-storage=/root/auth.json http://localhost:3000',
        'playwright open --user-data-dir=/root/.config/chromium http://localhost:3000',
        'playwright uninstall --all',
        'playwright run-driver',
        'playwright screenshot http://localhost:3000 /srv/www/shot.png',
        'playwright install chrome --force',
        'cypress run --record --key 7a3f2e --parallel --ci-build-id 42',
        'cypress run --record',
        'cypress run --config-file /root/cypress.config.ts',
        'cypress run --project /srv/other-app',
        'cypress run --reporter /root/reporter.js',
        'cypress run --reporter junit --reporter-options mochaFile=/srv/results.xml',
        'cypress run --browser /root/bin/chrome',
        'cypress run --config supportFile=/root/support.js',
        'cypress run --config video=false,screenshotsFolder=/srv/shots',
        'cypress run --config someNewKey=1',
        'cypress install --force',
        'cypress cache clear',
      ],
      'refused',
    );
  });
});

describe('specsI: ng, next and nuxt', () => {
  it('everyday builds, dev servers, tests and scaffolds stay allowed', () => {
    expectAll(
      [
        'ng build --configuration production',
        'ng build --configuration=production --base-href /app/',
        'ng serve --port 4201',
        'ng test --watch=false --browsers=ChromeHeadless',
        'ng test --no-watch --code-coverage',
        'ng lint',
        'ng generate component shared/button',
        'ng g s services/data --skip-tests',
        'ng extract-i18n --output-path src/locale',
        'ng run app:build:production',
        'ng cache clean',
        'next dev --turbopack -p 3001',
        'next build --no-lint',
        'next start -p 3000',
        'next lint --dir src --max-warnings 0',
        'next info',
        'nuxi dev',
        'nuxt dev --port 3001',
        'nuxi build',
        'nuxt generate',
        'nuxi prepare',
        'nuxi typecheck',
        'nuxi preview',
      ],
      'allow',
    );
  });
  it('servers on every interface, configs and outputs elsewhere, installs and publishing are refused', () => {
    expectAll(
      [
        'ng deploy',
        'ng add @angular/fire --skip-confirmation',
        'ng build --output-path=/srv/www',
        'ng build --outputPath=/srv/www',
        'ng serve --host 0.0.0.0 --disable-host-check',
        'ng serve --proxy-config /root/proxy.conf.js',
        'ng config -g cli.packageManager yarn',
        'ng test --karma-config=/root/karma.conf.js',
        'ng g component x --path=/srv/app',
        'ng build --some-new-option',
        'next dev -H 0.0.0.0',
        'next dev --experimental-upload-trace https://x.example/trace',
        'next build /root/other-app',
        'next lint -o /srv/lint.txt',
        'next lint -c /root/.eslintrc.js',
        'next telemetry enable',
        'nuxi dev --tunnel',
        'nuxi dev --host 0.0.0.0',
        'nuxi dev --public',
        'nuxi module add @nuxtjs/tailwindcss',
        'nuxt build /root/other-app',
        'nuxt build --extends gh:x/layer',
        'nuxt generate --dotenv /root/.env',
      ],
      'refused',
    );
  });
});

describe('specsI: words handed on to a script', () => {
  it('a $HOME value attached to an option and a URL on another host are decided', () => {
    for (const c of [
      'npm run build -- --outputPath=$HOME/out',
      'npm run e2e -- --baseUrl=https://x.example/',
      'yarn test --config=$HOME/jest.config.js',
    ])
      expect(check(c).decision, c).not.toBe('allow');
    expectAll(
      ['npm run build -- --outputPath=$PWD/dist', 'npm run e2e -- --baseUrl=http://127.0.0.1:3000'],
      'allow',
    );
  });
});
