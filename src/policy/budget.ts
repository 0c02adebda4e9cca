import { readFileSync } from 'node:fs';
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
 * so errs towards refusing). The kernel brings the running thread's figure up to date
 * only at a scheduler tick or a switch, so a cut can land up to one tick (4 ms here) late;
 * the process figure is exact but counts V8's helper threads, and cut everyday commands
 * under load when tried. The clock is read at the start and then at most every 0.5 ms once
 * half the budget has passed in wall time.
 */
export class Budget {
  /** Set once the budget is spent; sticky, so every stage sees it. */
  spent = false;
  private readonly start: number;
  private readonly cpuStart: number;
  private lastRead = 0;

  constructor(private readonly ms: number) {
    this.start = performance.now();
    this.cpuStart = Number.isFinite(ms) ? cpuMs() : 0;
  }

  /** Whether the budget is spent (reads the wall clock; the CPU clock only after ms / 2). */
  expired(): boolean {
    if (this.spent) return true;
    const now = performance.now();
    if (!Number.isFinite(this.ms) || now - this.start < this.ms / 2 || now - this.lastRead < 0.5)
      return false;
    this.lastRead = now;
    if (cpuMs() - this.cpuStart >= this.ms) this.spent = true;
    return this.spent;
  }
}

let threadClock = process.platform === 'linux';

/** CPU time of this thread in ms (of the process where Linux's per-thread figure is not readable). */
function cpuMs(): number {
  if (threadClock) {
    try {
      const s = readFileSync('/proc/thread-self/schedstat', 'latin1');
      return Number(s.slice(0, s.indexOf(' '))) / 1e6;
    } catch {
      threadClock = false;
    }
  }
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** A budget that never runs out (examples, `parts()` for debugging, tests of decisions on content). */
export const NO_BUDGET = new Budget(Infinity);

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
