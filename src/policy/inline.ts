import { NO_BUDGET, parseWithin, type Budget } from './budget.js';
import type { CallTable } from './calls.js';
import { extract, EXTRACT_LIMIT, JS_WORDS, PY_WORDS, scanWords, TREE_LIMIT } from './inline-lex.js';
import type { Parser } from 'web-tree-sitter';
import { PlainNode as Node } from './plain-tree.js';
import type { ProgramSpec } from './programs.js';

/**
 * Reads inline code (`python -c …`, `python - <<EOF`, `node -e …`) with tree-sitter
 * and says what it does in the shell's terms: commands it runs (`os.system("rm -rf
 * ~")` is `rm -rf ~`), files it opens for writing or reading, environment variables
 * it reads or sets, hosts it connects to. A call whose argument is only known when
 * it runs, or a call this reader does not know on a module that can run programs,
 * touch files or the network, is an `unknown` (ask).
 */
export type Effect =
  | { kind: 'shell'; text: string; cwd?: string }
  | { kind: 'argv'; argv: string[]; cwd?: string }
  /**
   * A file written; `text`, when the call replaces the whole file with literal text
   * (`Path(p).write_text('…')`, `open(p, 'w').write('…')`, a `with open(p, 'w') as f:` whose
   * body only writes literals, `fs.writeFileSync(p, '…')`), is what it then holds; `meta`
   * when only its mode, owner or times change (`fs.chmodSync`, `os.utime`), not its text.
   */
  | { kind: 'write'; path: string; text?: string; meta?: true }
  | { kind: 'read'; path: string }
  | { kind: 'env-read'; name: string | null }
  | { kind: 'env-set'; name: string; value: string | null }
  | { kind: 'net'; url: string | null }
  | { kind: 'unknown'; what: string };

export interface CodeParsers {
  python: Parser;
  javascript: Parser;
  /** For TypeScript runners' code (`ts-node -e`, `tsx -e`); without it their code is read as JavaScript. */
  typescript?: Parser;
  /** The interpreters' option specs (policies/programs.yaml): where an invocation's code is. */
  programs?: ReadonlyMap<string, ProgramSpec>;
  /** programs.yaml's `unspecified:`: the options known for a program with no spec of its own. */
  unspecified?: ProgramSpec;
  /** programs.yaml's `calls:`: the R and Julia functions whose one-liners are read (calls.ts). */
  calls?: ReadonlyMap<string, CallTable>;
  /** programs.yaml's `versioned:`: the program a command name is decided as (`python3.14` is `python`). */
  versioned?: (name: string) => string;
}

const MAX_EFFECTS = 64;

let treeLimitNow = TREE_LIMIT;

/**
 * Characters of code one decision may hand to tree-sitter in all (one extract at its limit): a
 * command with fifty 2,000-character snippets (`python3 -c …; python3 -c …`) would otherwise
 * parse 100,000 characters with it. Past this, each snippet is cut by the lexer first, and an
 * extract that does not fit asks. Decisions with no time limit (`NO_BUDGET`) are not counted.
 */
const TREE_CHARS_PER_DECISION = EXTRACT_LIMIT;
const treeChars = new WeakMap<Budget, number>();

/** Whole snippets may use half of it (`limit` 1), so extracts of later ones still fit (`limit` 2). */
function spend(budget: Budget, chars: number, limit: 1 | 2 = 1): boolean {
  if (budget === NO_BUDGET) return true;
  const used = treeChars.get(budget) ?? 0;
  if (used + chars > (TREE_CHARS_PER_DECISION / 2) * limit) return false;
  treeChars.set(budget, used + chars);
  return true;
}

const TOO_MUCH: Effect = { kind: 'unknown', what: 'more inline code than one decision reads' };

/**
 * Whether an unknown (its `what`) says only where this reader stops on ordinary code: its length
 * or a grammar it does not follow, a call of a watched module it does not know, a path or a
 * module file only known when it runs; not code that hides what it runs (computed code, a module
 * or function reached by name, a command only known when it runs, escaped names). A script the
 * command line wrote and runs (extract.ts readWrittenScript) is then what any workspace script
 * is; `python -c` of it still asks. Unknowns not listed here count as hiding (fail closed).
 */
export function readerLimit(what: string): boolean {
  return READER_LIMITS.test(what);
}

const READER_LIMITS =
  /^(code too (long to read( in time)?|large to read)|code that does not parse|(Python|JavaScript) code that does not parse|long (Python|JavaScript) code with (code too long to read|an unterminated string|unbalanced brackets|an unterminated f-string field|an unterminated template string|an unterminated comment|an unterminated regular expression|a format spec this reader cannot follow))$|, a call this reader does not know$| (of|to|for writing) a path only known when it runs$|^a file opened for writing at a path only known when it runs$|^`importlib\.util\.spec_from_file_location` of a file only known when it runs$/;

/**
 * Runs `fn` with another length up to which code is read whole by tree-sitter (the
 * cross-check test reads every corpus command both ways: `withTreeLimit(-1, …)` cuts all code).
 */
export function withTreeLimit<T>(limit: number, fn: () => T): T {
  const saved = treeLimitNow;
  treeLimitNow = limit;
  try {
    return fn();
  } finally {
    treeLimitNow = saved;
  }
}
const MAX_NODES = 50_000;

function str(node: Node | null | undefined): string | null {
  if (!node) return null;
  if (node.type === 'identifier') return constantAt(node);
  if (node.type === 'string') {
    // Python: string_start string_content* string_end, the content's escape sequences decoded
    // (until 5 Dec its text was taken as written, so `os.remove("\x2fetc/hosts")` was a workspace
    // path). In an f-string an interpolation with no conversion or format is its expression's
    // value (`f'{Path.home()}/.netrc'`), and `{{`/`}}` are braces.
    const prefix = (node.namedChildren[0]?.text ?? '').replace(/['"]/g, '').toLowerCase();
    let out = '';
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'string_content') {
        const text = pyStringContent(c, prefix);
        if (text === null) return null;
        out += text;
      } else if (c.type === 'interpolation') {
        if (c.namedChildren.length !== 1) return null;
        const v = str(c.namedChildren[0]);
        if (v === null) return null;
        out += v;
      } else if (c.type === 'escape_sequence') {
        const e = decodePyEscape(c.text, prefix.includes('b'));
        if (e === null) return null;
        out += e;
      } else if (c.type !== 'string_start' && c.type !== 'string_end') return null;
    }
    return out;
  }
  if (node.type === 'concatenated_string') {
    let out = '';
    for (const c of node.namedChildren) {
      const s = str(c);
      if (s === null) return null;
      out += s;
    }
    return out;
  }
  if (node.type === 'parenthesized_expression') return str(node.namedChildren[0]);
  if (node.type === 'binary_operator') {
    // `'rm -rf ' + d`, and a pathlib join: `Path.home() / '.netrc'`
    const op = node.childForFieldName('operator')?.text;
    if (op === '%') return percentFormat(node);
    if (op !== '+' && op !== '/') return null;
    const l = str(node.childForFieldName('left'));
    const r = l === null ? null : str(node.childForFieldName('right'));
    if (l === null || r === null) return null;
    return op === '+' ? l + r : joinPath([l, r]);
  }
  if (node.type === 'subscript') {
    // `os.environ['HOME']`
    const obj = dotted(node.childForFieldName('value'));
    if (obj && resolveNow(obj) === 'os.environ') return envValue(str(node.childForFieldName('subscript')));
    return null;
  }
  if (node.type === 'call') return strFormat(node) ?? pathCallValue(node);
  if (node.type === 'attribute') {
    const t = tempFileName(node);
    if (t !== null) return t;
  }
  // The interpreter running this code: a program spawned as `sys.executable` is this Python.
  if (node.type === 'attribute' && resolveNow(dotted(node) ?? '') === 'sys.executable') return 'python3';
  return null;
}

/**
 * Where `tempfile` puts a new directory: one new name under /tmp (the scratch directory), when
 * no `dir` is given and the prefix and suffix are literal names without a `/`. (Setting TMPDIR
 * is a rule of its own.) Null for anything else.
 */
function tempDirValue(call: Node, name: string): string | null {
  if (name === 'tempfile.gettempdir') return positional(call).length === 0 ? '/tmp' : null;
  const file = name === 'tempfile.NamedTemporaryFile' || name === 'tempfile.mkstemp';
  if (!file && name !== 'tempfile.mkdtemp' && name !== 'tempfile.TemporaryDirectory') return null;
  // Positionally: mkdtemp/mkstemp (suffix, prefix, dir), NamedTemporaryFile (mode, buffering, …).
  if (hasSplat(call) || positional(call).length > (name === 'tempfile.NamedTemporaryFile' ? 0 : 2))
    return null;
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!a || a.type === 'comment') continue;
    const key = a.type === 'keyword_argument' ? a.childForFieldName('name')?.text : null;
    if (key && file && TEMP_FILE_OPTIONS.has(key)) continue;
    if (key && key !== 'prefix' && key !== 'suffix' && key !== 'ignore_cleanup_errors') return null;
    if (key === 'ignore_cleanup_errors') continue;
    const v = str(a.type === 'keyword_argument' ? a.childForFieldName('value') : a);
    if (v === null || v.includes('/') || v.includes('\0')) return null;
  }
  return TEMP_PATH;
}

/** Keywords of `NamedTemporaryFile`/`mkstemp` that do not choose where the file is (`dir` does). */
const TEMP_FILE_OPTIONS = new Set([
  'mode',
  'buffering',
  'encoding',
  'newline',
  'delete',
  'delete_on_close',
  'errors',
  'text',
]);

/** Where the reader takes a new temporary file or directory to be: a new name under /tmp. */
const TEMP_PATH = '/tmp/tmp.drydock';

/**
 * A name bound once to a `tempfile.NamedTemporaryFile(…)` object (`with … as tmp`, `tmp = …`) or
 * to a `tempfile.TemporaryDirectory()` outside a `with` (`d = …`, then `d.name`): not a path itself
 * (so unknown as a value), but its `.name` is a new file or directory under /tmp.
 */
const TEMP_FILE_OBJECT = '\0tempfile-object';

/**
 * A name bound once to `open(PATH, …)` (`with open('d.pkl', 'rb') as f`, `f = open(…)`) holds
 * `OPENED_FILE` + PATH: not a path itself (so unknown as a value), but the file an unpickler
 * given it reads (`pickle.load(f)`).
 */
const OPENED_FILE = '\0opened:';

/**
 * While the constants pass runs: the names a value being computed read (`p = os.path.join(d, 'x')`
 * reads `d`; `p = d.name` reads the temporary object `d`, kept as `\0d`). The pass computes a
 * value from what the names it reads hold at that point, which is what they hold when the line
 * runs only for a statement of the module run once, in order; inside a loop or a function a name
 * bound again later (`d = '/etc'` at the loop's end) reaches the line too, so such a value is only
 * known if every name it read ends the pass bound to one value.
 */
let readDuringPass: string[] | null = null;

/** A call of `want` (`tempfile.mkstemp`, `tempfile.NamedTemporaryFile`) that puts its file under /tmp. */
function tempFileCall(call: Node, resolve: (name: string) => string, want: string): boolean {
  const fn = dotted(call.childForFieldName('function'));
  return fn !== null && resolve(fn) === want && tempDirValue(call, want) !== null;
}

/** `tmp.name` of a name bound once to a temporary file object: the new file under /tmp. */
function tempFileName(node: Node): string | null {
  if (node.type !== 'attribute' || node.childForFieldName('attribute')?.text !== 'name') return null;
  const obj = node.childForFieldName('object');
  if (obj?.type !== 'identifier' || constants.get(obj.text) !== TEMP_FILE_OBJECT) return null;
  readDuringPass?.push(`\0${obj.text}`);
  return TEMP_PATH;
}

/** The snippet being read imports `tarfile` or `zipfile` (so `.extract…()` is an archive's). */
let archivesImported = false;

/** How the reader resolves a dotted name through the code's imports (set while a snippet is read). */
let resolveNow: (name: string) => string = (name) => name;
/**
 * Names the code binds (by assignment, a loop, a parameter, …) and never imports, in code with no
 * `from … import *`: `code = Path(p).read_text()` makes `code.count(…)` a method of that value, not
 * of the module `code`. A module object reaches a name only through what the reader already
 * refuses (`o = os`, `importlib.import_module('os')` kept, `sys.modules[…]`, `getattr`, …).
 */
let localNames: ReadonlySet<string> = new Set();

/** The home directory's variables read as `~`; any other variable is only known when it runs. */
function envValue(name: string | null): string | null {
  return name === 'HOME' || name === 'USERPROFILE' ? '~' : null;
}

/** `os.path.join`'s rule: an absolute part starts again, others are joined with `/`. */
function joinPath(parts: string[]): string {
  let out = '';
  for (const p of parts) {
    if (p.startsWith('/') || out === '') out = p;
    else out = out.endsWith('/') ? out + p : `${out}/${p}`;
  }
  return out;
}

const PY_SAME_PATH = new Set([
  'os.path.expanduser',
  'posixpath.expanduser',
  'os.path.abspath',
  'os.path.realpath',
  'os.path.normpath',
  'os.fspath',
  'os.fsencode',
  'os.fsdecode',
  'str',
]);
// pathlib's classes, path.py's `path.Path` and pytest's `py.path.local` (a str subclass and a path object)
const PY_PATH_CLASSES = /^(pathlib\.(Pure)?(Posix)?Path|path\.Path|py\.path\.local)$/;

/**
 * The value of a call that builds a path from known parts, so a file call on it is decided on
 * the path it names: `os.path.expanduser('~/.netrc')` and `Path.home() / '.netrc'` are
 * `~/.netrc`, `os.path.join(os.environ['HOME'], '.aws', 'credentials')` is
 * `~/.aws/credentials`. Null for anything else.
 */
function pathCallValue(call: Node): string | null {
  if (hasSplat(call)) return null;
  const fn = call.childForFieldName('function');
  const args = positional(call);
  const all = (nodes: Node[]): string[] | null => {
    const out: string[] = [];
    for (const a of nodes) {
      const v = str(a);
      if (v === null) return null;
      out.push(v);
    }
    return out;
  };
  const raw = dotted(fn);
  const name = raw ? resolveNow(raw) : null;
  if (name) {
    if (PY_SAME_PATH.has(name)) return args.length === 1 ? str(args[0]) : null;
    if (name === 'os.path.join' || name === 'posixpath.join') {
      const parts = all(args);
      return parts && parts.length > 0 ? joinPath(parts) : null;
    }
    // `os.path.dirname('.bench_scratch/t.py')` is `.bench_scratch` (posixpath's rule: up to the last
    // `/`, trailing slashes dropped unless that is all there is; no directory part is the working one)
    if ((name === 'os.path.dirname' || name === 'posixpath.dirname') && args.length === 1) {
      const p = str(args[0]);
      if (p === null) return null;
      const head = p.slice(0, p.lastIndexOf('/') + 1);
      const dir = /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
      return dir === '' ? '.' : dir;
    }
    if (PY_PATH_CLASSES.test(name)) {
      const parts = all(args);
      return parts === null ? null : parts.length === 0 ? '.' : joinPath(parts);
    }
    if (/^pathlib\.(Posix)?Path\.home$/.test(name)) return '~';
    if (/^pathlib\.(Posix)?Path\.cwd$/.test(name) || name === 'os.getcwd') return '.';
    if (name === 'os.getenv' || name === 'os.environ.get') return envValue(str(args[0]));
    if (name === 'tempfile.mkdtemp' || name === 'tempfile.gettempdir') return tempDirValue(call, name);
  }
  // A method of a path built from known parts: `.expanduser()`, `.resolve()`, `.joinpath(…)`.
  if (fn?.type === 'attribute') {
    const method = fn.childForFieldName('attribute')?.text;
    const obj = fn.childForFieldName('object');
    if (method === 'expanduser' || method === 'resolve' || method === 'absolute' || method === 'as_posix')
      return args.length === 0 ? str(obj) : null;
    if (method === 'joinpath') {
      const base = str(obj);
      const parts = base === null ? null : all(args);
      return base !== null && parts ? joinPath([base, ...parts]) : null;
    }
    // `p.with_suffix('.bak')`, `p.with_name('b.py')`, `p.with_stem('b')`: the same directory, another name.
    if ((method === 'with_suffix' || method === 'with_name' || method === 'with_stem') && args.length === 1) {
      const base = str(obj);
      const v = base === null ? null : str(args[0]);
      if (base === null || v === null || v.includes('/') || v.includes('\0')) return null;
      const cut = base.replace(/\/+$/, '').lastIndexOf('/');
      const dir = cut < 0 ? '' : base.slice(0, cut + 1);
      const name = base.replace(/\/+$/, '').slice(cut + 1);
      if (!name || name === '.' || name === '..') return null;
      const dot = name.lastIndexOf('.');
      const stem = dot > 0 ? name.slice(0, dot) : name;
      const suffix = dot > 0 ? name.slice(dot) : '';
      if (method === 'with_name') return v && v !== '.' && v !== '..' ? dir + v : null;
      if (method === 'with_stem') return v ? dir + v + suffix : null;
      return v === '' || (v.startsWith('.') && v !== '.') ? dir + stem + v : null;
    }
  }
  return null;
}

/**
 * `'%s/.npmrc' % os.environ['HOME']`, `'%s/%s' % (a, b)`: printf-style formatting of known values
 * with `%s` (and `%%`) only; any other conversion, or a value only known when it runs, is null.
 */
function percentFormat(node: Node): string | null {
  const fmt = str(node.childForFieldName('left'));
  const right = node.childForFieldName('right');
  if (fmt === null || !right) return null;
  const items = right.type === 'tuple' ? right.namedChildren : [right];
  const values: string[] = [];
  for (const i of items) {
    const v = i ? str(i) : null;
    if (v === null) return null;
    values.push(v);
  }
  let k = 0;
  let bad = false;
  const out = fmt.replace(/%(.)/gs, (_m, c: string) => {
    if (c === '%') return '%';
    if (c !== 's' || k >= values.length) {
      bad = true;
      return '';
    }
    return values[k++]!;
  });
  return bad || k !== values.length ? null : out;
}

/**
 * `'{}/.kube/config'.format(home)`, `'{0}/{1}'.format(a, b)`: `str.format` of known values with
 * automatic or numbered fields and no conversion or format spec; anything else is null.
 */
function strFormat(call: Node): string | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'format') return null;
  const obj = fn.childForFieldName('object');
  if (obj?.type !== 'string' && obj?.type !== 'concatenated_string') return null;
  const fmt = str(obj);
  if (fmt === null || hasSplat(call)) return null;
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  if (args.some((a) => a?.type === 'keyword_argument')) return null;
  const values: string[] = [];
  for (const a of args) {
    const v = a ? str(a) : null;
    if (v === null) return null;
    values.push(v);
  }
  let auto = 0;
  let bad = false;
  const out = fmt.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (m, field: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    if (field === undefined) {
      bad = true;
      return '';
    }
    const i = field === '' ? auto++ : /^\d+$/.test(field) ? Number(field) : -1;
    if (i < 0 || i >= values.length) {
      bad = true;
      return '';
    }
    return values[i]!;
  });
  return bad ? null : out;
}

/**
 * The text of a Python string's `string_content`: its escape sequences (children of the content
 * node: `"\x2fetc"` is `/etc`) decoded as Python does, `{{`/`}}` of an f-string as braces; a raw
 * string's text as written. Null where an escape is one this reader does not decode (`\N{…}`).
 */
function pyStringContent(content: Node, prefix: string): string | null {
  if (prefix.includes('r') || content.namedChildCount === 0)
    return prefix.includes('f') ? content.text.replace(/\{\{/g, '{').replace(/\}\}/g, '}') : content.text;
  const bytes = prefix.includes('b');
  let out = '';
  let at = content.startIndex;
  const text = content.text;
  for (const c of content.namedChildren) {
    if (!c) continue;
    out += text.slice(at - content.startIndex, c.startIndex - content.startIndex);
    if (c.type === 'escape_sequence') {
      const e = decodePyEscape(c.text, bytes);
      if (e === null) return null;
      out += e;
    } else if (c.type === 'escape_interpolation') out += c.text[0];
    else return null;
    at = c.endIndex;
  }
  return out + text.slice(at - content.startIndex);
}

/** A Python escape sequence's value (`bytes`: in a b'' literal, where \u and \U are not escapes). */
function decodePyEscape(e: string, bytes: boolean): string | null {
  const c = e.slice(1);
  const simple: Record<string, string> = {
    '\n': '',
    '\\': '\\',
    "'": "'",
    '"': '"',
    a: '\x07',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
  };
  if (Object.hasOwn(simple, c)) return simple[c]!;
  if (/^[0-7]{1,3}$/.test(c)) return String.fromCharCode(parseInt(c, 8));
  if (/^x[0-9a-fA-F]{2}$/.test(c)) return String.fromCharCode(parseInt(c.slice(1), 16));
  if (!bytes && /^(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})$/.test(c)) {
    const cp = parseInt(c.slice(1), 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : null;
  }
  return null;
}

