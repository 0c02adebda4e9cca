import { posix } from 'node:path';
import type { SyntaxNode as Node } from './bash.js';
import type { Arg } from './types.js';

/** A value node's literal text after quote removal, as far as it can be known without running anything. */
export interface Decoded {
  text: string;
  dynamic: boolean;
  glob: boolean;
  /** Unquoted `{`…`}` present: brace expansion may apply. */
  braces: boolean;
  /** For a dynamic value: its shape as a glob, unknown pieces as `**`, `$HOME` as `~` (`$d/id_rsa` → `**\/id_rsa`). */
  pattern?: string;
}

/**
 * A shell variable assigned earlier in the same command line, as far as the walk knows it
 * (`D=/etc; rm -rf $D`, `for f in ~/.ssh/*; do …`): `text` is its value when that is certain
 * and literal (then `$D` is decoded as that text); `shapes` are the globs it may hold (`**`
 * for a value only known when it runs). A variable not in the map is only known when it runs.
 */
export interface KnownVar {
  text: string | null;
  shapes: string[];
}
export type Vars = ReadonlyMap<string, KnownVar>;

/** The variable a plain `$X`, `${X}` or `${X[…]}` reads, else null. */
const PLAIN = /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?\})$/;

/** The value of a plain expansion of a variable whose value is certain, else null. */
function certainValue(text: string, vars: Vars | undefined): string | null {
  if (!vars || vars.size === 0) return null;
  const m = PLAIN.exec(text);
  if (!m || m[3]) return null;
  return vars.get(m[1] ?? m[2]!)?.text ?? null;
}

/** The shapes a tracked variable gives a piece (`~` means home only at the start of a value). */
function varShapes(name: string, first: boolean, vars: Vars | undefined): string[] | null {
  const v = vars?.get(name);
  if (!v) return null;
  return first ? v.shapes : v.shapes.map((s) => s.replace(/^~/, '**'));
}

/**
 * `$HOME` / `${HOME}` is the one variable taken as known (setting HOME is denied by the
 * default policy). Separates the candidate shapes of one value: `${HOME:-/root}/.npmrc` is `~/.npmrc` or
 * `/root/.npmrc`. (A NUL never reaches the walker: a command holding one is refused.)
 */
export const SHAPE_ALT = '\0';

/** The working directory spelled in shell text, as a regex source: `$(pwd)`, `` `pwd` ``, `$PWD`, `${PWD}`. */
export const PWD_SPELLING = '\\$\\(pwd\\)|`pwd`|\\$PWD\\b|\\$\\{PWD\\}';
// (an option's or setting's literal name and `=` may come first: `-DCMAKE_INSTALL_PREFIX=$PWD/x`)
const PWD_HEAD = new RegExp(
  `^((?:-{1,2}[A-Za-z][\\w.:-]*=|[A-Za-z_][\\w.:-]*=)?)("?)(?:${PWD_SPELLING})("?)`,
);
const PWD_ANY = new RegExp(PWD_SPELLING, 'g');

/**
 * A word that starts with the working directory's spelling (after an option's or setting's literal
 * `NAME=`, if any: `-DCMAKE_INSTALL_PREFIX=$PWD/_dist`, `--prefix=$(pwd)/out`) and goes on with
 * literal path text only (`"$PWD/scripts/x.sh"`, `$(pwd)/bin/composer`, `"${PWD}"/ci/test.sh`), as that path below
 * `cwd` (`/testbed/scripts/x.sh`); null for any other word, when the working directory is not
 * one known directory, or when the line could give PWD or `pwd` another meaning (it names them
 * in any other way: `PWD=/root`, `read PWD`, a function or alias `pwd`).
 */
