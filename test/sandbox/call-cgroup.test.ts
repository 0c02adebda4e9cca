import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CallCgroup,
  cgroupOfPid,
  prepareContainerCgroup,
  V2_RUNNER_LEAF,
} from '../../src/sandbox/call-cgroup.js';
import { encodeRequest } from '../../src/sandbox/runner-script.js';

// A fake /proc and cgroupfs in a temp dir: the v2 paths cannot be exercised on a v1 host otherwise.
const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'drydock-cg-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fakeProc(root: string, cgroupLines: string, mountLines: string[]): string {
  const proc = join(root, 'proc');
  mkdirSync(join(proc, '42'), { recursive: true });
  mkdirSync(join(proc, 'self'), { recursive: true });
  writeFileSync(join(proc, '42', 'cgroup'), cgroupLines);
  writeFileSync(join(proc, 'self', 'mountinfo'), mountLines.join('\n'));
  return proc;
}

describe('cgroupOfPid', () => {
  it('finds v1 controllers on separate and co-mounted hierarchies', () => {
    const root = tmp();
    const proc = fakeProc(
      root,
      '8:pids:/docker/abc\n4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n0::/\n',
      [
        `30 25 0:26 / ${root}/cg/memory rw - cgroup cgroup rw,memory`,
        `31 25 0:27 / ${root}/cg/pids rw - cgroup cgroup rw,pids`,
        `32 25 0:28 / ${root}/cg/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct`,
      ],
    );
    expect(cgroupOfPid(42, proc)).toEqual({
      version: 1,
      memory: `${root}/cg/memory/docker/abc`,
      pids: `${root}/cg/pids/docker/abc`,
      cpu: `${root}/cg/cpu,cpuacct/docker/abc`,
      cpuacct: `${root}/cg/cpu,cpuacct/docker/abc`,
    });
  });

  it('finds the v2 directory of a systemd-driver container', () => {
    const root = tmp();
    const dir = `${root}/cg2/system.slice/docker-abc.scope`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cgroup.controllers'), 'cpu memory pids');
    const proc = fakeProc(root, '0::/system.slice/docker-abc.scope\n', [
      `30 25 0:26 / ${root}/cg2 rw - cgroup2 cgroup2 rw`,
    ]);
    expect(cgroupOfPid(42, proc)).toEqual({ version: 2, dir });
  });

  it('refuses when no usable hierarchy exists', () => {
    const root = tmp();
    const proc = fakeProc(root, '0::/x\n', []);
    expect(() => cgroupOfPid(42, proc)).toThrow(/no memory, pids and cpu cgroups/);
  });
});

describe('v2 call cgroups', () => {
  it('moves the container processes into a leaf before delegating controllers', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'cgroup.procs'), '123\n');
    writeFileSync(join(dir, 'cgroup.subtree_control'), 'pids');
    prepareContainerCgroup({ version: 2, dir });
    expect(readFileSync(join(dir, 'cgroup.subtree_control'), 'utf8')).toBe('+memory +cpu');
    expect(readFileSync(join(dir, V2_RUNNER_LEAF, 'cgroup.procs'), 'utf8')).toBe('123');
  });

  it('sets memory, swap, pids and cpu limits and reads usage counters', () => {
    const dir = tmp();
    const cg = new CallCgroup({ version: 2, dir }, 'drydock-call-x');
    cg.create({ memoryBytes: 256 * 1024 * 1024, cpus: 1.5, pids: 64 });
    const d = join(dir, 'drydock-call-x');
    expect(readFileSync(join(d, 'memory.max'), 'utf8')).toBe(String(256 * 1024 * 1024));
    expect(readFileSync(join(d, 'memory.swap.max'), 'utf8')).toBe('0');
    expect(readFileSync(join(d, 'pids.max'), 'utf8')).toBe('64');
    expect(readFileSync(join(d, 'cpu.max'), 'utf8')).toBe('150000 100000');
    writeFileSync(join(d, 'cpu.stat'), 'usage_usec 2500\nuser_usec 2000\n');
    writeFileSync(join(d, 'memory.peak'), '1048576\n');
    writeFileSync(join(d, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n');
    writeFileSync(join(d, 'pids.events'), 'max 0\n');
    expect(cg.usage()).toEqual({ cpuMs: 2.5, peakMemoryBytes: 1048576, oomKills: 1, pidsLimitHits: 0 });
    expect(cg.pidsLimitHit()).toBe(false);
  });
});

describe('runner requests', () => {
  it('encodes NUL-separated fields after the worker header and refuses NUL inside them', () => {
    const buf = encodeRequest({
      gen: 7,
      n: 2,
      input: false,
      keep: true,
      cwd: '/testbed',
      env: { A: '1' },
      command: 'echo "$A"',
    });
    expect(buf.toString().split('\0')).toEqual([
      '\x01drydock 7.2',
      '0',
      '1',
      '/testbed',
      '1',
      'A=1',
      'echo "$A"',
      '',
    ]);
    expect(() =>
      encodeRequest({ gen: 0, n: 0, input: false, keep: false, cwd: '/', env: {}, command: 'a\0b' }),
    ).toThrow(/NUL/);
  });
});
