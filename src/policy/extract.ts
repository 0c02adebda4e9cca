import type { Parser } from 'web-tree-sitter';
import { parseBash, ShNode, UNCLOSED_HEREDOC, type SyntaxNode } from './bash.js';
import { isStrictlyInside, resolvePath } from './glob.js';
import type { Arg, CommandPart, FilePart, Part, Workspace } from './types.js';
import {
  assignVar,
  commandSetsVars,
  forgetVar,
  forLoop,
  heldPath,
  holdsPath,
  inBranch,
  namesSetByBuiltin,
  stopVars,
  SUBSCRIPT_CODE,
} from './vars.js';
import {
  decodeDoubleQuoted,
  decodeValue,
  joinContinuations,
  joinShapes,
  pwdWord,
  toArgs,
  type Decoded,
  literalAuthority,
} from './words.js';
import {
  isDecoder,
  isOpaqueDecoder,
  pgrepPids,
  portPids,
  printedRoots,
  printsInsidePaths,
} from './streams.js';
import { ALT, backslashEscapes, runWritten, unwrapCommand } from './wrappers.js';
import { readWrittenProject } from './written-projects.js';
import { interpreterFacts, textTool } from './program-file.js';
import { printfOutput } from './printf.js';
import {
  leadingOptions,
  namesNothingOption,
  specEffects,
  specMoves,
  type CodeLanguage,
  type ProgramSpec,
} from './programs.js';
import { perlModuleCheck, perlSubstitution } from './perl.js';
import { readCalls } from './calls.js';
import { javascriptEffects, pythonEffects, readerLimit, type CodeParsers, type Effect } from './inline.js';
import { Budget, NO_BUDGET, parseWithin } from './budget.js';
import {
  asChild,
  BUDGET_RULE,
  clip,
  overBudget,
  structure,
  type Printed,
  type ShellReader,
  type Stdin,
  type Walk,
  valueCwd,
  keepValueCwds,
} from './walk.js';

export { BUDGET_RULE, clip, structure, type ShellReader, type Stdin, type Walk };

type Node = SyntaxNode;

/**
 * Shell text is read by the linear reader (bash.ts), whatever its length: its plain-object tree
 * is read 3–4 times faster than tree-sitter-bash's WASM one (parse and walk p50 39 µs → 11 µs
 * over the bench's suite, decide 87 → 47–52 µs, on this VM), and the two agree on every command of
 * the corpora but a few where the reader follows bash (test/policy/bash-reader.test.ts). Text
 * shorter than this that the reader rejects as bash would (an open quote, a leading operator,
 * prose) goes to tree-sitter-bash instead: the rules for broken lines were written against its
 * error recovery. From this length on, tree-sitter-bash's parse of some lines alone takes longer
 * than a decision may (30–400 ms at 100,000 characters).
 */
export const LINEAR_FROM = 2000;

const MAX_DEPTH = 6;
const MAX_CWDS = 8;

const STATEMENTS = new Set([
  'program',
  'list',
  'pipeline',
  'subshell',
  'compound_statement',
  'do_group',
  'redirected_statement',
  'command',
  'variable_assignment',
  'variable_assignments',
  'declaration_command',
  'unset_command',
  'function_definition',
  'if_statement',
  'elif_clause',
  'else_clause',
  'for_statement',
  'c_style_for_statement',
  'while_statement',
  'case_statement',
  'case_item',
  'negated_command',
  'test_command',
  'comment',
]);

const VALUES = new Set([
  'word',
  'string',
  'raw_string',
  'ansi_c_string',
  'translated_string',
  'string_content',
  'concatenation',
  'simple_expansion',
  'expansion',
  'command_substitution',
  'process_substitution',
  'arithmetic_expansion',
  'number',
  'variable_name',
  'special_variable_name',
  'subscript',
  'brace_expression',
  'binary_expression',
  'unary_expression',
  'ternary_expression',
  'parenthesized_expression',
  'postfix_expression',
  'test_operator',
  'regex',
  'extglob_pattern',
  'array',
  'heredoc_body',
  'heredoc_content',
  'heredoc_start',
  'heredoc_end',
  'file_descriptor',
  'command_name',
  'comment',
]);

