import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * `pnpm NAME args…`, `yarn NAME args…`, `bun NAME args…` where NAME is none of the manager's
 * commands runs the project's script NAME, or else the program NAME from node_modules/.bin
 * (programs.yaml runners' `script_bins`). It was taken for a script only, so deploys and
 * publishes behind it were allowed (`pnpm vercel deploy --prod`, `yarn changeset publish`; helper
 * probe29 found `pnpm prisma migrate reset --force`). The words are now decided as that program
 * too: what the program's rules and spec refuse is refused; a program no rule covers is the
 * project's script (rule project-script), and so is a program whose spec has commands given a
 * file where its command goes (`yarn perf my.js`, Prettier's script, not Linux perf).
 */
const { expectAll } = probeEngine();

describe("a package manager's implicit run: the script, or the dependency's program", () => {
  it('refuses what a rule refuses for that program', () => {
    expectAll(
      [
        'pnpm vercel deploy --prod',
        'yarn netlify deploy --prod --dir build',
        'bun firebase deploy',
        'pnpm --filter web wrangler deploy',
        'yarn changeset publish',
        'pnpm lerna publish from-git',
        'yarn semantic-release',
        'bun release-it --ci',
        'pnpm gh-pages -d build',
        'yarn surge ./public',
        'pnpm sls deploy',
        'yarn amplify publish',
        'pnpm eas submit -p android',
        'yarn git push --force',
        'pnpm docker run --privileged x',
        'yarn rm -rf /etc',
        'jlpm vercel deploy',
        'pnpm prisma migrate reset --force',
        'pnpm jest --config /srv/jest.config.js',
        'yarn vitest --config /srv/vitest.config.ts',
        'yarn nx view-logs',
      ],
      'refused',
    );
  });
  it("allows the project's scripts and its dependencies' everyday programs", () => {
    expectAll(
      [
        'pnpm tsc --noEmit',
        'yarn eslint --fix src',
        'bun vitest run',
        'pnpm prisma generate',
        'yarn next build',
        'pnpm expo start',
        'yarn docusaurus build',
        'yarn perf my.js',
        'pnpm nx e2e e2e-vite',
        'pnpm my-script --flag',
        'yarn storybook',
        'pnpm install',
        'yarn test --watch',
      ],
      'allow',
    );
  });
});
