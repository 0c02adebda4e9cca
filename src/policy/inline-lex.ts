/**
 * Long inline code in linear time. tree-sitter's Python and JavaScript grammars take
 * 100–500 ms for 100,000 characters, far past the 10 ms a decision may take, so code
 * longer than `TREE_LIMIT` is first cut, with a single-pass lexer, into statements
 * (Python: logical lines and `;`; JavaScript: `;` outside brackets), and only the
 * statements that can matter are handed to the tree reader:
 *
 * - a statement with a word the reader acts on (`os`, `subprocess`, `open`, `exec`,
 *   `require`, `process`, any dunder, …: `PY_WORDS`/`JS_WORDS`), or an import;
 * - a statement sharing a word with a kept import or binding (`o = os`, `const cp =
 *   require(…)`, `for f in os.listdir()`), so aliases are followed;
 * - a binding (`=`, `for`, `as`, `def`, …) of a word a kept statement uses, so a name
 *   bound twice or to a computed value stays unknown to the reader (`open(p, 'w')`).
 *
 * Words are read from the statement's raw text, strings and comments included, so a
 * lexer that misjudged where a string ends can only keep more, never hide a call. What
 * is dropped has none of the reader's words and binds nothing a kept statement uses,
 * so the reader finds the same calls in the extract as in the whole code. Anything
 * this lexer cannot follow (an unterminated string or comment, unbalanced brackets)
 * and an extract longer than `EXTRACT_LIMIT` or one the grammar rejects is read as
 * code that cannot be read (ask), never as harmless.
 */

/** Code up to this length is read whole by tree-sitter (a few ms); longer code is cut first. */
export const TREE_LIMIT = 512;
/**
 * The longest extract handed to tree-sitter. tree-sitter parses about 70 ns a character here, so
 * what an extract costs is mostly the reading of its calls, which the decision's time budget
 * bounds; agents' edit scripts (`python - <<'PY'` with whole functions as literals) keep
 * 2,000–6,000 characters, read in 1–3 ms.
 */
export const EXTRACT_LIMIT = 8_000;

/**
 * Statements as triples in one array: start, end (exclusive) and flags: 1 when the code
 * (outside strings) has `=` (an assignment, a keyword argument or a default), 2 when
 * (Python) its last code character is a `:` outside brackets (a block header). The array
 * is shared scratch space, valid until the next split.
 */
export type Split = { ok: true; statements: Int32Array; count: number } | { ok: false; why: string };

/**
 * A string built by concatenation is a rope in V8, and indexing one (`code[i]`) walks it
 * each time; `charCodeAt` flattens it in place once, after which indexing is direct.
 */
function flatten(code: string): void {
  if (code.length) code.charCodeAt(0);
}

/**
 * Scratch space reused from call to call (decisions are synchronous, one at a time, and a
 * split is consumed before the next one starts): fresh memory for every 100,000-character
 * input costs more than the lexing itself.
 */
let stmtBuf: Int32Array = new Int32Array(3 * 1024);

/**
 * Data literals of the last `splitPython`, as start/end pairs in one array (`litCount` pairs):
 * plain string literals (no f/t prefix) in the code's own frame (not inside an f-string field)
 * that hold a line break and are longer than `DATA_PLACEHOLDER`. Text with a line break is
 * never a path a rule names, so such a literal is file contents, a message or code to run
 * elsewhere; `extract` may hand the tree reader a value only known when it runs instead.
 */
let litBuf: Int32Array = new Int32Array(2 * 256);
let litCount = 0;

/**
 * What stands for an elided data literal in an extract: a string (it may sit next to other
 * strings, as a docstring, as an argument) whose value the reader cannot know, so a command,
 * path, code or URL built from it is unknown (ask) and everything else about it is inert.
 */
export const DATA_NAME = '_dd_data';
const DATA_PLACEHOLDER = `f"{${DATA_NAME}}"`;

function grow(buf: Int32Array, need: number): Int32Array {
  if (need <= buf.length) return buf;
  let size = buf.length;
  while (size < need) size *= 2;
  const out = new Int32Array(size);
  out.set(buf);
  return out;
}

function growBytes(buf: Uint8Array, need: number): Uint8Array {
  if (need <= buf.length) return buf;
  let size = buf.length;
  while (size < need) size *= 2;
  return new Uint8Array(size);
}