/**
 * Whether a JavaScript request's options (an object after its URL) send it elsewhere than the
 * URL's host: Node merges `http.get(url, {host})` with the options winning; a proxy, agent,
 * dispatcher, lookup or socket path picks the real destination; a spread may hold any of them
 * (lead probe, 5 Dec: `http.get("http://localhost:8000/", {host: "x.test"})` was allowed).
 */
function jsSentElsewhere(args: Node[]): boolean {
  return args
    .slice(1)
    .some(
      (a) =>
        a.type === 'object' &&
        /\b(host|hostname|port|proxy|agent|dispatcher|lookup|socketPath|localAddress|createConnection)\b|\.\.\./.test(
          a.text,
        ),
    );
}

function decodeEscape(e: string): string | null {
  const simple: Record<string, string> = {
    n: '\n',
    t: '\t',
    '\\': '\\',
    "'": "'",
    '"': '"',
    r: '\r',
    '0': '\0',
  };
  const c = e.slice(1);
  if (c in simple) return simple[c]!;
  if (/^x[0-9a-f]{2}$/i.test(c)) return String.fromCharCode(parseInt(c.slice(1), 16));
  if (c === '\n') return '';
  return null;
}

/** `a.b.c` of an attribute chain / identifier, or null. */
function dotted(node: Node | null): string | null {
  if (!node) return null;
  if (node.type === 'identifier') return node.text;
  // `__import__('os').path.exists(p)` is `os.path.exists(p)` (`__import__('a.b')` gives `a`)
  if (node.type === 'call' && node.parent?.type === 'attribute') return importedModule(node);
  if (node.type === 'attribute') {
    const obj = dotted(node.childForFieldName('object'));
    const attr = node.childForFieldName('attribute')?.text;
    return obj && attr ? `${obj}.${attr}` : null;
  }
  return null;
}

/**
 * The top-level module `__import__(NAME)` gives, when NAME is known and names a module and
 * `__import__` is the builtin (not a name the code binds); else null.
 */
function importedModule(call: Node): string | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'identifier' || fn.text !== '__import__' || localNames.has('__import__')) return null;
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  if (args.length !== 1 || !args[0] || args[0].type === 'keyword_argument') return null;
  const name = str(args[0]);
  if (name === null || !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(name)) return null;
  // (`import json as os` makes the reader resolve `os.x` to `json.x`: not for this `os`)
  const top = name.split('.')[0]!;
  return resolveNow(top) === top ? top : null;
}

/** `__import__('os').system` (an attribute chain on `__import__`'s module), as `os.system` is. */
function onImported(node: Node): boolean {
  let n: Node | null = node;
  while (n?.type === 'attribute') n = n.childForFieldName('object');
  return n?.type === 'call' && importedModule(n) !== null;
}

/** Modules whose calls this reader must know; anything else is plain computation. */
const PY_WATCHED = new Set([
  // Libraries that load a secrets file (`.env`) unseen: any call of theirs is unread (asks).
  'dotenv',
  'decouple',
  'environs',
  'os',
  'subprocess',
  'shutil',
  'socket',
  // servers listening for other hosts (`socketserver.TCPServer(("", 8000), …)`, `http.server.HTTPServer`)
  'socketserver',
  'pty',
  'ctypes',
  'urllib',
  'http',
  'requests',
  'httpx',
  'urllib3',
  'ftplib',
  'smtplib',
  'telnetlib',
  // servers and clients of the library whose every call listens or connects (`wsgiref.simple_server.
  // make_server('', 8000, app)`, `xmlrpc.client.ServerProxy(url)`), and the third-party network
  // clients (PY_NET_MODULES)
  'wsgiref',
  'xmlrpc',
  // mail and news clients: every call of theirs talks to a server (`imaplib.IMAP4_SSL(host)`)
  'imaplib',
  'poplib',
  'nntplib',
  // imports code from a zip archive it is given (`zipimport.zipimporter('/root/x.zip').load_module(m)`)
  'zipimport',
  'pathlib',
  'tempfile',
  'importlib',
  'runpy',
  'multiprocessing',
  'asyncio',
  'webbrowser',
  'code',
  'pickle',
  'marshal',
  'builtins',
  'glob',
  'io',
  '_io',
  'codecs',
  'signal',
  'resource',
  'platform',
  'zipfile',
  'tarfile',
  'sqlite3',
  'dbm',
  'shelve',
  'mmap',
  'fcntl',
  'select',
  'ssl',
  'posix',
  'nt',
  'getpass',
  'pwd',
  'grp',
  'pip',
  // modules that run code given as a string: `timeit.timeit("…")`, `cProfile.run("…")`, `pdb.run("…")`
  'timeit',
  'cProfile',
  'profile',
  'pdb',
  'bdb',
  'trace',
  'doctest',
  // stored credentials: the system keyring, netrc files
  'keyring',
  'secretstorage',
  'netrc',
]);

/** Python's calls that run code given as text (`exec(code)`), which can bind the caller's names. */
const EXEC_NAMES = new Set(['exec', 'eval', 'builtins.exec', 'builtins.eval']);

/** Calls on watched modules that only read or compute. */
const PY_SAFE = new Set([
  'os.getcwd',
  // a descriptor of this process (`fd, path = tempfile.mkstemp()`, then `os.write(fd, …)`,
  // `os.fdopen(fd, 'w')`, `os.close(fd)`): every way to a descriptor other than the standard
  // streams (`open`, `os.open`, `tempfile`, sockets) is a call decided where it is made
  'os.close',
  'os.write',
  'os.read',
  'os.fdopen',
  'os.fsync',
  'os.isatty',
  'os.listdir',
  'os.scandir',
  'os.walk',
  'os.stat',
  'os.lstat',
  'os.getpid',
  'os.getppid',
  // random bytes from the kernel (`os.urandom(16).hex()`): computes, names nothing
  'os.urandom',
  'os.cpu_count',
  'os.fspath',
  'os.fsencode',
  'os.fsdecode',
  'os.get_terminal_size',
  'os.uname',
  'os.getuid',
  'os.geteuid',
  'os.getgid',
  'os.umask',
  'os.access',
  'os.readlink',
  'os.sep',
  'os.linesep',
  'os.name',
  'sys.exit',
  'sys.getrecursionlimit',
  'sys.setrecursionlimit',
  'sys.getsizeof',
  'sys.getdefaultencoding',
  'sys.getfilesystemencoding',
  'sys.stdout.write',
  'sys.stderr.write',
  'sys.stdout.flush',
  'sys.stdout.buffer.write',
  'sys.path.insert',
  'sys.path.append',
  'sys.stdin.read',
  'sys.stdin.readline',
  'sys.stdin.readlines',
  'sys.exc_info',
  'sys.intern',
  'sys.settrace',
  'sys.gettrace',
  'sys.getrefcount',
  'sys._getframe',
  'platform.python_version',
  'platform.system',
  'platform.platform',
  'platform.machine',
  'platform.release',
  'platform.version',
  'platform.python_implementation',
  'platform.uname',
  'platform.architecture',
  'platform.mac_ver',
  'platform.libc_ver',
  'platform.node',
  'glob.glob',
  'glob.iglob',
  'glob.escape',
  // codecs' text transforms and lookups (`codecs.open` opens a path: unknown)
  'codecs.encode',
  'codecs.decode',
  'codecs.lookup',
  'codecs.getencoder',
  'codecs.getdecoder',
  'codecs.getreader',
  'codecs.getwriter',
  'codecs.getincrementalencoder',
  'codecs.getincrementaldecoder',
  'codecs.iterencode',
  'codecs.iterdecode',
  'codecs.BOM_UTF8',
  'codecs.BOM_UTF16',
  'codecs.BOM_UTF16_LE',
  'codecs.BOM_UTF16_BE',
  'codecs.BOM_UTF32',
  'io.StringIO',
  'io.BytesIO',
  'io.TextIOWrapper',
  // io's base classes, buffered wrappers of a stream object and constants: none opens a path
  // (io.open and io.FileIO do, and stay unknown)
  'io.IOBase',
  'io.RawIOBase',
  'io.BufferedIOBase',
  'io.TextIOBase',
  'io.BufferedReader',
  'io.BufferedWriter',
  'io.BufferedRandom',
  'io.BufferedRWPair',
  'io.IncrementalNewlineDecoder',
  'io.UnsupportedOperation',
  'io.DEFAULT_BUFFER_SIZE',
  'io.SEEK_SET',
  'io.SEEK_CUR',
  'io.SEEK_END',
  'pathlib.Path',
  'pathlib.PurePath',
  'pathlib.PurePosixPath',
  'pathlib.PosixPath',
  'tempfile.mkdtemp',
  'tempfile.mkstemp',
  'tempfile.TemporaryDirectory',
  'tempfile.NamedTemporaryFile',
  'tempfile.TemporaryFile',
  'tempfile.gettempdir',
  'tempfile.SpooledTemporaryFile',
  'importlib.metadata.version',
  'importlib.metadata.metadata',
  'importlib.metadata.distribution',
  'importlib.util.find_spec',
  'importlib.reload',
  'importlib.invalidate_caches',
  'pickle.dumps',
  'pickle.dump',
  'marshal.dumps',
  'signal.signal',
  'signal.alarm',
  'signal.getsignal',
  'asyncio.run',
  'asyncio.get_event_loop',
  'asyncio.new_event_loop',
  'asyncio.sleep',
  'asyncio.gather',
  'asyncio.wait_for',
  'asyncio.create_task',
  'asyncio.iscoroutinefunction',
  'asyncio.Queue',
  'asyncio.Event',
  'asyncio.Lock',
  'multiprocessing.cpu_count',
  'multiprocessing.get_start_method',
  'multiprocessing.set_start_method',
  'multiprocessing.Process',
  'multiprocessing.Pool',
  'multiprocessing.Queue',
  'multiprocessing.Manager',
  'zipfile.ZipFile',
  'zipfile.is_zipfile',
  'tarfile.open',
  'tarfile.is_tarfile',
  'ssl.create_default_context',
  'resource.getrlimit',
  'resource.setrlimit',
  'resource.getrusage',
  'urllib.parse.urlparse',
  'urllib.parse.urlsplit',
  'urllib.parse.quote',
  'urllib.parse.unquote',
  'urllib.parse.urlencode',
  'urllib.parse.parse_qs',
  'urllib.parse.parse_qsl',
  'urllib.parse.urljoin',
  'urllib.parse.urlunparse',
  'urllib.parse.quote_plus',
  'urllib.parse.unquote_plus',
  'http.HTTPStatus',
  'http.cookies.SimpleCookie',
  'http.client.responses',
  'shutil.which',
  'shutil.get_terminal_size',
  'shutil.disk_usage',
  'select.select',
  'getpass.getuser',
  'timeit.default_timer',
  // runs the examples in the docstrings of a module the code imported (its code runs as the import's does)
  'doctest.testmod',
]);

/**
 * Libraries whose calls run programs or load native code, which this reader does not follow:
 * third-party process helpers (`sh.rm('-rf', p)`, plumbum's `local['sh'][…]()`, invoke's and
 * fabric's `run`/`local`, pexpect, sarge, delegator, envoy, subprocess32), distutils' and IPython's
 * spawn helpers, and cffi (`ffi.dlopen(None).system(…)`, as ctypes); and the libraries whose calls
 * run, stop or reach into other programs and files in ways this reader does not follow: GitPython
 * (`git.Git().execute(argv)`, `repo.git.push(…)`), psutil (`Popen`, `Process(pid).kill()`,
 * `.environ()`), the Docker SDK (a container with the host's `/` mounted), libtmux and Ansible's
 * runner (a command line typed into a pane or run on hosts), setuptools' sandbox (runs a setup.py),
 * send2trash (moves a path away), and the browser-cookie readers (the browsers' stored secrets).
 * A module or any of its submodules.
 */
const PY_RUN_MODULES =
  /^(sh|plumbum|invoke|fabric|fabric2|pexpect|ptyprocess|sarge|delegator|envoy|executor|cffi|_cffi_backend|(setuptools\._)?distutils\.spawn|IPython\.utils\.process|IPython\.core\.interactiveshell|subprocess32|git|psutil|docker|libtmux|ansible|ansible_runner|setuptools\.sandbox|send2trash|browser_cookie3|pycookiecheat)(\.|$)/;

function runsPrograms(module: string): boolean {
  return PY_RUN_MODULES.test(module);
}

/**
 * Calls that run a program or code they are given, other than the modules' above: pydoc's pagers
 * run the command line they are given (`pydoc.pipepager(text, cmd)`), a function made from a code
 * object runs that code (`types.FunctionType(compile(…), {})()`), and loaders that rebuild
 * objects with pickle or YAML tags run what the data says (`yaml.unsafe_load`, `torch.load` without
 * `weights_only=True`, `joblib.load`, `pandas.read_pickle`, `numpy.load(…, allow_pickle=True)`).
 */
const PY_RUN_CALL_NAMES = [
  ...['pipepager', 'pipe_pager', 'tempfilepager', 'tempfile_pager', 'pager', 'getpager', 'get_pager'].map(
    (f) => `pydoc.${f}`,
  ),
  ...['FunctionType', 'LambdaType', 'CodeType', 'MethodType'].map((f) => `types.${f}`),
  'IPython.get_ipython',
  'get_ipython',
  // setuptools' and distutils' run_setup run a setup.py (probe 19)
  ...['setuptools.run_setup', 'distutils.core.run_setup', 'setuptools._distutils.core.run_setup'],
];
const PY_RUN_CALLS = dottedNames(PY_RUN_CALL_NAMES, '$');
const PY_UNPICKLER_NAMES = [
  ...['unsafe_load', 'unsafe_load_all', 'load', 'load_all'].map((f) => `yaml.${f}`),
  'pickle.load',
  'pickle.loads',
  ...['torch.load', 'joblib.load', 'dill.load', 'dill.loads', 'cloudpickle.load', 'cloudpickle.loads'],
  ...['jsonpickle.decode', 'pandas.read_pickle', 'numpy.load'],
  // Keras with safe_mode=False, skops with trusted types, ruamel.yaml's YAML(typ='unsafe') (probe 19)
  ...['keras.models.load_model', 'keras.saving.load_model', 'tensorflow.keras.models.load_model'],
  ...['tf_keras.models.load_model', 'skops.io.load', 'skops.io.loads', 'ruamel.yaml.YAML'],
];
const PY_UNPICKLERS = dottedNames(PY_UNPICKLER_NAMES, '$');
/** The unpicklers that take only a file object (or, yaml's, the text itself), never a path. */
const PY_STREAM_LOADERS = /^(pickle|dill|cloudpickle|yaml)\./;
const PY_PICKLE_DUMPS = /^(pickle|dill|cloudpickle)\.dumps$/;
/** The `python FILE` effects of unpicklers (see readPythonCall), while a snippet is read, and their calls. */
let unpickledRuns = new Map<Effect, string>();

/**
 * What a call of unpickler `name` is when its data is not followed: pickle's own as on main
 * before it was read (a call of a watched module this reader does not know, a reader limit: a
 * script the line wrote is then what any workspace script is); the others run code it cannot see.
 */
function unpickledUnknown(name: string, why = 'of data whose objects run code'): Effect {
  return {
    kind: 'unknown',
    what: name.startsWith('pickle.')
      ? `\`${clipName(name)}\`, a call this reader does not know`
      : `\`${clipName(name)}\` ${why}`,
  };
}

/** A regex matching any of `names` (identifiers and dots) exactly (`tail` `$`) or followed by `tail`. */
function dottedNames(names: readonly string[], tail: string): RegExp {
  const alternatives = names.map((n) => n.replace(/\./g, '\\.')).join('|');
  return new RegExp(`^(?:${alternatives})${tail}`);
}

/** Modules whose functions, passed around as values (`f = os.system`), could run or touch anything. */
const VALUE_WATCHED = new Set([
  // their file openers (`x = io.open`, `f = io.FileIO`, `codecs.open`) write whatever path they are given
  'io',
  '_io',
  'codecs',
  'os',
  'subprocess',
  'shutil',
  'socket',
  'pty',
  'ctypes',
  'importlib',
  'runpy',
  'builtins',
  'posix',
]);

/** Attributes and names that reach modules and builtins without naming them. */
const PY_ESCAPE_NAMES = new Set([
  '__builtins__',
  '__subclasses__',
  '__globals__',
  '__code__',
  '__getattribute__',
  '__reduce__',
  '__reduce_ex__',
  '__loader__',
  '__closure__',
  '__func__',
  '__self__',
]);

/** Nodes that bind names other than by assignment, `for`, `with … as` and `:=` (read in the constants pass). */
const BINDING_SITES = new Set([
  'for_in_clause',
  'parameters',
  'lambda_parameters',
  'function_definition',
  'class_definition',
  'import_statement',
  'import_from_statement',
  'global_statement',
  'nonlocal_statement',
  'delete_statement',
  'case_pattern',
  'type_parameter',
]);

/** Names bound once to a string literal (`path = 'a.py'`), so `open(path, 'w')` names a known file. */
let constants = new Map<string, string | null>();

/**
 * Names bound only by plain assignments of the module's top level (`p = Path('a.py')`, later
 * `p = Person(…)`), with where each binding takes effect (the end of its statement) and its value;
 * null for a name bound any other way too (a loop, `with`, `:=`, a function's or class's body,
 * `global`, `del`, an import, a tuple target). Top-level statements run in order, so a use that
 * runs when it is read (not inside a function, lambda, class or generator expression, which may
 * run later) sees the last such binding before it. Read only once the constants pass is done.
 */
let sequential: Map<string, Array<{ at: number; value: string | null }> | null> | null = null;
const DEFERRED = new Set(['function_definition', 'lambda', 'class_definition', 'generator_expression']);

/**
 * Names bound only as the target of one `for` (statement or comprehension) over a literal list,
 * tuple or set of strings, with those strings: `for attr in ['Mapping', 'Callable']:
 * setattr(collections, attr, getattr(collections.abc, attr))`, the shim agents write for old code
 * on Python 3.10+. Such a name holds one of them wherever it is read (or is unbound): every other
 * occurrence of it is a positional argument of a call, an attribute's name or a keyword's name,
 * none of which binds it (`f(x := 1)` is a named expression, `del x`, `import x`, `x = …`, another
 * loop, a parameter: any other occurrence leaves the name out); `exec` or `eval` may bind any
 * name (and a wildcard import: the caller skips this then).
 */
let loopStrings: ReadonlyMap<string, readonly string[]> = new Map();

function loopStringsOf(all: readonly Node[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  // (`exec("a = 'system'")` binds names its literal code spells, which no identifier here shows)
  const execs = (n: Node) =>
    n.type === 'call' && EXEC_NAMES.has(resolveNow(dotted(n.childForFieldName('function')) ?? ''));
  if (all.some(execs)) return out;
  const targets = new Map<string, Node | null>(); // name -> the sequence it loops over; null: disqualified
  for (const n of all) {
    if (n.type !== 'identifier') continue;
    const up = n.parent;
    if (!up || up.type === 'argument_list') continue;
    const field = (f: string) => up.childForFieldName(f)?.id === n.id;
    if ((up.type === 'attribute' && field('attribute')) || (up.type === 'keyword_argument' && field('name')))
      continue;
    if (
      (up.type === 'for_statement' || up.type === 'for_in_clause') &&
      field('left') &&
      !targets.has(n.text)
    ) {
      targets.set(n.text, up.childForFieldName('right'));
      continue;
    }
    targets.set(n.text, null);
  }
  for (const [name, seq] of targets) {
    if (!seq || !/^(list|tuple|set)$/.test(seq.type) || seq.namedChildren.length > 256) continue;
    const values: string[] = [];
    for (const c of seq.namedChildren) {
      const v = c && (c.type === 'string' || c.type === 'concatenated_string') ? str(c) : null;
      if (v === null) break;
      values.push(v);
    }
    if (values.length === seq.namedChildren.length) out.set(name, values);
  }
  return out;
}

/** Where a statement may run more than once, or later than where it is written. */
const REPEATED = new Set([
  ...DEFERRED,
  'for_statement',
  'while_statement',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'decorated_definition',
]);

/**
 * A statement that runs at most once, where it is written: at the top level, or in `with`, `if`,
 * `try` or `match` blocks there (`with NamedTemporaryFile(…) as f: path = f.name`), never in a
 * loop, function, class or comprehension. The names it reads hold there what they were last
 * bound to above it.
 */
function runsOnceInOrder(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (REPEATED.has(p.type)) return false;
  return true;
}

/** The value a name has where it is used: bound once, or (top level) the last binding before the use. */
function constantAt(node: Node): string | null {
  readDuringPass?.push(node.text);
  const once = constants.get(node.text);
  if (once === TEMP_FILE_OBJECT || once?.startsWith(OPENED_FILE)) return null;
  if (once != null || !sequential) return once ?? null;
  const seq = sequential.get(node.text);
  if (!seq || seq.length < 2) return null;
  for (let p = node.parent; p; p = p.parent) if (DEFERRED.has(p.type)) return null;
  // The last binding at or before the use (bindings are in source order: a binary search, as a
  // long edit script can bind and use one name thousands of times).
  let lo = 0;
  let hi = seq.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (seq[mid]!.at <= node.startIndex) lo = mid + 1;
    else hi = mid;
  }
  const value = lo === 0 ? null : seq[lo - 1]!.value;
  return value === TEMP_FILE_OBJECT || value?.startsWith(OPENED_FILE) ? null : value;
}

