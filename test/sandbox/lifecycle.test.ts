import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { DockerSandbox, SandboxGoneError, gcSandboxes, LABEL } from '../../src/sandbox/index.js';
import { MB, docker, engineReady, removeRun, testImage, testRunId } from './helpers.js';

const ready = await engineReady();
const runId = testRunId('life');

async function containerExists(id: string): Promise<boolean> {
  try {
    await docker.getContainer(id).inspect();
    return true;
  } catch {
    return false;
  }
}

/** A separate drydock process that opens a sandbox, prints its container id and hangs. */
function spawnHangingSandbox(): ChildProcessByStdio<null, Readable, null> {
  const fixture = fileURLToPath(new URL('../fixtures/sandbox/open-and-hang.ts', import.meta.url));
  return spawn(process.execPath, ['--import', 'tsx', fixture, testImage(), runId], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function containerIdOf(child: ChildProcessByStdio<null, Readable, null>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
  });
}

describe.skipIf(!ready)('sandbox lifecycle against the real engine', () => {
  afterAll(async () => {
    await removeRun(runId);
  });

  it('copies the repository in, reads, writes and diffs with git, and never touches the host copy', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'drydock-repo-'));
    writeFileSync(join(repo, 'a.txt'), 'one\n');
    const sb = await DockerSandbox.open({ image: testImage(), runId, repo });
    try {
      const init = await sb.exec(
        'git init -q && git add -A && git -c user.email=t@t -c user.name=t commit -qm base && echo done',
      );
      expect(init.stdout).toBe('done\n');
      expect(await sb.readFile('/testbed/a.txt')).toBe('one\n');
      await sb.writeFile('/testbed/a.txt', 'two\n');
      await sb.writeFile('/testbed/sub/new.txt', 'new\n');
      const diff = await sb.diff();
      expect(diff).toContain('-one\n+two');
      expect(diff).toContain('sub/new.txt');
      const staged = await sb.exec('git diff --cached --name-only');
      expect(staged.stdout).toBe('');
      const big = 'x'.repeat(3 * 1024 * 1024 - 1) + '\n';
      await sb.writeFile('/tmp/big.txt', big);
      expect(await sb.readFile('/tmp/big.txt')).toBe(big);
      await expect(sb.readFile('/testbed/missing')).rejects.toThrow(/cannot read/);
    } finally {
      await sb.close();
    }
    const { readFileSync, existsSync } = await import('node:fs');
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('one\n');
    expect(existsSync(join(repo, '.git'))).toBe(false);
    rmSync(repo, { recursive: true, force: true });
  });

  it('forks sandboxes with the same files, independent afterwards, and close removes them', async () => {
    const sb = await DockerSandbox.open({ image: testImage(), runId });
    const forks = await sb.fork(2);
    try {
      await sb.writeFile('/opt/late.txt', 'after fork\n');
      const [a, b] = forks as [DockerSandbox, DockerSandbox];
      await a.exec('echo from-a > /opt/mine.txt');
      expect((await b.exec('cat /opt/mine.txt')).exitCode).not.toBe(0);
      expect((await a.exec('cat /opt/late.txt')).exitCode).not.toBe(0);
      expect(a.mode).toBe(sb.mode);
    } finally {
      await Promise.all(forks.map((f) => f.close()));
      await sb.close();
    }
    for (const s of [sb, ...forks]) expect(await containerExists(s.id)).toBe(false);
    const images = await docker.listImages({ filters: { label: [`${LABEL.run}=${runId}`] } });
    expect(images).toEqual([]);
  });

  it('forks carry a tmpfs workspace over', async () => {
    const sb = await DockerSandbox.open({ image: testImage(), runId, workspaceBytes: 16 * MB });
    const [f] = await sb.fork(1);
    try {
      expect(f).toBeDefined();
      await sb.exec('echo x > /testbed/before');
      expect((await f!.exec('ls /testbed')).stdout).toBe('');
      const [g] = await sb.fork(1);
      expect((await g!.exec('cat /testbed/before')).stdout).toBe('x\n');
      await g!.close();
    } finally {
      await f?.close();
      await sb.close();
    }
  });

  it('gives a typed error, not a hang, when the container is killed mid-call', async () => {
    const sb = await DockerSandbox.open({ image: testImage(), runId });
    try {
      const call = sb.exec('sleep 60', { timeoutMs: 120_000 }).then(
        () => null,
        (err: unknown) => err,
      );
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      await docker.getContainer(sb.id).kill();
      expect(await call).toBeInstanceOf(SandboxGoneError);
      expect(Date.now() - started).toBeLessThan(10_000);
      await expect(sb.exec('true')).rejects.toBeInstanceOf(SandboxGoneError);
    } finally {
      await sb.close();
    }
  });

  it('calls started while the container dies (stdin fifos opened through /proc/PID/root) all settle typed', async () => {
    // The engine marks a killed container stopped a moment after its processes are gone: a call
    // set up in that moment meets a missing /proc/PID/root (ENOENT), not a closed runner. Each
    // call that fails must still say SANDBOX_GONE, or the agent cannot rebuild its sandbox.
    const untyped: string[] = [];
    for (let round = 0; round < 4; round++) {
      const sb = await DockerSandbox.open({ image: testImage(), runId });
      try {
        const calls: Promise<unknown>[] = [];
        let killed = false;
        const killing = new Promise((r) => setTimeout(r, 150 + round * 40)).then(async () => {
          await docker.getContainer(sb.id).kill();
          killed = true;
        });
        while (!killed) {
          calls.push(
            sb.exec('cat', { stdin: 'x' }).then(
              () => null,
              (err: unknown) => err,
            ),
          );
          await new Promise((r) => setTimeout(r, 2));
        }
        await killing;
        for (let i = 0; i < 8; i++)
          calls.push(
            sb.exec('cat', { stdin: 'x' }).then(
              () => null,
              (err: unknown) => err,
            ),
          );
        for (const err of await Promise.all(calls)) {
          if (err !== null && !(err instanceof SandboxGoneError)) untyped.push(String(err));
        }
      } finally {
        await sb.close();
      }
    }
    expect(untyped).toEqual([]);
  }, 120_000);

  it('`gc` removes what a SIGKILLed drydock left, and keeps what live runs own', async () => {
    const live = await DockerSandbox.open({ image: testImage(), runId });
    const child = spawnHangingSandbox();
    try {
      const id = await containerIdOf(child);
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const report = await gcSandboxes(docker, { runId });
      expect(report.containersRemoved).toContain(id.slice(0, 12));
      expect(await containerExists(id)).toBe(false);
      expect(await containerExists(live.id)).toBe(true);
      expect((await live.exec('echo ok')).stdout).toBe('ok\n');
    } finally {
      child.kill('SIGKILL');
      await live.close();
    }
  });
});

