/**
 * A linear-time reader of the shell language for long command lines, emitting the node
 * shapes tree-sitter-bash gives (type names, fields, `text`, offsets: only what the walker,
 * `extract.ts` and `words.ts`, reads), so the walker and the rules are the same for both.
 *
 * Why: tree-sitter-bash (WASM) needs 30–400 ms for some 100,000-character lines (a long
 * pipeline, a long double-quoted string, many `{a,b}` groups), while a decision must take at
 * most 10 ms. No maintained JavaScript shell parser is fast enough (see README.md), so this
 * one is hand-written: one pass, each character looked at a bounded number of times, no
 * regex over more than one token, no backtracking. Nesting is capped (MAX_NESTING), so
 * hostile depth never overflows the stack.
 *
 * It reads what real commands use: words, '…', "…", $'…', $"…", $var, ${…}, $(…), `…`,
 * $((…)), <(…), >(…), pipelines, lists (; && || & newline), redirections with here-documents
 * and here-strings, ( … ), { …; }, if/for/while/until/case, functions, [ … ], [[ … ]], (( … )),
 * assignments (arrays, subscripts, +=), declarations, comments. Anything else is `unsupported`
 * (the caller asks); text bash itself would reject is `error` (the caller denies, as for any
 * unparseable input).
 */

/** The subset of web-tree-sitter's `Node` the walker reads; both parsers' nodes satisfy it. */
export interface SyntaxNode {
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly id: number;
  readonly isNamed: boolean;
  readonly hasError: boolean;
  readonly isError: boolean;
  readonly isMissing: boolean;
  readonly parent: SyntaxNode | null;
  readonly children: readonly (SyntaxNode | null)[];
  readonly namedChildren: readonly (SyntaxNode | null)[];
  childForFieldName(name: string): SyntaxNode | null;
  childrenForFieldName(name: string): readonly (SyntaxNode | null)[];
}

let nextId = 1;
const NONE: readonly ShNode[] = Object.freeze([]) as readonly ShNode[];
/** Shared empty list, replaced before anything is pushed (see simpleCommand). */
const NO_NODES: ShNode[] = [];

/**
 * A command's arguments are gathered in arrays of at most this many, joined once at the end:
 * on this VM an array that grows past ~16,000 entries by pushes costs 50–150 ns per entry
 * (each growth is a new large-object allocation whose pages fault in), chunks cost 5 ns.
 */
const ARG_CHUNK = 4096;

/**
 * A node of the reader's tree. Long lines make hundreds of thousands of them, so each is
 * small: no child arrays until a child is added, field names only on nodes that have one,
 * and no nodes for punctuation the walker never reads (only `&&`, `||` and redirection
 * operators are kept, as anonymous children).
 */
export class ShNode implements SyntaxNode {
  // Plain fields set in the constructor, all of them, in one order: one hidden class for every node.
  readonly id: number;
  parent: ShNode | null;
  private kids: ShNode[] | null;
  /** Field name and child index pairs, flat: `['name', 0, 'redirect', 3]` (few nodes have any). */
  private fields: (string | number)[] | null;
  private anonymous: boolean;
  private readonly src: string;
  readonly type: string;
  readonly startIndex: number;
  endIndex: number;
  readonly isNamed: boolean;
  /** The type of a `$x`'s one child, made when first asked for (a long "$x $x …" has tens of thousands). */
  private lazyChild: string | null;
  /** What the walker made of this node, kept for a node the reader gives again (see Reader.plainWord). */
  memo: unknown;

  constructor(src: string, type: string, startIndex: number, endIndex: number, isNamed = true) {
    this.id = nextId++;
    this.parent = null;
    this.kids = null;
    this.fields = null;
    this.anonymous = false;
    this.src = src;
    this.type = type;
    this.startIndex = startIndex;
    this.endIndex = endIndex;
    this.isNamed = isNamed;
    this.lazyChild = null;
    this.memo = null;
  }

  /** `$x`: its variable_name (or special_variable_name) child is made only when the walker asks. */
  static expansion(src: string, start: number, end: number, childType: string): ShNode {
    const node = new ShNode(src, 'simple_expansion', start, end);
    node.lazyChild = childType;
    return node;
  }

  get hasError(): boolean {
    return false;
  }
  get isError(): boolean {
    return false;
  }
  get isMissing(): boolean {
    return false;
  }

  get text(): string {
    return this.src.slice(this.startIndex, this.endIndex);
  }

  get children(): readonly ShNode[] {
    if (this.lazyChild !== null) this.makeLazyChild();
    return this.kids ?? NONE;
  }

  get namedChildren(): readonly ShNode[] {
    if (this.lazyChild !== null) this.makeLazyChild();
    if (!this.kids) return NONE;
    return this.anonymous ? this.kids.filter((c) => c.isNamed) : this.kids;
  }

  add(child: ShNode, field?: string, again = false): ShNode {
    if (!again) child.parent = this;
    // First child and field as array literals: an empty array's first push reserves room for
    // 17 elements, and most nodes of a long line (a command's name, its word) have one child.
    if (field !== undefined) {
      const at = this.kids ? this.kids.length : 0;
      if (this.fields) this.fields.push(field, at);
      else this.fields = [field, at];
    }
    if (this.kids) this.kids.push(child);
    else this.kids = [child];
    if (!child.isNamed) this.anonymous = true;
    return child;
  }

  /**
   * Named children appended at once (a command's arguments: up to 50,000): the list itself
   * becomes the children (the caller gives it up), and a parent is set only where it changes
   * (a word the reader gives again keeps its first).
   */
  addMany(...lists: ShNode[][]): void {
    if (lists.length === 1 && lists[0]!.length === 0) return;
    for (const children of lists)
      for (const child of children) {
        if (child.parent === null) child.parent = this;
        if (!child.isNamed) this.anonymous = true;
      }
    // One list made of the ones given (a single one, with no children yet, is taken over, not
    // copied): each list of 40,000 entries made is one more large array (see ARG_CHUNK).
    if (!this.kids && lists.length === 1) this.kids = lists[0]!;
    else this.kids = (this.kids ?? []).concat(...lists);
  }

  private makeLazyChild(): void {
    const type = this.lazyChild!;
    this.lazyChild = null;
    this.add(new ShNode(this.src, type, this.startIndex + 1, this.endIndex));
  }

  childForFieldName(name: string): ShNode | null {
    const f = this.fields;
    if (f) for (let k = 0; k < f.length; k += 2) if (f[k] === name) return this.kids![f[k + 1] as number]!;
    return null;
  }

  childrenForFieldName(name: string): readonly ShNode[] {
    const f = this.fields;
    if (!f) return NONE;
    const out: ShNode[] = [];
    for (let k = 0; k < f.length; k += 2) if (f[k] === name) out.push(this.kids![f[k + 1] as number]!);
    return out;
  }
}

/** Keeps `node` among the last four statements read (for Reader.repeat); returns it. */
function remember(recent: ShNode[], node: ShNode): ShNode {
  if (recent.length >= 4) recent.shift();
  recent.push(node);
  return node;
}