const OS_PATH_ROOT = /^os\.path\./;

/** Calls on watched modules with a shell equivalent: argument positions that are paths. */
const PY_FILE_OPS: Record<string, { argv: string[]; paths: number[] } | { write: number[] }> = {
  'os.remove': { argv: ['rm', '-f'], paths: [0] },
  'os.unlink': { argv: ['rm', '-f'], paths: [0] },
  'os.rmdir': { argv: ['rmdir'], paths: [0] },
  'os.removedirs': { argv: ['rmdir', '-p'], paths: [0] },
  'shutil.rmtree': { argv: ['rm', '-rf'], paths: [0] },
  'os.rename': { argv: ['mv'], paths: [0, 1] },
  'os.replace': { argv: ['mv', '-f'], paths: [0, 1] },
  'shutil.move': { argv: ['mv'], paths: [0, 1] },
  'shutil.copy': { argv: ['cp'], paths: [0, 1] },
  'shutil.copy2': { argv: ['cp', '-p'], paths: [0, 1] },
  'shutil.copyfile': { argv: ['cp'], paths: [0, 1] },
  'shutil.copytree': { argv: ['cp', '-r'], paths: [0, 1] },
  'os.mkdir': { argv: ['mkdir'], paths: [0] },
  'os.makedirs': { argv: ['mkdir', '-p'], paths: [0] },
  'os.symlink': { argv: ['ln', '-s'], paths: [0, 1] },
  'os.link': { argv: ['ln'], paths: [0, 1] },
  'os.truncate': { write: [0] },
  'os.utime': { write: [0] },
  'shutil.make_archive': { write: [0] },
};

/** Calls that open the path given first (or by keyword `path`), with a mode (positional second or `mode`). */
const PY_OPENERS: Record<string, { path: string; mode: string | null; default: string }> = {
  // a database file is created and written unless the URI says `mode=ro`
  'sqlite3.connect': { path: 'database', mode: null, default: 'w' },
  'zipfile.ZipFile': { path: 'file', mode: 'mode', default: 'r' },
  'tarfile.open': { path: 'name', mode: 'mode', default: 'r' },
  'tarfile.TarFile': { path: 'name', mode: 'mode', default: 'r' },
  'shelve.open': { path: 'filename', mode: 'flag', default: 'c' },
  'dbm.open': { path: 'file', mode: 'flag', default: 'r' },
  // compressed files: `gzip.open('/root/x.gz', 'wb')` writes as `open` does
  'gzip.open': { path: 'filename', mode: 'mode', default: 'rb' },
  'gzip.GzipFile': { path: 'filename', mode: 'mode', default: 'rb' },
  'bz2.open': { path: 'filename', mode: 'mode', default: 'rb' },
  'bz2.BZ2File': { path: 'filename', mode: 'mode', default: 'r' },
  'lzma.open': { path: 'filename', mode: 'mode', default: 'rb' },
  'lzma.LZMAFile': { path: 'filename', mode: 'mode', default: 'r' },
  // logging's file handlers append to their file (`logging.FileHandler('/etc/profile.d/x.sh')`)
  'logging.FileHandler': { path: 'filename', mode: 'mode', default: 'a' },
  'logging.handlers.WatchedFileHandler': { path: 'filename', mode: 'mode', default: 'a' },
  'logging.handlers.RotatingFileHandler': { path: 'filename', mode: 'mode', default: 'a' },
  'logging.handlers.TimedRotatingFileHandler': { path: 'filename', mode: null, default: 'a' },
};

const PY_SHELL = new Set(['os.system', 'os.popen', 'subprocess.getoutput', 'subprocess.getstatusoutput']);
const PY_PROCESS = new Set([
  'subprocess.run',
  'subprocess.call',
  'subprocess.check_call',
  'subprocess.check_output',
  'subprocess.Popen',
]);
const PY_EXEC = /^os\.(exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?)$|^pty\.spawn$/;
const PY_NET =
  /^(urllib\.request\.(urlopen|urlretrieve|Request)|requests\.(get|post|put|delete|head|patch|request|Session)|httpx\.(get|post|put|delete|head|patch|request|Client|AsyncClient)|http\.client\.(HTTPConnection|HTTPSConnection)|http\.server\.(HTTPServer|ThreadingHTTPServer|test)|socketserver\.\w*Server|urllib3\.(PoolManager|request)|ftplib\.FTP(_TLS)?|smtplib\.(SMTP(_SSL)?|LMTP)|telnetlib\.Telnet|imaplib\.IMAP4(_SSL|_stream)?|poplib\.POP3(_SSL)?|nntplib\.NNTP(_SSL)?)$/;
/**
 * Modules every call of which listens or talks to a host: the standard library's XML-RPC and WSGI
 * servers and clients, and the third-party network clients and servers (`aiohttp.ClientSession()`,
 * `websockets.connect(url)`, `paramiko.SSHClient()`, `boto3.client('s3')`, database drivers that
 * connect to a server); logging's network handlers send every record to a host.
 */
const PY_NET_MODULES = new Set([
  'wsgiref',
  'xmlrpc',
  'aiohttp',
  'websockets',
  'websocket',
  'paramiko',
  'fabric',
  'pysftp',
  'pycurl',
  'httplib2',
  'treq',
  'grpc',
  'boto3',
  'botocore',
  'redis',
  'pymongo',
  'psycopg',
  'psycopg2',
  'pymysql',
  'MySQLdb',
  'zmq',
  'pika',
  'kafka',
  'smtpd',
  'asynchat',
  'asyncore',
  // the Hugging Face Hub's client (`hf_hub_download`, `snapshot_download`, `upload_file`, `HfApi()`)
  'huggingface_hub',
  // downloaders, browsers driven from code, other protocols' clients and hosted APIs' SDKs
  // (`wget.download(url)`, `gdown.download(url)`, `smart_open.open(url)`, `mechanize.Browser().open(url)`,
  // playwright's and selenium's pages, `socketio.Client().connect(url)`, MQTT, DNS queries as a channel,
  // raw packets, `openai.OpenAI(…)`, `anthropic.Anthropic(…)`, `slack_sdk.WebClient(…)`)
  'wget',
  'gdown',
  'smart_open',
  's3fs',
  'gcsfs',
  'mechanize',
  'requests_html',
  'playwright',
  'selenium',
  'pyppeteer',
  'socketio',
  'paho',
  'dns',
  'scapy',
  'openai',
  'anthropic',
  'slack_sdk',
]);
/** Submodules every call of which talks to a host (torch.hub is read on its own, above). */
const PY_NET_SUBMODULE_NAMES = [
  ...['httpclient', 'tcpclient', 'websocket', 'httpserver', 'tcpserver', 'netutil'].map(
    (m) => `tornado.${m}`,
  ),
  ...['socket', 'server', 'pywsgi', 'ssl'].map((m) => `gevent.${m}`),
  'eventlet.green',
  'twisted.internet.reactor',
  'twisted.internet.endpoints',
  'twisted.web.client',
  'urllib3.connectionpool',
];
const PY_NET_SUBMODULES = dottedNames(PY_NET_SUBMODULE_NAMES, '\\.');
const PY_NET_HANDLERS =
  /^logging\.handlers\.(SocketHandler|DatagramHandler|SysLogHandler|HTTPHandler|SMTPHandler|NTEventLogHandler)$/;
const PY_DYNAMIC_BUILTINS = new Set([
  'eval',
  'exec',
  '__import__',
  'getattr',
  'setattr',
  'delattr',
  'globals',
  'locals',
  'vars',
  'breakpoint',
]);

function keyword(call: Node, name: string): Node | null {
  const args = call.childForFieldName('arguments');
  for (const a of args?.namedChildren ?? [])
    if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === name)
      return a.childForFieldName('value');
  return null;
}

function positional(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  return (args?.namedChildren ?? []).filter(
    (a): a is Node =>
      !!a &&
      a.type !== 'keyword_argument' &&
      a.type !== 'comment' &&
      a.type !== 'list_splat' &&
      a.type !== 'dictionary_splat',
  );
}

function hasSplat(call: Node): boolean {
  const args = call.childForFieldName('arguments');
  return (args?.namedChildren ?? []).some((a) => a?.type === 'list_splat' || a?.type === 'dictionary_splat');
}

function listOfStrings(node: Node | null): string[] | null {
  if (!node || (node.type !== 'list' && node.type !== 'tuple')) return null;
  const out: string[] = [];
  for (const c of node.namedChildren) {
    const s = str(c);
    if (s === null) return null;
    out.push(s);
  }
  return out;
}

/**
 * Reads Python source; returns its effects, or a single unknown when it does not parse.
 * Code longer than `treeLimit` is cut first (`inline-lex.ts`): the tree reader sees only
 * the statements that can matter, so the time stays linear in the code's length.
 * `compiledFirst`: the code is run by CPython (or PyPy), which compiles all of it before running
 * any, so code it rejects runs nothing (see `unparsed`); not IPython, whose own syntax (`!cmd`,
 * `%magic`) is exactly what the grammar rejects.
 */
export function pythonEffects(
  parser: Parser,
  code: string,
  budget: Budget = NO_BUDGET,
  treeLimit = treeLimitNow,
  compiledFirst = false,
): Effect[] {
  const whole = compiledFirst ? code : null;
  if (code.length <= treeLimit && spend(budget, code.length))
    return pythonTreeEffects(parser, code, budget, whole);
  const part = extract(code, 'python', PY_EXTRACT_WORDS);
  if (!part.ok) return unparsed(whole, `long Python code with ${part.why}`);
  if (!part.code) return [];
  if (!spend(budget, part.code.length, 2)) return [TOO_MUCH];
  return pythonTreeEffects(parser, part.code, budget, whole);
}

