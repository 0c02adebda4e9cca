import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { BUDGET_RULE, clip } from './walk.js';
import type { ShellReader } from './extract.js';
import type { Action, NetworkMode, PolicyDecision, Tier, Workspace } from './types.js';

/**
 * A hard wall-clock bound on long decisions. A decision on the calling thread can only be cut
 * where the code checks its budget, and a garbage-collection pause (the scavenge or mark-compact
 * of a tree built for a 100,000-character line) or a stretch between two checks cannot be
 * interrupted: in the bench such decisions ran 11–22 ms of wall time against a 10 ms limit.
 * So a long command is decided on a decision thread (a `worker_threads` Worker holding an
 * identical engine, with its own heap: its collections do not stop the caller), while the
 * caller spins on the thread's answer flag for at most the limit minus a margin. The API stays
 * synchronous. When the wait runs out the command asks (rule `shell:budget`, as a budget cut
 * on the calling thread does), the thread is told to stop (a flag its budget reads at every
 * check) and its late answer is dropped.
 *
 * Threads are shared by every engine of the process built from the same policy (the same files
 * and texts, workspace, limit, network), started on the first long command (until one is ready,
 * about a second, long commands are decided on the calling thread as before), never keep the
 * process alive (`unref`), and are terminated when the last engine using them is closed.
 *
 * The bound holds best in a process started with `node --single-threaded-gc` (bin/drydock.js's
 * shebang, `npm run bench:policy`): V8's collection helper threads run at normal priority, and a
 * scavenge of the caller's heap waits for them while they work for the threads' heaps; with each
 * heap collected by its own thread the bench had 12 rounds over 10 ms against 42 (seven pairs of
 * 880, src/policy/README.md). V8 aborts when the flag is set after start, so it is not set here.
 */

/** What a decision thread needs to build the same engine as its caller's. */
export interface OffloadInit {
  sources: Array<{ file: string; tier?: Tier; text: string }>;
  builtin: boolean;
  workspace: Workspace;
  budgetMs: number;
  shellReader?: ShellReader;
  network?: NetworkMode;
  networkHosts?: string[];
  /** Test hook: the thread sleeps this long before each decision (a forced timeout, not a timing assertion). */
  stallMs?: number;
  /** The nice value the process's helper threads get when the decision threads start (see `lowerHelperThreads`; 0: left as they are). */
  helperNice?: number;
}

/** Slots of the shared control array. */
export const DONE = 0; // id of the last request answered (the thread writes it after posting the answer; the caller polls it)
export const CANCEL = 1; // requests up to this id are no longer wanted (the caller writes)
export const READY = 2; // 0 starting, 1 ready, -1 failed to start
export const WORKING_ON = 3; // id of the request the thread is deciding (the thread writes it when it starts one)
export const WORKED_US = 4; // its CPU time on that request so far, µs (the thread writes it at its budget checks)
const SLOTS = 5;

/** Verdicts sent back; a line of thousands of parts is listed by its refusals first (see `compact`). */
export const MAX_LISTED_PARTS = 32;
/** Characters of a verdict's part text, of its reason, and of the decision's reason sent back. */
const PART_CHARS = 200;
const VERDICT_REASON_CHARS = 500;
const REASON_CHARS = 2_000;

/** `text` cut to `max` characters, saying how many were left out. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * A decision as the thread sends it back: what the caller pays to receive grows with the text
 * in it, and more for text outside Latin-1 (V8 copied a 100,000-character string with one `…`
 * in it in 3–5 ms, one without in 0.06 ms, on this VM; 9,000 verdicts took 13–48 ms). So at
 * most 32 verdicts (every refusal first, then the first allowed ones, in order; `partsOmitted`
 * counts the rest), each part text cut to 200 characters and reason to 500, and the decision's
 * reason to 2,000: at most ~25,000 characters, ~1 ms however they are spelled. The decision and
 * rule are never changed.
 */