export type BashParse =
  | { kind: 'ok'; root: ShNode }
  /** Text bash rejects too (an unterminated quote, a stray `)`): deny, as tree-sitter errors are. */
  | { kind: 'error'; at: number; reason: string }
  /**
   * Valid shell, maybe, but outside what this reader follows: ask. `limit`: past the nesting or
   * chain limit, which no real command reaches (not worth tree-sitter-bash's time either).
   */
  | { kind: 'unsupported'; at: number; reason: string; limit?: true }
  /** The decision's time budget ran out while reading (the caller's `expired` said so). */
  | { kind: 'budget' };

class Stop extends Error {
  constructor(
    readonly kind: 'error' | 'unsupported' | 'budget',
    readonly at: number,
    readonly reason: string,
    readonly limit = false,
  ) {
    super(reason);
  }
}

/** Deeper than this (substitutions in substitutions, groups in groups, && chains) is not read. */
export const MAX_NESTING = 256;
/** Links in one && / || chain (each is one level of nesting for the walker, as in tree-sitter-bash). */
export const MAX_CHAIN = 1000;

const DECLARATIONS = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);
const UNSETS = new Set(['unset', 'unsetenv']);

const isBlank = (c: number) => c === 32 || c === 9 || c === 13;
const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number) => c >= 48 && c <= 57;
/** Characters that end an unquoted word: blank, newline and the operators `| & ; ( ) < >`. */
const isMeta = (c: number) =>
  c === 32 ||
  c === 9 ||
  c === 10 ||
  c === 13 ||
  c === 124 ||
  c === 38 ||
  c === 59 ||
  c === 40 ||
  c === 41 ||
  c === 60 ||
  c === 62;
/** `$!`, `$@`, `$*`, `$#`, `$?`, `$$`, `$-`, `$0`…`$9`. */
const isSpecialVar = (c: number) =>
  c === 33 || c === 64 || c === 42 || c === 35 || c === 63 || c === 36 || c === 45 || isDigit(c);

interface Heredoc {
  node: ShNode;
  delimiter: string;
  strip: boolean;
  quoted: boolean;
}

/**
 * Reads `text` into a tree shaped like tree-sitter-bash's, in one pass. `expired` (the
 * decision's budget) is asked every few thousand nodes; once it says so, reading stops.
 */
/** The reader's error for a here-document the input ends inside (bash reads it to the end of the input). */
export const UNCLOSED_HEREDOC = 'a here-document is not closed by its delimiter';

export function parseBash(text: string, expired?: () => boolean): BashParse {
  const p = new Reader(text, expired ?? null);
  try {
    return { kind: 'ok', root: p.program() };
  } catch (err) {
    if (err instanceof Stop) {
      if (err.kind === 'budget') return { kind: 'budget' };
      if (err.kind === 'unsupported' && err.limit)
        return { kind: 'unsupported', at: err.at, reason: err.reason, limit: true };
      return { kind: err.kind, at: err.at, reason: err.reason };
    }
    if (err instanceof RangeError)
      return { kind: 'unsupported', at: 0, reason: 'nesting too deep to read', limit: true };
    throw err;
  }
}

class Reader {
  private i = 0;
  private depth = 0;
  private pending: Heredoc[] = [];
  private made = 0;

  constructor(
    private readonly s: string,
    private readonly expired: (() => boolean) | null,
  ) {}

  private node(type: string, start: number, end = start, named = true): ShNode {
    this.tick(start);
    return new ShNode(this.s, type, start, end, named);
  }

  /**
   * Counts one unit of reading (a node made, or one given again) and asks the budget every
   * 256: a unit is well under a microsecond, so a cut lands within a fraction of a
   * millisecond however the line is shaped (a word repeated 40,000 times makes no node).
   */
  private tick(at: number): void {
    if ((++this.made & 255) === 0 && this.expired?.()) throw new Stop('budget', at, 'out of time');
  }

  /** Steps over `text`; keeps it as an anonymous child only where the walker reads it. */
  private token(parent: ShNode, text: string): void {
    if (KEPT_TOKENS.has(text)) parent.add(this.node(text, this.i, this.i + text.length, false));
    this.i += text.length;
  }

  private error(reason: string, at = this.i): never {
    throw new Stop('error', at, reason);
  }

  private unsupported(reason: string, at = this.i, limit = false): never {
    throw new Stop('unsupported', at, reason, limit);
  }

  private enter(): void {
    if (++this.depth > MAX_NESTING)
      this.unsupported(`nesting deeper than ${MAX_NESTING} levels`, this.i, true);
  }

  private code(at = this.i): number {
    return at < this.s.length ? this.s.charCodeAt(at) : -1;
  }

  private startsWith(t: string, at = this.i): boolean {
    return this.s.startsWith(t, at);
  }

  private skipBlanks(): void {
    while (isBlank(this.code())) this.i++;
  }

  /** Blanks, newlines (reading any here-document bodies due) and comments. */
  private skipBlankLines(parent: ShNode | null): void {
    for (;;) {
      this.skipBlanks();
      const c = this.code();
      if (c === 10) {
        this.i++;
        this.heredocBodies();
      } else if (c === 35) this.comment(parent);
      else return;
    }
  }

  private comment(parent: ShNode | null): void {
    const start = this.i;
    let end = this.s.indexOf('\n', start);
    if (end === -1) end = this.s.length;
    this.i = end;
    parent?.add(this.node('comment', start, end));
  }

  /** The reserved word at the cursor (`then`, `}`, …) when it stands alone, else null. */
  private reserved(): string | null {
    const c = this.code();
    if (c === 125) return isMeta(this.code(this.i + 1)) || this.i + 1 >= this.s.length ? '}' : null; // }
    if (c === 123) return isMeta(this.code(this.i + 1)) || this.i + 1 >= this.s.length ? '{' : null;
    if (c === 33) return isBlank(this.code(this.i + 1)) ? '!' : null;
    if (!isNameStart(c)) return null;
    let j = this.i;
    while (j < this.s.length && j - this.i < 9 && isNameChar(this.s.charCodeAt(j))) j++;
    if (j < this.s.length && !isMeta(this.s.charCodeAt(j))) return null;
    return this.s.slice(this.i, j);
  }

  program(): ShNode {
    const root = this.node('program', 0, this.s.length);
    this.statements(root, null);
    if (this.i < this.s.length) {
      const c = this.s[this.i];
      this.error(`unexpected \`${c}\``);
    }
    if (this.pending.length) this.error('a here-document has no body');
    return root;
  }