export function pwdWord(text: string, cwd: string[] | null, line: string): string | null {
  if (!cwd || cwd.length !== 1 || text.length > 4096 || !/^[\w./+@%,=-]+$/.test(cwd[0]!)) return null;
  const m = PWD_HEAD.exec(text);
  if (!m) return null;
  let rest = text.slice(m[0].length);
  if (m[3] === '"' && m[2] !== '"') return null;
  if (m[2] === '"' && m[3] !== '"') {
    if (!rest.endsWith('"')) return null;
    rest = rest.slice(0, -1);
  }
  if (!/^(?:\/[\w.+@%,=/-]*)?$/.test(rest)) return null;
  if (line.length > 65536 || /PWD|\bpwd\b/.test(line.replace(PWD_ANY, ''))) return null;
  return m[1]! + cwd[0]! + rest;
}

/** Most candidates kept for one value; past it (or past 4,096 characters) the value is unknown (`**`). */
const MAX_SHAPES = 16;

/** `${NAME OP WORD}` with one of the operators that choose between the variable and the word. */
const CHOICE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-=?+])([^]*)\}$/;

/**
 * The candidate shapes of an expansion piece, or null when it is only known when it runs:
 * `${V:?msg}` / `${V?msg}` is V; `${V:-w}`, `${V-w}`, `${V:=w}`, `${V=w}` are V or w; `${V:+w}`,
 * `${V+w}` are w or nothing. V is `~` for HOME at the start of a value, else unknown (`**`);
 * w is its literal text (with `$HOME` at its start as `~`), else unknown.
 */
