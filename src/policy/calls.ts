import { climbs } from './glob.js';

/**
 * R and Julia one-liners that only call the project's development tools: `Rscript -e
 * "devtools::test()"`, `R -e "devtools::document()"`, `Rscript -e "devtools::load_all();
 * lintr::lint_package()"`, `julia --project -e 'using Pkg; Pkg.test()'`, `julia -e 'using
 * JuliaFormatter; format(".")'`. drydock does not read these languages, so such code asked; these
 * lines are the R and Julia spelling of `make test` (benign probe 19: every R package Makefile and
 * Julia justfile sampled), so a small subset is read instead.
 *
 * Read: statements separated by `;` or line breaks, each a call of a function programs.yaml's
 * `calls:` lists for the program (qualified, `devtools::test`, `Pkg.test`, or bare after `library(x)`,
 * `using X` or `using X: f`), `library`/`require`/`requireNamespace` (R), `using`/`import` (Julia),
 * whose arguments are literals: strings, numbers, `TRUE`/`true`/`nothing`, R's `c(…)` and Julia's
 * `[…]` of literals, `name = value` and Julia's `;` before keywords. A string that looks like a path
 * is decided as one: read (`run` calls: the code they run or the files they check) or written (`write`
 * calls: formatters and generators); a `run` call's path that names a place by itself (absolute, `~`,
 * climbing with `..`) is code from elsewhere and the code stays unread.
 *
 * Anything else stays unread (the interpreter rules ask): another function, a variable, a nested
 * call (`PackageSpec(path=pwd())`), an operator, a comment, escapes, Julia's `$` interpolation and
 * backticks (a command), a URL, an option string naming a path (`args = "--output=/x"`), a word only
 * known when it runs, or an option this reader does not know to hold no code.
 */

export type CallKind = 'run' | 'write';

export interface CallTable {
  language: 'r' | 'julia';
  /** Qualified function name (`devtools::test`, `Pkg.test`, Julia's bare `include`) → what it does. */
  calls: ReadonlyMap<string, CallKind>;
}

export interface ReadCalls {
  /** Path-like strings the calls were given, with what the call does with them. */
  paths: { text: string; access: 'read' | 'write' }[];
}

const MAX_CODE = 4096;

/**
 * Reads the words after the interpreter (quote-removed; `dynamic[i]` when word i is only known when
 * it runs). Returns the paths the calls name, or null when the code is not read (or there is none).
 */
export function readCalls(
  table: CallTable,
  words: string[],
  dynamic: boolean[],
  stdin?: string,
): ReadCalls | null {
  const code: string[] = [];
  const julia = table.language === 'julia';
  // An operand (a script, `R CMD …`) means standard input is not the program.
  let operand = false;
  for (let i = 0; i < words.length; i++) {
    if (dynamic[i]) return null;
    const w = words[i]!;
    if (w === '--args' || w === '--') break;
    if (!w.startsWith('-')) operand = true;
    if (w === '-e' || (julia && (w === '-E' || w === '--eval' || w === '--print'))) {
      if (i + 1 >= words.length || dynamic[i + 1]) return null;
      code.push(words[++i]!);
      continue;
    }
    const eq = /^--(eval|print)=/.exec(w);
    if (julia && eq) {
      code.push(w.slice(eq[0].length));
      continue;
    }
    // julia's `-i` starts the REPL after the code, which then runs what comes on standard input.
    if (julia && (w === '-i' || w === '--interactive')) return null;
    // julia's `-p N`/`-t N` (processes, threads) take a value that is no code.
    if (julia && (w === '-p' || w === '-t' || w === '--procs' || w === '--threads')) {
      i++;
      continue;
    }
    // Any other spelling a rule may take for code (`-c`, `-E` to R, `--eval` to R, a cluster): unread.
    if (/^-(c|E|p|-eval|-print|-commands|-execute)\b/.test(w) || /^-[A-Za-z]*e$/.test(w)) return null;
  }
  // `echo 'devtools::test()' | R --vanilla`: with no `-e` and no operand R and julia run what standard
  // input holds; literal text there (echo or printf of literal words, a here-document) is read as `-e`'s.
  if (code.length === 0 && stdin !== undefined && !operand) code.push(stdin);
  if (code.length === 0) return null;
  const paths: ReadCalls['paths'] = [];
  for (const c of code) {
    if (c.length > MAX_CODE) return null;
    const read = julia ? juliaCalls(table, c) : rCalls(table, c);
    if (!read) return null;
    for (const s of read) {
      const p = pathOf(s.text, s.kind);
      if (p === null) return null;
      if (p) paths.push(p);
    }
  }
  return { paths };
}

type Tok =
  { t: 'id'; v: string } | { t: 'str'; v: string } | { t: 'num' } | { t: 'p'; v: string } | { t: 'nl' };