  /**
   * Statements up to `stop` (`)` for subshells and substitutions, a reserved word such as
   * `fi` or `done`, `;;` for case items; null: end of input), appended to `parent`.
   */
  private statements(parent: ShNode, stop: ReadonlySet<string> | ')' | null, required = false): void {
    this.enter();
    const start = this.i;
    let count = 0;
    const recent: ShNode[] = [];
    for (;;) {
      this.skipBlankLines(parent);
      if (this.i >= this.s.length) break;
      const c = this.code();
      if (c === 41) {
        if (stop === ')') break;
        this.error('unexpected `)`');
      }
      if (c === 59) {
        if (this.startsWith(';;') || this.startsWith(';&')) {
          if (stop !== null && stop !== ')' && stop.has(';;')) break;
          this.error('unexpected `;;`');
        }
        this.token(parent, ';');
        continue;
      }
      if (c === 38) {
        if (this.startsWith('&&')) this.error('unexpected `&&`');
        if (!this.startsWith('&>')) {
          this.token(parent, '&');
          continue;
        }
      }
      if (c === 124) this.error('unexpected `|`');
      if (stop !== null && stop !== ')') {
        const word = this.reserved();
        if (word !== null && stop.has(word)) break;
      }
      const again = this.repeat(recent);
      if (again) parent.add(again);
      else parent.add(remember(recent, this.andOr()));
      count++;
    }
    // Bash refuses an empty body (`if then fi`, `{ }`, `( )`, `while do`).
    if (required && count === 0) this.error('a list of commands is missing', start);
    this.depth--;
  }

  private andOr(): ShNode {
    let left = this.pipeline();
    let links = 0;
    for (;;) {
      this.skipBlanks();
      const op = this.startsWith('&&') ? '&&' : this.startsWith('||') ? '||' : null;
      if (!op) return left;
      if (++links > MAX_CHAIN)
        this.unsupported(`a chain of more than ${MAX_CHAIN} && / || links`, this.i, true);
      const list = this.node('list', left.startIndex);
      list.add(left);
      this.token(list, op);
      this.skipBlankLines(list);
      const right = this.pipeline();
      list.add(right);
      list.endIndex = right.endIndex;
      left = list;
    }
  }

  private pipeline(): ShNode {
    const first = this.negated();
    this.skipBlanks();
    if (!(this.code() === 124 && this.code(this.i + 1) !== 124)) return first;
    const pipe = this.node('pipeline', first.startIndex);
    pipe.add(first);
    const recent = [first];
    while (this.code() === 124 && this.code(this.i + 1) !== 124) {
      this.token(pipe, this.startsWith('|&') ? '|&' : '|');
      this.skipBlankLines(pipe);
      const again = this.repeat(recent);
      if (again) {
        // The same node again: its end offset is the first one's, the pipeline ends here.
        pipe.add(again, undefined, true);
        pipe.endIndex = this.i;
      } else {
        const next = this.negated();
        pipe.add(next);
        pipe.endIndex = next.endIndex;
        remember(recent, next);
      }
      this.skipBlanks();
    }
    return pipe;
  }

  /**
   * `previous` again, when the text at the cursor is the same simple command word for word
   * and ends there (`sort | sort | …`, `cd src; cd src; …`): the cursor steps over it and the
   * same node is returned, so a line of 14,000 identical stages makes one node, not 70,000
   * (and the walker, seeing the same node in the same state, walks it once). A simple command
   * with no redirection reads the same wherever it stands, so the node is what reading it
   * again would give, apart from its offsets.
   */
  private repeat(recent: readonly ShNode[]): ShNode | null {
    for (let k = recent.length - 1; k >= 0; k--) {
      const got = this.repeatOf(recent[k]!);
      if (got) return got;
    }
    return null;
  }

  private repeatOf(previous: ShNode): ShNode | null {
    // A command with a redirection may start a here-document, whose body is read at the newline.
    if (previous.type !== 'command' || previous.childForFieldName('redirect')) return null;
    const len = previous.endIndex - previous.startIndex;
    if (len === 0 || !this.s.startsWith(previous.text, this.i)) return null;
    let j = this.i + len;
    while (isBlank(this.code(j))) j++;
    const c = this.code(j);
    // What ends a simple command: end of input, newline, `;`, `)`, `|` and `&` (not `&>`).
    if (!(c === -1 || c === 10 || c === 59 || c === 41 || c === 124 || (c === 38 && this.code(j + 1) !== 62)))
      return null;
    this.i += len;
    return previous;
  }

  private negated(): ShNode {
    this.skipBlanks();
    if (this.code() === 33 && isBlank(this.code(this.i + 1))) {
      const neg = this.node('negated_command', this.i);
      this.token(neg, '!');
      this.skipBlanks();
      const cmd = this.command();
      neg.add(cmd);
      neg.endIndex = cmd.endIndex;
      return neg;
    }
    return this.command();
  }

  /** One command: compound or simple, with the redirections that follow a compound one. */
  private command(): ShNode {
    this.skipBlanks();
    const start = this.i;
    if (this.i >= this.s.length) this.error('a command is missing at the end');
    const c = this.code();
    let body: ShNode | null = null;
    if (c === 40) body = this.startsWith('((') ? this.arithmeticCommand() : this.subshell();
    else if (this.startsWith('[[') && isMeta(this.code(this.i + 2))) body = this.doubleTest();
    else {
      const word = this.reserved();
      switch (word) {
        case '{':
          body = this.group();
          break;
        case 'if':
          body = this.ifStatement();
          break;
        case 'for':
        case 'select':
          body = this.forStatement(word);
          break;
        case 'while':
        case 'until':
          body = this.whileStatement(word);
          break;
        case 'case':
          body = this.caseStatement();
          break;
        case 'function':
          body = this.functionDefinition();
          break;
        case 'coproc':
          this.unsupported('`coproc` is not read');
          break;
        case 'then':
        case 'fi':
        case 'elif':
        case 'else':
        case 'do':
        case 'done':
        case 'esac':
        case '}':
          // A closer where no construct expects it: a syntax error to bash, which runs nothing
          // from there on. Read as a command of that name, as tree-sitter-bash reads it: the walk
          // decides it (extract.ts: alone it runs nothing, `shell:stray-reserved-word`; with
          // arguments it is refused) and still decides the rest of the line.
          return this.simpleCommand(start);
        default:
          break;
      }
    }
    if (!body) return this.simpleCommand(start);
    const redirects = this.redirects();
    if (!redirects.length) return body;
    return this.redirected(body, redirects);
  }

  private redirected(body: ShNode, redirects: ShNode[]): ShNode {
    const out = this.node('redirected_statement', body.startIndex);
    out.add(body, 'body');
    for (const r of redirects) out.add(r, 'redirect');
    out.endIndex = Math.max(body.endIndex, redirects[redirects.length - 1]!.endIndex);
    return out;
  }

  private redirects(): ShNode[] {
    const out: ShNode[] = [];
    for (;;) {
      this.skipBlanks();
      const r = this.redirect();
      if (!r) return out;
      out.push(r);
    }
  }

  /** A node of `type` from `start` (the cursor) to wherever `read`, reading its children, leaves the cursor. */
  private span(type: string, read: (node: ShNode) => void, start = this.i): ShNode {
    const node = this.node(type, start);
    read(node);
    node.endIndex = this.i;
    return node;
  }

