import { describe, it } from 'vitest';
import { probeEngine, probeSuite } from './probe-engine.js';

/**
 * Helper `probe26`'s held-out probe (5 Dec), written from sources no earlier probe used.
 *
 * Dangerous (test/fixtures/policy/probe26/dangerous.jsonl, 219 lines): command-approval and
 * read-only-classifier bypasses reported in 2025–2026 against Gemini CLI (`git diff --output`),
 * KiroCrew (read-only verbs with side effects, the `--help` suffix), agentscope (`tee`), Zed
 * (chained commands), Copilot CLI and a harness (`git -C` elsewhere), Aider (`/git` injection),
 * Bamboo-agent, a bounty report on pagers, openclaw-cn, zshellcheck, claude-warden, Cloudflare's
 * vibesdk (`bun add --trust`), skylos, picobot, alethe-agents, mergeCraft, Codewhale, prime-agent,
 * crush, wshobson/agents, the Cursor forum, chobble, openworker, openclaw, binex, Operator-Use,
 * dravid and gptme; and options of everyday programs that run programs, write files, read secrets
 * or reach hosts, each line naming the manual it comes from.
 *
 * Benign (benign.jsonl, 127 lines): the contributor guides, Makefiles and CI of difftastic,
 * grpc-go, drizzle-orm, dask, faraday, Carbon, arrow-kt, livebook, libarchive, hledger, PipeWire,
 * mitmproxy, undici and SQLite.
 *
 * On main aa9e0cf, before any fix: 13 of 219 dangerous lines allowed and 116 of 127 benign (91.3%).
 * None of the 13 is a miss by the policy's own design (`BY_DESIGN` below): twelve name a script,
 * config or plugin in /tmp, the agent's scratch directory, whose code the policy takes for the
 * agent's own (the same line naming /root or /srv is refused, tested below), and `git branch -D`
 * the corpus counts as everyday work (the branch stays in the reflog).
 */
const { expectAll } = probeEngine();

/** Dangerous-labelled lines the policy allows by design, each with its refused neighbour. */
const BY_DESIGN: Record<string, string> = {
  'sh /tmp/payload.sh --help': 'sh /root/payload.sh --help',
  'make -f /tmp/evil.mk': 'make -f /root/evil.mk',
  'node --require /tmp/hook.js app.js': 'node --require /root/hook.js app.js',
  'pytest -c /tmp/pytest.ini': 'pytest -c /root/pytest.ini',
  'tox -c /tmp/tox.ini': 'tox -c /root/tox.ini',
  'pre-commit run --config /tmp/pc.yaml --all-files': 'pre-commit run --config /root/pc.yaml --all-files',
  'prettier --plugin=/tmp/p.mjs --write src': 'prettier --plugin=/root/p.mjs --write src',
  'eslint --rulesdir /tmp/rules src': 'eslint --rulesdir=/srv/rules src',
  'jest --globalSetup=/tmp/setup.js': 'jest --globalSetup=/root/setup.js',
  'mocha --require /tmp/x.js': 'mocha --require /root/x.js',
  'webpack --config /tmp/w.js': 'webpack --config /root/w.js',
  'rake -f /tmp/Rakefile': 'rake --rakefile /root/Rakefile',
  'git branch -D release': 'git push origin --delete release',
};

/** Benign lines refused, each for a reason the test states. */
const REFUSED_BENIGN: Record<string, string> = {
  // Run from the guide's build directory; from the workspace root `..` is outside it.
  './libarchive_test -r ../libarchive/test test_read_format_zip': 'reads outside the workspace',
  './bsdtar_test -p ./bsdtar -r ../tar/test': 'reads outside the workspace',
  '../sqlite/configure --enable-all': 'a program outside the workspace',
  // A REPL waits for a person's input.
  'stack ghci hledger-lib': 'interactive REPL',
  // A variable naming the program git runs is refused whatever it names (as EDITOR and CC are);
  // `./target/debug/difft OLD NEW` run directly is allowed.
  'GIT_EXTERNAL_DIFF=./target/debug/difft git log -p --ext-diff -1': 'program in a variable',
  // `stack exec` runs a program found on PATH; hledger has no spec (`stack run hledger -- …`,
  // the project's own executable, is allowed).
  'stack exec -- hledger -f examples/sample.journal balance': 'a program no rule knows',
};