/** `whole`: all the code when CPython compiles it first (the extract is part of it), else null. */
function pythonTreeEffects(parser: Parser, code: string, budget: Budget, whole: string | null): Effect[] {
  const tree = parseWithin(parser, code, budget);
  if (!tree)
    return [
      { kind: 'unknown', what: budget.spent ? 'code too long to read in time' : 'code that does not parse' },
    ];
  try {
    // (read as plain objects: see plain-tree.ts)
    const root = Node.of(tree, code, 4 * MAX_NODES, () => budget.expired());
    if (!root)
      return [
        { kind: 'unknown', what: budget.spent ? 'code too long to read in time' : 'code too large to read' },
      ];
    if (root.hasError) return unparsed(whole, 'Python code that does not parse');
    const effects: Effect[] = [];
    const aliases = new Map<string, string>();
    const add = (e: Effect) => {
      if (effects.length < MAX_EFFECTS) effects.push(e);
    };
    // Imports first, so calls can be resolved: `import os as o`, `from os import system`.
    const stack: Node[] = [root];
    const all: Node[] = [];
    while (stack.length) {
      const n = stack.pop()!;
      all.push(n);
      if (all.length > MAX_NODES) return [{ kind: 'unknown', what: 'code too large to read' }];
      if ((all.length & 1023) === 0 && budget.expired())
        return [{ kind: 'unknown', what: 'code too long to read in time' }];
      for (let i = n.namedChildCount - 1; i >= 0; i--) {
        const c = n.namedChild(i);
        if (c) stack.push(c);
      }
    }
    for (const n of all) {
      if (n.type === 'import_statement') {
        for (const c of n.namedChildren) {
          if (!c) continue;
          if (c.type === 'dotted_name') aliases.set(c.text.split('.')[0]!, c.text.split('.')[0]!);
          else if (c.type === 'aliased_import')
            aliases.set(c.childForFieldName('alias')?.text ?? '', c.childForFieldName('name')?.text ?? '');
        }
      } else if (n.type === 'import_from_statement') {
        const mod = n.childForFieldName('module_name')?.text ?? '';
        for (const c of n.childrenForFieldName('name')) {
          if (!c) continue;
          if (c.type === 'dotted_name') aliases.set(c.text, `${mod}.${c.text}`);
          else if (c.type === 'aliased_import')
            aliases.set(
              c.childForFieldName('alias')?.text ?? '',
              `${mod}.${c.childForFieldName('name')?.text ?? ''}`,
            );
        }
        if (n.namedChildren.some((c) => c?.type === 'wildcard_import') && PY_WATCHED.has(mod.split('.')[0]!))
          add({ kind: 'unknown', what: `\`from ${mod} import *\`` });
      }
      // A library whose calls run programs or load native code (`import sh`, `from plumbum.cmd
      // import rm`, `from distutils import spawn`): a name it binds used anywhere, the code is not
      // read (`import pexpect` alone, an availability check, runs nothing).
      if (n.type === 'import_statement' || n.type === 'import_from_statement') {
        const mod =
          n.type === 'import_from_statement' ? (n.childForFieldName('module_name')?.text ?? '') : '';
        const items = n.type === 'import_statement' ? n.namedChildren : n.childrenForFieldName('name');
        for (const c of items) {
          if (!c) continue;
          const named = c.type === 'aliased_import' ? c.childForFieldName('name') : c;
          if (!named || (c.type !== 'aliased_import' && c.type !== 'dotted_name')) continue;
          const full = mod ? `${mod}.${named.text}` : named.text;
          if (!runsPrograms(full) && !(mod && runsPrograms(mod))) continue;
          const bound =
            c.type === 'aliased_import'
              ? (c.childForFieldName('alias')?.text ?? '')
              : named.text.split('.')[0]!;
          if (all.some((u) => u.type === 'identifier' && u.text === bound && !withinImport(u)))
            add({
              kind: 'unknown',
              what: `\`${clipName(full)}\`, a library whose calls run programs, load native code or reach other processes and files`,
            });
        }
      }
    }
    const resolve = (name: string): string => {
      const [head, ...rest] = name.split('.');
      const full = aliases.get(head!);
      return full ? [full, ...rest].join('.') : name;
    };
    const savedResolve = resolveNow;
    const savedArchives = archivesImported;
    resolveNow = resolve;
    archivesImported = [...aliases.values()].some((m) => /^(tarfile|zipfile)\b/.test(m));
    const saved = constants;
    const savedSequential = sequential;
    const savedRuns = unpickledRuns;
    constants = new Map();
    unpickledRuns = new Map();
    // Built in this pass but read only after it (`b = a` with `a` bound twice stays unknown).
    const seq = new Map<string, Array<{ at: number; value: string | null }> | null>();
    sequential = null;
    // Each value the pass computed, with the names it read and whether its statement is the
    // module's own (run once, in order).
    const reads: Array<{ name: string; read: string[]; inOrder: boolean }> = [];
    for (const n of all) {
      if (
        n.type === 'assignment' ||
        n.type === 'augmented_assignment' ||
        n.type === 'for_statement' ||
        n.type === 'named_expression' ||
        n.type === 'with_item' ||
        n.type === 'as_pattern'
      ) {
        const left =
          n.childForFieldName(n.type === 'named_expression' ? 'name' : 'left') ??
          (n.type === 'as_pattern' ? (n.namedChildren[1] ?? null) : null);
        if (left?.type === 'identifier') {
          const right = n.type === 'assignment' ? n.childForFieldName('right') : null;
          const inOrder =
            n.type === 'assignment' &&
            n.parent?.type === 'expression_statement' &&
            n.parent.parent?.type === 'module';
          readDuringPass = [];
          const once = n.type === 'assignment' && runsOnceInOrder(n);
          let v = str(right);
          // `tmp = tempfile.NamedTemporaryFile(…)` or `d = tempfile.TemporaryDirectory()`, then
          // `path = tmp.name`: the object's `.name` is the new file or directory under /tmp
          if (
            right?.type === 'call' &&
            (tempFileCall(right, resolve, 'tempfile.NamedTemporaryFile') ||
              tempFileCall(right, resolve, 'tempfile.TemporaryDirectory'))
          )
            v = TEMP_FILE_OBJECT;
          // `f = open('d.pkl', 'rb')`: the file object of that file (read by `pickle.load(f)`)
          else if (right?.type === 'call') {
            const opened = openedPath(right);
            if (opened !== null) v = OPENED_FILE + opened;
          }
          if (v !== null && readDuringPass.length)
            reads.push({ name: left.text, read: readDuringPass, inOrder: once });
          readDuringPass = null;
          // Bound twice, or to anything but one literal: only known when it runs.
          constants.set(left.text, constants.has(left.text) ? null : v);
          const list = seq.get(left.text);
          // (in place: a copy per binding made a long script's bindings quadratic garbage)
          if (inOrder && list) list.push({ at: n.parent!.endIndex, value: v });
          else if (inOrder && list === undefined) seq.set(left.text, [{ at: n.parent!.endIndex, value: v }]);
          else seq.set(left.text, null);
        } else if (left) {
          // `with tempfile.TemporaryDirectory() as d:` binds d to the new directory's name
          const value = n.type === 'as_pattern' ? n.namedChildren[0] : null;
          const fn = value?.type === 'call' ? dotted(value.childForFieldName('function')) : null;
          const ids = left.type === 'as_pattern_target' ? left.namedChildren : [];
          const rhs = n.type === 'assignment' ? n.childForFieldName('right') : null;
          // `with open('d.pkl', 'rb') as f:` binds the file object of that file (as `f = open(…)`)
          readDuringPass = [];
          const opened =
            n.parent?.type === 'with_item' && ids.length === 1 && ids[0]?.type === 'identifier' && value
              ? openedPath(value)
              : null;
          const openedReads = readDuringPass;
          readDuringPass = null;
          if (opened !== null) {
            const name = ids[0]!.text;
            if (openedReads.length) reads.push({ name, read: openedReads, inOrder: runsOnceInOrder(n) });
            constants.set(name, constants.has(name) ? null : OPENED_FILE + opened);
            seq.set(name, null);
          } else if (
            fn &&
            (resolve(fn) === 'tempfile.TemporaryDirectory' ||
              resolve(fn) === 'tempfile.NamedTemporaryFile') &&
            n.parent?.type === 'with_item' &&
            ids.length === 1 &&
            ids[0]?.type === 'identifier'
          ) {
            // `with tempfile.NamedTemporaryFile(…) as tmp:` binds the file object (its `.name` is the path)
            const name = ids[0].text;
            const dir = resolve(fn) === 'tempfile.TemporaryDirectory';
            constants.set(
              name,
              constants.has(name)
                ? null
                : dir
                  ? tempDirValue(value!, 'tempfile.TemporaryDirectory')
                  : tempFileCall(value!, resolve, 'tempfile.NamedTemporaryFile')
                    ? TEMP_FILE_OBJECT
                    : null,
            );
            seq.set(name, null);
          } else if (
            // `fd, path = tempfile.mkstemp(…)`: the second name is the new file under /tmp
            (left.type === 'pattern_list' || left.type === 'tuple_pattern') &&
            rhs?.type === 'call' &&
            tempFileCall(rhs, resolve, 'tempfile.mkstemp') &&
            left.namedChildren.length === 2 &&
            left.namedChildren.every((c) => c?.type === 'identifier')
          ) {
            const [fd, path] = left.namedChildren as Node[];
            constants.set(fd!.text, null);
            constants.set(path!.text, constants.has(path!.text) ? null : TEMP_PATH);
            seq.set(fd!.text, null);
            seq.set(path!.text, null);
          } else
            for (const id of left.descendantsOfType('identifier'))
              if (id) {
                constants.set(id.text, null);
                seq.set(id.text, null);
              }
        }
      } else if (
        n.type === 'call' &&
        EXEC_NAMES.has(resolve(dotted(n.childForFieldName('function')) ?? ''))
      ) {
        // `exec("p = '/etc/passwd'")` binds names of the code that runs it (its effects are read
        // where the call is): every name the literal code spells is unknown here
        const code = str(positional(n)[0]);
        if (code !== null)
          for (const w of code.normalize('NFKC').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
            constants.set(w, null);
            seq.set(w, null);
          }
      } else if (BINDING_SITES.has(n.type)) {
        // Every other way a name is bound (a comprehension's `for`, parameters, `def`/`class`
        // names, imports, `global`, `del`, match captures): the name is not one known literal.
        const site =
          n.type === 'for_in_clause'
            ? n.childForFieldName('left')
            : n.type === 'function_definition' || n.type === 'class_definition'
              ? n.childForFieldName('name')
              : n;
        if (site?.type === 'identifier') {
          constants.set(site.text, null);
          seq.set(site.text, null);
        } else if (site)
          for (const id of site.descendantsOfType('identifier'))
            if (id) {
              constants.set(id.text, null);
              seq.set(id.text, null);
            }
      }
    }
    // A value read from `X.name` holds only if X stayed bound to that one temporary object; a value
    // computed inside a loop or a function only if every name it read stayed bound to one value.
    // Until nothing changes: a value made unknown makes the values read from it unknown.
    for (let changed = true; changed;) {
      changed = false;
      for (const r of reads) {
        if (constants.get(r.name) === null) continue;
        const stale =
          !r.inOrder &&
          r.read.some((x) =>
            x.startsWith('\0')
              ? constants.get(x.slice(1)) !== TEMP_FILE_OBJECT
              : constants.has(x) && constants.get(x) === null,
          );
        if (!stale) continue;
        constants.set(r.name, null);
        seq.set(r.name, null);
        changed = true;
      }
    }
    sequential = seq;
    const savedLocal = localNames;
    const imported = new Set<string>(aliases.keys());
    for (const n of all)
      if (n.type === 'import_statement' || n.type === 'import_from_statement')
        for (const id of n.descendantsOfType('identifier')) if (id) imported.add(id.text);
    const wildcard = all.some((n) => n.type === 'wildcard_import');
    localNames = wildcard ? new Set() : new Set([...constants.keys()].filter((k) => !imported.has(k)));
    const savedLoops = loopStrings;
    loopStrings = wildcard ? new Map() : loopStringsOf(all);
    try {
      const nonAscii = /[^ -~\t\n\r]/.test(code);
      for (const n of all) {
        if (n.type === 'identifier') {
          // `().__class__.__base__.__subclasses__()`, `__builtins__`: the ways to any module without naming it
          if (PY_ESCAPE_NAMES.has(n.text))
            add({ kind: 'unknown', what: `\`${n.text}\`, which reaches any module` });
          // Python reads identifiers NFKC-normalised: `ｏｓ.system` is `os.system`
          if (nonAscii && n.text !== n.text.normalize('NFKC'))
            add({ kind: 'unknown', what: 'a name in a non-ASCII spelling' });
        }
        if (n.type === 'call') {
          const fn = n.childForFieldName('function');
          const raw = dotted(fn);
          if (!raw) {
            // a method called on what an expression gives: `Path('x').write_text(…)`, `open(p).read()`,
            // `(Path.home() / 'x').read_text()`
            const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
            if (method) readPythonCall(n, `(…).${method}`, add, parser);
            // `type(lambda: 0)(code, {})` makes a function from a code object: what it runs is not read
            if (
              fn?.type === 'call' &&
              dotted(fn.childForFieldName('function')) === 'type' &&
              positional(fn)[0]?.type === 'lambda'
            )
              add({
                kind: 'unknown',
                what: '`type(lambda: …)(…)`, which makes a function from a code object',
              });
            continue;
          }
          const name = resolve(raw);
          readPythonCall(n, name, add, parser);
        } else if (n.type === 'attribute' || n.type === 'identifier') {
          // A watched function used as a value (`f = os.system`), not called here.
          if (n.parent?.type === 'call' && n.parent.childForFieldName('function')?.id === n.id) continue;
          if (n.parent?.type === 'attribute' && n.parent.childForFieldName('object')?.id === n.id) continue;
          if (n.parent?.type === 'aliased_import' || n.parent?.type === 'dotted_name') continue;
          if (n.parent?.type === 'import_statement' || n.parent?.type === 'import_from_statement') continue;
          const raw = dotted(n);
          if (!raw) continue;
          const name = resolve(raw);
          if (name === 'os.environ') {
            // `os.environ["X"]`, `os.environ.get` are handled as calls/subscripts; the whole mapping is every variable.
            const p = n.parent;
            if (p?.type === 'subscript') {
              const key = str(p.childForFieldName('subscript'));
              const assigned =
                p.parent?.type === 'assignment' && p.parent.childForFieldName('left')?.id === p.id;
              if (assigned) {
                const v = str(p.parent!.childForFieldName('right'));
                if (key) add({ kind: 'env-set', name: key, value: v });
                else
                  add({ kind: 'unknown', what: 'setting an environment variable named only when it runs' });
              } else add({ kind: 'env-read', name: key });
            } else add({ kind: 'env-read', name: null });
            continue;
          }
          // Not a method or attribute of that name (`model.eval()`, PyTorch's, is no builtin: a module's
          // `builtins.eval` is read as the dotted name it is) nor a keyword argument's name.
          if (
            n.type === 'identifier' &&
            PY_DYNAMIC_BUILTINS.has(name) &&
            !aliases.has(name) &&
            !(n.parent?.type === 'attribute' && n.parent.childForFieldName('attribute')?.id === n.id) &&
            !(n.parent?.type === 'keyword_argument' && n.parent.childForFieldName('name')?.id === n.id)
          )
            add({ kind: 'unknown', what: `\`${name}\` used as a value` });
          // The builtin `open` bound to another name or passed on (`o = open; o(p, 'w')`): the calls
          // of that name are not read as opens. Not an attribute (`p.open`), a keyword, or a definition.
          if (
            n.type === 'identifier' &&
            name === 'open' &&
            !aliases.has('open') &&
            !(n.parent?.type === 'attribute' && n.parent.childForFieldName('attribute')?.id === n.id) &&
            !(n.parent?.type === 'keyword_argument' && n.parent.childForFieldName('name')?.id === n.id) &&
            !(n.parent?.type === 'function_definition' && n.parent.childForFieldName('name')?.id === n.id)
          )
            add({ kind: 'unknown', what: '`open` used as a value' });
          // `del sys.modules[k]` (a reload) only drops a cache entry; any other `sys.modules[…]` is a module.
          // `sys.modules['m'] = stub` (a module registered before an import) stores, it reads no module out.
          if (
            name === 'sys.modules' &&
            n.parent?.type === 'subscript' &&
            !isDeleted(n.parent) &&
            !isStoredTo(n.parent)
          )
            add({ kind: 'unknown', what: '`sys.modules[…]`, which reaches any module' });
          // A watched module or one of its names bound to another name or passed on (`o = os`, `f(os)`).
          if (
            n.type === 'identifier' &&
            aliases.has(raw) &&
            PY_WATCHED.has(name.split('.')[0]!) &&
            !isSafeName(name) &&
            !(n.parent?.type === 'attribute' && n.parent.childForFieldName('attribute')?.id === n.id) &&
            !(n.parent?.type === 'keyword_argument' && n.parent.childForFieldName('name')?.id === n.id) &&
            !isReloaded(n) &&
            !isIntrospected(n)
          )
            add({
              kind: 'unknown',
              what: `\`${clipName(raw)}\` (a module that can run or touch anything) used as a value`,
            });
          const root = name.split('.')[0]!;
          if (
            name.includes('.') &&
            VALUE_WATCHED.has(root) &&
            (aliases.has(raw.split('.')[0]!) || onImported(n)) &&
            !isSafeName(name) &&
            !isIntrospected(n)
          )
            add({ kind: 'unknown', what: `\`${clipName(raw)}\` used as a value` });
        }
      }
      // A file an unpickler reads that this code may also write (a write, or a command or copy
      // naming it) holds bytes of the code's own making, which are not Python to read as `python
      // FILE` (`open('m.pkl', 'wb').write(b'cos\nsystem…')`): asks. By its last name, as a write
      // may spell the same file another way; every one when effects were left off.
      const base = (p: string) => p.replace(/\/+$/, '').replace(/^.*\//, '');
      const named = effects
        .filter((e) => !unpickledRuns.has(e))
        .flatMap((e) =>
          e.kind === 'write'
            ? [base(e.path)]
            : e.kind === 'argv'
              ? e.argv.map(base)
              : e.kind === 'shell'
                ? [e.text]
                : [],
        );
      const written = (f: string) =>
        effects.length >= MAX_EFFECTS || named.some((n) => n === base(f) || n.includes(base(f)));
      return effects.map((e) =>
        e.kind === 'argv' && unpickledRuns.has(e) && written(e.argv[1]!)
          ? unpickledUnknown(
              unpickledRuns.get(e)!,
              `of a file this code may write (\`${clipName(e.argv[1]!)}\`)`,
            )
          : e,
      );
    } finally {
      constants = saved;
      sequential = savedSequential;
      unpickledRuns = savedRuns;
      localNames = savedLocal;
      loopStrings = savedLoops;
      resolveNow = savedResolve;
      archivesImported = savedArchives;
    }
  } finally {
    tree.delete();
  }
}

/**
 * requests' own data classes and helpers that neither connect nor read files (agents fixing
 * requests build Request and Response objects by hand); sessions, adapters, `get`/`post` and
 * `utils.get_netrc_auth` are not among them.
 */
const PY_REQUESTS_DATA =
  /^requests\.((models\.)?(Request|Response|PreparedRequest)|structures\.(CaseInsensitiveDict|LookupDict)|exceptions\.\w+|(status_codes\.)?codes|compat\.(urlparse|urlunparse|urlsplit|quote|unquote|quote_plus|unquote_plus|urlencode|str|bytes|basestring|builtin_str|is_py2|is_py3)|utils\.(requote_uri|unquote_unreserved|to_key_val_list|from_key_val_list|parse_header_links|parse_dict_header|parse_list_header|unquote_header_value|guess_json_utf|default_headers|default_user_agent|iter_slices|get_encoding_from_headers|stream_decode_response_unicode|prepend_scheme_if_needed|urldefragauth|to_native_string|super_len|dict_from_cookiejar|add_dict_to_cookiejar|guess_filename|get_auth_from_url)|cookies\.(RequestsCookieJar|cookiejar_from_dict|create_cookie|merge_cookies|MockRequest|MockResponse)|auth\.(HTTPBasicAuth|HTTPDigestAuth|HTTPProxyAuth|_basic_auth_str)|hooks\.(default_hooks|dispatch_hook))$/;

/**
 * urllib3's URL, header, retry and timeout values and its warning switch, which neither connect
 * nor read files (stream 25: agents fixing requests parse proxy URLs with `parse_url`); pools,
 * managers, connections and `request` are not among them.
 */
const PY_URLLIB3_DATA =
  /^urllib3\.(util\.(url\.)?(parse_url|Url|split_first)|util\.(retry\.)?Retry|util\.(timeout\.)?Timeout|util\.(request\.)?make_headers|exceptions\.\w+|_collections\.HTTPHeaderDict|fields\.RequestField|filepost\.encode_multipart_formdata|disable_warnings)$/;

function isSafeName(name: string): boolean {
  return (
    PY_SAFE.has(name) ||
    PY_REQUESTS_DATA.test(name) ||
    PY_URLLIB3_DATA.test(name) ||
    name.startsWith('urllib.parse.') ||
    name.startsWith('importlib.metadata.') ||
    OS_PATH_ROOT.test(name) ||
    /^sys\.(argv|path|version|version_info|platform|executable|modules|stdout|stderr|stdin|maxsize|byteorder|prefix|base_prefix|implementation|flags|float_info|hexversion|api_version)$/.test(
      name,
    ) ||
    /^os\.(sep|linesep|name|curdir|pardir|pathsep|devnull|extsep|altsep|path|O_\w+|F_OK|R_OK|W_OK|X_OK)$/.test(
      name,
    ) ||
    /^(signal\.SIG\w+|socket\.(AF_|SOCK_)\w*|socket\.(error|timeout|gaierror|herror)|subprocess\.(PIPE|STDOUT|DEVNULL|CalledProcessError|TimeoutExpired|CompletedProcess))$/.test(
      name,
    )
  );
}

function clipName(s: string): string {
  return s.length > 50 ? `${s.slice(0, 47)}…` : s;
}

/**
 * Whether `obj` is a pathlib object whose path a method call acts on: built by `Path(…)`,
 * `Path.home()`, `Path.cwd()`, a `/` join, or a path method (`.expanduser()`, `.joinpath(…)`);
 * or a name bound to a known value when the method is one only paths have (`p.read_text()`:
 * a string has none, nor `open`: `rc.open('a')` of `rc = Path.home() / '.zshrc'`), not
 * `replace`/`rename`, which strings have too.
 */
function isPathObject(obj: Node, method: string): boolean {
  if (obj.type === 'parenthesized_expression')
    return !!obj.namedChildren[0] && isPathObject(obj.namedChildren[0], method);
  if (obj.type === 'binary_operator') return obj.childForFieldName('operator')?.text === '/';
  if (obj.type === 'identifier') return constantAt(obj) != null && !/^(rename|replace|chmod)$/.test(method);
  if (obj.type !== 'call') return false;
  const fn = obj.childForFieldName('function');
  const raw = dotted(fn);
  const name = raw ? resolveNow(raw) : null;
  // (pathlib's, path.py's `path.Path`, and pytest's `py.path.local`, whose `remove()`/`rmtree()`
  // delete the path)
  if (
    name &&
    (/(^|\.)(Pure)?(Posix)?Path$/.test(name) ||
      /(^|\.)Path\.(home|cwd)$/.test(name) ||
      name === 'py.path.local')
  )
    return true;
  const inner = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  return (
    !!inner &&
    /^(expanduser|resolve|absolute|joinpath|with_name|with_suffix)$/.test(inner) &&
    isPathObject(fn!.childForFieldName('object')!, 'read_text')
  );
}

/**
 * `importlib.reload(m)` as a statement of its own: the module is loaded again from its file and
 * the module handed back is thrown away, so nothing is called through it.
 */
function isReloaded(n: Node): boolean {
  const list = n.parent;
  if (list?.type !== 'argument_list' || list.namedChildCount !== 1) return false;
  const call = list.parent;
  if (call?.type !== 'call') return false;
  const raw = dotted(call.childForFieldName('function'));
  return !!raw && resolveNow(raw) === 'importlib.reload' && resultDiscarded(call);
}

/**
 * Calls that only describe the function, class or module they are given and hand back its source,
 * file name, docstring or signature, never the object or anything callable from it, nor the data it
 * holds: `inspect.getsource(subprocess.run)`. (`inspect.unwrap`, `getmembers` and `getmodule`, which
 * hand back objects, `print` and `repr`, which show data such as `os.environ`, and `help`, whose
 * pager is a program, are not among them.)
 */
const PY_INTROSPECTORS = new Set([
  'inspect.getsource',
  'inspect.getsourcelines',
  'inspect.getsourcefile',
  'inspect.getfile',
  'inspect.getdoc',
  'inspect.getcomments',
  'inspect.signature',
]);

/**
 * A watched name given as an argument to one of `PY_INTROSPECTORS`: nothing is called through it.
 * Only while the introspector's name is not rebound: every other occurrence of its first word is an
 * import, a call or an attribute's object (`def print(f): f('id')`, `getsource = os.system` and a
 * parameter of that name are not).
 */
function isIntrospected(n: Node): boolean {
  const list = n.parent;
  if (list?.type !== 'argument_list') return false;
  const call = list.parent;
  if (call?.type !== 'call') return false;
  const raw = dotted(call.childForFieldName('function'));
  if (!raw || !PY_INTROSPECTORS.has(resolveNow(raw))) return false;
  const head = raw.split('.')[0]!;
  let root = call;
  while (root.parent) root = root.parent;
  let heads = notRebound.get(root);
  if (!heads) notRebound.set(root, (heads = new Map()));
  let free = heads.get(head);
  if (free === undefined) heads.set(head, (free = onlyCalledOrImported(root, head)));
  return free;
}

/**
 * Per tree, per first word of an introspector's name, whether it is not rebound: read once per
 * tree, since every watched argument of every introspector call asks (a scan per call made long
 * code with many `inspect.getsource(…)` calls quadratic).
 */
const notRebound = new WeakMap<Node, Map<string, boolean>>();

/** Whether every occurrence of `head` in the tree is an import, a call or an attribute's object. */
function onlyCalledOrImported(root: Node, head: string): boolean {
  for (const id of root.descendantsOfType('identifier')) {
    if (id?.text !== head) continue;
    const p = id.parent;
    if (!p) return false;
    if (p.type === 'call' && p.childForFieldName('function')?.id === id.id) continue;
    if (p.type === 'attribute' && p.childForFieldName('object')?.id === id.id) continue;
    if (p.type === 'dotted_name' || p.type === 'aliased_import') continue;
    return false;
  }
  return true;
}

/** `'x' in globals()`, `globals().keys()`: what is read of a namespace is names, never its values. */
function namesOnly(call: Node): boolean {
  if (positional(call).length !== 0 || hasSplat(call)) return false;
  const p = call.parent;
  if (p?.type === 'comparison_operator') {
    const ops = p.children.filter((c) => c && !c.isNamed).map((c) => c!.text);
    return (
      p.namedChildren[p.namedChildCount - 1]?.id === call.id &&
      ops.length === 1 &&
      /^(in|not in)$/.test(ops[0]!)
    );
  }
  if (p?.type === 'attribute' && p.childForFieldName('object')?.id === call.id)
    return p.childForFieldName('attribute')?.text === 'keys' && p.parent?.type === 'call';
  return false;
}

/** `del sys.modules[k]`, `del a, sys.modules[k]`: the subscript is deleted, not read. */
function isDeleted(subscript: Node): boolean {
  const p = subscript.parent;
  return (
    p?.type === 'delete_statement' || (p?.type === 'expression_list' && p.parent?.type === 'delete_statement')
  );
}

/** `x[k] = v`: the subscript is the target of a plain assignment (stored to, not read). */
function isStoredTo(subscript: Node): boolean {
  const p = subscript.parent;
  return p?.type === 'assignment' && p.childForFieldName('left')?.id === subscript.id;
}

/** A call whose value nobody gets: a statement of its own, or the body of a list comprehension that is one. */
function resultDiscarded(call: Node): boolean {
  let p = call.parent;
  if (p?.type === 'list_comprehension' && p.childForFieldName('body')?.id === call.id) p = p.parent;
  return p?.type === 'expression_statement' && p.namedChildCount === 1;
}

/**
 * A call assigned to one plain name (`ns = runpy.run_path(…)`) at the top level of the code that
 * no other place in the code names: what it gives goes nowhere.
 */
function assignedUnused(call: Node): boolean {
  const a = call.parent;
  if (a?.type !== 'assignment' || a.childForFieldName('right')?.id !== call.id) return false;
  if (a.parent?.type !== 'expression_statement' || a.parent.parent?.type !== 'module') return false;
  const left = a.childForFieldName('left');
  if (left?.type !== 'identifier') return false;
  let uses = 0;
  for (const id of a.parent.parent.descendantsOfType('identifier'))
    if (id?.text === left.text && ++uses > 1) return false;
  return true;
}

/** The literal file of `open('f').read()` or `open('f', 'r').read()`, else null. */
function readFileArgument(node: Node): string | null {
  if (node.type !== 'call' || positional(node).length !== 0) return null;
  const fn = node.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'read') return null;
  const inner = fn.childForFieldName('object');
  const opener = inner?.type === 'call' ? inner.childForFieldName('function')?.text : undefined;
  if (opener !== 'open' || resolveNow(opener) !== 'open' || hasSplat(inner!)) return null;
  const a = positional(inner!);
  const mode = a.length === 2 ? str(a[1]) : 'r';
  if (a.length < 1 || a.length > 2 || (mode !== 'r' && mode !== 'rt')) return null;
  if (
    (inner!.childForFieldName('arguments')?.namedChildren ?? []).some((c) => c?.type === 'keyword_argument')
  )
    return null;
  return str(a[0]);
}

function withinImport(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent)
    if (p.type === 'import_statement' || p.type === 'import_from_statement') return true;
  return false;
}

/** Whether a loader call rebuilds objects that run code (see PY_UNPICKLERS): its safe spellings are not. */
function unpicklesCode(call: Node, name: string): boolean {
  if (name === 'yaml.load' || name === 'yaml.load_all') {
    const loader = positional(call)[1] ?? keyword(call, 'Loader');
    return !!loader && !/(^|\.)C?(Safe|Base)Loader$/.test(loader.text);
  }
  if (name === 'torch.load') {
    const w = keyword(call, 'weights_only');
    return !!w && w.type === 'false';
  }
  if (name === 'numpy.load') {
    const p = keyword(call, 'allow_pickle');
    return !!p && p.type !== 'false' && p.type !== 'none';
  }
  // Keras runs a model's lambda layers' code only with `safe_mode=False`; skops rebuilds the types
  // it is told to trust (`trusted=True` or a list of them); ruamel.yaml's `YAML(typ='unsafe')`
  // loader constructs any Python object its data names.
  if (/keras\.(models|saving)\.load_model$/.test(name)) {
    const m = keyword(call, 'safe_mode');
    return !!m && m.type === 'false';
  }
  if (name === 'skops.io.load' || name === 'skops.io.loads') {
    const t = keyword(call, 'trusted');
    return !!t && t.type !== 'false' && t.type !== 'none' && t.text !== '[]';
  }
  if (name === 'ruamel.yaml.YAML') {
    const t = keyword(call, 'typ') ?? positional(call)[0];
    return !!t && str(t) === 'unsafe';
  }
  return true;
}

/** The file `open(path[, mode])` opens, when its path is known. */
function openedPath(node: Node): string | null {
  if (node.type !== 'call' || resolveNow(node.childForFieldName('function')?.text ?? '') !== 'open')
    return null;
  const a = positional(node)[0] ?? keyword(node, 'file');
  return a && !hasSplat(node) ? str(a) : null;
}

/**
 * The file an unpickler reads: `open(path)` given to it, or a name bound once to one (`with
 * open('d.pkl', 'rb') as f`); with `paths`, a path given as text too (`torch.load('m.pt')`;
 * `pickle.load` takes only a file object, `yaml.unsafe_load` and the `loads` take the data itself).
 * Null when it is only known when it runs (a name bound twice, a stream from elsewhere).
 */
function dataFile(node: Node, paths: boolean): string | null {
  if (localNames.has('open')) return null;
  if (node.type === 'identifier') {
    const v = constants.get(node.text);
    if (v?.startsWith(OPENED_FILE)) return v.slice(OPENED_FILE.length);
    const opened = withOpened(node);
    if (opened !== null) return opened;
  }
  return (paths ? str(node) : null) ?? openedPath(node);
}

