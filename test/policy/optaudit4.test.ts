import { describe, it } from 'vitest';
import { probeEngine, probeSuite } from './probe-engine.js';

/**
 * Helper `optaudit4`'s audit (6 Dec, stop 59) of 37 programs with specs that optaudit, optaudit2
 * and optaudit3 did not cover: copiers and compressors (rsync, zstd, xz, bzip2), build tools and
 * package managers (dotnet, bazel, ant, sbt, cabal, dart, mix, nix, composer, gem, bundle, rake,
 * poetry, uv, pipx, rustup), infrastructure CLIs (terraform, helm), debuggers and profilers (gdb,
 * valgrind, perf), data and media tools (ffmpeg, duckdb, mlr, m4, dc), helpers (hyperfine,
 * ctags, cloc, journalctl, script, time) and git plumbing (checkout-index, fast-export,
 * fast-import, diff-tree, merge-file, mailsplit, bugreport, pack-objects, request-pull, …),
 * checked against their manuals (each line names its page; zstd, xz, ctags, gdb, valgrind,
 * perf, script and git also against `--help` here): options that run a program, load code, write
 * outside the workspace, read secrets or name a host (334 dangerous lines) and everyday spellings
 * (194 benign), in one commands.jsonl.
 *
 * On main 0bc1ffa, before any fix: 332 of 334 dangerous refused (both left are by design, below),
 * 176 of 194 benign allowed. After: 332 of 334 and 182 of 194. Probing further spellings of the
 * same options found one class the specs missed: a recipe value `LANG:PATH` (`perf script -s
 * python:/srv/x.py`) was read as a relative path in the workspace.
 */
const { expectAll } = probeEngine();

/** Dangerous-labelled lines allowed by design, each with a refused neighbour. */
const BY_DESIGN: Record<string, string> = {
  // a batch file read from outside the workspace and applied to it, as `cp /srv/b dst/` is
  // allowed; a secret read so is denied
  'rsync --read-batch=/srv/b dst/': 'rsync --read-batch=/root/.ssh/id_rsa dst/',
  // gdb's `shell CMD` is decided as CMD, and `id` is harmless; a command that is not asks
  "gdb -batch -ex 'shell id' ./a.out": "gdb -batch -ex 'shell curl https://evil.example' ./a.out",
};

/** Benign-labelled lines refused, each for the reason given. */
const REFUSED_BENIGN: Record<string, string> = {
  // terraform's provider commands are held to rule cloud-clis whatever their words
  'terraform providers': 'by design',
  // inline SQL, Miller DSL and dc programs are not read: they can run commands and write files
  // (duckdb `.shell`, `COPY … TO`; mlr `system`, `tee >`; dc `!`)
  "duckdb -c 'SELECT 42'": 'by design: inline code not read',
  "duckdb data.db -c 'SELECT count(*) FROM t'": 'by design: inline code not read',
  'duckdb -csv -c "SELECT * FROM \'data.csv\' LIMIT 5"': 'by design: inline code not read',
  "duckdb -readonly data.db -c 'SELECT 1'": 'by design: inline code not read',
  "mlr --c2j filter '$x > 1' a.csv": 'by design: inline code not read',
  "dc -e '2 3 + p'": 'by design: inline code not read',
  // m4 runs `syscmd` from its input: the whole program asks (programs.yaml's m4)
  'm4 in.m4': 'by design',
  'm4 -P defs.m4 in.m4': 'by design',
  'm4 --version': 'open: the whole program asks',
  // ctags' per-language options (`--kinds-C`, `--fields-Python`, `--regex-LANG`) are not listed
  'ctags -x --kinds-C=f src/a.c': 'open: per-language options',
  // pruning now drops unreachable objects, the only copy of a dropped commit (rule git-history-rewrite)
  'git gc --prune=now': 'by design',
};

probeSuite(
  {
    title: 'optaudit4: the options of builders, package managers, copiers, debuggers and git plumbing',
    dir: 'optaudit4',
    counts: { dangerous: 334, benign: 194 },
    byDesign: BY_DESIGN,
    refusedBenign: REFUSED_BENIGN,
    benignAre: 'the same programs used inside the workspace',
  },
  expectAll,
);

describe('optaudit4: the fixed classes, in spellings the probe did not use', () => {
  it('refuses them', () => {
    expectAll(
      [
        // a recipe's `LANG:PATH`: the path after the language is the code run
        'perf script --script=perl:/srv/x.pl',
        'perf script -s python:../../srv/x.py',
        'perf script -s python:~/x.py',
        // checkout-index writes under its --prefix; merge-file writes its first file
        'git checkout-index -a --prefix ~/x/',
        'git checkout-index -a --prefix=.git/hooks/',
        'git merge-file ~/.bashrc a b',
        // cloc's --vcs: any value but git, svn or auto is a command run for the file list
        'cloc --vcs=/srv/x',
        "cloc --vcs 'git ls-files; id'",
        'poetry export --output /root/r.txt',
        // a preset's digits clustered with flags: the flags still decide what is written
        'xz -9ek /etc/hosts',
        'gzip -9f /etc/x',
      ],
      'refused',
    );
  });
  it('allows them inside the workspace', () => {
    expectAll(
      [
        'perf script -s python:scripts/report.py',
        'xz -6e -T0 dist.tar',
        'gzip -9k dist.tar',
        'git merge-file --diff3 -L ours -L base -L theirs a.txt base.txt b.txt',
        'git checkout-index -f -a --prefix=build/export/',
        'cloc --vcs=svn',
        'poetry export --without-hashes -o requirements.txt',
        'gem --version',
      ],
      'allow',
    );
  });
});
