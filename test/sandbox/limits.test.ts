import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerSandbox, detectCgroupHost } from '../../src/sandbox/index.js';
import { MB, engineReady, removeRun, testImage, testRunId } from './helpers.js';

const ready = await engineReady();
const runId = testRunId('limits');

describe.skipIf(!ready)('per-call limits against the real engine', () => {
  let sb: DockerSandbox;
  beforeAll(async () => {
    sb = await DockerSandbox.open({ image: testImage(), runId });
  });
  afterAll(async () => {
    await sb?.close();
    await removeRun(runId);
  });

  it('uses per-call cgroups where the host cgroupfs is writable and drydock is root', () => {
    const host = detectCgroupHost();
    const expected = host.writable && process.getuid?.() === 0 ? 'per-call-cgroup' : 'container-update';
    expect(sb.mode).toBe(expected);
    expect(sb.modeReason.length).toBeGreaterThan(10);
  });

  it('kills a 2 GB allocation under a 256 MB limit as oom, and the next call works', async () => {
    const r = await sb.exec('dd if=/dev/zero of=/dev/null bs=2G count=1', { memoryBytes: 256 * MB });
    expect(r.killedBy).toBe('oom');
    expect(r.exitCode).not.toBe(0);
    expect(r.peakMemoryBytes).toBeLessThanOrEqual(256 * MB);
    const next = await sb.exec('echo still here');
    expect(next.exitCode).toBe(0);
    expect(next.stdout).toBe('still here\n');
    expect(next.killedBy).toBeNull();
  });

  it('contains a fork bomb under pids 128, reports it, and the sandbox survives', async () => {
    // The sandbox's own processes (init, runner, its slots' managers and waiting workers) first.
    const count = 'n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo $n';
    const idle = Number((await sb.exec(count)).stdout);
    expect(idle).toBeGreaterThan(0);
    const r = await sb.exec('bomb() { bomb | bomb & }; bomb; sleep 20', { pids: 128, timeoutMs: 30_000 });
    expect(r.killedBy).toBe('pids');
    expect(r.exitCode).not.toBe(0);
    expect(r.wallMs).toBeLessThan(20_000);
    // None of the bomb's 128 left (a few of its zombies may still wait for init to reap them:
    // on a loaded machine 26 were counted right after, against 12 idle, so it is polled).
    let left = await sb.exec(count);
    for (let i = 0; i < 50 && Number(left.stdout) >= idle + 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await sb.exec(count);
    }
    expect(Number(left.stdout)).toBeLessThan(idle + 4);
    expect(left.killedBy).toBeNull();
  });

  it('caps 10 s of `yes` at 1 MB, keeping head and tail, with drydock under 200 MB RSS', async () => {
    let peakRss = process.memoryUsage().rss;
    const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const r = await sb.exec('timeout 10 yes', { maxOutputBytes: MB, timeoutMs: 30_000 });
    clearInterval(timer);
    expect(r.truncated).toBe(true);
    expect(r.stdoutBytesCut).toBeGreaterThan(10 * MB);
    expect(r.stdout.startsWith('y\ny\ny\n')).toBe(true);
    expect(r.stdout.endsWith('y\ny\n')).toBe(true);
    expect(r.stdout).toContain(`cut ${r.stdoutBytesCut} bytes`);
    expect(r.stdout.length).toBeLessThan(MB + 200);
    expect(peakRss).toBeLessThan(200 * MB);
  });

  it('times out `sleep 1000` at 2 s, kills its whole tree and nothing else', async () => {
    const other = sb.exec('sleep 4; echo alive', { timeoutMs: 20_000 });
    other.catch(() => undefined); // settled below; a failed assertion before that must not leave it unhandled
    const r = await sb.exec('setsid sleep 1000 & sleep 1000', { timeoutMs: 2000 });
    expect(r.killedBy).toBe('timeout');
    expect(r.wallMs).toBeLessThan(10_000); // the timeout, not the 1000 s sleep, ended it (a loaded CI machine fires timers late)
    // Killed processes its parent has not reaped yet (state Z: dead, waiting for the container's
    // init, which a loaded machine schedules late) are not running; the check after `other` ends
    // finds none at all.
    const ps = await sb.exec(
      'for p in /proc/[0-9]*; do read -r c < $p/comm && read -r st < $p/stat && st=${st##*) } && [ "${st%% *}" != Z ] && echo "$c"; done',
    );
    expect(ps.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(0); // the filter reads (its own shell runs)
    expect(ps.stdout.split('\n').filter((c) => c === 'sleep').length).toBeLessThanOrEqual(1);
    const o = await other;
    expect(o.stdout).toBe('alive\n');
    expect(o.killedBy).toBeNull();
    const after = await sb.exec('for p in /proc/[0-9]*; do read -r c < $p/comm && echo "$c"; done');
    expect(after.stdout.split('\n')).not.toContain('sleep');
  });

  it('measures peak memory per call: 100 MB allocation vs `true`', async () => {
    const big = await sb.exec('dd if=/dev/zero of=/dev/null bs=100M count=1');
    expect(big.exitCode).toBe(0);
    expect(big.peakMemoryBytes).toBeGreaterThanOrEqual(100 * MB);
    expect(big.peakMemoryBytes).toBeLessThan(200 * MB);
    const small = await sb.exec('true');
    expect(small.peakMemoryBytes).toBeLessThan(10 * MB);
    expect(big.cpuMs).toBeGreaterThan(small.cpuMs);
  });

  it('runs concurrent calls in one sandbox, each with its own output and accounting', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => sb.exec(`sleep 0.$((RANDOM % 3)); echo call-${i}; echo e${i} >&2`)),
    );
    results.forEach((r, i) => {
      expect(r.stdout).toBe(`call-${i}\n`);
      expect(r.stderr).toBe(`e${i}\n`);
      expect(r.exitCode).toBe(0);
    });
  });

  it('passes stdin, cwd and per-call environment, and returns exit codes', async () => {
    const r = await sb.exec('cat; echo "$X"; pwd; exit 7', { stdin: 'in\n', cwd: '/tmp', env: { X: 'y' } });
    expect(r.stdout).toBe('in\ny\n/tmp\n');
    expect(r.exitCode).toBe(7);
  });
});

describe.skipIf(!ready)('workspace size limit', () => {
  it('fills a 32 MB workspace with a clear error, and the sandbox survives', async () => {
    const sb = await DockerSandbox.open({ image: testImage(), runId, workspaceBytes: 32 * MB });
    try {
      const r = await sb.exec('dd if=/dev/zero of=/testbed/fill bs=1M count=64');
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toMatch(/No space left on device/);
      const next = await sb.exec('rm /testbed/fill && echo ok');
      expect(next.stdout).toBe('ok\n');
    } finally {
      await sb.close();
    }
  });
});