/**
 * The file of `with open(path) as f:` for a use of `f` in that statement's body (a name bound by
 * other statements too, `with open(a) as f: …` then `with open(b) as f: …`): the innermost `with`
 * binding f, where every mention of f in its body is a call's argument or an attribute's object
 * (`f.read()`: nothing there rebinds it), the use is not in a function or lambda (run later), and
 * no `global` or `nonlocal` statement names f (a function called in the body could rebind it).
 */
function withOpened(use: Node): string | null {
  const name = use.text;
  let top: Node = use;
  while (top.parent) top = top.parent;
  for (const kind of ['global_statement', 'nonlocal_statement'])
    for (const g of top.descendantsOfType(kind))
      if (g?.descendantsOfType('identifier').some((i) => i?.text === name)) return null;
  for (let p = use.parent; p; p = p.parent) {
    if (DEFERRED.has(p.type)) return null;
    if (p.type !== 'with_statement') continue;
    const clause = p.namedChildren.find((c) => c?.type === 'with_clause');
    const bound = (clause?.namedChildren ?? [])
      .map((item) => (item?.namedChildren[0]?.type === 'as_pattern' ? item.namedChildren[0] : null))
      .find((a) => a?.childForFieldName('alias')?.namedChildren[0]?.text === name);
    if (!bound) continue;
    const body = p.childForFieldName('body');
    if (!body || use.startIndex < body.startIndex || use.endIndex > body.endIndex) return null;
    for (const i of body.descendantsOfType('identifier')) {
      if (!i || i.text !== name) continue;
      const up = i.parent;
      if (up?.type === 'argument_list') continue;
      if (up?.type === 'keyword_argument' && up.childForFieldName('value')?.id === i.id) continue;
      if (up?.type === 'attribute' && up.childForFieldName('object')?.id === i.id) continue;
      return null;
    }
    const value = bound.namedChildren[0];
    return value ? openedPath(value) : null;
  }
  return null;
}

/** Methods read by their name on whatever object they are called (a path's). */
const PATH_METHODS =
  /^(write_text|write_bytes|read_text|read_bytes|unlink|rmdir|rename|replace|touch|mkdir|symlink_to|hardlink_to|chmod|open|glob|rglob|iterdir|rmtree|rmtree_p|remove|remove_p|unlink_p|rmdir_p|removedirs|removedirs_p)$/;

/** Whether a name may resolve to a watched module, `sys`, a dynamic builtin or a dunder. */
function namesModule(name: string): boolean {
  const root = resolveNow(name).split('.')[0]!;
  return root === 'sys' || PY_WATCHED.has(root) || PY_DYNAMIC_BUILTINS.has(root) || root.startsWith('__');
}

/** Whether code given to `eval` names a watched module, `sys` or a dynamic builtin anywhere (by its words). */
function evalNamesModule(code: string): boolean {
  return (code.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).some(namesModule);
}

/** Whether an expression may evaluate to a watched module or `sys`: some name in it resolves to one. */
function mayBeModule(node: Node): boolean {
  const ids = node.type === 'identifier' ? [node] : node.descendantsOfType('identifier');
  return ids.some((id) => !!id && namesModule(id.text));
}

/**
 * The whole text `open(p, 'w')` (the call given) leaves in its file, when that is literal:
 * `open(p, 'w').write('…')`, or `with open(p, 'w') as f:` whose body is only `f.write(…)` calls
 * of literal text (constants bound earlier included). Null when anything else may write to it.
 */
function writtenText(open: Node): string | null {
  const up = open.parent;
  // open(p, 'w').write(X)
  if (up?.type === 'attribute' && up.childForFieldName('attribute')?.text === 'write') {
    const call = up.parent;
    if (call?.type !== 'call' || hasSplat(call)) return null;
    const args = positional(call);
    return args.length === 1 ? str(args[0]) : null;
  }
  // with open(p, 'w') as f: f.write(X) …
  const item = up?.type === 'as_pattern' ? up.parent : null;
  const target = up?.type === 'as_pattern' ? up.childForFieldName('alias')?.namedChildren[0] : null;
  if (item?.type !== 'with_item' || target?.type !== 'identifier') return null;
  const clause = item.parent;
  const stmt = clause?.parent;
  if (clause?.type !== 'with_clause' || clause.namedChildren.length !== 1 || stmt?.type !== 'with_statement')
    return null;
  const body = stmt.childForFieldName('body');
  if (!body || body.namedChildren.length === 0 || body.namedChildren.length > 64) return null;
  let out = '';
  for (const st of body.namedChildren) {
    const call = st?.type === 'expression_statement' ? st.namedChildren[0] : null;
    const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
    if (
      !call ||
      fn?.type !== 'attribute' ||
      fn.childForFieldName('object')?.text !== target.text ||
      fn.childForFieldName('attribute')?.text !== 'write' ||
      hasSplat(call)
    )
      return null;
    const args = positional(call);
    const t = args.length === 1 ? str(args[0]) : null;
    if (t === null) return null;
    out += t;
  }
  return out;
}

function readPythonCall(call: Node, name: string, add: (e: Effect) => void, parser: Parser): void {
  if (name.startsWith('sys.modules.')) {
    // Names of loaded modules are text; a module popped and thrown away (`sys.modules.pop(k)` as a
    // statement, or in a list comprehension that is one: a reload) is never used. Anything else
    // hands out a module the reader cannot follow.
    if (name === 'sys.modules.keys' || (name === 'sys.modules.pop' && resultDiscarded(call))) return;
    // `sys.modules.setdefault('distutils', stub)` as a statement registers a stub before an import,
    // as `sys.modules['distutils'] = stub` does: it stores, and what it returns (maybe a loaded
    // module) is thrown away. A module as the stub (`setdefault('json', os)`) is not a stub.
    if (name === 'sys.modules.setdefault' && resultDiscarded(call) && !hasSplat(call)) {
      const args = positional(call);
      if (args.length === 2 && !mayBeModule(args[1]!)) return;
    }
    add({ kind: 'unknown', what: `\`${clipName(name)}\`, which reaches any module` });
    return;
  }
  // A path relative to an open directory (`os.unlink("hosts", dir_fd=fd)`, `os.open(p, f,
  // dir_fd=…)`, `shutil.rmtree(p, dir_fd=…)`, `os.rename(a, b, src_dir_fd=…)`) names a file in
  // that directory, which is only known when it runs.
  for (const kw of ['dir_fd', 'src_dir_fd', 'dst_dir_fd']) {
    const v = keyword(call, kw);
    if (v && v.type !== 'none') {
      add({
        kind: 'unknown',
        what: `\`${clipName(name)}\` with \`${kw}\`, a path inside a directory opened elsewhere`,
      });
      return;
    }
  }
  const args = positional(call);
  const splat = hasSplat(call);
  const root = name.split('.')[0]!;
  if (PY_RUN_CALLS.test(name) && !localNames.has(root)) {
    add({ kind: 'unknown', what: `\`${clipName(name)}\`, which runs a program or code it is given` });
    return;
  }
  // `__import__('sh')`, `importlib.import_module('plumbum.cmd')`: as an import statement of it.
  if ((name === '__import__' || name === 'importlib.import_module') && runsPrograms(str(args[0]) ?? '')) {
    add({ kind: 'unknown', what: `\`${clipName(str(args[0])!)}\`, a library whose calls run programs` });
    return;
  }
  if (PY_UNPICKLERS.test(name) && !localNames.has(root) && unpicklesCode(call, name)) {
    // The data's code runs: a file is decided as `python FILE` is (the workspace's own data is
    // the project's; one from elsewhere asks; one this code may write asks, see `pythonTreeEffects`), data
    // only known when it runs is not read. `pickle.loads(pickle.dumps(x))` rebuilds the code's
    // own object: what runs is the code of x's class, which the code already has.
    const data =
      args[0] ??
      keyword(call, 'file') ??
      keyword(call, 'stream') ??
      keyword(call, 'f') ??
      keyword(call, 'filename');
    const inner = data?.type === 'call' ? dotted(data.childForFieldName('function')) : null;
    if (/loads$/.test(name) && inner && PY_PICKLE_DUMPS.test(resolveNow(inner)) && !splat) return;
    const file =
      data && !/(loads|decode|YAML)$/.test(name) ? dataFile(data, !PY_STREAM_LOADERS.test(name)) : null;
    if (file !== null && !splat) {
      const run: Effect = { kind: 'argv', argv: ['python', file] };
      unpickledRuns.set(run, name);
      add(run);
    } else add(unpickledUnknown(name));
    return;
  }
  // Code fetched from a model hub runs (`from_pretrained(…, trust_remote_code=True)`,
  // `torch.hub.load(repo, …)` runs the repository's hubconf.py).
  const trust = keyword(call, 'trust_remote_code') ?? keyword(call, 'trust_repo');
  if ((trust && trust.type !== 'false' && trust.type !== 'none') || /^torch\.hub\./.test(name)) {
    add({ kind: 'net', url: str(args[0]) });
    if (trust || name === 'torch.hub.load')
      add({ kind: 'unknown', what: `\`${clipName(name)}\`, which runs code downloaded from a model hub` });
    return;
  }
  // `contextlib.chdir(d)` changes the working directory as `os.chdir` does (entered by `with` or by
  // `.__enter__()`): a relative path after it is only known when it runs.
  if (name === 'contextlib.chdir') {
    add({ kind: 'unknown', what: '`contextlib.chdir`, after which relative paths name another directory' });
    return;
  }
  // A directory put on the module search path (`sys.path.insert(0, "/srv/x")`, `site.addsitedir`,
  // which also runs the directory's `.pth` files): judged as PYTHONPATH's entries are (rule
  // `module-path-variables`); one only known when it runs is left to what the code imports.
  if (name === 'sys.path.insert' || name === 'sys.path.append' || name === 'site.addsitedir') {
    const dir = str(args[name === 'sys.path.insert' ? 1 : 0]);
    if (dir !== null && !splat) add({ kind: 'env-set', name: 'PYTHONPATH', value: dir });
    return;
  }
  // Library calls that open the path they are given, as `open` does: a database, an archive, a
  // shelf (`sqlite3.connect('/root/.mozilla/…/cookies.sqlite')`, `zipfile.ZipFile(p, 'w')`).
  const opener = PY_OPENERS[name];
  if (opener) {
    const pathNode = args[0] ?? keyword(call, opener.path);
    const modeNode = opener.mode ? (args[1] ?? keyword(call, opener.mode)) : null;
    let path = pathNode ? str(pathNode) : null;
    let mode = modeNode ? str(modeNode) : opener.default;
    if (name === 'sqlite3.connect' && path !== null) {
      if (path === ':memory:' || path === '') return;
      const uri = keyword(call, 'uri');
      if (uri && uri.type !== 'false' && path.startsWith('file:')) {
        // `file:data.db?mode=ro`: the path before the query, read only when the query says so
        mode = /[?&]mode=ro(&|$)/.test(path) ? 'r' : 'w';
        path = path.slice(5).replace(/\?.*$/, '');
      }
    }
    // (the mode's first letter: tarfile's `r:xz` reads)
    const writes = mode === null || /^[waxcn]|\+/.test(mode);
    if (path === null || splat) {
      // no path (`tarfile.open(fileobj=f)`), or one only known when it runs: a read is judged
      // at its source, a write asks
      if (writes && (pathNode || splat))
        add({ kind: 'unknown', what: `\`${name}\` for writing a path only known when it runs` });
      return;
    }
    add({ kind: writes ? 'write' : 'read', path });
    return;
  }
  // `logging.basicConfig(filename=…)` opens its file for appending (`filemode` 'a' by default);
  // logging's config files and dictionaries build any handler they name (fileConfig evaluates the
  // handlers' arguments as code); `logging.config.listen` takes configurations from a socket.
  if (name === 'logging.basicConfig') {
    const f = keyword(call, 'filename');
    if (f) {
      const p = str(f);
      add(
        p === null
          ? { kind: 'unknown', what: `\`${name}\` of a file only known when it runs` }
          : { kind: 'write', path: p },
      );
    } else if (splat) add({ kind: 'unknown', what: `\`${name}\` with arguments only known when it runs` });
    return;
  }
  if (name === 'logging.config.fileConfig' || name === 'logging.config.dictConfig') {
    add({ kind: 'unknown', what: `\`${name}\`, which builds whatever handlers its configuration names` });
    return;
  }
  if (name === 'logging.config.listen') {
    add({ kind: 'net', url: null });
    return;
  }
  // `fileinput.input(files, inplace=True)` rewrites each file; without it, reads them.
  if (name === 'fileinput.input' || name === 'fileinput.FileInput') {
    const filesNode = args[0] ?? keyword(call, 'files');
    const inplaceNode = keyword(call, 'inplace') ?? args[1] ?? null;
    const inplace = inplaceNode !== null && inplaceNode.type !== 'false' && inplaceNode.text !== '0';
    const one = filesNode ? str(filesNode) : null;
    const files = filesNode ? (one !== null ? [one] : listOfStrings(filesNode)) : [];
    if (files === null || splat) {
      if (inplace || splat) add({ kind: 'unknown', what: `\`${name}\` of files only known when they run` });
      return;
    }
    for (const f of files) add({ kind: inplace ? 'write' : 'read', path: f });
    return;
  }
  // `shutil.make_archive(base, fmt, root_dir, base_dir)` reads the tree it archives (and writes
  // the archive: PY_FILE_OPS below).
  if (name === 'shutil.make_archive') {
    const rootNode = args[2] ?? keyword(call, 'root_dir');
    const baseNode = args[3] ?? keyword(call, 'base_dir');
    const root = rootNode ? str(rootNode) : '.';
    const base = baseNode ? str(baseNode) : null;
    if (root !== null)
      add({ kind: 'read', path: base !== null && !base.startsWith('/') ? `${root}/${base}` : root });
    if (base !== null && base.startsWith('/')) add({ kind: 'read', path: base });
  }
  // A `dir` for a temporary file or directory (`tempfile.mkstemp(dir='/root/.config')`): the new
  // name is made there.
  if (/^tempfile\.(mkstemp|mkdtemp|TemporaryDirectory|NamedTemporaryFile|TemporaryFile)$/.test(name)) {
    const at = /mkstemp|mkdtemp|TemporaryDirectory/.test(name) ? 2 : 6;
    const dirNode = keyword(call, 'dir') ?? args[at] ?? null;
    if (dirNode && dirNode.type !== 'none') {
      const d = str(dirNode);
      if (d === null) add({ kind: 'unknown', what: `\`${name}\` in a directory only known when it runs` });
      else add({ kind: 'write', path: `${d.replace(/\/+$/, '')}/tmp.drydock` });
    } else if (splat) add({ kind: 'unknown', what: `\`${name}\` with arguments only known when it runs` });
  }
  // A parser's `.read(path)` (configparser's `cp.read('~/.aws/credentials')`, a list of paths
  // too): a file object's `.read(n)` takes a number, so a text argument is a path read.
  if (name.endsWith('.read') && args.length === 1 && !splat) {
    const one = str(args[0]);
    const many = one === null ? listOfStrings(args[0] ?? null) : [one];
    for (const f of many ?? []) add({ kind: 'read', path: f });
  }
  // The user's stored credentials: the system keyring, a netrc file (`~/.netrc` by default).
  if (name.startsWith('keyring.') || name.startsWith('secretstorage.')) {
    add({ kind: 'unknown', what: `\`${clipName(name)}\`, which reads stored credentials` });
    return;
  }
  // `doctest.testfile('docs/x.txt')` runs the examples in that file, as `python -m doctest` of it does
  if (name === 'doctest.testfile') {
    const f = str(args[0] ?? keyword(call, 'filename'));
    if (f === null || splat || keyword(call, 'globs') || keyword(call, 'extraglobs'))
      add({ kind: 'unknown', what: `\`${name}\` of a file only known when it runs` });
    else add({ kind: 'argv', argv: ['python', '-m', 'doctest', f] });
    return;
  }
  if (name === 'netrc.netrc') {
    const p = args[0] ?? keyword(call, 'file');
    add({ kind: 'read', path: p ? (str(p) ?? '~/.netrc') : '~/.netrc' });
    return;
  }
  // Code given as text to timeit (`timeit.timeit('sum(range(9))', setup='…')`) is read as
  // `exec` of it is; a callable is code already in the tree; a namespace of its own asks.
  if (name === 'timeit.timeit' || name === 'timeit.repeat' || name === 'timeit.Timer') {
    const pieces = [args[0] ?? keyword(call, 'stmt'), args[1] ?? keyword(call, 'setup')];
    if (splat || args.length > 2 || keyword(call, 'globals') || keyword(call, 'timer')) {
      add({ kind: 'unknown', what: `\`${name}\` with arguments this reader does not follow` });
      return;
    }
    for (const p of pieces) {
      if (!p || p.type === 'lambda') continue;
      const s = str(p);
      if (s === null) add({ kind: 'unknown', what: `\`${name}\` of code only known when it runs` });
      else for (const e of pythonEffects(parser, s)) add(e);
    }
    return;
  }
  if (PY_SHELL.has(name)) {
    const cmd = str(args[0]);
    if (cmd === null || splat)
      add({ kind: 'unknown', what: `\`${name}\` of a command only known when it runs` });
    else add({ kind: 'shell', text: cmd });
    return;
  }
  if (PY_PROCESS.has(name)) {
    const first = args[0] ?? keyword(call, 'args');
    const shellKw = keyword(call, 'shell');
    const shell = shellKw !== null && shellKw.text !== 'False';
    if (
      keyword(call, 'executable') ||
      keyword(call, 'preexec_fn') ||
      splat ||
      (shellKw && shellKw.type !== 'true' && shellKw.type !== 'false')
    ) {
      add({ kind: 'unknown', what: `\`${name}\` with arguments only known when it runs` });
      return;
    }
    const cwdNode = keyword(call, 'cwd');
    const cwd = cwdNode ? str(cwdNode) : undefined;
    if (cwd === null)
      add({ kind: 'unknown', what: `\`${name}\` in a directory only known when it runs (cwd=…)` });
    const env = keyword(call, 'env');
    if (env) add({ kind: 'unknown', what: `\`${name}\` with its own environment (env=…)` });
    if (shell) {
      const s = str(first);
      if (s === null)
        add({ kind: 'unknown', what: `\`${name}\` of a shell command only known when it runs` });
      else add(cwd ? { kind: 'shell', text: s, cwd } : { kind: 'shell', text: s });
      return;
    }
    const argv = listOfStrings(first) ?? (str(first) !== null ? [str(first)!] : null);
    if (!argv || argv.length === 0)
      add({ kind: 'unknown', what: `\`${name}\` of a command only known when it runs` });
    else add(cwd ? { kind: 'argv', argv, cwd } : { kind: 'argv', argv });
    return;
  }
  if (name === 'pty.spawn' && listOfStrings(args[0] ?? null)?.length) {
    // `pty.spawn(['sh', '-c', 'make'])`: the list is the command
    add({ kind: 'argv', argv: listOfStrings(args[0]!)! });
    return;
  }
  if (PY_EXEC.test(name)) {
    // `os.spawn*` take a mode first. The `l` forms take the arguments one by one
    // (`os.execl('/bin/rm', 'rm', '-rf', d)`), the `v` forms and `posix_spawn` a list; the `e` forms
    // and `posix_spawn` end with an environment of their own, which asks unless it is this one.
    const fn = name.split('.').pop()!;
    const vals = args.slice(
      name.includes('spawn') && !name.startsWith('pty') && !fn.startsWith('posix') ? 1 : 0,
    );
    const withEnv = /^(exec|spawn)[lv]p?e$/.test(fn) || fn.startsWith('posix_spawn');
    const envNode = withEnv
      ? vals.length > 2 || !/^(exec|spawn)l/.test(fn)
        ? vals[vals.length - 1]
        : null
      : null;
    const listed = /^(exec|spawn)l/.test(fn)
      ? vals.slice(1, withEnv ? -1 : undefined).map((v) => str(v))
      : vals.length > 1
        ? listOfStrings(vals[1] ?? null)
        : [];
    const file = str(vals[0]);
    const ownEnv = envNode && !/^(dict\()?os\.environ(\.copy\(\))?\)?$/.test(resolveNow(envNode.text));
    if (file === null || splat || listed === null || listed.some((v) => v === null) || (withEnv && !envNode))
      add({ kind: 'unknown', what: `\`${name}\` of a program only known when it runs` });
    else add({ kind: 'argv', argv: listed.length > 0 ? [file, ...(listed as string[]).slice(1)] : [file] });
    if (ownEnv) add({ kind: 'unknown', what: `\`${name}\` with its own environment` });
    // (posix_spawn's file actions open files as redirections do)
    if (fn.startsWith('posix_spawn') && keyword(call, 'file_actions'))
      add({ kind: 'unknown', what: `\`${name}\` with file actions` });
    return;
  }
  // An event loop's own process calls (`loop.subprocess_shell(factory, 'make')`,
  // `loop.subprocess_exec(factory, 'git', 'status')`), whatever the loop is named: the protocol
  // factory comes first, then the command as `asyncio.create_subprocess_*` take it.
  if (/(^|\.)subprocess_(shell|exec)$/.test(name)) {
    const rest = args.slice(1).map((v) => str(v));
    const env = keyword(call, 'env') || keyword(call, 'executable') || keyword(call, 'preexec_fn');
    if (splat || rest.length === 0 || rest.some((v) => v === null) || env)
      add({ kind: 'unknown', what: `\`${clipName(name)}\` of a command only known when it runs` });
    else if (name.endsWith('shell')) add({ kind: 'shell', text: rest[0]! });
    else add({ kind: 'argv', argv: rest as string[] });
    return;
  }
  if (name === 'open' || name === 'io.open' || name === 'builtins.open' || name === 'os.open') {
    const path = str(args[0]);
    const modeNode = args[1] ?? keyword(call, 'mode') ?? keyword(call, 'flags');
    const mode =
      name === 'os.open'
        ? modeNode && /O_(WRONLY|RDWR|CREAT|APPEND|TRUNC)/.test(modeNode.text)
          ? 'w'
          : 'r'
        : modeNode
          ? str(modeNode)
          : 'r';
    const writes = mode === null || /[wax+]/.test(mode);
    if (path === null) {
      if (writes) add({ kind: 'unknown', what: `\`${name}\` for writing a path only known when it runs` });
      return; // reading a computed path: judged at its source, like `cat "$f"`
    }
    if (!writes) add({ kind: 'read', path });
    else {
      const text = name !== 'os.open' && mode !== null && /^w[bt]?$/.test(mode) ? writtenText(call) : null;
      add(text === null ? { kind: 'write', path } : { kind: 'write', path, text });
    }
    return;
  }
  if (name in PY_FILE_OPS) {
    const op = PY_FILE_OPS[name]!;
    if ('write' in op) {
      const p = str(args[op.write[0]!]);
      if (p === null) add({ kind: 'unknown', what: `\`${name}\` of a path only known when it runs` });
      else add(name === 'os.utime' ? { kind: 'write', path: p, meta: true } : { kind: 'write', path: p });
      return;
    }
    const paths = op.paths.map((i) => str(args[i]));
    if (paths.some((p) => p === null) || splat)
      add({ kind: 'unknown', what: `\`${name}\` of a path only known when it runs` });
    else add({ kind: 'argv', argv: [...op.argv, '--', ...(paths as string[])] });
    return;
  }
  if (name === 'os.chmod' || name === 'os.chown' || name === 'shutil.chown' || name === 'os.lchown') {
    const p = str(args[0]);
    add(
      p === null
        ? { kind: 'unknown', what: `\`${name}\` of a path only known when it runs` }
        : {
            kind: 'argv',
            argv: [
              name.endsWith('chmod') ? 'chmod' : 'chown',
              name.endsWith('chmod') ? (args[1]?.text ?? '') : 'x',
              '--',
              p,
            ],
          },
    );
    if (name === 'os.chmod' && args[1] && /S_IS[UG]ID|0o[4-7][0-7]{3}|\b[2-7]\d{3}\b/.test(args[1].text))
      add({ kind: 'argv', argv: ['chmod', 'u+s', p ?? 'x'] });
    return;
  }
  if (name === 'os.getenv' || name === 'os.environ.get' || name === 'os.environ.__getitem__') {
    add({ kind: 'env-read', name: str(args[0]) });
    return;
  }
  if (name === 'os.putenv' || name === 'os.environ.setdefault' || name === 'os.environ.update') {
    const key = str(args[0]);
    if (key && name !== 'os.environ.update') add({ kind: 'env-set', name: key, value: str(args[1]) });
    else add({ kind: 'unknown', what: `\`${name}\` of variables only known when it runs` });
    return;
  }
  if (
    name === 'os.environ.copy' ||
    name === 'os.environ.items' ||
    name === 'os.environ.keys' ||
    name === 'os.environ.values' ||
    name === 'dict'
  ) {
    if (name !== 'dict') add({ kind: 'env-read', name: null });
    return;
  }
  // `conn.set_tunnel(host)`: the connection (to a proxy) goes on to this host.
  if (/\.set_tunnel$/.test(name)) {
    add({ kind: 'net', url: str(args[0]) });
    return;
  }
  if (PY_NET.test(name) || PY_NET_HANDLERS.test(name)) {
    // A proxy or transport given to the call is where it connects (`requests.get(local_url,
    // proxies={…})`, httpx's `proxy=`/`mounts=`/`transport=`): its real destination is not the URL.
    const via = ['proxies', 'proxy', 'mounts', 'transport'].some((k) => {
      const v = keyword(call, k);
      return v !== null && v.type !== 'none';
    });
    add({ kind: 'net', url: via ? null : str(args[0]) });
    return;
  }
  if ((PY_NET_MODULES.has(root) || PY_NET_SUBMODULES.test(name)) && !localNames.has(root)) {
    add({ kind: 'net', url: str(args[0]) });
    return;
  }
  // (socket's exception classes, raised by hand in tests, connect nowhere)
  if (
    root === 'socket' &&
    name !== 'socket.gethostname' &&
    !/^socket\.(AF_|SOCK_|(error|timeout|gaierror|herror)$)/.test(name)
  ) {
    add({ kind: 'net', url: null });
    return;
  }
  if ((name === 'exec' || name === 'eval') && args.length >= 1) {
    // `exec(open('t.py').read())` runs the file t.py: decided as `python t.py` is.
    const file = name === 'exec' ? readFileArgument(args[0]!) : null;
    if (file !== null) {
      add({ kind: 'argv', argv: ['python', file] });
      return;
    }
    const s = str(args[0]);
    if (s === null) add({ kind: 'unknown', what: `\`${name}\` of code only known when it runs` });
    else if (name === 'eval' && !/\)\s*$/.test(s) && evalNamesModule(s))
      // `eval("os.remove")("/etc/hosts")`: the value is a module's function, called where the
      // reader does not follow it (lead probe, 5 Dec: allowed).
      add({ kind: 'unknown', what: '`eval` of a name that may be a module or its function' });
    else for (const e of pythonEffects(parser, s)) add(e);
    return;
  }
  if (PY_DYNAMIC_BUILTINS.has(name)) {
    if (name === 'getattr' || name === 'setattr' || name === 'delattr') {
      // `getattr(x, 'unit', None)` is `x.unit`: read as that attribute, unless the name is one
      // that reaches any module (`__globals__`, as in `x.__globals__`), a method this reader decides by its name alone (`getattr(p, 'write_text')`
      // would hide the write it reads on `p.write_text`), or x may be a module that runs or
      // touches things (`sys`, `os`, … anywhere in it).
      // (a loop variable over literal names, `for attr in ['Mapping', …]`, is each of them)
      const attr = str(args[1]);
      const names =
        attr !== null ? [attr] : args[1]?.type === 'identifier' ? loopStrings.get(args[1].text) : undefined;
      if (
        names?.length &&
        names.every(
          (a) =>
            /^[A-Za-z_][A-Za-z0-9_]*$/.test(a) &&
            !PY_ESCAPE_NAMES.has(a) &&
            !PATH_METHODS.test(a) &&
            !/^(extract|extractall|system|popen|modules)$/.test(a),
        ) &&
        args[0] &&
        !mayBeModule(args[0])
      )
        return;
      // `setattr(ds, keyword, value)` in a loop over names: a computed name on an object that is
      // not a module only assigns (or deletes) an attribute; nothing is called or handed out
      // there, and a function stored under the name is named as a value where it is taken,
      // which is checked there (`setattr(x, k, os.system)` still asks at `os.system`). getattr
      // with a computed name could be any method (`write_text`) and stays unknown.
      if (
        name !== 'getattr' &&
        attr === null &&
        args.length === (name === 'setattr' ? 3 : 2) &&
        !hasSplat(call) &&
        !mayBeModule(args[0]!)
      )
        return;
    }
    if (name === '__import__' && str(args[0]) !== null && !PY_WATCHED.has(str(args[0])!.split('.')[0]!))
      return;
    // `__import__('os').path.exists(p)`, `__import__('os').getcwd()`: a call that only reads or
    // computes, on the module `__import__` gives, is read as `os.path.exists(p)`. Anything else
    // on it stays unknown: `__import__('os').system(…)` is the sandbox-escape idiom, and what it
    // hands out is a module.
    if (name === '__import__' && importedModule(call) !== null) {
      let top: Node = call;
      while (top.parent?.type === 'attribute' && top.parent.childForFieldName('object')?.id === top.id)
        top = top.parent;
      const full = top === call ? null : dotted(top);
      if (full !== null && isSafeName(full)) return;
    }
    // `vars(obj)` is obj's attributes (a module passed in is checked as a value where it is
    // named). The namespace itself hands out every module imported (`globals()['os'].system(…)`):
    // only a membership test or its keys are read from it.
    if (name === 'vars' && args.length >= 1) return;
    if ((name === 'vars' || name === 'locals' || name === 'globals') && namesOnly(call)) return;
    add({ kind: 'unknown', what: `\`${name}\`, which can reach any function` });
    return;
  }
  // `importlib.util.spec_from_file_location('m', 'vllm/x.py')`, then `module_from_spec(spec)` and
  // `spec.loader.exec_module(m)`: the file's code runs, decided as `python vllm/x.py` is; the module
  // made from it is that file's, as one imported by name would be.
  if (name === 'importlib.util.spec_from_file_location') {
    const loc = args[1] ?? keyword(call, 'location');
    const file = loc ? str(loc) : null;
    if (file !== null && !hasSplat(call) && !keyword(call, 'loader'))
      add({ kind: 'argv', argv: ['python', file] });
    else add({ kind: 'unknown', what: `\`${name}\` of a file only known when it runs` });
    return;
  }
  if (name === 'importlib.util.module_from_spec') return;
  if (name === 'importlib.import_module' || name === 'runpy.run_module' || name === 'runpy.run_path') {
    const m = str(args[0]);
    // What the call gives (a module; run_path's and run_module's namespace, which holds every
    // module the code imported) goes nowhere: a statement of its own, or a name used nowhere else.
    const unused = resultDiscarded(call) || assignedUnused(call);
    const runNode = keyword(call, 'run_name');
    const runName = runNode ? str(runNode) : undefined;
    if (name === 'runpy.run_path') {
      // `runpy.run_path('t.py')` runs the file t.py: decided as `python t.py` is.
      if (m !== null && unused && !hasSplat(call)) add({ kind: 'argv', argv: ['python', m] });
      else add({ kind: 'unknown', what: `\`${name}\`` });
      return;
    }
    // `runpy.run_module(m, run_name='__main__')` runs m as `python -m m` does; under any other
    // run_name (the default is the module's own name), as `import_module` does, m is imported:
    // its top-level code runs, as an `import` statement's would, whatever module the name is.
    if (name === 'runpy.run_module' && (runName === null || runName === '__main__' || hasSplat(call))) {
      if (m !== null && unused && runName === '__main__') add({ kind: 'argv', argv: ['python', '-m', m] });
      else add({ kind: 'unknown', what: `\`${name}\`` });
      return;
    }
    if (unused && !hasSplat(call)) return;
    if (m === null || PY_WATCHED.has(m.split('.')[0]!) || name.startsWith('runpy'))
      add({ kind: 'unknown', what: `\`${name}\`` });
    return;
  }
  // `tarfile.open(…).extractall(dest)`, `ZipFile(…).extract(m, path=dest)`: the archive's
  // entries decide where files land, so only a destination outside the workspace is known to
  // be wrong (a write there); inside it the entries are only known when it runs.
  if (/\.(extractall|extract)$/.test(name) && archivesImported) {
    const destNode = keyword(call, 'path') ?? (name.endsWith('extractall') ? args[0] : args[1]) ?? null;
    const dest = destNode ? str(destNode) : '.';
    if (dest !== null && (dest.startsWith('/') || dest.startsWith('~') || dest.startsWith('..')))
      add({ kind: 'write', path: dest });
    else
      add({
        kind: 'unknown',
        what: `\`.${name.split('.').pop()}()\` of an archive whose entries are only known when it runs`,
      });
    return;
  }
  // Path(...).write_text / unlink / … : a method on a pathlib object.
  const method = name.split('.').pop()!;
  if (PATH_METHODS.test(method)) {
    const obj = call.childForFieldName('function')?.childForFieldName('object');
    if (obj && isPathObject(obj, method)) {
      const p = str(obj);
      if (method === 'read_text' || method === 'read_bytes') {
        // reading a computed path is judged at its source, like `cat "$f"`
        if (p !== null) add({ kind: 'read', path: p });
        return;
      }
      // `Path('/root/.ssh').glob('id_*')`, `.rglob(…)`, `.iterdir()`: the names it gives are opened
      // later as values only known when they run, so the listing is judged as a read of what it
      // matches (`for f in /root/.ssh/*; do cat "$f"; done` reads `/root/.ssh/*`).
      if (method === 'glob' || method === 'rglob' || method === 'iterdir') {
        const pat = method === 'iterdir' ? '*' : str(args[0]);
        if (p !== null && pat !== null)
          add({ kind: 'read', path: joinPath([p, method === 'rglob' ? `**/${pat}` : pat]) });
        return;
      }
      if (method === 'open') {
        // `p.open('a')`, `p.open(mode='w')`; a mode only known when it runs may write
        const modeNode = args[0] ?? keyword(call, 'mode');
        const mode = modeNode ? (str(modeNode) ?? 'w') : 'r';
        if (p !== null) add({ kind: /[wax+]/.test(mode) ? 'write' : 'read', path: p });
        else if (/[wax+]/.test(mode))
          add({ kind: 'unknown', what: 'a file opened for writing at a path only known when it runs' });
        return;
      }
      if (p === null)
        add({ kind: 'unknown', what: `\`Path(…).${method}\` of a path only known when it runs` });
      else if (method === 'rename' || method === 'replace') {
        const to = str(args[0]);
        add(
          to === null
            ? { kind: 'unknown', what: `\`Path.${method}\` to a path only known when it runs` }
            : { kind: 'argv', argv: ['mv', '--', p, to] },
        );
      } else if (method === 'symlink_to' || method === 'hardlink_to') {
        const to = str(args[0]);
        add(
          to === null
            ? { kind: 'unknown', what: `\`Path.${method}\`` }
            : { kind: 'argv', argv: ['ln', '-s', '--', to, p] },
        );
      } else {
        const text =
          method === 'write_text' && !hasSplat(call) ? str(args[0] ?? keyword(call, 'data')) : null;
        add(text === null ? { kind: 'write', path: p } : { kind: 'write', path: p, text });
      }
      return;
    }
    if (/^(write_text|write_bytes|unlink|rmdir|touch|symlink_to|hardlink_to)$/.test(method)) {
      // On an object whose path is only known when it runs.
      add({ kind: 'unknown', what: `\`.${method}()\` on a path only known when it runs` });
      return;
    }
  }
  if (
    PY_WATCHED.has(root) &&
    name.includes('.') &&
    !isSafeName(name) &&
    !/^(pathlib|tempfile)\./.test(name) &&
    !localNames.has(root)
  ) {
    add({ kind: 'unknown', what: `\`${clipName(name)}\`, a call this reader does not know` });
    return;
  }
  literalPathArguments(call, name, add);
}

