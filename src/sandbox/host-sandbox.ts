import { execa, type ResultPromise } from 'execa';
import { spawn as spawnChild } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { constants as osConstants, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { DrydockError, WORKSPACE } from '../core/index.js';
import { SandboxClosedError } from './errors.js';
import { DIFF_SCRIPT } from './diff-script.js';
import { gitConfigFilesDeep, scrubGitConfig } from './git-scrub.js';
import { HeadTailCapture } from './output-cap.js';
import { shellQuote } from './bash-text.js';
import {
  DEFAULT_LIMITS,
  type ExecLimits,
  type ExecOptions,
  type ExecResult,
  type Sandbox,
  type SpawnExit,
  type SpawnOptions,
  type SpawnedProcess,
} from './types.js';

const READ_LIMIT = 64 * 1024 * 1024;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
};

/** A host sandbox was asked for something only a real sandbox can do. */
export class SandboxUnsupportedError extends DrydockError {
  override readonly name = 'SandboxUnsupportedError';
  constructor(what: string) {
    super(
      `the host sandbox cannot ${what}`,
      'use a Docker sandbox (openSandbox) for this; the host sandbox is for tests that need no isolation',
      'SANDBOX_UNSUPPORTED',
    );
  }
}

export interface HostSandboxSpec {
  /** A host directory copied (never linked) into the workspace. */
  repo?: string;
  /** Default timeout and output cap of its calls. Memory, CPU and pids limits are refused. */
  limits?: Pick<ExecLimits, 'timeoutMs' | 'maxOutputBytes'>;
  /** Extra environment for every call. */
  env?: Record<string, string>;
  /**
   * Other sandbox paths that commands name, mapped to host directories (e.g. the
   * language servers' `/opt/drydock/bin` to a host install of the same versions).
   */
  paths?: Record<string, string>;
}

/** Variables taken from drydock's own environment, so host tools (git, python, node) are found. */
const HOST_ENV = ['PATH', 'HOME', 'USER', 'PYENV_ROOT', 'NVM_DIR', 'TMPDIR'];

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A `Sandbox` made of a host temporary directory and child processes (execa),
 * **for tests only**: no isolation, no limits. It exists so that tools, lsp and
 * agent tests that need no kernel limits run without a Docker engine, and so the
 * conformance suite (test/sandbox/conformance.test.ts) has a second implementation.
 *
 * - The workspace is `<tmp>/testbed`. `/testbed` in commands, `cwd`, env values and
 *   file paths is rewritten to it (as a path prefix), and back to `/testbed` in
 *   stdout/stderr, so callers see the same paths as in a DockerSandbox.
 * - Calls run as `bash -c` in their own process group; a timeout SIGKILLs the
 *   group, and whatever a call leaves running in its group is killed when it ends.
 *   A process that leaves the group (`setsid`) escapes: there is no cgroup.
 * - `memoryBytes`, `cpus`, `pids` on a call throw `SandboxUnsupportedError`
 *   (never silently ignored). Usage is not measured: `cpuMs` and
 *   `peakMemoryBytes` are 0, and `mode` is `'host'` to say so.
 * - `writeFile` refuses paths outside the workspace, the mapped paths and /tmp.
 */
export class HostSandbox implements Sandbox {
  readonly mode = 'host' as const;
  private closed = false;
  private readonly running = new Set<ResultPromise>();
  private readonly spawned = new Set<SpawnedProcess>();
  private readonly toHostRe: RegExp;
  private readonly toSandboxRe: RegExp;
  private readonly mapping: [string, string][];

  private constructor(
    readonly id: string,
    /** The temporary directory holding the workspace; removed by close(). */
    readonly root: string,
    readonly spec: HostSandboxSpec,
  ) {
    this.mapping = [[WORKSPACE, this.workspace], ...Object.entries(spec.paths ?? {})];
    // A sandbox path counts only as a whole path component prefix.
    const from = this.mapping.map(([s]) => escapeRe(s)).join('|');
    this.toHostRe = new RegExp(`(?<![\\w.\\-/])(${from})(?=$|[^\\w.\\-])`, 'g');
    const back = this.mapping.map(([, h]) => escapeRe(h)).join('|');
    this.toSandboxRe = new RegExp(`(${back})(?=$|[^\\w.\\-])`, 'g');
  }

  /** The host directory standing for /testbed. */
  get workspace(): string {
    return join(this.root, 'testbed');
  }