/** `[[ X -eq Y ]]` evaluates X and Y as arithmetic: a substitution that prints `a[$(cmd)]` runs cmd. */
const TEST_ARITHMETIC = /^\[\[[\s\S]*\s-(?:eq|ne|lt|le|gt|ge)\s/;
const SUBSTITUTION = /\$\(|`/;

const REDIRECTS = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);

/** A command name must be a plain word: no quotes, escapes, expansions, globs, braces or tildes. */
const LITERAL_NAME = /^[A-Za-z0-9_./+@%:,=-]+$/;
const SYSTEM_BIN_DIRS = new Set([
  '/bin',
  '/usr/bin',
  '/usr/local/bin',
  '/sbin',
  '/usr/sbin',
  '/usr/local/sbin',
]);

/**
 * Command names that no program in a PATH directory has, so bash only reports "command not
 * found" (exit 127): prose or a typo sent as a command (`THOUGHT:` from mini-swe-agent's and
 * Live-SWE-agent's format, SWE-agent's `DISCUSSION`, `true}` from `|| true}`, `find.`).
 * The shapes come from Debian's Contents index (bookworm main, amd64 and all: 46,386 file
 * names directly in bin, sbin, usr/bin, usr/sbin, usr/games, usr/local/bin), recomputed by
 * test/fixtures/policy/command-names/contents.mjs: none contains `:` or a brace, none ends
 * with `,` or `.`, and 138 are one word of capitals or a capital and small letters, the shapes
 * prose starts with (listed below: an English word such as `The`, `Now` or `I` that is not one
 * of them can only be prose). A name
 * must start with a letter or digit (`:` and `.` are builtins, `{`/`}` reserved words), holds
 * no quote, escape, expansion, glob or `/` (a path is never prose), and no `{` (brace
 * expansion: `{rm,-rf,~}` is `rm -rf ~`). Bash builtins and keywords are lower-case words
 * without these characters. Not taken as prose when the line could make the name run
 * something: a function of that name, `command_not_found_handle`, `hash -p`, `enable -f` or an
 * alias anywhere in it.
 */
const NAME_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_.,:}+@%-]*$/;
const NOT_A_PROGRAM_SHAPE = /[:}]|[.,]$/;
/**
 * Reserved words that only end or continue a compound command (bash(1), RESERVED WORDS): alone
 * in a command's place they are a syntax error (`bash -c $'echo a\n}\necho b'` prints `a`,
 * then stops), never a program's name, since bash reads them as reserved words before any lookup.
 */
const STRAY_CLOSERS = new Set(['}', 'fi', 'done', 'esac', 'then', 'else', 'elif', 'do']);
/** A word in capitals (`DISCUSSION`, `I`) or capitalised (`The`, `Now`): how prose starts. */
const CAPITAL_WORD = /^[A-Z](?:[A-Z]*|[a-z]*)$/;
/**
 * Debian bookworm's programs with such names: 34 in capitals (libwww-perl's GET/HEAD/POST, R,
 * X, MAKEDEV, …) and 104 capitalised (Xorg, Xvfb, Rscript, GNUstep's Save, Preview, Terminal, …).
 */
const DEBIAN_CAPITAL_WORDS = new Set(
  (
    'BAGEL CAI CAT CDS CVAIRS DRAWEXE FLOTTER FRA FTP GET GWAMA HEAD HYPHYMPI LOLCAT MAKEDEV ' +
    'MAKEFLOPPIES MMB NF OSCAR POST PRICE QSO R SNHELLO SNPOST SPASS STAR SURVIVOR THESIAS TOPPAS ' +
    'UL WRAPIT X XFDR Affiche Allure Almighty Animate Arrange Assemblytics Bandage Banner Between ' +
    'Bonds Burrow Calculator Camera Canonicalise Catrack Ceni Cenon Charmap Chess Crack ' +
    'Cultivation Cynthiune Decharger Digestor Epifany Esetroot Etbg Etcolors Eterm Etsearch ' +
    'Ettable Fapropos Fdata Fdescr Fenv Fgo Fgrids Fhelp Findex Finstall Fortunate Fpalette Fpatch ' +
    'Fpattern Fpurge Fsort Gomoku Gorm Gravitation Gravity Gridlock Grr Honey Ident Ink Jamulus ' +
    'Jelly Kars Konclude Lynkeos Maelstrom Mailsound Mapper Nekobi Orthanc Packer Pager Paje ' +
    'Passage Perseus Planimeter Poe Preview Primrose Projucer Psequin Ray Recycler Redirect ' +
    'Replication Repo Resampler Rscript Save Sibelia Singular Swish Terminal Thunar Transcend ' +
    'Validate Wharf Xalan Xdummy Xephyr Xnest Xorg Xspice Xtigervnc Xtightvnc Xtract Xvfb Xwayland ' +
    'Zipper'
  ).split(' '),
);
const NOT_A_PROGRAM_WHY =
  "no program in Debian has a `:` or `}` in its name or ends one with `.` or `,`, and no program of Debian's 46,386 has this name of capitals or a capital and small letters";
/** What makes a name run something: the not-found hook, `hash -p`, `enable -f`, an alias (each denied on its own too). */
const NAME_MAY_RUN =
  /\bcommand_not_found_handle\b|\bhash[ \t]+-[A-Za-z]*p|\benable[ \t]+-[A-Za-z]*f|\balias[ \t]+[^ \t=]+=/;

function notAProgram(walk: Walk, name: string): boolean {
  if (name.length > 200 || !NAME_SHAPE.test(name)) return false;
  if (!NOT_A_PROGRAM_SHAPE.test(name) && !(CAPITAL_WORD.test(name) && !DEBIAN_CAPITAL_WORDS.has(name)))
    return false;
  return !lineMayDefine(walk.context, name);
}

/**
 * Whether `line` could make `name` run something other than a program looked up on PATH: a
 * function of that name (`THOUGHT:() { …; }`, `function THOUGHT: { …; }`), the not-found hook
 * `command_not_found_handle`, `hash -p`, `enable -f` or an alias anywhere in it.
 */
export function lineMayDefine(line: string, name: string): boolean {
  if (NAME_MAY_RUN.test(line)) return true;
  for (let at = line.indexOf(name); at >= 0; at = line.indexOf(name, at + 1))
    if (
      /^[ \t]*\(/.test(line.slice(at + name.length, at + name.length + 16)) ||
      /\bfunction[ \t]+$/.test(line.slice(Math.max(0, at - 16), at))
    )
      return true;
  return false;
}

/**
 * A command name whose value after quote removal holds a blank or a quote, spelled only with
 * literal words and quotes (`We're still stuck. It's` is the name `Were still stuck. Its`): no
 * program in a PATH directory of Debian has a blank or an apostrophe in its name (Contents
 * index, see NAME_SHAPE), a function cannot be named so (bash: "not a valid identifier"), and
 * with no `/` bash only looks it up in PATH: "command not found". A `/`, `\\`, `$`, a glob, `~`
 * or `{` anywhere keeps the usual refusal (`"rm"`, `'./my script'`).
 */
function quotedBlankName(walk: Walk, name: Node): boolean {
  const text = name.text;
  if (text.length > 4096 || /[/\\$`*?[\]~{]/.test(text) || !/^[A-Za-z0-9'"]/.test(text)) return false;
  const pieces = name.type === 'concatenation' ? name.namedChildren : [name];
  let value = '';
  for (const p of pieces) {
    if (!p) return false;
    if (p.type === 'word') value += p.text;
    else if (p.type === 'raw_string') value += p.text.slice(1, -1);
    else if (p.type === 'string' && p.namedChildren.every((c) => c?.type === 'string_content'))
      value += p.text.slice(1, -1);
    else return false;
  }
  if (!/[ \t\n'"]/.test(value)) return false;
  return !NAME_MAY_RUN.test(walk.context);
}

/** Fail closed on a node type the walker does not know. */
function unknownSyntax(walk: Walk, node: Node): void {
  structure(
    walk,
    node.text,
    'shell:unknown-syntax',
    `shell syntax \`${node.type}\` is not understood, so it is denied`,
  );
}

/** Parses `script` and walks it; used for the top level and for `bash -c`, `eval`, heredocs into shells. */
export function walkScript(walk: Walk, script: string, stdin: Stdin, where: string): void {
  if (overBudget(walk)) return;
  if (walk.depth >= MAX_DEPTH) {
    structure(
      walk,
      script,
      'shell:too-deep',
      `nesting deeper than ${MAX_DEPTH} levels (${where}) is not checked`,
    );
    return;
  }
  const text = joinContinuations(script);
  if (walk.reader !== 'tree-sitter') {
    walkLinear(walk, text, stdin, where);
    return;
  }
  const tree = parseWithin(walk.parser, text, walk.budget);
  if (!tree) {
    if (overBudget(walk)) return;
    structure(walk, script, 'shell:unparseable', `the shell text ${where} could not be parsed`);
    return;
  }
  let deleted = false;
  try {
    const root = tree.rootNode;
    if (root.hasError) {
      const closed = heredocClosedAtEnd(walk, text);
      if (closed !== null) {
        tree.delete();
        deleted = true;
        walkHeredocAtEnd(walk, closed, stdin, where);
        return;
      }
      const runs = beforeLeadingOperator(walk, text);
      if (runs !== null) {
        tree.delete();
        deleted = true;
        walkStopped(walk, runs, stdin, where);
        return;
      }
      const open = walk.depth === 0 ? beforeOpenQuote(walk, text) : null;
      if (open !== null) {
        tree.delete();
        deleted = true;
        walkBeforeOpenQuote(walk, open, stdin);
        return;
      }
      const bad = findError(root);
      const at = bad ? ` near \`${clip(bad.text || script)}\`` : '';
      structure(
        walk,
        script,
        'shell:unparseable',
        `the shell text ${where} does not parse${at}; unparseable input is denied`,
      );
      return;
    }
    walk.depth++;
    nested(walk, where, () => walkStatement(walk, root, stdin));
    walk.depth--;
  } finally {
    if (!deleted) tree.delete();
  }
}

/**
 * Walks what runs before the line bash stops at, then the text after that line's operator as
 * if it ran too: it does not, but what the model meant by it is decided all the same, so the
 * line is refused for what it asks (`echo a\n&& rm -rf ~` is denied) and allowed only when
 * both would be.
 */
function walkStopped(walk: Walk, at: { runs: string; rest: string }, stdin: Stdin, where: string): void {
  walkScript(walk, at.runs, stdin, where);
  walkScript(walk, at.rest, { kind: 'none' }, where);
}

/** A line that starts with an operator no command can start with (bash: "syntax error near unexpected token"). */
const LEADING_OPERATOR = /^[ \t]*(&&|\|\||\||;)/;

/**
 * What bash runs of text that does not parse because a line starts with `&&`, `||`, `|` or
 * `;` (a model continuing a command on the next line): `bash -c` (how the sandbox runs every
 * command) reads and runs one complete command at a time, so everything before that line
 * runs and nothing from it on does (a syntax error ends the script). Null unless the text
 * before the first such line parses on its own, ends no line with a continuation and leaves
 * no here-document open (tree-sitter-bash rejects an unterminated one): then that line is
 * surely where bash stops.
 */
function beforeLeadingOperator(walk: Walk, text: string): { runs: string; rest: string } | null {
  let start = text.indexOf('\n') + 1;
  while (start > 0 && start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    if (LEADING_OPERATOR.test(text.slice(start, Math.min(end, start + 16)))) {
      const prefix = text.slice(0, start);
      if (!prefix.trim() || prefix.length >= FALLBACK_BELOW || /\\[ \t]*\n$/.test(prefix)) return null;
      const tree = parseWithin(walk.parser, prefix, walk.budget);
      if (!tree) return null;
      try {
        return tree.rootNode.hasError
          ? null
          : { runs: prefix, rest: text.slice(start).replace(LEADING_OPERATOR, '') };
      } finally {
        tree.delete();
      }
    }
    start = nl + 1;
  }
  return null;
}

/** What `bash -c` runs of text whose last quote is never closed: the lines before `line`. */
interface OpenQuote {
  runs: string;
  /** What bash never runs: from the start of that command list to the end. */
  rest: string;
  /** 1-based line where the command list holding the open quote starts. */
  line: number;
  quote: string;
}

/** The node types a closing quote ends, by the quote character. */
const CLOSED_BY: Record<string, ReadonlySet<string>> = {
  "'": new Set(['raw_string', 'ansi_c_string']),
  '"': new Set(['string', 'translated_string']),
  '`': new Set(['command_substitution']),
};

/**
 * What bash runs of text that does not parse because a quote in it is never closed (prose
 * sent as a command: `Let's`, `I'll`). `bash -c` (how the sandbox runs every command, see
 * src/sandbox/update-exec.ts) reads and runs one complete top-level command list at a time,
 * once it has read the newline that ends it, and stops at the first syntax error: the list
 * holding the error never runs (`bash -c $'echo a\necho "b'` prints a; `bash -c 'echo a;
 * echo "b'` prints nothing). The test relies only on the policy's premise that a clean
 * tree-sitter-bash parse is bash's parse: when the text plus one closing quote (`'`, `"` or a
 * backquote) parses cleanly, and that character closes a quote opened earlier (not an
 * escaped one: `echo a \` runs), every earlier character is in the same quoting state in
 * both texts, so the command lists that end on lines before the one holding the open quote
 * are what bash runs, and nothing from that list on. Null otherwise (everything else that
 * does not parse stays refused, such as two here-documents with one delimiter, which bash
 * accepts and tree-sitter-bash does not).
 */
function beforeOpenQuote(walk: Walk, text: string): OpenQuote | null {
  if (text.length >= FALLBACK_BELOW) return null;
  for (const quote of ["'", '"', '`']) {
    const tree = parseWithin(walk.parser, text + quote, walk.budget);
    if (!tree) return null;
    try {
      const root = tree.rootNode;
      if (root.hasError) continue;
      // The added character must close a quote that opens before it.
      let closes = false;
      for (
        let n: typeof root | null = root.descendantForIndex(text.length, text.length + 1);
        n;
        n = n.parent
      ) {
        if (n.endIndex !== text.length + 1) break;
        if (CLOSED_BY[quote]!.has(n.type) && n.startIndex < text.length) {
          closes = n.type !== 'command_substitution' || text[n.startIndex] === '`';
          break;
        }
      }
      if (!closes) return null;
      // The top-level command holding the open quote, then back over the commands that end
      // on the same line as the one after them (one list for bash: `echo a; echo "b`).
      const top = root.namedChildren.filter((c): c is NonNullable<typeof c> => c !== null);
      let cut = top.findIndex((c) => c.endIndex > text.length);
      if (cut < 0) return null;
      while (cut > 0) {
        const before = top[cut - 1]!;
        if (text.slice(before.endIndex - 1, top[cut]!.startIndex).includes('\n')) break;
        cut--;
      }
      const start = top[cut]!.startIndex;
      const runs = text.slice(0, start);
      if (/\\[ \t]*$/.test(runs.replace(/\n$/, ''))) return null;
      if (runs.trim()) {
        const head = parseWithin(walk.parser, runs, walk.budget);
        if (!head) return null;
        const clean = !head.rootNode.hasError;
        head.delete();
        if (!clean) return null;
      }
      return { runs, rest: text.slice(start), line: top[cut]!.startPosition.row + 1, quote };
    } finally {
      tree.delete();
    }
  }
  return null;
}

/** Walks what bash runs before the open quote; the rest never runs, which the line records. */
function walkBeforeOpenQuote(walk: Walk, open: OpenQuote, stdin: Stdin): void {
  const q = open.quote === '`' ? 'backquote' : open.quote === "'" ? 'single quote' : 'double quote';
  walk.parts.push({
    kind: 'structure',
    text: clip(open.rest),
    decision: 'allow',
    rule: 'shell:stops-at-open-quote',
    reason: `bash stops at the ${q} opened in the command starting on line ${open.line} and never closed (a syntax error): nothing from that line on runs${open.runs.trim() ? ', what comes before it is decided' : ''}`,
  });
  if (open.runs.trim()) walkScript(walk, open.runs, stdin, 'before the open quote');
}

/** A here-document operator and its delimiter word (quoted or not), as bash reads the delimiter. */
const HEREDOC_OPERATOR = /<<-?[ \t]*(?:'([^'\n]*)'|"([^"\n]*)"|((?:\\.|[^\s;&|<>()'"`$\\])+))/g;

/**
 * `text`, whose last here-document the input ends inside, with that here-document's delimiter line
 * added at the end: what bash runs. Bash reads such a here-document to the end of the input (it warns
 * "here-document at line N delimited by end-of-file") and runs the command, as an agent's command does
 * whose here-document was cut short (mini-swe-agent takes the first ``` line, the end of a Markdown
 * fence inside a README the agent writes, as the end of its command). Only a delimiter of the text's
 * own here-document operators is tried, the last three distinct ones, and only a text that then reads
 * without an error is returned: the added line closes the here-document left open, so every earlier
 * character reads as before. Null otherwise.
 */
function closeHeredocAtEnd(text: string, expired?: () => boolean): string | null {
  const delimiters = [
    ...new Set(
      [...text.matchAll(HEREDOC_OPERATOR)].map((m) => m[1] ?? m[2] ?? m[3]!.replace(/\\(.)/g, '$1')),
    ),
  ]
    .filter((d) => d !== '' && !d.includes('\n'))
    .slice(-3)
    .reverse();
  for (const d of delimiters) {
    const closed = `${text}${text.endsWith('\n') ? '' : '\n'}${d}`;
    if (parseBash(closed, expired).kind === 'ok') return closed;
  }
  return null;
}

/** The walk's budget as the linear reader asks it. */
function expiredOf(walk: Walk): (() => boolean) | undefined {
  const budget = walk.budget;
  return budget === NO_BUDGET ? undefined : () => budget.expired();
}

/**
 * For text tree-sitter-bash does not parse: the text closed as bash reads it when what the linear
 * reader finds wrong is only a here-document the input ends inside (both readers then decide it alike).
 */
function heredocClosedAtEnd(walk: Walk, text: string): string | null {
  const read = parseBash(text, expiredOf(walk));
  return read.kind === 'error' && read.reason === UNCLOSED_HEREDOC
    ? closeHeredocAtEnd(text, expiredOf(walk))
    : null;
}

/** Walks a command whose last here-document runs to the end of the input, as bash reads it. */
function walkHeredocAtEnd(walk: Walk, closed: string, stdin: Stdin, where: string): void {
  walk.parts.push({
    kind: 'structure',
    text: clip(closed.slice(closed.lastIndexOf('\n') + 1)),
    decision: 'allow',
    rule: 'shell:heredoc-at-end-of-input',
    reason:
      'the input ends inside a here-document: bash reads it to the end of the input (with a warning) and runs the command, which is decided as if its delimiter closed it there',
  });
  walkScript(walk, closed, stdin, where);
}

/** Below this many characters, text the linear reader does not follow goes to tree-sitter-bash. */
const FALLBACK_BELOW = 8000;

/** Walks `text` as tree-sitter-bash reads it (the walks it starts go back to the default reader). */
function viaTreeSitter(walk: Walk, text: string, stdin: Stdin, where: string): void {
  if (walk.budget === NO_BUDGET && Number.isFinite(walk.fallbackMs))
    walk.budget = new Budget(walk.fallbackMs);
  walk.reader = 'tree-sitter';
  try {
    walkScript(walk, text, stdin, where);
  } finally {
    walk.reader = 'auto';
  }
}

/** Reads `text` with the linear reader and walks it (the reader's tree has tree-sitter-bash's shape). */
function walkLinear(walk: Walk, text: string, stdin: Stdin, where: string): void {
  const budget = walk.budget;
  const read = parseBash(text, budget === NO_BUDGET ? undefined : () => budget.expired());
  if (read.kind === 'budget') {
    overBudget(walk);
    return;
  }
  if (read.kind === 'error' && read.reason === UNCLOSED_HEREDOC) {
    const closed = closeHeredocAtEnd(text, expiredOf(walk));
    if (closed !== null) {
      walkHeredocAtEnd(walk, closed, stdin, where);
      return;
    }
  }
  if (read.kind === 'error' && walk.reader === 'auto' && text.length < LINEAR_FROM) {
    // Text bash would reject, short: tree-sitter-bash's reading of it, whose error recovery the
    // rules for prose and broken lines were written against (an open quote, a leading operator).
    viaTreeSitter(walk, text, stdin, where);
    return;
  }
  if (read.kind === 'error') {
    const runs = beforeLeadingOperator(walk, text);
    if (runs !== null) {
      walkStopped(walk, runs, stdin, where);
      return;
    }
    const open = walk.depth === 0 ? beforeOpenQuote(walk, text) : null;
    if (open !== null) {
      walkBeforeOpenQuote(walk, open, stdin);
      return;
    }
    structure(
      walk,
      text,
      'shell:unparseable',
      `the shell text ${where} does not parse (${read.reason}) near \`${clip(text.slice(read.at, read.at + 60) || text)}\`; unparseable input is denied`,
    );
    return;
  }
  if (read.kind === 'unsupported') {
    if (walk.reader === 'auto' && text.length < FALLBACK_BELOW && !read.limit) {
      // Short enough for tree-sitter-bash to parse within the limit (but not past the nesting or
      // chain limit: 300 nested `$(` took it 5 ms of error recovery, and the line asks either way).
      viaTreeSitter(walk, text, stdin, where);
      return;
    }
    walk.parts.push({
      kind: 'structure',
      text: clip(text),
      decision: 'ask',
      rule: 'shell:unsupported',
      reason: `the shell text ${where} uses syntax the reader of long commands does not follow (${read.reason}, near \`${clip(text.slice(read.at, read.at + 40))}\`), so it needs approval; split it into shorter commands`,
    });
    return;
  }
  walk.depth++;
  nested(walk, where, () => walkStatement(walk, read.root, stdin));
  walk.depth--;
}

/**
 * Shell text run by another shell (`bash -c`, a here-document fed to `sh`, code's
 * `os.system`) starts with no variable of this line known: it sees only exported ones, and
 * what it assigns stays there. Backquotes and `eval` run in this shell (`eval` stops the following).
 */
function nested(walk: Walk, where: string, body: () => void): void {
  if (walk.depth <= 1) return body();
  // A `cd` before it that may have failed (`cd sub && bash -c './bin/t'`) is merged at the outer
  // line's next `;`, not inside: the text runs only once the `cd` succeeded, in its directory.
  const pending = walk.fallback;
  walk.fallback = [];
  try {
    childShell(walk, where, body);
  } finally {
    walk.fallback = [...pending, ...walk.fallback];
  }
}

function childShell(walk: Walk, where: string, body: () => void): void {
  if (where === 'inside backquotes' || where === 'given to `eval`') return body();
  const { vars, varsOff, varsVersion } = walk;
  walk.vars = new Map();
  walk.varsOff = false;
  walk.varsVersion++;
  try {
    body();
  } finally {
    // This shell's variables are as they were: so is the version that names their state.
    walk.vars = vars;
    walk.varsOff = varsOff;
    walk.varsVersion = varsVersion;
  }
}

function findError(node: Node): Node | null {
  if (node.isError || node.isMissing) return node;
  for (const child of node.children) {
    if (child?.hasError || child?.isMissing) {
      const found = findError(child);
      if (found) return found;
    }
  }
  return null;
}

function walkStatement(walk: Walk, node: Node, stdin: Stdin): void {
  if (overBudget(walk)) return;
  switch (node.type) {
    case 'comment':
      return;
    case 'command':
      walkCommand(walk, node, stdin, []);
      return;
    case 'redirected_statement':
      walkRedirected(walk, node, stdin);
      return;
    case 'pipeline': {
      let input = stdin;
      const again = new RepeatedStatement();
      // The previous stage's one command, when it printed the whole environment (`env | grep x`).
      let printer: CommandPart | null = null;
      for (const child of node.namedChildren) {
        if (!child) continue;
        // `sort | sort | …`: a stage like a recent one, fed the same way, adds nothing.
        const seen = again.skips(walk, child, input);
        if (seen) {
          input = seen.next;
          printer = null;
          continue;
        }
        const from = walk.parts.length;
        again.before(walk, child, input);
        // Every stage of a pipeline runs in a subshell of its own.
        inBranch(walk, () => walkStatement(walk, child, input));
        const word = printer ? grepWord(walk.parts, from) : undefined;
        if (printer && word !== undefined) printer.outputFilter = word;
        printer = environmentPrinter(walk.parts, from);
        const paths = printsInsidePaths(walk, from, input);
        // Inside paths keep their roots only with a name filter (`find . -name '.env*'`): xargs and
        // `while read` hand them on with it, so a protected name among them is still told.
        const listed = printedRoots(walk, from, input);
        const roots = paths && listed?.name === undefined ? undefined : listed;
        // Text put together by this stage (echo, printf, a filter) or passed through it.
        const assembled = assemblesAny(walk, from, input) || undefined;
        // `lsof -ti:3000 | xargs kill`: the PIDs of the processes on a port.
        const pids = portPids(walk, from, input);
        // `pgrep -f "hugo server" | xargs kill`: the PIDs pgrep prints for these arguments.
        const pgrep = pgrepPids(walk, from, input);
        input = roots ? { kind: 'pipe', paths, roots, assembled } : { kind: 'pipe', paths, assembled };
        if (pids) input.pids = pids;
        if (pgrep) input.pgrep = pgrep;
        // `echo /x | xargs cat`: echo and printf of literal words hand on what they print (as
        // `> file` records it), when bash and sh print the same.
        if (input.kind === 'pipe') {
          const printed = printedText(walk, child, from);
          if (printed !== null) input.printed = printed;
        }
        again.after(walk, from, input);
      }
      return;
    }
    case 'variable_assignment':
      walkAssignment(walk, node);
      return;
    case 'declaration_command':
    case 'unset_command': {
      const words: Arg[] = [];
      // `declare -p NAME` (typeset, local, readonly, export) prints NAME: a read, not a set.
      const prints =
        node.type === 'declaration_command' &&
        node.namedChildren.some((c) => c?.type === 'word' && /^-[A-Za-z]*p/.test(c.text));
      // `declare -n` makes a name another's alias, `-i` evaluates values, `unset -f`/`-n`: not followed.
      if (node.namedChildren.some((c) => c?.type === 'word' && /^[-+][A-Za-z]*[^-xrgpv+]/.test(c.text)))
        stopVars(walk);
      if (node.type === 'unset_command') for (const c of node.namedChildren) if (c) forgetVar(walk, c.text);
      // `export X=…`, `declare -x X=…`: set for the environment of what runs after it.
      const exported =
        node.type === 'declaration_command' &&
        (/^export\b/.test(node.text) ||
          node.namedChildren.some((c) => c?.type === 'word' && /^-[A-Za-z]*x/.test(c.text)));
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type === 'variable_assignment') {
          walkAssignment(walk, child, true, exported);
          words.push({ text: child.text, dynamic: false, glob: false }); // NAME=value is never a flag
        } else if (child.type === 'variable_name') {
          addVariable(walk, child.text, node.text, prints ? 'read' : 'set');
          words.push({ text: child.text, dynamic: false, glob: false });
        } else {
          scanValue(walk, child);
          words.push(...toArgs(decodeValue(child, walk.vars)));
        }
      }
      const keyword = node.text.split(/\s/, 1)[0] ?? node.type;
      walk.parts.push({
        kind: 'command',
        text: node.text,
        name: keyword,
        args: words,
        cwd: walk.cwd,
        via: [],
        context: walk.context,
      });
      return;
    }
    case 'test_command':
      // `[[ -v 'a[$(cmd)]' ]]` evaluates the subscript, substitution included.
      if (
        SUBSCRIPT_CODE.test(node.text) ||
        (TEST_ARITHMETIC.test(node.text) && SUBSTITUTION.test(node.text))
      ) {
        structure(
          walk,
          node.text,
          'shell:subscript-evaluation',
          `\`${clip(node.text, 50)}\` has an array subscript that runs a command when evaluated, so it is denied`,
        );
      }
      break;
    case 'function_definition': {
      // A function may be called anywhere after this and set any variable.
      stopVars(walk);
      const name = node.childForFieldName('name')?.text ?? '';
      const from = walk.parts.length;
      const body = node.childForFieldName('body');
      if (body) walkStatement(walk, body, { kind: 'none' });
      if (walk.parts.slice(from).some((p) => p.kind === 'command' && p.name === name)) {
        structure(
          walk,
          node.text,
          'shell:recursive-function',
          `function \`${clip(name, 30)}\` calls itself (a fork bomb shape), so it is denied`,
        );
      }
      return;
    }
    case 'for_statement':
      if (walkForIn(walk, node, stdin)) return;
      break;
    case 'while_statement':
      if (walkWhileRead(walk, node, stdin)) return;
      break;
    default:
      break;
  }
  if (BRANCHES.has(node.type)) {
    inBranch(walk, () => walkChildren(walk, node, stdin));
    return;
  }
  walkChildren(walk, node, stdin);
}

/** Where the statements among `node`'s children that are followed by `&` start, or null when there are none. */
function backgrounded(node: Node): Set<number> | null {
  // Only statement sequences hold `&` between statements (a list's `&&` is one token).
  if (!SEQUENCES.has(node.type)) return null;
  let set: Set<number> | null = null;
  let last: Node | null = null;
  for (const c of node.children) {
    if (!c) continue;
    if (c.isNamed) last = c;
    else if (c.text === '&' && last) (set ??= new Set()).add(last.startIndex);
  }
  return set;
}

const SEQUENCES = new Set([
  'program',
  'compound_statement',
  'subshell',
  'do_group',
  'if_statement',
  'elif_clause',
  'else_clause',
  'case_item',
  'while_statement',
]);

/** Statements whose parts may not run, run more than once, or run in a subshell. */
const BRANCHES = new Set([
  'subshell',
  'if_statement',
  'for_statement',
  'c_style_for_statement',
  'while_statement',
  'case_statement',
]);

/**
 * `for NAME in WORDS; do …; done`: NAME takes each word (vars.ts). False when the shape is not
 * the plain one (then the statement is walked as any other).
 */
function walkForIn(walk: Walk, node: Node, stdin: Stdin): boolean {
  const variable = node.childForFieldName('variable');
  const body = node.childForFieldName('body');
  if (!variable || !body || variable.type !== 'variable_name') return false;
  const values = node.childrenForFieldName('value').filter((v): v is Node => v !== null);
  for (const v of values) scanValue(walk, v);
  // No words (`for x; do`): the positional parameters, never known.
  const args = values.length === 0 ? null : argsOf(walk, values);
  const words = args?.map((a) => decodedArg(a)) ?? null;
  // `for f in $(find src -name '*.js')`: each value is a path inside the workspace.
  // With a name filter (`$(find . -name '.env*')`) the loop variable keeps the producer's roots.
  const paths =
    args !== null && args.length > 0 && args.every((a) => a.inside)
      ? args.length === 1 && args[0]!.under
        ? { under: args[0]!.under }
        : {}
      : null;
  forLoop(walk, variable.text, words, () => walkStatement(walk, body, stdin), paths);
  return true;
}

/**
 * `find src -name '*.js' | while read -r f; do …; done` (also `IFS= read -r f`): each line the
 * loop reads is a path inside the workspace when what comes down the pipe is only such paths
 * (as xargs hands them: wrappers.ts), so `"$f"` in its body is one (Walk.pathVars). Other loops
 * are walked as before.
 */
function walkWhileRead(walk: Walk, node: Node, stdin: Stdin): boolean {
  if (stdin.kind !== 'pipe' || !stdin.paths || walk.varsOff) return false;
  const body = node.childForFieldName('body');
  // (tree-sitter-bash hands a new object for each child it is asked for: compared by position)
  const condition = node.namedChildren.filter(
    (c): c is Node => c !== null && c.startIndex !== body?.startIndex && c.type !== 'comment',
  );
  if (!body || condition.length !== 1 || condition[0]!.type !== 'command') return false;
  const name = /^(?:IFS=(?:''|"")?\s+)?read\s+(?:-r\s+)?([A-Za-z_][A-Za-z0-9_]*)$/.exec(
    condition[0]!.text,
  )?.[1];
  if (!name) return false;
  inBranch(walk, () => {
    walkStatement(walk, condition[0]!, stdin);
    holdsPath(walk, name, stdin.roots);
    try {
      walkStatement(walk, body, stdin);
    } finally {
      walk.pathVars?.delete(name);
    }
  });
  return true;
}

function decodedArg(a: Arg): Decoded {
  return {
    text: a.text,
    dynamic: a.dynamic,
    glob: a.glob,
    braces: false,
    ...(a.pattern ? { pattern: a.pattern } : {}),
  };
}

function walkChildren(walk: Walk, node: Node, stdin: Stdin): void {
  if (!STATEMENTS.has(node.type)) {
    if (VALUES.has(node.type)) {
      scanValue(walk, node);
      return;
    }
    unknownSyntax(walk, node);
    return;
  }
  const orElse =
    node.type === 'list' && node.children.some((c) => c !== null && !c.isNamed && c.text === '||');
  const again = new RepeatedStatement();
  let first = true;
  const background = backgrounded(node);
  // `a && T=x && curl $T`: a chain of && at a level every later statement reaches (its own
  // commands after the first entered as `andBranches`); its first list starts the chain's id.
  const andOnly = node.type === 'list' && !orElse && background === null && walk.branch === walk.andBranches;
  const startsChain = andOnly && walk.andChain === null;
  if (startsChain) walk.andChain = node.startIndex;
  for (const child of node.namedChildren) {
    if (!child) continue;
    // `cd x && rm *` runs rm only in x; after `cd x;` or `cd x ||` the old directory is possible too.
    if (node.type !== 'list' || orElse) mergeFallback(walk, orElse);
    if (again.skips(walk, child, stdin)) continue;
    const from = walk.parts.length;
    again.before(walk, child, stdin);
    // In `a && b` and `a || b`, b may not run.
    // `a &` runs a in a subshell of its own.
    const maybe =
      (node.type === 'list' && !first) || (background !== null && background.has(child.startIndex));
    first = false;
    if (maybe) walk.branch++;
    const chained = maybe && andOnly;
    if (chained) walk.andBranches++;
    try {
      if (STATEMENTS.has(child.type)) walkStatement(walk, child, stdin);
      else scanValue(walk, child);
    } finally {
      if (maybe) walk.branch--;
      if (chained) walk.andBranches--;
    }
    again.after(walk, from);
  }
  if (startsChain) {
    for (const [name, chain] of walk.ownVars) if (chain === walk.andChain) walk.ownVars.delete(name);
    walk.andChain = null;
  }
  if (node.type !== 'list') mergeFallback(walk);
}

/**
 * A statement walked again in the state its last walk left unchanged records nothing new:
 * the walk of a node depends only on the node, its stdin and the walk's state (working
 * directories, job ids, files written), and a walk that changed none of them and recorded
 * no assignment would record the same parts again. The linear reader gives the very same
 * node for a repeated simple command (`sort | sort | …`, 14,000 stages), so a long line of
 * identical statements is walked and decided once.
 */
class RepeatedStatement {
  /** The last few statements walked (a pipeline may alternate: `sort | uniq | sort | uniq …`). */
  private readonly recent: Seen[] = [];
  private pending: Seen | null = null;

  /** The earlier walk `node` would repeat in this state, if any (`next`: the stdin it left the next stage). */
  skips(walk: Walk, node: Node, input: Stdin): Seen | null {
    for (const seen of this.recent)
      if (
        seen.node === node &&
        seen.still &&
        sameStdin(input, seen.input) &&
        sameState(walk, seen) &&
        setsNothing(walk, seen)
      )
        return seen;
    return null;
  }

  before(walk: Walk, node: Node, input: Stdin): void {
    this.pending = {
      node,
      input,
      cwd: walk.cwd,
      here: walk.here,
      fallback: walk.fallback.length,
      jobs: walk.jobPids.size,
      written: walk.writtenVersion,
      vars: walk.varsVersion,
      still: false,
      from: 0,
      to: 0,
      next: input,
    };
  }

  after(walk: Walk, from: number, next?: Stdin): void {
    const seen = this.pending;
    if (!seen) return;
    this.pending = null;
    seen.still = sameState(walk, seen);
    // Whether its parts assign a variable is looked at only when the node comes again
    // (`setsNothing`): looking here, on every statement, went over every part a nested statement
    // recorded once for each level it is nested in, and an && chain of 900 commands is a list
    // nested 900 deep (bash.ts andOr): 400,000 parts looked at, 1.8 ms of its 8 ms to decide.
    seen.from = from;
    seen.to = walk.parts.length;
    if (next) seen.next = next;
    const at = this.recent.findIndex((r) => r.node === seen.node);
    if (at !== -1) this.recent.splice(at, 1);
    else if (this.recent.length >= 4) this.recent.shift();
    this.recent.push(seen);
  }
}

/** One walked statement and the state it was walked in. */
interface Seen {
  node: Node;
  input: Stdin;
  cwd: string[] | null;
  here: string[] | null;
  fallback: number;
  jobs: number;
  written: number;
  vars: number;
  /** Whether its walk left the state as it found it (and, once `setsNothing` looked, recorded no assignment). */
  still: boolean;
  /** The parts its walk recorded: `walk.parts` from `from` to `to` (parts are only ever appended). */
  from: number;
  to: number;
  /** The stdin it left the next stage of a pipeline. */
  next: Stdin;
}

/** Whether the walk `seen` stands for recorded no assignment (looked at once; `still` keeps the answer). */
function setsNothing(walk: Walk, seen: Seen): boolean {
  if (seen.to < 0) return true;
  for (let i = seen.from; i < seen.to; i++) {
    const p = walk.parts[i]!;
    if (p.kind === 'variable' && p.access === 'set') return (seen.still = false);
  }
  seen.to = -1;
  return true;
}

function sameState(walk: Walk, seen: Seen): boolean {
  return (
    walk.cwd === seen.cwd &&
    walk.here === seen.here &&
    walk.fallback.length === seen.fallback &&
    walk.jobPids.size === seen.jobs &&
    walk.writtenVersion === seen.written &&
    walk.varsVersion === seen.vars
  );
}

function sameStdin(a: Stdin, b: Stdin): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'none':
      return true;
    case 'pipe':
      return (
        a.paths === (b as typeof a).paths &&
        a.roots === (b as typeof a).roots &&
        a.printed === (b as typeof a).printed
      );
    case 'file':
      return a.path === (b as typeof a).path;
    case 'text':
      return a.text === (b as typeof a).text && a.dynamic === (b as typeof a).dynamic;
  }
}