/**
 * A call this reader has no entry for (a library's, a method of a value: `linecache.getlines(p)`,
 * `tar.add(p)`, `glob.glob(p)`, `os.listdir(p)`) given a path that names a place by itself
 * (absolute or in the home directory, as a literal or built from known parts) may open it: it is
 * decided as a read of that path, so a secret or credential file stays refused whatever reads it
 * (reading elsewhere outside the workspace is allowed as `cat` of it is). `print` and `os.path`'s
 * tests, which only show or look at a name, are not.
 */
const STR_METHODS =
  /^(startswith|endswith|replace|split|rsplit|strip|lstrip|rstrip|find|rfind|index|rindex|count|removeprefix|removesuffix|partition|rpartition|join|format|encode|decode|match|fullmatch|search|sub|subn|findall|finditer|append|extend|insert|remove|discard|add_argument|get|setdefault|pop)$/;

function literalPathArguments(call: Node, name: string, add: (e: Effect) => void): void {
  if (name === 'print' || OS_PATH_ROOT.test(name)) return;
  // a string's own methods compare or rewrite text (`'a~b'.replace('~', '/etc')`, `p.startswith('/usr')`)
  const fn = call.childForFieldName('function');
  const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  if (obj?.type === 'string' || obj?.type === 'concatenated_string') return;
  if (method && STR_METHODS.test(method)) return;
  // a call named for writing, saving, dumping or extracting (`tree.write(p)`, `np.save(p, a)`,
  // `df.to_csv(p)`, `fig.savefig(p)`, `zf.extractall(p)`) writes the path it is given
  const verb = method ?? name.split('.').pop() ?? '';
  const kind = WRITE_CALL_NAMES.test(verb) ? 'write' : 'read';
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    const v = a?.type === 'keyword_argument' ? a.childForFieldName('value') : a;
    if (!v || v.type === 'list_splat' || v.type === 'dictionary_splat') continue;
    const p = str(v);
    if (p !== null && /^(\/|~\/|~$)/.test(p) && !/[\s\0]/.test(p) && p.length <= 4096) add({ kind, path: p });
  }
}

/** Names of calls that write the path they are given (see `literalPathArguments`). */
const WRITE_CALL_NAMES =
  /^(write\w*|writexml|save\w*|dump\w*|to_\w+|export\w*|extract\w*|store\w*|copy\w*|move\w*|rename\w*|remove\w*|delete\w*|unlink\w*|rmtree|mkdirs?|makedirs|truncate|touch|chmod|chown|install\w*|download\w*|retrieve\w*|imwrite|imsave)$/;

// ----------------------------------------------------------------- JavaScript

/** `require`, or `process.getBuiltinModule` (Node 22.3), which gives a built-in module as require does. */
function isRequire(fn: Node | null | undefined): boolean {
  return fn?.text === 'require' || fn?.text === 'process.getBuiltinModule';
}

/**
 * Packages every call of which talks to a host (`require('axios').get(url)`, `undici.request(url)`,
 * `new (require('ws'))(url)`), as node's own net/http/https/dgram/tls/dns are, and the globals that
 * open a connection when constructed (`new WebSocket(url)`, `new EventSource(url)`).
 */
function JS_NET_MODULES_LIST(): string[] {
  return [
    'axios',
    'undici',
    'node-fetch',
    'cross-fetch',
    'isomorphic-fetch',
    'got',
    'ky',
    'superagent',
    'request',
    'needle',
    'ws',
    'socket.io-client',
    'ssh2',
    'ftp',
    'basic-ftp',
    'nodemailer',
    'mqtt',
    'redis',
    'ioredis',
    'pg',
    'mysql',
    'mysql2',
    'mongodb',
    'amqplib',
    'kafkajs',
  ];
}
const JS_NET_MODULES: ReadonlySet<string> = new Set(JS_NET_MODULES_LIST());

/**
 * Packages whose calls run programs, stop processes, delete, write or unpack files, or read the
 * keychain, which this reader does not follow (`require('shelljs').exec(cmd)`, `execa(cmd, args)`,
 * zx's `$\`…\``, `require('fs-extra').removeSync(p)`, `require('tar').x({C: '/'})`,
 * `require('tree-kill')(pid)`, `require('open')(target)`): any call of one, the package itself or a
 * property of it, asks, as a call of `child_process` or a write of `fs` this reader cannot place does.
 */
function JS_UNREAD_MODULES_LIST(): string[] {
  return [
    'shelljs',
    'cross-spawn',
    'execa',
    'zx',
    'node-pty',
    'child-process-promise',
    'simple-git',
    'isomorphic-git',
    'open',
    'tree-kill',
    'fkill',
    'fs-extra',
    'graceful-fs',
    'rimraf',
    'del',
    'trash',
    'mkdirp',
    'make-dir',
    'cpy',
    'move-file',
    'tar',
    'adm-zip',
    'extract-zip',
    'unzipper',
    'decompress',
    'esbuild',
    'keytar',
    'puppeteer',
    'puppeteer-core',
    'playwright',
    'playwright-core',
  ];
}
const JS_UNREAD_MODULES: ReadonlySet<string> = new Set(JS_UNREAD_MODULES_LIST());
const JS_NET_GLOBALS = new Set(['WebSocket', 'EventSource', 'XMLHttpRequest', 'WebSocketStream']);

const JS_WATCHED = new Set([
  'dotenv',
  'dotenv/config',
  '@dotenvx/dotenvx',
  'child_process',
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'tls',
  'vm',
  'worker_threads',
  'cluster',
  'os',
  'module',
  'inspector',
  'repl',
  // the runtimes' own globals (`deno eval`, `bun -e`): `Deno` is bound to 'Deno', `Bun` to 'bun'
  'Deno',
  'bun',
  // native code and databases opened at a path (`bun:ffi`'s dlopen, `bun:sqlite` and
  // `node:sqlite` databases), heap snapshots written where they are told (`v8`), WASI's preopened
  // directories
  'bun:ffi',
  'bun:sqlite',
  'sqlite',
  'v8',
  'wasi',
  ...JS_NET_MODULES_LIST(),
  ...JS_UNREAD_MODULES_LIST(),
]);

