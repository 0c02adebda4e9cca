import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { PassThrough, Writable, type Duplex } from 'node:stream';
import { DrydockError, WORKSPACE } from '../core/index.js';
import type { Sandbox } from '../sandbox/index.js';

/**
 * A long-lived process inside a sandbox whose stdin/stdout stay open: what a
 * language server needs and `Sandbox.exec` does not give (it buffers output
 * until the call ends, and kills what a call leaves running).
 *
 * Built as a dockerode exec with attached stdio on the sandbox's container
 * (`DockerSandbox.container`, public). Consequences, documented in README:
 * the process runs in the container's own cgroup (the container-wide limits
 * apply, not per-call ones) and outside the per-call accounting.
 */
export interface ServerProcess {
  readonly stdout: PassThrough;
  /**
   * The process's stdin. Writes after the process died are dropped, never an
   * error: its death is reported once, through `exited`.
   */
  readonly stdin: Writable;
  /** Pid inside the container, read from a pid file the wrapper writes. */
  readonly pidFile: string;
  /** Resolves when the process's stream ends (exit, crash, kill). */
  readonly exited: Promise<void>;
  readonly alive: boolean;
  /** Last bytes the process wrote on stderr (for error messages). */
  stderrTail(): string;
  /** SIGKILLs the process inside the sandbox and ends the stream. */
  kill(): Promise<void>;
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

export async function startServerProcess(
  sandbox: Sandbox,
  argv: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  if (!hasContainer(sandbox)) {
    throw new DrydockError(
      'language servers need a Docker sandbox with a container (long-lived exec)',
      'open the sandbox with openSandbox()',
      'LSP_NO_CONTAINER',
    );
  }
  const pidFile = `/tmp/drydock-lsp-${randomBytes(6).toString('hex')}.pid`;
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
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
    exited,
    get alive() {
      return alive;
    },
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