/** Splits the code into tokens, or null on anything this reader does not take. */
function tokens(code: string, julia: boolean): Tok[] | null {
  const out: Tok[] = [];
  const ident = julia ? /^[A-Za-z_][A-Za-z0-9_!]*/ : /^(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*/;
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\n' || c === '\r') {
      out.push({ t: 'nl' });
      i++;
      continue;
    }
    const rest = code.slice(i, i + 256);
    if (c === '"' || (c === "'" && !julia)) {
      const end = code.indexOf(c, i + 1);
      if (end < 0) return null;
      const v = code.slice(i + 1, end);
      // escapes, interpolation (Julia's `$x`, `$(…)`) and line breaks are not followed
      if (/[\\\n\r]/.test(v) || (julia && v.includes('$'))) return null;
      out.push({ t: 'str', v });
      i = end + 1;
      continue;
    }
    const num = /^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?L?/.exec(rest);
    if (num) {
      out.push({ t: 'num' });
      i += num[0].length;
      continue;
    }
    const id = ident.exec(rest);
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    if (!julia && code.startsWith('::', i)) {
      if (code[i + 2] === ':') return null; // `:::` reaches a package's internals
      out.push({ t: 'p', v: '::' });
      i += 2;
      continue;
    }
    if ('(),;=[]'.includes(c) || (julia && (c === '.' || c === ':'))) {
      // `==`, `=>`, `.=`, … are operators, not an argument's name
      if (c === '=' && /[=>]/.test(code[i + 1] ?? '')) return null;
      out.push({ t: 'p', v: c });
      i++;
      continue;
    }
    return null;
  }
  return out;
}

interface Str {
  text: string;
  kind: CallKind;
}

/** A tiny cursor over the tokens. */
class Cursor {
  i = 0;
  constructor(readonly toks: Tok[]) {}
  peek(): Tok | undefined {
    return this.toks[this.i];
  }
  isP(v: string): boolean {
    const t = this.toks[this.i];
    return t?.t === 'p' && t.v === v;
  }
  takeP(v: string): boolean {
    if (!this.isP(v)) return false;
    this.i++;
    return true;
  }
  takeId(): string | null {
    const t = this.toks[this.i];
    if (t?.t !== 'id') return null;
    this.i++;
    return t.v;
  }
  /** Skips line breaks (inside parentheses they are spaces). */
  skipNl(): void {
    while (this.toks[this.i]?.t === 'nl') this.i++;
  }
  atEnd(): boolean {
    return this.i >= this.toks.length;
  }
}

const R_CONSTANTS = new Set(['TRUE', 'FALSE', 'T', 'F', 'NULL', 'NA', 'Inf']);
const JULIA_CONSTANTS = new Set(['true', 'false', 'nothing']);

/** A literal argument value; its strings are collected. Returns false when it is anything else. */
function value(cur: Cursor, julia: boolean, strings: string[], depth = 0): boolean {
  cur.skipNl();
  const t = cur.peek();
  if (!t || depth > 2) return false;
  if (t.t === 'str') {
    strings.push(t.v);
    cur.i++;
    return true;
  }
  if (t.t === 'num') {
    cur.i++;
    return true;
  }
  if (t.t === 'id' && (julia ? JULIA_CONSTANTS : R_CONSTANTS).has(t.v)) {
    cur.i++;
    return true;
  }
  const open = julia ? '[' : null;
  if (julia ? cur.isP('[') : t.t === 'id' && t.v === 'c' && cur.toks[cur.i + 1]?.t === 'p') {
    if (!julia) {
      cur.i++;
      if (!cur.takeP('(')) return false;
    } else cur.i++;
    const close = open ? ']' : ')';
    cur.skipNl();
    if (cur.takeP(close)) return true;
    for (;;) {
      if (!value(cur, julia, strings, depth + 1)) return false;
      cur.skipNl();
      if (cur.takeP(close)) return true;
      if (!cur.takeP(',')) return false;
    }
  }
  return false;
}

/** `(args)` of literals, `name = literal`; Julia's `;` starts the keywords. */
function args(cur: Cursor, julia: boolean, strings: string[]): boolean {
  if (!cur.takeP('(')) return false;
  cur.skipNl();
  if (julia) cur.takeP(';');
  for (;;) {
    cur.skipNl();
    if (cur.takeP(')')) return true;
    const t = cur.peek();
    const next = cur.toks[cur.i + 1];
    if (t?.t === 'id' && next?.t === 'p' && next.v === '=') cur.i += 2;
    if (!value(cur, julia, strings)) return false;
    cur.skipNl();
    if (cur.takeP(')')) return true;
    if (!cur.takeP(',') && !(julia && cur.takeP(';'))) return false;
  }
}

/** Statement separators (`;`, line breaks); false when the next token is something else. */
function separator(cur: Cursor): boolean {
  if (cur.atEnd()) return true;
  const t = cur.peek()!;
  return t.t === 'nl' || (t.t === 'p' && t.v === ';');
}

function skipSeparators(cur: Cursor): void {
  while (!cur.atEnd() && separator(cur)) cur.i++;
}