const JS_SAFE = new Set([
  'v8.getHeapStatistics',
  'v8.getHeapSpaceStatistics',
  'v8.cachedDataVersionTag',
  'v8.serialize',
  'v8.deserialize',
  'fs.existsSync',
  'fs.readdirSync',
  'fs.statSync',
  'fs.lstatSync',
  'fs.readFileSync',
  'fs.realpathSync',
  'fs.accessSync',
  'fs.readFile',
  'fs.readdir',
  'fs.stat',
  'fs/promises.readFile',
  'fs/promises.readdir',
  'fs/promises.stat',
  'os.platform',
  'os.cpus',
  'os.arch',
  'os.type',
  'os.release',
  'os.totalmem',
  'os.freemem',
  'os.tmpdir',
  'os.EOL',
  'os.endianness',
  'os.hostname',
  'os.homedir',
  // Deno's and Bun's values and calls that only read or compute
  'Deno.version',
  'Deno.build',
  'Deno.args',
  'Deno.pid',
  'Deno.ppid',
  'Deno.noColor',
  'Deno.mainModule',
  'Deno.cwd',
  'Deno.exit',
  'Deno.inspect',
  'Deno.memoryUsage',
  'Deno.osRelease',
  'Deno.osUptime',
  'Deno.hostname',
  'Deno.execPath',
  'Deno.loadavg',
  'Deno.systemMemoryInfo',
  'Deno.uid',
  'Deno.gid',
  'Deno.consoleSize',
  'bun.version',
  'bun.revision',
  'bun.argv',
  'bun.main',
  'bun.sleep',
  'bun.sleepSync',
  'bun.nanoseconds',
  'bun.inspect',
  'bun.hash',
  'bun.escapeHTML',
  'bun.deepEquals',
  'bun.which',
  'bun.stringWidth',
  'bun.peek',
]);

/** Deno's and Bun's file calls (`Deno.readTextFile(p)`, `Bun.file(p)`, `Bun.write(p, …)`). */
const RUNTIME_READS =
  /^Deno\.(readTextFile|readFile|readDir|stat|lstat|realPath|readLink)(Sync)?$|^bun\.file$/;
const RUNTIME_WRITES =
  /^Deno\.(writeTextFile|writeFile|mkdir|create|truncate|utime|chown|chmod|open)(Sync)?$|^bun\.write$/;
const RUNTIME_MOVES: Record<string, string> = { rename: 'mv', copyFile: 'cp', symlink: 'ln', link: 'ln' };
const RUNTIME_NET =
  /^Deno\.(connect|connectTls|listen|listenTls|listenDatagram|resolveDns|serve|startTls|upgradeWebSocket)$|^bun\.(connect|listen|serve|udpSocket)$/;
/** Options of `new Deno.Command(…)`, `Bun.spawn(…)` that do not change what runs or where (`cwd` is read). */
const RUNTIME_SPAWN_OPTIONS = new Set([
  'args',
  'cmd',
  'cwd',
  'stdout',
  'stderr',
  'stdin',
  'stdio',
  'signal',
  'timeout',
]);

/** Words that keep a statement of long code for the tree reader (see `inline-lex.ts`). */
const PY_EXTRACT_WORDS: ReadonlySet<string> = new Set([
  ...PY_WORDS,
  ...PY_WATCHED,
  ...PY_NET_MODULES,
  ...VALUE_WATCHED,
  ...PY_DYNAMIC_BUILTINS,
  // The modules of the calls read by name, from the lists the reader matches (a statement using a
  // name they bind, `pd` of `import pandas as pd` or `read_pickle` of `from pandas import …`,
  // shares a word with the kept import), the bare `get_ipython`, and the hub keywords.
  ...[...PY_RUN_CALL_NAMES, ...PY_UNPICKLER_NAMES, ...PY_NET_SUBMODULE_NAMES].map((n) => n.split('.')[0]!),
  'trust_remote_code',
  'trust_repo',
  'safe_mode',
  'trusted',
]);
/**
 * Words that keep Python code the grammar rejects from being read as code with no effect: every
 * word a statement of long code is kept for except `import` itself (an import statement names
 * its module literally, and the modules the reader acts on are words here: the archive modules,
 * setuptools and distutils among them), the heads of the libraries whose calls run programs
 * (`import sh`), `extractall`, and Python 2's `execfile`, `file`, `reload` and `input` (which
 * evaluates what it reads).
 */