export function compact(d: PolicyDecision): PolicyDecision {
  let parts = d.parts;
  if (parts.length > MAX_LISTED_PARTS) {
    const keep = new Set<number>();
    for (let i = 0; i < parts.length && keep.size < MAX_LISTED_PARTS; i++)
      if (parts[i]!.decision !== 'allow') keep.add(i);
    for (let i = 0; i < parts.length && keep.size < MAX_LISTED_PARTS; i++) keep.add(i);
    parts = parts.filter((_, i) => keep.has(i));
  }
  const omitted = d.parts.length - parts.length;
  return {
    ...d,
    reason: cut(d.reason, REASON_CHARS),
    parts: parts.map((p) => ({
      ...p,
      part: cut(p.part, PART_CHARS),
      reason: cut(p.reason, VERDICT_REASON_CHARS),
    })),
    ...(omitted > 0 ? { partsOmitted: omitted } : {}),
  };
}

/**
 * The part of the limit the caller keeps for itself: reading the answer (`compact`: ~1 ms at
 * most) and what the machine may take from it around its deadline. Even spinning, the caller
 * was seen off its core for 2–10 ms after its deadline (V8's collection helpers for the
 * threads' heaps run at normal priority; the VM's steal time): with 1.5 ms kept, 16–24 of 440
 * rounds overran 10 ms at load 3–4.5, with 3.5 ms 2 at load 2.9 (max 13.4 ms). On an idle
 * machine with `--single-threaded-gc` what still takes it is V8's platform workers compiling
 * (TurboFan, WebAssembly) for the isolates, the decision threads' among them, at normal priority
 * (README, "Long-input bound"): two of them beside the caller on two cores. The cost is
 * that a decision on content must end within 6 ms (most long lines take 1–5 ms). The thread
 * stops a little earlier (THREAD_MARGIN_MS), so that its own cut, which names the part count,
 * usually arrives in time.
 */
const CALLER_MARGIN_MS = 3.5;
/** The caller sleeps until this long before its deadline, and spins from there (see `waitForAnswer`). */
const SPIN_MS = 1.5;
/**
 * The caller sleeps in naps of this long and looks at the threads' answer slots between them; the
 * threads never wake it (no `Atomics.notify`). V8's `Atomics.wait` and `Atomics.notify` go through
 * one process-wide mutex (futex-emulation.cc's `g_mutex`), and a notify holds it while it signals
 * the sleeper. When the decision thread, at SCHED_IDLE, notified the caller, the woken caller
 * preempted it on its core with the mutex still held, and then blocked on that mutex until the
 * thread got a core again, which on a machine whose other threads hold the cores takes
 * milliseconds: a priority inversion. The bench's one round over 10 ms on an idle machine (5 Dec
 * 02:16: wall 10.83 ms, the caller's CPU 0.20 ms, not waiting in the run queue, three helper
 * threads busy, the thread's answer "decided") was a caller asleep past its deadline this way. A
 * nap on a buffer no other thread touches takes that mutex with nobody else holding it (the
 * threads call neither). The cost: an answer is seen up to POLL_MS late.
 */
const POLL_MS = 0.25;
const NAP = new Int32Array(new SharedArrayBuffer(4));

/** Sleeps up to `ms` (never woken early: nothing notifies NAP). */
function nap(ms: number): void {
  Atomics.wait(NAP, 0, 0, ms);
}
/** A thread that spent less than this share of the caller's wait on a core was starved (see `starved`). */
const STARVED_SHARE = 0.5;
const THREAD_MARGIN_MS = 0.5;
/** A thread told to stop that is still busy after this long is terminated and replaced. */
const STUCK_MS = 1_000;
/**
 * Threads per policy, all started together: a long command goes to one that is idle, so it never
 * queues behind a decision its caller gave up on (that one stops at its next budget check, but
 * until then it holds its thread: with one thread, 202 of 320 long commands in the bench timed
 * out waiting for it).
 */