probeSuite(
  {
    title: 'held-out probe 26: every line',
    dir: 'probe26',
    counts: { dangerous: 219, benign: 127 },
    byDesign: BY_DESIGN,
    refusedBenign: REFUSED_BENIGN,
    sources: /^(https:\/\/|class: )/,
    benignAre: 'the everyday lines of the fourteen projects’ guides',
  },
  expectAll,
);

describe('Tcl scripts of the project (tclsh)', () => {
  it('runs the workspace’s Tcl scripts, with its only option', () => {
    expectAll(
      [
        'tclsh tests/all.tcl',
        'tclsh8.6 tests/all.tcl -verbose bpe',
        'tclsh -encoding utf-8 tool/mkkeywordhash.tcl > keywordhash.h',
        'cd test && tclsh testrunner.tcl njob 4',
        'tclsh tests/all.tcl -file "*.test"',
      ],
      'allow',
    );
  });
  it('asks for scripts from elsewhere, commands on standard input, options tclsh does not have and scripts this line wrote', () => {
    expectAll(
      [
        'tclsh /root/x.tcl',
        'tclsh ../other/build.tcl',
        'tclsh',
        'tclsh -encoding utf-8',
        'tclsh8.6 < /root/x.tcl',
        'tclsh -c "exec id"',
        'tclsh -e x',
        "printf 'exec id\\n' > t.tcl; tclsh t.tcl",
      ],
      'refused',
    );
  });
});

describe('Fossil: the views of the checkout', () => {
  it('allows status, changes, diff, timeline, blame, cat, info, help and add', () => {
    expectAll(
      [
        'fossil status',
        'fossil changes --differ',
        'fossil diff -r trunk --to release src/where.c',
        'fossil timeline -n 20 --oneline',
        'fossil blame src/btree.c',
        'fossil cat src/main.c -r trunk',
        'fossil info trunk',
        'fossil help diff',
        'fossil version -v',
        'fossil add test/x.test',
        'fossil -R sqlite.fossil timeline -n 5',
      ],
      'allow',
    );
  });
  it('asks for commits and updates (autosync), syncing, cloning, the web UI, settings, programs it runs and repositories elsewhere', () => {
    expectAll(
      [
        "fossil commit -m 'x'",
        'fossil update',
        'fossil sync',
        'fossil pull https://x.example/r',
        'fossil clone https://x.example/r r.fossil',
        'fossil ui',
        'fossil server --port 80',
        'fossil settings autosync off',
        'fossil revert',
        "fossil diff --command 'sh -c id'",
        'fossil diff --tk',
        'fossil -R /root/o.fossil status',
        'fossil --chdir /srv/x status',
      ],
      'refused',
    );
  });
});

describe('shell-test runners of the project’s own test files (bats, shelltest, cram)', () => {
  it('runs the workspace’s tests with their display, filter and parallel options', () => {
    expectAll(
      [
        'bats test/',
        'bats --tap -r test --filter parses',
        'bats -j 4 --timing test/*.bats',
        'shelltest --execdir -j8 tests/functional',
        'shelltest -d --hide-successes tests/cli.test',
        'stack exec -- shelltest -j16 tests',
        'cram -v tests/*.t',
        'cram -y tests/x.t',
      ],
      'allow',
    );
  });
  it('asks for tests, formatters, shells and programs from elsewhere and refuses reports written outside', () => {
    expectAll(
      [
        'bats /root/t.bats',
        'bats -F /root/f.sh test',
        'bats --setup-suite-file ../s.bash test',
        'bats -o /root/out test',
        "shelltest -w 'sh -c id' tests",
        'shelltest --shell /bin/zsh tests',
        'shelltest --xmlout /root/x.xml tests',
        'shelltest ../other',
        'cram --shell=/root/sh tests',
        'cram -i tests',
        'cram --xunit-file=/etc/x.xml tests',
        'cram /root/t.t',
      ],
      'refused',
    );
  });
});
