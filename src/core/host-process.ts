import { execa, execaSync, type Options, type SyncOptions } from 'execa';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DrydockError } from './errors.js';

/**
 * Processes on the host (git, apt-get, debootstrap, tar, npm, dockerd, drydock itself), all
 * through execa: one function per need, errors that name the command and carry its stderr,
 * timeouts that kill, and children that die with drydock unless asked to outlive it.
 * Commands in a sandbox never come here: they go through the Sandbox.
 */

export interface HostCommandOptions {
  cwd?: string;
  /** Added to the host's environment. */
  env?: Record<string, string | undefined>;
  /** Bytes or text fed to stdin (stdin is closed otherwise). */
  input?: string | Buffer;
  /** Kill the command (SIGTERM, then SIGKILL) after this long. */
  timeoutMs?: number;
  /** Output kept per stream (default 64 MiB); more is an error. */
  maxBuffer?: number;
}

export interface HostResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A host command failed: the message names it and ends with its stderr's last lines. */
export class HostCommandError extends DrydockError {
  override readonly name = 'HostCommandError';
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    /** How it failed: `exited 1`, `timed out after 5000 ms`, `could not start (…)`. */
    readonly why: string,
    fix?: string,
  ) {
    const tail = lastLines(stderr, 3);
    super(`${command} ${why}${tail ? `: ${tail}` : ''}`, fix, 'HOST_COMMAND_FAILED');
  }
}

const lastLines = (text: string, n: number): string => text.trim().split('\n').slice(-n).join(' ').trim();

const display = (file: string, args: readonly string[]): string => [file, ...args].join(' ');

interface ExecaOutcome {
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  isMaxBuffer?: boolean;
  failed: boolean;
  stderr?: unknown;
  stdout?: unknown;
  originalMessage?: string;
}

function failure(
  file: string,
  args: readonly string[],
  r: ExecaOutcome,
  timeoutMs?: number,
): HostCommandError {
  const why = r.timedOut
    ? `timed out after ${timeoutMs} ms`
    : r.isMaxBuffer
      ? 'printed more output than drydock keeps'
      : r.exitCode === undefined
        ? r.signal
          ? `was killed by ${r.signal}`
          : `could not start (${r.originalMessage ?? 'unknown error'})`
        : `exited ${r.exitCode}`;
  const stderr = typeof r.stderr === 'string' ? r.stderr : '';
  return new HostCommandError(display(file, args), r.exitCode ?? null, stderr, why);
}

function common(o: HostCommandOptions) {
  return {
    cwd: o.cwd,
    env: o.env,
    ...(o.input !== undefined ? { input: o.input } : { stdin: 'ignore' as const }),
    timeout: o.timeoutMs,
    maxBuffer: o.maxBuffer ?? 64 * 1024 * 1024,
    stripFinalNewline: false,
    reject: false,
  };
}

/** Runs a command to its end and returns its output; throws `HostCommandError` unless it exits 0. */
export async function runHost(
  file: string,
  args: readonly string[],
  opts: HostCommandOptions = {},
): Promise<HostResult> {
  const r = await execa(file, args, common(opts) satisfies Options);
  if (r.failed) throw failure(file, args, r, opts.timeoutMs);
  return { exitCode: r.exitCode ?? 0, stdout: r.stdout, stderr: r.stderr };
}

/** `runHost` for the few callers that must stay synchronous. */
export function runHostSync(
  file: string,
  args: readonly string[],
  opts: HostCommandOptions = {},
): HostResult {
  const r = execaSync(file, args, common(opts) satisfies SyncOptions);
  if (r.failed) throw failure(file, args, r, opts.timeoutMs);
  return { exitCode: r.exitCode ?? 0, stdout: r.stdout, stderr: r.stderr };
}

/** Whether a program is on the host's PATH. */
export function onHostPath(program: string): boolean {
  return !execaSync('sh', ['-c', 'command -v "$1"', 'sh', program], { stdio: 'ignore', reject: false })
    .failed;
}

/**
 * Runs a long command with its stdout and stderr appended to a log file (apt-get,
 * debootstrap): the person reads the log; the error names it and quotes its last line.
 */
