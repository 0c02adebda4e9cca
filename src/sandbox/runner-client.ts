import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { PassThrough, Writable, type Duplex, type Readable } from 'node:stream';
import { CallCgroup, containerProcsFile, hostPidOf, type ContainerCgroup } from './call-cgroup.js';
import { DockerFrameParser, LineSplitter } from './docker-frames.js';
import { SandboxClosedError } from './errors.js';
import { HeadTailCapture } from './output-cap.js';
import { encodeRequest } from './runner-script.js';
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
  slot: number;
  req: CallRequest;
  cgroup: CallCgroup;
  started: number;
  stdout: HeadTailCapture;
  stderr: HeadTailCapture;
  readers: net.Socket[];
  killer: KilledBy | null;
  timers: NodeJS.Timeout[];
  exitStatus: number | null;
  setupError?: Error;
  live?: Live;
  resolve: (o: CallOutcome) => void;
  reject: (e: Error) => void;
}

const PIDS_POLL_MS = 50;
/** After the call's process exits and the rest of its cgroup is killed, output must end by then. */
const DRAIN_MS = 2000;

/**
 * Host side of the runner protocol (see runner-script.ts) for per-call-cgroup mode:
 * makes each call's cgroup, moves the call's stopped process into it, lets it run,
 * reads its output from the slot fifos, enforces the timeout and the pids limit,
 * and reads the cgroup's counters when it ends.
 */
