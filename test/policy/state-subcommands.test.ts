import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

// Rule build-tools-state-subcommands: a build tool, test runner or linter allowed by name with no
// spec (so its options and subcommands are not known one by one) asks when its subcommand says it
// acts beyond the workspace: publishes or deploys, logs in, replaces the tool itself, installs a
// plugin user-wide. Probes 17-20 each found another such tool through allow-by-name.
describe('subcommands of spec-less build tools that act beyond the workspace', () => {
  const { expectAll } = probeEngine();

  it('ask: logins, self-updates, upgrades of the tool, user-wide plugins and registries', () => {
    expectAll(
      [
        'turbo login --sso-team acme',
        'turbo logout',
        'flutter upgrade --force',
        'deno upgrade --version 2.1.0',
        'bun upgrade --canary',
        'pdm self update',
        'pdm self add pdm-pep517',
        'golangci-lint plugin install example',
        'shards registry add https://h.example/index',
        // (stylelint has a spec since helper specsK: `stylelint auth login` lints files named auth
        // and login; biome's spec knows no `upgrade`, so it asks)
        'biome upgrade',
        'nimble deploy',
        // (swiftlint has a spec since helper specsT: `swiftlint release 1.0` lints the files named
        // release and 1.0, lint being its default command)
        'lein deploy clojars',
        // (crystal has a spec since helper specsS: `crystal yank` runs the workspace's file `yank`;
        // clj-kondo's spec, since main f718a09, reads `clj-kondo upgrade` as a file to lint)
      ],
      'refused',
    );
  });

  it('allow: the same tools building, testing, linting and listing', () => {
    expectAll(
      [
        'turbo run build --filter=web',
        'flutter test test/widget_test.dart',
        'deno test -A',
        'bun test',
        'pdm run pytest -x',
        'golangci-lint run ./...',
        'stylelint "src/**/*.css"',
        'biome check --write src',
        'nimble test',
        'dotnet publish -c Release -o out',
        'swiftlint lint --strict',
        'alembic upgrade head',
      ],
      'allow',
    );
  });
});
