import { resolvePath } from './glob.js';
import { interpreterFacts, textTool } from './program-file.js';
import type { Stdin, Walk } from './walk.js';
import type { Arg, CommandPart, Part, Under } from './types.js';

// What flows out of a command, as far as its text tells: only paths inside the
// workspace (so `grep -rl x src | xargs sed -i …` stays inside), or text put
// together from pieces (so `$(printf …)` cannot spell a path or flag unseen).

/** A line filter (programs.yaml `text_tools:` `line_filter`). */
const isFilter = (name: string): boolean => textTool(name)?.lineFilter === true;

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

function stagePrintsInsidePaths(walk: Walk, c: CommandPart, stdinPaths: boolean): boolean {
  // Most stages of a long pipeline are neither: answered before any list is made for them.
  // (the programs it knows: SWITCHED and the line filters; any other stage prints what it likes)
  if ((!SWITCHED.has(c.name) && !isFilter(c.name)) || c.cwd === null) return false;
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
      return isFilter(c.name) && stdinPaths && operands.length === 0;
  }
}

/**
 * The roots of the paths the one command walked since `from` prints, or undefined when it is
 * not a path lister this knows: `find ROOTS…` (literal roots, no action of its own; a single
 * `-name`/`-iname` test is kept: every name printed matches it), `ls DIR…` (literal operands:
 * what it prints may name entries below DIR), or a line filter (head, sort, grep …) over such a
 * stream. `xargs PROG` hands PROG those paths, so `find ~ | xargs cat` reads below `~`.
 */
/**
 * The one base-name filter every path `find` prints matches, read from its expression (the words
 * after its roots): a single `-name PATTERN` in an expression with no `-o`, `!` or `,` (an
 * `-iname` matches other cases too, so it is not kept).
 */
export function findNameFilter(expr: readonly string[]): string | undefined {
  const names = expr.flatMap((t, k) => (t === '-name' || t === '-iname' ? [expr[k + 1] ?? ''] : []));
  const simple = !expr.some((t) => t === '-o' || t === '-or' || t === '!' || t === '-not' || t === ',');
  return names.length === 1 && simple && expr.includes('-name') ? names[0]! : undefined;
}

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
  if (isFilter(c.name))
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
    const name = findNameFilter(expr);
    return name !== undefined ? { roots, name } : { roots };
  }
  if (c.name === 'ls') {
    const operands = c.args.filter((a) => !a.text.startsWith('-') || a.text === '-').map((a) => a.text);
    return operands.length ? { roots: operands } : undefined;
  }
  return undefined;
}

/** A byte escape (`\x41`, `\101`, `\u0041`): echo -e / printf turn it into any character. */
const BYTE_ESCAPE = /\\(x[0-9a-fA-F]|[0-7]{1,3}|u[0-9a-fA-F])/;
/** Everyday text tools whose output is the input transformed (programs.yaml `text_tools:` `transforms`). */
const transforms = (name: string): boolean => textTool(name)?.transforms === true;

/**
 * Commands whose output is text no reader of the command line can see: base64/base32/basenc
 * decoding, `xxd -r`, `openssl enc`/`-d`, uudecode, echo/printf of byte escapes. Unlike
 * `isDecoder` it leaves out the everyday text tools, interpreters and printf formats.
 */
export function isOpaqueDecoder(part: Part): boolean {
  if (part.kind !== 'command') return false;
  const name = part.name.replace(/[0-9.]+$/, '');
  // (a format assembles text from the words it is given, which a reader sees)
  if (textToolOf(part)?.formats) return part.args.some((a) => !a.dynamic && BYTE_ESCAPE.test(a.text));
  return !transforms(name) && !interpreterFacts(name)?.printsCode && isDecoder(part);
}

/** The `text_tools:` entry of a command's program, by its name or its name without a version (`base64`, `gawk5`). */
const textToolOf = (part: CommandPart) => textTool(part.name) ?? textTool(part.name.replace(/[0-9.]+$/, ''));

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
  if (transforms(name)) return true;
  // (interpreters, programs.yaml `interpreters:`: their output, with inline code, is whatever the code prints)
  if (interpreterFacts(name)?.printsCode) return has(/^-[a-zA-Z]*[ceEr]$|^--eval$/);
  // (decoders, echo and printf: programs.yaml `text_tools:` keys decodes, byte_escapes, formats)
  const tool = textToolOf(part);
  if (!tool) return false;
  if (tool.decodes === true || (tool.decodes && has(tool.decodes))) return true;
  if (tool.byteEscapes && has(BYTE_ESCAPE)) return true;
  return tool.formats && has(/%/) && part.args.length > 1;
}

/** A port selection of lsof's `-i` that names a literal port: `:3000`, `tcp:8000`, `4TCP@localhost:5173`, `:3000,3001`. */
const LSOF_PORT = /^[46]?(?:tcp|udp|TCP|UDP)?(?:@[A-Za-z0-9.[\]:-]*)?:[0-9]+(?:[-,][0-9]+)*$/;
/** lsof's `-s PROTOCOL:STATE` filter (`-sTCP:LISTEN`): it narrows the `-i` selection. */
const LSOF_STATE = /^(?:tcp|udp|TCP|UDP):\^?[A-Za-z_]+(?:,\^?[A-Za-z_]+)*$/;

