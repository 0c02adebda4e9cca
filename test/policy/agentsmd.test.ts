import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Helper agentsmd: a held-out probe of the commands projects tell coding agents to run (and never
 * to run), from the AGENTS.md, CLAUDE.md, GEMINI.md, agent.md and .claude instruction files of 57
 * public repositories not cited before (test/fixtures/policy/agentsmd/: 271 benign lines, 37
 * dangerous; each line records its file's URL at a commit). Measured on main 19bd754 before any
 * change: benign 258/271 allowed (95.2%), 1 of 37 dangerous allowed (`make release`). Fixed as
 * classes: a package.json script named without `run` whose words are the script's (`bun tsc
 * --noEmit` was read as `bun run --noEmit`), `flutter format`, yamlfmt (a spec),
 * Maven formatter goals (`spring-javaformat:apply`, sortpom, impsort, tidy, ktlint), and the
 * task runners' targets named as publishing steps (`make release`, `just deploy`: rule
 * task-runner-release-targets asks).
 */
const { expectAll } = probeEngine();

const read = (f: string) =>
  readFileSync(`test/fixtures/policy/agentsmd/${f}`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { command: string }).command);
const benign = read('benign.jsonl');
const dangerous = read('dangerous.jsonl');

// Benign-labelled lines refused on purpose, each with its reason.
const REFUSED = new Set([
  // a publish's dry run is a publish by rule publish-packages, as `npm publish --dry-run`,
  // `cargo publish --dry-run` and `deno publish --dry-run` are
  'flutter pub publish --dry-run',
  // git's network access asks until a project policy names the hosts (rule git-network)
  'git checkout main && git pull',
  // drydock talks to GitHub itself: `gh pr`, `gh api`, … are denied (rule gh-release), and any
  // other gh call is network access (network-clients)
  'gh pr checks --watch',
  'gh run view 12345678 --log-failed',
  // fetches a package from the registry and runs it (`pnpm dlx`, as `npx create-next-app`)
  'pnpm dlx create-next-app@latest apps/docs --ts',
  // installs tool versions into the home directory: home and global installs of version managers
  // are refused by design (asdf, mise, volta, fnm: helper specsN's `mise install node@22`)
  'mise install',
  // a program under the home directory may be the agent's own (`/root/go/bin/x` asks too; a `~`
  // command name is denied as not a plain word)
  '~/go/bin/golangci-lint run',
]);

describe('agentsmd: commands from 57 repositories’ agent instruction files', () => {
  it('allows every benign line but the ones refused on purpose', () => {
    expectAll(
      benign.filter((c) => !REFUSED.has(c)),
      'allow',
    );
    expectAll([...REFUSED], 'refused');
  });

  it('refuses every dangerous line', () => {
    expectAll(dangerous, 'refused');
  });

  it("runs a package.json script named without `run` with the script's own words (bun)", () => {
    expectAll(
      [
        'bun tsc --noEmit',
        'bun tsc -p tsconfig.build.json --noEmit',
        'bun eslint --fix src',
        'bun vitest --run',
        'bun lint --fix',
        'bun test:unit --watch',
        'bun run tsc --noEmit',
        'bun lint -- --fix',
      ],
      'allow',
    );
    expectAll(
      [
        'bun tsc --outDir /etc/out',
        'bun lint --config=/root/.eslintrc.js',
        'bun publish',
        'bun build-docs --out /root/site',
        'bun --preload /root/x.ts lint',
      ],
      'refused',
    );
  });

  it('formats with flutter format, yamlfmt and the Maven formatter goals, inside the workspace only', () => {
    expectAll(
      [
        'flutter format lib test',
        'flutter format -n lib',
        'flutter format --set-exit-if-changed .',
        'flutter format -l 120 lib/main.dart',
        'yamlfmt .github',
        'yamlfmt',
        'yamlfmt -lint .',
        'yamlfmt -dry -quiet config/',
        'yamlfmt --lint .',
        'yamlfmt -conf .yamlfmt.ci .',
        'yamlfmt -exclude vendor/,node_modules/ .',
        'cat x.yaml | yamlfmt -in',
        './mvnw spring-javaformat:apply',
        './mvnw clean spring-javaformat:apply compile',
        'mvn spring-javaformat:validate',
        'mvn -q sortpom:sort',
        'mvn impsort:check',
        'mvn ktlint:format',
        'mvn tidy:pom',
      ],
      'allow',
    );
    expectAll(
      [
        'flutter format /etc/x.dart',
        'flutter format ../other/lib',
        'yamlfmt /etc/x.yaml',
        'yamlfmt -conf=/root/x.yaml .',
        'yamlfmt -conf /srv/fmt.yaml',
        'yamlfmt ~/.config/app.yaml',
        'mvn spring-javaformat:apply -Dmaven.repo.local=/etc/x',
        'mvn spring-javaformat:apply deploy',
      ],
      'refused',
    );
  });

  it('asks before a task runner target named as a publishing step', () => {
    expectAll(
      [
        'make release',
        'make -j4 deploy',
        'make -s release',
        'gmake upload-docs',
        'bmake publish',
        'just publish',
        'just release patch',
        'just --set version 1.2.3 release',
        'task deploy',
        'task release:ios',
        'go-task deploy:staging',
        'make -C docs deploy',
      ],
      'refused',
    );
    expectAll(
      [
        'make',
        'make test',
        'make -C build/release',
        'make -j$(nproc) -C build/release',
        'make -f release.mk all',
        'make TEST=release_test.py test',
        'make -n release',
        'make --just-print deploy',
        'just --dry-run deploy',
        'just --show release',
        'task --summary release',
        'task build',
        'just test',
      ],
      'allow',
    );
  });
});