/** Writes one statement at `o` of the shared buffer; returns the next position. */
function pushStatement(o: number, start: number, end: number, flags: number): number {
  stmtBuf = grow(stmtBuf, o + 3);
  stmtBuf[o] = start;
  stmtBuf[o + 1] = end;
  stmtBuf[o + 2] = flags;
  return o + 3;
}

const isWordCode = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 128;

type PyFrame =
  | { k: 'code'; depth: number; fexpr: boolean }
  | { k: 'str'; q: string; triple: boolean; f: boolean; raw: boolean; lit: number; nl: boolean }
  | { k: 'spec' };

/** ASCII characters that, inside a statement, neither end it nor open or close anything. */
const PY_INERT = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++)
    if (isWordCode(c) || '.,+-*/%&|^~<>!@?`$'.includes(String.fromCharCode(c))) t[c] = 1;
  return t;
})();

const PY_COMPOUND =
  /^(?:class|def|if|elif|else|for|while|with|try|except|finally|async)(?![\w\u0080-\uffff])/;

const PY_PREFIX = /^(?:[rRbBuUfFtT]{1,2})$/;

/** Cuts Python source into statements (logical lines, split again at `;`), or says why it cannot. */
export function splitPython(code: string): Split {
  flatten(code);
  let o = 0; // statements written to stmtBuf: start, end, flags (1 assigns, 2 header)
  const stack: PyFrame[] = [{ k: 'code', depth: 0, fexpr: false }];
  let start = -1; // first code character of the current statement
  let assigns = false;
  let lastCode = -1; // index of the last code character (not blank, not comment)
  let lastColonTop = -1; // index of the last ':' at depth 0 of the top frame
  let afterSemicolon = false; // the current logical line had a `;`
  litCount = 0;
  const n = code.length;
  let i = 0;
  const endString = (top: PyFrame & { k: 'str' }, end: number) => {
    if (top.lit >= 0 && top.nl && end - top.lit > DATA_PLACEHOLDER.length) {
      litBuf = grow(litBuf, 2 * litCount + 2);
      litBuf[2 * litCount] = top.lit;
      litBuf[2 * litCount + 1] = end;
      litCount++;
    }
  };
  while (i < n) {
    const top = stack[stack.length - 1]!;
    const c = code[i]!;
    if (top.k !== 'code') lastCode = i;
    if (top.k === 'str') {
      // the plain run of a string in one step
      const q = top.q.charCodeAt(0);
      let j = i;
      for (; j < n; j++) {
        const d = code.charCodeAt(j);
        if (d === 92 || d === q || d === 10 || (top.f && (d === 123 || d === 125))) break;
      }
      if (j > i) {
        lastCode = j - 1;
        i = j;
        continue;
      }
      if (c === '\\') {
        const next = code[i + 1];
        if (next === 'n' && !top.raw) top.nl = true;
        if (top.f && (next === '{' || next === '}')) i += 1;
        else if (top.f && !top.raw && next === 'N' && code[i + 2] === '{') {
          const close = code.indexOf('}', i + 3);
          if (close < 0) return { ok: false, why: 'an unterminated \\N{…} escape' };
          i = close + 1;
        } else i += 2;
        continue;
      }
      if (top.f && c === '{') {
        if (code[i + 1] === '{') i += 2;
        else {
          stack.push({ k: 'code', depth: 0, fexpr: true });
          i++;
        }
        continue;
      }
      if (top.f && c === '}' && code[i + 1] === '}') {
        i += 2;
        continue;
      }
      if (c === top.q) {
        if (!top.triple) {
          stack.pop();
          endString(top, i + 1);
          i++;
          continue;
        }
        if (code[i + 1] === c && code[i + 2] === c) {
          stack.pop();
          endString(top, i + 3);
          lastCode = i + 2;
          i += 3;
          continue;
        }
      }
      if (c === '\n' && !top.triple) return { ok: false, why: 'an unterminated string' };
      if (c === '\n') top.nl = true;
      i++;
      continue;
    }
    if (top.k === 'spec') {
      if (c === '{') stack.push({ k: 'code', depth: 0, fexpr: true });
      else if (c === '}') stack.pop();
      else if (c === "'" || c === '"' || c === '\n')
        return { ok: false, why: 'a format spec this reader cannot follow' };
      i++;
      continue;
    }
    // code
    const atTop = stack.length === 1;
    if (!atTop || start >= 0) {
      // a run of blanks, words, numbers and operators that change nothing here, in one step
      let j = i;
      while (j < n) {
        const d = code.charCodeAt(j);
        if (d === 32 || d === 9) j++;
        else if (d >= 128 || PY_INERT[d] === 1) lastCode = j++;
        else break;
      }
      if (j > i) {
        i = j;
        continue;
      }
    }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\n') {
      if (atTop && top.depth === 0) {
        if (start >= 0)
          o = pushStatement(
            o,
            start,
            lastCode + 1,
            (assigns ? 1 : 0) | (lastColonTop >= 0 && lastColonTop === lastCode ? 2 : 0),
          );
        start = -1;
        assigns = false;
        lastColonTop = -1;
        afterSemicolon = false;
      }
      i++;
      continue;
    }
    if (c === '#') {
      const nl = code.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (c === '\\') {
      if (code[i + 1] === '\n') i += 2;
      else if (code[i + 1] === '\r' && code[i + 2] === '\n') i += 3;
      else return { ok: false, why: 'a backslash outside a string' };
      continue;
    }
    if (atTop && start < 0) {
      start = i;
      // `x = 1; class C: …` is a SyntaxError: Python runs none of it, and neither does the reader
      if (afterSemicolon && (c === '@' || ('acdefitw'.includes(c) && PY_COMPOUND.test(code.slice(i, i + 9)))))
        return { ok: false, why: 'a block statement after `;` (which Python rejects)' };
    }
    lastCode = i;
    if (isWordCode(code.charCodeAt(i)) && code[i + 1] !== "'" && code[i + 1] !== '"') {
      // a word (or a number) in one step, up to a possible string prefix
      let j = i + 1;
      while (j < n && isWordCode(code.charCodeAt(j)) && code[j + 1] !== "'" && code[j + 1] !== '"') j++;
      lastCode = j - 1;
      i = j;
      continue;
    }
    if (c === "'" || c === '"') {
      // the prefix, if any, is the word just before the quote
      let p = i;
      while (p > 0 && isWordCode(code.charCodeAt(p - 1))) p--;
      const prefix = code.slice(p, i);
      const valid = PY_PREFIX.test(prefix);
      const triple = code[i + 1] === c && code[i + 2] === c;
      const f = valid && /[fFtT]/.test(prefix);
      stack.push({
        k: 'str',
        q: c,
        triple,
        f,
        raw: valid && /[rR]/.test(prefix),
        // a data literal may start here: a plain string with a valid prefix (or none) that is a
        // word of its own, in the code's own frame
        lit: stack.length === 1 && !f && (p === i || valid) ? p : -1,
        nl: false,
      });
      i += triple ? 3 : 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      top.depth++;
      i++;
      continue;
    }
    if (c === ')' || c === ']' || c === '}') {
      if (top.depth === 0) {
        if (top.fexpr && c === '}') {
          stack.pop();
          i++;
          continue;
        }
        return { ok: false, why: 'unbalanced brackets' };
      }
      top.depth--;
      i++;
      continue;
    }
    if (c === ':' && top.depth === 0) {
      if (top.fexpr) {
        if (code[i + 1] !== '=') {
          stack[stack.length - 1] = { k: 'spec' };
          i++;
          continue;
        }
      } else if (atTop && code[i + 1] !== '=') lastColonTop = i;
    }
    if (c === '=' && code[i + 1] !== '=' && !'=!<>'.includes(code[i - 1] ?? '')) assigns = true;
    if (c === ';' && atTop && top.depth === 0) {
      if (start >= 0)
        o = pushStatement(
          o,
          start,
          lastCode,
          (assigns ? 1 : 0) | (lastColonTop >= 0 && lastColonTop === lastCode ? 2 : 0),
        );
      start = -1;
      assigns = false;
      lastColonTop = -1;
      afterSemicolon = true;
      i++;
      continue;
    }
    i++;
  }
  if (stack.length > 1) {
    const top = stack[stack.length - 1]!;
    return { ok: false, why: top.k === 'str' ? 'an unterminated string' : 'an unterminated f-string field' };
  }
  if ((stack[0] as { depth: number }).depth !== 0) return { ok: false, why: 'unbalanced brackets' };
  if (start >= 0)
    o = pushStatement(
      o,
      start,
      lastCode + 1,
      (assigns ? 1 : 0) | (lastColonTop >= 0 && lastColonTop === lastCode ? 2 : 0),
    );
  start = -1;
  assigns = false;
  lastColonTop = -1;
  return { ok: true, statements: stmtBuf, count: o / 3 };
}

