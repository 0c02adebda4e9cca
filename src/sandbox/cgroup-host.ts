import { accessSync, constants, existsSync, readFileSync } from 'node:fs';

/** What the host's cgroup filesystem looks like from where drydock runs. */
export interface CgroupHost {
  /** 1 (per-controller hierarchies), 2 (unified), or null when no cgroupfs is mounted. */
  version: 1 | 2 | null;
  /** Mount point of the cgroup filesystem, usually /sys/fs/cgroup. */
  root: string;
  /**
   * Whether drydock can create cgroups there. Per-tool-call limits need it: the
   * sandbox makes a child cgroup of the container's cgroup for each call.
   */
  writable: boolean;
  /** Controllers per-call limits use that are present (memory, cpu, pids). */
  controllers: string[];
  detail: string;
}

const WANTED = ['memory', 'cpu', 'pids'];

export function detectCgroupHost(root = '/sys/fs/cgroup'): CgroupHost {
  if (!existsSync(root)) {
    return { version: null, root, writable: false, controllers: [], detail: `${root} does not exist` };
  }
  if (existsSync(`${root}/cgroup.controllers`)) {
    const available = readFileSync(`${root}/cgroup.controllers`, 'utf8').trim().split(/\s+/);
    const controllers = WANTED.filter((c) => available.includes(c));
    const writable = isWritable(root);
    return {
      version: 2,
      root,
      writable,
      controllers,
      detail: `unified hierarchy (v2), controllers: ${controllers.join(', ') || 'none'}, ${writable ? 'writable' : 'read-only'}`,
    };
  }
  const controllers = WANTED.filter((c) => existsSync(`${root}/${c}/cgroup.procs`));
  if (controllers.length === 0) {
    return {
      version: null,
      root,
      writable: false,
      controllers,
      detail: `no cgroup controllers under ${root}`,
    };
  }
  const writable = controllers.every((c) => isWritable(`${root}/${c}`));
  return {
    version: 1,
    root,
    writable,
    controllers,
    detail: `per-controller hierarchies (v1), controllers: ${controllers.join(', ')}, ${writable ? 'writable' : 'read-only'}`,
  };
}

function isWritable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    // access() ignores read-only mounts for root on some kernels; the mount table does not lie.
    return !mountIsReadOnly(dir);
  } catch {
    return false;
  }
}

function mountIsReadOnly(dir: string): boolean {
  let best: { point: string; ro: boolean } | null = null;
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const [, point, , options] = line.split(' ');
    if (!point || !options) continue;
    if (
      (dir === point || dir.startsWith(point.endsWith('/') ? point : `${point}/`)) &&
      (!best || point.length > best.point.length)
    ) {
      best = { point, ro: options.split(',').includes('ro') };
    }
  }
  return best?.ro ?? false;
}