export function runHostLogged(
  file: string,
  args: readonly string[],
  log: string,
  opts: Omit<HostCommandOptions, 'input' | 'maxBuffer'> = {},
): void {
  const r = execaSync(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdin: 'ignore',
    stdout: { file: log, append: true },
    stderr: { file: log, append: true },
    timeout: opts.timeoutMs,
    reject: false,
  });
  if (r.failed) throw failure(file, args, r, opts.timeoutMs);
}

/**
 * Starts a daemon that outlives drydock (dockerd), detached, its output appended to a log
 * file. Returns once it is spawned; whether it works is for the caller to check.
 *
 * This one function uses node's `spawn` rather than execa: execa writes a child's output to a
 * `{file}` target through a pipe that the parent reads, so the parent could never exit (its
 * event loop holds the pipe), and a daemon whose stdout is a pipe dies of SIGPIPE once the
 * parent is gone. The daemon gets the log file's own descriptor instead.
 */
export function startHostDaemon(file: string, args: readonly string[], log: string): void {
  mkdirSync(dirname(log), { recursive: true });
  const fd = openSync(log, 'a');
  try {
    const child = spawn(file, [...args], { detached: true, stdio: ['ignore', fd, fd] });
    // The daemon's end is none of this process's business; a failed spawn is the caller's to
    // notice (the daemon never answers), not an uncaught error here.
    child.on('error', () => undefined);
    child.unref();
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs a command whose output a person follows (a child drydock): each line of stdout and
 * stderr goes to `onLine` as it comes, the last 4000 characters of stderr are kept, and a run
 * past `timeoutMs` is killed. Resolves with the exit code (null when killed), never rejects on
 * a failing command; a command that cannot start rejects with `HostCommandError`.
 */
export async function streamHost(
  file: string,
  args: readonly string[],
  opts: Omit<HostCommandOptions, 'input' | 'maxBuffer' | 'env'> & {
    /** The child's whole environment (not added to the host's): callers pass an allow-list. */
    env: NodeJS.ProcessEnv;
    onLine?: (line: string) => void;
  },
): Promise<{ exitCode: number | null; stderrTail: string; timedOut: boolean }> {
  let stderrTail = '';
  // Transforms that consume each line and keep nothing (execa then buffers nothing either).
  // eslint-disable-next-line require-yield
  const forward = function* (line: unknown) {
    opts.onLine?.(String(line));
  };
  // eslint-disable-next-line require-yield
  const keepTail = function* (line: unknown) {
    stderrTail = `${stderrTail}${String(line)}\n`.slice(-4000);
    opts.onLine?.(String(line));
  };
  const r = await execa(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: false,
    stdin: 'ignore',
    stdout: forward,
    stderr: keepTail,
    timeout: opts.timeoutMs,
    reject: false,
  });
  if (r.failed && r.exitCode === undefined && !r.signal && !r.timedOut) throw failure(file, args, r);
  return { exitCode: r.timedOut || r.signal ? null : (r.exitCode ?? null), stderrTail, timedOut: r.timedOut };
}

/**
 * A command whose stdout a caller consumes as a stream (tar into `docker import`). `done`
 * resolves when it exits 0 and rejects with `HostCommandError` (carrying stderr) otherwise;
 * `stop()` kills it when the consumer gave up.
 */
export function pipeFromHost(
  file: string,
  args: readonly string[],
  opts: Omit<HostCommandOptions, 'input' | 'maxBuffer'> = {},
): { stdout: NodeJS.ReadableStream; done: Promise<void>; stop: () => void } {
  const child = execa(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdin: 'ignore',
    buffer: { stdout: false, stderr: true },
    timeout: opts.timeoutMs,
    reject: false,
  });
  const done = child.then((r) => {
    if (r.failed) throw failure(file, args, r, opts.timeoutMs);
  });
  // A consumer that failed first may never look at `done`: that must not crash the process.
  done.catch(() => undefined);
  return { stdout: child.stdout, done, stop: () => void child.kill() };
}