function expansionShapes(text: string, first: boolean, vars?: Vars): string[] | null {
  if (first && (text === '$HOME' || text === '${HOME}')) return ['~'];
  // The working directory and its parent, relative to where the command runs (a `cd` on the
  // line moves both): `"$PWD/../x"` is `../x`, `"${PWD%/*}/x"` is `../x`.
  if (first && (text === '$PWD' || text === '${PWD}')) return ['.'];
  if (first && text === '${PWD%/*}') return ['..'];
  const plain = vars && vars.size > 0 ? PLAIN.exec(text) : null;
  if (plain) return varShapes(plain[1] ?? plain[2]!, first, vars);
  const m = text.length <= 4096 ? CHOICE.exec(text) : null;
  // `${HOME%/}`, `${HOME:0}`, `${HOME/x/y}`, `${HOME,,}`: HOME edited at run time may still be HOME.
  if (!m) return first && /^\$\{HOME[^A-Za-z0-9_}]/.test(text) ? ['~', '**'] : null;
  const v = first && m[1] === 'HOME' ? '~' : (varShapes(m[1]!, first, vars)?.join(SHAPE_ALT) ?? '**');
  let word = m[3]!;
  let head = '';
  const home = /^\$(?:HOME(?![A-Za-z0-9_])|\{HOME\})/.exec(word);
  if (home) {
    head = first ? '~' : '**';
    word = word.slice(home[0].length);
  }
  const w = /[$`\\'"]/.test(word) ? `${head}**` : head + word.replace(/[*?[]/g, '?');
  switch (m[2]!.slice(-1)) {
    case '?':
      return [v];
    case '+':
      return [w, ''];
    default:
      return [v, w];
  }
}

/** The shapes of `a` followed by those of `b` (every pairing), bounded. */
export function joinShapes(a: string, b: string): string {
  if (!a.includes(SHAPE_ALT) && !b.includes(SHAPE_ALT)) return a + b;
  if (a.length + b.length > 4096) return '**';
  const xs = a.split(SHAPE_ALT);
  let ys = b.split(SHAPE_ALT);
  // Too many pairings: this piece is taken as unknown, the candidates so far are kept.
  if (xs.length * ys.length > MAX_SHAPES) ys = ['**'];
  const out = new Set<string>();
  for (const x of xs) for (const y of ys) out.add(x + y);
  return [...out].join(SHAPE_ALT);
}

/**
 * Shapes joined piece by piece (`joinShapes` of each): plain concatenation until a piece has
 * alternatives. Looking for alternatives in the whole text at every piece flattened and
 * scanned it each time: quadratic (`echo "$x $x …"` of 100,000 characters took 90 ms).
 */
class ShapeJoin {
  text = '';
  private alt = false;

  add(piece: string): void {
    if (!this.alt && !piece.includes(SHAPE_ALT)) {
      this.text += piece;
      return;
    }
    this.text = joinShapes(this.text, piece);
    this.alt = this.text.includes(SHAPE_ALT);
  }
}

/** The glob shape of a piece: literal text as is, anything computed as `**`. */
function patternOf(d: Decoded, node: Node, first: boolean, vars?: Vars): string {
  if (!d.dynamic) return d.text.replace(/[*?[]/g, '?');
  if (node.type === 'expansion' || node.type === 'simple_expansion') {
    const shapes = expansionShapes(node.text, first, vars);
    if (shapes) return shapes.join(SHAPE_ALT);
  }
  return d.pattern ?? '**';
}

const DYNAMIC_TYPES = new Set([
  'simple_expansion',
  'expansion',
  'command_substitution',
  'process_substitution',
  'arithmetic_expansion',
]);

/** Backslash escapes and line continuations of an unquoted word. */
export function decodeWordText(raw: string): Decoded {
  // Most words have no escape: no copy, one scan each for glob and brace characters.
  if (!raw.includes('\\'))
    return { text: raw, dynamic: false, glob: /[*?[]/.test(raw), braces: /[{}]/.test(raw) };
  let text = '';
  let glob = false;
  let braces = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      const next = raw[i + 1];
      i++;
      if (next === undefined || next === '\n') continue;
      text += next;
      continue;
    }
    if (c === '*' || c === '?' || c === '[') glob = true;
    if (c === '{' || c === '}') braces = true;
    text += c;
  }
  return { text, dynamic: false, glob, braces };
}

/**
 * Contents of "double quotes": only \$ \` \" \\ and \newline are escapes. With `heredoc`, an
 * unquoted here-document's body, where \" is not one (bash(1), "Here Documents").
 */
export function decodeDoubleQuoted(raw: string, heredoc = false): string {
  return raw.replace(heredoc ? /\\([$`\\\n])/g : /\\([$`"\\\n])/g, (_, c: string) => (c === '\n' ? '' : c));
}

/** The named backslash escapes of `$'…'` strings, also printf's format and `%b` (printf.ts). */
export const C_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** $'…' strings: the decoding bash does, so `$'\x72\x6d'` is seen as `rm`. */
export function decodeAnsiC(raw: string): string {
  const body = raw.slice(2, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[i + 1] ?? '';
    let m: RegExpMatchArray | null;
    const rest = body.slice(i + 1);
    if ((m = rest.match(/^x([0-9a-fA-F]{1,2})/))) {
      out += String.fromCharCode(parseInt(m[1]!, 16));
      i += m[0].length;
    } else if ((m = rest.match(/^u([0-9a-fA-F]{1,4})/)) || (m = rest.match(/^U([0-9a-fA-F]{1,8})/))) {
      out += String.fromCodePoint(parseInt(m[1]!, 16));
      i += m[0].length;
    } else if ((m = rest.match(/^([0-7]{1,3})/))) {
      out += String.fromCharCode(parseInt(m[1]!, 8));
      i += m[0].length;
    } else if ((m = rest.match(/^c(.)/))) {
      out += String.fromCharCode(m[1]!.charCodeAt(0) & 31);
      i += 2;
    } else if (n in C_ESCAPES) {
      out += C_ESCAPES[n];
      i += 1;
    } else {
      out += `\\${n}`;
      i += 1;
    }
  }
  return out;
}

/**
 * Decodes one value node (no expansion is run: anything computed is `dynamic`). `vars`: the
 * variables the walk knows; a plain `$X` of one whose value is certain is that value (unless
 * unquoted word splitting could change it: blanks, or an empty value that is the whole word).
 */
export function decodeValue(node: Node, vars?: Vars, whole = true): Decoded {
  switch (node.type) {
    case 'word':
      return decodeWordText(node.text);
    case 'number':
      return { text: node.text, dynamic: false, glob: false, braces: false };
    case 'raw_string':
      return { text: node.text.slice(1, -1), dynamic: false, glob: false, braces: false };
    case 'ansi_c_string':
      return { text: decodeAnsiC(node.text), dynamic: false, glob: false, braces: false };
    case 'string':
    case 'translated_string': {
      const inner = node.type === 'translated_string' ? node.namedChildren[0] : node;
      let dynamic = false;
      for (const child of inner?.namedChildren ?? []) {
        if (child && child.type !== 'string_content') dynamic = true;
      }
      const raw = node.text.replace(/^\$?"/, '').replace(/"$/, '');
      if (!dynamic) return { text: decodeDoubleQuoted(raw), dynamic, glob: false, braces: false };
      if (node.type === 'string' && vars && vars.size > 0) {
        const known = quotedWithVars(node, raw, vars);
        if (known !== null) return { text: known, dynamic: false, glob: false, braces: false };
      }
      const pattern = new ShapeJoin();
      (inner?.namedChildren ?? []).forEach((child, i) => {
        if (!child) return;
        pattern.add(
          child.type === 'string_content'
            ? decodeDoubleQuoted(child.text).replace(/[*?[]/g, '?')
            : ((child.type === 'expansion' || child.type === 'simple_expansion'
                ? expansionShapes(child.text, i === 0, vars)?.join(SHAPE_ALT)
                : child.type === 'command_substitution'
                  ? substitutionShape(child)
                  : undefined) ?? '**'),
        );
      });
      return { text: node.text, dynamic, glob: false, braces: false, pattern: pattern.text };
    }
    case 'concatenation': {
      let text = '';
      let dynamic = false;
      let glob = false;
      let braces = false;
      const pattern = new ShapeJoin();
      // The literal pieces before the first expansion, decoded (`--outpu\t=`, `--ou't'put=`), and
      // where the raw text goes on from there: a dynamic word keeps its raw text, but with its
      // quoted or escaped head decoded, so `--outpu\t=$HOME/x` is read as the option `--output`
      // with `$HOME/x`, as `--output=$HOME/x` is (probe 29: such a word was an operand, allowed).
      let head = '';
      let rawHead = '';
      let inHead = true;
      for (const child of node.namedChildren) {
        if (!child) continue;
        const d = decodeValue(child, vars, false);
        pattern.add(patternOf(d, child, pattern.text === '', vars));
        text += d.text;
        if (d.dynamic) inHead = false;
        else if (inHead) {
          head += d.text;
          rawHead += child.text;
        }
        dynamic ||= d.dynamic;
        glob ||= d.glob;
        braces ||= d.braces;
      }
      // Unquoted glob characters can be separate children (`[ab].c`), and the
      // parser splits `{a,b}` into pieces: look at the raw text too, but only of the unquoted
      // pieces: bash expands no brace inside quotes (`'{a,b}'x` is `{a,b}x`, one word).
      let unquoted = '';
      let quotedBraces = false;
      for (const child of node.children) {
        if (!child) continue;
        if (QUOTED.has(child.type)) quotedBraces ||= child.text.includes('{') || child.text.includes('}');
        else unquoted += `${child.text} `;
      }
      if (/(^|[^\\])[{}]/.test(unquoted)) braces = true;
      // Braces both quoted and not (`'{a}'{b,c}`): which ones expand is not kept once the
      // pieces are joined, so the word is taken as a value only known when it runs.
      if (braces && quotedBraces) return { text: node.text, dynamic: true, glob, braces: false };
      if (!dynamic) return { text, dynamic, glob, braces };
      const decodedHead =
        rawHead !== '' && rawHead !== head && node.text.startsWith(rawHead) && !/[$`]/.test(head);
      const shown = decodedHead ? head + node.text.slice(rawHead.length) : node.text;
      return { text: shown, dynamic, glob, braces, pattern: pattern.text };
    }
    case 'extglob_pattern':
    case 'regex':
      return { text: node.text, dynamic: false, glob: true, braces: false };
    case 'brace_expression':
      return { text: node.text, dynamic: false, glob: false, braces: true };
    case 'simple_expansion':
    case 'expansion': {
      const known = certainValue(node.text, vars);
      // Unquoted: a value with blanks is split into words, an empty whole word disappears.
      if (known !== null && !/[ \t\n]/.test(known) && (known !== '' || !whole))
        return { text: known, dynamic: false, glob: /[*?[]/.test(known), braces: false };
      return {
        text: node.text,
        dynamic: true,
        glob: false,
        braces: false,
        ...((s) => (s ? { pattern: s.join(SHAPE_ALT) } : {}))(expansionShapes(node.text, true, vars)),
      };
    }
    case 'command_substitution': {
      const printed = substitutionShape(node);
      return printed === null
        ? { text: node.text, dynamic: true, glob: false, braces: false }
        : { text: node.text, dynamic: true, glob: false, braces: false, pattern: printed };
    }
    default:
      return { text: node.text, dynamic: true, glob: false, braces: false };
  }
}

