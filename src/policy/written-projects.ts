import { resolvePath } from './glob.js';
import { asChild, clip, structure, type Walk } from './walk.js';
import { ALT } from './wrappers.js';
import type { Arg, CommandPart } from './types.js';
import { projectFiles } from './program-file.js';
import type { CodeLanguage, ProjectFileFacts } from './programs.js';

/**
 * Project files a command line writes and then hands to a program that runs what they say:
 * `printf 'all:\n\trm -rf ~\n' > Makefile && make`, `echo '{"scripts":{"test":"…"}}' >
 * package.json && npm test`, `cat > test_x.py <<'EOF' … EOF; pytest`, a `build.rs` then `cargo
 * build`. The program is allowed by its spec and the file by the workspace rules, so each alone
 * is harmless; together they run the written text. Where that text is shell (a Makefile's
 * recipes, package.json's scripts) it is walked as the commands it is, each decided by every
 * rule; Python and JavaScript files are read as inline code is (`readCode`); a file in a
 * language drydock does not read, or a recipe that uses make's variables or functions, leaves
 * the part with `runsWritten` and unread code (rule `written-project-files` asks). Files written
 * with text only known when it runs are not in `walk.written`: they run as any workspace file.
 */
export function readWrittenProject(
  walk: Walk,
  part: CommandPart,
  name: string,
  args: Arg[],
  /** Reads code as inline code on `part`; returns what could not be followed, readers' ordinary limits aside. */
  readCode: (text: string, lang: CodeLanguage) => string | undefined,
): void {
  if (walk.written.size === 0 && walk.decoded.size === 0) return;
  const runner = runnerOf(name, args);
  if (!runner) return;
  const dirs = (walk.cwd ?? [walk.ws.workspace]).map((c) =>
    runner.dir ? resolvePath(runner.dir, c, walk.ws.home) : c,
  );
  if (runsDecoded(walk, runner, dirs))
    structure(
      walk,
      part.text,
      'shell:decoded-script',
      `\`${clip(part.text, 50)}\` runs a project file this command line wrote with text that cannot be read (decoded, written by inline code, or printed by a program, a filter or a list of commands), so it is denied`,
    );
  const found = filesOf(walk, runner, dirs);
  if (found.length === 0) return;
  let unread: string | undefined;
  let read = false;
  for (const f of found) {
    // A file being decided already (a recipe that runs make again, a script that runs
    // sphinx-build on its own directory) is not read again inside itself.
    if (reading.has(f.key)) continue;
    const file = f.key.slice(f.key.lastIndexOf('/') + 1);
    const where = `in \`${clip(file, 40)}\`, which this command line wrote and \`${clip(part.text, 40)}\` runs`;
    reading.add(f.key);
    try {
      for (const text of f.other !== undefined && f.other !== f.text ? [f.text, f.other] : [f.text]) {
        read = true;
        const issue =
          f.kind === 'make'
            ? makeRecipes(walk, text, where, f.dir)
            : f.kind === 'scripts'
              ? packageScripts(walk, text, where)
              : f.kind === 'unread'
                ? `${file}, code in a language drydock does not read`
                : readCode(text, f.kind);
        unread ??= issue;
      }
    } finally {
      reading.delete(f.key);
    }
  }
  if (!read) return;
  part.runsWritten = true;
  if (unread) {
    delete part.code;
    part.codeIssue = unread;
  } else if (!part.codeIssue) part.code = 'read';
}

/** The files being read now (one decision at a time per thread). */
const reading = new Set<string>();

type Kind = 'make' | 'scripts' | CodeLanguage | 'unread';

interface Runner {
  /** Files it runs: by exact name in the directory (`names`), or any under it matching `tree`. */
  names?: string[];
  tree?: RegExp;
  kind: (file: string) => Kind;
  /** The directory it works in, relative to the working directory (`make -C dir`). */
  dir?: string;
}

const PY = /\.py$/;
const JS = /\.(m|c)?[jt]sx?$/;
const jsKind = (f: string): Kind => (/\.(m|c)?tsx?$/.test(f) ? 'typescript' : 'javascript');
const unread = (): Kind => 'unread';

/** Asking a program for its version or help. */
const INFO_FLAG = /^(-v|-V|--version|-version|-h|--help|-help)$/;