type JsFrame = { k: 'code'; depth: number; tmpl: boolean } | { k: 'tmpl' };

const JS_REGEX_AFTER_WORD = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/** Cuts JavaScript source into statements at `;` outside brackets, or says why it cannot. */
export function splitJavaScript(code: string): Split {
  flatten(code);
  let o = 0; // statements written to stmtBuf: start, end, flags (1 assigns)
  const stack: JsFrame[] = [{ k: 'code', depth: 0, tmpl: false }];
  let start = -1;
  let assigns = false;
  let lastCode = -1;
  // what came last, for telling a regex from a division
  let prev: 'none' | 'value' | 'punct' = 'none';
  let prevWord = '';
  const n = code.length;
  let i = 0;
  if (code.startsWith('#!')) {
    const nl = code.indexOf('\n');
    i = nl < 0 ? n : nl;
  }
  while (i < n) {
    const top = stack[stack.length - 1]!;
    const c = code[i]!;
    if (top.k === 'tmpl') {
      lastCode = i;
      if (c === '\\') i += 2;
      else if (c === '`') {
        stack.pop();
        i++;
        prev = 'value';
      } else if (c === '$' && code[i + 1] === '{') {
        stack.push({ k: 'code', depth: 0, tmpl: true });
        i += 2;
        prev = 'punct';
      } else i++;
      continue;
    }
    const atTop = stack.length === 1;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0') {
      i++;
      continue;
    }
    if (c === '/' && code[i + 1] === '/') {
      const nl = code.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (c === '/' && code[i + 1] === '*') {
      const close = code.indexOf('*/', i + 2);
      if (close < 0) return { ok: false, why: 'an unterminated comment' };
      i = close + 2;
      continue;
    }
    if (atTop && start < 0) start = i;
    lastCode = i;
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < n && code[j] !== c) {
        if (code[j] === '\\') j++;
        else if (code[j] === '\n') return { ok: false, why: 'an unterminated string' };
        j++;
      }
      if (j >= n) return { ok: false, why: 'an unterminated string' };
      i = j + 1;
      lastCode = j;
      prev = 'value';
      continue;
    }
    if (c === '`') {
      stack.push({ k: 'tmpl' });
      i++;
      continue;
    }
    if (c === '/') {
      const regex = prev === 'none' || prev === 'punct' || JS_REGEX_AFTER_WORD.has(prevWord);
      if (regex) {
        let j = i + 1;
        let cls = false;
        while (j < n && (cls || code[j] !== '/')) {
          if (code[j] === '\\') j++;
          else if (code[j] === '[') cls = true;
          else if (code[j] === ']') cls = false;
          else if (code[j] === '\n') return { ok: false, why: 'an unterminated regular expression' };
          j++;
        }
        if (j >= n) return { ok: false, why: 'an unterminated regular expression' };
        i = j + 1;
        while (i < n && isWordCode(code.charCodeAt(i))) i++;
        lastCode = i - 1;
        prev = 'value';
        prevWord = '';
        continue;
      }
      if (code[i + 1] === '=') assigns = true;
      prev = 'punct';
      prevWord = '';
      i++;
      continue;
    }
    const cc = code.charCodeAt(i);
    if (isWordCode(cc) || c === '\\') {
      let j = i;
      while (j < n && (isWordCode(code.charCodeAt(j)) || code[j] === '\\')) j += code[j] === '\\' ? 2 : 1;
      prevWord = code.slice(i, j);
      prev = JS_REGEX_AFTER_WORD.has(prevWord) ? 'punct' : 'value';
      i = j;
      lastCode = j - 1;
      continue;
    }
    prevWord = '';
    if (c === '(' || c === '[' || c === '{') {
      top.depth++;
      prev = 'punct';
      i++;
      continue;
    }
    if (c === ')' || c === ']' || c === '}') {
      if (top.depth === 0) {
        if (top.tmpl && c === '}') {
          stack.pop();
          i++;
          continue;
        }
        return { ok: false, why: 'unbalanced brackets' };
      }
      top.depth--;
      // `)` and `]` end a value; `}` usually ends a block, after which `/` starts a regex
      prev = c === '}' ? 'punct' : 'value';
      i++;
      continue;
    }
    if (c === '=' && code[i + 1] !== '=' && code[i + 1] !== '>' && !'=!<>'.includes(code[i - 1] ?? ''))
      assigns = true;
    if (c === ';' && atTop && top.depth === 0) {
      if (start >= 0) o = pushStatement(o, start, i, assigns ? 1 : 0);
      start = -1;
      assigns = false;
      prev = 'punct';
      i++;
      continue;
    }
    prev = (c === '+' || c === '-') && code[i + 1] === c ? prev : 'punct';
    if ((c === '+' || c === '-') && code[i + 1] === c) i++;
    i++;
  }
  if (stack.length > 1) return { ok: false, why: 'an unterminated template string' };
  if ((stack[0] as { depth: number }).depth !== 0) return { ok: false, why: 'unbalanced brackets' };
  if (start >= 0) o = pushStatement(o, start, lastCode + 1, assigns ? 1 : 0);
  start = -1;
  assigns = false;
  return { ok: true, statements: stmtBuf, count: o / 3 };
}