const R_ATTACH = new Set(['library', 'require']);

function rCalls(table: CallTable, code: string): Str[] | null {
  const toks = tokens(code, false);
  if (!toks) return null;
  const cur = new Cursor(toks);
  const attached: string[] = [];
  const out: Str[] = [];
  for (skipSeparators(cur); !cur.atEnd(); skipSeparators(cur)) {
    const first = cur.takeId();
    if (!first) return null;
    let name = first;
    if (cur.takeP('::')) {
      const fn = cur.takeId();
      if (!fn) return null;
      name = `${first}::${fn}`;
    }
    if (R_ATTACH.has(name) || name === 'requireNamespace') {
      // `library(pkg)`, `library("pkg")`, `requireNamespace("pkg", quietly = TRUE)`: loads an installed package
      if (!cur.takeP('(')) return null;
      const p = cur.peek();
      if (p?.t !== 'id' && p?.t !== 'str') return null;
      cur.i++;
      // (`quietly = TRUE`; a string, `lib.loc = "/srv/lib"`, would load the package from elsewhere)
      const named: string[] = [];
      while (cur.takeP(',')) if (!cur.takeId() || !cur.takeP('=') || !value(cur, false, named)) return null;
      if (named.length > 0) return null;
      if (!cur.takeP(')') || !separator(cur) || !/^[A-Za-z][A-Za-z0-9.]*$/.test(p.v)) return null;
      if (R_ATTACH.has(name)) attached.push(p.v);
      continue;
    }
    const key = name.includes('::')
      ? name
      : attached.map((ns) => `${ns}::${name}`).find((k) => table.calls.has(k));
    const kind = key === undefined ? undefined : table.calls.get(key);
    if (!kind) return null;
    const strings: string[] = [];
    if (!args(cur, false, strings) || !separator(cur)) return null;
    for (const s of strings) out.push({ text: s, kind });
  }
  return out;
}

function juliaCalls(table: CallTable, code: string): Str[] | null {
  const toks = tokens(code, true);
  if (!toks) return null;
  const cur = new Cursor(toks);
  const modules = new Set<string>();
  const names = new Map<string, string>();
  const out: Str[] = [];
  const dotted = (): string | null => {
    let n = cur.takeId();
    if (!n) return null;
    while (cur.isP('.') && cur.toks[cur.i + 1]?.t === 'id') {
      cur.i++;
      n = `${n}.${cur.takeId()!}`;
    }
    return n;
  };
  for (skipSeparators(cur); !cur.atEnd(); skipSeparators(cur)) {
    const t = cur.peek();
    if (t?.t === 'id' && (t.v === 'using' || t.v === 'import')) {
      // `using A, B`, `import Pkg`, `using JuliaFormatter: format, format_file`
      const using = t.v === 'using';
      cur.i++;
      for (;;) {
        const m = dotted();
        if (!m) return null;
        if (cur.takeP(':')) {
          for (;;) {
            const f = cur.takeId();
            if (!f) return null;
            names.set(f, `${m}.${f}`);
            if (!cur.takeP(',')) break;
          }
          break;
        }
        if (using) modules.add(m);
        names.set(m.slice(m.lastIndexOf('.') + 1), m);
        if (!cur.takeP(',')) break;
      }
      if (!separator(cur)) return null;
      continue;
    }
    const name = dotted();
    if (!name) return null;
    let key: string | undefined = name;
    if (!table.calls.has(name)) {
      const dot = name.indexOf('.');
      if (dot < 0)
        key = names.get(name) ?? [...modules].map((m) => `${m}.${name}`).find((k) => table.calls.has(k));
      // `Pkg.test` after `import Pkg`, `JF.format` after `import JuliaFormatter as …` is not taken
      else
        key = names.has(name.slice(0, dot))
          ? `${names.get(name.slice(0, dot))!}${name.slice(dot)}`
          : undefined;
    }
    const kind = key === undefined ? undefined : table.calls.get(key);
    if (!kind) return null;
    const strings: string[] = [];
    if (!args(cur, true, strings) || !separator(cur)) return null;
    for (const s of strings) out.push({ text: s, kind });
  }
  return out;
}

/**
 * What a string argument names: a path read or written, nothing (`''`: a word such as
 * `'warning'` or `'--as-cran'`), or null when it makes the code unread (a URL, an option naming a
 * path, a `run` call's code from elsewhere).
 */
function pathOf(s: string, kind: CallKind): ReadCalls['paths'][number] | '' | null {
  if (s.includes('://')) return null;
  if (s.startsWith('-')) return /[/~]/.test(s) ? null : '';
  const looksLikePath = /[/~]/.test(s) || s.startsWith('.') || /\.[A-Za-z0-9]{1,8}$/.test(s);
  if (!looksLikePath) return '';
  if (kind === 'run' && (s.startsWith('/') || s.startsWith('~') || climbs(s))) return null;
  return { text: s, access: kind === 'write' ? 'write' : 'read' };
}