/**
 * The project files `name` runs given `args`, from programs.yaml's `project_files:` (which
 * programs, which files, under which subcommands); how each kind of file is found and read is
 * here: make's `-f`/`-C`, the package managers' settings files, pip install's directory, a
 * compiler's operands.
 */
function runnerOf(name: string, args: Arg[]): Runner | null {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const words = args.map((a) => (a.dynamic ? '' : a.text));
  const table = projectFiles();
  let facts = table.byName.get(base);
  if (!facts) {
    const unversioned = table.byName.get(base.replace(/[0-9.]+$/, ''));
    if (unversioned?.versionSuffix) facts = unversioned;
  }
  if (!facts) {
    // A versioned or cross compiler (`gcc-12`, `x86_64-linux-gnu-gcc`).
    const compiler = table.byName.get(base.replace(/-\d+(\.\d+)*$/, '').replace(/^[\w-]*-linux-gnu-/, ''));
    if (compiler?.compilesOperands) facts = compiler;
  }
  if (!facts && /^python[0-9.]*$/.test(base)) {
    const module = moduleOf(words);
    if (module !== null) facts = table.byModule.get(module);
  }
  if (!facts) return null;
  if (facts.onlyWith !== null && !words.includes(facts.onlyWith)) return null;
  if (facts.kind === 'make') return makeFiles(facts, words);
  // (`npm -v`, `cargo --version`, `gcc --help`: asking for the version or help runs nothing)
  if (
    (facts.kind === 'unread' || facts.kind === 'package_scripts') &&
    words.length > 0 &&
    words.every((w) => INFO_FLAG.test(w))
  )
    return null;
  if (facts.kind === 'package_scripts')
    return {
      names: facts.names,
      kind: (f) => (f.endsWith('/package.json') ? 'scripts' : f.endsWith('.cjs') ? 'javascript' : 'unread'),
    };
  if (facts.compilesOperands) return compilerFiles(words);
  if (facts.installDirectory !== null) {
    const i = words.indexOf(facts.installDirectory);
    if (i < 0) return null;
    const dir = words
      .slice(i + 1)
      .find((w) => w === '.' || w.startsWith('./') || w.startsWith('/') || w.startsWith('../'));
    if (dir === undefined) return null;
    return { ...filesFrom(facts), dir };
  }
  if (facts.subcommands.length > 0 || facts.buildsNothing.length > 0) {
    const sub = words.find((w) => !w.startsWith('-'));
    if (facts.subcommands.length > 0 && (sub === undefined || !facts.subcommands.includes(sub))) return null;
    if (sub !== undefined && facts.buildsNothing.includes(sub)) return null;
  }
  return withOperands(filesFrom(facts), words);
}

/**
 * Files of the runner's kind named as operands (`go run /tmp/x.go`, `pytest /tmp/test_x.py`):
 * the files it runs wherever they are, not only those under the working directory its `tree`
 * is searched in (probe 31: a Go program written to /tmp and run there was not read).
 */
function withOperands(runner: Runner, words: string[]): Runner {
  if (!runner.tree) return runner;
  const named = words.filter((w) => w !== '' && !w.startsWith('-') && runner.tree!.test(w));
  return named.length ? { ...runner, names: [...(runner.names ?? []), ...named] } : runner;
}

/** The files of an entry, as the reader finds them: its names and patterns, else its language's files. */
function filesFrom(facts: ProjectFileFacts): Runner {
  const kind =
    facts.kind === 'python' ? () => 'python' as const : facts.kind === 'javascript' ? jsKind : unread;
  const tree =
    facts.files ??
    (facts.names.length > 0
      ? undefined
      : facts.kind === 'python'
        ? PY
        : facts.kind === 'javascript'
          ? JS
          : undefined);
  return {
    ...(facts.names.length > 0 ? { names: facts.names } : {}),
    ...(tree ? { tree } : {}),
    kind,
  };
}

/**
 * make's makefiles: the ones it is told to read (`-f`, `--file`, `--makefile`), else the entry's
 * default names, in the directory `-C` names.
 */
