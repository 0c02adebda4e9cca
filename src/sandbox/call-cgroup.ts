import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  write,
  writeFileSync,
} from 'node:fs';
import { mkdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where a container's cgroups are on the host. v1 has one directory per controller
 * (cpu and cpuacct may share one); v2 has one directory.
 */
export type ContainerCgroup =
  { version: 1; memory: string; pids: string; cpu: string; cpuacct: string } | { version: 2; dir: string };

export interface CallUsage {
  cpuMs: number;
  peakMemoryBytes: number;
  oomKills: number;
  pidsLimitHits: number;
}

export interface CallLimits {
  memoryBytes: number;
  cpus: number;
  pids: number;
}

interface MountEntry {
  point: string;
  root: string;
  fstype: string;
  superOptions: string[];
}

function readMounts(mountinfo = '/proc/self/mountinfo'): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of readFileSync(mountinfo, 'utf8').split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    const [fstype, , superOpts] = right;
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    out.push({
      root: left[3] ?? '/',
      point: (left[4] ?? '').replace(/\\040/g, ' '),
      fstype,
      superOptions: (superOpts ?? '').split(','),
    });
  }
  return out;
}

function under(mount: MountEntry, path: string): string {
  const rel = mount.root !== '/' && path.startsWith(mount.root) ? path.slice(mount.root.length) : path;
  return join(mount.point, rel);
}

/**
 * Finds the cgroup directories of a process on this host from /proc/<pid>/cgroup
 * and the mount table, rather than assuming Docker's layout (cgroupfs vs systemd
 * driver, /docker/<id> vs system.slice/docker-<id>.scope).
 */
export function cgroupOfPid(hostPid: number, procRoot = '/proc'): ContainerCgroup {
  const lines = readFileSync(`${procRoot}/${hostPid}/cgroup`, 'utf8').trim().split('\n');
  const mounts = readMounts(`${procRoot}/self/mountinfo`);
  const v1: Record<string, string> = {};
  let v2Path: string | null = null;
  for (const line of lines) {
    const [, ctrls = '', ...rest] = line.split(':');
    const path = rest.join(':');
    if (ctrls === '') {
      v2Path = path;
      continue;
    }
    const names = ctrls.split(',');
    const mount = mounts.find((m) => m.fstype === 'cgroup' && names.every((n) => m.superOptions.includes(n)));
    if (!mount) continue;
    for (const n of names) v1[n] = under(mount, path);
  }
  if (v1.memory && v1.pids && v1.cpu && v1.cpuacct) {
    return { version: 1, memory: v1.memory, pids: v1.pids, cpu: v1.cpu, cpuacct: v1.cpuacct };
  }
  const unified = mounts.find((m) => m.fstype === 'cgroup2');
  if (v2Path !== null && unified) {
    const dir = under(unified, v2Path);
    if (existsSync(join(dir, 'cgroup.controllers'))) return { version: 2, dir };
  }
  throw new Error(`no memory, pids and cpu cgroups found for pid ${hostPid}`);
}

/** The leaf a v2 container's own processes move to, so its cgroup may delegate controllers. */
export const V2_RUNNER_LEAF = 'drydock-runner';

/**
 * v2 forbids enabling controllers for children of a cgroup that has processes of
 * its own ("no internal processes"), so the container's processes move into a leaf
 * first; then the container's cgroup can hand memory, pids and cpu to call cgroups.
 */