const POOL = 2;
/**
 * The young generation of a decision thread's heap (MB; V8's default here is 48: two 16 MB
 * semi-spaces and room for large objects). A decision over a long line allocates 8–9 MB (an &&
 * chain of 900 commands: its tree, parts, and the matching of 900 parts), and a scavenge copies
 * what is alive when it comes, which during a decision is that decision's tree and parts: 3–8 ms
 * each for the chain, about one every two decisions, paid inside the caller's wait. With 96 the
 * semi-spaces are 32 MB, and scavenges come half as often (a /tmp script deciding the chain 60
 * times in a thread, load 5–10: 35 scavenges against 17, collection time per decision 3–8 ms
 * against 0.4–2.5 ms). The cost: up to 32 MB more memory per thread, once a thread has decided
 * long lines (the space grows as it is used).
 */
const THREAD_YOUNG_MB = 96;
/** A deferred start not run after this long (ms): the caller's event loop is not turning. */
const SYNC_SPAWN_AFTER_MS = 100;
/** After this many threads failed to start, long commands stay on the calling thread. */
const MAX_FAILURES = 3;

interface Thread {
  worker: Worker;
  port: MessagePort;
  ctl: Int32Array;
  /** Id of the last request posted to it. */
  posted: number;
  /** When it was told to stop (performance.now()), 0 when it was not. */
  cancelledAt: number;
}

/** Counters for the bench and the tests: where long decisions went. */
export interface OffloadStats {
  threads: number;
  ready: number;
  /** Decided on a decision thread. */
  offloaded: number;
  /** Cut by the caller's wall-clock wait (ask). */
  timeouts: number;
  /** Decided on the calling thread because no decision thread was ready yet. */
  inline: number;
  /** Threads terminated because they did not stop when told. */
  replaced: number;
  /** Threads that failed to start. */
  failures: number;
  /** CPU time the thread spent on the last decision it answered in time (ms; for the bench). */
  lastThreadCpuMs: number;
  /** Decisions the caller gave up on whose thread has since stopped (their late answers read). */
  abandoned: number;
  /** How long after its deadline such a thread stopped: the largest, and all of them (ms, for the bench). */
  maxStopLagMs: number;
  stopLagsMs: number[];
  /**
   * Of those: how late (ms of wall time) the first budget check after the deadline came, and the
   * thread CPU spent from that check to the answer (for the bench: checks too far apart, or a
   * collection or a wait for a core before one, against the work of stopping itself).
   */
  stopSeenLateMs: number[];
  stopAfterSeenCpuMs: number[];
  /** Long commands that found no idle thread and waited for a busy one to stop. */
  waitedForBusy: number;
  /**
   * Commands of up to `starvedFallbackUpTo` characters (engine option) whose thread got less than half
   * of the wait on a core (a busy machine): decided on the calling thread instead (CPU budget).
   */
  starved: number;
}

/**
 * What still took the caller past the limit once the decision threads ran at SCHED_IDLE was a wait
 * for a core after its deadline, held by this process's other threads: V8's platform workers
 * compiling (TurboFan, WebAssembly) for the isolates, at normal priority, two of them beside the
 * caller on two cores (README, "Long-input bound"). So when the decision threads start, every
 * other thread of the process that exists then, the caller's and the SCHED_IDLE ones aside, is set
 * to this nice value (Linux, per thread): a waking caller preempts them. Interleaved bench pairs
 * on an idle machine (4 Dec, stop 49, two each): rounds over 10 ms 8 and 6 of 1,345 at nice 0,
 * 1 and 3 at nice 19; max wall 12.73 and 12.50 ms against 10.44 and 10.90; p50 33.1 and 28.7 µs
 * against 31.4 and 30.1. Threads started later (libuv's pool on its first use, another Worker)
 * keep their priority. The cost: on a busy machine those threads, the code-analysis workers
 * among them, get the cores after every normal thread.
 */