/**
 * Calls `found(word)` for each word of `code[from, to)`: runs of letters, digits, `_`,
 * `$` and non-ASCII characters, with JavaScript `\u` escapes decoded and Python's
 * non-ASCII words NFKC-normalised (as each language reads identifiers).
 */
export function scanWords(
  code: string,
  from: number,
  to: number,
  lang: 'python' | 'javascript',
  found: (word: string) => void,
): void {
  let i = from;
  while (i < to) {
    const c = code.charCodeAt(i);
    const escape = lang === 'javascript' && c === 92 && code[i + 1] === 'u';
    if (!isWordCode(c) && !escape) {
      i++;
      continue;
    }
    let j = i;
    let plain = true;
    while (j < to) {
      const d = code.charCodeAt(j);
      if (d === 92 && lang === 'javascript' && code[j + 1] === 'u') {
        plain = false;
        j += 2;
        continue;
      }
      if (!isWordCode(d)) break;
      if (d >= 128) plain = false;
      j++;
    }
    // a number glued to a word (`1if`, `[1for x in …]`): the word after the digits
    let from = i;
    while (from < j && code.charCodeAt(from) >= 48 && code.charCodeAt(from) <= 57) from++;
    if (from === j) {
      i = j;
      continue;
    }
    const raw = code.slice(from, j);
    found(plain ? raw : lang === 'python' ? raw.normalize('NFKC') : decodeJsEscapes(raw));
    i = j;
  }
}