function makeFiles(facts: ProjectFileFacts, words: string[]): Runner {
  const files: string[] = [];
  let dir: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const value = (long: string[], short: string): string | undefined => {
      for (const l of long) {
        if (w === l) return words[++i];
        if (w.startsWith(`${l}=`)) return w.slice(l.length + 1);
      }
      if (w === short) return words[++i];
      if (w.startsWith(short) && !w.startsWith('--')) return w.slice(short.length);
      return undefined;
    };
    const f = value(['--file', '--makefile'], '-f');
    if (f !== undefined) files.push(f);
    else {
      const d = value(['--directory'], '-C');
      if (d !== undefined) dir = dir && !d.startsWith('/') ? `${dir}/${d}` : d;
    }
  }
  // Besides the makefiles it is told to read, the project's own makefile may include any
  // makefile the line wrote (`-include config.mk`, `include $(wildcard *.mk)`: read as one), and
  // its rules compile and may run sources the line wrote (`make t && ./t`, `make test`).
  return {
    names: files.length ? files : facts.names,
    tree: MAKE_TREE,
    kind: (f) => (COMPILED.test(f) ? 'unread' : 'make'),
    ...(dir !== undefined ? { dir } : {}),
  };
}

/** Sources of compiled languages drydock does not read (C and C++, assembly, Fortran, Rust, Go, the JVM's, Swift, Haskell, …). */
const COMPILED =
  /\.(c|cc|cpp|cxx|c\+\+|h|hh|hpp|hxx|m|mm|s|S|sx|f|for|f77|f90|f95|f03|rs|go|java|kt|kts|scala|groovy|swift|hs|lhs|ml|d|zig|nim|cs|fs|vb|pas|adb|ads|cob|cbl)$/;
/** Files make reads as makefiles when included (`*.mk`, `*.make`) and the sources its rules compile. */
const MAKE_TREE = new RegExp(`(\\.mk|\\.make|${COMPILED.source.slice(2, -1)})$`);

/**
 * A compiler (`compiles_operands: true`) given source files the line may have written (`printf
 * '…' > t.c && gcc t.c -o t && ./t`): the program it builds runs code drydock does not read, so
 * those files are unread.
 */
function compilerFiles(words: string[]): Runner | null {
  const names = words.filter((w) => !w.startsWith('-') && COMPILED.test(w));
  // `-x c -` and `@file` lists name their sources elsewhere: every written source may be among them.
  if (words.some((w) => w === '-' || w.startsWith('@'))) return { tree: COMPILED, kind: unread };
  return names.length ? { names, kind: unread } : null;
}

/** `python -m MODULE`'s module (`-mpytest` too), or null. */
function moduleOf(words: string[]): string | null {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-m') return words[i + 1] ?? null;
    if (/^-[A-Za-z]*m./.test(w) && !w.startsWith('--')) return w.slice(w.indexOf('m') + 1);
    if (!w.startsWith('-')) return null;
  }
  return null;
}

/** Whether the runner runs a file this line wrote with text that cannot be read (`walk.decoded`). */
function runsDecoded(walk: Walk, runner: Runner, dirs: string[]): boolean {
  if (walk.decoded.size === 0) return false;
  if (walk.decoded.has('*')) return true;
  return dirs.some(
    (d) =>
      (runner.names ?? []).some((n) => walk.decoded.has(resolvePath(n, d, walk.ws.home))) ||
      (runner.tree !== undefined &&
        [...walk.decoded].some(
          (k) => !walk.codeWritten.has(k) && (d === '/' || k.startsWith(`${d}/`)) && runner.tree!.test(k),
        )),
  );
}

/** At most this many written files are scanned per run, and read. */
const MAX_SCANNED = 256;
const MAX_READ = 16;

function filesOf(
  walk: Walk,
  runner: Runner,
  dirs: string[],
): { key: string; text: string; other?: string; kind: Kind; dir: string }[] {
  const out: { key: string; text: string; other?: string; kind: Kind; dir: string }[] = [];
  const add = (key: string, dir: string) => {
    const text = walk.written.get(key);
    if (text === undefined || out.some((o) => o.key === key)) return;
    const other = walk.written.get(`${key}${ALT}`);
    out.push({ key, text, ...(other !== undefined ? { other } : {}), kind: runner.kind(key), dir });
  };
  for (const d of dirs) {
    for (const n of runner.names ?? []) add(resolvePath(n, d, walk.ws.home), d);
    if (!runner.tree) continue;
    let scanned = 0;
    for (const key of walk.written.keys()) {
      if (++scanned > MAX_SCANNED || out.length >= MAX_READ) break;
      if (!key.endsWith(ALT) && (d === '/' || key.startsWith(`${d}/`)) && runner.tree.test(key)) add(key, d);
    }
  }
  return out;
}