  /**
   * The one shape every compound command is made of: an opening word at the cursor, at least
   * one statement up to a word of `stop`, and the closing word (`close`; null when the caller
   * reads what follows, as an `if` does with its clauses), all as children of `parent`:
   * `( … )`, `{ … }`, `if … then`, `elif … then`, `else … fi`, `while … do`, `do … done`.
   */
  private block(
    parent: ShNode,
    open: string,
    stop: ReadonlySet<string> | ')',
    close: string | null,
    unclosed = `\`${close}\` is missing`,
  ): void {
    this.token(parent, open);
    this.statements(parent, stop, true);
    if (close === null) return;
    this.skipBlankLines(parent);
    if (close === ')' ? this.code() !== 41 : this.reserved() !== close) this.error(unclosed);
    this.token(parent, close);
  }

  private subshell(): ShNode {
    return this.span('subshell', (node) => this.block(node, '(', ')', ')', '`(` is not closed'));
  }

  private group(): ShNode {
    return this.span('compound_statement', (node) =>
      this.block(node, '{', STOP_BRACE, '}', '`{` is not closed'),
    );
  }

  /** `(( … ))`: tree-sitter-bash calls it a compound_statement. */
  private arithmeticCommand(): ShNode {
    return this.span('compound_statement', (node) => {
      this.token(node, '((');
      this.arithmetic(node);
      this.token(node, '))');
    });
  }

  /** Arithmetic text up to the `))` that closes it: its expansions and substitutions as children. */
  private arithmetic(parent: ShNode): void {
    this.enter();
    let parens = 0;
    let lit = -1;
    const flush = () => {
      if (lit !== -1 && lit < this.i) parent.add(this.node('word', lit, this.i));
      lit = -1;
    };
    for (;;) {
      if (this.i >= this.s.length) this.error('`((` is not closed');
      const c = this.code();
      if (c === 41) {
        if (parens === 0) {
          if (this.code(this.i + 1) === -1) this.error('`((` is not closed');
          if (this.code(this.i + 1) !== 41) this.unsupported('`((` closed by a single `)`');
          break;
        }
        parens--;
      } else if (c === 40) parens++;
      if (c === 36 || c === 96 || c === 34 || c === 39) {
        flush();
        parent.add(this.piece(PIECE_ARITH));
        continue;
      }
      if (c === 92) {
        if (lit === -1) lit = this.i;
        this.i += 2;
        continue;
      }
      if (isBlank(c) || c === 10) {
        flush();
        this.i++;
        continue;
      }
      if (lit === -1) lit = this.i;
      this.i++;
    }
    flush();
    this.depth--;
  }

  /** `if … then …`, then `elif … then …` and `else …` clauses, and `fi`. */
  private ifStatement(): ShNode {
    return this.span('if_statement', (node) => {
      this.block(node, 'if', STOP_THEN, 'then');
      this.statements(node, STOP_IF_BODY, true);
      for (let word = this.reserved(); word === 'elif' || word === 'else'; word = this.reserved()) {
        const elif = word === 'elif';
        const clause = this.span(elif ? 'elif_clause' : 'else_clause', (c) => {
          if (!elif) return this.block(c, 'else', STOP_FI, null);
          this.block(c, 'elif', STOP_THEN, 'then');
          this.statements(c, STOP_IF_BODY, true);
        });
        node.add(clause);
      }
      this.skipBlankLines(node);
      if (this.reserved() !== 'fi') this.error('`fi` is missing');
      this.token(node, 'fi');
    });
  }

  /** `for NAME [in WORDS]`, `select …` or `for (( … ))`, then `;`, and the loop's body. */
  private forStatement(keyword: string): ShNode {
    const start = this.i;
    this.i += keyword.length;
    this.skipBlanks();
    const cStyle = this.startsWith('((');
    const type = cStyle ? 'c_style_for_statement' : 'for_statement';
    return this.span(
      type,
      (node) => {
        if (cStyle) {
          this.token(node, '((');
          this.arithmetic(node);
          this.token(node, '))');
        } else this.forWords(node, keyword);
        this.skipBlanks();
        if (this.code() === 59) this.token(node, ';');
        this.skipBlankLines(node);
        this.loopBody(node);
      },
      start,
    );
  }

  /** The variable of a `for`/`select` and its `in` words, if any. */
  private forWords(node: ShNode, keyword: string): void {
    const nameStart = this.i;
    while (isNameChar(this.code())) this.i++;
    if (this.i === nameStart || !isNameStart(this.s.charCodeAt(nameStart)))
      this.error(`\`${keyword}\` needs a variable name`);
    node.add(this.node('variable_name', nameStart, this.i), 'variable');
    this.skipBlankLines(node);
    if (this.reserved() !== 'in') return;
    this.token(node, 'in');
    for (;;) {
      this.skipBlanks();
      const c = this.code();
      if (c === 59 || c === 10 || c === -1) return;
      if (isMeta(c)) this.error(`unexpected \`${String.fromCharCode(c)}\` in a word list`);
      node.add(this.word(), 'value');
    }
  }

  /** `do … done` (or a `{ … }` group, which bash also takes). */
  private loopBody(parent: ShNode): void {
    const word = this.reserved();
    if (word === '{') {
      parent.add(this.group(), 'body');
      return;
    }
    if (word !== 'do') this.error('`do` is missing');
    parent.add(
      this.span('do_group', (body) => this.block(body, 'do', STOP_DONE, 'done')),
      'body',
    );
  }

  private whileStatement(keyword: string): ShNode {
    return this.span('while_statement', (node) => {
      this.block(node, keyword, STOP_DO, null);
      this.skipBlankLines(node);
      this.loopBody(node);
    });
  }

  private caseStatement(): ShNode {
    const node = this.node('case_statement', this.i);
    this.token(node, 'case');
    this.skipBlanks();
    node.add(this.word(), 'value');
    this.skipBlankLines(node);
    if (this.reserved() !== 'in') this.error('`in` is missing after `case`');
    this.token(node, 'in');
    for (;;) {
      this.skipBlankLines(node);
      if (this.reserved() === 'esac') break;
      if (this.i >= this.s.length) this.error('`esac` is missing');
      const item = this.node('case_item', this.i);
      if (this.code() === 40) this.token(item, '(');
      for (;;) {
        this.skipBlanks();
        const c = this.code();
        if (c === 41) break;
        if (c === 124) {
          this.token(item, '|');
          continue;
        }
        if (isMeta(c) || c === -1) this.error('a case pattern is not closed with `)`');
        item.add(this.word(), 'value');
      }
      this.token(item, ')');
      this.statements(item, STOP_CASE_ITEM);
      const end = this.startsWith(';;&')
        ? ';;&'
        : this.startsWith(';;')
          ? ';;'
          : this.startsWith(';&')
            ? ';&'
            : null;
      if (end) this.token(item, end);
      item.endIndex = this.i;
      node.add(item);
      if (!end) {
        this.skipBlankLines(node);
        if (this.reserved() !== 'esac') this.error('`;;` is missing');
      }
    }
    this.token(node, 'esac');
    node.endIndex = this.i;
    return node;
  }