function decodeJsEscapes(word: string): string {
  return word.replace(/\\u(?:\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{4}))/g, (_, a?: string, b?: string) => {
    const cp = parseInt(a ?? b!, 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
  });
}

/** Words of `text` (see `scanWords`). */
export function wordsOf(text: string, lang: 'python' | 'javascript'): string[] {
  const out: string[] = [];
  scanWords(text, 0, text.length, lang, (w) => out.push(w));
  return out;
}

/** Words the Python tree reader acts on (calls, modules, values), any one of which keeps a statement. */
export const PY_WORDS = new Set([
  'import',
  'open',
  'exec',
  'eval',
  'compile',
  'Path',
  'PosixPath',
  'write_text',
  'write_bytes',
  'unlink',
  'rmdir',
  'touch',
  'symlink_to',
  'hardlink_to',
  'environ',
  'sys',
  'modules',
]);

/** Words the JavaScript tree reader acts on. */
export const JS_WORDS = new Set([
  'require',
  'import',
  'process',
  'eval',
  'Function',
  'fetch',
  'constructor',
  'globalThis',
  'global',
  'module',
  'Reflect',
  'WebAssembly',
]);

const PY_IMPORT = new Set(['import']);
const JS_IMPORT = new Set(['require', 'import']);
const PY_BINDERS = new Set(['for', 'as', 'def', 'class', 'global', 'nonlocal', 'import', 'del', 'lambda']);
const JS_BINDERS = new Set(['const', 'let', 'var', 'function', 'class', 'import', 'for', 'catch']);

// Scratch space of `extract` (see `stmtBuf`).
let occBuf: Int32Array = new Int32Array(4096);
let occStart: Int32Array = new Int32Array(1024);
let rowStart: Int32Array = new Int32Array(1024);
let rowFill: Int32Array = new Int32Array(1024);
let rows: Int32Array = new Int32Array(4096);
let stFlags: Uint8Array = new Uint8Array(1024);
let wFlags: Uint8Array = new Uint8Array(1024);
let saved: Int32Array = new Int32Array(1024);
// statement and word flags
const BINDS = 1;
const IMPORTS = 2;
const SEED = 4;
const KEPT = 8;
const USED = 16;
const SPREAD = 32;
const KEYWORD = 64;