const HELPER_NICE = 19;
let helpersLowered = false;

/** This thread's id (Linux), null elsewhere. */
function threadId(): number | null {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return null;
  }
}

/** Sets the process's other threads to `nice` once (see HELPER_NICE); `caller` keeps its priority. */
export function lowerHelperThreads(caller: number | null, nice: number): void {
  if (helpersLowered || nice <= 0 || caller === null) return;
  helpersLowered = true;
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const tid of tids) {
    const id = Number(tid);
    if (id === caller) continue;
    try {
      // SCHED_IDLE (policy 5): a decision thread, already below every nice value.
      if (/^policy\s*:\s*5$/m.test(readFileSync(`/proc/self/task/${tid}/sched`, 'latin1'))) continue;
      if (getPriority(id) < nice) setPriority(id, nice);
    } catch {
      // The thread ended, or this process may not change it.
    }
  }
}

const pools = new Map<string, Offload>();

/** The shared decision threads for one policy; `release` when the engine is closed. */
export function acquireOffload(init: OffloadInit): Offload {
  const key = JSON.stringify(init);
  let pool = pools.get(key);
  if (!pool) {
    pool = new Offload(init, () => pools.delete(key));
    pools.set(key, pool);
  }
  pool.refs++;
  return pool;
}

export class Offload {
  refs = 0;
  private readonly threads: Thread[] = [];
  private seq = 0;
  readonly stats: OffloadStats = {
    threads: 0,
    ready: 0,
    offloaded: 0,
    timeouts: 0,
    inline: 0,
    replaced: 0,
    failures: 0,
    lastThreadCpuMs: NaN,
    abandoned: 0,
    maxStopLagMs: 0,
    stopLagsMs: [],
    stopSeenLateMs: [],
    stopAfterSeenCpuMs: [],
    waitedForBusy: 0,
    starved: 0,
  };
  constructor(
    private readonly init: OffloadInit,
    private readonly forget: () => void,
  ) {}

  /** One engine is done with these threads; the last one terminates them. */
  release(): void {
    if (--this.refs > 0) return;
    this.forget();
    for (const t of this.threads.splice(0)) this.end(t);
  }

  /** Starts the pool's threads if they are not all there (the first long command does this). */
  start(): void {
    if (this.threads.length >= POOL) return;
    // A caller deciding in a loop that never yields (a script over a list of commands) never
    // runs the deferred start: after a while the thread is made here, on a later long command.
    if (this.spawning && performance.now() - this.spawnAskedAt > SYNC_SPAWN_AFTER_MS) {
      this.spawning = false;
      if (this.refs > 0 && this.stats.failures < MAX_FAILURES) this.spawn();
      return;
    }
    this.spawnSoon();
  }

  private spawning = false;
  private spawnAskedAt = 0;
  /**
   * Starts a thread after the running decision: constructing a Worker takes milliseconds of the
   * calling thread, which must not count against the decision that asked for it.
   */
  private spawnSoon(): void {
    if (this.spawning || this.stats.failures >= MAX_FAILURES || this.refs <= 0) return;
    this.spawning = true;
    this.spawnAskedAt = performance.now();
    // (the thread that asked: the caller, whose decisions the limit is for)
    const caller = threadId();
    setImmediate(() => {
      this.spawning = false;
      while (this.refs > 0 && this.threads.length < POOL && this.stats.failures < MAX_FAILURES)
        if (!this.spawn()) break;
      lowerHelperThreads(caller, this.init.helperNice ?? HELPER_NICE);
    }).unref();
  }

