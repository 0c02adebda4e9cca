import { resolvePath } from './glob.js';
import type { Stdin, Walk } from './walk.js';
import type { Arg, CommandPart, Part, Under } from './types.js';

// What flows out of a command, as far as its text tells: only paths inside the
// workspace (so `grep -rl x src | xargs sed -i …` stays inside), or text put
// together from pieces (so `$(printf …)` cannot spell a path or flag unseen).

const FILTERS = new Set(['head', 'tail', 'sort', 'uniq', 'grep', 'egrep', 'fgrep', 'rg']);

/**
 * Whether the one command walked since `from` prints only paths inside the
 * workspace: `find` under inside roots, `grep -l`/`rg -l`/`rg --files` over inside
 * paths, `git ls-files`, `git diff --name-only`, or a line filter (head, sort,
 * grep …) over such a stream. File names are taken as the shell splits them;
 * see README ("known limits").
 */
export function printsInsidePaths(walk: Walk, from: number, input: Stdin, whole = false): boolean {
  const commands = walk.parts.slice(from).filter((p): p is CommandPart => p.kind === 'command');
  if (commands.length === 0) return false;
  // A `$(…)` may hold a pipeline: judge it stage by stage.
  if (whole && commands.length > 1) {
    let paths = false;
    for (const c of commands) paths = stagePrintsInsidePaths(walk, c, paths);
    return paths && walk.parts.slice(from).every((p) => p.kind === 'command');
  }
  if (commands.length !== 1) return false;
  return stagePrintsInsidePaths(walk, commands[0]!, input.kind === 'pipe' && input.paths === true);
}

/** The programs with their own case below; the other path printers are line filters. */
const SWITCHED = new Set(['find', 'grep', 'egrep', 'fgrep', 'rg', 'git']);
/** The programs `stagePrintsInsidePaths` knows; any other stage prints what it likes. */
const PATH_PRINTERS = new Set([...SWITCHED, ...FILTERS]);

function stagePrintsInsidePaths(walk: Walk, c: CommandPart, stdinPaths: boolean): boolean {
  // Most stages of a long pipeline are neither: answered before any list is made for them.
  if (!PATH_PRINTERS.has(c.name) || c.cwd === null) return false;
  const literal = c.args.every((a) => !a.dynamic);
  if (!literal) return false;
  // head, sort, uniq …: paths in, the same paths out, when no operand names a file to read.
  if (!SWITCHED.has(c.name))
    return stdinPaths && c.args.every((a) => a.text.startsWith('-') && a.text !== '-');
  const flags = c.args.filter((a) => a.text.startsWith('-') && a.text !== '-').map((a) => a.text);
  const operands = c.args.filter((a) => !a.text.startsWith('-') || a.text === '-');
  const inside = (a: Arg) =>
    !a.glob &&
    c.cwd!.every((cwd) => {
      const p = resolvePath(a.text, cwd, walk.ws.home);
      return p === walk.ws.workspace || p.startsWith(`${walk.ws.workspace}/`);
    });
  const has = (re: RegExp) => flags.some((f) => re.test(f));
  switch (c.name) {
    case 'find': {
      const roots: Arg[] = [];
      for (const a of c.args) {
        if (a.text.startsWith('-') || a.text === '(' || a.text === '!') break;
        roots.push(a);
      }
      return !has(/^-(exec|execdir|ok|okdir|printf|fprint|fprintf|fprint0|fls|ls)$/) && roots.every(inside);
    }
    case 'grep':
    case 'egrep':
    case 'fgrep':
    case 'rg':
      if (has(/^(-[a-zA-Z]*[lL][a-zA-Z]*|--files-with(out)?-matches?|--files)$/)) {
        const files = c.name === 'rg' && has(/^--files$/) ? operands : operands.slice(1);
        return files.every(inside);
      }
      return stdinPaths && operands.length <= 1;
    case 'git': {
      const sub = operands[0]?.text;
      if (sub === 'ls-files') return !has(/^(-s|--stage|-t|-v|-f|--debug|--eol|--format.*)$/);
      if (sub === 'diff') return has(/^--name-only$/);
      return false;
    }
    default:
      return FILTERS.has(c.name) && stdinPaths && operands.length === 0;
  }
}

/**
 * The roots of the paths the one command walked since `from` prints, or undefined when it is
 * not a path lister this knows: `find ROOTS…` (literal roots, no action of its own; a single
 * `-name`/`-iname` test is kept: every name printed matches it), `ls DIR…` (literal operands:
 * what it prints may name entries below DIR), or a line filter (head, sort, grep …) over such a
 * stream. `xargs PROG` hands PROG those paths, so `find ~ | xargs cat` reads below `~`.
 */
