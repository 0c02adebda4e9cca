import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * `pnpm NAME args…`, `yarn NAME args…`, `bun NAME args…` where NAME is none of the manager's
 * commands runs the project's script NAME, or else the program NAME from node_modules/.bin
 * (programs.yaml runners' `script_bins`). It was taken for a script only, so deploys and
 * publishes behind it were allowed (`pnpm vercel deploy --prod`, `yarn changeset publish`; helper
 * probe29 found `pnpm prisma migrate reset --force`). The words are now decided as that program
 * too: a rule that refuses the program refuses the line; a program no rule covers, or whose spec
 * only does not know the words, is the project's script (rule project-script), so a script that
 * shares a program's name (`yarn perf my.js`, Prettier's; `pnpm nx e2e`) stays allowed.
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
