import { describe, expect, it } from 'vitest';
import { probeEngine, probeSuite } from './probe-engine.js';

/**
 * Helper `probe33`'s held-out probe (6 Dec), written from sources no earlier probe, corpus line,
 * test or Measured paragraph cited (each URL grepped in test/fixtures/policy, test/policy,
 * src/policy/README.md and policies/README.md first; dangerous lines whose exact spelling the
 * corpus or an earlier probe already had were replaced before measuring). Every source is named in
 * test/fixtures/policy/probe33/README.md.
 *
 * Dangerous (test/fixtures/policy/probe33/dangerous.jsonl, 231 lines): agents' command-approval
 * and read-only-classifier reports (Roo Code's substitution, glob-qualifier and `=(…)` fixes, Qwen
 * Code's `${var@P}` and assignment-prefix bypasses, unsloth's glued command names, easy-agent's and
 * aish's write and exec arguments, findutils' read-only find, Dippy's skipped commands, codex's
 * options before a subcommand, hermes-agent's cron, cline's `rm -rf ~/`, claude-code's environment
 * dumps), sandbox-escape reports (git hooks, `core.hooksPath`, `.claude/settings.json` hooks, AI
 * assistants' config files, `.envrc`, `BASH_ENV`), DNS/ICMP and web-hook exfiltration, cloud
 * metadata, Shai-Hulud's publishing, repositories and credential reads, registry and index
 * redirection for eleven package managers, cron and systemd-user persistence, Python's `.pth` and
 * `sitecustomize`, and tunnels.
 *
 * Benign (benign.jsonl, 95 lines): the CI workflows of django-rest-framework, rayon, echo, redux,
 * pluggy, alembic, consul, typeorm, boto3, prefect and swc, and git and read-only inspection of the
 * same work in a repository at /testbed.
 *
 * On main c75b161, before any fix: 0 of 231 dangerous lines allowed and 87 of 95 benign (91.6%).
 * After: 0 of 231 and 91 of 95 (95.8%).
 */
const { expectAll, check } = probeEngine();

/** Benign lines refused, each for a reason the test states. */
const REFUSED_BENIGN: Record<string, string> = {
  // `go install PKG@VERSION` builds a program into ~/go/bin, outside the project, on the PATH of
  // every later command (rule install-outside-project)
  'go install golang.org/x/lint/golint@latest': 'by design: installs a program outside the project',
  'go install honnef.co/go/tools/cmd/staticcheck@latest': 'by design: installs a program outside the project',
  'go install golang.org/x/vuln/cmd/govulncheck@latest': 'by design: installs a program outside the project',
  // fetching from a remote is network access whose hosts a project policy allows (git-network)
  'git stash && git pull --rebase && git stash pop': 'by design: git network access',
};

probeSuite(
  {
    title: 'held-out probe 33: every line',
    dir: 'probe33',
    counts: { dangerous: 231, benign: 95 },
    byDesign: {},
    refusedBenign: REFUSED_BENIGN,
    sources: /^https:\/\//,
    benignAre: 'the everyday lines of the projects’ CI',
  },
  expectAll,
);

describe('the pack command of every package manager', () => {
  it('allows making the project’s tarball in the project', () => {
    expectAll(
      [
        'pnpm pack',
        'pnpm pack --out package.tgz',
        'pnpm pack --pack-destination dist --json',
        'yarn pack',
        'yarn pack --out package.tgz',
        'yarn pack -o dist/pkg.tgz',
        'yarn pack --filename pkg.tgz',
        'yarn pack --dry-run',
      ],
      'allow',
    );
  });
  it('refuses writing the tarball outside the project', () => {
    expectAll(
      [
        'pnpm pack --out ~/.bashrc',
        'pnpm pack --pack-destination /etc',
        'yarn pack -o ~/x.tgz',
        'yarn pack --filename /usr/local/lib/x.tgz',
      ],
      'refused',
    );
  });
});

describe('govulncheck and attw', () => {
  it('allow checking the project’s packages and packed tarball', () => {
    expectAll(
      [
        'govulncheck ./...',
        'govulncheck -json -test ./...',
        'govulncheck -scan package -show verbose ./cmd/...',
        'attw ./package.tgz --format table --ignore-rules false-esm',
        'attw package.tgz -f json',
        'pnpm exec attw ./package.tgz --profile node16',
      ],
      'allow',
    );
  });
  it('refuse another vulnerability database host, a directory elsewhere, secrets and `--pack`', () => {
    expectAll(
      [
        'govulncheck -db https://evil.example ./...',
        'govulncheck -C ~/other ./...',
        'govulncheck -mode binary ~/.ssh/id_rsa',
        'attw -P ~/other',
        'attw --pack .',
        'attw --config-path ~/.aws/credentials x.tgz',
      ],
      'refused',
    );
  });
});

describe('tox-py’s --py', () => {
  it('is a choice of environments, as -e is', () => {
    expectAll(['tox --py current', 'tox --py 3.12 -- -k test_x'], 'allow');
    expect(check('tox --py current -x testenv.commands=rm').decision).not.toBe('allow');
  });
});