  private functionDefinition(): ShNode {
    const node = this.node('function_definition', this.i);
    this.token(node, 'function');
    this.skipBlanks();
    const name = this.word();
    node.add(name, 'name');
    this.skipBlanks();
    if (this.startsWith('()')) {
      this.token(node, '(');
      this.token(node, ')');
    }
    this.functionBody(node);
    return node;
  }

  private functionBody(node: ShNode): void {
    this.skipBlankLines(node);
    const before = this.i;
    const body = this.command();
    const inner = body.type === 'redirected_statement' ? body.childForFieldName('body') : body;
    if (
      !inner ||
      ![
        'compound_statement',
        'subshell',
        'if_statement',
        'for_statement',
        'while_statement',
        'case_statement',
      ].includes(inner.type)
    )
      this.error('a function body must be a compound command', before);
    node.add(body, 'body');
    node.endIndex = body.endIndex;
  }

  /** `[[ … ]]`: words and operators up to `]]`. */
  private doubleTest(): ShNode {
    const node = this.node('test_command', this.i);
    this.token(node, '[[');
    this.enter();
    for (;;) {
      this.skipBlankLines(node);
      if (this.i >= this.s.length) this.error('`[[` is not closed');
      if (this.startsWith(']]') && (isMeta(this.code(this.i + 2)) || this.i + 2 >= this.s.length)) break;
      const c = this.code();
      if (c === 38 || c === 124 || c === 60 || c === 62 || c === 40 || c === 41 || c === 59) {
        const two = this.s.slice(this.i, this.i + 2);
        this.token(node, two === '&&' || two === '||' ? two : String.fromCharCode(c));
        continue;
      }
      if (this.startsWith('=~') && isBlank(this.code(this.i + 2))) {
        this.token(node, '=~');
        this.skipBlanks();
        node.add(this.regex());
        continue;
      }
      node.add(this.word());
    }
    this.token(node, ']]');
    this.depth--;
    node.endIndex = this.i;
    return node;
  }

  /** The right side of `=~`: up to a blank outside parentheses. */
  private regex(): ShNode {
    const start = this.i;
    let parens = 0;
    for (;;) {
      const c = this.code();
      if (c === -1 || c === 10 || (parens === 0 && (isBlank(c) || c === 59 || c === 38))) break;
      if (c === 96) this.unsupported('backquotes in a `=~` pattern are not read');
      if (c === 36) {
        const n = this.code(this.i + 1);
        // `$` ending a pattern or before `)`/`|` is an anchor; `$x`, `${…}`, `$(…)` expand.
        if (isNameStart(n) || isSpecialVar(n) || n === 123 || n === 40 || n === 39 || n === 34)
          this.unsupported('an expansion in a `=~` pattern is not read');
      }
      if (c === 39 || c === 34) {
        this.piece(PIECE_WORD);
        continue;
      }
      if (c === 40) parens++;
      else if (c === 41) parens--;
      this.i += c === 92 ? 2 : 1;
    }
    if (this.i === start) this.error('`=~` needs a pattern');
    return this.node('regex', start, Math.min(this.i, this.s.length));
  }

  /** A simple command: assignments, a name, arguments, redirections anywhere among them. */
  private simpleCommand(start: number): ShNode {
    // Allocated on first use: most commands of a long pipeline have no assignment or redirection.
    let assignments: ShNode[] = NO_NODES;
    let redirects: ShNode[] = NO_NODES;
    let args: ShNode[] = NO_NODES;
    // Full chunks of `args` (see ARG_CHUNK), joined once at the end.
    let argChunks: ShNode[][] | null = null;
    const addArg = (x: ShNode) => {
      if (args === NO_NODES) args = [];
      else if (args.length === ARG_CHUNK) {
        (argChunks ??= []).push(args);
        args = [];
      }
      args.push(x);
    };
    let name: ShNode | null = null;
    let kind: 'command' | 'declaration' | 'unset' | 'test' = 'command';
    let keyword = '';
    let closed = false;
    /** Plain words read so far among the arguments, by text (made when a command has many). */
    const seen: { words: Map<string, ShNode> | null; count: number } = { words: null, count: 0 };
    for (;;) {
      this.skipBlanks();
      const c = this.code();
      if (c === -1 || c === 10 || c === 59 || c === 124 || c === 41) break;
      if (c === 38 && !this.startsWith('&>')) break;
      if (c === 40) {
        if (name && !args.length && !redirects.length && this.startsWith('()', this.i)) {
          return this.shortFunction(name);
        }
        if (name && !args.length && !redirects.length) {
          let j = this.i + 1;
          while (isBlank(this.code(j))) j++;
          if (this.code(j) === 41) {
            this.i = j;
            return this.shortFunction(name, true);
          }
        }
        this.error('unexpected `(`');
      }
      const r = this.redirect();
      if (r) {
        (redirects === NO_NODES ? (redirects = []) : redirects).push(r);
        continue;
      }
      if (closed) this.error('a word after the `]` of a `[` test');
      if (
        kind === 'test' &&
        this.code() === 93 &&
        (isMeta(this.code(this.i + 1)) || this.i + 1 >= this.s.length)
      ) {
        this.i++;
        closed = true; // only redirections may follow
        continue;
      }
      if (!name || kind === 'declaration' || kind === 'unset') {
        const a = this.assignment(kind !== 'command' || !name);
        if (a) {
          if (name) addArg(a);
          else (assignments === NO_NODES ? (assignments = []) : assignments).push(a);
          continue;
        }
      }
      if (c === 35) break; // a comment: the rest of the line
      if (name && kind !== 'declaration' && kind !== 'unset') {
        const plain = this.plainWord(seen);
        if (plain) {
          addArg(plain);
          continue;
        }
      }
      const word = this.word();
      if (name) {
        addArg(
          (kind === 'declaration' || kind === 'unset') && isPlainName(word)
            ? this.node('variable_name', word.startIndex, word.endIndex)
            : word,
        );
        continue;
      }
      name = word;
      const t = word.type === 'word' ? word.text : '';
      if (DECLARATIONS.has(t) || UNSETS.has(t)) {
        kind = DECLARATIONS.has(t) ? 'declaration' : 'unset';
        keyword = t;
      } else if (t === '[') kind = 'test';
      if (assignments.length && kind !== 'command') this.unsupported('assignments before a declaration');
    }
    if (kind === 'test' && !closed) this.error('`[` is not closed with `]`');
    const chunks = argChunks as ShNode[][] | null; // (set by addArg: TypeScript does not follow closures)
    if (chunks) chunks.push(args);
    let node: ShNode;
    if (!name) {
      if (!assignments.length && !redirects.length) this.error('a command is missing', start);
      if (!redirects.length) {
        if (assignments.length === 1) return assignments[0]!;
        node = this.node('variable_assignments', start);
        for (const a of assignments) node.add(a);
        node.endIndex = assignments[assignments.length - 1]!.endIndex;
        return node;
      }
      node = this.node('command', start);
      for (const a of assignments) node.add(a);
      for (const r of redirects) node.add(r, 'redirect');
      node.endIndex = redirects[redirects.length - 1]!.endIndex;
      return node;
    }
    if (name.type === 'word' && name.text === '[') {
      node = this.node('test_command', name.startIndex);
      for (const list of chunks ?? [args]) for (const a of list) node.add(a);
    } else if (keyword) {
      node = this.node(kind === 'unset' ? 'unset_command' : 'declaration_command', name.startIndex);
      for (const list of chunks ?? [args]) for (const a of list) node.add(a);
    } else {
      node = this.node('command', assignments[0]?.startIndex ?? name.startIndex);
      for (const a of assignments) node.add(a);
      const nameNode = this.node('command_name', name.startIndex, name.endIndex);
      nameNode.add(name);
      node.add(nameNode, 'name');
      // tree-sitter's `argument` field: the walker never asks for it
      if (chunks) node.addMany(...chunks);
      else node.addMany(args);
    }
    const last = args[args.length - 1] ?? name;
    node.endIndex = last.endIndex;
    return redirects.length ? this.redirected(node, redirects) : node;
  }

