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
