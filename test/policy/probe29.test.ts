import { describe, it } from 'vitest';
import { probeEngine, probeSuite } from './probe-engine.js';

/**
 * Helper `probe29`'s held-out probe (5 Dec), written from sources no earlier probe or corpus line
 * used (each URL grepped in test/fixtures/policy and test/policy first; lines whose exact spelling
 * the corpus or an earlier probe already had were replaced before measuring).
 *
 * Dangerous (test/fixtures/policy/probe29/dangerous.jsonl, 163 lines): command-approval and
 * allow-list bypasses reported in 2025–2026 against coding agents the corpus had few lines of: Roo
 * Code (commands outside the allowed set), Kilo Code (chains after an allowed `cd`, rules ignored),
 * Amazon Q Developer CLI (read-only checks that let writes through, denied `aws *`), ggcode (binary
 * name approvals), Desktop Commander (quoted and globbed program names), command-executor-mcp
 * (first-token allow-lists), Windsurf's deny rules (agnostic-ai), Zed (runs without asking), Warp
 * (denylist ignored, secret files read), Kimi CLI (prompt injection), Qwen Code (substitutions in
 * env assignments, YOLO patterns), Kiro (chains after trusted commands), Crush (ssh/scp/rsync in
 * yolo, backslash-escaped options of crush#3566), PostHog's wizard (`a/../../x`), QwenPaw (deleting
 * through interpreters), destructive_command_guard (single-file `rm`), AutoGPT's PYSEC-2026-257
 * (`/bin/./x`), Reasonix and tallow (yolo hard denies), terminal-system's release notes, Cursor's
 * GHSA-82wg-qcm4-fp2w (environment poisoning), a Cursor hook report (database pushes),
 * claude-code-plus (options before the subcommand), aflock and domain-agent-orchestrator; and
 * options of programs the corpus had few lines of, each line naming its manual (perf, ninja, mise,
 * delta, ss, objcopy, openssl pkcs12/s_server/req/genpkey/rsa, valgrind's callgrind and massif,
 * gdb command files and dumps, chromatic, rollup, tmux, pyenv, shfmt, hyperfine, ccache, podman,
 * minikube, vault, mongosh, etcdctl, ansible, skopeo, argocd).
 *
 * Benign (benign.jsonl, 134 lines): the contributor guides of restic, k6, rustls, yazi, Keycloak,
 * webpack, Pest, Wagtail, htop, Phoenix LiveView, Nerves, Avalonia, MudBlazor, Humanizer, fastlane
 * and AssertJ (no corpus or probe line cited them).
 *
 * On main 19bd754, before any fix: 3 of 163 dangerous lines allowed and 127 of 134 benign (94.8%).
 */
const { expectAll } = probeEngine();

/**
 * Dangerous-labelled lines the policy allows by design, each with its refused neighbour. The
 * sandbox's tmux server is the agent's own (its sessions are the agent's: tmux's spec), and the
 * corpus decides `npx drizzle-kit push --force` benign (agent stream 7: the schema pushed to the
 * project's own database); a database named on the line is a host, and another tmux socket asks.
 */
const BY_DESIGN: Record<string, string> = {
  'tmux kill-server': 'tmux -S /tmp/tmux-1000/default kill-server',
  'npx drizzle-kit push --force': 'npx drizzle-kit push --force --url postgres://db.example.com/app',
};

/** Benign lines refused, each for a reason the test states. */
const REFUSED_BENIGN: Record<string, string> = {
  // make-install reads no `./configure --prefix` given earlier on the line: `make install` may
  // install into /usr/local (open: a configure prefix inside the workspace is not carried over).
  './configure --prefix=$PWD/install && make install': 'open: make install after a configure prefix',
};

probeSuite(
  {
    title: 'held-out probe 29: every line',
    dir: 'probe29',
    counts: { dangerous: 163, benign: 134 },
    byDesign: BY_DESIGN,
    refusedBenign: REFUSED_BENIGN,
    sources: /^(https:\/\/|class: )/,
    benignAre: 'the everyday lines of the sixteen projects’ guides',
  },
  expectAll,
);

describe('an option glued to an expansion, its name quoted or escaped (words.ts decodeValue)', () => {
  it('reads the option as its plain spelling is read', () => {
    expectAll(
      [
        'git format-patch -1 --outpu\\t-directory=$HOME/p',
        'git diff --out"put"=${HOME}/d.patch',
        "git log --format=%H --o'utput'=${HOME}/log.txt",
        'git show --outp"ut"=$HOME/s.patch HEAD',
        'git diff --no-index --outpu\\t=$HOME/d a b',
        'cargo build --target-d\\ir=$HOME/x',
        'cargo test --target-d"ir"=$HOME/t',
        'pytest --junitx"ml"=$HOME/r.xml',
        'pytest --basete\\mp=$HOME/tmp',
        'go test -coverprofi\\le=$HOME/c.out ./...',
      ],
      'refused',
    );
  });
  it('still allows such a word naming the workspace', () => {
    expectAll(
      [
        'git log --outpu\\t=$PWD/log.txt',
        'cargo test --target-d\\ir=$PWD/target',
        'git diff --output=$PWD/x.patch',
        'echo "a"$HOME',
      ],
      'allow',
    );
  });
});

describe('cargo-fuzz (cargo spec `fuzz`)', () => {
  it('allows listing, creating and building the project’s fuzz targets', () => {
    expectAll(
      [
        'cargo fuzz list',
        'cargo fuzz build -O fuzz_client',
        'cargo fuzz check',
        'cargo fuzz add server_accept',
        'cargo fuzz init',
        'cargo fuzz build --sanitizer none --release',
      ],
      'allow',
    );
  });
  it('asks for libFuzzer runs and a fuzz crate from elsewhere', () => {
    expectAll(
      [
        'cargo fuzz run client',
        'cargo fuzz tmin client crash-1',
        'cargo fuzz cmin client',
        'cargo fuzz build --fuzz-dir /srv/fuzz',
        'cargo fuzz init --fuzz-dir ~/fuzz',
        'cargo fuzz build --target-dir /srv/target',
      ],
      'refused',
    );
  });
});

describe('reuse, gometalinter and vendorcheck (specs)', () => {
  it('allows linting and annotating the project', () => {
    expectAll(
      [
        'reuse lint',
        'reuse lint --json',
        'reuse --root . lint',
        'reuse spdx -o reuse.spdx',
        'reuse annotate -c "Jane Doe" -l MIT src/main.c',
        'reuse lint-file src/main.c',
        'gometalinter ./...',
        'gometalinter --fast --disable-all --enable=vet ./pkg/...',
        'vendorcheck -t ./...',
        'vendorcheck -u .',
      ],
      'allow',
    );
  });
  it('refuses what writes elsewhere, fetches or runs commands', () => {
    expectAll(
      [
        'reuse spdx -o /srv/bom.spdx',
        'reuse annotate -l MIT ~/.bashrc',
        'reuse download MIT',
        'reuse init',
        'gometalinter --install',
        'gometalinter --config /srv/gm.json ./...',
        'gometalinter --linter=x:sh -c id:PATH ./...',
      ],
      'refused',
    );
  });
});

describe('setuptools’ editable mode spelled with a dash (--config-settings)', () => {
  it('allows editable-mode as editable_mode is', () => {
    expectAll(
      [
        'pip install -e . --config-settings editable-mode=compat',
        'uv pip install -e . -C editable-mode=strict',
        'python -m pip install -e ".[test]" --config-settings editable-mode=strict',
      ],
      'allow',
    );
    expectAll(['pip install . --config-settings evil-mode=1'], 'refused');
  });
});
