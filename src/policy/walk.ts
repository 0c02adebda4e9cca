import type { Parser } from 'web-tree-sitter';
import type { Budget } from './budget.js';
import type { CodeParsers } from './inline.js';
import type { Arg, CommandPart, Part, Under, VariablePart, Workspace } from './types.js';
import type { KnownVar } from './words.js';

// The state of one walk over a command line, shared by the walker (extract.ts) and the
// modules it calls (wrappers.ts, streams.ts), which reach the walker only through it.

/**
 * Which parser reads shell text: `auto` (the default) uses the linear reader, and
 * tree-sitter-bash for text under LINEAR_FROM characters that the reader rejects; the others
 * force one (tests).
 */
export type ShellReader = 'auto' | 'tree-sitter' | 'linear';

/** Where a command's standard input comes from, when that matters (shells reading a script). */
export type Stdin =
  | { kind: 'none' }
  /**
   * `paths`: what comes down the pipe is only paths inside the workspace (`find src | xargs …`);
   * `roots`: else, paths under known roots (`find ~` prints paths below `~`), which `xargs PROG`
   * hands PROG.
   */
  | {
      kind: 'pipe';
      paths?: boolean;
      roots?: Under;
      /** What comes down the pipe is text this line put together (echo, printf, a filter): `assembles`. */
      assembled?: boolean;
      /**
       * What comes down the pipe is the PIDs of the processes holding a socket on a literal port
       * (`lsof -ti:3000`), or lsof's listing of them (`lsof -i :3000`, PIDs in its second column).
       */
      pids?: 'pids' | 'listing';
      /** What comes down the pipe is the PIDs `pgrep` prints for these arguments. */
      pgrep?: Arg[];
      /**
       * What comes down the pipe is this literal text (`echo /x | xargs cat`: echo or printf of
       * literal words): xargs decides the words it hands on as well as an input only known when it
       * runs; a shell or interpreter still reads it as input nobody read.
       */
      printed?: string;
    }
  | { kind: 'file'; path?: Arg }
  | { kind: 'text'; text: string; dynamic: boolean };

/** What a command substitution is known to print (one of `Arg`'s marks). */
export type Printed = { inside: true; under?: Under } | { pids: true } | { pgrep: Arg[] };

/** Mutable state of one walk: the facets found and the possible working directories. */
export interface Walk {
  parser: Parser;
  ws: Workspace;
  parts: Part[];
  cwd: string[] | null;
  /** The directories every `cd` so far leads to (a subset of cwd; cwd also has those a failed cd leaves). */
  here: string[] | null;
  /** Why the working directory became unknown, the first time it did. */
  cwdLost: string | null;
  /** Directories left by a `cd` that may have failed; merged back after `;`, not after `&&`. */
  fallback: string[];
  depth: number;
  /** The whole command line (see CommandPart.context). */
  context: string;
  /**
   * What is known of a `$(…)`'s output, by its start offset: only paths inside the workspace
   * (`$(grep -rl x src)`), only the PIDs of the processes on a literal port (`$(lsof -ti:3000)`),
   * or what `pgrep` prints for these arguments (`$(pgrep -f "hugo server")`). The words it
   * becomes carry it (types.ts `Arg`).
   */
  printed: Map<number, Printed>;
  /**
   * Loop variables that hold one path a producer printed inside the workspace, and the working
   * directories the loop started in (`find src -name '*.js' | while read f; do sed -i … "$f"; done`,
   * `for f in $(git ls-files '*.py'); do …`): `$f` there is such a path while the directories are
   * the same and nothing assigned `f`.
   */
  pathVars?: Map<string, { cwd: string; under?: Under }>;
  /** Readers for inline Python and JavaScript; without them inline code stays unread (ask). */
  code: CodeParsers | null;
  /** Files this command line writes with literal text (`cat <<'EOF' > fix.patch`), by absolute path. */
  written: Map<string, string>;
  /**
   * Files this command line writes with decoded text (`base64 -d > x.sh`, `xxd -r -p h out`), by
   * absolute path: running one later in the line runs code that cannot be read (`shell:decoded-script`).
   */
  decoded: Set<string>;
  /**
   * Shell variables holding decoded text (`TOKEN=$(curl … | python3 -c 'print(…)')`): each use is
   * decided where it is expanded (extract.ts `decodedUse`); a change bumps `varsVersion`.
   */
  decodedVars: Set<string>;
  /**
   * Shell variables this line assigned where every later statement runs after the assignment
   * (not in a branch, loop, subshell or pipeline, nor a command's prefix): reading one reads what
   * the line put there, not the environment's value (`TOKEN=$(…login…); curl -H "…$TOKEN"`), so
   * it is no read of a secret variable. Cleared when variables may be set unseen (`stopVars`).
   */
  ownVars: Map<string, number | null>;
  /**
   * Of `branch`, the levels entered as a later command of an `&&` chain (`a && T=x && curl $T`):
   * an assignment there holds for the rest of that chain (`ownVars` keeps the chain's id), which
   * `andChain` names while it is walked.
   */
  andBranches: number;
  andChain: number | null;
  /** Whether the line's shell syntax lets a variable be read other than by its name (extract.ts, once). */
  decodedEscapes?: boolean;
  /**
   * Of `decoded`, the files inline code wrote (`open('x.sh', 'w').write(…)` in `python -c`): run
   * by their own name they are code nobody read, but a test runner or build tool that merely
   * imports the project's sources (pytest after code edited `src/x.py`) is not refused for them.
   */
  codeWritten: Set<string>;
  /**
   * Bumped whenever `written` or `decoded` changes: a file written again with other text keeps
   * the map's size, and a repeated `bash x.sh` or `patch < p.diff` must be walked again then.
   */
  writtenVersion: number;
  /** Variables holding `$!`, the id of a job this command line started (`kill $PID` is fine). */
  jobPids: Set<string>;
  /** Assignments given the directory they are made in, until their command is walked (`valueCwd`). */
  valueCwds: Array<{ part: VariablePart; at: number }>;
  /** Variables assigned earlier in this command line, as far as they are known (vars.ts). */
  vars: Map<string, KnownVar>;
  /** Bumped whenever `vars` changes (a repeated statement is walked again only in a new state). */
  varsVersion: number;
  /** Set once the line does something that may set variables unseen (a function, `source`, `eval`, `trap`). */
  varsOff: boolean;
  /** How many conditional or loop bodies, subshells or pipelines enclose the statement walked. */
  branch: number;
  /** Which parser reads shell text: tree-sitter-bash, the linear reader (bash.ts), or by length. */
  reader: ShellReader;
  /** The decision's time budget: once spent, the walk stops and the command is refused (ask). */
  budget: Budget;
  /**
   * A short command is decided with no budget (`NO_BUDGET`: its cost is bounded by its length),
   * except where its text goes to tree-sitter-bash (text the linear reader rejects): its error
   * recovery took 4–16 ms on 500 characters of garbage. From there it has this many ms of CPU.
   */
  fallbackMs: number;
  /**
   * The walker's own entry points, for the modules it calls that run commands in turn
   * (wrappers.ts: `env`, `xargs`, `bash -c`, …). The recursion is explicit: those
   * modules get the walker through this object and never import it.
   */
  walkScript: (walk: Walk, script: string, stdin: Stdin, where: string) => void;
  runArgv: (walk: Walk, word: string, args: Arg[], text: string, stdin: Stdin, via: string[]) => void;
}

