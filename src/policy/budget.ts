import { openSync, readSync } from 'node:fs';
import type { Parser, Tree } from 'web-tree-sitter';

/**
 * The time one decision may take. tree-sitter-bash itself needs 30–300 ms to parse
 * some 100,000-character lines (a 100,000-character word, 10,000 arguments, a long
 * pipeline), and the walk and the rules grow with the number of parts, so no
 * amount of care in the rules alone bounds a decision. Every stage checks this
 * budget instead (the parser through its progress callback and the chunks it reads,
 * the walker per statement, the engine per part); once it is spent the decision
 * stops and the command is refused with `ask` (rule `shell:budget`), never allowed.
 *
 * The budget is CPU time of this thread from the start of the decision, so that a
 * decision does not depend on how busy the machine is (wall time would refuse an
 * everyday command whenever the process waits for a core). Node 20 has no thread CPU
 * clock, so it is read from Linux's `/proc/thread-self/schedstat` (the process's
 * `process.cpuUsage()` elsewhere, which also counts V8's compiler and GC threads and
 * so errs towards refusing). The kernel brings a running thread's figure up to date
 * only at a scheduler tick (4 ms here) or a switch, which made cuts land up to a tick
 * late; but `getrusage` (`process.cpuUsage()`) brings the calling thread's figure up to
 * date first (kernel `thread_group_cputime`), so each read calls it and then reads the
 * figure: exact to a few µs. The file is kept open (a `pread` is ~10 µs, an open-read-close
 * ~80 µs on this VM). Thread CPU never exceeds wall time, so the clock is read only once
 * the wall time alone could have spent the budget, and then at most every 0.25 ms.
 */
export class Budget {
  /** Set once the budget is spent; sticky, so every stage sees it. */
  spent = false;
  private readonly start: number;
  private readonly cpuStart: number;
  private lastRead = 0;

  /**
   * `stop`, when given, is asked first at every check: the decision thread (`offload.ts`) stops
   * when its caller has stopped waiting for it (the answer is no longer wanted) or its wall-clock
   * deadline has passed.
   */
  constructor(
    private readonly ms: number,
    private readonly stop?: () => boolean,
  ) {
    this.start = performance.now();
    this.cpuStart = Number.isFinite(ms) ? cpuMs() : 0;
  }

  /** Whether the budget is spent (reads the wall clock; the CPU clock only once ms have passed in wall time). */
  expired(): boolean {
    if (this.spent) return true;
    if (this.stop?.()) return (this.spent = true);
    const now = performance.now();
    if (!Number.isFinite(this.ms) || now - this.start < this.ms || now - this.lastRead < 0.25) return false;
    this.lastRead = now;
    if (cpuMs() - this.cpuStart >= this.ms) this.spent = true;
    return this.spent;
  }
}

let threadClock = process.platform === 'linux';
/** This thread's schedstat, opened once (module state is per thread: a worker opens its own). */
let statFd = -1;
const statBuf = Buffer.alloc(128);

/** CPU time of this thread in ms (of the process where Linux's per-thread figure is not readable). */
export function cpuMs(): number {
  // getrusage brings this thread's runtime up to date (see the class comment); on other systems it is the figure.
  const { user, system } = process.cpuUsage();
  if (threadClock) {
    try {
      if (statFd < 0) statFd = openSync('/proc/thread-self/schedstat', 'r');
      const n = readSync(statFd, statBuf, 0, statBuf.length, 0);
      const s = statBuf.toString('latin1', 0, n);
      return Number(s.slice(0, s.indexOf(' '))) / 1e6;
    } catch {
      threadClock = false;
    }
  }
  return (user + system) / 1000;
}

/** A budget that never runs out (examples, `parts()` for debugging, tests of decisions on content). */
export const NO_BUDGET = new Budget(Infinity);

/** Thrown by `tick` once the running decision's budget is spent; the engine turns it into `ask`. */
export class OutOfTime extends Error {
  constructor() {
    super('out of time');
  }
}

let current: Budget | null = null;
let ticks = 0;

/**
 * Makes `budget` the one `tick` asks (the engine, while it matches a decision's parts against
 * its rules, so loops deep in rule matching check it without every function taking it);
 * returns the one it replaces, to be entered again after.
 */
export function enterBudget(budget: Budget | null): Budget | null {
  const saved = current;
  current = budget === NO_BUDGET ? null : budget;
  return saved;
}

/**
 * One unit of matching work (one argument against one rule condition, one option of a spec):
 * every 256 units the running decision's budget is asked, and `OutOfTime` thrown once it is
 * spent. A unit is around a microsecond, so a single rule over a 25,000-word command is cut
 * within a fraction of a millisecond of the limit.
 */
export function tick(): void {
  if ((++ticks & 255) === 0 && current !== null && current.expired()) throw new OutOfTime();
}

/** Characters handed to the parser per read: the budget is checked at least this often while it lexes one long token. */
const CHUNK = 1024;

/**
 * Parses `text` with the budget checked while it runs: between parse steps (progress
 * callback) and between chunks of input (a single 100,000-character word is one token,
 * which gives no progress callback). Returns null when the parser gave up or the budget
 * was spent (then the tree, built from cut input, is not used).
 */
export function parseWithin(parser: Parser, text: string, budget: Budget): Tree | null {
  if (budget === NO_BUDGET) return parser.parse(text);
  const tree = parser.parse(
    (index: number) => (budget.expired() ? '' : text.slice(index, index + CHUNK)),
    null,
    { progressCallback: () => budget.expired() },
  );
  if (budget.spent || !tree) {
    tree?.delete();
    // A cancelled parse is resumed by the next call unless the parser is reset:
    // without this the next command would be read as the rest of this one.
    parser.reset();
    return null;
  }
  // The tree reads node text back through the input callback: give it the whole string
  // (as `parse(string)` does), so `node.text` is one slice, not a walk over chunks that
  // would come back empty once the budget is spent.
  if (!('textCallback' in tree)) {
    tree.delete();
    throw new Error('web-tree-sitter no longer has Tree.textCallback (see budget.ts)');
  }
  (tree as unknown as { textCallback: (index: number) => string }).textCallback = (index) =>
    text.slice(index);
  return tree;
}