describe.skipIf(!ready)('signals', () => {
  // SIGHUP is what a closed terminal sends, e.g. while a run waits for an approval.
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('closes open sandboxes on %s', async (signal, code) => {
    const child = spawnHangingSandbox();
    try {
      const id = await containerIdOf(child);
      expect(await containerExists(id)).toBe(true);
      const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(await containerExists(id)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe.skipIf(!ready)('container-update fallback mode', () => {
  it('enforces memory and time limits through the Docker API and says so', async () => {
    const sb = await DockerSandbox.open({ image: testImage(), runId, mode: 'container-update' });
    try {
      expect(sb.mode).toBe('container-update');
      const oom = await sb.exec('dd if=/dev/zero of=/dev/null bs=1G count=1', { memoryBytes: 128 * MB });
      expect(oom.mode).toBe('container-update');
      expect(oom.killedBy).toBe('oom');
      const ok = await sb.exec('echo fine; echo err >&2', { memoryBytes: 128 * MB });
      expect(ok).toMatchObject({ stdout: 'fine\n', stderr: 'err\n', exitCode: 0, killedBy: null });
      const slow = await sb.exec('sleep 1000 & sleep 1000', { timeoutMs: 1500 });
      expect(slow.killedBy).toBe('timeout');
      expect(slow.wallMs).toBeLessThan(5000);
      const ps = await sb.exec('for p in /proc/[0-9]*; do read -r c < $p/comm && echo "$c"; done');
      expect(ps.stdout.split('\n')).not.toContain('sleep');
      const info = await docker.getContainer(sb.id).inspect();
      expect(info.HostConfig.Memory).toBe(DEFAULT_MEMORY_AFTER_LAST_CALL);
    } finally {
      await sb.close();
    }
  });
});

describe.skipIf(!ready)('container-update fallback mode, container killed', () => {
  it('gives a typed error when the container is killed mid-call', async () => {
    const sb = await DockerSandbox.open({ image: testImage(), runId, mode: 'container-update' });
    try {
      const call = sb.exec('sleep 60', { timeoutMs: 120_000 }).then(
        () => null,
        (err: unknown) => err,
      );
      await new Promise((r) => setTimeout(r, 500));
      await docker.getContainer(sb.id).kill();
      expect(await call).toBeInstanceOf(SandboxGoneError);
    } finally {
      await sb.close();
    }
  });
});

const DEFAULT_MEMORY_AFTER_LAST_CALL = 1024 * MB;