/**
 * After `cd x;` (or `cd x ||`) the directory before it is possible too, since cd may fail:
 * merged back here. `branch`: the next statement runs only on another path (`a || b`), so
 * which directory is the main one is no longer known either.
 */
function mergeFallback(walk: Walk, branch = false): void {
  if (walk.fallback.length === 0) return;
  if (walk.cwd !== null) {
    const all = new Set([...walk.cwd, ...walk.fallback]);
    if (all.size > MAX_CWDS)
      loseCwd(walk, `more than ${MAX_CWDS} directories are possible after the \`cd\`s in alternatives`);
    else walk.cwd = [...all];
    if (branch) walk.here = walk.cwd;
  }
  walk.fallback = [];
}

/** The working directory is no longer known; `why` says why (for the reason of what it decides). */
function loseCwd(walk: Walk, why: string): void {
  walk.cwd = null;
  walk.here = null;
  walk.cwdLost ??= why;
}

/**
 * The value `X="${X:-WORD}"` sets (also `${X-WORD}`, `${X:=WORD}`, unquoted): X keeps what it
 * held (the sandbox's environment, or a value set earlier on the line and decided there) or takes
 * WORD, so the new value it may get is WORD (`TMPDIR="${TMPDIR:-/tmp}"` is `TMPDIR=/tmp`). Null for
 * any other value; WORD with an expansion of its own stays dynamic (judged by its shape).
 */
