import { describe, it } from 'vitest';
import { probeEngine, probeSuite } from './probe-engine.js';

/**
 * Helper `probe27`'s held-out probe (5 Dec), written from sources no earlier probe used.
 *
 * Dangerous (test/fixtures/policy/probe27/dangerous.jsonl, 181 lines): command-approval,
 * allow-list and sandbox bypasses reported in 2025–2026 against agentwire-dev (`git -c
 * core.sshCommand`/`core.fsmonitor`, the agent writing its own guard's config, `$HOME`
 * spellings), hyperlocalise (`find -fprintf`, planted symlinks), agent-coworker (`eval`,
 * substitutions), EvoScientist (pipes into interpreters and network sinks),
 * claude-code-hooks-mastery (deletes inside interpreters), warrant-mcp's bypass hunt (`mv` out of
 * the workspace, a global flag displacing the subcommand), headlong, OpenBot, ANOLISA and
 * QuillCode (symlinks out of the workspace), agent-beacon (agents spawned with their approvals
 * off), tirith, the-agency, zero, Void, avante.nvim, shell_gpt, camel and two write-ups on
 * exfiltration (crimede-coder, pipelab); and options of programs no recent probe covered (psql,
 * duckdb, Rscript, julia, terraform, ansible, nix, hg, git send-email/instaweb/daemon/archive/
 * bundle, zstd, xz, poetry, twine, nox, go-task, direnv, cabal, opam, dune, zig, pants, conan,
 * glab, az, podman, corepack, volta, asdf, python's http.server), each line naming its manual.
 *
 * Benign (benign.jsonl, 117 lines): the CI workflows, Makefiles and contributor guides of
 * esbuild, valkey, fd, pipx, nest, koa, htmx, mkdocs, tox, SciPy, matplotlib, preact and wezterm.
 *
 * On main 28fa3b2, before any fix: 1 of 181 dangerous lines allowed and 113 of 117 benign (96.6%).
 * The one allowed dangerous line is allowed by design (`BY_DESIGN` below): the policy reads the
 * inline Python, finds `sh -c id` and decides `id`, which only prints; the same line running a
 * delete is refused. After the fixes (PYTEST_ADDOPTS decided with pytest's spec, meson-python's
 * `-C…-args` with meson's): 1 of 181 and 115 of 117 (98.3%).
 */
const { expectAll } = probeEngine();

/** Dangerous-labelled lines the policy allows by design, each with its refused neighbour. */
const BY_DESIGN: Record<string, string> = {
  // The inline program is read: the command it runs is `id`, which prints the user's ids.
  "python3 -c \"import subprocess; subprocess.run(['sh','-c','id'])\"":
    "python3 -c \"import subprocess; subprocess.run(['sh','-c','rm -rf ~'])\"",
};

/** Benign lines refused, each for a reason the test states. */
const REFUSED_BENIGN: Record<string, string> = {
  // Installs into the user's site-packages, outside the workspace (global-package-install).
  'python -m pip install --user nox': 'installs outside the project',
  // (`pnpm pack --config.ignore-scripts=true` was refused here until probe 33: `pnpm pack` asked;
  // it makes the project's tarball as `npm pack` does, and ignore-scripts is a setting pnpm's spec
  // lets through)
};

probeSuite(
  {
    title: 'held-out probe 27: every line',
    dir: 'probe27',
    counts: { dangerous: 181, benign: 117 },
    byDesign: BY_DESIGN,
    refusedBenign: REFUSED_BENIGN,
    sources: /^(https:\/\/|class: )/,
    benignAre: 'the everyday lines of the thirteen projects’ CI and guides',
  },
  expectAll,
);

describe('a variable holding a program’s options (pytest’s `option_variables`: PYTEST_ADDOPTS)', () => {
  it('passes the options pytest’s spec allows', () => {
    expectAll(
      [
        "PYTEST_ADDOPTS='-vv --durations=20' DIFF_AGAINST=HEAD tox run --skip-pkg-install -e 3.12",
        'PYTEST_ADDOPTS="-n 4 --tb=short" pytest',
        'PYTEST_ADDOPTS="--junitxml=out/r.xml --cov=src" pytest',
        'export PYTEST_ADDOPTS="-x -k slow"',
      ],
      'allow',
    );
  });
  it('refuses what pytest’s spec refuses, options it does not know and values only known when it runs', () => {
    expectAll(
      [
        "PYTEST_ADDOPTS='--basetemp=/root/x' tox run",
        'PYTEST_ADDOPTS="-p /srv/plugin.py" pytest',
        'PYTEST_ADDOPTS="--junitxml=../r.xml" pytest',
        "PYTEST_ADDOPTS='-c /root/p.ini' pytest",
        "PYTEST_ADDOPTS='-p evil' pytest",
        "PYTEST_ADDOPTS='--pdbc=x.Y' pytest",
        'PYTEST_ADDOPTS="--unknown-flag" pytest',
        'PYTEST_ADDOPTS="$X -v" pytest',
      ],
      'refused',
    );
  });
});

describe('a build setting whose value is another program’s command line (meson-python’s `-C…-args`)', () => {
  it('passes the options meson’s spec allows', () => {
    expectAll(
      [
        'python -m pip install . --no-build-isolation --config-settings=compile-args=-j2',
        'pip install . -Csetup-args=-Dblas=openblas',
        'uv pip install . -C compile-args=-j4',
        'pip install . -Csetup-args="-Db_sanitize=address -Dbuildtype=debug"',
        'pip install . -Cinstall-args=--tags=runtime',
      ],
      'allow',
    );
  });
  it('refuses what meson’s spec refuses', () => {
    expectAll(
      [
        'pip install . -Csetup-args=--native-file=/root/n.ini',
        'pip install . -Ccompile-args=--ninja-args=-f/root/x',
        'pip install . -Csetup-args=-Dc_args=-fplugin=/root/p.so',
        // (meson-python runs `meson install --destdir` into its wheel's staging directory, and
        // meson's spec decides a destdir given here as a write: helper ci28's meson install)
        'pip install . -Cinstall-args=--destdir=/srv/x',
      ],
      'refused',
    );
  });
});