/**
 * Runs `fn` as the walk of a process of its own: the directory it moves to (`env -C`, `sudo -D`,
 * `subprocess.run(cwd=…)`, a `cd` inside it) is the process's, and the line goes on where it
 * was, however `fn` returns.
 */
export function asChild(walk: Walk, fn: () => void): void {
  const saved = { cwd: walk.cwd, here: walk.here, cwdLost: walk.cwdLost, fallback: [...walk.fallback] };
  try {
    fn();
  } finally {
    Object.assign(walk, saved);
  }
}

export function structure(walk: Walk, text: string, rule: string, reason: string): void {
  walk.parts.push({ kind: 'structure', text, decision: 'deny', rule, reason });
}

export function clip(text: string, max = 60): string {
  // Only the head is shown: flattening a 100,000-character command whole costs milliseconds.
  const cut = text.length > 4 * max + 256;
  const flat = (cut ? text.slice(0, 4 * max + 256) : text).replace(/\s+/g, ' ').trim();
  return flat.length > max || cut ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Whether the decision's time budget is spent; the first time, records why the
 * command is refused (ask: a person may still approve it, an unattended run denies it).
 */
export function overBudget(walk: Walk): boolean {
  if (!walk.budget.expired()) return false;
  if (!walk.parts.some((p) => p.kind === 'structure' && p.rule === BUDGET_RULE))
    walk.parts.push({
      kind: 'structure',
      text: clip(walk.context),
      decision: 'ask',
      rule: BUDGET_RULE,
      reason: `the command is too large to check within the decision time limit (${walk.context.length} characters), so it needs approval; split it into smaller commands or write long text to a file first`,
    });
  return true;
}

/** The rule id of a command refused because its decision ran out of time. */
export const BUDGET_RULE = 'shell:budget';

/**
 * `{cwd}` for a command's own assignment (`cd sub && PYTHONPATH=.. pytest`, `env X=.. cmd`) made
 * where the working directory is known and not only the workspace, so a relative path in its value
 * is taken from there; else nothing (the value is taken from the workspace, as before). The part is
 * kept in `walk.valueCwds`: once its command is walked, the directory is dropped again when the
 * program works elsewhere (`keepValueCwds`).
 */
export function valueCwd(walk: Walk, part: Part): void {
  if (part.kind !== 'variable') return;
  const c = walk.cwd;
  if (!c || (c.length === 1 && c[0] === walk.ws.workspace)) return;
  part.cwd = c;
  walk.valueCwds.push({ part, at: walk.parts.length });
}

/**
 * For each assignment `valueCwd` gave a directory since entry `from` of `walk.valueCwds`: the
 * directory stays only when every command walked after it runs there, and none of them has an
 * option that moves it elsewhere (`make -C ..`, `git -C dir`, `sudo -D ..`, an `env -C`), as
 * `moves` (the program's spec) says; otherwise the value is taken from the workspace.
 */
export function keepValueCwds(walk: Walk, from: number, moves: (part: CommandPart) => boolean): void {
  const list = walk.valueCwds;
  for (let k = from; k < list.length; k++) {
    const { part, at } = list[k]!;
    const here = part.cwd?.join('\n');
    for (let i = at; i < walk.parts.length; i++) {
      const p = walk.parts[i]!;
      if (p.kind !== 'command') continue;
      if (p.cwd?.join('\n') !== here || moves(p)) {
        delete part.cwd;
        break;
      }
    }
  }
  list.length = from;
}
