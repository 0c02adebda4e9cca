import { closeSync, constants, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { PassThrough, Writable, type Duplex, type Readable } from 'node:stream';
import {
  CallCgroup,
  containerProcsFile,
  hostPidOf,
  nsPidOf,
  readPids,
  type CallLimits,
  type CallUsage,
  type ContainerCgroup,
} from './call-cgroup.js';
import { DockerFrameParser, LineSplitter } from './docker-frames.js';
import { SandboxClosedError } from './errors.js';
import { HeadTailCapture } from './output-cap.js';
import { keepsWorkerState } from './reuse-safe.js';
import { encodeRequest, requestHeader } from './runner-script.js';
import type { ExecResult, KilledBy, SpawnExit, SpawnedProcess } from './types.js';

export interface CallRequest {
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** Fed to the command's stdin, then closed; a stream is piped (e.g. a repository tar). */
  stdin?: Buffer | Readable;
  memoryBytes: number;
  cpus: number;
  pids: number;
  timeoutMs: number;
  maxOutputBytes: number;
}

/** A finished call with its raw captures (readFile needs the exact bytes). */
export interface CallOutcome {
  result: ExecResult;
  stdout: HeadTailCapture;
}

/** A long-lived process: streamed, not captured; no timeout unless asked for. */
export type SpawnRequest = Omit<CallRequest, 'stdin' | 'maxOutputBytes'>;

interface Live {
  stdout: PassThrough;
  stderr: PassThrough;
  stdin: Writable;
  stdinSock: net.Socket | null;
  started: (p: SpawnedProcess) => void;
  startFailed: (e: Error) => void;
  exited: (e: SpawnExit) => void;
  exitedPromise: Promise<SpawnExit>;
  isStarted: boolean;
  ended: boolean;
}

interface Call {
  id: string;
  req: CallRequest;
  /** envKey of its environment: a kept worker takes only calls with the one it has (computed once). */
  env: string;
  /** The worker running it, once one was free. */
  worker: Worker | null;
  started: number;
  stdout: HeadTailCapture;
  stderr: HeadTailCapture;
  readers: net.Socket[];
  killer: KilledBy | null;
  /** Ended by K: the command returned and its worker waits for the slot's next call. */
  kept: boolean;
  timers: NodeJS.Timeout[];
  exitStatus: number | null;
  /** The host's end of the call's stdin fifo, and whether the worker has opened its own. */
  stdinSock: net.Socket | null;
  stdinOpened: boolean;
  /** Closing stdin (the EOF) waits for the worker's open: the data would be lost before. */
  closeStdin: (() => void) | null;
  live?: Live;
  resolve: (o: CallOutcome) => void;
  reject: (e: Error) => void;
}

/** A slot's forked-ahead process, in its slot's cgroup, waiting for a request (runner-script.ts). */
interface Worker {
  slot: Slot;
  gen: number;
  containerPid: number;
  hostPid: number;
  /** The slot's cgroup, or (oneShot) one made for this worker's one call. */
  cgroup: CallCgroup;
  oneShot: boolean;
  /** Calls given to it so far: a kept worker takes several (request header `<gen>.<n>`). */
  n: number;
  /** The environment its last call exported (envKey), which a kept worker still has. */
  env: string | null;
  /** Its current call leaves it as it found it: it is kept for the next (reuse-safe.ts). */
  keep: boolean;
  /**
   * Read ends of the slot's stdout and stderr fifos, opened while the worker waits, once
   * the slot's previous call has ended (nothing of it may still hold their write ends).
   */
  outputs: [net.Socket, net.Socket] | null;
}

/** One manager in the runner: it forks a slot's workers one after the other. */
interface Slot {
  index: number;
  /** Write end of the slot's request fifo (opened at its first worker): the request's header. */
  requests: net.Socket | null;
  /** The slot's request file (opened at its first worker): the whole request, read in one go. */
  requestFile: number | null;
  /** Size of the last request written there. */
  requestBytes: number;
  /** The last generation its manager reported ended (X). */
  exitedGen: number;
  /** Called when the slot's call has ended (a new worker waits for that to join the cgroup). */
  whenIdle: (() => void)[];
  /** The worker ready for a call (in its cgroup, blocked on its request). */
  ready: Worker | null;
  /** A worker in its cgroup that has not yet said it waits for its request (W line). */
  moved: Worker | null;
  /** The last generation that said so, which may come before its cgroup is made. */
  waitingGen: number;
  /** Why the slot's current worker could not be prepared; given to the call that takes it. */
  broken: Error | null;
  call: Call | null;
  /** The cgroup the slot's workers run in, kept from one worker to the next. */
  cgroup: CallCgroup | null;
}

const PIDS_POLL_MS = 50;
/** After the call's process exits and the rest of its cgroup is killed, output must end by then. */
const DRAIN_MS = 2000;
/** Slots the runner starts with, and how many free ones (not running a call) are kept beyond the busy. */
export const INITIAL_SLOTS = 4;
const SPARE_SLOTS = 3;
/**
 * A slot's cgroup is replaced once more than this stays charged to it after a call (page
 * cache, tmpfs files): it would count against the next call's limit and show in its peak.
 */
const RESIDUAL_BYTES = 4 * 1024 * 1024;

/** The slot's next worker gets a new cgroup if `cg` (being dropped, or one call's only) is the slot's. */
function forgetCgroup(slot: Slot, cg: CallCgroup): void {
  if (slot.cgroup === cg) slot.cgroup = null;
}

/** Calls with the same environment may share a kept worker (its exports are still there). */
function envKey(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join('\0');
}

/**
 * Host side of the runner protocol (see runner-script.ts) for per-call-cgroup mode.
 * Ahead of any call, each slot's worker is moved into the slot's cgroup (made with the
 * sandbox's default limits for its first worker and kept; each call's accounting
 * starts when its worker is handed out), or kept there from the slot's last call when
 * that call's command could not change its shell (reuse-safe.ts). A call takes a ready worker: the limits that differ are
 * written, the slot's output fifos opened, the request written; the worker's end is
 * the call's end. Enforces the timeout and the pids limit and reads the cgroup's
 * counters at the end. No process is made and no cgroup is created or joined on a
 * call's path: that costs milliseconds on the machines drydock was measured on.
 */
export class RunnerClient {
  private readonly calls = new Map<string, Call>();
  /** Calls waiting for a ready worker, oldest first. */
  private readonly waiting: Call[] = [];
  private readonly slots: Slot[] = [];
  private seq = 0;
  private ready: Promise<void>;
  private markReady!: () => void;
  private failure: Error | null = null;
  private procsFile = '';
  private containerRoot = '';
  private cgroup: ContainerCgroup | null = null;
  private fifoDev: number | null = null;
  private closed = false;
  /** The runner's control fifo (slot requests), opened from the host. */
  private ctl: net.Socket | null = null;
  private ev: net.Socket | null = null;
  /** Lines the runner printed on stderr: only ever bash's own complaints. */
  readonly runnerErrors: string[] = [];
  /** Whether workers may be kept across calls: the runner found no function or alias (R line). */
  private reuseWorkers = false;
  /** Limits a worker's cgroup is made with: the sandbox's defaults, so most calls write none. */
  defaultLimits: CallLimits = { memoryBytes: 1024 ** 3, cpus: 1, pids: 256 };

  constructor(
    private readonly stream: Duplex,
    private readonly tag: string,
  ) {
    let failReady!: (e: Error) => void;
    this.ready = new Promise((res, rej) => {
      this.markReady = res;
      failReady = rej;
    });
    this.ready.catch(() => undefined);
    const lines = new LineSplitter((l) => this.onLine(l));
    const parser = new DockerFrameParser((s, payload) => {
      if (s === 1) lines.push(payload);
      else if (this.runnerErrors.length < 50) this.runnerErrors.push(payload.toString('utf8').trim());
    });
    stream.on('data', (c: Buffer) => parser.push(c));
    const gone = (why: string) => {
      const err = new Error(why);
      failReady(err);
      this.fail(err);
    };
    stream.on('end', () => gone('the runner ended'));
    stream.on('close', () => gone('the runner stream closed'));
    stream.on('error', (e) => gone(e.message));
  }

  /** Set by the sandbox to turn a raw stream failure into its typed error. */
  onGone: (err: Error) => Error = (e) => e;

  /** Where the container is on this host; known once it has started. */
  attachHost(containerRoot: string, cgroup: ContainerCgroup): void {
    this.containerRoot = containerRoot;
    this.cgroup = cgroup;
    this.procsFile = containerProcsFile(cgroup);
    // The fifos must sit on the sandbox's own tmpfs: a call could otherwise swap
    // one for a symlink that the host would follow into its own filesystem.
    this.fifoDev = fstatDev(`${containerRoot}/run/drydock`);
  }

  /**
   * Once the runner is ready: its control and event fifos, opened from the host, so
   * nothing of a call passes through the engine's attach stream (runner-script.ts).
   * The runner was started with INITIAL_SLOTS slots, whose workers are prepared now.
   */
  openControl(): void {
    const base = `${this.containerRoot}/run/drydock`;
    const flags = constants.O_NONBLOCK | constants.O_NOFOLLOW;
    const ev = this.openFifo(`${base}/ev`, constants.O_RDONLY | flags);
    let ctl: number;
    try {
      ctl = this.openFifo(`${base}/ctl`, constants.O_WRONLY | flags);
    } catch (err) {
      closeSync(ev);
      throw err;
    }
    const lines = new LineSplitter((l) => this.onLine(l));
    this.ev = new net.Socket({ fd: ev, readable: true, writable: false });
    this.ev.on('data', (c: Buffer) => lines.push(c));
    this.ev.on('error', () => undefined);
    this.ctl = new net.Socket({ fd: ctl, readable: false, writable: true });
    this.ctl.on('error', () => undefined);
    for (let i = 0; i < INITIAL_SLOTS; i++) this.slots.push(newSlot(i));
  }

  async waitReady(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.ready,
      new Promise((_, rej) => {
        timer = setTimeout(() => rej(new Error('the runner did not start in time')), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  get failed(): Error | null {
    return this.failure;
  }

  exec(req: CallRequest): Promise<CallOutcome> {
    if (this.closed) return Promise.reject(new SandboxClosedError());
    if (this.failure) return Promise.reject(this.onGone(this.failure));
    if (!this.cgroup || !this.ctl)
      return Promise.reject(new Error('the runner is not attached to its container'));
    const id = `c${++this.seq}`;
    return new Promise<CallOutcome>((resolve, reject) => {
      const call: Call = {
        id,
        req,
        env: envKey(req.env),
        worker: null,
        started: performance.now(),
        stdout: new HeadTailCapture(req.maxOutputBytes),
        stderr: new HeadTailCapture(req.maxOutputBytes),
        readers: [],
        killer: null,
        kept: false,
        timers: [],
        exitStatus: null,
        stdinSock: null,
        stdinOpened: false,
        closeStdin: null,
        resolve,
        reject,
      };
      this.submit(call);
    });
  }

  /**
   * Starts a long-lived process under its own cgroup; resolves once it runs. Its
   * slot's fifos stay its stdin/stdout/stderr until it ends.
   */
  spawn(req: SpawnRequest): Promise<SpawnedProcess> {
    if (this.closed) return Promise.reject(new SandboxClosedError());
    if (this.failure) return Promise.reject(this.onGone(this.failure));
    if (!this.cgroup || !this.ctl)
      return Promise.reject(new Error('the runner is not attached to its container'));
    const id = `s${++this.seq}`;
    let exitedResolve!: (e: SpawnExit) => void;
    const exited = new Promise<SpawnExit>((r) => (exitedResolve = r));
    return new Promise<SpawnedProcess>((started, startFailed) => {
      const live: Live = {
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        stdin: new Writable({
          write: (chunk: Buffer, _enc, cb) => {
            const sock = live.stdinSock;
            if (live.ended || !sock || sock.destroyed) return cb();
            sock.write(chunk, () => cb());
          },
          final: (cb) => {
            // Closing the fd is the EOF (a fifo cannot be half-closed).
            const sock = live.stdinSock;
            if (!sock || sock.destroyed) return cb();
            sock.write(Buffer.alloc(0), () => {
              this.closeStdinOf(call);
              cb();
            });
          },
        }),
        stdinSock: null,
        started,
        startFailed,
        exited: exitedResolve,
        exitedPromise: exited,
        isStarted: false,
        ended: false,
      };
      const call: Call = {
        id,
        req: { ...req, maxOutputBytes: 0 },
        env: envKey(req.env),
        worker: null,
        started: performance.now(),
        stdout: new HeadTailCapture(0),
        stderr: new HeadTailCapture(0),
        readers: [],
        killer: null,
        kept: false,
        timers: [],
        exitStatus: null,
        stdinSock: null,
        stdinOpened: false,
        closeStdin: null,
        live,
        resolve: () => undefined,
        reject: () => undefined,
      };
      this.submit(call);
    });
  }

  private submit(call: Call): void {
    this.calls.set(call.id, call);
    const { timeoutMs } = call.req;
    if (Number.isFinite(timeoutMs) && timeoutMs > 0) {
      call.timers.push(setTimeout(() => this.kill(call, 'timeout'), timeoutMs));
    }
    this.waiting.push(call);
    this.pump();
  }

  /** Gives waiting calls the ready workers, and keeps SPARE_SLOTS slots free beyond the busy ones. */
  private pump(): void {
    while (this.waiting.length > 0) {
      const env = this.waiting[0]!.env;
      // A kept worker still has its last call's exports: only a call with the same environment takes it.
      const fits = (w: Worker) => w.n === 0 || w.env === env;
      const slot = this.slots.find(
        (s) => s.call === null && ((s.ready !== null && fits(s.ready)) || s.broken !== null),
      );
      if (!slot) {
        // None fits but a kept one: it goes (the manager forks a fresh one), the call waits.
        const stale = this.slots.find((s) => s.call === null && s.ready !== null && !fits(s.ready));
        if (stale) this.retire(stale);
        break;
      }
      this.start(this.waiting.shift()!, slot);
    }
    const free = this.slots.filter((s) => s.call === null).length;
    for (let i = free; i < SPARE_SLOTS + this.waiting.length; i++) {
      const index = this.slots.length;
      this.slots.push(newSlot(index));
      this.ctl?.write(`${index}\n`);
    }
  }

  /** Ends a slot's idle kept worker; its manager forks the next one. */
  private retire(slot: Slot): void {
    const w = slot.ready;
    if (!w) return;
    slot.ready = null;
    for (const o of w.outputs ?? []) o.destroy();
    signal(w.hostPid, 'SIGKILL');
  }

  /** Runs a call on a slot's ready worker (the call's path: no process made, no cgroup joined). */
  private start(call: Call, slot: Slot): void {
    slot.call = call;
    const worker = slot.ready;
    slot.ready = null;
    const broken = slot.broken;
    slot.broken = null;
    if (!worker) {
      this.finish(call, broken ?? new Error('no worker'));
      slot.call = null;
      return;
    }
    call.worker = worker;
    try {
      const { req, live } = call;
      worker.cgroup.setLimits(req);
      const base = `${this.containerRoot}/run/drydock/${slot.index}`;
      const flags = constants.O_NONBLOCK | constants.O_NOFOLLOW;
      // O_RDWR: opening never blocks, and the worker's read-open of the fifo completes.
      const inFd = req.stdin || live ? this.openFifo(`${base}.i`, constants.O_RDWR | flags) : null;
      const [out, err] = this.outputsOf(worker);
      for (const [sock, capture, sink] of [
        [out, call.stdout, live?.stdout],
        [err, call.stderr, live?.stderr],
      ] as const) {
        // A spawned process's output streams, with backpressure (a full pipe blocks it).
        if (sink) sock.pipe(sink, { end: false });
        else sock.on('data', (c: Buffer) => capture.push(c));
        call.readers.push(sock);
      }
      if (inFd !== null) {
        const sock = new net.Socket({ fd: inFd, readable: false, writable: true });
        sock.on('error', () => undefined);
        call.stdinSock = sock;
        if (live) live.stdinSock = sock;
        const input = req.stdin;
        if (Buffer.isBuffer(input)) {
          sock.write(input, () => this.closeStdinOf(call));
        } else if (input) {
          // Not end(): a fifo is no socket, so half-closing it fails; closing the fd is the EOF.
          input.pipe(sock, { end: false });
          input.once('end', () => sock.write(Buffer.alloc(0), () => this.closeStdinOf(call)));
          input.once('error', () => sock.destroy());
        }
      }
      worker.keep =
        this.reuseWorkers && !live && !req.stdin && !worker.oneShot && keepsWorkerState(req.command);
      worker.env = call.env;
      const request = encodeRequest({
        gen: worker.gen,
        n: worker.n,
        keep: worker.keep,
        input: inFd !== null,
        cwd: req.cwd,
        env: req.env,
        command: req.command,
      });
      // The file first: the header on the fifo is what wakes the worker to read it.
      writeSync(slot.requestFile!, request, 0, request.length, 0);
      slot.requestBytes = request.length;
      ftruncateSync(slot.requestFile!, request.length);
      slot.requests!.write(requestHeader(worker.gen, worker.n));
      call.timers.push(
        setInterval(() => {
          if (worker.cgroup.pidsLimitHit()) this.kill(call, 'pids');
        }, PIDS_POLL_MS),
      );
      if (live) {
        live.isStarted = true;
        live.started(this.handle(call, worker.containerPid));
      }
    } catch (err) {
      // The worker must not run a call that was not set up: it goes, and its exit line ends the call.
      for (const o of worker.outputs ?? []) o.destroy();
      worker.cgroup.killAll();
      signal(worker.hostPid, 'SIGKILL');
      call.worker = null;
      slot.call = null;
      for (const res of slot.whenIdle.splice(0)) res();
      this.finish(call, err instanceof Error ? err : new Error(String(err)));
      // The next worker gets a new cgroup: this one may be what failed.
      forgetCgroup(slot, worker.cgroup);
      this.dropCgroup(worker.cgroup);
    }
  }

  private dropCgroup(cg: CallCgroup, attempt = 0): void {
    void cg.removeAsync().then((ok) => {
      if (ok || attempt > 80) return;
      // Killed processes take a moment to be reaped before the cgroup can go.
      cg.signalAll();
      setTimeout(() => this.dropCgroup(cg, attempt + 1), 25).unref();
    });
  }

  /** The EOF of a call's stdin: its fd closes once the worker has its own end open. */
  private closeStdinOf(call: Call): void {
    const close = () => call.stdinSock?.destroy();
    if (call.stdinOpened) close();
    else call.closeStdin = close;
  }

  private onLine(line: string): void {
    const [kind, a, b, c] = line.split(' ');
    if (kind === 'I' && a && b) {
      const call = this.slots[Number(a)]?.call;
      if (call && call.worker?.gen === Number(b)) {
        call.stdinOpened = true;
        call.closeStdin?.();
      }
    } else if (kind === 'R') {
      this.reuseWorkers = b === '1';
      this.markReady();
    } else if (kind === 'W' && a && b) this.onWaiting(Number(a), Number(b));
    else if (kind === 'P' && a && b && c) this.onWorker(Number(a), Number(b), Number(c));
    else if (kind === 'X' && a && b && c) this.onExited(Number(a), Number(b), Number(c), 'X');
    else if (kind === 'Y' && a && b && c) this.onExited(Number(a), Number(b), Number(c), 'Y');
    else if (kind === 'K' && a && b && c) this.onExited(Number(a), Number(b), Number(c), 'K');
  }

  /**
   * A slot's next worker exists: it is moved into the slot's cgroup (made first for the
   * slot's first worker, or when the last one has too much left charged), off the event loop.
   */
  private onWorker(index: number, gen: number, containerPid: number): void {
    const slot = this.slots[index];
    if (!slot || this.failure) return;
    void (async () => {
      // Not while the slot's last call is being ended: its kill passes would take this
      // worker for one of the call's processes (it joins the same cgroup).
      if (slot.call !== null) await new Promise<void>((res) => slot.whenIdle.push(res));
      if (this.failure) return;
      if (slot.cgroup && slot.cgroup.memoryCharged() > RESIDUAL_BYTES) {
        this.dropCgroup(slot.cgroup);
        slot.cgroup = null;
      }
      const made = slot.cgroup === null;
      const cgroup = slot.cgroup ?? new CallCgroup(this.cgroup!, `drydock-call-${this.tag}-${index}-${gen}`);
      let hostPid: number | null = null;
      try {
        if (!slot.requests) {
          const fd = this.openFifo(
            `${this.containerRoot}/run/drydock/${index}.r`,
            constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW,
          );
          slot.requests = new net.Socket({ fd, readable: false, writable: true });
          slot.requests.on('error', () => undefined);
        }
        slot.requestFile ??= this.openRequestFile(`${this.containerRoot}/run/drydock/${index}.q`);
        hostPid = this.hostPidOf(containerPid);
        if (hostPid === null) throw new Error(`worker process ${containerPid} not found`);
        if (made) {
          await cgroup.createAsync(this.defaultLimits);
          slot.cgroup = cgroup;
        }
        await cgroup.addAsync(hostPid);
        if (this.failure) throw this.failure;
        const worker: Worker = {
          slot,
          gen,
          containerPid,
          hostPid,
          cgroup,
          oneShot: false,
          n: 0,
          env: null,
          keep: false,
          outputs: null,
        };
        if (slot.call === null) worker.outputs = this.openOutputs(index);
        // Ready once it has also said that it waits for its request (it may have already).
        if (slot.waitingGen === gen) this.makeReady(worker);
        else slot.moved = worker;
      } catch (err) {
        if (hostPid !== null) signal(hostPid, 'SIGKILL');
        forgetCgroup(slot, cgroup);
        this.dropCgroup(cgroup);
        if (this.failure) return;
        // The next call on this slot reports it; the manager forks a new worker after this one.
        slot.broken = err instanceof Error ? err : new Error(String(err));
      }
      this.pump();
    })();
  }

  /**
   * A slot's worker is blocked on its request (W line): a call that takes it now does
   * not wait for the rest of its start-up (a fork's child here takes milliseconds of
   * page faults before it gets there, and may still be queued for a CPU).
   */
  private onWaiting(index: number, gen: number): void {
    const slot = this.slots[index];
    if (!slot) return;
    slot.waitingGen = gen;
    if (slot.moved?.gen === gen) {
      const worker = slot.moved;
      slot.moved = null;
      this.makeReady(worker);
      this.pump();
    }
  }

  /**
   * A worker can take a call: the accounting of its cgroup starts again here (peak from
   * what is charged now, counters as deltas). Where it cannot (cgroup v2 without a
   * resettable peak), the worker's cgroup serves this one call and is then removed.
   */
  private makeReady(worker: Worker, counters?: CallUsage): void {
    const slot = worker.slot;
    if (!worker.cgroup.begin(counters)) {
      worker.oneShot = true;
      // The slot's next worker gets a cgroup of its own.
      forgetCgroup(slot, worker.cgroup);
    }
    slot.ready = worker;
  }

  /**
   * The call's process ended (X: reaped by its manager) or said it is ending (Y:
   * the command returned; the process is being torn down and runs nothing more).
   */
  private onExited(index: number, gen: number, status: number, how: 'X' | 'Y' | 'K'): void {
    const slot = this.slots[index];
    if (!slot) return;
    if (how === 'X') {
      slot.exitedGen = Math.max(slot.exitedGen, gen);
      for (const unused of [slot.ready, slot.moved]) {
        if (unused?.gen !== gen) continue;
        // A waiting worker ended (killed from inside the sandbox): the next replaces it.
        for (const o of unused.outputs ?? []) o.destroy();
        if (unused.oneShot) this.dropCgroup(unused.cgroup);
        if (slot.ready === unused) slot.ready = null;
        else slot.moved = null;
        return;
      }
    }
    const call = slot.call;
    if (!call || call.worker?.gen !== gen) return;
    if (call.exitStatus !== null) return;
    // K only from a worker whose call was meant to keep it.
    if (how === 'K' && !call.worker.keep) return;
    call.exitStatus = status;
    // A worker drydock already signalled (timeout, pids) is not kept, even if its K came first.
    call.kept = how === 'K' && call.killer === null;
    // A call's processes do not outlive it: what it left running goes with it. After Y
    // the worker itself is still being torn down: no waiting for it (its manager reaps
    // it). After K it waits for the slot's next call: it is spared.
    const exiting = how === 'Y' ? call.worker.hostPid : undefined;
    const spare = call.kept ? call.worker.hostPid : undefined;
    const clean = call.worker.cgroup.killAll(exiting, spare);
    const ended: Promise<unknown>[] = call.readers.map(
      (r) =>
        new Promise<void>((res) => {
          if (r.readableEnded || r.destroyed) return res();
          r.once('end', () => res());
          r.once('close', () => res());
        }),
    );
    // The result waits until nothing of the call runs any more, not only until its process ended.
    if (!clean) ended.push(call.worker.cgroup.emptied(exiting, DRAIN_MS, spare));
    let timer: NodeJS.Timeout | undefined;
    void Promise.race([Promise.all(ended), new Promise((res) => (timer = setTimeout(res, DRAIN_MS)))]).then(
      () => {
        clearTimeout(timer);
        this.finish(call, null);
      },
    );
  }

  /** Container pid (innermost NSpid) of host pids seen in the container's cgroup: they never change. */
  private readonly nsPids = new Map<number, number>();

  /**
   * hostPidOf, reading the status only of processes not seen before (the runner,
   * its managers and Docker's init are there at every worker); a full scan when
   * that finds nothing (a pid reused since it was seen).
   */
  private hostPidOf(containerPid: number): number | null {
    const pids = readPids(this.procsFile);
    for (const pid of pids) {
      let ns = this.nsPids.get(pid);
      if (ns === undefined) {
        ns = nsPidOf(pid) ?? -1;
        if (ns >= 0) this.nsPids.set(pid, ns);
      }
      if (ns === containerPid) return pid;
    }
    const live = new Set(pids);
    for (const pid of this.nsPids.keys()) if (!live.has(pid)) this.nsPids.delete(pid);
    return hostPidOf(containerPid, this.procsFile);
  }

  /**
   * Read ends of a slot's output fifos. Opened ahead, off a call's path: a reader sees
   * no hang-up before a writer has come, so none comes before the worker opens them.
   */
  private openOutputs(index: number): [net.Socket, net.Socket] {
    const base = `${this.containerRoot}/run/drydock/${index}`;
    const flags = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;
    const out = this.openFifo(`${base}.o`, flags);
    let err: number;
    try {
      err = this.openFifo(`${base}.e`, flags);
    } catch (e) {
      closeSync(out);
      throw e;
    }
    return [out, err].map((fd) => {
      const sock = new net.Socket({ fd, readable: true, writable: false });
      sock.on('error', () => undefined);
      return sock;
    }) as [net.Socket, net.Socket];
  }

  /** The worker's output readers: the ones opened ahead, or new ones if those are not usable. */
  private outputsOf(worker: Worker): [net.Socket, net.Socket] {
    const ahead = worker.outputs;
    if (ahead && ahead.every((s) => !s.destroyed && !s.readableEnded)) return ahead;
    for (const s of ahead ?? []) s.destroy();
    worker.outputs = this.openOutputs(worker.slot.index);
    return worker.outputs;
  }

  private openFifo(path: string, flags: number): number {
    const fd = openSync(path, flags);
    const st = fstatSync(fd);
    if (!st.isFIFO() || st.dev !== this.fifoDev) {
      closeSync(fd);
      throw new Error(`${path} is not the sandbox's own fifo`);
    }
    return fd;
  }

  /**
   * A slot's request file, made by drydock on the sandbox's tmpfs and held open: a
   * regular file with one link, so the host never writes through a name a call planted.
   */
  private openRequestFile(path: string): number {
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    const st = fstatSync(fd);
    if (!st.isFile() || st.nlink !== 1 || st.dev !== this.fifoDev) {
      closeSync(fd);
      throw new Error(`${path} is not the sandbox's own request file`);
    }
    return fd;
  }

  private kill(call: Call, why: KilledBy): void {
    if (call.exitStatus !== null) return;
    call.killer ??= why;
    if (call.worker) {
      call.worker.cgroup.killAll();
      return;
    }
    // Still waiting for a worker: it ends as a killed call would.
    const at = this.waiting.indexOf(call);
    if (at >= 0) this.waiting.splice(at, 1);
    call.exitStatus = 128 + 9;
    this.finish(call, null);
  }

  /** The caller's view of a spawned process. */
  private handle(call: Call, pid: number): SpawnedProcess {
    const live = call.live!;
    const exited = live.exitedPromise;
    const cgroup = call.worker!.cgroup;
    return {
      pid,
      stdin: live.stdin,
      stdout: live.stdout,
      stderr: live.stderr,
      exited,
      get alive() {
        return !live.ended;
      },
      usage: () => {
        const u = cgroup.usage();
        return { cpuMs: u.cpuMs, peakMemoryBytes: u.peakMemoryBytes };
      },
      kill: () => {
        if (!live.ended) cgroup.killAll();
        return exited;
      },
    };
  }

  private finish(call: Call, error: Error | null): void {
    if (!this.calls.delete(call.id)) return;
    for (const t of call.timers) clearTimeout(t);
    for (const r of call.readers) r.destroy();
    call.stdinSock?.destroy();
    const worker = call.worker;
    const usage = worker
      ? worker.cgroup.usage()
      : { cpuMs: 0, peakMemoryBytes: 0, oomKills: 0, pidsLimitHits: 0 };
    if (worker) {
      if (worker.slot.call === call) {
        worker.slot.call = null;
        for (const res of worker.slot.whenIdle.splice(0)) res();
      }
      // Off the result's path: the next call already runs on another slot's worker.
      setImmediate(() => {
        const file = worker.slot.requestFile;
        // A large request does not stay in the sandbox's memory (the slot's next worker is not ready yet).
        const slot = worker.slot;
        if (slot.call === null && !this.failure) {
          if (call.kept && !error) {
            // The worker waits for the slot's next call, unless the call left too much charged.
            worker.outputs = null;
            // (Gone meanwhile, killed from inside the sandbox: its manager forks the next.)
            if (slot.exitedGen >= worker.gen) worker.keep = false;
            else if (worker.cgroup.memoryCharged() > RESIDUAL_BYTES) signal(worker.hostPid, 'SIGKILL');
            else {
              worker.n += 1;
              // Its next call counts from the counters its last call ended with (read just
              // now); only the worker's few lines after K, tens of microseconds, fall between.
              this.makeReady(worker, worker.cgroup.lastRaw ?? undefined);
            }
          }
          try {
            // A large request does not stay in the sandbox's memory; a small one is overwritten
            // by the next (emptying the file each time cost a page's allocation per call).
            if (file !== null && slot.requestBytes > 65536) ftruncateSync(file, 0);
            // The slot's next worker, if already waiting, gets its output readers now.
            const next = slot.ready ?? slot.moved;
            if (next && !next.outputs) next.outputs = this.openOutputs(slot.index);
          } catch {
            // Closed with the sandbox meanwhile, or the fifos are gone: start() opens them.
          }
        }
        if (worker.oneShot || this.failure) this.dropCgroup(worker.cgroup);
        this.pump();
      });
    }
    const killedBy: KilledBy | null =
      call.killer ?? (usage.oomKills > 0 ? 'oom' : usage.pidsLimitHits > 0 ? 'pids' : null);
    if (call.live) {
      const live = call.live;
      live.ended = true;
      live.stdinSock?.destroy();
      for (const s of [live.stdout, live.stderr]) if (!s.writableEnded) s.end();
      if (!live.isStarted) live.startFailed(error ?? new Error('the process ended before it started'));
      live.exited({
        exitCode: error ? -1 : (call.exitStatus ?? -1),
        killedBy: error ? null : killedBy,
        sandboxEnded: error ? error.message : null,
        wallMs: performance.now() - call.started,
        cpuMs: usage.cpuMs,
        peakMemoryBytes: usage.peakMemoryBytes,
      });
      return;
    }
    if (error) return call.reject(error);
    call.resolve({
      stdout: call.stdout,
      result: {
        exitCode: call.exitStatus ?? -1,
        stdout: call.stdout.text(),
        stderr: call.stderr.text(),
        truncated: call.stdout.bytesCut > 0 || call.stderr.bytesCut > 0,
        stdoutBytesCut: call.stdout.bytesCut,
        stderrBytesCut: call.stderr.bytesCut,
        wallMs: performance.now() - call.started,
        cpuMs: usage.cpuMs,
        peakMemoryBytes: usage.peakMemoryBytes,
        killedBy,
        mode: 'per-call-cgroup',
      },
    });
  }

  /** The runner is gone: every call in flight settles with `err` (typed by `onGone` unless given typed). */
  private fail(err: Error, typed?: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.ctl?.destroy();
    this.ev?.destroy();
    this.waiting.length = 0;
    for (const call of [...this.calls.values()]) {
      call.worker?.cgroup.killAll();
      this.finish(call, typed ?? this.onGone(err));
    }
    for (const slot of this.slots) {
      slot.requests?.destroy();
      if (slot.requestFile !== null) closeSync(slot.requestFile);
      slot.requestFile = null;
      for (const unused of [slot.ready, slot.moved]) {
        if (!unused) continue;
        for (const o of unused.outputs ?? []) o.destroy();
        unused.cgroup.killAll();
        if (unused.cgroup !== slot.cgroup) this.dropCgroup(unused.cgroup);
      }
      slot.ready = slot.moved = null;
      if (slot.cgroup) {
        slot.cgroup.killAll();
        this.dropCgroup(slot.cgroup);
        slot.cgroup = null;
      }
    }
  }

  /**
   * Ends the runner: closing its stdin makes it exit. Calls still in flight are
   * killed and settle with SandboxClosedError (never left pending).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error('closed'), new SandboxClosedError());
    this.ctl?.destroy();
    this.ev?.destroy();
    this.stream.end();
    this.stream.destroy();
  }
}

function newSlot(index: number): Slot {
  return {
    index,
    requests: null,
    requestFile: null,
    requestBytes: 0,
    exitedGen: -1,
    whenIdle: [],
    ready: null,
    moved: null,
    waitingGen: -1,
    broken: null,
    call: null,
    cgroup: null,
  };
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Gone already.
  }
}

function fstatDev(path: string): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    return fstatSync(fd).dev;
  } finally {
    closeSync(fd);
  }
}
