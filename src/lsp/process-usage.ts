import type { ResourceLimits } from '../core/index.js';
import type { Sandbox } from '../sandbox/index.js';
import { hasContainer } from './server-process.js';

/** What a server's process tree had used when it was read. */
export interface ProcessTreeUsage {
  /** CPU time of the tree's live processes and of the children they reaped, in ms. */
  cpuMs: number;
  /** Sum of each live process's own peak resident memory (VmHWM), in bytes. */
  peakMemoryBytes: number;
  processes: number;
}

/** Linux reports times in /proc in USER_HZ ticks: 100 a second on every architecture drydock runs on. */
const TICKS_PER_SECOND = 100;

/**
 * One line per process in the sandbox's pid namespace: `/proc/PID/stat`, a `|`, and the
 * VmHWM line of its status. Small (a sandbox has a few dozen processes).
 */
const SCAN = `for d in /proc/[0-9]*; do s=$(cat "$d/stat" 2>/dev/null) || continue; h=$(grep '^VmHWM' "$d/status" 2>/dev/null); echo "$s|$h"; done`;

interface ProcLine {
  pid: number;
  ppid: number;
  ticks: number;
  hwmBytes: number;
}

function parseLine(line: string): ProcLine | null {
  const bar = line.lastIndexOf('|');
  const stat = bar >= 0 ? line.slice(0, bar) : line;
  const status = bar >= 0 ? line.slice(bar + 1) : '';
  // The command name is in parentheses and may hold spaces: fields start after the last ')'.
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const pid = Number.parseInt(stat, 10);
  const f = stat
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // f[0] is field 3 (state): ppid is field 4, utime..cstime fields 14-17.
  const ppid = Number(f[1]);
  const ticks = [11, 12, 13, 14].reduce((a, i) => a + (Number(f[i]) || 0), 0);
  const kb = /VmHWM:\s*(\d+)\s*kB/.exec(status);
  if (!Number.isFinite(pid) || !Number.isFinite(ppid)) return null;
  return { pid, ppid, ticks, hwmBytes: kb ? Number(kb[1]) * 1024 : 0 };
}

/** The usage of the tree rooted at `root` in a `/proc` scan's output (pure; tested on text). */
export function treeUsage(scan: string, root: number): ProcessTreeUsage | null {
  const procs = scan
    .split('\n')
    .map(parseLine)
    .filter((p): p is ProcLine => p !== null);
  const byParent = new Map<number, ProcLine[]>();
  for (const p of procs) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const top = procs.find((p) => p.pid === root);
  if (!top) return null;
  const tree: ProcLine[] = [];
  const todo = [top];
  const seen = new Set<number>();
  while (todo.length) {
    const p = todo.pop()!;
    if (seen.has(p.pid)) continue;
    seen.add(p.pid);
    tree.push(p);
    todo.push(...(byParent.get(p.pid) ?? []));
  }
  return {
    cpuMs: Math.round((tree.reduce((a, p) => a + p.ticks, 0) * 1000) / TICKS_PER_SECOND),
    peakMemoryBytes: tree.reduce((a, p) => a + p.hwmBytes, 0),
    processes: tree.length,
  };
}

/** Reads the usage of the process tree whose root pid is in `pidFile`, inside the sandbox. */
export async function readTreeUsage(
  sandbox: Sandbox,
  pidFile: string,
): Promise<{ usage: ProcessTreeUsage | null; why: string }> {
  try {
    const r = await sandbox.exec(`cat ${pidFile}; echo; ${SCAN}`, { timeoutMs: 10_000 });
    const [first, ...rest] = r.stdout.split('\n');
    const root = Number.parseInt(first ?? '', 10);
    if (!Number.isFinite(root)) return { usage: null, why: 'not measured: no pid file' };
    const usage = treeUsage(rest.join('\n'), root);
    return usage
      ? { usage, why: `/proc in the sandbox before shutdown (${usage.processes} process(es))` }
      : { usage: null, why: 'not measured: the process was gone' };
  } catch (err) {
    return { usage: null, why: `not measured: ${(err as Error).message.split('\n')[0]}` };
  }
}

/** The container-wide limits a server runs under (it has no per-process ones). */
export async function containerLimits(sandbox: Sandbox): Promise<ResourceLimits | undefined> {
  if (!hasContainer(sandbox)) return undefined;
  try {
    const h = (await sandbox.container.inspect()).HostConfig;
    const limits: ResourceLimits = {};
    if (h.Memory) limits.memoryBytes = h.Memory;
    if (h.NanoCpus) limits.cpus = h.NanoCpus / 1e9;
    else if (h.CpuQuota && h.CpuQuota > 0 && h.CpuPeriod) limits.cpus = h.CpuQuota / h.CpuPeriod;
    if (h.PidsLimit && h.PidsLimit > 0) limits.pids = h.PidsLimit;
    return Object.keys(limits).length ? limits : undefined;
  } catch {
    return undefined;
  }
}