export function prepareContainerCgroup(cg: ContainerCgroup): void {
  if (cg.version === 1) return;
  const leaf = join(cg.dir, V2_RUNNER_LEAF);
  mkdirSync(leaf, { recursive: true });
  for (let round = 0; round < 20; round++) {
    const pids = readPids(join(cg.dir, 'cgroup.procs'));
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        writeFileSync(join(leaf, 'cgroup.procs'), String(pid));
      } catch {
        // Exited meanwhile.
      }
    }
  }
  const enabled = readFileSync(join(cg.dir, 'cgroup.subtree_control'), 'utf8');
  const wanted = ['memory', 'pids', 'cpu'].filter((c) => !enabled.split(/\s+/).includes(c));
  if (wanted.length > 0) {
    writeFileSync(join(cg.dir, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
  }
}

/** Where processes of a container live before a call claims them (to map pids). */
export function containerProcsFile(cg: ContainerCgroup): string {
  return cg.version === 1 ? join(cg.pids, 'cgroup.procs') : join(cg.dir, V2_RUNNER_LEAF, 'cgroup.procs');
}

export function readPids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((s) => s !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * The host pid of a process known by its pid inside the container's pid namespace:
 * NSpid in /proc/<pid>/status lists the pid in every namespace, innermost last.
 */
export function hostPidOf(containerPid: number, procsFile: string, procRoot = '/proc'): number | null {
  for (const pid of readPids(procsFile)) {
    if (nsPidOf(pid, procRoot) === containerPid) return pid;
  }
  return null;
}

/** A host pid's pid in its innermost pid namespace; null when it has exited. */
export function nsPidOf(hostPid: number, procRoot = '/proc'): number | null {
  try {
    const status = readFileSync(`${procRoot}/${hostPid}/status`, 'utf8');
    const m = /^NSpid:\s*(.*)$/m.exec(status);
    const ids = m?.[1]?.trim().split(/\s+/).map(Number) ?? [];
    return ids[ids.length - 1] ?? null;
  } catch {
    return null;
  }
}

function readNumber(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

function readKey(file: string, key: string): number {
  try {
    const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function tryWrite(file: string, value: string): void {
  try {
    writeFileSync(file, value);
  } catch {
    // Optional knob (e.g. memsw without swap accounting).
  }
}

/**
 * The cgroup a call runs in: made ahead for a runner slot and kept for the slot's calls
 * (begin() restarts the accounting for each), or made for one call and removed after.
 */
export class CallCgroup {
  private readonly dirs: string[];
  private readonly memDir: string;
  private readonly pidsDir: string;
  private readonly cpuacctDir: string;
  private readonly cpuDir: string;

  constructor(
    readonly parent: ContainerCgroup,
    readonly name: string,
  ) {
    if (parent.version === 1) {
      this.memDir = join(parent.memory, name);
      this.pidsDir = join(parent.pids, name);
      this.cpuDir = join(parent.cpu, name);
      this.cpuacctDir = join(parent.cpuacct, name);
    } else {
      const dir = join(parent.dir, name);
      this.memDir = this.pidsDir = this.cpuDir = this.cpuacctDir = dir;
    }
    this.dirs = [...new Set([this.memDir, this.pidsDir, this.cpuDir, this.cpuacctDir])];
  }

  create(limits: CallLimits): void {
    for (const d of this.dirs) mkdirSync(d);
    for (const [file, value] of this.limitWrites(null, limits)) {
      if (file.endsWith('memsw.limit_in_bytes') || file.endsWith('swap.max')) tryWrite(file, value);
      else writeFileSync(file, value);
    }
    this.limits = { ...limits };
  }

  /**
   * The same as create, the directories made off the event loop: a worker's cgroup is
   * made while it waits for a call (runner-script.ts), and mkdir takes the cgroup mutex,
   * which a concurrent move into a cgroup (`add`) holds while it waits for an RCU grace
   * period, milliseconds the event loop must not block for. The limits are written
   * synchronously: a controller's files do not take that mutex, and each asynchronous
   * write cost three thread-pool round trips (open, write, close) of host CPU per file.
   */
  async createAsync(limits: CallLimits): Promise<void> {
    await Promise.all(this.dirs.map((d) => mkdir(d)));
    for (const [file, value] of this.limitWrites(null, limits)) {
      if (file.endsWith('memsw.limit_in_bytes') || file.endsWith('swap.max')) tryWrite(file, value);
      else writeFileSync(file, value);
    }
    this.limits = { ...limits };
  }

  /** Limits currently written (null before create). */
  private limits: CallLimits | null = null;

  /**
   * Sets the limits of a call on a cgroup made earlier: only the values that differ
   * are written (most calls use the sandbox's defaults, which it was made with).
   */
  setLimits(limits: CallLimits): void {
    for (const [file, value] of this.limitWrites(this.limits, limits)) {
      if (file.endsWith('memsw.limit_in_bytes') || file.endsWith('swap.max')) tryWrite(file, value);
      else writeFileSync(file, value);
    }
    this.limits = { ...limits };
  }

  /** Files and values that take `from` (null: a new cgroup) to `to`, in a valid order. */
  private limitWrites(from: CallLimits | null, to: CallLimits): [string, string][] {
    const out: [string, string][] = [];
    const period = 100_000;
    const quota = (cpus: number) => Math.max(1000, Math.round(cpus * period));
    const mem = Math.floor(to.memoryBytes);
    const memChanged = !from || Math.floor(from.memoryBytes) !== mem;
    if (this.parent.version === 1) {
      if (memChanged) {
        const limit: [string, string] = [join(this.memDir, 'memory.limit_in_bytes'), String(mem)];
        // Without memsw the call could swap instead of meeting its limit (where swap
        // accounting is on); memsw may never be below the limit, so raise it first.
        const memsw: [string, string] = [join(this.memDir, 'memory.memsw.limit_in_bytes'), String(mem)];
        if (from && mem > Math.floor(from.memoryBytes)) out.push(memsw, limit);
        else out.push(limit, memsw);
      }
      if (!from || from.pids !== to.pids) out.push([join(this.pidsDir, 'pids.max'), String(to.pids)]);
      if (!from) out.push([join(this.cpuDir, 'cpu.cfs_period_us'), String(period)]);
      if (!from || quota(from.cpus) !== quota(to.cpus)) {
        out.push([join(this.cpuDir, 'cpu.cfs_quota_us'), String(quota(to.cpus))]);
      }
    } else {
      if (memChanged) out.push([join(this.memDir, 'memory.max'), String(mem)]);
      if (!from) out.push([join(this.memDir, 'memory.swap.max'), '0']);
      if (!from || from.pids !== to.pids) out.push([join(this.pidsDir, 'pids.max'), String(to.pids)]);
      if (!from || quota(from.cpus) !== quota(to.cpus)) {
        out.push([join(this.cpuDir, 'cpu.max'), `${quota(to.cpus)} ${period}`]);
      }
    }
    return out;
  }

  /** Moves a host pid into every controller of this call's cgroup. */
  add(hostPid: number): void {
    for (const d of this.dirs) writeFileSync(join(d, 'cgroup.procs'), String(hostPid));
  }

  /**
   * The same as add, off the event loop (see createAsync): only the write, which waits,
   * goes to the thread pool; opening and closing the file do not take the cgroup mutex.
   */
  async addAsync(hostPid: number): Promise<void> {
    const pid = Buffer.from(String(hostPid));
    await Promise.all(
      this.dirs.map(async (d) => {
        const fd = openSync(join(d, 'cgroup.procs'), 'w');
        try {
          await new Promise<void>((res, rej) => write(fd, pid, (err) => (err ? rej(err) : res())));
        } finally {
          closeSync(fd);
        }
      }),
    );
  }

  pids(): number[] {
    return readPids(join(this.pidsDir, 'cgroup.procs'));
  }

  /** Raw cumulative counters (cpu ms, OOM kills, pids-limit hits) at the last begin(). */
  private base = { cpuMs: 0, oomKills: 0, pidsLimitHits: 0 };

  /**
   * Starts a new call's accounting on a cgroup that may have served calls before (a
   * slot keeps its cgroup: runner-client.ts): the peak restarts from what is charged
   * now (v1 `memory.max_usage_in_bytes`, written 0, restarts at the current usage),
   * and CPU, OOM kills and pids-limit hits count from here (deltas of the cumulative
   * counters). Returns false where the peak cannot be restarted (v2 before the kernel
   * made `memory.peak` writable): such a cgroup serves one call only.
   */
  begin(counters?: CallUsage): boolean {
    const raw = counters ?? this.rawUsage();
    this.base = { cpuMs: raw.cpuMs, oomKills: raw.oomKills, pidsLimitHits: raw.pidsLimitHits };
    if (this.parent.version === 1) {
      try {
        writeFileSync(join(this.memDir, 'memory.max_usage_in_bytes'), '0');
        return true;
      } catch {
        return false;
      }
    }
    return false;
  }

  /** What is charged to the cgroup now (page cache and tmpfs files a call left count). */
  memoryCharged(): number {
    return readNumber(
      join(this.memDir, this.parent.version === 1 ? 'memory.usage_in_bytes' : 'memory.current'),
    );
  }

  /** The cumulative counters usage() read last (a kept worker's next call counts from them). */
  lastRaw: CallUsage | null = null;

  usage(): CallUsage {
    const raw = this.rawUsage();
    this.lastRaw = raw;
    return {
      cpuMs: Math.max(0, raw.cpuMs - this.base.cpuMs),
      peakMemoryBytes: raw.peakMemoryBytes,
      oomKills: Math.max(0, raw.oomKills - this.base.oomKills),
      pidsLimitHits: Math.max(0, raw.pidsLimitHits - this.base.pidsLimitHits),
    };
  }

  private rawUsage(): CallUsage {
    if (this.parent.version === 1) {
      return {
        cpuMs: readNumber(join(this.cpuacctDir, 'cpuacct.usage')) / 1e6,
        peakMemoryBytes: readNumber(join(this.memDir, 'memory.max_usage_in_bytes')),
        oomKills: readKey(join(this.memDir, 'memory.oom_control'), 'oom_kill'),
        pidsLimitHits: readKey(join(this.pidsDir, 'pids.events'), 'max'),
      };
    }
    const peakFile = join(this.memDir, 'memory.peak');
    return {
      cpuMs: readKey(join(this.cpuacctDir, 'cpu.stat'), 'usage_usec') / 1e3,
      peakMemoryBytes: readNumber(existsSync(peakFile) ? peakFile : join(this.memDir, 'memory.current')),
      oomKills: readKey(join(this.memDir, 'memory.events'), 'oom_kill'),
      pidsLimitHits: readKey(join(this.pidsDir, 'pids.events'), 'max'),
    };
  }

  pidsLimitHit(): boolean {
    return readKey(join(this.pidsDir, 'pids.events'), 'max') > this.base.pidsLimitHits;
  }

  /** v2's cgroup.kill, where the kernel has it: kills the whole cgroup in one write. */
  private cgroupKill(): boolean {
    if (this.parent.version !== 2 || !existsSync(join(this.pidsDir, 'cgroup.kill'))) return false;
    tryWrite(join(this.pidsDir, 'cgroup.kill'), '1');
    return true;
  }

  /**
   * SIGKILLs every process of the call, the ones it forks meanwhile too: the cgroup,
   * not the process group, is what a call cannot leave. Signals in rounds until a round
   * finds none left but `exiting` (a host pid being torn down, signalled once), or 50
   * rounds; `emptied` is what waits until they are gone. `spare`: a kept worker (its
   * command returned and it waits for the slot's next call), never signalled.
   */
  killAll(exiting?: number, spare?: number): boolean {
    if (spare === undefined && this.cgroupKill()) return false;
    for (let round = 0; round < 50; round++) {
      const all = this.pids().filter((p) => p !== spare);
      // A process known to be exiting by itself is signalled but not waited for.
      const pids = round === 0 ? all : all.filter((p) => p !== exiting);
      if (pids.filter((p) => p !== exiting).length === 0 && round === 0) {
        // Nothing but those two was there: nothing to wait for (neither forks).
        sigkill(pids);
        return true;
      }
      if (pids.length === 0) return false;
      sigkill(pids);
    }
    return false;
  }

  /**
   * Resolves true once no process but `exiting` and `spare` is left in the call's
   * cgroup, sending SIGKILL again to what is; false after `boundMs`. killAll's rounds
   * are a tight loop: on a loaded machine a killed process can still be runnable when
   * they end, and a call's result must not come while what it left running still runs.
   */
  async emptied(exiting: number | undefined, boundMs: number, spare?: number): Promise<boolean> {
    if (spare === undefined) this.cgroupKill();
    const until = Date.now() + boundMs;
    for (;;) {
      const pids = this.pids().filter((p) => p !== exiting && p !== spare);
      if (pids.length === 0) return true;
      if (Date.now() >= until) return false;
      sigkill(pids);
      await new Promise((res) => setTimeout(res, 2));
    }
  }

  /**
   * One SIGKILL to every process of the call, without waiting for them to go: for
   * a call whose process already said it has ended (Y line) and is being torn down.
   */
  signalAll(): void {
    if (!this.cgroupKill()) sigkill(this.pids());
  }

  /** Removes the cgroup directories; returns false while processes (or zombies) remain. */
  remove(): boolean {
    let ok = true;
    for (const d of this.dirs) {
      try {
        // A v2 cgroup made by a previous kernel may carry children of its own; none are made here.
        if (existsSync(d)) rmdirSync(d);
      } catch {
        ok = false;
      }
    }
    return ok;
  }

  /** The same as remove, off the event loop. */
  async removeAsync(): Promise<boolean> {
    const done = await Promise.all(
      this.dirs.map((d) =>
        rmdir(d).then(
          () => true,
          (e: NodeJS.ErrnoException) => e.code === 'ENOENT',
        ),
      ),
    );
    return done.every(Boolean);
  }
}

/** Names of leftover call cgroups under a container cgroup (after a crash). */
export function callCgroupNames(cg: ContainerCgroup): string[] {
  const dir = cg.version === 1 ? cg.memory : cg.dir;
  try {
    return readdirSync(dir).filter((n) => n.startsWith('drydock-call-'));
  } catch {
    return [];
  }
}

function sigkill(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}
