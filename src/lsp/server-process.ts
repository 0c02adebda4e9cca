import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { PassThrough, Writable, type Duplex, type Readable } from 'node:stream';
import { DrydockError, WORKSPACE, type ResourceLimits } from '../core/index.js';
import type { Sandbox, SpawnExit } from '../sandbox/index.js';

/**
 * A long-lived process inside a sandbox whose stdin/stdout stay open: what a
 * language server needs and `Sandbox.exec` does not give (it buffers output
 * until the call ends, and kills what a call leaves running).
 *
 * In per-call-cgroup mode it is `Sandbox.spawn`: the server runs under its own
 * cgroup and limits (memory, cpus, pids), so a runaway server is killed by its
 * own limit and the sandbox lives on. Elsewhere (container-update mode, where a
 * process cannot have limits of its own) it is a dockerode exec with attached
 * stdio on the sandbox's container, under the container-wide limits.
 */
export interface ServerProcess {
  readonly stdout: Readable;
  /**
   * The process's stdin. Writes after the process died are dropped, never an
   * error: its death is reported once, through `exited`.
   */
  readonly stdin: Writable;
  /** Pid inside the container, read from a pid file the wrapper writes. */
  readonly pidFile: string;
  /** When it was started. */
  readonly startedAt: Date;
  /**
   * Its own cgroup's usage and limits once it has ended (spawned servers: the sandbox's
   * accounting); absent where the process has no cgroup of its own.
   */
  readonly accounting?: Promise<ServerAccounting>;
  /** Resolves when the process's stream ends (exit, crash, kill). */
  readonly exited: Promise<void>;
  readonly alive: boolean;
  /**
   * Why it ended, once it has, when the sandbox knows (spawned servers): e.g.
   * "killed by its own memory limit (64 MiB)". Null while alive or unknown.
   */
  readonly endReason?: string | null;
  /** Last bytes the process wrote on stderr (for error messages). */
  stderrTail(): string;
  /** SIGKILLs the process inside the sandbox and ends the stream. */
  kill(): Promise<void>;
}

/**
 * Default limits of a language server's own cgroup (per-call-cgroup sandboxes):
 * memory and pids bound it; CPU is every core (as before servers had their own
 * cgroup), since a throttled server only makes the reward wait longer.
 */
export const SERVER_LIMITS: Required<Pick<ResourceLimits, 'memoryBytes' | 'cpus' | 'pids'>> = {
  memoryBytes: 2 * 1024 * 1024 * 1024,
  cpus: availableParallelism(),
  pids: 512,
};

/** A spawned server's usage as its own cgroup measured it, with the limits it ran under. */
export interface ServerAccounting {
  wallMs: number;
  cpuMs: number;
  peakMemoryBytes: number;
  killedBy: SpawnExit['killedBy'];
  limits: ResourceLimits;
}

/** What a sandbox must offer for servers: DockerSandbox has it. */
export interface ContainerSandbox extends Sandbox {
  readonly container: Docker.Container;
}

export function hasContainer(s: Sandbox): s is ContainerSandbox {
  const c = (s as { container?: { exec?: unknown } }).container;
  return typeof c === 'object' && c !== null && typeof c.exec === 'function';
}

const STDERR_KEEP = 8192;

/** One phrase for how a spawned server ended. */
export function describeEnd(exit: SpawnExit, limits: ResourceLimits): string {
  if (exit.sandboxEnded) return `ended with its sandbox (${exit.sandboxEnded})`;
  if (exit.killedBy === 'oom') {
    const mib = limits.memoryBytes ? ` (${Math.round(limits.memoryBytes / 1048576)} MiB)` : '';
    return `killed by its own memory limit${mib}`;
  }
  if (exit.killedBy === 'pids') return `killed at its own process limit (${limits.pids ?? '?'} pids)`;
  if (exit.killedBy === 'timeout') return 'killed at its time limit';
  return exit.exitCode > 128 ? `killed by signal ${exit.exitCode - 128}` : `exited with ${exit.exitCode}`;
}

export async function startServerProcess(
  sandbox: Sandbox,
  argv: string[],
  opts: { cwd?: string; env?: Record<string, string>; limits?: ResourceLimits } = {},
): Promise<ServerProcess> {
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const pidFile = `/tmp/drydock-lsp-${randomBytes(6).toString('hex')}.pid`;
  const startedAt = new Date();
  if (sandbox.mode === 'per-call-cgroup') {
    const limits = { ...SERVER_LIMITS, ...opts.limits };
    const proc = await sandbox.spawn(`echo "$BASHPID" > ${pidFile}; exec ${quoted}`, {
      ...limits,
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      ...(opts.env !== undefined ? { env: opts.env } : {}),
    });
    let errTail = '';
    proc.stderr.on('data', (d: Buffer) => {
      errTail = (errTail + d.toString('utf8')).slice(-STDERR_KEEP);
    });
    let endReason: string | null = null;
    const accounting = proc.exited.then((exit): ServerAccounting => ({
      wallMs: exit.wallMs,
      cpuMs: exit.cpuMs,
      peakMemoryBytes: exit.peakMemoryBytes,
      killedBy: exit.killedBy,
      limits,
    }));
    const exited = proc.exited.then((exit) => {
      endReason = describeEnd(exit, limits);
    });
    return {
      stdout: proc.stdout,
      stdin: proc.stdin,
      pidFile,
      startedAt,
      accounting,
      exited,
      get alive() {
        return proc.alive;
      },
      get endReason() {
        return endReason;
      },
      stderrTail: () => errTail,
      async kill() {
        await proc.kill();
        await exited;
      },
    };
  }
  if (!hasContainer(sandbox)) {
    throw new DrydockError(
      'language servers need a Docker sandbox with a container (long-lived exec)',
      'open the sandbox with openSandbox()',
      'LSP_NO_CONTAINER',
    );
  }
  const exec = await sandbox.container.exec({
    Cmd: ['sh', '-c', `echo $$ > ${pidFile}; exec ${quoted}`],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    WorkingDir: opts.cwd ?? WORKSPACE,
    Env: Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`),
  });
  const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as Duplex;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let errTail = '';
  stderr.on('data', (d: Buffer) => {
    errTail = (errTail + d.toString('utf8')).slice(-STDERR_KEEP);
  });
  sandbox.container.modem.demuxStream(stream, stdout, stderr);
  let alive = true;
  const exited = new Promise<void>((resolve) => {
    const done = (): void => {
      if (!alive) return;
      alive = false;
      stdout.end();
      stderr.end();
      resolve();
    };
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
  });
  // Writes after the process died must not crash drydock.
  stream.on('error', () => undefined);
  const stdin = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (!alive || stream.destroyed || stream.writableEnded) return cb();
      stream.write(chunk, () => cb());
    },
  });
  return {
    stdout,
    stdin,
    pidFile,
    startedAt,
    exited,
    get alive() {
      return alive;
    },
    endReason: null,
    stderrTail: () => errTail,
    async kill() {
      if (alive) {
        await sandbox
          .exec(`[ -f ${pidFile} ] && kill -9 "$(cat ${pidFile})" 2>/dev/null; rm -f ${pidFile}; true`, {
            timeoutMs: 10_000,
          })
          .catch(() => undefined);
      }
      stream.destroy();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    },
  };
}