const LITERAL_TYPES = new Set(['word', 'raw_string', 'number', 'string_content']);

/**
 * An argument with no expansion in it, told from its node types two levels down (decoding a
 * nested substitution here, at every level of a deep nesting, would be quadratic).
 */
function plainArgument(n: Node): boolean {
  if (LITERAL_TYPES.has(n.type)) return true;
  if (n.type === 'string') return n.namedChildren.every((c) => c?.type === 'string_content');
  if (n.type !== 'concatenation') return false;
  return n.namedChildren.every(
    (c) =>
      c !== null &&
      (LITERAL_TYPES.has(c.type) ||
        (c.type === 'string' && c.namedChildren.every((k) => k?.type === 'string_content'))),
  );
}

/**
 * What a command substitution prints when its own text says (`$(echo /ro)`, `` `printf /et` ``,
 * `$(dirname /root/.npmrc/x)`, `$(realpath /dev/./sda)`), as a glob shape: so
 * `cat $(echo /ro)ot/.npmrc` is compared as `/root/.npmrc`, not as anything at all. It stays a
 * value known only when it runs (allow rules never match it); deny and ask rules see the shape.
 * Null when any piece is computed, or for any other program.
 */
function substitutionShape(node: Node): string | null {
  if (node.text.startsWith('`')) {
    // The linear reader leaves a backquoted body unread (the walker re-reads it): read plain
    // words from the text, the same for both readers.
    const plain = node.text.slice(1, -1).trim();
    if (!/^[A-Za-z0-9_/.,:=@%+ -]+$/.test(plain) || plain.length > 4096) return null;
    const [name, ...words] = plain.split(/ +/);
    return shapeOfPrinted(printedBy(name!, words));
  }
  const body = node.namedChildren;
  const cmd = body[0];
  if (body.length !== 1 || cmd?.type !== 'command') return null;
  let name: string | null = null;
  const words: string[] = [];
  for (const c of cmd.namedChildren) {
    if (!c) continue;
    if (c.type === 'command_name' && name === null) name = c.text;
    else if (name === null || !plainArgument(c)) return null;
    else {
      const d = decodeValue(c);
      if (d.dynamic || d.glob || d.braces) return null;
      words.push(d.text);
    }
  }
  return name === null ? null : shapeOfPrinted(printedBy(name.replace(/^\/(usr\/)?s?bin\//, ''), words));
}

/** Printed text as a glob shape (its glob characters match only themselves: `?`). */
function shapeOfPrinted(printed: string | null): string | null {
  if (printed === null || printed === '' || printed.length > 4096) return null;
  return printed.replace(/\n+$/, '').replace(/[*?[]/g, '?');
}

/** What `echo`/`printf`/`dirname`/`basename`/`realpath`/`readlink -f` print for literal words. */
function printedBy(name: string, words: string[]): string | null {
  switch (name) {
    case 'echo': {
      let i = 0;
      while (i < words.length && /^-[neE]+$/.test(words[i]!)) i++;
      const text = words.slice(i).join(' ');
      return text.includes('\\') ? null : text;
    }
    case 'printf': {
      const rest = words[0] === '--' ? words.slice(1) : words;
      return rest.length === 1 && !/[%\\]/.test(rest[0]!) ? rest[0]! : null;
    }
    case 'dirname':
    case 'basename':
    case 'realpath':
    case 'readlink': {
      const flags = words.filter((w) => w.startsWith('-'));
      const operands = words.filter((w) => !w.startsWith('-'));
      if (name === 'readlink' ? flags.join(' ') !== '-f' : flags.length > 0) return null;
      const [p, suffix] = operands;
      if (p === undefined || operands.length > (name === 'basename' ? 2 : 1)) return null;
      if (name === 'dirname') return posix.dirname(p);
      if (name === 'basename') return posix.basename(p, suffix);
      return p.startsWith('/') ? posix.normalize(p) : null;
    }
    case 'mktemp':
      return mktempName(words);
    // The working directory, as a path relative to it (decided where the command runs).
    case 'pwd':
      return words.every((w) => w === '-L' || w === '-P') ? '.' : null;
    case 'git':
      return gitPrinted(words);
    case 'date':
      return dateStamp(words);
    default:
      return null;
  }
}

/**
 * Where `git rev-parse` says the repository's parts are, for a repository at the working
 * directory (where an agent runs it): `--git-dir`/`--git-common-dir` `.git`, `--git-path P`
 * `.git/P`, `--show-toplevel` the working directory. Other words: unknown.
 */
function gitPrinted(words: string[]): string | null {
  if (words[0] !== 'rev-parse' || words.length < 2 || words.length > 3) return null;
  const [, opt, arg] = words;
  if (
    (opt === '--git-dir' || opt === '--git-common-dir' || opt === '--absolute-git-dir') &&
    arg === undefined
  )
    return '.git';
  if (opt === '--show-toplevel' && arg === undefined) return '.';
  if (opt === '--git-path' && arg !== undefined && !arg.startsWith('/')) return `.git/${arg}`;
  return null;
}

/**
 * What `date [-u] +FORMAT` prints, in shape: the format's text with each conversion of digits
 * (`%s`, `%Y%m%d`, `%F`, `%T`) or of a name in letters (`%b`, `%a`, `%p`) as that many `0`s or
 * `x`s (`logs/run-$(date +%s).log` is a file under logs/). Null for a conversion that prints a
 * `/` or space (`%D`, `%c`, `%e`), a flag, a locale's format or any other option.
 */
function dateStamp(words: string[]): string | null {
  const rest = words[0] === '-u' || words[0] === '--utc' ? words.slice(1) : words;
  if (rest.length !== 1 || !/^\+[A-Za-z0-9%_.:,=@+-]*$/.test(rest[0]!)) return null;
  let out = '';
  const f = rest[0]!.slice(1);
  for (let i = 0; i < f.length; i++) {
    const c = f[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const conv = DATE_CONVERSIONS[f[++i] ?? ''];
    if (conv === undefined) return null;
    out += conv;
  }
  return out;
}

/** date(1)'s conversions that print no `/`, space or glob character: a stand-in of their width. */
const DATE_CONVERSIONS: Record<string, string> = {
  s: '0000000000',
  Y: '0000',
  G: '0000',
  C: '00',
  y: '00',
  g: '00',
  m: '00',
  d: '00',
  H: '00',
  I: '00',
  M: '00',
  S: '00',
  j: '000',
  u: '0',
  w: '0',
  U: '00',
  W: '00',
  V: '00',
  N: '000000000',
  z: '+0000',
  F: '0000-00-00',
  T: '00:00:00',
  R: '00:00',
  a: 'xxx',
  b: 'xxx',
  h: 'xxx',
  A: 'xxxxxxxx',
  B: 'xxxxxxxx',
  p: 'xx',
  P: 'xx',
  Z: 'xxx',
  '%': '%',
};

/**
 * The name GNU mktemp(1) prints: its TEMPLATE (`tmp.XXXXXXXXXX` when none; the X's stand for the
 * letters and digits it picks, as `tempfile`'s names in Python code are one name), in the directory `-p DIR`/`--tmpdir=DIR` names, else under /tmp when
 * no template is given or with `-t`/`--tmpdir` (the scratch directory, as `tempfile` in Python
 * code is: setting TMPDIR, which it would use instead, is a rule of its own), else where the
 * template says. Null for an option or word it does not know.
 */
function mktempName(words: string[]): string | null {
  let dir: string | null = null;
  let scratch = false;
  let suffix = '';
  const operands: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (/^-[dqut]+$/.test(w)) scratch ||= w.includes('t');
    else if (w === '--directory' || w === '--dry-run' || w === '--quiet') continue;
    else if (w === '--tmpdir') scratch = true;
    else if (w.startsWith('--tmpdir=')) dir = w.slice('--tmpdir='.length);
    else if (w === '-p' && i + 1 < words.length) dir = words[++i]!;
    else if (w.startsWith('--suffix=')) suffix = w.slice('--suffix='.length);
    else if (w.startsWith('-')) return null;
    else operands.push(w);
  }
  if (operands.length > 1 || suffix.includes('/') || dir === '') return null;
  const template = operands[0] ?? 'tmp.XXXXXXXXXX';
  if (operands.length === 0) scratch = true;
  if (!/XXX$/.test(template)) return null;
  if ((dir !== null || scratch) && template.includes('/')) return null;
  const name = template + suffix;
  return dir !== null ? posix.join(dir, name) : scratch ? `/tmp/${name}` : name;
}

/**
 * A double-quoted string whose only expansions are of variables with a certain value: its
 * text (no splitting or globbing inside quotes), else null.
 */
function quotedWithVars(node: Node, raw: string, vars: Vars): string | null {
  const open = node.text.length - raw.length - 1;
  let out = '';
  let at = 0;
  for (const child of node.namedChildren) {
    if (!child) continue;
    const start = child.startIndex - node.startIndex - open;
    const end = child.endIndex - node.startIndex - open;
    if (start < at || end > raw.length) return null;
    out += decodeDoubleQuoted(raw.slice(at, start));
    if (child.type === 'string_content') out += decodeDoubleQuoted(child.text);
    else {
      const v =
        child.type === 'simple_expansion' || child.type === 'expansion'
          ? certainValue(child.text, vars)
          : null;
      if (v === null) return null;
      out += v;
    }
    at = end;
  }
  return out + decodeDoubleQuoted(raw.slice(at));
}

export function isDynamicType(type: string): boolean {
  return DYNAMIC_TYPES.has(type);
}

const MAX_BRACE_RESULTS = 256;

/** Quoted pieces of a word: no brace expansion inside them. */
const QUOTED = new Set(['raw_string', 'string', 'ansi_c_string', 'translated_string']);

/**
 * Bash brace expansion of a literal word (`{/,x}` → `/`, `x`; `{1..3}`).
 * Returns null when the result would be too large to enumerate.
 */
export function expandBraces(text: string): string[] | null {
  // Bounded before any copying: a word of many groups (`{a,b}` × 20,000) would otherwise be
  // expanded one group at a time, copying the whole word for each of 2^20,000 results.
  if (text.length > MAX_BRACE_TEXT || topLevelProduct(text) > MAX_BRACE_RESULTS) return null;
  let depth = 0;
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') {
      if (depth === 0) open = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        const body = text.slice(open + 1, i);
        const alternatives = splitTopLevel(body);
        let options: string[] | null = null;
        if (alternatives.length > 1) options = alternatives;
        else {
          const range = body.match(/^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(\.\.-?\d+)?$/);
          if (range) options = expandRange(range[1]!, range[2]!);
        }
        if (options === null) continue;
        const prefix = text.slice(0, open);
        const suffix = text.slice(i + 1);
        const out: string[] = [];
        for (const option of options) {
          const expanded = expandBraces(prefix + option + suffix);
          if (expanded === null) return null;
          out.push(...expanded);
          if (out.length > MAX_BRACE_RESULTS) return null;
        }
        return out;
      }
    }
  }
  return [text];
}

/** Longest word brace-expanded (longer ones are taken as unknown values: fail closed). */
const MAX_BRACE_TEXT = 4096;

/** How many words the depth-0 groups of `text` multiply to, at least (stops past the limit). */
function topLevelProduct(text: string): number {
  let product = 1;
  let depth = 0;
  let commas = 0;
  for (let i = 0; i < text.length && product <= MAX_BRACE_RESULTS; i++) {
    const c = text[i];
    if (c === '{') {
      if (depth === 0) commas = 0;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0 && commas > 0) product *= commas + 1;
    } else if (c === ',' && depth === 1) commas++;
  }
  return product;
}