  /**
   * An argument that is one plain word (no quote, escape, expansion or operator in it) at the
   * cursor, or null. From the 64th argument of a command on, a word read before is given as
   * the same node (`wc -l a.py a.py …`, a `find` expression of 20,000 words): it reads the
   * same, and the walker decodes it once. Its offsets are its first copy's; the walker's one
   * use of offsets among arguments (pieces glued without a blank) never meets two plain
   * words, which the reader always separates.
   */
  private plainWord(seen: { words: Map<string, ShNode> | null; count: number }): ShNode | null {
    const start = this.i;
    let j = start;
    for (;;) {
      const c = this.code(j);
      if (c === -1 || isMeta(c)) break;
      // $ ` " ' \ start pieces word() reads; `{`/`}` may be brace expansion or a reserved word.
      if (c === 36 || c === 96 || c === 34 || c === 39 || c === 92) return null;
      j++;
    }
    if (j === start) return null;
    const c = this.code(j);
    // `<(…)`/`>(…)` right after: word() decides what it is.
    if ((c === 60 || c === 62) && this.code(j + 1) === 40) return null;
    this.i = j;
    if (++seen.count < 64) return this.node('word', start, j);
    const text = this.s.slice(start, j);
    const words = (seen.words ??= new Map());
    let node = words.get(text);
    if (!node) {
      node = this.node('word', start, j);
      if (words.size < 4096) words.set(text, node);
    } else this.tick(start);
    return node;
  }

  /** `name() body` (the name already read). */
  private shortFunction(name: ShNode, spaced = false): ShNode {
    if (name.type !== 'word') this.error('a function name must be a word', name.startIndex);
    const node = this.node('function_definition', name.startIndex);
    node.add(name, 'name');
    if (spaced) {
      this.token(node, ')');
    } else {
      this.token(node, '(');
      this.token(node, ')');
    }
    this.functionBody(node);
    return node;
  }

  /** `NAME=value`, `NAME+=value`, `NAME[i]=value`, `NAME=(a b)` at the cursor, or null. */
  private assignment(allowed: boolean): ShNode | null {
    if (!allowed || !isNameStart(this.code())) return null;
    const start = this.i;
    let j = this.i;
    while (isNameChar(this.code(j))) j++;
    const nameEnd = j;
    let subscriptEnd = -1;
    if (this.code(j) === 91) {
      // NAME[…]: up to the matching `]` on this word (no blanks).
      let k = j + 1;
      let depth = 1;
      while (k < this.s.length && depth > 0) {
        const c = this.s.charCodeAt(k);
        if (c === 91) depth++;
        else if (c === 93) depth--;
        else if (isBlank(c) || c === 10) return null;
        k++;
      }
      if (depth !== 0) return null;
      subscriptEnd = k;
      j = k;
    }
    let op = '';
    if (this.code(j) === 61) op = '=';
    else if (this.code(j) === 43 && this.code(j + 1) === 61) op = '+=';
    else return null;
    const node = this.node('variable_assignment', start);
    if (subscriptEnd !== -1) {
      const sub = this.node('subscript', start, subscriptEnd);
      sub.add(this.node('variable_name', start, nameEnd), 'name');
      if (subscriptEnd - 1 > nameEnd + 1) {
        const saved = this.i;
        this.i = nameEnd + 1;
        const index = this.subscriptIndex(subscriptEnd - 1);
        sub.add(index, 'index');
        this.i = saved;
      }
      node.add(sub, 'name');
    } else node.add(this.node('variable_name', start, nameEnd), 'name');
    this.i = j;
    this.token(node, op);
    const c = this.code();
    if (c === 40) {
      const arr = this.node('array', this.i);
      this.token(arr, '(');
      this.enter();
      for (;;) {
        this.skipBlankLines(arr);
        if (this.code() === 41) break;
        if (this.i >= this.s.length) this.error('an array `(` is not closed');
        if (isMeta(this.code())) this.error('unexpected operator in an array');
        arr.add(this.word());
      }
      this.depth--;
      this.token(arr, ')');
      arr.endIndex = this.i;
      node.add(arr, 'value');
    } else if (!isMeta(c) && c !== -1) {
      node.add(this.word(), 'value');
    }
    node.endIndex = this.i;
    return node;
  }

  /** The text of a subscript, `a[$(cmd)]` included: its pieces read as a word up to `end`. */
  private subscriptIndex(end: number): ShNode {
    const start = this.i;
    const pieces: ShNode[] = [];
    let lit = -1;
    while (this.i < end) {
      const c = this.code();
      if (c === 36 || c === 96 || c === 34 || c === 39) {
        if (lit !== -1) pieces.push(this.node('word', lit, this.i));
        lit = -1;
        pieces.push(this.piece(PIECE_WORD));
        continue;
      }
      if (lit === -1) lit = this.i;
      this.i += c === 92 ? 2 : 1;
    }
    if (this.i !== end) this.unsupported('a subscript is not read');
    if (lit !== -1) pieces.push(this.node('word', lit, end));
    return this.joined(pieces, start, end);
  }

  /** A redirection at the cursor (its optional descriptor number included), or null. */
  private redirect(): ShNode | null {
    const start = this.i;
    let j = this.i;
    while (isDigit(this.code(j))) j++;
    const c = this.code(j);
    const amp = this.code(j) === 38 && this.code(j + 1) === 62; // &>
    if (!(c === 60 || c === 62 || (amp && j === start))) return null;
    if (c === 60 && this.code(j + 1) === 40) return null; // <( process substitution
    if (c === 62 && this.code(j + 1) === 40) return null; // >( process substitution
    const op = OPERATORS.find((o) => this.s.startsWith(o, j))!;
    if (op === '<<' || op === '<<-') return this.heredoc(start, j, op);
    if (op === '<<<') {
      const node = this.node('herestring_redirect', start);
      if (j > start) node.add(this.node('file_descriptor', start, j), 'descriptor');
      this.i = j;
      this.token(node, op);
      this.skipBlanks();
      if (isMeta(this.code()) || this.i >= this.s.length) this.error('`<<<` needs a word');
      node.add(this.word());
      node.endIndex = this.i;
      return node;
    }
    const node = this.node('file_redirect', start);
    if (j > start) node.add(this.node('file_descriptor', start, j), 'descriptor');
    this.i = j;
    this.token(node, op);
    this.skipBlanks();
    if (isMeta(this.code()) || this.i >= this.s.length) this.error(`\`${op}\` needs a file`);
    node.add(this.word(), 'destination');
    node.endIndex = this.i;
    return node;
  }