  static async open(spec: HostSandboxSpec = {}): Promise<HostSandbox> {
    const root = await mkdtemp(join(tmpdir(), 'drydock-host-sandbox-'));
    const sb = new HostSandbox(`host-${randomBytes(6).toString('hex')}`, root, spec);
    try {
      if (spec.repo !== undefined) {
        const st = await stat(spec.repo).catch(() => null);
        if (!st?.isDirectory())
          throw new DrydockError(`repository ${spec.repo} is not a directory`, 'pass a checkout');
        await cp(spec.repo, sb.workspace, {
          recursive: true,
          preserveTimestamps: true,
          verbatimSymlinks: true,
        });
        // Without the credentials a checkout may carry (git-scrub.ts).
        for (const config of gitConfigFilesDeep(sb.workspace)) {
          const text = await readFile(config, 'utf8').catch(() => null);
          const scrubbed = text === null ? null : scrubGitConfig(text);
          if (scrubbed !== null && scrubbed !== text) await writeFile(config, scrubbed);
        }
      } else {
        await mkdir(sb.workspace);
      }
      return sb;
    } catch (err) {
      await rm(root, { recursive: true, force: true });
      throw err;
    }
  }

  /** A sandbox path (or text naming sandbox paths) as the host sees it. */
  toHost(text: string): string {
    return text.replace(this.toHostRe, (m) => this.mapping.find(([s]) => s === m)![1]);
  }

  /** Host paths in text shown as the sandbox's. */
  toSandbox(text: string): string {
    return text.replace(this.toSandboxRe, (m) => this.mapping.find(([, h]) => h === m)![0]);
  }

  private hostPath(path: string): string {
    return this.toHost(isAbsolute(path) ? path : posix.join(WORKSPACE, path));
  }

