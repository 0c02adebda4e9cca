import type Docker from 'dockerode';
import { detectCgroupHost } from './cgroup-host.js';
import type { ExecMode } from './types.js';

export interface ExecModeReport {
  mode: ExecMode;
  /** One line: why this mode, for `drydock doctor` and results. */
  reason: string;
}

function engineIsLocal(docker: Docker): boolean {
  // dockerode keeps a function that finds the default unix socket when none was given.
  const modem = docker.modem as { socketPath?: unknown; host?: string };
  const unix =
    typeof modem.socketPath === 'function' ||
    (typeof modem.socketPath === 'string' && modem.socketPath !== '');
  return unix && !modem.host;
}

/**
 * Per-call cgroups need drydock on the engine's host, as root, with a writable
 * cgroup filesystem holding memory, pids and cpu, and a rootful engine; otherwise
 * each call's limits are set on the whole container through the Docker API.
 */
export async function detectExecMode(docker: Docker): Promise<ExecModeReport> {
  const fallback = (why: string): ExecModeReport => ({
    mode: 'container-update',
    reason: `${why}; limits are set on the container before each call (Docker API update)`,
  });
  if (!engineIsLocal(docker)) return fallback('the Docker engine is remote');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return fallback('drydock is not running as root, so it cannot create cgroups');
  }
  const host = detectCgroupHost();
  if (host.version === null) return fallback(`no cgroup filesystem (${host.detail})`);
  if (!host.writable) return fallback(`the cgroup filesystem is read-only (${host.detail})`);
  const missing = ['memory', 'cpu', 'pids'].filter((c) => !host.controllers.includes(c));
  if (missing.length > 0) return fallback(`cgroup controllers missing: ${missing.join(', ')}`);
  let info: { SecurityOptions?: string[]; CgroupVersion?: string };
  try {
    info = (await docker.info()) as typeof info;
  } catch (err) {
    return fallback(`the engine did not answer (${(err as Error).message})`);
  }
  if ((info.SecurityOptions ?? []).some((o) => o.includes('rootless'))) {
    return fallback('the engine is rootless');
  }
  if (info.CgroupVersion && Number(info.CgroupVersion) !== host.version) {
    return fallback(`the engine uses cgroup v${info.CgroupVersion} but drydock sees v${host.version}`);
  }
  return {
    mode: 'per-call-cgroup',
    reason: `each call gets its own cgroup under its container's (${host.detail})`,
  };
}
