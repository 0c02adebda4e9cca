import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { PassThrough, Transform, Writable, type TransformCallback } from 'node:stream';
import { WORKSPACE } from '../core/index.js';
import type { HostSandbox } from '../sandbox/index.js';
import type { ServerProcess } from './server-process.js';

const STDERR_KEEP = 8192;
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * LSP messages (`Content-Length` framing) with their JSON bodies rewritten, each re-framed
 * with its new length. What is not framed as LSP passes through unchanged.
 */
class RewriteFrames extends Transform {
  private buf = Buffer.alloc(0);
  constructor(private readonly rewrite: (body: string) => string) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      const end = this.buf.indexOf(HEADER_END);
      if (end < 0) break;
      const length = /Content-Length:\s*(\d+)/i.exec(this.buf.subarray(0, end).toString('ascii'));
      if (!length) {
        this.push(this.buf);
        this.buf = Buffer.alloc(0);
        break;
      }
      const start = end + HEADER_END.length;
      const size = Number(length[1]);
      if (this.buf.length < start + size) break;
      const body = Buffer.from(this.rewrite(this.buf.subarray(start, start + size).toString('utf8')));
      this.push(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
      this.buf = this.buf.subarray(start + size);
    }
    cb();
  }
}

/**
 * A language server as a host child process of a `HostSandbox` (tests only, like the sandbox:
 * no isolation, no limits). The server sees host paths: `file:///testbed/…` URIs and
 * `/testbed` paths in what the client sends are rewritten to the sandbox's host directory,
 * and back in what the server answers, so the client sees the same paths as in a container.
 * The server runs in a process group of its own; `kill` ends the group.
 */
export function startHostServerProcess(
  sandbox: HostSandbox,
  argv: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): ServerProcess {
  const startedAt = new Date();
  const pidFile = `/tmp/drydock-lsp-${randomBytes(6).toString('hex')}.pid`;
  const sandboxUri = `file://${WORKSPACE}`;
  const hostUri = `file://${sandbox.workspace}`;
  const quoted = argv.map((a) => `'${sandbox.toHost(a).replace(/'/g, `'\\''`)}'`).join(' ');
  const child = execa('sh', ['-c', `echo $$ > ${pidFile}; exec ${quoted}`], {
    cwd: sandbox.toHost(opts.cwd ?? WORKSPACE),
    env: sandbox.environment(opts.env ?? {}),
    extendEnv: false,
    detached: true,
    buffer: false,
    reject: false,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const toServer = new RewriteFrames((b) => sandbox.toHost(b.split(sandboxUri).join(hostUri)));
  const fromServer = new RewriteFrames((b) => sandbox.toSandbox(b.split(hostUri).join(sandboxUri)));
  const stdout = new PassThrough();
  child.stdout!.pipe(fromServer).pipe(stdout);
  child.stdin!.on('error', () => undefined);
  toServer.pipe(child.stdin!);
  let errTail = '';
  child.stderr!.on('data', (d: Buffer) => {
    errTail = (errTail + d.toString('utf8')).slice(-STDERR_KEEP);
  });
  let alive = true;
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  };
  const exited = child.then(() => {
    alive = false;
    killGroup();
    rmSync(pidFile, { force: true });
    stdout.end();
  });
  // Writes after the process died are dropped, as the container version does.
  const stdin = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (!alive) return cb();
      toServer.write(chunk, () => cb());
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
    stderrTail: () => errTail,
    async kill() {
      killGroup();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    },
  };
}