  private heredoc(start: number, j: number, op: string): ShNode {
    const node = this.node('heredoc_redirect', start);
    if (j > start) node.add(this.node('file_descriptor', start, j), 'descriptor');
    this.i = j;
    this.token(node, op);
    this.skipBlanks();
    const wordStart = this.i;
    if (isMeta(this.code()) || this.i >= this.s.length) this.error('`<<` needs a delimiter');
    const word = this.word();
    const raw = word.text;
    let delimiter = '';
    let quoted = false;
    for (let k = 0; k < raw.length; k++) {
      const ch = raw[k]!;
      if (ch === "'" || ch === '"') {
        quoted = true;
        continue;
      }
      if (ch === '\\') {
        quoted = true;
        k++;
        delimiter += raw[k] ?? '';
        continue;
      }
      if (ch === '$' || ch === '`')
        this.unsupported('a here-document delimiter with an expansion', wordStart);
      delimiter += ch;
    }
    node.add(this.node('heredoc_start', wordStart, this.i));
    node.endIndex = this.i;
    this.pending.push({ node, delimiter, strip: op === '<<-', quoted });
    return node;
  }

  /** Reads the bodies of the here-documents whose line just ended (the cursor is past its newline). */
  private heredocBodies(): void {
    if (!this.pending.length) return;
    const due = this.pending;
    this.pending = [];
    for (const h of due) {
      const bodyStart = this.i;
      let line = this.i;
      for (;;) {
        if (line >= this.s.length) this.error(UNCLOSED_HEREDOC, bodyStart);
        let end = this.s.indexOf('\n', line);
        if (end === -1) end = this.s.length;
        let from = line;
        if (h.strip) while (this.s.charCodeAt(from) === 9) from++;
        if (end - from === h.delimiter.length && this.s.startsWith(h.delimiter, from)) {
          const body = this.node('heredoc_body', bodyStart, line);
          if (!h.quoted) this.heredocPieces(body, bodyStart, line);
          h.node.add(body);
          h.node.add(this.node('heredoc_end', from, end));
          h.node.endIndex = end;
          this.i = Math.min(end + 1, this.s.length);
          break;
        }
        line = end + 1;
      }
    }
  }

  /** The expansions and substitutions in an unquoted here-document body. */
  private heredocPieces(body: ShNode, start: number, end: number): void {
    const saved = this.i;
    this.i = start;
    let lit = start;
    while (this.i < end) {
      const c = this.code();
      if (c === 92) {
        this.i += 2;
        continue;
      }
      if (c === 36 || c === 96) {
        const before = this.i;
        const piece = this.piece(PIECE_HEREDOC);
        if (piece.type === 'word') continue; // a lone `$`
        if (lit < before) body.add(this.node('heredoc_content', lit, before));
        body.add(piece);
        lit = this.i;
        continue;
      }
      this.i++;
    }
    if (this.i > end) this.error('an expansion runs past the end of a here-document');
    if (lit < end) body.add(this.node('heredoc_content', lit, end));
    this.i = saved;
  }

  /** One shell word: a single piece as itself, several as a concatenation. */
  private word(): ShNode {
    const start = this.i;
    let first: ShNode | null = null;
    let pieces: ShNode[] | null = null;
    let lit = -1;
    for (;;) {
      const c = this.code();
      let piece: ShNode | null = null;
      if (c === -1 || isMeta(c)) {
        // `<(…)`/`>(…)` starting a word is a process substitution, not a redirection
        if (!((c === 60 || c === 62) && this.code(this.i + 1) === 40 && lit === -1 && !first)) break;
        piece = this.piece(PIECE_WORD);
      } else if (c === 36 || c === 96 || c === 34 || c === 39) {
        const at = this.i;
        piece = this.piece(PIECE_WORD);
        if (piece.type === 'word') {
          if (lit === -1) lit = at;
          continue;
        }
        if (lit !== -1) {
          const w = this.node('word', lit, at);
          if (!first) first = w;
          else (pieces ??= [first]).push(w);
          lit = -1;
        }
      } else {
        if (lit === -1) lit = this.i;
        this.i += c === 92 && this.i + 1 < this.s.length ? 2 : 1;
        continue;
      }
      if (!first) first = piece;
      else (pieces ??= [first]).push(piece);
    }
    if (lit !== -1) {
      const w = this.node('word', lit, this.i);
      if (!first) first = w;
      else (pieces ??= [first]).push(w);
    }
    if (!first) this.error('a word is missing');
    return pieces ? this.joined(pieces, start, this.i) : first;
  }

  private joined(pieces: ShNode[], start: number, end: number): ShNode {
    if (pieces.length === 1) return pieces[0]!;
    const node = this.node('concatenation', start, end);
    for (const p of pieces) node.add(p);
    return node;
  }

  /**
   * A quoted or expanded piece at the cursor (`'…'`, `"…"`, `$'…'`, `$"…"`, `$x`, `${…}`,
   * `$(…)`, `$((…))`, `` `…` ``, `<(…)`, `>(…)`). A `$` that starts none of them is a
   * one-character `word`, which the caller takes as literal text.
   */
  private piece(ctx: number): ShNode {
    const start = this.i;
    const c = this.code();
    const next = this.code(this.i + 1);
    if (c === 39) {
      if (ctx === PIECE_HEREDOC) return this.literalChar();
      const end = this.s.indexOf("'", this.i + 1);
      if (end === -1) this.error('a single quote is not closed', start);
      this.i = end + 1;
      return this.node('raw_string', start, this.i);
    }
    if (c === 34) {
      if (ctx === PIECE_HEREDOC) return this.literalChar();
      return this.doubleQuoted();
    }
    if (c === 96) return this.backquoted(ctx === PIECE_STRING);
    if (c === 60 || c === 62) {
      const node = this.node('process_substitution', start);
      this.token(node, c === 60 ? '<(' : '>(');
      this.statements(node, ')');
      if (this.code() !== 41) this.error('`(` is not closed', start);
      this.token(node, ')');
      node.endIndex = this.i;
      return node;
    }
    // c === '$'
    if (next === 39 && ctx !== PIECE_HEREDOC && ctx !== PIECE_STRING) {
      let j = this.i + 2;
      for (;;) {
        const d = this.code(j);
        if (d === -1) this.error("a $'…' string is not closed", start);
        if (d === 92) j += 2;
        else if (d === 39) break;
        else j++;
      }
      this.i = j + 1;
      return this.node('ansi_c_string', start, this.i);
    }
    if (next === 34 && ctx !== PIECE_HEREDOC && ctx !== PIECE_STRING) {
      const node = this.node('translated_string', start);
      this.i++;
      node.add(this.doubleQuoted());
      node.endIndex = this.i;
      return node;
    }
    if (next === 40) {
      if (this.code(this.i + 2) === 40) {
        const node = this.node('arithmetic_expansion', start);
        this.token(node, '$((');
        this.arithmetic(node);
        this.token(node, '))');
        node.endIndex = this.i;
        return node;
      }
      const node = this.node('command_substitution', start);
      this.token(node, '$(');
      this.statements(node, ')');
      if (this.code() !== 41) this.error('`$(` is not closed', start);
      this.token(node, ')');
      node.endIndex = this.i;
      return node;
    }
    if (next === 123) return this.braced();
    if (isNameStart(next)) {
      this.i++;
      while (isNameChar(this.code())) this.i++;
      this.tick(start);
      return ShNode.expansion(this.s, start, this.i, 'variable_name');
    }
    if (isSpecialVar(next)) {
      this.i += 2;
      this.tick(start);
      return ShNode.expansion(
        this.s,
        start,
        this.i,
        isDigit(next) ? 'variable_name' : 'special_variable_name',
      );
    }
    return this.literalChar();
  }