  /**
   * Resolves once the pool's threads can take decisions (a thread still warming up competes with
   * the one deciding for the cores); true when at least one can by `timeoutMs`.
   */
  async ready(timeoutMs = 30_000): Promise<boolean> {
    this.start();
    const until = Date.now() + timeoutMs;
    for (;;) {
      this.sweep();
      const ready = this.stats.ready;
      if (ready >= POOL || (ready > 0 && this.threads.length === ready)) return true;
      if (this.stats.failures >= MAX_FAILURES || Date.now() > until) return ready > 0;
      this.start();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * Decides `action` on a decision thread, waiting until `start + limitMs` (performance.now()
   * time) at most; null when no thread is ready (the caller decides it itself).
   */
  decide(
    action: Action & { kind: 'shell' },
    start: number,
    limitMs: number,
    fallBackWhenStarved = false,
  ): PolicyDecision | null {
    this.sweep();
    this.start();
    const deadline = start + limitMs - Math.min(CALLER_MARGIN_MS, limitMs * 0.35);
    let thread = this.idle();
    if (!thread) {
      if (!this.threads.some((t) => Atomics.load(t.ctl, READY) === 1)) {
        this.stats.inline++;
        return null;
      }
      // Every ready thread is finishing a decision its caller stopped waiting for (each stops at
      // its next budget check, told by the cancel flag): this one waits for the first to stop.
      this.stats.waitedForBusy++;
      thread = this.waitForIdle(deadline);
      if (!thread) {
        if (this.anyReady()) return this.timeout(action, null);
        this.stats.inline++;
        return null;
      }
    }
    const id = ++this.seq;
    thread.posted = id;
    thread.cancelledAt = 0;
    // The thread compares with its own clock: both sides count from the epoch.
    const threadDeadline = performance.timeOrigin + deadline - THREAD_MARGIN_MS;
    const postedAt = performance.now();
    thread.port.postMessage({ id, action, deadline: threadDeadline });
    const t = thread;
    if (!this.waitForAnswer(t, id, deadline)) {
      if (fallBackWhenStarved && this.starved(t, id, performance.now() - postedAt)) {
        // The thread did not get a core for most of the wait (a busy machine: it runs at
        // SCHED_IDLE): the command is decided on the calling thread under the CPU budget, as it
        // would have been without threads, rather than cut because the machine is busy.
        this.cancel(t);
        this.stats.starved++;
        return null;
      }
      return this.timeout(action, t);
    }
    for (;;) {
      const got = receiveMessageOnPort(thread.port) as
        { message: { id: number; result?: PolicyDecision; error?: string; cpuMs?: number } } | undefined;
      // The answer is queued before DONE is written, so none means the thread died (DONE is
      // then set by `fail`): this command is decided on the calling thread.
      if (!got) {
        this.stats.inline++;
        return null;
      }
      if (got.message.id !== id) continue; // a late answer to a request that timed out
      if (got.message.error !== undefined) throw new Error(got.message.error);
      this.stats.offloaded++;
      this.stats.lastThreadCpuMs = got.message.cpuMs ?? NaN;
      return got.message.result!;
    }
  }

  /**
   * A ready thread with nothing to do (its late answers, if any, read first). Indexed loops, no
   * closures: `waitForIdle` calls this and `anyReady` on every poll, and when they were written
   * with `for…of` and `.some(callback)` a caller waiting for a busy thread grew its heap by
   * 4.9 MB (median, up to 9.5 MB) per command, against 24 KB for one posted at once (threads
   * held 30 ms each by the stall hook, 60 commands; /tmp script, 4 Dec): in the bench's 138–227
   * such waits per run, about a gigabyte of garbage, whose collections are pauses of the caller
   * (a round with 13 ms of the caller's GC was one of them).
   */
  private idle(): Thread | undefined {
    const threads = this.threads;
    for (let i = 0; i < threads.length; i++) {
      const t = threads[i]!;
      if (Atomics.load(t.ctl, READY) === 1 && Atomics.load(t.ctl, DONE) >= t.posted) {
        this.drain(t);
        return t;
      }
    }
    return undefined;
  }

  private anyReady(): boolean {
    const threads = this.threads;
    for (let i = 0; i < threads.length; i++) if (Atomics.load(threads[i]!.ctl, READY) === 1) return true;
    return false;
  }

  /**
   * Waits until a ready thread is idle (returned) or `deadline` passes or no thread is ready
   * (undefined). The caller naps (POLL_MS at a time) and looks at every thread between naps,
   * until SPIN_MS before the deadline, and polls from there without allocating. (Until 5 Dec it
   * slept on the answer slot of the thread told to stop first, woken by that thread's
   * `Atomics.notify`: see POLL_MS for why nothing notifies now.) Before 4 Dec it spun the whole wait: one of two cores busy
   * doing nothing while the two threads it waited for, both at SCHED_IDLE, shared the other to
   * reach their next budget check and stop (the bench's stop lag, p90 23–43 ms on the idle and
   * lightly loaded runs), so the command it waited for had little time left when one did.
   */
  private waitForIdle(deadline: number): Thread | undefined {
    for (;;) {
      const idle = this.idle();
      if (idle) return idle;
      if (!this.anyReady()) return undefined;
      const left = deadline - SPIN_MS - performance.now();
      if (left < 0.05) break;
      if (!this.firstCancelled()) break;
      nap(Math.min(POLL_MS, left));
    }
    for (let i = 0; ; i++) {
      const idle = this.idle();
      if (idle) return idle;
      if ((i & 255) === 0 && (performance.now() >= deadline || !this.anyReady())) return undefined;
    }
  }

  /** The busy ready thread told to stop earliest (undefined when none is). */
  private firstCancelled(): Thread | undefined {
    let first: Thread | undefined;
    const threads = this.threads;
    for (let i = 0; i < threads.length; i++) {
      const t = threads[i]!;
      if (Atomics.load(t.ctl, READY) !== 1 || Atomics.load(t.ctl, DONE) >= t.posted) continue;
      if (!first || (t.cancelledAt > 0 && (first.cancelledAt === 0 || t.cancelledAt < first.cancelledAt)))
        first = t;
    }
    return first;
  }

  /**
   * Polls until `done()` holds or `deadline` (performance.now() time) passes; whether it held.
   * It spins rather than sleeping in `Atomics.wait`: a caller that sleeps must be woken and then
   * wait for a core, and that wait was what overran the limit (load 1.3–1.9, idle otherwise: 46
   * of 440 rounds over 10 ms of wall time, 3–4 of them with the caller's run-queue time taken
   * out). A spinning caller keeps its core, and the decision threads yield theirs to it (they
   * run at SCHED_IDLE, see policy-worker.ts): 11 rounds over in the same bench. Measured again
   * with the threads at SCHED_IDLE (2 Dec, the 88 long families, 10 rounds, four interleaved
   * pairs): a caller sleeping in `Atomics.wait` until the thread's `Atomics.notify` had fewer
   * cuts (532–552 of 880 against 649–695) but 19–31 rounds over 10 ms against 2–6 spinning: the
   * wake-up comes late. The cost is one core for at most the limit, only for commands over
   * `offloadFrom` characters.
   */
  private waitUntil(done: () => boolean, deadline: number): boolean {
    // The clock is read once every 256 polls (about a microsecond): each `performance.now()`
    // boxes its double, and reading it on every poll filled the young generation every ~4 ms
    // of waiting (154 scavenges in 650 ms of spinning, against 4), each a pause of the caller
    // and work for V8's helper threads, which run at normal priority beside the SCHED_IDLE
    // decision threads.
    for (let i = 0; ; i++) {
      if (done()) return true;
      if ((i & 255) === 0 && performance.now() >= deadline) return false;
    }
  }

  /**
   * Waits for thread `t`'s answer to request `id` until `deadline`; whether it came. The caller
   * naps (POLL_MS at a time, looking at the thread's DONE slot between naps; until 5 Dec it slept
   * on that slot until the thread's `Atomics.notify`, see POLL_MS) until SPIN_MS before the
   * deadline, and spins from there (`waitUntil`). Spinning all the way
   * (before 3 Dec) kept one of two cores busy doing nothing: the decision thread and one still
   * finishing a decision given up on (both at SCHED_IDLE) shared the other, so decisions that
   * take 2 ms on the calling thread were cut, and an abandoned one held its thread for tens of
   * ms (the bench's stop lag, p90 30 ms), so the next long command waited behind it and was cut
   * too. And a spinning thread is the one the scheduler preempts when another of normal priority
   * wakes (V8's compiler threads): it has used its share, a sleeper has not. Sleeping only
   * until SPIN_MS before the deadline keeps what spinning was for: the caller is awake and on
   * its core when the deadline comes (a caller that slept to the deadline woke late: 19–31 of
   * 880 rounds over 10 ms, 2 Dec). An answer that wakes it earlier has SPIN_MS plus the
   * caller's margin for the wake-up.
   */
  private waitForAnswer(t: Thread, id: number, deadline: number): boolean {
    for (;;) {
      if (Atomics.load(t.ctl, DONE) >= id) return true;
      const sleepMs = deadline - SPIN_MS - performance.now();
      if (sleepMs < 0.05) break;
      nap(Math.min(POLL_MS, sleepMs));
    }
    return this.waitUntil(() => Atomics.load(t.ctl, DONE) >= id, deadline);
  }

  /** Reads the late answers of an idle thread: how long after its deadline each abandoned decision stopped. */
  private drain(t: Thread): void {
    if (t.cancelledAt === 0) return;
    t.cancelledAt = 0;
    for (;;) {
      const got = receiveMessageOnPort(t.port) as
        { message: { lateMs?: number; seenLateMs?: number; afterSeenCpuMs?: number } } | undefined;
      if (!got) return;
      const { lateMs, seenLateMs, afterSeenCpuMs } = got.message;
      const lag = Math.max(0, lateMs ?? 0);
      this.stats.abandoned++;
      this.stats.maxStopLagMs = Math.max(this.stats.maxStopLagMs, lag);
      if (this.stats.stopLagsMs.length >= 10_000) continue;
      this.stats.stopLagsMs.push(+lag.toFixed(2));
      if (seenLateMs !== undefined && afterSeenCpuMs !== undefined) {
        this.stats.stopSeenLateMs.push(+Math.max(0, seenLateMs).toFixed(2));
        this.stats.stopAfterSeenCpuMs.push(+afterSeenCpuMs.toFixed(2));
      }
    }
  }

  /**
   * Whether the thread worked less than half of `waitedMs` on request `id` (its CPU time as it
   * last wrote it at a budget check, none when it never started the request): then the wait
   * ran out because the machine did not run the thread, not because the command is too large.
   */
  private starved(t: Thread, id: number, waitedMs: number): boolean {
    // The pool's other thread still finishing a decision given up on shares the cores with this
    // one (both at SCHED_IDLE): that is this process's own load, not the machine's, and the
    // command is cut as before (on an idle machine the bench saw 153 such fallbacks, each past
    // the limit, before this check).
    if (
      this.threads.some(
        (o) => o !== t && Atomics.load(o.ctl, READY) === 1 && Atomics.load(o.ctl, DONE) < o.posted,
      )
    )
      return false;
    const worked = Atomics.load(t.ctl, WORKING_ON) === id ? Atomics.load(t.ctl, WORKED_US) / 1000 : 0;
    return worked < STARVED_SHARE * waitedMs;
  }

  /** Tells a thread to drop the request it is deciding (it stops at its next budget check). */
  private cancel(thread: Thread): void {
    Atomics.store(thread.ctl, CANCEL, thread.posted);
    thread.cancelledAt = performance.now();
  }

  /** The caller stopped waiting: the command asks, and the thread is told to drop it. */
  private timeout(action: Action & { kind: 'shell' }, thread: Thread | null): PolicyDecision {
    this.stats.timeouts++;
    this.stats.lastThreadCpuMs = NaN;
    if (thread) this.cancel(thread);
    const reason = `the command is too large to check within the decision time limit (${action.command.length} characters), so it needs approval; split it into smaller commands`;
    return {
      decision: 'ask',
      rule: BUDGET_RULE,
      reason,
      parts: [{ part: clip(action.command), kind: 'structure', decision: 'ask', rule: BUDGET_RULE, reason }],
    };
  }

  /** Drops threads that failed or exited, and terminates those that did not stop when told. */
  private sweep(): void {
    const now = performance.now();
    for (let i = this.threads.length - 1; i >= 0; i--) {
      const t = this.threads[i]!;
      const state = Atomics.load(t.ctl, READY);
      const stuck =
        t.cancelledAt > 0 && Atomics.load(t.ctl, DONE) < t.posted && now - t.cancelledAt > STUCK_MS;
      if (state === -1 || stuck) {
        if (stuck) this.stats.replaced++;
        this.threads.splice(i, 1);
        this.end(t);
      }
    }
    this.stats.threads = this.threads.length;
    this.stats.ready = this.threads.filter((t) => Atomics.load(t.ctl, READY) === 1).length;
  }

  /** Starts one thread; false when it could not be constructed. */
  private spawn(): boolean {
    const ctl = new Int32Array(new SharedArrayBuffer(4 * SLOTS));
    const { port1, port2 } = new MessageChannel();
    const workerData = { init: this.init, port: port2, ctl };
    const options = {
      workerData,
      transferList: [port2],
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_MB },
    };
    let worker: Worker;
    try {
      worker = workerFile.endsWith('.ts')
        ? // Under a TypeScript runner (vitest, tsx) the thread loads the source through tsx.
          new Worker(
            `import(${JSON.stringify(tsxApi())}).then(({ tsImport }) => tsImport(${JSON.stringify(workerFile)}, ${JSON.stringify(import.meta.url)}))`,
            { ...options, eval: true },
          )
        : new Worker(new URL(workerFile), options);
    } catch {
      port1.close();
      this.stats.failures++;
      return false;
    }
    const thread: Thread = { worker, port: port1, ctl, posted: 0, cancelledAt: 0 };
    // A thread that dies (out of memory, a bug at start) is dropped at the next sweep; nothing throws here.
    const fail = () => {
      if (Atomics.load(ctl, READY) === 0) this.stats.failures++;
      Atomics.store(ctl, READY, -1);
      // Anyone waiting for its answer stops waiting now rather than at the deadline.
      Atomics.store(ctl, DONE, 0x7fffffff);
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    worker.unref();
    port1.unref();
    this.threads.push(thread);
    this.stats.threads = this.threads.length;
    return true;
  }

  private end(t: Thread): void {
    t.worker.removeAllListeners('exit');
    t.worker.removeAllListeners('error');
    t.worker.on('error', () => {});
    Atomics.store(t.ctl, READY, -1);
    void t.worker.terminate().catch(() => {});
    t.port.close();
  }
}

/** The decision thread's module next to this one: `.ts` under a TypeScript runner, `.js` when built. */
const workerFile = new URL(
  import.meta.url.endsWith('.ts') ? './policy-worker.ts' : './policy-worker.js',
  import.meta.url,
).href;

function tsxApi(): string {
  // tsx's ESM entry (its CommonJS one cannot register the loader from inside a thread).
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  const entry = (
    JSON.parse(readFileSync(pkg, 'utf8')) as { exports: Record<string, { import: { default: string } }> }
  ).exports['./esm/api']!.import.default;
  return pathToFileURL(join(dirname(pkg), entry)).href;
}