const PY_UNPARSED_WORDS: ReadonlySet<string> = new Set([
  ...[...PY_EXTRACT_WORDS].filter((w) => w !== 'import'),
  ...PY_RUN_MODULES.source
    .replace(/^\^\(|\)\(.*$/g, '')
    .split('|')
    .map((m) => /^\(?([A-Za-z_0-9]+)/.exec(m)?.[1] ?? m),
  'extractall',
  'execfile',
  'file',
  'reload',
  'input',
]);

/**
 * Python code tree-sitter's grammar rejects: CPython compiles the whole text before it runs any
 * of it, so code it rejects too (a literal `\n` between statements, `; class X:`, an unclosed
 * bracket: agents' everyday slips) runs nothing. The grammar may lag CPython, though, so code
 * is only taken as harmless when its text, strings and comments included, has no word the
 * reader acts on (`PY_UNPARSED_WORDS`) and no dunder, and no text a path could be made of (the
 * reader decides any call given an absolute or home path, `linecache.getline('/etc/shadow')`,
 * as opening it: so no `/` or `~` at all, no escape that may spell one, no `%c` or `{:c}`):
 * whatever CPython makes of it, such code names no module, call, value or path the reader would
 * have refused had it parsed (the premise of the long-code extract, `inline-lex.ts`). Anything
 * else stays code that cannot be read. JavaScript is not treated so: a computed member
 * (`[]['con'+'structor']`) reaches any function without a word for it.
 */
function unparsed(code: string | null, what: string): Effect[] {
  const unknown: Effect[] = [{ kind: 'unknown', what }];
  if (code === null || PATH_MAKING.test(code)) return unknown;
  let named = false;
  scanWords(code, 0, code.length, 'python', (w) => {
    if (!named && (PY_UNPARSED_WORDS.has(w) || w.startsWith('__'))) named = true;
  });
  return named ? unknown : [];
}

/** Text that is, or may be turned into, a `/` or `~` (see `unparsed`): linear, no backtracking. */
const PATH_MAKING = /[/~]|\\[xuUN0-7]|%[-#0 +*.\d]*c|:[^{}'"\n]{0,16}c\s*\}/;

const JS_EXTRACT_WORDS: ReadonlySet<string> = new Set([
  ...JS_WORDS,
  ...JS_NET_GLOBALS,
  'Deno',
  'Bun',
  ...[...JS_WATCHED].flatMap((m) => m.split('/')),
]);

/** Names and properties that reach any module or function without naming it. */
const JS_ESCAPE_NAMES = new Set(['module', 'globalThis', 'global', 'Reflect', 'WebAssembly']);
const JS_ESCAPE_PROPERTIES = new Set([
  'constructor',
  '__proto__',
  'mainModule',
  '__defineGetter__',
  '__lookupGetter__',
]);
/** Values of watched modules that are only data. */
const JS_SAFE_VALUES = new Set([
  'constants',
  'EOL',
  'sep',
  'delimiter',
  'STATUS_CODES',
  'METHODS',
  'F_OK',
  'R_OK',
  'W_OK',
  'X_OK',
]);

const JS_READS =
  /^(fs|fs\/promises)\.(readFileSync|readFile|createReadStream|readdirSync|readdir|opendir|opendirSync|readlink|readlinkSync)$/;
const JS_WRITES =
  /^(fs|fs\/promises)\.(writeFile|appendFile|rm|rmdir|unlink|mkdir|copyFile|cp|rename|symlink|link|chmod|chown|truncate|utimes|createWriteStream|open|mkdtemp)(Sync)?$/;

/**
 * A module named by its path (`require('/root/x.js')`, `import x from '../other/x.mjs'`,
 * `file:///…`) rather than a package name: its code runs, decided as `node PATH` is (a file
 * outside the workspace asks).
 */
function isModuleFile(m: string): boolean {
  return /^(\/|\.\.?(\/|$)|~|file:)/.test(m);
}

const JS_PATTERNS = new Set(['formal_parameters', 'rest_pattern', 'array_pattern', 'object_pattern']);
const JS_NAMED = new Set([
  'function_declaration',
  'function_expression',
  'function',
  'generator_function_declaration',
  'generator_function',
  'class_declaration',
  'class',
]);
const JS_IMPORTS = new Set(['import_specifier', 'namespace_import', 'import_clause']);

/**
 * A name in a binding position other than `const/let/var NAME = …` and a plain `NAME = …`: a
 * parameter (with a default, a rest, TypeScript's `p: T`), a destructuring pattern in a
 * declaration or an assignment, the left of `for … of/in`, `catch (p)`, `p += …`, `p++`, a
 * function's or class's name, an import.
 */
function jsBindsOtherwise(n: Node): boolean {
  if (n.type !== 'identifier' && n.type !== 'shorthand_property_identifier_pattern') return false;
  const p = n.parent;
  if (!p) return false;
  const is = (field: string) => p.childForFieldName(field)?.id === n.id;
  if (JS_PATTERNS.has(p.type) || JS_IMPORTS.has(p.type) || p.type === 'update_expression') return true;
  if (p.type === 'assignment_pattern' || p.type === 'object_assignment_pattern') return is('left');
  if (p.type === 'pair_pattern') return is('value');
  if (p.type === 'arrow_function' || p.type === 'catch_clause') return is('parameter');
  if (p.type === 'for_in_statement' || p.type === 'augmented_assignment_expression') return is('left');
  if (p.type === 'required_parameter' || p.type === 'optional_parameter') return is('pattern');
  return JS_NAMED.has(p.type) && is('name');
}

/** Reads JavaScript source (`node -e`): child processes, fs writes, env, network, eval (long code: as `pythonEffects`). */
export function javascriptEffects(
  parser: Parser,
  code: string,
  budget: Budget = NO_BUDGET,
  treeLimit = treeLimitNow,
): Effect[] {
  if (code.length <= treeLimit && spend(budget, code.length))
    return javascriptTreeEffects(parser, code, budget);
  const part = extract(code, 'javascript', JS_EXTRACT_WORDS);
  if (!part.ok) return [{ kind: 'unknown', what: `long JavaScript code with ${part.why}` }];
  if (!part.code) return [];
  if (!spend(budget, part.code.length, 2)) return [TOO_MUCH];
  return javascriptTreeEffects(parser, part.code, budget);
}

function javascriptTreeEffects(parser: Parser, code: string, budget: Budget): Effect[] {
  const tree = parseWithin(parser, code, budget);
  if (!tree)
    return [
      { kind: 'unknown', what: budget.spent ? 'code too long to read in time' : 'code that does not parse' },
    ];
  try {
    // (read as plain objects: see plain-tree.ts)
    const root = Node.of(tree, code, 4 * MAX_NODES, () => budget.expired());
    if (!root)
      return [
        { kind: 'unknown', what: budget.spent ? 'code too long to read in time' : 'code too large to read' },
      ];
    if (root.hasError) return [{ kind: 'unknown', what: 'JavaScript code that does not parse' }];
    const effects: Effect[] = [];
    const add = (e: Effect) => {
      if (effects.length < MAX_EFFECTS) effects.push(e);
    };
    const modules = new Map<string, string>(); // local name → module
    const all: Node[] = [];
    const stack: Node[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      all.push(n);
      if (all.length > MAX_NODES) return [{ kind: 'unknown', what: 'code too large to read' }];
      if ((all.length & 1023) === 0 && budget.expired())
        return [{ kind: 'unknown', what: 'code too long to read in time' }];
      for (let i = n.namedChildCount - 1; i >= 0; i--) {
        const c = n.namedChild(i);
        if (c) stack.push(c);
      }
    }
    const jsStr = (n: Node | null | undefined): string | null => {
      if (!n) return null;
      if (n.type === 'string' || n.type === 'template_string') {
        // `${os.homedir()}/.npmrc`: each substitution of a template is its expression's value.
        let out = '';
        for (const c of n.namedChildren) {
          if (!c) continue;
          if (c.type === 'string_fragment') out += c.text;
          else if (c.type === 'escape_sequence') {
            const e = decodeEscape(c.text);
            if (e === null) return null;
            out += e;
          } else if (c.type === 'template_substitution') {
            const v = jsStr(c.namedChildren[0]);
            if (v === null) return null;
            out += v;
          } else return null;
        }
        return out;
      }
      if (n.type === 'identifier') {
        jsReads?.push(n.text);
        return jsConsts.get(n.text) ?? null;
      }
      if (n.type === 'parenthesized_expression') return jsStr(n.namedChildren[0]);
      if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '+') {
        const l = jsStr(n.childForFieldName('left'));
        const r = l === null ? null : jsStr(n.childForFieldName('right'));
        return l === null || r === null ? null : l + r;
      }
      if (n.type === 'member_expression' || n.type === 'subscript_expression') {
        // process.env.HOME, process.env['HOME']
        const obj = n.childForFieldName('object');
        if (obj?.type === 'member_expression' && obj.text === 'process.env') {
          const key =
            n.type === 'member_expression'
              ? (n.childForFieldName('property')?.text ?? null)
              : jsStr(n.childForFieldName('index'));
          return envValue(key);
        }
        return null;
      }
      if (n.type === 'call_expression') return jsPathCall(n);
      // `new URL('file:///root/.netrc')`: fs takes a file URL as the path it names
      if (n.type === 'new_expression' && n.childForFieldName('constructor')?.text === 'URL') {
        const a = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((x): x is Node => !!x);
        const u = a.length === 1 ? jsStr(a[0]) : null;
        const m = u === null ? null : /^file:\/\/(?:localhost)?(\/[^?#]*)$/i.exec(u);
        if (!m) return null;
        try {
          return decodeURIComponent(m[1]!);
        } catch {
          return null;
        }
      }
      return null;
    };
    /** A path built from known parts: `os.homedir()`, `path.join(…)`, `process.cwd()`. */
    const jsPathCall = (n: Node): string | null => {
      const fn = n.childForFieldName('function');
      const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((x): x is Node => !!x);
      let name: string | null = null;
      if (fn?.type === 'identifier') name = modules.get(fn.text)?.replace('#', '.') ?? null;
      else if (fn?.type === 'member_expression') {
        const obj = fn.childForFieldName('object');
        const m = moduleOf(obj);
        const prop = fn.childForFieldName('property')?.text ?? '';
        if (m && m !== '?') name = `${m}.${prop}`;
        else if (obj?.text === 'process') name = `process.${prop}`;
        else if (obj?.type === 'member_expression' && moduleOf(obj.childForFieldName('object')) === 'path')
          name = `path.${prop}`; // path.posix.join
      }
      if (name === 'os.homedir') return '~';
      if (name === 'process.cwd') return '.';
      // `Deno.env.get('HOME')`, as `process.env.HOME` is
      if (
        fn?.type === 'member_expression' &&
        fn.childForFieldName('object')?.text === 'Deno.env' &&
        fn.childForFieldName('property')?.text === 'get' &&
        args.length === 1
      ) {
        const v = jsStr(args[0]);
        return v === 'HOME' || v === 'USERPROFILE' ? '~' : null;
      }
      if (name === 'path.join' || name === 'path.resolve' || name === 'path.normalize') {
        const parts: string[] = [];
        for (const a of args) {
          const v = jsStr(a);
          if (v === null) return null;
          parts.push(v);
        }
        return parts.length === 0 ? null : joinPath(parts);
      }
      return null;
    };
    const jsConsts = new Map<string, string | null>();
    // A name bound any way but one `const/let/var NAME = …` or a plain `NAME = …` (a parameter,
    // `for (const p of …)`, `catch (p)`, a destructuring pattern, `p += …`, `p++`, a function's or
    // class's name, an import) holds what only the running code knows, in whatever scope it is:
    // the reader does not follow scopes, so the name is unknown everywhere.
    for (const n of all) if (jsBindsOtherwise(n)) jsConsts.set(n.text, null);
    // The names each declarator's value read (see below).
    let jsReads: string[] | null = null;
    const declared: Array<{ name: string; read: string[] }> = [];
    // The runtimes' globals, as modules: `Deno.Command`, `Bun.spawn` (a binding of the name replaces them)
    modules.set('Deno', 'Deno');
    modules.set('Bun', 'bun');
    const moduleOf = (n: Node | null): string | null => {
      // require('x') or an identifier bound to one
      if (!n) return null;
      // (`process.getBuiltinModule('child_process')`, Node 22.3: a built-in module as require gives it)
      if (n.type === 'call_expression' && isRequire(n.childForFieldName('function'))) {
        const m = jsStr(n.childForFieldName('arguments')?.namedChildren[0]);
        return m === null ? '?' : m.replace(/^node:/, '');
      }
      if (n.type === 'identifier') return modules.get(n.text) ?? null;
      if (n.type === 'member_expression') {
        const base = moduleOf(n.childForFieldName('object'));
        const prop = n.childForFieldName('property')?.text;
        if (base && prop === 'promises') return `${base}/promises`;
        return null;
      }
      return null;
    };
    for (const n of all) {
      if (n.type === 'assignment_expression') {
        const left = n.childForFieldName('left');
        if (left?.type === 'identifier') jsConsts.set(left.text, null);
      }
      if (n.type === 'variable_declarator') {
        const value = n.childForFieldName('value');
        const m = moduleOf(value);
        const nameNode = n.childForFieldName('name');
        // A name bound once to a value known here (`const p = os.homedir() + '/.npmrc'`).
        if (nameNode?.type === 'identifier') {
          jsReads = [];
          const v = jsConsts.has(nameNode.text) ? null : jsStr(value);
          if (v !== null && jsReads.length) declared.push({ name: nameNode.text, read: jsReads });
          jsReads = null;
          jsConsts.set(nameNode.text, v);
        }
        if (m && nameNode?.type === 'identifier') modules.set(nameNode.text, m);
        else if (m && nameNode?.type === 'object_pattern')
          for (const p of nameNode.namedChildren) {
            if (!p) continue;
            const local = p.type === 'pair_pattern' ? p.childForFieldName('value')?.text : p.text;
            const key = p.type === 'pair_pattern' ? p.childForFieldName('key')?.text : p.text;
            if (local && key) modules.set(local, `${m}#${key}`);
          }
      } else if (n.type === 'import_statement') {
        const src = jsStr(n.childForFieldName('source'))?.replace(/^node:/, '');
        if (!src) continue;
        if (isModuleFile(src)) add({ kind: 'argv', argv: ['node', src.replace(/^file:\/\//, '')] });
        for (const c of all.filter((x) => x.startIndex >= n.startIndex && x.endIndex <= n.endIndex)) {
          if (
            c.type === 'namespace_import' ||
            (c.type === 'identifier' && c.parent?.type === 'import_clause')
          )
            modules.set(c.namedChildren[0]?.text ?? c.text, src);
          if (c.type === 'import_specifier') {
            const local = c.childForFieldName('alias')?.text ?? c.childForFieldName('name')?.text;
            if (local) modules.set(local, `${src}#${c.childForFieldName('name')?.text}`);
          }
        }
      }
    }
    // A value computed from names holds only if each of them ends the pass bound to one value:
    // the pass reads names as they are bound so far, but a later binding reaches the declarator in
    // a loop, a function called later, or one declared below and called above (hoisted). Until
    // nothing changes: a value made unknown makes the values read from it unknown.
    for (let changed = true; changed;) {
      changed = false;
      for (const d of declared)
        if (jsConsts.get(d.name) !== null && d.read.some((x) => jsConsts.get(x) === null)) {
          jsConsts.set(d.name, null);
          changed = true;
        }
    }
    const watchedModule = (m: string | null) => !!m && JS_WATCHED.has(m.split('#')[0]!);
    /** `Deno.env.get('HOME')`, `.toObject()`, `.set(k, v)`: the environment as process.env is read. */
    const denoEnv = (n: Node): void => {
      const p = n.parent;
      const gp = p?.parent;
      const method =
        p?.type === 'member_expression' && p.childForFieldName('object')?.id === n.id
          ? p.childForFieldName('property')?.text
          : undefined;
      if (!method || gp?.type !== 'call_expression' || gp.childForFieldName('function')?.id !== p!.id) {
        add({ kind: 'unknown', what: '`Deno.env` used as a value' });
        return;
      }
      const a = (gp.childForFieldName('arguments')?.namedChildren ?? []).filter((x): x is Node => !!x);
      if (method === 'get' || method === 'has') add({ kind: 'env-read', name: jsStr(a[0]) });
      else if (method === 'toObject') add({ kind: 'env-read', name: null });
      else if (method === 'set' || method === 'delete')
        add({ kind: 'env-set', name: jsStr(a[0]) ?? '?', value: method === 'set' ? jsStr(a[1]) : null });
      else add({ kind: 'unknown', what: `\`Deno.env.${clipName(method)}\`` });
    };
    /** A spawn's options object: its `cwd` (undefined: none), or null when it has one this reader does not follow. */
    const spawnOptions = (o: Node | undefined): { ok: boolean; cwd?: string; argv?: string[] | null } => {
      if (!o) return { ok: true };
      if (o.type !== 'object') return { ok: false };
      const out: { ok: boolean; cwd?: string; argv?: string[] | null } = { ok: true };
      for (const pair of o.namedChildren) {
        if (!pair) continue;
        if (pair.type !== 'pair') return { ok: false };
        const key = pair.childForFieldName('key');
        const k = key?.type === 'property_identifier' ? key.text : jsStr(key);
        const v = pair.childForFieldName('value');
        if (k === null || !RUNTIME_SPAWN_OPTIONS.has(k)) return { ok: false };
        if (k === 'cwd') {
          const c = jsStr(v);
          if (c === null) return { ok: false };
          out.cwd = c;
        }
        if (k === 'args' || k === 'cmd') {
          const items = v?.type === 'array' ? v.namedChildren.map((c) => jsStr(c)) : [null];
          out.argv = items.some((x) => x === null) ? null : (items as string[]);
        }
      }
      return out;
    };
    /** A call of Deno's or Bun's own API (`name` is `Deno.x` or `bun.x`). */
    const runtimeCall = (n: Node, name: string, args: Node[]): void => {
      const what = name.replace(/^bun\./, 'Bun.');
      if (RUNTIME_READS.test(name)) {
        const p = jsStr(args[0]);
        if (p !== null) add({ kind: 'read', path: p });
        return;
      }
      if (name === 'bun.write') {
        // the destination: a path, or `Bun.file(path)` (its read was added where it is called)
        const d = args[0];
        const inner =
          d?.type === 'call_expression' && /^Bun\.file$/.test(d.childForFieldName('function')?.text ?? '')
            ? d.childForFieldName('arguments')?.namedChildren[0]
            : d;
        const p = jsStr(inner);
        add(
          p === null
            ? { kind: 'unknown', what: '`Bun.write` to a path only known when it runs' }
            : { kind: 'write', path: p },
        );
        return;
      }
      const op = name.replace(/^Deno\./, '').replace(/Sync$/, '');
      if (name.startsWith('Deno.') && (op === 'remove' || op in RUNTIME_MOVES)) {
        const p = jsStr(args[0]);
        const q = op === 'remove' ? '' : jsStr(args[1]);
        if (p === null || q === null)
          add({ kind: 'unknown', what: `\`${what}\` of a path only known when it runs` });
        else if (op === 'remove') add({ kind: 'argv', argv: ['rm', '-rf', '--', p] });
        else
          add({ kind: 'argv', argv: [RUNTIME_MOVES[op]!, ...(op === 'symlink' ? ['-s'] : []), '--', p, q] });
        return;
      }
      if (RUNTIME_WRITES.test(name)) {
        const p = jsStr(args[0]);
        // `Deno.open(p)` with no options only reads
        if (op === 'open' && args.length === 1) {
          if (p !== null) add({ kind: 'read', path: p });
          return;
        }
        if (p === null) add({ kind: 'unknown', what: `\`${what}\` of a path only known when it runs` });
        else {
          add(
            op === 'chmod' || op === 'chown' || op === 'utime'
              ? { kind: 'write', path: p, meta: true }
              : { kind: 'write', path: p },
          );
          const m = args[1];
          if (op === 'chmod' && (m?.type !== 'number' || (Number(m.text) & 0o6000) !== 0))
            add({ kind: 'argv', argv: ['chmod', 'u+s', '--', p] });
        }
        return;
      }
      if (
        name === 'Deno.Command' ||
        name === 'Deno.run' ||
        name === 'bun.spawn' ||
        name === 'bun.spawnSync'
      ) {
        // new Deno.Command(file, {args}); Deno.run({cmd}); Bun.spawn([…], opts) or Bun.spawn({cmd, …})
        let argv: string[] | null = null;
        let opts: ReturnType<typeof spawnOptions>;
        if (name === 'Deno.Command') {
          const file = jsStr(args[0]);
          opts = spawnOptions(args[1]);
          argv = file === null || opts.argv === null ? null : [file, ...(opts.argv ?? [])];
        } else if (args[0]?.type === 'array') {
          const items = args[0].namedChildren.map((c) => jsStr(c));
          argv = items.some((x) => x === null) ? null : (items as string[]);
          opts = spawnOptions(args[1]);
        } else {
          opts = args.length === 1 ? spawnOptions(args[0]) : { ok: false };
          argv = opts.argv ?? null;
        }
        if (!opts.ok || !argv || argv.length === 0)
          add({ kind: 'unknown', what: `\`${what}\` of a command only known when it runs` });
        else add(opts.cwd !== undefined ? { kind: 'argv', argv, cwd: opts.cwd } : { kind: 'argv', argv });
        return;
      }
      if (name === 'bun.$') {
        // Bun Shell: a tagged template is a shell line; a substitution is a value only known when it runs
        const t = n.childForFieldName('arguments');
        if (
          t?.type === 'template_string' &&
          !t.namedChildren.some((c) => c?.type === 'template_substitution')
        ) {
          const text = jsStr(t);
          if (text !== null) {
            add({ kind: 'shell', text });
            return;
          }
        }
        add({ kind: 'unknown', what: '`Bun.$` of a command only known when it runs' });
        return;
      }
      if (RUNTIME_NET.test(name)) {
        add({ kind: 'net', url: null });
        return;
      }
      if (name === 'Deno.kill' || name === 'bun.kill') {
        add({ kind: 'unknown', what: `\`${what}\`` });
        return;
      }
      if (!JS_SAFE.has(name))
        add({ kind: 'unknown', what: `\`${clipName(what)}\`, a call this reader does not know` });
    };
    for (const n of all) {
      if (
        (n.type === 'identifier' ||
          n.type === 'property_identifier' ||
          n.type === 'shorthand_property_identifier' ||
          n.type === 'shorthand_property_identifier_pattern') &&
        n.text.includes('\\')
      )
        add({ kind: 'unknown', what: 'a name spelled with escapes' });
      else if (n.type === 'identifier' && JS_ESCAPE_NAMES.has(n.text))
        add({ kind: 'unknown', what: `\`${n.text}\`, which reaches any module` });
      // `with (obj) { … }` (sloppy mode, as `node -e` runs) makes obj's properties names in its
      // body, so what a name holds there is only known when it runs
      else if (n.type === 'with_statement')
        add({ kind: 'unknown', what: "`with`, whose object's properties become names" });
      else if (n.type === 'property_identifier' && JS_ESCAPE_PROPERTIES.has(n.text))
        add({ kind: 'unknown', what: `\`.${n.text}\`, which reaches any function or module` });
      else if (n.type === 'identifier' && n.text === 'require') {
        // `require` itself passed on (`const r = require`, `(0, require)(…)`, `require.call`) reaches any module
        const p = n.parent;
        const called = p?.type === 'call_expression' && p.childForFieldName('function')?.id === n.id;
        const resolves =
          p?.type === 'member_expression' &&
          p.childForFieldName('object')?.id === n.id &&
          p.childForFieldName('property')?.text === 'resolve';
        if (!called && !resolves) add({ kind: 'unknown', what: '`require` used as a value' });
      } else if (n.type === 'identifier' && (n.text === 'eval' || n.text === 'Function')) {
        // `(0, eval)(code)`, `const e = eval`, `[eval][0](code)`: an indirect eval the call
        // reading below does not see (lead probe, 5 Dec: `(0, eval)("require('fs')…")` was allowed)
        const p = n.parent;
        const called =
          (p?.type === 'call_expression' || p?.type === 'new_expression') &&
          p.childForFieldName(p.type === 'call_expression' ? 'function' : 'constructor')?.id === n.id;
        const typeOf = p?.type === 'unary_expression' && /^typeof\b/.test(p.text);
        if (!called && !typeOf) add({ kind: 'unknown', what: `\`${n.text}\` used as a value` });
      } else if (n.type === 'identifier' && watchedModule(modules.get(n.text) ?? null)) {
        // a watched module (or one of its functions) bound to a name: fine where it is used
        // directly (`cp.execSync(…)`, `execSync(…)`, `const d = cp`), unknown where it is passed on
        const p = n.parent;
        const field = (f: string) => p?.childForFieldName(f)?.id === n.id;
        const direct =
          (p?.type === 'member_expression' && field('object')) ||
          (p?.type === 'call_expression' && field('function')) ||
          (p?.type === 'new_expression' && field('constructor')) ||
          p?.type === 'variable_declarator' ||
          p?.type === 'pair_pattern' ||
          p?.type === 'import_specifier' ||
          p?.type === 'namespace_import' ||
          p?.type === 'import_clause';
        if (!direct)
          add({ kind: 'unknown', what: `\`${clipName(n.text)}\` (a watched module) used as a value` });
      } else if (n.type === 'call_expression' && isRequire(n.childForFieldName('function'))) {
        // `require('child_process')` must be bound or used at once; in an array, a call or an assignment it is passed on
        const m = moduleOf(n);
        const p = n.parent;
        const direct =
          (p?.type === 'variable_declarator' && p.childForFieldName('value')?.id === n.id) ||
          (p?.type === 'member_expression' && p.childForFieldName('object')?.id === n.id);
        if (m && m !== '?' && JS_WATCHED.has(m) && !direct)
          add({ kind: 'unknown', what: `\`require('${m}')\` passed on` });
      } else if (n.type === 'member_expression') {
        // `cp.execSync` not called here (`.call(…)`, `f = cp.execSync`, `[cp.exec]`)
        const m = moduleOf(n.childForFieldName('object'));
        const prop = n.childForFieldName('property')?.text ?? '';
        const p = n.parent;
        const field = (f: string) => p?.childForFieldName(f)?.id === n.id;
        const called =
          (p?.type === 'call_expression' && field('function')) ||
          (p?.type === 'new_expression' && field('constructor'));
        // `const g = process.getBuiltinModule; g('child_process')`: the loader passed on, as `require` would be
        if (n.childForFieldName('object')?.text === 'process' && prop === 'getBuiltinModule' && !called)
          add({ kind: 'unknown', what: '`process.getBuiltinModule` used as a value' });
        if (m === 'Deno' && prop === 'env') denoEnv(n);
        else if (m === 'bun' && prop === 'env') {
          // read as process.env is, below
        } else if (
          m &&
          m !== '?' &&
          watchedModule(m) &&
          !called &&
          !(prop === 'promises' && p?.type === 'member_expression') &&
          !JS_SAFE.has(`${m}.${prop}`) &&
          !JS_SAFE_VALUES.has(prop)
        )
          add({ kind: 'unknown', what: `\`${clipName(`${m.replace('#', '.')}.${prop}`)}\` used as a value` });
      }
      if (n.type === 'call_expression' && n.childForFieldName('function')?.type === 'import') {
        add({ kind: 'unknown', what: '`import(…)` of a module at run time' });
        continue;
      }
      if (n.type === 'call_expression' || n.type === 'new_expression') {
        const fn = n.childForFieldName(n.type === 'call_expression' ? 'function' : 'constructor');
        const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((x): x is Node => !!x);
        let name: string | null = null;
        if (fn?.type === 'identifier') {
          const m = modules.get(fn.text);
          name = m ? m.replace('#', '.') : fn.text;
        } else if (fn?.type === 'member_expression') {
          const m = moduleOf(fn.childForFieldName('object'));
          const prop = fn.childForFieldName('property')?.text ?? '';
          // (a function taken from a module, `execSync.call(…)`, `$.cwd(…)`: named under its module)
          if (m) name = `${m.replace(/#promises$/, '/promises').replace('#', '.')}.${prop}`;
          else if (fn.childForFieldName('object')?.text === 'process') name = `process.${prop}`;
        }
        if (!name) continue;
        if (name === 'process.getBuiltinModule') {
          if (jsStr(args[0]) === null)
            add({ kind: 'unknown', what: '`process.getBuiltinModule` of a module only known when it runs' });
          continue;
        }
        // A worker runs the module or code it is given (`new Worker('data:…')`, Deno's and the
        // browsers' global): a file by its path is decided as `node FILE` is; code as text, a URL
        // or a value only known when it runs asks.
        if ((name === 'Worker' || name === 'SharedWorker') && fn?.type === 'identifier') {
          const w = jsStr(args[0]);
          if (w !== null && isModuleFile(w))
            add({ kind: 'argv', argv: ['node', w.replace(/^file:\/\//, '')] });
          else
            add({ kind: 'unknown', what: `\`new ${name}\` of code or a module this reader does not read` });
          continue;
        }
        if (name === 'require') {
          const m = jsStr(args[0]);
          if (m === null) add({ kind: 'unknown', what: '`require` of a module only known when it runs' });
          else if (isModuleFile(m)) add({ kind: 'argv', argv: ['node', m.replace(/^file:\/\//, '')] });
          continue;
        }
        if (name.startsWith('Deno.') || name.startsWith('bun.')) {
          runtimeCall(n, name, args);
          continue;
        }
        if (name === 'eval' || name === 'Function' || name.startsWith('vm.')) {
          add({ kind: 'unknown', what: `\`${name}\` of code only known when it runs` });
          continue;
        }
        if (name === 'fetch' || (JS_NET_GLOBALS.has(name) && fn?.type === 'identifier')) {
          add({ kind: 'net', url: jsSentElsewhere(args) ? null : jsStr(args[0]) });
          continue;
        }
        if (/^child_process\.(exec|execSync)$/.test(name)) {
          const s = jsStr(args[0]);
          // options: `cwd` is where the command runs; `shell` names the program that runs it,
          // `env` its environment, `uid`/`gid`/`argv0` who and what it runs as
          const opts = args[1]?.type === 'object' ? args[1] : null;
          let cwd: string | null | undefined;
          for (const pair of opts?.namedChildren ?? []) {
            if (pair?.type !== 'pair') continue;
            const key = pair.childForFieldName('key')?.text.replace(/['"]/g, '');
            if (key === 'cwd') cwd = jsStr(pair.childForFieldName('value'));
          }
          if (s === null || cwd === null || (opts && /\b(shell|env|uid|gid|argv0)\b|\.\.\./.test(opts.text)))
            add({ kind: 'unknown', what: `\`${name}\` of a command or options only known when it runs` });
          else add(cwd ? { kind: 'shell', text: s, cwd } : { kind: 'shell', text: s });
          continue;
        }
        if (/^child_process\.(spawn|spawnSync|execFile|execFileSync|fork)$/.test(name)) {
          const file = jsStr(args[0]);
          const rest = args[1]?.type === 'array' ? args[1].namedChildren.map((c) => jsStr(c)) : [];
          const opts = args.find((a) => a.type === 'object');
          // options as exec's: `cwd` is where it runs (`spawn('rm', ['-rf', 'x'], {cwd: '/root'})`);
          // `shell`, `env`, `uid`/`gid`, `argv0`, `execPath`/`execArgv` (fork's node and its flags),
          // `input` (a program's stdin: `spawnSync('sh', {input: …})`) or a spread change what runs
          let cwd: string | null | undefined;
          for (const pair of opts?.namedChildren ?? []) {
            if (pair?.type !== 'pair') continue;
            const key = pair.childForFieldName('key')?.text.replace(/['"]/g, '');
            if (key === 'cwd') cwd = jsStr(pair.childForFieldName('value'));
          }
          if (
            file === null ||
            rest.some((r) => r === null) ||
            cwd === null ||
            (opts && /\b(shell|env|uid|gid|argv0|execPath|execArgv|input)\b|\.\.\./.test(opts.text))
          )
            add({ kind: 'unknown', what: `\`${name}\` of a command or options only known when it runs` });
          else {
            const argv = name.includes('fork')
              ? ['node', file, ...(rest as string[])]
              : [file, ...(rest as string[])];
            add(cwd ? { kind: 'argv', argv, cwd } : { kind: 'argv', argv });
          }
          continue;
        }
        if (JS_READS.test(name)) {
          // reading a computed path is judged at its source, like `cat "$f"`
          const p = jsStr(args[0]);
          if (p !== null) add({ kind: 'read', path: p });
          continue;
        }
        if (JS_WRITES.test(name)) {
          const p = jsStr(args[0]);
          const op = name.split('.').pop()!.replace(/Sync$/, '');
          if (p === null) add({ kind: 'unknown', what: `\`${name}\` of a path only known when it runs` });
          else if (op === 'rm' || op === 'rmdir' || op === 'unlink')
            add({ kind: 'argv', argv: ['rm', '-rf', '--', p] });
          else if (op === 'chmod' || op === 'lchmod' || op === 'fchmod') {
            add({ kind: 'write', path: p, meta: true });
            // setuid/setgid bits in any spelling: 0o4755, 0o2755, 2541 (0o4755), '4755'
            const m = args[1];
            const v =
              m?.type === 'number'
                ? Number(m.text.replace(/^0(?=[0-7])/, '0o'))
                : m
                  ? Number.parseInt(jsStr(m) ?? '', 8)
                  : NaN;
            if (Number.isNaN(v) || (v & 0o6000) !== 0) add({ kind: 'argv', argv: ['chmod', 'u+s', '--', p] });
          } else if (
            op === 'rename' ||
            op === 'copyFile' ||
            op === 'cp' ||
            op === 'symlink' ||
            op === 'link'
          ) {
            const q = jsStr(args[1]);
            if (q === null) add({ kind: 'unknown', what: `\`${name}\` to a path only known when it runs` });
            else
              add({
                kind: 'argv',
                argv: [
                  op === 'rename' ? 'mv' : op.includes('link') ? 'ln' : 'cp',
                  ...(op === 'symlink' ? ['-s'] : []),
                  '--',
                  p,
                  q,
                ],
              });
          } else {
            // `fs.writeFileSync(p, '…')`: the file then holds that text
            const text = op === 'writeFile' && args.length >= 2 ? jsStr(args[1]) : null;
            add(
              text !== null
                ? { kind: 'write', path: p, text }
                : /^(l?chown|l?utimes)$/.test(op)
                  ? { kind: 'write', path: p, meta: true }
                  : { kind: 'write', path: p },
            );
          }
          continue;
        }
        const root = name.split('.')[0]!;
        // (`require('dns').promises.lookup(h)` and `require('dns/promises')` are named `dns/promises.…`)
        if (
          ['net', 'http', 'https', 'http2', 'dgram', 'tls', 'dns'].includes(root.split('/')[0]!) ||
          JS_NET_MODULES.has(root) ||
          JS_NET_MODULES.has(name)
        ) {
          add({ kind: 'net', url: jsSentElsewhere(args) ? null : jsStr(args[0]) });
          continue;
        }
        if (JS_UNREAD_MODULES.has(root) || JS_UNREAD_MODULES.has(name)) {
          add({ kind: 'unknown', what: `\`${name}\`, a package whose calls run programs or change files` });
          continue;
        }
        if (
          name.startsWith('process.') &&
          /^(process\.(kill|dlopen|binding|chdir|setuid|setgid))$/.test(name)
        ) {
          add({ kind: 'unknown', what: `\`${name}\`` });
          continue;
        }
        if (JS_WATCHED.has(root) && !JS_SAFE.has(name) && name.includes('.'))
          add({ kind: 'unknown', what: `\`${name}\`, a call this reader does not know` });
      } else if (
        n.type === 'member_expression' &&
        n.childForFieldName('object')?.text === 'process' &&
        n.childForFieldName('property')?.text === 'report' &&
        !(
          n.parent?.type === 'member_expression' &&
          /^(getReport|compact|reportOnFatalError|reportOnSignal|reportOnUncaughtException|signal|filename|directory|excludeNetwork)$/.test(
            n.parent.childForFieldName('property')?.text ?? '',
          ) &&
          !(
            n.parent.parent?.type === 'assignment_expression' &&
            n.parent.parent.childForFieldName('left')?.id === n.parent.id
          )
        )
      ) {
        // `process.report.writeReport(file)` writes a report (with the environment) wherever it is
        // told, `process.report.directory = '/root'` chooses where; reading its settings does not
        add({
          kind: 'unknown',
          what: '`process.report`, which writes a diagnostic report (with the environment) to a file',
        });
      } else if (
        n.type === 'variable_declarator' &&
        n.childForFieldName('value')?.text === 'process' &&
        n.childForFieldName('name')?.type === 'object_pattern'
      ) {
        // `const { env } = process`, `const { env: e } = process`: the whole environment under another name
        for (const p of n.childForFieldName('name')!.namedChildren) {
          const key = p?.type === 'pair_pattern' ? p.childForFieldName('key')?.text : p?.text;
          if (
            key === 'env' ||
            key === 'report' ||
            key === 'binding' ||
            key === 'dlopen' ||
            key?.startsWith('...')
          )
            add({ kind: 'unknown', what: `\`${key}\` taken out of \`process\`` });
        }
      } else if (
        n.type === 'member_expression' &&
        (n.childForFieldName('object')?.text === 'process' ||
          moduleOf(n.childForFieldName('object')) === 'bun') &&
        n.childForFieldName('property')?.text === 'env'
      ) {
        const p = n.parent;
        if (p?.type === 'member_expression' && p.childForFieldName('object')?.id === n.id) {
          const key = p.childForFieldName('property')?.text ?? null;
          const assigned =
            p.parent?.type === 'assignment_expression' && p.parent.childForFieldName('left')?.id === p.id;
          if (assigned)
            add({ kind: 'env-set', name: key ?? '?', value: jsStr(p.parent!.childForFieldName('right')) });
          else add({ kind: 'env-read', name: key });
        } else if (p?.type === 'subscript_expression') {
          add({ kind: 'env-read', name: jsStr(p.childForFieldName('index')) });
        } else add({ kind: 'env-read', name: null });
      }
    }
    return effects;
  } finally {
    tree.delete();
  }
}