function splitTopLevel(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(body.slice(start, i));
      start = i + 1;
    }
  }
  out.push(body.slice(start));
  return out;
}

function expandRange(a: string, b: string): string[] | null {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isInteger(na) && Number.isInteger(nb)) {
    if (Math.abs(nb - na) > MAX_BRACE_RESULTS) return null;
    const step = na <= nb ? 1 : -1;
    const out: string[] = [];
    for (let v = na; step > 0 ? v <= nb : v >= nb; v += step) out.push(String(v));
    return out;
  }
  const ca = a.charCodeAt(0);
  const cb = b.charCodeAt(0);
  const out: string[] = [];
  const step = ca <= cb ? 1 : -1;
  for (let v = ca; step > 0 ? v <= cb : v >= cb; v += step) out.push(String.fromCharCode(v));
  return out;
}

/** Turns a decoded value into the argument(s) bash would pass. */
export function toArgs(d: Decoded): Arg[] {
  if (d.dynamic)
    return [{ text: d.text, dynamic: true, glob: d.glob, ...(d.pattern ? { pattern: d.pattern } : {}) }];
  if (d.braces) {
    const expanded = expandBraces(d.text);
    if (expanded === null) return [{ text: d.text, dynamic: true, glob: d.glob }];
    return expanded.map((text) => ({ text, dynamic: false, glob: d.glob }));
  }
  return [{ text: d.text, dynamic: false, glob: d.glob }];
}

/**
 * Removes backslash-newline pairs the way bash does before it splits words, so
 * `r\<newline>m` is read as `rm` (tree-sitter-bash would see two words). Single
 * quotes and comments keep theirs.
 */
export function joinContinuations(text: string): string {
  if (!text.includes('\\\n')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      if (text[i + 1] === '\n') {
        i++;
        continue;
      }
      out += c + (text[i + 1] ?? '');
      i++;
    } else if (c === "'") {
      const ansi = text[i - 1] === '$';
      let j = i + 1;
      while (j < text.length && text[j] !== "'") j += ansi && text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += text.slice(i, stop);
      i = stop - 1;
    } else out += c;
  }
  return out;
}

/**
 * The host of a URL whose scheme (optional), host and port are literal and end at a `/`: whatever
 * follows (an expansion in its path or query) cannot change where it connects. `text` is the
 * word's source with its double quotes removed; null when the host is not so written.
 */
export function literalAuthority(text: string): string | null {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(\[[0-9a-f:.]+\]|[a-z0-9][a-z0-9.-]*)(?::\d{1,5})?\//i.exec(text);
  return m ? m[1]!.replace(/^\[|\]$/g, '').toLowerCase() : null;
}
