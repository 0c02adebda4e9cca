import { afterAll, describe, expect, it } from 'vitest';
import { DockerSandbox, LABEL, POOL_LABEL, SandboxPool } from '../../src/sandbox/index.js';
import { docker, engineReady, removeRun, testImage, testRunId } from './helpers.js';

const ready = await engineReady();
const runId = testRunId('forkpool');

const containersOfRun = () =>
  docker.listContainers({ all: true, filters: { label: [`${LABEL.run}=${runId}`] } });
const imagesOfRun = () => docker.listImages({ filters: { label: [`${LABEL.run}=${runId}`] } });

describe.skipIf(!ready)('fork from a snapshot plus what changed since, and the warm pool', () => {
  afterAll(async () => {
    await removeRun(runId);
  });

  it('a fork after a snapshot gets every kind of change made since: new, changed, deleted, type-changed, links', async () => {
    const sb = await DockerSandbox.open({ image: testImage(), runId });
    try {
      if (sb.mode !== 'per-call-cgroup') return;
      const setup = await sb.exec(
        'mkdir -p /opt/app/dir-to-file /opt/app/gone-dir && echo keep > /opt/app/keep && echo old > /opt/app/change && ' +
          'echo x > /opt/app/gone && echo y > /opt/app/gone-dir/y && echo f > /opt/app/file-to-dir && ' +
          'echo in > /opt/app/dir-to-file/in && rm -f /etc/motd && echo ok',
      );
      expect(setup.stdout).toBe('ok\n');
      // The first fork commits (via: commit), and that image is the snapshot later forks start from.
      const first = await sb.fork(1, { via: 'commit' });
      const snapshot = (await docker.getContainer(first[0]!.id).inspect()).Image;
      await first[0]!.close();
      const changes = await sb.exec(
        'cd /opt/app && echo new > change && touch -d 2001-01-01 change && rm gone && rm -r gone-dir && ' +
          'rm file-to-dir && mkdir file-to-dir && echo inside > file-to-dir/f && rm -r dir-to-file && echo now-a-file > dir-to-file && ' +
          'ln -s keep link && chmod 600 keep && mkdir -p /root/.cache/new && echo n > /root/.cache/new/n && echo ok',
      );
      expect(changes.stdout).toBe('ok\n');
      const [fork] = await sb.fork(1);
      try {
        // Little changed since the snapshot: the fork starts from it, no new commit.
        expect((await docker.getContainer(fork!.id).inspect()).Image).toBe(snapshot);
        const listing =
          'cd /opt/app && ls -A | sort | tr "\\n" " "; echo; cat change keep file-to-dir/f dir-to-file; ' +
          'readlink link; stat -c %a keep; date -r change +%Y; cat /root/.cache/new/n; ls /etc/motd 2>&1 | grep -c "No such"';
        const want = await sb.exec(listing);
        const got = await fork!.exec(listing);
        expect(got.stdout).toBe(want.stdout);
        expect(got.stdout).toContain('change dir-to-file file-to-dir keep link \n');
        expect(got.stdout).toContain('new\nkeep\ninside\nnow-a-file\nkeep\n600\n2001\nn\n1\n');
      } finally {
        await fork!.close();
      }
      // A big change makes the next fork commit a new snapshot instead of copying it eight ways.
      await sb.exec('head -c 40000000 /dev/urandom > /opt/app/big');
      const [big] = await sb.fork(1);
      try {
        const image = (await docker.getContainer(big!.id).inspect()).Image;
        expect(image).not.toBe(snapshot);
        expect((await big!.exec('stat -c %s /opt/app/big')).stdout).toBe('40000000\n');
      } finally {
        await big!.close();
      }
    } finally {
      await sb.close();
    }
    // The snapshot images go with the last sandbox holding them.
    expect(await imagesOfRun()).toEqual([]);
  }, 300_000);

  it('a pool hands out warm sandboxes, refills, stays within its size, and close removes what it holds', async () => {
    const pool = new SandboxPool({ size: 2 });
    try {
      const spec = { image: testImage(), runId };
      pool.warm(spec, 5);
      await pool.whenWarm();
      const warm = (await containersOfRun()).filter((c) => c.Labels[POOL_LABEL] === '1');
      expect(warm).toHaveLength(2);
      const sb = await pool.open({ ...spec, limits: { timeoutMs: 30_000 } });
      try {
        expect(warm.map((c) => c.Id)).toContain(sb.id);
        expect(sb.spec.limits?.timeoutMs).toBe(30_000);
        expect((await sb.exec('echo hi')).stdout).toBe('hi\n');
        // Another spec (other environment) is not served from these.
        const other = await pool.open({ ...spec, env: { A: '1' } });
        expect(warm.map((c) => c.Id)).not.toContain(other.id);
        await other.close();
        await pool.whenWarm();
        expect((await containersOfRun()).length).toBeLessThanOrEqual(3);
      } finally {
        await sb.close();
      }
    } finally {
      await pool.close();
    }
    expect(await containersOfRun()).toEqual([]);
  }, 300_000);

  it('forks come from the pool, which then warms the next fork', async () => {
    // One warm for the next open of the parent's kind, two for the next fork.
    const pool = new SandboxPool({ size: 3 });
    const sb = await pool.open({ image: testImage(), runId });
    try {
      if (sb.mode !== 'per-call-cgroup') return;
      await sb.exec('echo one > /tmp/state');
      await pool.whenWarm();
      const forks = await sb.fork(2);
      await pool.whenWarm();
      await Promise.all(forks.map((f) => f.close()));
      await sb.exec('echo two > /tmp/state');
      const warm = (await containersOfRun()).filter((c) => c.Labels[POOL_LABEL] === '1' && c.Id !== sb.id);
      const next = await sb.fork(2);
      try {
        for (const f of next) {
          expect(warm.map((c) => c.Id)).toContain(f.id);
          expect((await f.exec('cat /tmp/state')).stdout).toBe('two\n');
        }
      } finally {
        await Promise.all(next.map((f) => f.close()));
      }
    } finally {
      await sb.close();
      await pool.close();
    }
    expect(await containersOfRun()).toEqual([]);
  }, 300_000);
});
