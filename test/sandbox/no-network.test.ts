import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerSandbox, detectExecMode, gcSandboxes } from '../../src/sandbox/index.js';
import { NONE_NETWORK_HOSTS } from '../../src/sandbox/no-network.js';
import { docker, engineReady, removeRun, testImage, testRunId } from './helpers.js';

const ready = await engineReady();
const local = ready && (await detectExecMode(docker)).mode === 'per-call-cgroup';
const runId = testRunId('nonet');

/** The host file bound at the container's /etc/hosts, if any. */
async function hostsSource(sb: DockerSandbox): Promise<string | undefined> {
  const info = await sb.container.inspect();
  return info.Mounts.find((m) => m.Destination === '/etc/hosts')?.Source;
}

describe.skipIf(!local)(
  'a sandbox on the none network is created with the network disabled (no libnetwork hook)',
  () => {
    let sb: DockerSandbox;
    beforeAll(async () => {
      sb = await DockerSandbox.open({ image: testImage(), runId });
    });
    afterAll(async () => {
      await sb?.close();
      await removeRun(runId);
    });

    it('has only a loopback that is up, resolves localhost, and can connect to itself over it', async () => {
      const info = await sb.container.inspect();
      expect((info.Config as { NetworkDisabled?: boolean }).NetworkDisabled).toBe(true);
      const r = await sb.exec(
        'ls /sys/class/net; cat /sys/class/net/lo/flags; getent hosts localhost | head -1; ' +
          // A port nothing listens on: a routed loopback refuses at once.
          'exec 3<>/dev/tcp/127.0.0.1/9 2>&1 || echo refused',
      );
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toBe('lo');
      expect(lines[1]).toBe('0x9'); // IFF_UP | IFF_LOOPBACK
      expect(lines[2]).toMatch(/^(127\.0\.0\.1|::1)\s+localhost/);
      expect(`${r.stdout}${r.stderr}`).toMatch(/Connection refused/);
    });

    it("has a writable /etc/hosts of its own, Docker's file for the none network, removed with the sandbox", async () => {
      const source = await hostsSource(sb);
      expect(source).toBeDefined();
      expect(readFileSync(source!, 'utf8')).toBe(NONE_NETWORK_HOSTS);
      const r = await sb.exec('echo "127.0.0.1 api.test" >> /etc/hosts && getent hosts api.test');
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/127\.0\.0\.1\s+api\.test/);
      // Another sandbox does not see it.
      const other = await DockerSandbox.open({ image: testImage(), runId });
      try {
        expect((await other.exec('getent hosts api.test')).exitCode).not.toBe(0);
        const otherSource = await hostsSource(other);
        expect(otherSource).not.toBe(source);
        await other.close();
        expect(existsSync(otherSource!)).toBe(false);
      } finally {
        await other.close();
      }
    });

    it('gc removes hosts files no container binds, and keeps the ones in use', async () => {
      const source = (await hostsSource(sb))!;
      const orphan = join(dirname(source), 'hosts-0000000000000000');
      writeFileSync(orphan, NONE_NETWORK_HOSTS);
      const old = new Date(Date.now() - 3_600_000);
      utimesSync(orphan, old, old);
      utimesSync(source, old, old);
      const report = await gcSandboxes(docker, {});
      expect(report.hostsFilesRemoved).toBeGreaterThanOrEqual(1);
      expect(existsSync(orphan)).toBe(false);
      expect(existsSync(source)).toBe(true);
    });

    it('a bridge sandbox keeps the engine network set-up (it is not disabled)', async () => {
      const bridged = await DockerSandbox.open({ image: testImage(), runId, network: 'bridge' });
      try {
        const info = await bridged.container.inspect();
        expect((info.Config as { NetworkDisabled?: boolean }).NetworkDisabled ?? false).toBe(false);
        expect(await hostsSource(bridged)).toBeUndefined();
      } finally {
        await bridged.close();
      }
    });
  },
);
