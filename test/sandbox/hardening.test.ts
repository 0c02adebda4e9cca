import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerSandbox } from '../../src/sandbox/index.js';
import { docker, engineReady, removeRun, testImage, testRunId } from './helpers.js';

const ready = await engineReady();
const runId = testRunId('hard');

// Linux capability numbers (include/uapi/linux/capability.h).
const CAP = { NET_RAW: 13, SYS_MODULE: 16, SYS_ADMIN: 21, MKNOD: 27 };

function hasCap(capEffHex: string, bit: number): boolean {
  return ((BigInt(`0x${capEffHex}`) >> BigInt(bit)) & 1n) === 1n;
}

describe.skipIf(!ready)('escape attempts from inside a sandbox', () => {
  let sb: DockerSandbox;
  const fakeKey = 'sk-drydock-test-not-a-real-key';
  let savedKey: string | undefined;
  beforeAll(async () => {
    savedKey = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = fakeKey;
    sb = await DockerSandbox.open({ image: testImage(), runId });
  });
  afterAll(async () => {
    if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = savedKey;
    await sb?.close();
    await removeRun(runId);
  });

  it('cannot mount a filesystem', async () => {
    const r = await sb.exec('mkdir -p /mnt/x && mount -t tmpfs none /mnt/x');
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/permission denied|not permitted/i);
    expect(r.killedBy).toBeNull();
  });

  it('cannot reach the Docker socket', async () => {
    const r = await sb.exec(
      'for s in /var/run/docker.sock /run/docker.sock; do [ -e "$s" ] && echo "found $s"; done; ' +
        'grep -c docker.sock /proc/mounts',
    );
    expect(r.stdout).not.toMatch(/found/);
    expect(r.stdout.trim()).toBe('0');
  });

  it('cannot load kernel modules, mount, make raw sockets or devices, and runs without new privileges under seccomp', async () => {
    const r = await sb.exec('grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status');
    const field = (k: string) => new RegExp(`^${k}:\\s*(\\S+)`, 'm').exec(r.stdout)?.[1] ?? '';
    const capEff = field('CapEff');
    expect(capEff).toMatch(/^[0-9a-f]+$/);
    for (const bit of Object.values(CAP)) expect(hasCap(capEff, bit)).toBe(false);
    expect(field('NoNewPrivs')).toBe('1');
    expect(field('Seccomp')).toBe('2');
    const mod = await sb.exec('echo 1 > /proc/sys/kernel/modules_disabled');
    expect(mod.exitCode).not.toBe(0);
    const info = await docker.getContainer(sb.id).inspect();
    expect(info.HostConfig.Privileged).toBe(false);
    expect(info.HostConfig.Binds ?? []).toEqual([]);
  });

  it('has no network interface but loopback with network none', async () => {
    const r = await sb.exec('ls /sys/class/net');
    expect(r.stdout.trim()).toBe('lo');
  });

  it('gets a network interface with network bridge', async () => {
    const bridged = await DockerSandbox.open({ image: testImage(), runId, network: 'bridge' });
    try {
      expect((await bridged.exec('ls /sys/class/net')).stdout.split('\n')).toContain('eth0');
    } finally {
      await bridged.close();
    }
  });

  it("does not see drydock's own environment", async () => {
    expect(process.env.OPENAI_API_KEY).toBe(fakeKey);
    const r = await sb.exec('env; tr "\\0" "\\n" < /proc/1/environ');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('PATH=');
    expect(r.stdout).not.toContain(fakeKey);
    expect(r.stdout).not.toContain('OPENAI_API_KEY');
  });

  it('cannot write the host cgroup tree to leave its call cgroup', async () => {
    const r = await sb.exec('echo $$ > /sys/fs/cgroup/pids/cgroup.procs');
    expect(r.exitCode).not.toBe(0);
  });
});