export class RunnerClient {
  private readonly calls = new Map<string, Call>();
  private readonly busySlots = new Set<number>();
  private seq = 0;
  private ready: Promise<void>;
  private markReady!: () => void;
  private failure: Error | null = null;
  private procsFile = '';
  private containerRoot = '';
  private cgroup: ContainerCgroup | null = null;
  private fifoDev: number | null = null;
  private closed = false;
  /** The runner's request fifo, opened from the host; requests go there once it is open. */
  private ctl: net.Socket | null = null;
  private ev: net.Socket | null = null;
  /** Lines the runner printed on stderr: only ever bash's own complaints. */
  readonly runnerErrors: string[] = [];

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
   * Once the runner is ready: its request and event fifos, opened from the host, so
   * calls no longer pass through the engine's attach stream (runner-script.ts).
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
    if (!this.cgroup) return Promise.reject(new Error('the runner is not attached to its container'));
    const id = `c${++this.seq}`;
    let slot = 0;
    while (this.busySlots.has(slot)) slot++;
    this.busySlots.add(slot);
    const cgroup = new CallCgroup(this.cgroup, `drydock-call-${this.tag}-${id}`);
    return new Promise<CallOutcome>((resolve, reject) => {
      const call: Call = {
        id,
        slot,
        req,
        cgroup,
        started: performance.now(),
        stdout: new HeadTailCapture(req.maxOutputBytes),
        stderr: new HeadTailCapture(req.maxOutputBytes),
        readers: [],
        killer: null,
        timers: [],
        exitStatus: null,
        resolve,
        reject,
      };
      this.calls.set(id, call);
      this.send(call);
    }).finally(() => {
      this.busySlots.delete(slot);
      setImmediate(() => this.removeCgroup(cgroup));
    });
  }

  /**
   * Starts a long-lived process under its own cgroup; resolves once it runs. Its
   * slot's fifos stay its stdin/stdout/stderr until it ends.
   */
  spawn(req: SpawnRequest): Promise<SpawnedProcess> {
    if (this.closed) return Promise.reject(new SandboxClosedError());
    if (this.failure) return Promise.reject(this.onGone(this.failure));
    if (!this.cgroup) return Promise.reject(new Error('the runner is not attached to its container'));
    const id = `s${++this.seq}`;
    let slot = 0;
    while (this.busySlots.has(slot)) slot++;
    this.busySlots.add(slot);
    const cgroup = new CallCgroup(this.cgroup, `drydock-call-${this.tag}-${id}`);
    let exitedResolve!: (e: SpawnExit) => void;
    const exited = new Promise<SpawnExit>((r) => (exitedResolve = r));
    void exited.then(() => {
      this.busySlots.delete(slot);
      setImmediate(() => this.removeCgroup(cgroup));
    });
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
              sock.destroy();
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
        slot,
        req: { ...req, maxOutputBytes: 0 },
        cgroup,
        started: performance.now(),
        stdout: new HeadTailCapture(0),
        stderr: new HeadTailCapture(0),
        readers: [],
        killer: null,
        timers: [],
        exitStatus: null,
        live,
        resolve: () => undefined,
        reject: () => undefined,
      };
      this.calls.set(id, call);
      this.send(call);
    });
  }

  /** Sends a call's request and makes its cgroup while the request travels. */
  private send(call: Call): void {
    const { id, slot, req, cgroup } = call;
    if (Number.isFinite(req.timeoutMs) && req.timeoutMs > 0) {
      call.timers.push(setTimeout(() => this.kill(call, 'timeout'), req.timeoutMs));
    }
    {
      (this.ctl ?? this.stream).write(
        encodeRequest({
          id,
          slot,
          hold: true,
          input: req.stdin !== undefined || call.live !== undefined,
          cwd: req.cwd,
          env: req.env,
          command: req.command,
        }),
      );
      // Made while the request travels: the call's process waits at its gate meanwhile.
      try {
        cgroup.create(req);
      } catch (err) {
        call.setupError = err instanceof Error ? err : new Error(String(err));
      }
    }
  }

  private removeCgroup(cg: CallCgroup, attempt = 0): void {
    if (cg.remove() || attempt > 40) return;
    // Killed processes take a moment to be reaped before the cgroup can go.
    cg.killAll();
    setTimeout(() => this.removeCgroup(cg, attempt + 1), 25).unref();
  }

  private onLine(line: string): void {
    const [kind, a, b] = line.split(' ');
    if (kind === 'R') this.markReady();
    else if (kind === 'P' && a && b) this.onStarted(a, Number(b));
    else if (kind === 'X' && a && b) this.onExited(a, Number(b));
  }

  private onStarted(id: string, containerPid: number): void {
    const call = this.calls.get(id);
    if (!call) return;
    let hostPid: number | null = null;
    try {
      if (call.setupError) throw call.setupError;
      const base = `${this.containerRoot}/run/drydock/${call.slot}`;
      const flags = constants.O_NONBLOCK | constants.O_NOFOLLOW;
      const outFd = this.openFifo(`${base}.o`, constants.O_RDONLY | flags);
      const errFd = this.openFifo(`${base}.e`, constants.O_RDONLY | flags);
      // O_RDWR: opening never blocks, and the runner's read-open of the fifo completes.
      const inFd = call.req.stdin || call.live ? this.openFifo(`${base}.i`, constants.O_RDWR | flags) : null;
      hostPid = hostPidOf(containerPid, this.procsFile);
      if (hostPid === null) throw new Error(`call process ${containerPid} not found`);
      call.cgroup.add(hostPid);
      waitStopped(hostPid);
      const live = call.live;
      for (const [fd, capture, sink] of [
        [outFd, call.stdout, live?.stdout],
        [errFd, call.stderr, live?.stderr],
      ] as const) {
        const sock = new net.Socket({ fd, readable: true, writable: false });
        // A spawned process's output streams, with backpressure (a full pipe blocks it).
        if (sink) sock.pipe(sink, { end: false });
        else sock.on('data', (c: Buffer) => capture.push(c));
        sock.on('error', () => undefined);
        call.readers.push(sock);
      }
      if (inFd !== null && live) {
        const sock = new net.Socket({ fd: inFd, readable: false, writable: true });
        sock.on('error', () => undefined);
        live.stdinSock = sock;
      } else if (inFd !== null && call.req.stdin) {
        const sock = new net.Socket({ fd: inFd, readable: false, writable: true });
        sock.on('error', () => undefined);
        const input = call.req.stdin;
        if (Buffer.isBuffer(input)) {
          sock.write(input, () => sock.destroy());
        } else {
          // Not end(): a fifo is no socket, so half-closing it fails; closing the fd is the EOF.
          input.pipe(sock, { end: false });
          input.once('end', () => sock.write(Buffer.alloc(0), () => sock.destroy()));
          input.once('error', () => sock.destroy());
        }
      }
      if (call.killer) call.cgroup.killAll();
      try {
        process.kill(hostPid, 'SIGCONT');
      } catch {
        // Already gone: its exit line follows.
      }
      call.timers.push(
        setInterval(() => {
          if (call.cgroup.pidsLimitHit()) this.kill(call, 'pids');
        }, PIDS_POLL_MS),
      );
      if (live) {
        live.isStarted = true;
        live.started(this.handle(call, containerPid));
      }
    } catch (err) {
      call.cgroup.killAll();
      if (hostPid !== null) {
        try {
          process.kill(hostPid, 'SIGKILL');
        } catch {
          // Gone.
        }
      }
      this.finish(call, err instanceof Error ? err : new Error(String(err)));
    }
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

  private kill(call: Call, why: KilledBy): void {
    if (call.exitStatus !== null) return;
    call.killer ??= why;
    call.cgroup.killAll();
  }

  private onExited(id: string, status: number): void {
    const call = this.calls.get(id);
    if (!call) return;
    call.exitStatus = status;
    // A call's processes do not outlive it: what it left running goes with it.
    call.cgroup.killAll();
    const ended = call.readers.map(
      (r) =>
        new Promise<void>((res) => {
          if (r.readableEnded || r.destroyed) return res();
          r.once('end', () => res());
          r.once('close', () => res());
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    void Promise.race([Promise.all(ended), new Promise((res) => (timer = setTimeout(res, DRAIN_MS)))]).then(
      () => {
        clearTimeout(timer);
        this.finish(call, null);
      },
    );
  }

  /** The caller's view of a spawned process. */
  private handle(call: Call, pid: number): SpawnedProcess {
    const live = call.live!;
    const exited = live.exitedPromise;
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
        const u = call.cgroup.usage();
        return { cpuMs: u.cpuMs, peakMemoryBytes: u.peakMemoryBytes };
      },
      kill: () => {
        if (!live.ended) call.cgroup.killAll();
        return exited;
      },
    };
  }

  private finish(call: Call, error: Error | null): void {
    if (!this.calls.delete(call.id)) return;
    for (const t of call.timers) clearTimeout(t);
    for (const r of call.readers) r.destroy();
    const usage = call.cgroup.usage();
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
    for (const call of [...this.calls.values()]) {
      call.cgroup.killAll();
      this.finish(call, typed ?? this.onGone(err));
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

function fstatDev(path: string): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    return fstatSync(fd).dev;
  } finally {
    closeSync(fd);
  }
}

/**
 * The call's process stops itself before running anything; it must be stopped
 * before SIGCONT, or the CONT could come first and be lost. This takes microseconds,
 * so a short spin beats a timer.
 */
function waitStopped(hostPid: number): void {
  const deadline = performance.now() + 2000;
  while (performance.now() < deadline) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${hostPid}/stat`, 'utf8');
    } catch {
      return;
    }
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'T' || state === 't' || state === 'Z' || state === 'X') return;
  }
  throw new Error(`call process ${hostPid} did not reach its start gate`);
}
