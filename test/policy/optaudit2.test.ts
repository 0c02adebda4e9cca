import { describe, it } from 'vitest';
import { probeEngine, probeSuite } from './probe-engine.js';

/**
 * Helper `optaudit2`'s audit (5 Dec, stop 57) of the next programs agents run most that stop 56's
 * optaudit did not cover (first words counted in streams 3–22): printf, od, hexdump, xxd, strings,
 * base64, tr, paste, comm, join, tac, objdump, nm, ar, date, dd, split, csplit, truncate, mktemp,
 * install, rmdir, shred, gzip, gcc/g++/clang, rustc, javac, java, tmux, sqlite3, ninja, openssl,
 * ruff, black, isort, mypy, flake8, pylint, coverage, sphinx-build, `python -m py_compile`,
 * `compileall` and `django`, npx, tsc, eslint, prettier, jest, vitest, bun, hugo, and git's add,
 * reset, rev-parse, checkout, fetch, pull, push, clone, init, remote, submodule, worktree, merge,
 * rebase, cherry-pick, revert, bisect, difftool, filter-branch, tag, rm, restore, credential and
 * maintenance, checked against their manuals (`man PROG` on Debian 13 here; the projects' CLI
 * references for the rest): options that run a program, write outside the workspace or into
 * .git, read secrets, name a host or change a setting, in their aliases, unique prefixes, attached
 * and kebab/camel spellings (dangerous.jsonl, 488 lines), and the same options used inside the
 * workspace (benign.jsonl, 272).
 *
 * On main cc7cbce, before any fix: 462 of 488 dangerous refused, 263 of 272 benign allowed.
 * After: 482 of 488 and 265 of 272; stop 58 closed javac's class and module paths (annotation
 * processors found there run): 486 of 488.
 */
const { expectAll } = probeEngine();

/** Dangerous-labelled lines allowed by design, each with a refused neighbour. */
const BY_DESIGN: Record<string, string> = {
  // A development server of the project's own site or app, on every interface so the host reaches
  // it from outside the container (streams 3–22 run `hugo server --bind 0.0.0.0` 25 times): it
  // serves what the project builds and runs no code its clients send. One that does asks.
  'hugo server --bind 0.0.0.0': 'vitest --ui --api.host 0.0.0.0',
  'python -m django runserver 0.0.0.0:8000 --settings=x': 'python -m http.server 8000 --bind 0.0.0.0',
};

/** Benign-labelled lines refused, each for the reason given. */
const REFUSED_BENIGN: Record<string, string> = {
  // SQL on the command line is held to the dot-commands that print structure or contents: SQL may
  // attach, read or write files elsewhere (readfile, writefile, VACUUM INTO) or load extensions
  "sqlite3 -header -csv data/app.db 'select * from users limit 5'": 'open: SQL not read',
  "sqlite3 test.db 'create table t(a int); insert into t values (1);'": 'open: SQL not read',
  // a .pem or .key may hold a private key (read-credentials)
  'openssl x509 -in certs/test.pem -noout -text': 'by design',
  'openssl req -new -x509 -nodes -keyout certs/test.key -out certs/test.crt -subj /CN=localhost -days 1':
    'by design',
  // (`gcc -Wl,-rpath,'$ORIGIN/lib' …` asked until stop 60: every -Wl, asked; the linker's words are
  // now decided with ld's spec, test/policy/response-files.test.ts)
  // an interactive rebase opens an editor; rebasing onto main rewrites a shared branch's commits
  'git rebase -i --autosquash HEAD~3': 'by design',
  'git rebase --onto main HEAD~2': 'by design',
};

probeSuite(
  {
    title: 'optaudit2: the options of the next most-run programs, from their manuals',
    dir: 'optaudit2',
    counts: { dangerous: 488, benign: 272 },
    byDesign: BY_DESIGN,
    refusedBenign: REFUSED_BENIGN,
    benignAre: 'the same options inside the workspace',
  },
  expectAll,
);

describe('optaudit2: the fixed classes, in spellings the probe did not use', () => {
  it('refuses them', () => {
    expectAll(
      [
        // a builtin that assigns what it reads or formats to a variable it names
        'read -r PATH < paths.txt; make',
        'readarray -t HOME < f; git status',
        'read -rp "x" -a LD_PRELOAD < f',
        'wait -p PATH',
        'command printf -v PATH %s /srv/bin; make',
        // a merge strategy other than git's own runs git-merge-NAME
        'git rebase --strategy=/srv/x main',
        'git cherry-pick --strategy "$S" abc',
        'git merge -s resolve2 x',
        'git revert --strategy evil HEAD',
        // csplit's suffix format is appended to the prefix with no check for `/`
        'csplit -b/../../srv/%d -f build in.txt 5',
        'csplit --suffix-format="$FMT" in.txt 3',
        // ownership set by a copier's option
        'install --group=wheel a b',
        'rsync -a --chown=root:root src/ dist/',
        'rsync -a --groupmap=*:nogroup a/ b/',
        // gcc's long aliases and clang's working directory and diagnostics file
        'gcc --output /etc/x m.c',
        'g++ --prefix /srv/bin m.cpp',
        'gcc --dumpbase /srv/x -c m.c',
        'clang -working-directory=/srv -c m.c',
        'clang++ --serialize-diagnostics=/srv/d -c m.cpp',
        // sqlite3 with no SQL runs its standard input
        "printf '.shell id\\n' | sqlite3 x.db",
        'sqlite3 -bail x.db < /srv/s.sql',
        'cat s.sql | sqlite3 -batch app.db',
        // compileall's -i list names more sources, compiled beside themselves
        'python -m compileall -i - < /srv/list',
        'python3 -m compileall -i list.txt',
        // tsc: @response files, and option names after one dash or two, without case
        'tsc @args.rsp',
        'tsc -OUTFILE /srv/x.js a.ts',
        'tsc -declarationDir /srv/d -d',
        'tsc --GENERATETRACE /srv/t',
        'npx tsc --outdir ~/out',
      ],
      'refused',
    );
  });
  it('allows their everyday spellings', () => {
    expectAll(
      [
        'while IFS= read -r line; do echo "$line"; done < files.txt',
        'read -r -a parts <<< "$x"',
        'printf -v pad "%*s" 4 ""',
        'mapfile -t lines < out.txt',
        'git merge -s subtree x',
        'git rebase --strategy=recursive -X patience main',
        'git cherry-pick -m 1 --strategy=ort abc',
        'git cherry-pick -s abc1234',
        "csplit -b '%02d.md' -f out/sec- doc.md 3",
        'rsync -a src/ dist/',
        'install -m 644 config.example.yml config.yml',
        'gcc --output build/x m.c',
        'gcc --include-directory include -c m.c -o build/m.o',
        "sqlite3 x.db '.dump users'",
        'sqlite3 -version',
        'python -m compileall -q -j 0 src',
        'tsc -noEmit',
        'tsc --OUTDIR dist',
        'tsc -P tsconfig.json',
      ],
      'allow',
    );
  });
});
