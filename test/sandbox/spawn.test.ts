import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DockerSandbox,
  HostSandbox,
  SandboxClosedError,
  SandboxUnsupportedError,
} from '../../src/sandbox/index.js';
import { busyboxImage, hostBusybox } from './foreign-images.js';
import { MB, engineReady, removeRun, testImage, testRunId } from './helpers.js';

const engine = await engineReady();
const runId = testRunId('spawn');

afterAll(async () => {
  if (engine) await removeRun(runId);
});

/** Reads a stream until `text` has appeared (leaves the stream open for more). */
function readUntil(stream: Readable, text: string, ms = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const done = (err?: Error): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.pause();
      if (err) reject(err);
      else resolve(seen);
    };
    const onData = (c: Buffer): void => {
      seen += c.toString('utf8');
      if (seen.includes(text)) done();
    };
    const onEnd = (): void => done(new Error(`the stream ended without "${text}": ${seen}`));
    const timer = setTimeout(() => done(new Error(`no "${text}" within ${ms} ms: ${seen}`)), ms);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.resume();
  });
}

describe.skipIf(!engine)('DockerSandbox.spawn: a long-lived process under its own cgroup', () => {
  it('streams stdin/stdout/stderr, reports its own usage, and ends on EOF', async () => {
    const sb = await DockerSandbox.open({ image: testImage(), runId });
    try {
      const p = await sb.spawn(['bash', '-c', 'echo up >&2; while IFS= read -r l; do echo "got:$l"; done'], {
        memoryBytes: 64 * MB,
      });
      expect(p.alive).toBe(true);
      expect(await readUntil(p.stderr, 'up')).toContain('up');
      // Calls run while the process lives, and do not end it.
      expect((await sb.exec('echo call')).stdout).toBe('call\n');
      p.stdin.write('one\n');
      expect(await readUntil(p.stdout, 'got:one')).toContain('got:one');
      p.stdin.write('two\n');
      expect(await readUntil(p.stdout, 'got:two')).toContain('got:two');
      p.stdin.end();
      const exit = await p.exited;
      expect(exit).toMatchObject({ exitCode: 0, killedBy: null, sandboxEnded: null });
      expect(exit.peakMemoryBytes).toBeGreaterThan(0);
      expect(exit.peakMemoryBytes).toBeLessThanOrEqual(64 * MB);
      expect(p.alive).toBe(false);
    } finally {
      await sb.close();
    }
  }, 30_000);

  it('a process that allocates past its own memory limit is killed and reported; the sandbox and its calls survive', async () => {
    const sb = await DockerSandbox.open({ image: testImage(), runId });
    try {
      const bystander = sb.exec('sleep 2; echo still-here', { timeoutMs: 20_000 });
      // Waits for a line, then allocates a 512 MiB buffer under a 96 MiB limit.
      const p = await sb.spawn('read -r go; dd if=/dev/zero of=/dev/null bs=512M count=1', {
        memoryBytes: 96 * MB,
      });
      p.stdin.write('go\n');
      const exit = await p.exited;
      expect(exit.killedBy).toBe('oom');
      expect(exit.exitCode).toBe(137);
      expect(exit.sandboxEnded).toBeNull();
      expect((await bystander).stdout).toBe('still-here\n');
      const next = await sb.exec('echo next');
      expect(next).toMatchObject({ stdout: 'next\n', exitCode: 0, killedBy: null });
    } finally {
      await sb.close();
    }
  }, 40_000);

  it('kill() ends it and what it started; a pids limit of its own holds', async () => {
    const sb = await DockerSandbox.open({ image: testImage(), runId });
    try {
      const p = await sb.spawn('sleep 300 & sleep 300 & echo started; wait', { pids: 8 });
      await readUntil(p.stdout, 'started');
      const exit = await p.kill();
      expect(exit.exitCode).toBe(137);
      // Dead, at most a zombie its new parent (Docker's init) has not reaped yet.
      const ps = await sb.exec(
        'for q in /proc/[0-9]*; do read -r c < $q/comm && read -r _ _ s _ < $q/stat && [ "$s" != Z ] && echo "$c"; done',
      );
      expect(ps.stdout.split('\n')).not.toContain('sleep');
      const bomb = await sb.spawn('for i in $(seq 50); do sleep 30 & done; wait', { pids: 8 });
      expect((await bomb.exited).killedBy).toBe('pids');
    } finally {
      await sb.close();
    }
  }, 40_000);

  it('dies with its sandbox: exited settles, saying the sandbox closed', async () => {
    const sb = await DockerSandbox.open({ image: testImage(), runId });
    const p = await sb.spawn(['sleep', '300']);
    await sb.close();
    const exit = await p.exited;
    expect(exit.exitCode).toBe(-1);
    expect(exit.sandboxEnded).toBe(new SandboxClosedError().message);
    await expect(sb.spawn(['true'])).rejects.toBeInstanceOf(SandboxClosedError);
  }, 30_000);

  it('refuses in container-update mode (the limits belong to the whole container there)', async () => {
    const sb = await DockerSandbox.open({ image: testImage(), runId, mode: 'container-update' });
    try {
      await expect(sb.spawn(['true'])).rejects.toMatchObject({ code: 'SANDBOX_UNSUPPORTED' });
    } finally {
      await sb.close();
    }
  }, 30_000);

  it.skipIf(!hostBusybox())(
    'works the same in an image whose only shell is busybox sh',
    async () => {
      const image = await busyboxImage(runId);
      const sb = await DockerSandbox.open({ image, runId });
      try {
        const p = await sb.spawn('read -r l; echo "got:$l"', { memoryBytes: 32 * MB });
        p.stdin.write('x\n');
        expect(await readUntil(p.stdout, 'got:x')).toContain('got:x');
        expect((await p.exited).exitCode).toBe(0);
        const oom = await sb.spawn('dd if=/dev/zero of=/dev/null bs=256M count=1', { memoryBytes: 32 * MB });
        expect((await oom.exited).killedBy).toBe('oom');
        expect((await sb.exec('echo ok')).stdout).toBe('ok\n');
      } finally {
        await sb.close();
      }
    },
    60_000,
  );
});

describe('HostSandbox.spawn (tests only: no limits)', () => {
  it('streams, ends on EOF, refuses limits, and is killed by close()', async () => {
    const sb = await HostSandbox.open();
    try {
      await expect(sb.spawn(['cat'], { memoryBytes: MB })).rejects.toBeInstanceOf(SandboxUnsupportedError);
      const p = await sb.spawn(['cat']);
      p.stdin.write('hello\n');
      expect(await readUntil(p.stdout, 'hello')).toBe('hello\n');
      p.stdin.end();
      expect((await p.exited).exitCode).toBe(0);
      const q = await sb.spawn('sleep 300');
      const [exit] = await Promise.all([q.exited, sb.close()]);
      expect(exit.sandboxEnded).toBe(new SandboxClosedError().message);
    } finally {
      await sb.close();
    }
  });
});