  private literalChar(): ShNode {
    this.i++;
    return this.node('word', this.i - 1, this.i);
  }

  /** `"…"`: string_content runs and the expansions between them. */
  private doubleQuoted(): ShNode {
    const start = this.i;
    const node = this.node('string', start);
    this.token(node, '"');
    this.enter();
    let lit = -1;
    for (;;) {
      const c = this.code();
      if (c === -1) this.error('a double quote is not closed', start);
      if (c === 34) break;
      if (c === 92) {
        if (lit === -1) lit = this.i;
        this.i += 2;
        continue;
      }
      if (c === 36 || c === 96) {
        const at = this.i;
        const piece = this.piece(PIECE_STRING);
        if (piece.type === 'word') {
          if (lit === -1) lit = at;
          continue;
        }
        if (lit !== -1 && !this.blankRun(lit, at)) node.add(this.node('string_content', lit, at));
        lit = -1;
        node.add(piece);
        continue;
      }
      if (lit === -1) lit = this.i;
      this.i++;
    }
    if (lit !== -1 && !this.blankRun(lit, this.i)) node.add(this.node('string_content', lit, this.i));
    this.depth--;
    this.token(node, '"');
    node.endIndex = this.i;
    return node;
  }

  /**
   * Whether `[from, to)` is only blanks and newlines: tree-sitter-bash gives such a run inside
   * double quotes no string_content node (it joins the expansion after it, or the closing quote),
   * so a dynamic string's shape (`"$a $b"` → `****`) is the one the rules were written against.
   */
  private blankRun(from: number, to: number): boolean {
    for (let k = from; k < to; k++) {
      const c = this.s.charCodeAt(k);
      if (c !== 32 && c !== 9 && c !== 10) return false;
    }
    return true;
  }

  /**
   * `` `…` ``: the walker re-reads the body itself (after bash's backslash removal), so
   * only its extent is found here.
   */
  private backquoted(inString: boolean): ShNode {
    const start = this.i;
    let j = this.i + 1;
    for (;;) {
      const c = this.code(j);
      if (c === -1) this.error('a backquote is not closed', start);
      if (c === 92) j += 2;
      else if (c === 96) break;
      else if (c === 34 && inString)
        this.unsupported('a double quote inside backquotes inside double quotes', j);
      else j++;
    }
    this.i = j + 1;
    return this.node('command_substitution', start, this.i);
  }

  /** `${…}`: the variable (or subscript) and whatever follows it up to the matching `}`. */
  private braced(): ShNode {
    const start = this.i;
    const node = this.node('expansion', start);
    this.token(node, '${');
    this.enter();
    let c = this.code();
    if ((c === 35 || c === 33) && this.code(this.i + 1) !== 125) {
      this.token(node, c === 35 ? '#' : '!');
      c = this.code();
    }
    const nameStart = this.i;
    if (isNameStart(c)) {
      while (isNameChar(this.code())) this.i++;
    } else if (isDigit(c)) {
      while (isDigit(this.code())) this.i++;
    } else if (isSpecialVar(c)) this.i++;
    if (this.i > nameStart) {
      const special = !isNameStart(c) && !isDigit(c);
      const name = this.node(special ? 'special_variable_name' : 'variable_name', nameStart, this.i);
      if (this.code() === 91) {
        const close = this.s.indexOf(']', this.i);
        if (close === -1) this.error('a subscript `[` is not closed', this.i);
        const sub = this.node('subscript', nameStart, close + 1);
        sub.add(name, 'name');
        this.i++;
        if (close > this.i) sub.add(this.subscriptIndex(close), 'index');
        this.i = close;
        this.token(sub, ']');
        node.add(sub);
      } else node.add(name);
    }
    // The rest (`:-default`, `//a/b`, `#pattern`, …) up to the matching `}`.
    let lit = -1;
    for (;;) {
      const d = this.code();
      if (d === -1) this.error('`${` is not closed', start);
      if (d === 125) break;
      if (d === 36 || d === 96 || d === 34 || d === 39) {
        const at = this.i;
        const piece = this.piece(PIECE_WORD);
        if (piece.type === 'word') {
          if (lit === -1) lit = at;
          continue;
        }
        if (lit !== -1) node.add(this.node('word', lit, at));
        lit = -1;
        node.add(piece);
        continue;
      }
      if (d === 123) this.unsupported('a `{` inside `${…}` is not read');
      if (lit === -1) lit = this.i;
      this.i += d === 92 ? 2 : 1;
    }
    if (lit !== -1) node.add(this.node('word', lit, this.i));
    this.depth--;
    this.token(node, '}');
    node.endIndex = this.i;
    return node;
  }
}

const PIECE_WORD = 0;
const PIECE_STRING = 1;
const PIECE_HEREDOC = 2;
const PIECE_ARITH = 3;

/** Longest first, so `>>` is not read as `>`. */
const OPERATORS = ['&>>', '<<<', '<<-', '&>', '>>', '>&', '<&', '>|', '<>', '<<', '<', '>'];
/**
 * The punctuation the walker reads: list operators (`||` changes `cd` tracking), redirections, and
 * an assignment's `+=` (`D=/etc/; D+=passwd` appends: without it the walker took `D` for `passwd`).
 */
const KEPT_TOKENS = new Set(['&&', '||', '&', '+=', ...OPERATORS]);

const STOP_BRACE = new Set(['}']);
const STOP_THEN = new Set(['then']);
const STOP_IF_BODY = new Set(['elif', 'else', 'fi']);
const STOP_FI = new Set(['fi']);
const STOP_DO = new Set(['do']);
const STOP_DONE = new Set(['done']);
const STOP_CASE_ITEM = new Set([';;', 'esac']);

function isPlainName(node: ShNode): boolean {
  if (node.type !== 'word') return false;
  const t = node.text;
  if (!t || !isNameStart(t.charCodeAt(0))) return false;
  for (let k = 1; k < t.length; k++) if (!isNameChar(t.charCodeAt(k))) return false;
  return true;
}