export function printedRoots(walk: Walk, from: number, input: Stdin): Under | undefined {
  let command: CommandPart | null = null;
  for (let i = from; i < walk.parts.length; i++) {
    const p = walk.parts[i]!;
    if (p.kind !== 'command') continue;
    if (command) return undefined;
    command = p;
  }
  if (!command || command.args.some((a) => a.dynamic)) return undefined;
  const c = command;
  if (FILTERS.has(c.name))
    return input.kind === 'pipe' &&
      input.roots &&
      c.args.every((a) => a.text.startsWith('-') && a.text !== '-')
      ? input.roots
      : undefined;
  if (c.name === 'find') {
    const roots: string[] = [];
    let i = 0;
    for (; i < c.args.length; i++) {
      const a = c.args[i]!;
      if (a.text.startsWith('-') || a.text === '(' || a.text === '!') break;
      roots.push(a.text);
    }
    const expr = c.args.slice(i).map((a) => a.text);
    if (expr.some((t) => /^-(exec|execdir|ok|okdir|printf|fprint|fprintf|fprint0|fls|ls)$/.test(t)))
      return undefined;
    // No root: `.`, the working directory (its paths are the workspace's, decided as such).
    if (roots.length === 0) return undefined;
    const names = expr.flatMap((t, k) => (t === '-name' || t === '-iname' ? [expr[k + 1] ?? ''] : []));
    const simple = !expr.some((t) => t === '-o' || t === '-or' || t === '!' || t === '-not' || t === ',');
    return names.length === 1 && simple && expr.includes('-name') ? { roots, name: names[0]! } : { roots };
  }
  if (c.name === 'ls') {
    const operands = c.args.filter((a) => !a.text.startsWith('-') || a.text === '-').map((a) => a.text);
    return operands.length ? { roots: operands } : undefined;
  }
  return undefined;
}

/** A byte escape (`\x41`, `\101`, `\u0041`): echo -e / printf turn it into any character. */
const BYTE_ESCAPE = /\\(x[0-9a-fA-F]|[0-7]{1,3}|u[0-9a-fA-F])/;
/** Everyday text tools: their output is the input transformed. */
const TRANSFORMERS = new Set([
  'rev',
  'tr',
  'sed',
  'awk',
  'gawk',
  'mawk',
  'cut',
  'paste',
  'iconv',
  'envsubst',
]);
/** Interpreters: their output, with inline code, is whatever the code prints. */
const INTERPRETERS = new Set(['python', 'pypy', 'perl', 'ruby', 'node', 'php']);

/**
 * Commands whose output is text no reader of the command line can see: base64/base32/basenc
 * decoding, `xxd -r`, `openssl enc`/`-d`, uudecode, echo/printf of byte escapes. Unlike
 * `isDecoder` it leaves out the everyday text tools, interpreters and printf formats.
 */
export function isOpaqueDecoder(part: Part): boolean {
  if (part.kind !== 'command') return false;
  const name = part.name.replace(/[0-9.]+$/, '');
  if (name === 'b64decode') return true;
  if (name === 'printf') return part.args.some((a) => !a.dynamic && BYTE_ESCAPE.test(a.text));
  return !TRANSFORMERS.has(name) && !INTERPRETERS.has(name) && isDecoder(part);
}

/**
 * Commands whose output is text put together from pieces (decoders, transformers,
 * formatters, interpreters): used as a value they can spell any path or flag
 * without it appearing in the command line.
 */
export function isDecoder(part: Part): boolean {
  if (part.kind !== 'command') return false;
  const literal = part.args.filter((a) => !a.dynamic).map((a) => a.text);
  const has = (re: RegExp) => literal.some((f) => re.test(f));
  const name = part.name.replace(/[0-9.]+$/, '');
  if (TRANSFORMERS.has(name)) return true;
  if (INTERPRETERS.has(name)) return has(/^-[a-zA-Z]*[ceEr]$|^--eval$/);
  switch (name) {
    case 'base':
    case 'basenc':
      return has(/^(-[a-zA-Z]*[dD][a-zA-Z]*|--decode)$/);
    case 'xxd':
      return has(/^(-r|-revert|-[a-z]*r[a-z]*)$/);
    case 'openssl':
      return has(/^-d$|^-base64$|^enc$/);
    case 'uudecode':
      return true;
    case 'printf':
      // A format with arguments assembles text: `printf '%s%s' --p re`.
      return has(BYTE_ESCAPE) || (has(/%/) && part.args.length > 1);
    case 'echo':
      return has(BYTE_ESCAPE);
    default:
      return false;
  }
}