/**
 * Walks a Makefile's recipes as the shell lines make gives `sh -c`, each in a child shell.
 * Returns why the file cannot be followed: a recipe that make expands (`$(VAR)`, `$@`: only
 * `$$` is read, as `$`), a function call outside recipes (`$(shell …)` runs while make reads the
 * file), or a changed SHELL.
 */
function makeRecipes(walk: Walk, text: string, where: string, dir: string): string | undefined {
  const lines = text.split('\n');
  const recipes: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    // A line ending in a backslash goes on (a recipe's is kept for the shell, which joins it too).
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line}\n${lines[++i]!}`;
    if (line.startsWith('\t')) {
      recipes.push(line.slice(1));
      continue;
    }
    const bare = line.replace(/#.*$/, '');
    if (/\$[({]\s*[A-Za-z-]+[\s,]/.test(bare)) return 'a Makefile that calls make functions';
    const inc = /^\s*(-?include|sinclude|-?load|\.include|\.-include|\.sinclude)\s+(.*)$/.exec(bare);
    if (inc) {
      const issue = makeInclude(walk, inc[1]!, inc[2]!, dir, where);
      if (issue) return issue;
      continue;
    }
    if (/^\s*(override\s+|export\s+)?(SHELL|\.SHELLFLAGS|MAKESHELL)\s*[:+?!]?=/.test(bare))
      return 'a Makefile that sets the shell its recipes run in';
    // `target: prerequisites ; recipe`
    const m = /^[^=#]*?:[^=;]*;(.*)$/.exec(bare);
    if (m) recipes.push(m[1]!);
  }
  for (const r of recipes) {
    const recipe = r.replace(/^[\s@+-]+/, '');
    if (recipe.replace(/\$\$/g, '').includes('$')) return 'a Makefile recipe that make expands';
    asChild(walk, () => walk.walkScript(walk, recipe.replace(/\$\$/g, '$'), { kind: 'none' }, where));
  }
  return undefined;
}

/**
 * make's `include` (`-include`, `sinclude`, BSD's `.include`) of makefiles: one the line wrote is
 * read as a part of this one; the project's own (in the workspace, not written) is what `make`
 * reads anyway. A name make expands, a glob, or a file outside the workspace cannot be followed;
 * nor can `load`, which loads a shared object into make.
 */
function makeInclude(
  walk: Walk,
  directive: string,
  names: string,
  dir: string,
  where: string,
): string | undefined {
  if (directive.endsWith('load')) return 'a Makefile that loads a shared object into make';
  for (const w of names.trim().split(/\s+/)) {
    if (!w) continue;
    if (/[$*?[\\"'<>]/.test(w)) return 'a Makefile that includes files make has to expand';
    const key = resolvePath(w, dir, walk.ws.home);
    const text = walk.written.get(key);
    if (text === undefined) {
      if (walk.decoded.has(key) || walk.decoded.has('*'))
        return 'a Makefile that includes a file written with text that cannot be read';
      if (key !== walk.ws.workspace && !key.startsWith(`${walk.ws.workspace}/`))
        return 'a Makefile that includes a file outside the workspace';
      continue;
    }
    if (reading.has(key)) continue;
    reading.add(key);
    try {
      for (const t of [text, walk.written.get(`${key}${ALT}`)]) {
        if (t === undefined) continue;
        const issue = makeRecipes(walk, t, `${where} (included \`${clip(w, 40)}\`)`, dir);
        if (issue) return issue;
      }
    } finally {
      reading.delete(key);
    }
  }
  return undefined;
}

/**
 * Walks package.json's scripts as the command lines the package manager gives `sh -c`: every
 * script, since any subcommand may run one (`npm install` runs the lifecycle scripts, `npm test`
 * pretest and posttest). Text that is not JSON makes the package manager stop before any.
 */
function packageScripts(walk: Walk, text: string, where: string): string | undefined {
  let scripts: unknown;
  try {
    scripts = (JSON.parse(text) as { scripts?: unknown } | null)?.scripts;
  } catch {
    return undefined;
  }
  if (scripts === undefined || scripts === null) return undefined;
  if (typeof scripts !== 'object') return 'a package.json whose scripts are not read';
  for (const [name, script] of Object.entries(scripts as Record<string, unknown>)) {
    if (typeof script !== 'string') continue;
    asChild(walk, () =>
      walk.walkScript(walk, script, { kind: 'none' }, `${where} (script \`${clip(name, 30)}\`)`),
    );
  }
  return undefined;
}