export function ownDefault(name: string, text: string): Arg | null {
  if (text.length > 4096) return null;
  const m = /^("?)\$\{([A-Za-z_][A-Za-z0-9_]*):?[-=]([^"'`\\{}]*)\}\1$/.exec(text);
  if (!m || m[2] !== name) return null;
  return { text: m[3]!, dynamic: m[3]!.includes('$'), glob: false };
}

/** `bind`: the assignment sets a shell variable (not only the environment of a command it prefixes). */
function walkAssignment(walk: Walk, node: Node, bind = true, env = !bind): void {
  const name = node.childForFieldName('name');
  const value = node.childForFieldName('value');
  const varName =
    name?.type === 'subscript' ? (name.childForFieldName('name')?.text ?? name.text) : (name?.text ?? '');
  if (name?.type === 'subscript') scanValue(walk, name);
  const decoded = value ? decodeValue(value, walk.vars) : null;
  if (bind) bindAssignment(walk, node, name, value, varName, decoded);
  const v: Arg = decoded
    ? (decoded.dynamic && ownDefault(varName, decoded.text)) || {
        text: decoded.text,
        dynamic: decoded.dynamic,
        glob: decoded.glob,
      }
    : { text: '', dynamic: false, glob: false };
  walk.parts.push({
    kind: 'variable',
    text: node.text,
    access: 'set',
    name: varName,
    value: v,
    ...(env ? { env } : {}),
  });
  // Only a command's own prefix (`cd sub && PYTHONPATH=.. pytest`): an exported or shell
  // variable's relative value names a place from wherever a later command runs.
  if (!bind && node.parent?.type === 'command') valueCwd(walk, walk.parts[walk.parts.length - 1]!);
  if (value && /^(\$!|"\$!"|\$\{!\})$/.test(value.text)) walk.jobPids.add(varName);
  else walk.jobPids.delete(varName);
  if (walk.decodedVars.delete(varName)) walk.varsVersion++;
  // (at the top level it holds for the rest of the line; inside an && chain, for the rest of the chain)
  if (bind && walk.branch === walk.andBranches && !walk.varsOff && name?.type === 'variable_name')
    walk.ownVars.set(varName, walk.andBranches > 0 ? walk.andChain : null);
  if (!value) return;
  scanValue(walk, value);
  // A path kept in a variable is checked where it is written: `f=~/.ssh/id_rsa; cat $f`.
  if (v && !v.dynamic && /^~|\//.test(v.text))
    walk.parts.push({ kind: 'file', text: node.text, access: 'read', path: v, cwd: walk.cwd });
}

/** What the walk knows of the variable from here (vars.ts): a literal, an array of them, or nothing. */
function bindAssignment(
  walk: Walk,
  node: Node,
  name: Node | null,
  value: Node | null,
  varName: string,
  decoded: Decoded | null,
): void {
  if (name?.type === 'subscript') return forgetVar(walk, varName);
  const append = node.children.some((c) => c !== null && !c.isNamed && c.text === '+=');
  if (value?.type === 'array') {
    const items = value.namedChildren
      .filter((c): c is Node => c !== null)
      .map((c) => decodeValue(c, walk.vars));
    const shapes = items.flatMap((d) => (d.dynamic ? (d.pattern ?? '**').split('\0') : [d.text]));
    assignVar(
      walk,
      varName,
      { text: '', dynamic: true, glob: false, braces: false, pattern: shapes.join('\0') || '**' },
      append,
      true,
    );
    return;
  }
  assignVar(walk, varName, decoded ?? { text: '', dynamic: false, glob: false, braces: false }, append);
}

function addVariable(walk: Walk, name: string, text: string, access: 'set' | 'read'): void {
  // (a variable the line set itself holds the line's value: its own checks decided what went in)
  if (access === 'read' && walk.ownVars.has(name)) {
    const chain = walk.ownVars.get(name);
    if (chain === null || chain === walk.andChain) return;
  }
  walk.parts.push({ kind: 'variable', text, access, name });
}

function walkRedirected(walk: Walk, node: Node, stdin: Stdin): void {
  let input = stdin;
  const body = node.childForFieldName('body');
  const first = walk.parts.length;
  // Every redirection child: tree-sitter-bash gives a here-string after a compound statement
  // (`while …; done <<< "$(…)"`) no field name, and its substitution runs all the same.
  for (const redirect of node.namedChildren) {
    if (!redirect || !REDIRECTS.has(redirect.type)) continue;
    const got = walkRedirect(walk, redirect);
    if (got) input = got;
  }
  const files = walk.parts.slice(first).filter((p) => p.kind === 'file');
  const bodyFirst = walk.parts.length;
  if (body) walkStatement(walk, body, input);
  // What each file written here now holds, when it is known: `cat <<'EOF' > fix.patch` for a
  // later `patch < fix.patch`, `echo 'make test' > run.sh` for a later `sh run.sh` (wrappers.ts
  // runWritten). A file written any other way is forgotten (its text is no longer known).
  const writes = files.filter((f): f is FilePart => f.kind === 'file' && f.access === 'write');
  if (writes.length) {
    const cmd = body?.type === 'command' ? walk.parts[bodyFirst] : undefined;
    const own = cmd?.kind === 'command' && cmd.text === body!.text ? cmd : null;
    const out = own ? literalOutput(walk, own, input) : null;
    for (const f of writes) recordWrite(walk, f, out, />>/.test(f.text));
    // Text put together here that this walk cannot read (a filter's output, printf conversions
    // it does not follow, an expansion, inline code's output): a file holding it that the line
    // then runs (`printf '%(…)T…' > x.sh; bash x.sh`, `echo … | rev > x.sh`, `echo "$c" > x.sh`)
    // runs code nobody read, as decoded text is. A program's output (`python gen.py > x.sh`)
    // and `cat` of files or of a here-document are the workspace's own, as its scripts are.
    // (tree-sitter-bash hangs `a && b > f` on the whole list: only b's parts put text in f)
    const from = body?.type === 'list' ? lastCommandFrom(walk, body, bodyFirst) : bodyFirst;
    if (!out && (own ? assembles(own, input) : assemblesAny(walk, from, input)))
      for (const f of writes) markDecoded(walk, f.path, f.cwd);
    // `cat decoded.sh > run.sh`: the copy holds decoded text too.
    if (
      own?.name === 'cat' &&
      walk.decoded.size &&
      own.args.some(
        (a) => walk.decoded.has('*') || a.dynamic || (!a.text.startsWith('-') && holdsDecoded(walk, a)),
      )
    )
      for (const f of writes) markDecoded(walk, f.path, f.cwd);
  }
  // tree-sitter-bash hangs `a && b > f` on the whole list, but the redirect is b's:
  // its path resolves from where b runs, after any `cd` in the list.
  if (body?.type === 'list') for (const f of files) if (f.kind === 'file') f.cwd = walk.cwd;
  // `… | base64 -d > /tmp/x.sh`: the file holds decoded text, for a later `/tmp/x.sh` or `sh x.sh`.
  if (walk.parts.slice(bodyFirst).some(isOpaqueDecoder))
    for (const f of files) if (f.kind === 'file' && f.access === 'write') markDecoded(walk, f.path, f.cwd);
}

/**
 * What `cat` (its stdin a here-document), `echo` or `printf` prints when every word is literal:
 * the text, and for `echo` without `-e` its reading with backslash escapes turned (dash's echo
 * turns them, bash's does not); null when it is not known.
 */
function literalOutput(walk: Walk, cmd: CommandPart, input: Stdin): { text: string; other?: string } | null {
  const args = cmd.args;
  if (args.some((a) => a.dynamic || a.glob)) return null;
  if (cmd.name === 'cat') {
    // Its stdin (`-`, or no operand) and files this line wrote with known text, in order.
    const stdin = input.kind === 'text' && !input.dynamic ? input.text : null;
    let text = '';
    let other = '';
    for (const a of args.length ? args : [{ text: '-', dynamic: false, glob: false }]) {
      if (a.text === '-') {
        if (stdin === null) return null;
        text += stdin;
        other += stdin;
        continue;
      }
      if (a.text.startsWith('-') || walk.cwd?.length !== 1) return null;
      const key = resolvePath(a.text, walk.cwd[0]!, walk.ws.home);
      const known = walk.written.get(key);
      if (known === undefined) return null;
      text += known;
      other += walk.written.get(`${key}${ALT}`) ?? known;
    }
    return other === text ? { text } : { text, other };
  }
  // `: > x.sh`, `true > x.sh`: the file is emptied.
  if (cmd.name === ':' || cmd.name === 'true') return { text: '' };
  if (cmd.name === 'echo') {
    let i = 0;
    let newline = true;
    let escapes = false;
    for (; i < args.length && /^-[neE]+$/.test(args[i]!.text); i++) {
      if (args[i]!.text.includes('n')) newline = false;
      if (args[i]!.text.includes('e')) escapes = true;
    }
    const text =
      args
        .slice(i)
        .map((a) => a.text)
        .join(' ') + (newline ? '\n' : '');
    if (escapes) return { text: backslashEscapes(text) };
    const other = backslashEscapes(text);
    return other === text ? { text } : { text, other };
  }
  if (cmd.name === 'printf') {
    const rest = args[0]?.text === '--' ? args.slice(1) : args;
    const [format, ...values] = rest;
    if (!format || format.text.startsWith('-')) return null;
    // Conversions with their flags, widths and precisions, escapes, the format used again while
    // arguments remain (printf.ts); `%(fmt)T` and floating point are not followed.
    const text = printfOutput(
      format.text,
      values.map((v) => v.text),
    );
    return text === null ? null : { text };
  }
  return null;
}

/**
 * Whether this command prints text put together on this line that the walk does not read: echo
 * and printf (when their text is not followed), text filters, decoders and inline code
 * (streams.ts isDecoder), and a pass-through (`cat`, `tee`, `sort`) fed such text by a pipe.
 */
function assembles(part: Part, input: Stdin): boolean {
  if (part.kind !== 'command') return false;
  if (part.name === 'echo' || part.name === 'printf' || isDecoder(part)) return true;
  return input.kind === 'pipe' && input.assembled === true && textTool(part.name)?.passes === true;
}

/**
 * Where the parts of a list's last command begin among those walked since `from` (`a && b > f`:
 * b's), found by its text; `from` when it is not a plain command or is not found.
 */
function lastCommandFrom(walk: Walk, list: Node, from: number): number {
  const kids = list.namedChildren;
  const last = kids[kids.length - 1];
  if (!last || last.type !== 'command') return from;
  for (let i = walk.parts.length - 1; i >= from; i--) {
    const p = walk.parts[i]!;
    if (p.kind === 'command' && p.text === last.text) return i;
  }
  return from;
}

/** Whether a command among the parts walked since `from` assembles text (`assembles`). */
function assemblesAny(walk: Walk, from: number, input: Stdin): boolean {
  for (let i = from; i < walk.parts.length; i++) if (assembles(walk.parts[i]!, input)) return true;
  return false;
}

/** Records what a file written here holds (`out`), or forgets it when that is not known. */
function recordWrite(
  walk: Walk,
  f: FilePart,
  out: { text: string; other?: string } | null,
  append: boolean,
): void {
  walk.writtenVersion++;
  if (f.path.dynamic || f.path.glob) {
    // Which file is not known: none of the known texts can be trusted any more.
    walk.written.clear();
    return;
  }
  for (const c of f.cwd ?? [walk.ws.workspace]) {
    const key = resolvePath(f.path.text, c, walk.ws.home);
    const before = append ? (walk.written.get(key) ?? '') : '';
    const beforeOther = append ? (walk.written.get(`${key}${ALT}`) ?? before) : '';
    walk.written.delete(`${key}${ALT}`);
    if (!out) {
      walk.written.delete(key);
      continue;
    }
    walk.written.set(key, before + out.text);
    if (out.other !== undefined || beforeOther !== before)
      walk.written.set(`${key}${ALT}`, beforeOther + (out.other ?? out.text));
  }
}

/**
 * `make CC=/root/cc`: make's `NAME=VALUE` operands set its variables over the Makefile's, as the
 * environment does (and more strongly): each is a variable set, decided by the variable rules
 * (`compiler-variables`, `code-injecting-variables`, the module and output directories).
 */
function makeAssignments(walk: Walk, args: Arg[]): void {
  for (const a of args) {
    if (a.text === '--') break;
    if (a.text.startsWith('-')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\+?:{0,3}=/.exec(a.text.length > 4096 ? '' : a.text);
    if (!m) continue;
    const value: Arg = { text: a.text.slice(m[0].length), dynamic: a.dynamic, glob: false };
    walk.parts.push({ kind: 'variable', text: a.text, access: 'set', name: m[1]!, value, env: true });
  }
}

/**
 * Records a file written with decoded text (see `Walk.decoded`); a dynamic path is every file.
 * `byCode`: written by inline code (see `Walk.codeWritten`).
 */
function markDecoded(walk: Walk, path: Arg, cwd: string[] | null | undefined, byCode = false): void {
  walk.writtenVersion++;
  if (path.dynamic || path.glob) {
    walk.decoded.add('*');
    return;
  }
  for (const c of cwd ?? [walk.ws.workspace]) {
    const key = resolvePath(path.text, c, walk.ws.home);
    if (byCode && !walk.decoded.has(key)) walk.codeWritten.add(key);
    else if (!byCode) walk.codeWritten.delete(key);
    walk.decoded.add(key);
  }
}

/** The rule of a run of a file that inline code on the line wrote with text that was not read. */
const CODE_WRITTEN_RULE = 'shell:code-written-script';

/** A file written again with known text no longer holds decoded text. */
function forgetDecoded(walk: Walk, f: FilePart): void {
  if (walk.decoded.size === 0 || f.path.dynamic || f.path.glob) return;
  for (const c of f.cwd ?? [walk.ws.workspace]) {
    const key = resolvePath(f.path.text, c, walk.ws.home);
    walk.decoded.delete(key);
    walk.codeWritten.delete(key);
  }
}

/**
 * Whether this command runs a file the line wrote with decoded text: as the program
 * (`/tmp/x.sh`), or as the script a shell or interpreter runs (`bash x.sh`, `. ./x`).
 */
function runsDecoded(walk: Walk, name: string, args: Arg[]): 'decoded' | 'code' | null {
  if (walk.decoded.size === 0) return null;
  if (name.includes('/')) return decodedIn(walk, { text: name, dynamic: false, glob: false });
  if (!interpreterFacts(name)?.script) return null;
  const script = args.find((a) => !a.text.startsWith('-') || a.dynamic);
  return script === undefined ? null : decodedIn(walk, script);
}

/** Whether `a` may name a file this line wrote with decoded text (a dynamic word may name any). */
function holdsDecoded(walk: Walk, a: Arg): boolean {
  return decodedIn(walk, a) !== null;
}

/**
 * What `a` may name of the files this line wrote with text that cannot be read: 'code' when
 * each it names was written by inline code (`Walk.codeWritten`), 'decoded' for any other (or
 * a dynamic word, which may name any), null for none.
 */
function decodedIn(walk: Walk, a: Arg): 'decoded' | 'code' | null {
  if (walk.decoded.has('*') || a.dynamic) return 'decoded';
  let found: 'decoded' | 'code' | null = null;
  for (const c of walk.cwd ?? [walk.ws.workspace]) {
    const key = resolvePath(a.text, c, walk.ws.home);
    if (!walk.decoded.has(key)) continue;
    if (!walk.codeWritten.has(key)) return 'decoded';
    found = 'code';
  }
  return found;
}

/** `cp x.sh y.sh`, `mv x.sh bin/`: a copy of a file holding decoded text holds it too. */
function copiesDecoded(walk: Walk, name: string, args: Arg[]): void {
  if (walk.decoded.size === 0 || !/^(cp|mv|install|ln|rsync)$/.test(name)) return;
  const operands = args.filter((a) => a.dynamic || !a.text.startsWith('-'));
  const dest = operands[operands.length - 1];
  if (!dest || operands.length < 2) return;
  const cwds = walk.cwd ?? [walk.ws.workspace];
  for (const src of operands.slice(0, -1)) {
    const text = src.text;
    if (!holdsDecoded(walk, src)) continue;
    // The destination, and the file of the source's name inside it when it is a directory.
    markDecoded(walk, dest, cwds);
    if (!dest.dynamic)
      markDecoded(walk, { ...dest, text: `${dest.text}/${text.slice(text.lastIndexOf('/') + 1)}` }, cwds);
  }
}

/** `xxd -r HEX OUT`, `openssl enc -d -in X -out OUT`: the file a decoder writes itself. */
function decoderOutputs(walk: Walk, part: CommandPart): void {
  if (!isOpaqueDecoder(part)) return;
  const args = part.args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (part.name === 'openssl' && a.text === '-out' && args[i + 1])
      markDecoded(walk, args[i + 1]!, part.cwd);
    if (/^(base(32|64)|basenc|b64decode)$/.test(part.name) && /^(-o|--output)$/.test(a.text) && args[i + 1])
      markDecoded(walk, args[i + 1]!, part.cwd);
  }
  if (part.name === 'xxd') {
    const operands = args.filter((a) => a.dynamic || !a.text.startsWith('-') || a.text === '-');
    if (operands.length >= 2) markDecoded(walk, operands[operands.length - 1]!, part.cwd);
  }
}

/** What a pipeline stage that is one `echo` or `printf` of literal words prints. */
function printedText(walk: Walk, node: Node, from: number): string | null {
  if (node.type !== 'command' || walk.parts.length !== from + 1) return null;
  const part = walk.parts[from]!;
  if (part.kind !== 'command' || (part.name !== 'echo' && part.name !== 'printf')) return null;
  if (part.text !== node.text) return null;
  const out = literalOutput(walk, part, { kind: 'none' });
  if (!out || (out.other !== undefined && out.other !== out.text)) return null;
  return out.text;
}

/** Records what a redirection reads or writes; returns the stdin it gives the command, if any. */
function walkRedirect(walk: Walk, node: Node): Stdin | null {
  if (node.type === 'heredoc_redirect') {
    let text = '';
    let dynamic = false;
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'heredoc_body') {
        text = child.text;
        for (const piece of child.namedChildren) {
          if (piece && piece.type !== 'heredoc_content') dynamic = true;
        }
        const start = node.namedChildren.find((c) => c?.type === 'heredoc_start');
        const quoted = start !== undefined && start !== null && /['"\\]/.test(start.text);
        if (!quoted) {
          unreadSubstitution(walk, child);
          if (/[`$]/.test(text)) dynamic = true;
          // An unquoted body is read as in double quotes: a backslash quotes \, $ and ` (and goes
          // with a newline it precedes), so `"\\x2fetc"` in the body is `"\x2fetc"` to the program
          // (until 5 Dec the text was taken as written, and Python read a workspace name).
          text = decodeDoubleQuoted(text, true);
        }
        scanValue(walk, child);
      } else if (child.type === 'file_redirect' || child.type === 'herestring_redirect') {
        walkRedirect(walk, child);
      } else if (STATEMENTS.has(child.type)) {
        // `cat <<EOF | sh`: the grammar hangs the rest of the pipeline here.
        walkStatement(walk, child, { kind: 'pipe' });
      } else scanValue(walk, child);
    }
    return { kind: 'text', text, dynamic };
  }
  if (node.type === 'herestring_redirect') {
    const value = node.namedChildren.find((c) => c !== null && VALUES.has(c.type)) ?? null;
    if (!value) return { kind: 'text', text: '', dynamic: true };
    scanValue(walk, value);
    const d = decodeValue(value, walk.vars);
    return { kind: 'text', text: d.text, dynamic: d.dynamic };
  }
  if (node.type !== 'file_redirect') {
    structure(
      walk,
      node.text,
      'shell:unknown-syntax',
      `redirection \`${node.type}\` is not understood, so it is denied`,
    );
    return null;
  }
  let op = '';
  for (const child of node.children) {
    if (child && !child.isNamed) op += child.text;
  }
  const dest = node.childForFieldName('destination');
  if (!dest) return null;
  scanValue(walk, dest);
  if ((op === '>&' || op === '<&') && /^(\d+|-)$/.test(dest.text)) return null;
  // `> >(tee build.log)`: a pipe to the command inside, decided above as its own part (what it
  // writes too); no file of its own. (`< <(cmd)` stays a read: what reads it, a shell, matters.)
  if (dest.type === 'process_substitution' && !op.includes('<')) return null;
  const [path] = toArgs(decodeValue(dest, walk.vars));
  if (!path) return null;
  const text = node.text;
  if (op.includes('<')) walk.parts.push({ kind: 'file', text, access: 'read', path, cwd: walk.cwd });
  if (op !== '<' && op !== '<&')
    walk.parts.push({ kind: 'file', text, access: 'write', path, cwd: walk.cwd });
  return op.startsWith('<') ? { kind: 'file', path } : null;
}

function hasSubstitution(node: Node): boolean {
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'command_substitution' || child.type === 'process_substitution') return true;
    if (hasSubstitution(child)) return true;
  }
  return false;
}

/**
 * Where bash would run a substitution the grammar did not read as one
 * (backquotes inside `${x:-…}` or an unquoted here-document), deny: what it runs
 * cannot be checked.
 */
function unreadSubstitution(walk: Walk, node: Node): void {
  if (/`|\$\(/.test(node.text) && !hasSubstitution(node)) {
    structure(
      walk,
      node.text,
      'shell:unparsed-substitution',
      `\`${clip(node.text, 50)}\` holds a command substitution the parser cannot read, so it is denied`,
    );
  }
}

/** Redirections that leave standard output alone: of standard error only (`2>&1`, `2>/dev/null`). */
const STDERR_ONLY = /^2>/;
/** Statements a command's output passes through unchanged on its way to the terminal. */
const TRANSPARENT = new Set([
  'program',
  'list',
  'compound_statement',
  'subshell',
  'if_statement',
  'elif_clause',
  'else_clause',
  'for_statement',
  'c_style_for_statement',
  'while_statement',
  'do_group',
  'redirected_statement',
  'pipeline',
  'negated_command',
]);

/**
 * Whether the text a command substitution prints is only printed in turn, to the terminal: an
 * argument of `echo` or `printf` (not `printf -v`, not the command name) in the line bash was given
 * (not a nested script, whose output the outer line may keep), whose output no redirection of
 * standard output, later pipeline stage, substitution or function takes, in a line with no `exec`
 * (`exec > f` redirects what follows). Such text names nothing: `echo "MD5: $(md5sum f | cut -d' '
 * -f1)"` shows a checksum. Decoded text that reaches a file, a pipe or a variable is still refused.
 */
function printedOnly(walk: Walk, subst: Node): boolean {
  if (walk.depth !== 1 || /(^|[^\w-])exec([^\w-]|$)/.test(walk.context)) return false;
  let n: Node | null = subst.parent;
  while (n && (n.type === 'string' || n.type === 'concatenation')) n = n.parent;
  if (n?.type !== 'command') return false;
  const name = n.childForFieldName('name');
  if (!name || name.text === subst.text || (name.text !== 'echo' && name.text !== 'printf')) return false;
  for (const c of n.namedChildren) {
    if (!c || c.id === name.id) continue;
    if (REDIRECTS.has(c.type) && !STDERR_ONLY.test(c.text)) return false;
    if (name.text === 'printf' && /^-v/.test(c.text)) return false;
  }
  for (let child: Node = n, up = n.parent; up; child = up, up = up.parent) {
    if (!TRANSPARENT.has(up.type)) return false;
    if (up.type === 'pipeline') {
      const stages = up.namedChildren.filter((c) => c !== null);
      if (stages[stages.length - 1]?.id !== child.id) return false;
    }
    if (up.type === 'redirected_statement')
      for (const r of up.namedChildren)
        if (r && r.id !== child.id && REDIRECTS.has(r.type) && !STDERR_ONLY.test(r.text)) return false;
  }
  return true;
}

/**
 * Lines where a shell variable's value may be read other than where it is expanded by name, or
 * evaluated as an arithmetic expression (which runs a subscript's `$(…)`): an export (the value
 * reaches every program after it), `set -a`, a name reference (`declare -n`), an indirect
 * expansion, `eval`, `source`/`.`, arithmetic, where a bare name is evaluated too (`((…))`, `$[…]`,
 * `let`, `[[ … -eq … ]]`, any subscript, a substring offset naming a variable `${s:T}`). In those
 * a decoded value stays refused where it is made.
 */
const DECODED_VALUE_ESCAPES =
  /\(\(|\$\[|\blet\b|\s-(?:eq|ne|lt|le|gt|ge)\b|\b(?:export|declare|typeset|readonly|eval|source|mapfile|readarray)\b|\blocal\s+-|\bset\s+[-+][a-z]*a|allexport|\$\{!|(?:^|[;&|(`]|\n)\s*\.\s|\w\[|\$\{#?\w+:(?![-=?+])[^}]*[A-Za-z_]/;

/**
 * The text of a line that bash reads as shell syntax: single-quoted text dropped, and of
 * double-quoted text only its expansions and substitutions (`${…}`, `$(…)`, `$((…))`, `$[…]`,
 * backquotes) kept, so code in quotes (`python3 -c "print(d['x'])"`) is not taken for a subscript.
 * A here-document's body stays whole (its expansions run when it is unquoted).
 */
function shellVisible(line: string): string {
  if (line.length > 100_000) return line;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\') {
      out += line.slice(i, i + 2);
      i++;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return out + line.slice(i);
      out += "''";
      i = end;
    } else if (ch === '"') {
      out += '"';
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\') {
          i++;
          continue;
        }
        if (line[i] === '`' || (line[i] === '$' && /[{([]/.test(line[i + 1] ?? ''))) {
          // copied to where its brackets close (or the backquote does)
          const open = line[i] === '`' ? '`' : line[i + 1]!;
          const close = open === '`' ? '`' : open === '{' ? '}' : open === '(' ? ')' : ']';
          let depth = 0;
          const from = i;
          for (i += open === '`' ? 1 : 2; i < line.length; i++) {
            if (line[i] === '\\') i++;
            else if (line[i] === open && open !== '`') depth++;
            else if (line[i] === close && depth-- === 0) break;
          }
          out += ` ${line.slice(from, i + 1)} `;
        }
      }
      out += '"';
    } else out += ch;
  }
  return out;
}

/** The node a value word stands in: past the strings and concatenations it is part of. */
function valueHolder(node: Node): { holder: Node | null; word: Node; quoted: boolean } {
  let word = node;
  let quoted = false;
  let n: Node | null = node.parent;
  while (n && (n.type === 'string' || n.type === 'concatenation')) {
    if (n.type === 'string') quoted = true;
    word = n;
    n = n.parent;
  }
  return { holder: n, word, quoted };
}

/**
 * `TOKEN=$(curl … | python3 -c '…print(t)')`: decoded text kept in a shell variable (a statement
 * of its own, not exported, in a line with none of DECODED_VALUE_ESCAPES) is not refused where it
 * is made; the variable is marked, and each use is decided where it is expanded (`decodedUse`).
 */
function keptDecoded(walk: Walk, subst: Node): boolean {
  if (decodedEscapes(walk)) return false;
  const { holder } = valueHolder(subst);
  return holder?.type === 'variable_assignment' && keepDecodedIn(walk, holder);
}

/**
 * Marks the variable an assignment sets as holding decoded text, when it is a shell variable of
 * the line (a plain name set by a statement of its own or by `local`; a command's prefix, `T=$(…)
 * cmd`, is that program's environment, and `export`/`declare` may export it): false otherwise.
 */
function keepDecodedIn(walk: Walk, assignment: Node): boolean {
  const name = assignment.childForFieldName('name');
  const parent = assignment.parent;
  if (name?.type !== 'variable_name' || parent?.type === 'command') return false;
  if (parent?.type === 'declaration_command' && !/^local\s/.test(parent.text)) return false;
  walk.decodedVars.add(name.text);
  walk.varsVersion++;
  return true;
}

/**
 * A use of a variable holding decoded text (`keptDecoded`), allowed where the value names nothing:
 * printed to the terminal (`printedOnly`), compared in a test (`[ -n "$T" ]`, `[[ $T == x* ]]`),
 * kept in another such variable, or in double quotes as the value of an option its program's spec
 * says names nothing (`curl -H "Authorization: Bearer $TOKEN"`). Anywhere else it could name a
 * path, a program or a host the policy cannot see, and the line is refused as before.
 */
function decodedUse(walk: Walk, node: Node, name: string): void {
  if (decodedUseAllowed(walk, node)) return;
  structure(
    walk,
    node.text,
    'shell:decoded-value',
    `\`${clip(node.text, 50)}\` holds decoded text (\`${name}\` was set from a decoder's output) and is used where it may name a path, a program or a host, so it is denied; print it, compare it, or pass it as an option's value in double quotes`,
  );
}

/** Whether the line holds one of DECODED_VALUE_ESCAPES in its shell syntax (once per line). */
function decodedEscapes(walk: Walk): boolean {
  if (walk.decodedEscapes === undefined)
    walk.decodedEscapes = DECODED_VALUE_ESCAPES.test(shellVisible(walk.context));
  return walk.decodedEscapes;
}

function decodedUseAllowed(walk: Walk, node: Node): boolean {
  if (decodedEscapes(walk)) return false;
  if (printedOnly(walk, node)) return true;
  const { holder, word, quoted } = valueHolder(node);
  if (!holder) return false;
  if (holder.type === 'test_command') return true;
  if (holder.type === 'variable_assignment') return keepDecodedIn(walk, holder);
  if (holder.type !== 'command') return false;
  const cmd = holder.childForFieldName('name');
  if (!cmd || cmd.id === word.id || !/^[\w.+-]+$/.test(cmd.text)) return false;
  if (cmd.text === '[' || cmd.text === 'test') return true;
  if (!quoted) return false;
  const spec = walk.code?.programs?.get(cmd.text);
  if (!spec) return false;
  // `curl -s "http://localhost:3000/holds/$ID/confirm"`: a URL whose scheme, host and port are
  // literal up to the `/` before the value (the value is part of its path or query)
  if (spec.operands.includes('url') && literalAuthority(word.text.replace(/"/g, ''))) return true;
  // `--header="…$T"`: the option's own word
  const eq = /^(--?[A-Za-z][\w-]*)=/.exec(word.text);
  if (eq) return namesNothingOption(spec, eq[1]!);
  const words = holder.namedChildren;
  const at = words.findIndex((c) => c?.id === word.id);
  const prev = at > 0 ? words[at - 1] : null;
  return (
    prev?.type === 'word' && /^--?[A-Za-z][\w-]*$/.test(prev.text) && namesNothingOption(spec, prev.text)
  );
}

/** Looks inside a value for what it would run or read: substitutions, expansions. */
export function scanValue(walk: Walk, node: Node): void {
  switch (node.type) {
    case 'command_substitution':
    case 'process_substitution': {
      const from = walk.parts.length;
      walk.branch++;
      if (node.text.startsWith('`')) {
        // bash re-reads backquoted text after removing \\, \` and \$ escapes, so
        // `echo \`rm x\`` inside backquotes runs rm: parse it the same way.
        const inQuotes = node.parent?.type === 'string';
        const body = node.text.slice(1, -1).replace(inQuotes ? /\\([\\`$"])/g : /\\([\\`$])/g, '$1');
        walkScript(walk, body, { kind: 'none' }, 'inside backquotes');
      } else {
        for (const child of node.namedChildren) {
          if (!child) continue;
          if (child.type === 'file_redirect') walkRedirect(walk, child);
          else walkStatement(walk, child, { kind: 'none' });
        }
      }
      walk.branch--;
      if (node.type === 'command_substitution') {
        const none: Stdin = { kind: 'none' };
        // `$(find . -name '.env*')`: inside paths, told by the roots and the name filter too.
        const listed = printedRoots(walk, from, none);
        const known: Printed | undefined = printsInsidePaths(walk, from, none, true)
          ? listed?.name !== undefined
            ? { inside: true, under: listed }
            : { inside: true }
          : portPids(walk, from, none, true) === 'pids'
            ? { pids: true }
            : ((pgrep) => (pgrep ? { pgrep } : undefined))(pgrepPids(walk, from, none, true));
        if (known) walk.printed.set(node.startIndex, known);
      }
      const decoder = walk.parts.slice(from).find(isDecoder);
      if (decoder && !printedOnly(walk, node) && !keptDecoded(walk, node)) {
        structure(
          walk,
          node.text,
          'shell:decoded-value',
          `\`${clip(node.text, 50)}\` uses decoded text (\`${clip(decoder.text, 30)}\`) as a value, which hides what it names, so it is denied`,
        );
      }
      return;
    }
    case 'simple_expansion': {
      const v = node.namedChildren[0];
      if (v?.type === 'variable_name') addVariable(walk, v.text, node.text, 'read');
      if (v?.type === 'variable_name' && walk.decodedVars.has(v.text)) decodedUse(walk, node, v.text);
      return;
    }
    case 'expansion': {
      unreadSubstitution(walk, node);
      if (/^\$\{!/.test(node.text)) {
        structure(
          walk,
          node.text,
          'shell:indirect-expansion',
          `indirect expansion \`${clip(node.text)}\` names a variable only known when it runs, so it is denied`,
        );
      }
      if (/@[A-Za-z]\}$/.test(node.text) && /@P\}$/.test(node.text)) {
        structure(
          walk,
          node.text,
          'shell:prompt-expansion',
          `\`${clip(node.text)}\` expands a value as a prompt string, which can run commands, so it is denied`,
        );
      }
      const v = node.namedChildren.find((c) => c?.type === 'variable_name' || c?.type === 'subscript');
      // `${X:=w}` assigns w when X is empty.
      if (v && /^\$\{[A-Za-z_]\w*:?=/.test(node.text)) forgetVar(walk, v.text);
      if (v)
        addVariable(
          walk,
          v.type === 'subscript' ? (v.childForFieldName('name')?.text ?? v.text) : v.text,
          node.text,
          'read',
        );
      if (v?.type === 'variable_name' && walk.decodedVars.has(v.text)) decodedUse(walk, node, v.text);
      break;
    }
    default:
      if (!VALUES.has(node.type)) {
        if (STATEMENTS.has(node.type)) {
          walkStatement(walk, node, { kind: 'none' });
          return;
        }
        unknownSyntax(walk, node);
        return;
      }
  }
  const children = node.namedChildren;
  if (children.length === 0) return;
  let seen = 0;
  const again = new RepeatedRead();
  for (const child of children) {
    // A value can hold tens of thousands of pieces ("$x $x …"): the budget is checked among them.
    if ((++seen & 255) === 0 && overBudget(walk)) return;
    if (child && !again.handles(walk, child)) scanValue(walk, child);
  }
}

/**
 * `$x` read again right after the same `$x` among one node's children, with nothing walked in
 * between: the same facet as the one just recorded, so it is not walked and decided again
 * (`echo "$x $x …"` with 30,000 reads is one variable read, not 30,000 parts).
 */
class RepeatedRead {
  private text = '';
  private at = -1;

  /** Whether it took care of `child`: a `$x` it reads (once) or skips (again). */
  handles(walk: Walk, child: Node): boolean {
    if (child.type !== 'simple_expansion') return false;
    if (child.text === this.text && walk.parts.length === this.at) return true;
    scanValue(walk, child);
    this.text = child.text;
    this.at = walk.parts.length;
    return true;
  }
}

/**
 * The arguments bash would pass. tree-sitter-bash sometimes splits one word in
 * two (`$a/$b/x` parses as `$a/$` and `b/x`); pieces with no blank between them
 * are one word to bash, so they are joined (as a dynamic value when any piece is).
 */
function argsOf(walk: Walk, nodes: readonly Node[], from = 0, to = nodes.length): Arg[] {
  const args: Arg[] = [];
  // The linear reader gives a plain word repeated among many arguments as one node: decoded
  // once, and its copies share one Arg (see PolicyEngine.rulePart for the one place arguments
  // are told apart by identity: `--exclude .git` names a pattern).
  for (let i = from; i < to; i++) {
    // Tens of thousands of words: the budget is checked among them (the caller sees it spent).
    if ((i & 255) === 255 && overBudget(walk)) return args;
    let end = i;
    while (end + 1 < to && nodes[end + 1]!.startIndex === nodes[end]!.endIndex) end++;
    if (end === i && nodes[i]!.type === 'word') {
      const node = nodes[i]!;
      const shared = node instanceof ShNode ? node : null;
      let a = shared?.memo as Arg | null | undefined;
      if (!a) {
        const d = decodeValue(node, walk.vars);
        if (d.braces) {
          const got = toArgs(d);
          if (!d.dynamic && got[0]?.dynamic) tooManyBraces(walk, node.text);
          for (const b of got) args.push(b);
          continue;
        }
        a = { text: d.text, dynamic: d.dynamic, glob: d.glob };
        if (shared) shared.memo = a;
        args.push(a);
      } else args.push(a);
      continue;
    }
    if (end === i) {
      const node = nodes[i]!;
      // `$(grep -rl x src)` or `"$(find src)"`: paths inside the workspace.
      const subst = node.type === 'string' && node.namedChildren.length === 1 ? node.namedChildren[0] : node;
      // `kill $(lsof -ti:3000)`: the PIDs of the processes on a port; `kill $(pgrep -f x)`: pgrep's.
      // `"$f"` of a loop over such paths (Walk.pathVars): one of them; `"$f.bak"` is a name next to it.
      // Quoted only: unquoted, a path holding blanks or glob characters would be split or expanded.
      const held =
        /^"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)(?=[.-]|"$))[A-Za-z0-9._-]*"$/.exec(
          node.type === 'string' ? node.text : '',
        );
      const heldName = held?.[1] ?? held?.[2];
      const known =
        subst?.type === 'command_substitution'
          ? walk.printed.get(subst.startIndex)
          : heldName
            ? heldPath(walk, heldName)
            : undefined;
      const decoded = decodeValue(node, walk.vars);
      const got = toArgs(decoded);
      if (decoded.braces && !decoded.dynamic && got[0]?.dynamic) tooManyBraces(walk, node.text);
      for (const a of got) args.push(known ? { ...a, ...known } : a);
    } else {
      const group = nodes.slice(i, end + 1);
      const pieces = group.map((n) => decodeValue(n, walk.vars, false));
      const dynamic = pieces.some((p) => p.dynamic);
      const text = dynamic ? group.map((n) => n.text).join('') : pieces.map((p) => p.text).join('');
      const glob = pieces.some((p) => p.glob);
      const pattern = pieces.reduce((s, p) => joinShapes(s, p.dynamic ? (p.pattern ?? '**') : p.text), '');
      const braces = pieces.some((p) => p.braces);
      const got = toArgs({ text, dynamic, glob, braces, pattern });
      if (braces && !dynamic && got[0]?.dynamic) tooManyBraces(walk, text);
      for (const a of got) args.push(a);
    }
    i = end;
  }
  // `bash "$PWD/scripts/x.sh"`, `cp build/x "$(pwd)/dist/"`: the working directory, when it is one
  // known directory, is that directory's path.
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (!a.dynamic || !/PWD|pwd/.test(a.text)) continue;
    const path = pwdWord(a.text, walk.cwd, walk.context);
    if (path !== null) args[k] = { text: path, dynamic: false, glob: false };
  }
  return args;
}

/**
 * A literal word whose brace expansion is too large to list (words.ts: more than 256 words,
 * or longer than 4,096 characters) would be passed as an unknown value; what bash passes is
 * known, just too much to check, so the command asks rather than being allowed unseen.
 */
function tooManyBraces(walk: Walk, text: string): void {
  walk.parts.push({
    kind: 'structure',
    text: clip(text),
    decision: 'ask',
    rule: 'shell:brace-expansion',
    reason: `the brace expansion \`${clip(text, 50)}\` makes more words than can be checked (over 256, or a word over 4,096 characters), so it needs approval; list the words instead`,
  });
}

function walkCommand(walk: Walk, node: Node, stdin: Stdin, via: string[]): void {
  const from = walk.valueCwds.length;
  walkSimpleCommand(walk, node, stdin, via);
  // Its own assignments' directories (`cd sub && PYTHONPATH=.. cmd`) hold only where cmd runs there.
  if (walk.valueCwds.length > from) keepValueCwds(walk, from, (p) => specMovesPart(walk, p));
}

function walkSimpleCommand(walk: Walk, node: Node, stdin: Stdin, via: string[]): void {
  let input = stdin;
  const nameNode = node.childForFieldName('name');
  const children = node.namedChildren;
  // The arguments: usually one run at the end of the children, read in place (no copy of a
  // 50,000-word list); gathered into a list of their own otherwise.
  let argFrom = -1;
  let argTo = -1;
  let argCount = 0;
  let seen = 0;
  const again = new RepeatedRead();
  for (let k = 0; k < children.length; k++) {
    const child = children[k];
    if (!child) continue;
    // One command can have tens of thousands of words: the budget is checked among them too.
    if ((++seen & 255) === 0 && overBudget(walk)) return;
    if (child.type === 'variable_assignment') {
      // `IFS= read -r line`, `IFS=, read -r a b`: IFS set for the read builtin alone only says how
      // the line read is split into its variables; it changes nothing else that runs (a plain
      // `IFS=…` statement, which changes how later words split, is still a variable rule's).
      // (Not when the line defines a function called read, which IFS would reach.)
      if (nameNode?.text === 'read' && IFS_FOR_READ.test(child.text) && !READ_FUNCTION.test(walk.context))
        continue;
      walkAssignment(walk, child, !nameNode);
    } else if (REDIRECTS.has(child.type)) {
      const got = walkRedirect(walk, child);
      if (got) input = got;
    } else {
      if (!again.handles(walk, child)) scanValue(walk, child);
      if (child.id !== nameNode?.id) {
        if (argFrom === -1) argFrom = k;
        argTo = k + 1;
        argCount++;
      }
    }
  }
  const isArg = (c: Node | null): c is Node =>
    c !== null && c.type !== 'variable_assignment' && !REDIRECTS.has(c.type) && c.id !== nameNode?.id;
  const argNodes: readonly (Node | null)[] =
    argCount === 0 ? [] : argTo - argFrom === argCount ? children : children.filter(isArg);
  const from = argCount === 0 || argNodes !== children ? 0 : argFrom;
  const to = argCount === 0 ? 0 : argNodes !== children ? argNodes.length : argTo;
  if (!nameNode) return; // only assignments
  const nameWord = nameNode.namedChildren[0];
  if (
    children.length === 1 &&
    nameNode.namedChildren.length === 1 &&
    nameWord?.type === 'word' &&
    STRAY_CLOSERS.has(nameWord.text)
  ) {
    // A lone `}` (the end of Java or C source sent as a command), `fi`, `done`: a reserved word
    // bash only takes as the end of a compound command, which tree-sitter would have parsed as
    // one. Bash stops there with a syntax error; the parts before and after are decided anyway.
    walk.parts.push({
      kind: 'structure',
      text: clip(node.text),
      decision: 'allow',
      rule: 'shell:stray-reserved-word',
      reason: `\`${nameWord.text}\` closes no compound command here: bash stops at it with a syntax error and runs nothing from it on`,
    });
    return;
  }
  if (
    nameWord &&
    nameNode.namedChildren.length === 1 &&
    // `true}` is a concatenation of the words `true` and `}` to tree-sitter-bash, one word to bash.
    (((nameWord.type === 'word' ||
      (nameWord.type === 'concatenation' && nameWord.namedChildren.every((c) => c?.type === 'word'))) &&
      notAProgram(walk, nameWord.text)) ||
      quotedBlankName(walk, nameWord))
  ) {
    // Its redirections, assignments and substitutions were walked above: bash does those
    // before it looks the name up.
    walk.parts.push({
      kind: 'structure',
      text: clip(node.text),
      decision: 'allow',
      rule: 'shell:command-not-found',
      reason: `\`${clip(nameWord.text, 30)}\` is no program's name (${NOT_A_PROGRAM_WHY}), so bash only reports "command not found": the command runs nothing, its redirections and substitutions are decided`,
    });
    return;
  }
  // `"$PWD/scripts/x.sh"`, `$(pwd)/bin/composer install`: a program by its path below the working
  // directory, when that is one known directory.
  const pwdName = nameWord ? pwdWord(nameNode.text, walk.cwd, walk.context) : null;
  if (
    pwdName === null &&
    (!nameWord ||
      nameNode.namedChildren.length !== 1 ||
      nameWord.type !== 'word' ||
      !LITERAL_NAME.test(nameWord.text))
  ) {
    structure(
      walk,
      node.text,
      'shell:dynamic-command-name',
      `the command name \`${clip(nameNode.text, 40)}\` is not a plain literal word (quoting, escapes, expansions, substitutions or globs in a command name hide what runs), so it is denied`,
    );
    return;
  }
  const firstArg = argCount > 0 ? argNodes[from] : null;
  if (pwdName === null && firstArg && firstArg.startIndex === nameNode.endIndex) {
    structure(
      walk,
      node.text,
      'shell:dynamic-command-name',
      `the command name \`${clip(node.text, 40)}\` is not one plain word as parsed, so it is denied`,
    );
    return;
  }
  const args = argsOf(walk, argNodes as readonly Node[], from, to);
  if (args.length > 256 && overBudget(walk)) return;
  runArgv(walk, pwdName ?? nameWord!.text, args, node.text, input, via);
}

/** `IFS=` with a literal value of separators (no expansion, quoting of blanks and punctuation only). */
const READ_FUNCTION = /\bread\s*\(\s*\)|\bfunction\s+read\b|\balias\b/;
const IFS_FOR_READ = /^IFS=(?:''|""|\$'\\[tn]'|'[^'$`\\]{1,8}'|"[^"$`\\]{1,8}"|[,:;|=/.@#%+-]{1,8})?$/;

/**
 * The name rules see: `/usr/bin/rm` is `rm`; `./x.sh` is its absolute path; a versioned name of a
 * program programs.yaml lists under `versioned:` is that program (`python3.14`, `/usr/bin/gcc-15`).
 */
export function commandName(word: string, walk: Walk): string {
  const name = pathName(word, walk);
  return walk.code?.versioned && !name.includes('/') ? walk.code.versioned(name) : name;
}

function pathName(word: string, walk: Walk): string {
  if (!word.includes('/')) return word;
  const cwds = walk.cwd ?? [];
  const resolved = new Set(
    (word.startsWith('/') ? [walk.ws.workspace] : cwds).map((c) => resolvePath(word, c, walk.ws.home)),
  );
  if (resolved.size !== 1) return word;
  const path = [...resolved][0]!;
  const slash = path.lastIndexOf('/');
  const dir = slash <= 0 ? '/' : path.slice(0, slash);
  const toolchain =
    path.length <= 4096 &&
    TOOLCHAIN_BIN.test(path) &&
    path !== walk.ws.workspace &&
    !isStrictlyInside(path, walk.ws.workspace);
  return SYSTEM_BIN_DIRS.has(dir) || toolchain ? path.slice(slash + 1) : path;
}

/**
 * A program in the `bin` directory of a toolchain the image installed outside PATH: conda
 * (`/opt/miniconda3/envs/testbed/bin/python`), a JDK (`/usr/lib/jvm/java-17-openjdk-amd64/bin/
 * javac`), Go (`/usr/local/go/bin/go`). Nothing the policy allows writes there (a write outside
 * the workspace and /tmp is refused), so the file is the image's program of that name, and it is
 * decided as that name with its rules and spec. Not the scratch or the workspace (their programs
 * are the agent's), nor /proc, whose `cwd` and `root` links lead anywhere.
 */
const TOOLCHAIN_BIN = /^\/(?:opt|usr\/lib\/jvm|usr\/local|usr\/lib)\/(?:[^/]+\/)*s?bin\/[^/]+$/;

/** Records one command to be run and follows what it runs in turn (wrappers, shells, eval). */
export function runArgv(
  walk: Walk,
  word: string,
  args: Arg[],
  text: string,
  stdin: Stdin,
  via: string[],
): void {
  const name = commandName(word, walk);
  // Old-style `tar xPf a.tar` means `tar -xPf a.tar`.
  if (/^(g|bsd)?tar$/.test(name) && args[0] && !args[0].dynamic && /^[A-Za-z]+$/.test(args[0].text)) {
    args = [{ ...args[0], text: `-${args[0].text}` }, ...args.slice(1)];
  }
  // `python3 - < tools/x.py`, `bash < scripts/setup.sh`: an interpreter or shell whose program is a
  // file redirected to its standard input runs that file, decided as `python3 tools/x.py` is (a
  // script outside the workspace, or one this line wrote, is then judged as any script is).
  const program = stdin.kind === 'file' ? stdin.path : undefined;
  if (
    program &&
    !program.dynamic &&
    interpreterFacts(name)?.stdin &&
    (args.length === 0 || args[0]!.text === '-')
  ) {
    const rest = args.slice(1);
    const shown = [word, program.text, ...rest.map((a) => a.text)].join(' ');
    runArgv(walk, word, [program, ...rest], shown, { kind: 'none' }, via);
    return;
  }
  // `pgrep -f "hugo server" | xargs kill -9`, `kill $(pgrep -f "hugo server")`: the processes pkill
  // with pgrep's arguments picks, decided as that (`pkill -9 -f "hugo server"`), when kill is given
  // only them and a signal in the `-N`/`-NAME` form pkill reads too.
  const pg = name === 'kill' ? args.find((a) => a.pgrep)?.pgrep : undefined;
  const signal = args.length === 2 ? args[0]! : undefined;
  if (
    pg &&
    args[args.length - 1]!.pgrep === pg &&
    (args.length === 1 ||
      (signal && !signal.dynamic && /^-(?:[0-9]{1,2}|(?:SIG)?[A-Z]+[0-9]*)$/.test(signal.text)))
  ) {
    walk.runArgv(
      walk,
      'pkill',
      [...args.filter((a) => !a.pgrep), ...pg],
      `pkill ${[...args.filter((a) => !a.pgrep), ...pg].map((a) => a.text).join(' ')} (for ${text})`,
      stdin,
      via,
    );
    return;
  }
  if (name === 'kill' && args.some((a) => a.pids)) {
    // `lsof -ti:3000 | xargs kill -9`, `kill $(lsof -ti:3000)`: the processes holding a socket on a
    // literal port, which in the sandbox are the agent's servers and their clients (no process of
    // drydock's holds one), never init or every process: decided as a job this line started is.
    args = args.map((a) => (a.pids ? { text: `%${a.text}`, dynamic: false, glob: false } : a));
  }
  if (name === 'kill') {
    // `cmd & PID=$!; …; kill $PID`, `server & sleep 2; kill $!`: the target is a job this shell
    // started. `$!` is always the id of the shell's last background job, or empty when it started
    // none (then `kill` has no target and fails): never init, every process or a process group.
    args = args.map((a) => {
      if (!a.dynamic) return a;
      if (/^"?\$(?:!|\{!\})"?$/.test(a.text)) return { text: '%!', dynamic: false, glob: false };
      const v = /^"?\$\{?(\w+)\}?"?$/.exec(a.text)?.[1];
      return v && walk.jobPids.has(v) ? { text: `%${v}`, dynamic: false, glob: false } : a;
    });
  }
  commandSetsVars(walk, name, args, stdin.kind === 'text' && !stdin.dynamic ? stdin.text : null);
  // `printf -v PATH …`, `read -r HOME`: an assignment of what it reads or formats (vars.ts)
  for (const set of namesSetByBuiltin(name, args))
    walk.parts.push({
      kind: 'variable',
      text,
      access: 'set',
      name: set,
      value: { text: '', dynamic: true, glob: false },
    });
  if (name === 'make' || name === 'gmake') makeAssignments(walk, args);
  const part: CommandPart = { kind: 'command', text, name, args, cwd: walk.cwd, via, context: walk.context };
  if (stdin.kind === 'file' && stdin.path) part.stdinFile = stdin.path;
  const decoded = runsDecoded(walk, name, args);
  if (decoded === 'decoded')
    structure(
      walk,
      text,
      'shell:decoded-script',
      `\`${clip(text, 50)}\` runs a file this command line wrote with text that cannot be read (decoded by base64 or xxd -r, or printed by a program, a filter, an expansion or a printf format drydock does not follow), so it is denied`,
    );
  else if (decoded === 'code')
    // Inline code wrote it with text the reader did not follow (a value only known when it runs,
    // a long literal it skips): code nobody read, as a script fed to `bash` on stdin is (ask).
    walk.parts.push({
      kind: 'structure',
      text,
      decision: 'ask',
      rule: CODE_WRITTEN_RULE,
      reason: `\`${clip(text, 50)}\` runs a file that inline code on this command line wrote with text drydock could not read (computed, or a long literal it does not follow); write it with a here-document (\`cat > x.sh <<'EOF'\`), whose text is read, or ask`,
    });
  // `./run.sh` where this line wrote run.sh with literal text: its commands are walked too.
  if (name.includes('/')) runWritten(walk, { text: name, dynamic: false, glob: false }, name, false, true);
  // `./x.py` whose interpreter line names another program: decided as that program running it.
  if (word.includes('/') && walk.written.size) interpreterLine(walk, word, args, stdin, via);
  decoderOutputs(walk, part);
  copiesDecoded(walk, name, args);
  if (walk.written.size) part.written = walk.written;
  else if (stdin.kind === 'text' && !stdin.dynamic) part.stdinText = stdin.text;
  walk.parts.push(part);
  specWrites(walk, part);
  // `tee run.sh <<'EOF'`: each file it names holds its stdin (`-a`: after what it held).
  if (name === 'tee') {
    const known = stdin.kind === 'text' && !stdin.dynamic;
    const append = args.some((a) => /^(-[a-zA-Z]*a[a-zA-Z]*|--append)$/.test(a.text));
    for (const a of args)
      if (!a.text.startsWith('-') || a.dynamic) {
        const f: FilePart = { kind: 'file', text: a.text, access: 'write', path: a, cwd: walk.cwd };
        recordWrite(walk, f, known ? { text: stdin.text } : null, append);
        // Text put together before the pipe (`echo … | rev | tee x.sh`) holds code nobody read
        // (a here-document's expansions are the line's, as for `cat`).
        if (stdin.kind === 'pipe' && stdin.assembled) markDecoded(walk, a, walk.cwd);
      }
  }
  // `printenv NAME` reads NAME as `echo $NAME` does: one list of secret names decides both.
  if (name === 'printenv')
    for (const a of args) if (!a.dynamic && !a.text.startsWith('-')) addVariable(walk, a.text, text, 'read');
  // `envsubst '$A ${B}'` substitutes (reads) the variables its format names.
  if (name === 'envsubst')
    for (const a of args)
      if (!a.dynamic && !a.text.startsWith('-'))
        for (const m of a.text.slice(0, 4096).matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g))
          addVariable(walk, m[1]!, text, 'read');
  if (name === 'curl') {
    // `-d @file`, `-F f=@file`, `-F f=<file`: files curl reads and sends.
    for (const a of args) {
      if (a.dynamic) continue;
      const m = /^(?:[^=@<]*=)?[@<](.+)$/.exec(a.text.length > 4096 ? '' : a.text);
      if (m && m[1] !== '-')
        walk.parts.push({
          kind: 'file',
          text: `${m[1]} (sent by curl)`,
          access: 'read',
          path: { text: m[1]!, dynamic: false, glob: false },
          cwd: walk.cwd,
        });
    }
  }
  if (name === 'cd' || name === 'pushd' || name === 'popd') {
    changeDirectory(walk, name, args);
    return;
  }
  if (name === 'perl') {
    // A program of substitutions only is a `sed -i` in Perl's spelling: read, its files decided as paths.
    const subst = perlSubstitution(
      args.map((a) => a.text),
      args.map((a) => a.dynamic),
    );
    // `perl -MTest::More -e 1`: whether a module is installed; the code is a number.
    if (
      perlModuleCheck(
        args.map((a) => a.text),
        args.map((a) => a.dynamic),
      )
    ) {
      part.code = 'read';
      return;
    }
    if (subst) {
      part.code = 'read';
      for (const i of subst.files)
        walk.parts.push({
          kind: 'file',
          text: `${args[i]!.text} (${subst.inPlace ? 'rewritten' : 'read'} by perl)`,
          access: subst.inPlace ? 'write' : 'read',
          path: args[i]!,
          cwd: walk.cwd,
        });
      return;
    }
  }
  // `Rscript -e "devtools::test()"`, `julia -e 'using Pkg; Pkg.test()'`: calls of the project's
  // development tools are read (calls.ts), the paths they are given decided as paths.
  const callTable = walk.code?.calls?.get(name);
  if (callTable) {
    const calls = readCalls(
      callTable,
      args.map((a) => a.text),
      args.map((a) => a.dynamic),
      stdin.kind === 'text' && !stdin.dynamic
        ? stdin.text
        : stdin.kind === 'pipe' && stdin.printed !== undefined
          ? stdin.printed
          : undefined,
    );
    if (calls) {
      part.code = 'read';
      for (const p of calls.paths)
        walk.parts.push({
          kind: 'file',
          text: `${p.text} (${p.access === 'write' ? 'rewritten' : 'read'} by ${name} code)`,
          access: p.access,
          path: literal(p.text),
          cwd: walk.cwd,
        });
      return;
    }
  }
  // A program whose spec names the language of its code (`python -c`, `node -e`, `tsx -e`,
  // `ipython -c`, a program on standard input): the code is read.
  const language = walk.code?.programs?.get(name)?.language;
  if (walk.code && language) {
    const code = inlineCode(name, args, stdin, walk.code.programs);
    if (code !== null) {
      readInline(walk, part, code, language, via);
      // `python -c 'import helper'` after `cat > helper.py <<'EOF'`: the module it may import.
      const more =
        walk.written.size && language === 'python' ? readWrittenFiles(walk, part, [], via) : undefined;
      if (more !== undefined) {
        delete part.code;
        part.codeIssue ??= more;
      }
      return;
    }
    if (walk.written.size && readWrittenScript(walk, part, name, args, via)) return;
  } else if (walk.code && (name === 'deno' || name === 'bun')) {
    // `deno eval CODE`, `bun -e CODE`: TypeScript/JavaScript with the runtime's own API (`Deno.*`, `Bun.*`)
    const code = runtimeEvalCode(name, args);
    if (code !== null) {
      readInline(walk, part, code, 'typescript', via);
      return;
    }
  } else if (walk.written.size && interpreterFacts(name)?.unread) {
    // `ruby x.rb`, `perl x.pl`, `php x.php` of a file this line wrote: code in a language this
    // policy does not read, which asks as the same code given with `-e` does.
    if (args.some((a) => !a.text.startsWith('-') && writtenTexts(walk, a).length > 0))
      part.runsWritten = true;
  }
  // `make` after `printf … > Makefile`, `npm test` after writing package.json, `pytest` after
  // `cat > test_x.py`: the project files it runs are decided as what they say.
  if ((walk.written.size || walk.decoded.size) && !part.runsWritten)
    readWrittenProject(walk, part, name, args, (text, lang) => readWrittenCode(walk, part, text, lang, via));
  unwrapCommand(walk, name, args, stdin, [...via, name]);
}

/**
 * The files a command's program spec says it writes (`cp SRC DST`, `tee F`, `sort -o F`,
 * `sed -i … F`, `mvn -Dmaven.repo.local=DIR`) become file parts (`access: write`), decided by
 * every file rule as a redirection is; the words it does not read are marked on the part
 * (`unread`), so path conditions of command rules do not take an output for a read.
 */
function specWrites(walk: Walk, part: CommandPart): void {
  const specs = walk.code?.programs;
  if (!specs) return;
  const spec = partSpec(specs, walk, part);
  if (!spec?.effects) return;
  // A pattern or unread word is told by its Arg object; a word repeated among many arguments
  // shares one, so each position gets its own first (`--exclude .git .git`: the second is a path).
  if (spec.patterns && part.args.length >= 64) part.args = part.args.map((a) => ({ ...a }));
  const patterns = spec.patterns ? new Set<Arg>() : undefined;
  const fx = specEffects(spec, part, walk.ws, specs as Map<string, ProgramSpec>, patterns);
  if (fx.unread.size) part.unread = fx.unread;
  if (fx.values?.size) part.plainValues = fx.values;
  if (patterns?.size) part.patterns = patterns;
  part.specRead = true;
  for (const r of fx.reads ?? [])
    walk.parts.push({
      kind: 'file',
      text: `${clip(r.path.text, 200)} (read by ${part.name})`,
      access: 'read',
      path: r.path,
      cwd: r.cwd,
    });
  for (const w of fx.writes) {
    // A path only known when it runs, with no known shape, is the spec's own finding (ask).
    if (w.path.dynamic && !w.path.pattern && !w.path.inside) continue;
    const f: FilePart = {
      kind: 'file',
      text: `${clip(w.path.text, 200)} (written by ${part.name})`,
      access: 'write',
      path: w.path,
      cwd: w.cwd,
      ...(w.from ? { from: w.from } : {}),
    };
    walk.parts.push(f);
    // What it holds now is not known (`cp other.sh run.sh`, `sed -i … run.sh`); a mode, owner or
    // time changes nothing in it (`chmod +x run.sh && ./run.sh`).
    if (walk.written.size && textTool(part.name)?.metadataOnly !== true) recordWrite(walk, f, null, false);
  }
}

/** The program spec of a command part (`./gradlew` in the workspace is `./gradlew`'s). */
function partSpec(
  specs: ReadonlyMap<string, ProgramSpec>,
  walk: Walk,
  part: CommandPart,
): ProgramSpec | undefined {
  return (
    specs.get(part.name) ??
    (part.name.startsWith(`${walk.ws.workspace}/`)
      ? specs.get(`./${part.name.slice(part.name.lastIndexOf('/') + 1)}`)
      : undefined)
  );
}

/**
 * Whether a command may work in another directory than its part's: by an option its spec marks
 * `cwd` (`make -C ..`), or for a program with no spec, one of programs.yaml's `unspecified:` ones.
 */
function specMovesPart(walk: Walk, part: CommandPart): boolean {
  const specs = walk.code?.programs;
  const spec = (specs && partSpec(specs, walk, part)) ?? walk.code?.unspecified;
  return !specs || !spec || specMoves(spec, part, walk.ws, specs as Map<string, ProgramSpec>);
}

/**
 * What a file this command line wrote with literal text holds, as `a` names it from each
 * working directory (with the other reading of an `echo` without `-e`, when it differs); none
 * when `a` is not such a file.
 */
function writtenTexts(walk: Walk, a: Arg): { key: string; text: string; other?: string }[] {
  if (a.dynamic || a.glob || walk.written.size === 0) return [];
  const out: { key: string; text: string; other?: string }[] = [];
  const seen = new Set<string>();
  for (const c of walk.cwd ?? [walk.ws.workspace]) {
    const key = resolvePath(a.text, c, walk.ws.home);
    const text = walk.written.get(key);
    if (text === undefined || seen.has(key)) continue;
    seen.add(key);
    const other = walk.written.get(`${key}${ALT}`);
    out.push(other !== undefined && other !== text ? { key, text, other } : { key, text });
  }
  return out;
}

/**
 * `python x.py`, `python -m tool`, `node -r ./pre.js app.js`, `tsx t.ts` where this command line
 * wrote the file with literal text (`cat <<'EOF' > x.py`, `echo CODE > t.js`, `printf`, `tee`,
 * appends): the file's code is read as inline code is, and decided like the commands, files and
 * hosts it reaches (code that cannot be read leaves the part unread: rule
 * `interpreter-written-scripts` asks, as `python -c` of that code does). Python's other files
 * the line wrote in the script's directory are read too: the script may import them (that
 * directory is first on its module path). Returns false when the command runs no such file.
 */
function readWrittenScript(walk: Walk, part: CommandPart, name: string, args: Arg[], via: string[]): boolean {
  const spec = walk.code?.programs?.get(name);
  if (!spec?.language) return false;
  const python = spec.language === 'python';
  const { options, end } = leadingOptions(spec, args);
  if (options.some((o) => o.effect === 'code')) return false;
  const files: Arg[] = [];
  for (const o of options) {
    // `node -r ./pre.js app.js`: a preloaded file runs before the script.
    if (o.effect === 'recipe' && o.value) files.push(o.value);
    // `python -m tool` runs tool.py (or tool/__main__.py) from the working directory first.
    if (
      o.effect === 'module' &&
      o.value &&
      python &&
      !o.value.dynamic &&
      /^[A-Za-z_][\w.]*$/.test(o.value.text)
    ) {
      const m = o.value.text.replace(/\./g, '/');
      files.push(literal(`${m}.py`), literal(`${m}/__main__.py`));
    }
  }
  const script = options.some((o) => o.effect === 'module') ? undefined : args[end];
  if (script && !(script.text === '-' && !script.dynamic)) files.push(script);
  const found = files.flatMap((f) => writtenTexts(walk, f).map((t) => ({ ...t, file: f.text })));
  if (found.length === 0) return false;
  part.runsWritten = true;
  let issue: string | undefined;
  const read = (text: string, file: string) => {
    const lang = python
      ? 'python'
      : spec.language === 'typescript' || /\.[mc]?tsx?$/.test(file.slice(-8))
        ? 'typescript'
        : 'javascript';
    const unread = readWrittenCode(walk, part, text, lang, via);
    issue ??= unread;
  };
  for (const f of found) {
    read(f.text, f.file);
    if (f.other !== undefined) read(f.other, f.file);
  }
  if (python)
    issue ??= readWrittenFiles(
      walk,
      part,
      found.map((f) => f.key),
      via,
    );
  if (issue) part.codeIssue = issue;
  else part.code = 'read';
  return true;
}

/**
 * Reads code this line wrote (a script, a test file, a project's configuration) as inline code on
 * `part`, its calls decided as parts, and leaves the part's code state clear. Returns what could
 * not be followed: where the reader only stops on ordinary code (its length, a call it does not
 * know), the file is what any workspace file is, since the agent could have written it with an
 * edit and run it (allowed); what it was seen to do is decided, and code that hides what it runs
 * asks. (Python and node compile the whole file first: echo's other reading, dash's, that does
 * not parse runs nothing.)
 */
function readWrittenCode(
  walk: Walk,
  part: CommandPart,
  text: string,
  lang: CodeLanguage,
  via: string[],
): string | undefined {
  delete part.code;
  delete part.codeIssue;
  readInline(walk, part, text, lang, via);
  const unread = part.codeIssue;
  delete part.code;
  delete part.codeIssue;
  return unread && !readerLimit(unread) ? unread : undefined;
}

/**
 * The other Python files this line wrote, in the script's directory or the working directory
 * (`except`: the scripts themselves, already read), which the code may import: read as inline
 * code too. Returns what could not be followed in them; the part's own code state is kept.
 */
function readWrittenFiles(
  walk: Walk,
  part: CommandPart,
  except: string[],
  via: string[],
): string | undefined {
  const dir = (k: string) => k.slice(0, k.lastIndexOf('/')) || '/';
  const dirs = new Set<string>([...(walk.cwd ?? [walk.ws.workspace]), ...except.map(dir)]);
  const { code, codeIssue } = part;
  let found: string | undefined;
  let count = 0;
  let scanned = 0;
  for (const [key, text] of walk.written) {
    // (bounded: a line that writes thousands of files is not scanned per interpreter run)
    if (++scanned > 256) {
      found ??= 'more files written on this line than are read';
      break;
    }
    if (!key.endsWith('.py') || except.includes(key) || !dirs.has(dir(key))) continue;
    if (++count > 16) {
      found ??= 'more Python files written on this line than are read';
      break;
    }
    // (read whatever was found before: each file's calls are decided)
    const unread = readWrittenCode(walk, part, text, 'python', via);
    found ??= unread;
  }
  if (code) part.code = code;
  else delete part.code;
  if (codeIssue !== undefined) part.codeIssue = codeIssue;
  else delete part.codeIssue;
  return found;
}

/** The program and its words an interpreter line (`#!/usr/bin/env python3`, `#!/usr/bin/perl -w`) names; null for none. */
function interpreterOf(text: string): string[] | null {
  if (!text.startsWith('#!')) return null;
  const nl = text.indexOf('\n');
  const line = text.slice(2, Math.min(nl === -1 ? text.length : nl, 256));
  const words = line
    .trim()
    .split(/[ \t]+/)
    .filter(Boolean);
  if (words.length === 0) return null;
  if (words[0]!.slice(words[0]!.lastIndexOf('/') + 1) === 'env') {
    let i = 1;
    while (i < words.length && words[i]!.startsWith('-')) i++;
    return words.length > i ? words.slice(i) : null;
  }
  return words;
}

/**
 * `./x.py` where this line wrote x.py with an interpreter line that is not a shell's
 * (`#!/usr/bin/env python3`): the kernel runs `python3 ./x.py`, decided as that (its code read
 * by `readWrittenScript`). An interpreter that is itself a file the line wrote asks.
 */
function interpreterLine(walk: Walk, word: string, args: Arg[], stdin: Stdin, via: string[]): void {
  const seen = new Set<string>();
  for (const { text } of writtenTexts(walk, literal(word))) {
    const interp = interpreterOf(text);
    // (a shell's script is walked as shell lines by runWritten: programs.yaml `interpreters:` key shell)
    if (!interp || interpreterFacts(interp[0]!.slice(interp[0]!.lastIndexOf('/') + 1))?.shell) continue;
    const key = interp.join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    if (writtenTexts(walk, literal(interp[0]!)).length > 0) {
      structure(
        walk,
        word,
        'shell:written-interpreter',
        `\`${clip(word, 40)}\` names as its interpreter \`${clip(interp[0]!, 40)}\`, a file this command line wrote, so it needs approval`,
      );
      continue;
    }
    runArgv(
      walk,
      interp[0]!,
      [...interp.slice(1).map(literal), literal(word), ...args],
      `${key} ${word} (its interpreter line)`,
      stdin,
      via,
    );
  }
}

/**
 * The literal inline code a python/node invocation runs, or null (a script, a module,
 * dynamic code, an option its spec does not know). The options before the code are read
 * with the program's spec (policies/programs.yaml), as the program reads them: a value
 * (`node --require ./x.js -e …`, `python -W ignore -c …`) is not the code, clusters hold it
 * (`python3 -uc CODE`).
 */
function inlineCode(name: string, args: Arg[], stdin: Stdin, specs: CodeParsers['programs']): string | null {
  const spec = specs?.get(name);
  if (!spec) return null;
  const { options, end } = leadingOptions(spec, args);
  const last = options[options.length - 1];
  if (last?.effect === 'code') return last.value && !last.value.dynamic ? last.value.text : null;
  if (options.some((o) => o.effect === null || o.effect === 'module')) return null;
  const next = args[end];
  if (next && !(next.text === '-' && !next.dynamic)) return null; // a script, or a word only known when it runs
  return stdin.kind === 'text' && !stdin.dynamic ? stdin.text : null;
}

/** Options of `deno eval` that change neither what runs nor what it may reach (`--ext` picks the grammar). */
const DENO_EVAL_FLAGS = /^(-p|--print|-q|--quiet|--check|--no-check|--ext=(ts|js|tsx|jsx|mts|mjs))$/;

/**
 * The literal code of `deno eval [FLAGS] CODE` or `bun -e|--eval|-p|--print CODE`, or null (any other
 * option, a word only known when it runs, or another subcommand): such a line asks, as before.
 */
function runtimeEvalCode(name: string, args: Arg[]): string | null {
  let i = 0;
  if (name === 'deno') {
    if (args[0]?.text !== 'eval' || args[0].dynamic) return null;
    for (i = 1; i < args.length && args[i]!.text.startsWith('-'); i++)
      if (args[i]!.dynamic || !DENO_EVAL_FLAGS.test(args[i]!.text)) return null;
  } else {
    if (!args[0] || args[0].dynamic || !/^(-e|--eval|-p|--print)$/.test(args[0].text)) return null;
    i = 1;
  }
  const code = args[i];
  return code && !code.dynamic ? code.text : null;
}

const literal = (text: string): Arg => ({ text, dynamic: false, glob: false });

/** A word the shell reads back as exactly `s` (quoted only when it must be: a quoted command name is refused). */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=+@%,-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/**
 * Interpreters that compile all the code before running any (CPython, PyPy), so code their parser
 * rejects runs nothing (`pythonEffects`' `compiledFirst`); IPython is not one: its own syntax is
 * what a Python parser rejects.
 */
const COMPILED_FIRST = /(^|\/)(python|pypy)[0-9.]*$/;

/** Turns what inline code does into parts, decided like the shell commands, files and hosts they are. */
function readInline(walk: Walk, part: CommandPart, code: string, lang: CodeLanguage, via: string[]): void {
  const parsers = walk.code!;
  const effects: Effect[] =
    lang === 'python'
      ? pythonEffects(parsers.python, code, walk.budget, undefined, COMPILED_FIRST.test(part.name))
      : javascriptEffects(
          (lang === 'typescript' ? parsers.typescript : undefined) ?? parsers.javascript,
          code,
          walk.budget,
        );
  const unknown = effects.find((e) => e.kind === 'unknown');
  // Code with a part this reader cannot follow stays unread, so the interpreter rules
  // (which a project or user policy may override) ask, naming what was not followed.
  if (unknown) part.codeIssue = unknown.what;
  else part.code = 'read';
  const where = `${part.name} code`;
  for (const e of effects) {
    switch (e.kind) {
      case 'shell':
      case 'argv':
        if (e.cwd !== undefined) {
          // `subprocess.run(…, cwd='x')`: decided as `cd x && …`, and the directory is the
          // process's own: the commands after the interpreter still run where they were
          const command =
            e.kind === 'shell'
              ? `{\n${e.text}\n}`
              : e.argv.map((w, i) => (i === 0 && w.includes('=') ? `'${w}'` : shellWord(w))).join(' ');
          asChild(walk, () =>
            walkScript(walk, `cd -- ${shellWord(e.cwd!)} && ${command}`, { kind: 'none' }, where),
          );
        } else if (e.kind === 'shell') walkScript(walk, e.text, { kind: 'none' }, where);
        else
          runArgv(
            walk,
            e.argv[0]!,
            e.argv.slice(1).map(literal),
            `${e.argv.join(' ')} (in ${where})`,
            { kind: 'none' },
            [...via, part.name],
          );
        break;
      case 'write':
      case 'read': {
        const f: FilePart = {
          kind: 'file',
          text: `${e.path} (opened by ${where})`,
          access: e.kind,
          path: literal(e.path),
          cwd: walk.cwd,
        };
        walk.parts.push(f);
        // A file inline code writes holds what it wrote (`python3 -c "open('x.sh','w').write('rm
        // -rf ~')"; bash x.sh` was allowed: lead probe, 5 Dec): whole literal text (`Path(p)
        // .write_text(code)` with `code = '''…'''`) is read where the line runs it, as a
        // here-document's would be; any other text is code nobody read, and running the file asks
        // (`Walk.codeWritten`). A mode or time change (`meta`) leaves the text as it was.
        if (e.kind === 'write' && !e.meta) {
          if (e.text !== undefined) {
            forgetDecoded(walk, f);
            recordWrite(walk, f, { text: e.text }, false);
          } else {
            if (walk.written.size) recordWrite(walk, f, null, false);
            markDecoded(walk, f.path, f.cwd, true);
          }
        }
        break;
      }
      case 'env-read':
        if (e.name === null)
          runArgv(walk, 'env', [], `the whole environment (read by ${where})`, { kind: 'none' }, [
            ...via,
            part.name,
          ]);
        else
          walk.parts.push({
            kind: 'variable',
            text: `${e.name} (read by ${where})`,
            access: 'read',
            name: e.name,
          });
        break;
      case 'env-set':
        walk.parts.push({
          kind: 'variable',
          text: `${e.name}=… (set by ${where})`,
          access: 'set',
          name: e.name,
          value: e.value === null ? { text: '?', dynamic: true, glob: false } : literal(e.value),
          env: true,
        });
        break;
      case 'net':
        if (e.url === null)
          walk.parts.push({
            kind: 'structure',
            text: `${where}: a network connection`,
            decision: 'ask',
            rule: 'code:network',
            reason: `the ${lang} code opens a network connection to a host only known when it runs`,
          });
        else
          runArgv(
            walk,
            'curl',
            [literal(e.url)],
            `a request to ${clip(e.url, 60)} (by ${where})`,
            { kind: 'none' },
            [...via, part.name],
          );
        break;
      case 'unknown':
        break;
    }
  }
}

function changeDirectory(walk: Walk, name: string, args: Arg[]): void {
  const target = args.find((a) => a.dynamic || !a.text.startsWith('-'));
  if (name === 'popd' || !walk.cwd || (target && (target.dynamic || target.glob))) {
    if (walk.cwd)
      loseCwd(
        walk,
        name === 'popd'
          ? '`popd` returns to a directory this policy does not follow'
          : `\`${name} ${clip(target!.text, 40)}\` goes to a directory only known when it runs`,
      );
    return;
  }
  const dest = target?.text ?? '~';
  const cwd = walk.cwd;
  // The main directory: where every cd so far went (when it is still one of the possible ones).
  const here = walk.here && walk.here.every((d) => cwd.includes(d)) ? walk.here : cwd;
  let next: string[];
  if (descends(dest)) {
    // `cd src; cd lib;` is one directory, src/lib, not every subset of the cds that may have
    // failed: the directory before the first of them stays possible (kept once, however long
    // the chain), and a path read from a directory between the two is no more outside, no
    // nearer the workspace root or .git, and names the same file name as from one of them.
    const others = cwd.filter((d) => !here.includes(d));
    walk.fallback.push(...(others.length ? others : here));
    next = [...new Set(here.map((c) => resolvePath(dest, c, walk.ws.home)))];
  } else {
    // `cd ..`, `cd /abs`, `cd ~`: from every possible directory (a failed cd before it matters).
    walk.fallback.push(...cwd);
    next = [...new Set(cwd.map((c) => resolvePath(dest, c, walk.ws.home)))];
  }
  // A directory name this long (thousands of `cd src` in one line) is not followed: each step
  // would copy it again. The directory is then unknown, as after `cd "$x"`.
  if (next.some((c) => c.length > MAX_CWD_CHARS))
    loseCwd(walk, `the directory after these \`cd\`s is longer than ${MAX_CWD_CHARS} characters`);
  else {
    walk.cwd = next;
    walk.here = next;
  }
}

/** A relative directory below the current one: no `.`, `..` or empty segment, no `~` or `-`. */
function descends(dest: string): boolean {
  const d = dest.endsWith('/') ? dest.slice(0, -1) : dest;
  if (d === '' || d.startsWith('/') || d.startsWith('~') || d.startsWith('-')) return false;
  for (const seg of d.split('/')) if (seg === '' || seg === '.' || seg === '..') return false;
  return true;
}

/**
 * The longest working directory followed (PATH_MAX is 4,096; real ones are far shorter: the
 * longest `cd` target in 44,856 commands of the agent streams and the corpus is 147 characters).
 * Every part after a `cd` has its paths resolved against the directory and matched against the
 * rules' globs, so a line of `cd src;` repeated costs the number of parts times the directory's
 * length: with 1,024 the suite's `many cd` family at 4,096 characters took 5.3 ms of CPU on the
 * calling thread (3.1 ms with 512), over half of its share of the limit.
 */
const MAX_CWD_CHARS = 512;

const MAX_COMMAND_CHARS = 100_000;

/** All facets of one command line (pure apart from the parser's memory). */
export function extractParts(
  parser: Parser,
  command: string,
  ws: Workspace,
  code: CodeParsers | null = null,
  budget: Budget = NO_BUDGET,
  reader: ShellReader = 'auto',
  fallbackMs = Infinity,
): Part[] {
  const walk: Walk = {
    budget,
    fallbackMs,
    reader,
    walkScript,
    runArgv,
    parser,
    ws,
    parts: [],
    cwd: [ws.workspace],
    here: [ws.workspace],
    cwdLost: null,
    fallback: [],
    depth: 0,
    context: command,
    printed: new Map(),
    code,
    jobPids: new Set(),
    valueCwds: [],
    written: new Map(),
    decoded: new Set(),
    decodedVars: new Set(),
    ownVars: new Map(),
    andBranches: 0,
    andChain: null,
    codeWritten: new Set(),
    writtenVersion: 0,
    vars: new Map(),
    varsVersion: 0,
    varsOff: false,
    branch: 0,
  };
  if (command.includes('\0')) {
    structure(
      walk,
      command,
      'shell:unparseable',
      'the command contains a NUL byte, which bash and the parser read differently',
    );
    return walk.parts;
  }
  if (command.length > MAX_COMMAND_CHARS) {
    structure(
      walk,
      clip(command),
      'shell:too-long',
      `the command is longer than ${MAX_COMMAND_CHARS} characters, too long to check`,
    );
    return walk.parts;
  }
  walkScript(walk, command, { kind: 'none' }, 'of the command');
  if (walk.cwdLost)
    for (const p of walk.parts)
      if ((p.kind === 'command' || p.kind === 'file') && p.cwd === null) p.cwdLost = walk.cwdLost;
  // A stage that ran out of time on its own (the inline-code readers stop and report code they
  // could not read) leaves the cut to be recorded here, so the command asks for that reason.
  if (budget.spent) overBudget(walk);
  // What a dynamic argument may carry is judged against every spelling in the
  // line: the raw text without quotes and escapes, and every decoded argument. Only
  // dynamic arguments are ever judged against it (match.ts), so it is built only then.
  if (!walk.parts.some((p) => p.kind === 'command' && p.args.some((a) => a.dynamic))) return walk.parts;
  const options = walk.parts.filter(isShellOptions);
  const raw = withoutShellOptions(command, options.length);
  // When every copy of them in the line is a `set` that runs, a script argument holding one
  // (`bash -lc 'set -e; …'`, found verbatim in the line) is blanked the same way.
  const blank = (t: string) =>
    raw !== command && command.includes(t) ? withoutShellOptions(t, Infinity) : t;
  const spelled = [raw.replace(/["'\\]/g, '')];
  for (const p of walk.parts)
    if (p.kind === 'command' && !options.includes(p))
      for (const a of p.args) if (!a.dynamic) spelled.push(blank(a.text));
  const context = spelled.join('\n');
  for (const p of walk.parts) if (p.kind === 'command') p.context = context;
  return walk.parts;
}

/**
 * `set -euo pipefail`, `set +x`: the shell's own options, literal, naming no positional parameter
 * (no `--`, no other word). Their words set shell options and nothing else, so no later value can
 * carry them: a script that starts with `set -euo pipefail` must not make every dynamic argument
 * after it look like it may be `-o`, `-e` or `-u` (`git diff "$base"` taken as `git diff -o …`).
 */
function isShellOptions(p: Part): p is CommandPart {
  if (p.kind !== 'command' || p.name !== 'set' || p.args.length === 0) return false;
  let name = false; // the word after a cluster ending in `o` names an option (`-o pipefail`)
  for (const a of p.args) {
    if (a.dynamic || a.glob) return false;
    if (name && /^[a-z]+$/.test(a.text)) name = false;
    else if (/^[-+][A-Za-z]+$/.test(a.text)) name = a.text.endsWith('o');
    else return false;
  }
  return true;
}

/**
 * The line `raw` with the words of its `set` option commands blanked, when each one found as a
 * command of its own (at the start of a line, after `;`, `&&`, `|`, `(`, `{`, or at the start of a
 * quoted script: `bash -c 'set -e; …'`) is one of the `count` parsed ones: if the text holds more of
 * them than the line runs (one in a here-document or a string as well), nothing is removed, since
 * a copy that is text could reach a variable. A linear scan, no backtracking regex.
 */
function withoutShellOptions(raw: string, count: number): string {
  if (count === 0) return raw;
  const starts = /(^|[\n;&|(){'"])[ \t]*set[ \t]/g;
  const found: [number, number][] = [];
  for (let m = starts.exec(raw); m; m = starts.exec(raw)) {
    const from = m.index + m[1]!.length;
    let i = starts.lastIndex;
    let ok = true;
    for (;;) {
      while (raw[i] === ' ' || raw[i] === '\t') i++;
      const c = raw[i];
      if (c === undefined || '\n;&|)}#\'"'.includes(c)) break;
      const w = i;
      while (i < raw.length && /[-+A-Za-z]/.test(raw[i]!)) i++;
      const word = raw.slice(w, i);
      if (
        !/^[-+][A-Za-z]+$|^[a-z]+$/.test(word) ||
        !(i === raw.length || ' \t\n;&|)}#\'"'.includes(raw[i]!))
      ) {
        ok = false;
        break;
      }
    }
    starts.lastIndex = Math.max(starts.lastIndex, i);
    if (ok) found.push([from, i]);
    if (found.length > count) return raw;
  }
  let out = raw;
  for (const [from, to] of found.reverse()) out = out.slice(0, from) + ' '.repeat(to - from) + out.slice(to);
  return out;
}

/** The stage's one part, when it is `env`/`printenv` with no argument (the whole environment). */
function environmentPrinter(parts: readonly Part[], from: number): CommandPart | null {
  if (parts.length !== from + 1) return null;
  const p = parts[from]!;
  return p.kind === 'command' &&
    (p.name === 'env' || p.name === 'printenv') &&
    p.args.length === 0 &&
    !p.via.length
    ? p
    : null;
}

/**
 * The word a stage narrows its input to: `grep [-i|-w|-F|-o|-c|-n|-h|-s|-q|--color…] WORD`
 * alone, WORD a plain word (letters, digits, `_`; a leading `^` allowed), no file of its own, not inverted (`-v`),
 * no context lines (`-A`/`-B`/`-C`), no pattern file or list (`-e`/`-f`).
 */
function grepWord(parts: readonly Part[], from: number): string | undefined {
  if (parts.length !== from + 1) return undefined;
  const p = parts[from]!;
  if (p.kind !== 'command' || !['grep', 'egrep', 'fgrep'].includes(p.name) || p.via.length) return undefined;
  let word: string | undefined;
  for (const a of p.args) {
    if (a.dynamic || a.glob) return undefined;
    if (a.text.startsWith('-')) {
      if (
        !/^(-[iwFoEcnhsq]+|--(ignore-case|word-regexp|fixed-strings|only-matching|count|line-number|no-filename|color(=\w+)?|colour(=\w+)?))$/.test(
          a.text,
        )
      )
        return undefined;
      continue;
    }
    // (a leading `^` anchors the word at a variable's name: `printenv | grep ^LC_`); words
    // in alternation (`grep -E "JAVA_|JDK_"`, `grep 'JAVA\|JDK'`) are each such a word, none empty
    if (word !== undefined) return undefined;
    const alternatives = a.text.split(/\\?\|/);
    if (!alternatives.every((w) => /^\^?\w+$/.test(w))) return undefined;
    word = alternatives.map((w) => w.replace(/^\^/, '')).join('|');
  }
  return word;
}