/**
 * Whether `lsof`'s arguments select only the processes holding a socket on literal ports: every
 * selection an `-i` with a port (lsof ORs its selections, so `-u root` or a file beside it would add
 * every process of root or every reader of the file), with `-t` (PIDs only: 'pids'), else its listing
 * ('listing'); `-n`, `-P`, `-l`, `-w` and `-s PROTO:STATE` change nothing of that.
 */
function lsofPorts(args: Arg[]): 'pids' | 'listing' | undefined {
  let terse = false;
  let ports = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.dynamic || a.glob) return undefined;
    const m = /^-([tnPlw]*)([is]?)(.*)$/s.exec(a.text);
    if (!m) return undefined;
    if (m[1]!.includes('t')) terse = true;
    if (!m[2]) {
      if (m[3]) return undefined;
      continue;
    }
    const value = m[3] || args[++i]?.text;
    const next = m[3] ? a : args[i];
    if (!value || !next || next.dynamic || next.glob) return undefined;
    if (m[2] === 'i') {
      if (!LSOF_PORT.test(value)) return undefined;
      ports++;
    } else if (!LSOF_STATE.test(value)) return undefined;
  }
  return ports === 0 ? undefined : terse ? 'pids' : 'listing';
}

/**
 * What the one command walked since `from` (or, with `whole`, the pipeline of a `$(…)`) prints when it
 * is the PIDs of the processes holding a socket on literal ports: `lsof -ti:3000` ('pids'), `lsof -i
 * :3000` ('listing': their PIDs in its second column), a line filter that keeps a subset of such lines
 * (`head -1`, `grep LISTEN`, `tail -n +2`), and `awk '{print $2}'` over a listing ('pids'). Inside the
 * sandbox no process of drydock's holds a socket (its runner works through fifos, the language servers
 * through pipes), so these are the agent's own servers and their clients, or the image's services.
 */
export function portPids(
  walk: Walk,
  from: number,
  input: Stdin,
  whole = false,
): 'pids' | 'listing' | undefined {
  const parts = walk.parts.slice(from);
  if (!parts.every((p) => p.kind === 'command')) return undefined;
  const commands = parts as CommandPart[];
  if (commands.length === 0 || (!whole && commands.length !== 1)) return undefined;
  let flow: 'pids' | 'listing' | undefined = input.kind === 'pipe' ? input.pids : undefined;
  for (const c of commands) flow = stagePortPids(c, flow);
  return flow;
}

function stagePortPids(c: CommandPart, flow: 'pids' | 'listing' | undefined): 'pids' | 'listing' | undefined {
  if (c.name === 'lsof') return lsofPorts(c.args);
  if (!flow || c.args.some((a) => a.dynamic || a.glob)) return undefined;
  if (c.name === 'awk')
    return flow === 'listing' && c.args.length === 1 && /^\{ *print \$2;? *\}$/.test(c.args[0]!.text)
      ? 'pids'
      : undefined;
  // (the options of a line filter that keep a subset of its input's lines: `text_tools:` `line_subset`)
  const allowed = textTool(c.name)?.lineSubset;
  if (!allowed) return undefined;
  let pattern = false;
  for (let i = 0; i < c.args.length; i++) {
    const t = c.args[i]!.text;
    if ((c.name === 'head' || c.name === 'tail') && t === '-n') {
      if (!/^\+?[0-9]+$/.test(c.args[++i]?.text ?? '')) return undefined;
      continue;
    }
    if (t.startsWith('-') && t !== '-') {
      if (!allowed.test(t)) return undefined;
      continue;
    }
    // One pattern for grep; no operand for the others (an operand is a file they would read).
    if (pattern || !c.name.endsWith('grep')) return undefined;
    pattern = true;
  }
  return flow;
}

/** pgrep's options that only choose which processes match, each as pkill reads it too (pkill(1)). */
const PGREP_SELECT = /^-(?:[fxnoi]+|-full|-exact|-newest|-oldest|-ignore-case)$/;

/**
 * The arguments of the `pgrep` whose PIDs are all the one command walked since `from` (or, with
 * `whole`, the pipeline of a `$(…)`) prints: `pgrep -f "hugo server"` (literal words, only options that
 * choose processes: not `-c`, `-l`, `-a`, `-d`, which print counts, names or other separators), or a
 * line filter that keeps a subset of its lines (`head -1`). `kill` of them picks what `pkill` with the
 * same arguments would, a subset at most.
 */
export function pgrepPids(walk: Walk, from: number, input: Stdin, whole = false): Arg[] | undefined {
  const parts = walk.parts.slice(from);
  if (!parts.every((p) => p.kind === 'command')) return undefined;
  const commands = parts as CommandPart[];
  if (commands.length === 0 || (!whole && commands.length !== 1)) return undefined;
  let flow: Arg[] | undefined = input.kind === 'pipe' ? input.pgrep : undefined;
  for (const c of commands) {
    if (c.name === 'pgrep') {
      const ok =
        c.args.length > 0 &&
        c.args.every((a) => !a.dynamic && (!a.text.startsWith('-') || PGREP_SELECT.test(a.text)));
      flow = ok ? c.args : undefined;
    } else flow = flow && c.name !== 'lsof' && stagePortPids(c, 'pids') === 'pids' ? flow : undefined;
  }
  return flow;
}