  /** The environment of a call: the host's PATH and HOME, the spec's and the call's variables, paths mapped. */
  environment(extra: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = { LANG: 'C.UTF-8', TERM: 'dumb' };
    for (const k of HOST_ENV) if (process.env[k] !== undefined) env[k] = process.env[k]!;
    env.PATH = [...Object.values(this.spec.paths ?? {}), env.PATH ?? '/usr/bin:/bin'].join(':');
    for (const [k, v] of Object.entries({ ...this.spec.env, ...extra })) {
      if (!ENV_NAME.test(k)) throw new DrydockError(`invalid environment variable name: ${k}`);
      env[k] = this.toHost(v);
    }
    return env;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new SandboxClosedError();
    for (const k of ['memoryBytes', 'cpus', 'pids'] as const) {
      if (opts[k] !== undefined) throw new SandboxUnsupportedError(`enforce a per-call ${k} limit`);
    }
    const timeoutMs = opts.timeoutMs ?? this.spec.limits?.timeoutMs ?? DEFAULT_LIMITS.timeoutMs;
    const maxOutput =
      opts.maxOutputBytes ?? this.spec.limits?.maxOutputBytes ?? DEFAULT_LIMITS.maxOutputBytes;
    const cwd = this.hostPath(opts.cwd ?? WORKSPACE);
    const env = this.environment(opts.env ?? {});
    const started = performance.now();
    const child = execa('bash', ['-c', this.toHost(command)], {
      cwd,
      env,
      extendEnv: false,
      detached: true,
      buffer: false,
      reject: false,
      stdin: opts.stdin === undefined ? 'ignore' : 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
    });
    this.running.add(child);
    const out = new HeadTailCapture(maxOutput);
    const err = new HeadTailCapture(maxOutput);
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    if (opts.stdin !== undefined) {
      child.stdin!.on('error', () => undefined);
      Readable.from([Buffer.from(opts.stdin)]).pipe(child.stdin!);
    }
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already empty.
      }
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    // What the call leaves running in its group ends with it (as in a DockerSandbox).
    child.on('exit', killGroup);
    try {
      const r = await child;
      // Killed by close(): the call settles as the Docker sandbox's do.
      if (this.closed) throw new SandboxClosedError();
      const signal = r.signal ? osConstants.signals[r.signal] : undefined;
      return {
        exitCode: r.exitCode ?? (signal !== undefined ? 128 + signal : -1),
        stdout: this.toSandbox(out.text()),
        stderr: this.toSandbox(err.text()),
        truncated: out.bytesCut > 0 || err.bytesCut > 0,
        stdoutBytesCut: out.bytesCut,
        stderrBytesCut: err.bytesCut,
        wallMs: Math.round(performance.now() - started),
        cpuMs: 0,
        peakMemoryBytes: 0,
        killedBy: timedOut ? 'timeout' : null,
        mode: 'host',
      };
    } finally {
      clearTimeout(timer);
      this.running.delete(child);
    }
  }

  /**
   * A long-lived child process (`bash -c`) in its own process group, with piped
   * stdio; killed (the group) by close(). Own limits are refused (there is no cgroup).
   */
  async spawn(command: string | string[], opts: SpawnOptions = {}): Promise<SpawnedProcess> {
    if (this.closed) throw new SandboxClosedError();
    for (const k of ['memoryBytes', 'cpus', 'pids'] as const) {
      if (opts[k] !== undefined)
        throw new SandboxUnsupportedError(`enforce a ${k} limit on a spawned process`);
    }
    if (Array.isArray(command) && command.length === 0) throw new DrydockError('spawn needs a command');
    const source = Array.isArray(command) ? `exec ${command.map(shellQuote).join(' ')}` : command;
    const child = spawnChild('bash', ['-c', this.toHost(source)], {
      cwd: this.hostPath(opts.cwd ?? WORKSPACE),
      env: this.environment(opts.env ?? {}),
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const pid = child.pid!;
    const killGroup = (): void => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // The group is already empty.
      }
    };
    let timedOut = false;
    const timer =
      opts.timeoutMs !== undefined && opts.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            killGroup();
          }, opts.timeoutMs)
        : undefined;
    let alive = true;
    child.stdin.on('error', () => undefined);
    const exited = new Promise<SpawnExit>((resolve) => {
      child.once('close', (code, signal) => {
        alive = false;
        clearTimeout(timer);
        killGroup();
        const sig = signal ? osConstants.signals[signal] : undefined;
        resolve({
          exitCode: this.closed ? -1 : (code ?? (sig !== undefined ? 128 + sig : -1)),
          killedBy: timedOut ? 'timeout' : null,
          sandboxEnded: this.closed ? new SandboxClosedError().message : null,
          wallMs: performance.now() - started,
          cpuMs: 0,
          peakMemoryBytes: 0,
        });
      });
    });
    const proc: SpawnedProcess = {
      pid,
      stdin: child.stdin,
      stdout: child.stdout,
      stderr: child.stderr,
      exited,
      get alive() {
        return alive;
      },
      usage: () => ({ cpuMs: 0, peakMemoryBytes: 0 }),
      kill: () => {
        killGroup();
        return exited;
      },
    };
    this.spawned.add(proc);
    void exited.then(() => this.spawned.delete(proc));
    return proc;
  }

  async readFile(path: string): Promise<string> {
    if (this.closed) throw new SandboxClosedError();
    const host = this.hostPath(path);
    try {
      const st = await stat(host);
      if (st.size > READ_LIMIT) throw new DrydockError(`${path} is larger than ${READ_LIMIT} bytes`);
      return await readFile(host, 'utf8');
    } catch (e) {
      if (e instanceof DrydockError) throw e;
      // The same words as `cat` in a DockerSandbox, so callers see one message.
      const why = ERRNO_TEXT[(e as NodeJS.ErrnoException).code ?? ''] ?? (e as Error).message;
      throw new DrydockError(`cannot read ${path} in the sandbox: cat: ${path}: ${why}`);
    }
  }

  async writeFile(path: string, content: string | Buffer): Promise<void> {
    if (this.closed) throw new SandboxClosedError();
    const host = this.hostPath(path);
    const inside = [this.root, ...Object.values(this.spec.paths ?? {}), '/tmp'].some(
      (d) => host === d || host.startsWith(`${d}/`),
    );
    if (!inside) throw new SandboxUnsupportedError(`write ${path}: only the workspace and /tmp are writable`);
    try {
      await mkdir(dirname(host), { recursive: true });
      await writeFile(host, content);
    } catch (e) {
      throw new DrydockError(`cannot write ${path} in the sandbox: ${(e as Error).message}`);
    }
  }

  async diff(): Promise<string> {
    const r = await this.exec(DIFF_SCRIPT, {
      maxOutputBytes: READ_LIMIT,
      timeoutMs: 120_000,
      env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' },
    });
    if (r.exitCode !== 0) {
      throw new DrydockError(
        `git diff failed in the sandbox: ${r.stderr.trim()}`,
        `the repository at ${WORKSPACE} needs git and a commit`,
      );
    }
    if (r.truncated) throw new DrydockError(`the diff is larger than ${READ_LIMIT} bytes`);
    return r.stdout;
  }

  /** n copies of the workspace, each its own HostSandbox. */
  async fork(n: number): Promise<HostSandbox[]> {
    if (this.closed) throw new SandboxClosedError();
    if (!Number.isInteger(n) || n < 1) throw new DrydockError(`fork needs a positive count, got ${n}`);
    const forks = await Promise.all(
      Array.from({ length: n }, () => HostSandbox.open({ ...this.spec, repo: this.workspace })),
    );
    return forks;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const child of this.running) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await Promise.allSettled([...this.running, ...[...this.spawned].map((p) => p.kill())]);
    await rm(this.root, { recursive: true, force: true });
  }
}