const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);
const JS_KEYWORDS = new Set(
  'break case catch class const continue debugger default delete do else export extends finally for function if import in instanceof let new return super switch this throw try typeof var void while with yield await async of static true false null'.split(
    ' ',
  ),
);

/** Like growBytes, keeping the contents (word flags are filled as words are interned). */
function growBytes2(buf: Uint8Array, need: number): Uint8Array {
  if (need <= buf.length) return buf;
  const out = new Uint8Array(buf.length * 2 >= need ? buf.length * 2 : need * 2);
  out.set(buf);
  return out;
}

export type Extract = { ok: true; code: string } | { ok: false; why: string };

/**
 * The statements of `code` that the tree reader must see (see the top of this file),
 * joined into code it can parse: Python block headers become `header: pass`, `elif`
 * an `if`, `except` gets a `try`, every statement starts at column 0.
 */
export function extract(
  code: string,
  lang: 'python' | 'javascript',
  extraWords: ReadonlySet<string>,
): Extract {
  const first = extractOnce(code, lang, extraWords, false);
  // Too long with every literal as written: again with the data literals elided (Python edit
  // scripts carry whole functions as strings), unless the code names the placeholder itself.
  if (!first.ok && first.why === 'code too long to read' && lang === 'python' && !code.includes(DATA_NAME))
    return extractOnce(code, lang, extraWords, true);
  return first;
}

function extractOnce(
  code: string,
  lang: 'python' | 'javascript',
  extraWords: ReadonlySet<string>,
  elide: boolean,
): Extract {
  const split = lang === 'python' ? splitPython(code) : splitJavaScript(code);
  if (!split.ok) return split;
  const lits = elide ? litCount : 0;
  const st = split.statements;
  const count = split.count;
  const binders = lang === 'python' ? PY_BINDERS : JS_BINDERS;
  const importWords = lang === 'python' ? PY_IMPORT : JS_IMPORT;
  const keywords = lang === 'python' ? PY_KEYWORDS : JS_KEYWORDS;
  // Word occurrences, statement by statement: occBuf[o] is an interned word id.
  const ids = new Map<string, number>();
  let words = 0;
  let occ = 0;
  occStart = grow(occStart, count + 1);
  stFlags = growBytes(stFlags, count);
  stFlags.fill(0, 0, count);
  let k = 0;
  const found = (w: string) => {
    let id = ids.get(w);
    if (id === undefined) {
      id = words++;
      ids.set(w, id);
      wFlags = growBytes2(wFlags, words);
      wFlags[id] =
        (binders.has(w) ? BINDS : 0) |
        (importWords.has(w) ? IMPORTS : 0) |
        (extraWords.has(w) || w.startsWith('__') ? SEED : 0) |
        (keywords.has(w) ? KEYWORD : 0);
    }
    occBuf = grow(occBuf, occ + 1);
    occBuf[occ++] = id;
    stFlags[k]! |= wFlags[id]!;
  };
  // Every character belongs to one statement's range: its own text and what follows it up to
  // the next statement (the terminator, comments, blanks; the first also takes what comes
  // before it). Words are read, and kept text is taken, over the whole range, so text this
  // lexer took for a comment is never dropped when it names something the reader acts on.
  const rangeEnd = (j: number) => (j + 1 < count ? st[3 * (j + 1)]! : code.length);
  // Characters each statement's range saves when its data literals are elided.
  saved = grow(saved, count);
  saved.fill(0, 0, count);
  for (k = 0; k < count; k++) {
    occStart[k] = occ;
    if (st[3 * k + 2]! & 1) stFlags[k]! |= BINDS;
    scanWords(code, k === 0 ? 0 : st[3 * k]!, rangeEnd(k), lang, found);
  }
  for (let l = 0, j = 0; l < lits; l++) {
    const a = litBuf[2 * l]!;
    while (j + 1 < count && rangeEnd(j) <= a) j++;
    saved[j]! += litBuf[2 * l + 1]! - a - DATA_PLACEHOLDER.length;
  }
  occStart[count] = occ;
  if (count === 0) {
    // nothing but blanks and comments, as this lexer reads it
    let named = false;
    scanWords(code, 0, code.length, lang, (w) => {
      if (extraWords.has(w) || importWords.has(w) || w.startsWith('__')) named = true;
    });
    return named ? { ok: false, why: 'text this reader cannot follow' } : { ok: true, code: '' };
  }
  let seeds = 0;
  for (let j = 0; j < count; j++) if (stFlags[j]! & (SEED | IMPORTS)) seeds++;
  if (seeds === 0) return { ok: true, code: '' };
  // For each word, the statements it occurs in (compressed rows).
  rowStart = grow(rowStart, words + 1);
  rowStart.fill(0, 0, words + 1);
  for (let o = 0; o < occ; o++) rowStart[occBuf[o]! + 1]!++;
  for (let w = 0; w < words; w++) rowStart[w + 1]! += rowStart[w]!;
  rowFill = grow(rowFill, words);
  rowFill.set(rowStart.subarray(0, words));
  rows = grow(rows, occ);
  for (let j = 0; j < count; j++)
    for (let o = occStart[j]!; o < occStart[j + 1]!; o++) rows[rowFill[occBuf[o]!]!++] = j;
  // per word: USED (a word of a kept statement: a binding of it is kept), SPREAD (a word of a
  // kept binding or import: any statement naming it is kept)
  for (let w = 0; w < words; w++) wFlags[w]! &= ~(USED | SPREAD);
  const queue: number[] = [];
  let keptChars = 0;
  const keep = (j: number) => {
    if (stFlags[j]! & KEPT) return;
    stFlags[j]! |= KEPT;
    keptChars += st[3 * j + 1]! - st[3 * j]! + 1 - saved[j]!;
    queue.push(j);
  };
  for (let j = 0; j < count; j++) if (stFlags[j]! & (SEED | IMPORTS)) keep(j);
  while (queue.length) {
    if (keptChars > EXTRACT_LIMIT) return { ok: false, why: 'code too long to read' };
    const j = queue.pop()!;
    const spreads = stFlags[j]! & (BINDS | IMPORTS);
    for (let o = occStart[j]!; o < occStart[j + 1]!; o++) {
      const w = occBuf[o]!;
      if (wFlags[w]! & KEYWORD) continue; // `let`, `for`, `in` name nothing
      if (!(wFlags[w]! & USED)) {
        wFlags[w]! |= USED;
        for (let r = rowStart[w]!; r < rowStart[w + 1]!; r++) if (stFlags[rows[r]!]! & BINDS) keep(rows[r]!);
      }
      if (spreads && !(wFlags[w]! & SPREAD)) {
        wFlags[w]! |= SPREAD;
        for (let r = rowStart[w]!; r < rowStart[w + 1]!; r++) keep(rows[r]!);
      }
    }
  }
  if (keptChars > EXTRACT_LIMIT) return { ok: false, why: 'code too long to read' };
  const out: string[] = [];
  // the code of [from, to) with the data literals in it elided (literals are in order)
  let l = 0;
  const slice = (from: number, to: number) => {
    while (l < lits && litBuf[2 * l]! < from) l++;
    let text = '';
    let at = from;
    for (; l < lits && litBuf[2 * l + 1]! <= to; l++) {
      text += code.slice(at, litBuf[2 * l]!) + DATA_PLACEHOLDER;
      at = litBuf[2 * l + 1]!;
    }
    return text + code.slice(at, to);
  };
  for (let k = 0; k < count; k++) {
    if (!(stFlags[k]! & KEPT)) continue;
    const start = st[3 * k]!;
    const end = st[3 * k + 1]!;
    const before = k === 0 ? code.slice(0, start) : '';
    let text = slice(start, end);
    const after = code.slice(end, rangeEnd(k));
    if (lang === 'javascript') {
      // a statement's range ends with its `;` (the last one, at the end, needs none)
      out.push((before + text + after).trimEnd());
      continue;
    }
    const first = /^[A-Za-z_]+/.exec(text)?.[0] ?? '';
    if (first === 'elif') text = 'if' + text.slice(4);
    else if ((first === 'else' || first === 'try' || first === 'finally') && /^\w+\s*:/.test(text))
      text = text.replace(/^\w+\s*:/, '');
    else if (first === 'except') text = 'try: pass\n' + text;
    if (st[3 * k + 2]! & 2) text += ' pass';
    text = before + text + after;
    if (text.startsWith('@')) text += '\ndef _(): pass';
    if (text.trim()) out.push(text.trimEnd());
  }
  return { ok: true, code: out.join('\n') };
}
