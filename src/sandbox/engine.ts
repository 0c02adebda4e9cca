import Docker from 'dockerode';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  DrydockError,
  HostCommandError,
  onHostPath,
  runHostLogged,
  silentProgress,
  startHostDaemon,
  type Progress,
} from '../core/index.js';

export const DOCKERD_LOG = '/var/log/drydock/dockerd.log';
export const APT_LOG = '/var/log/drydock/apt.log';

/** A dockerode client for the engine the user points at (DOCKER_HOST), else the local socket. */
export function dockerClient(): Docker {
  return new Docker();
}

/** Where the client will look, for messages. */
export function engineAddress(): string {
  return process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

export interface EngineInfo {
  version: string;
  apiVersion: string;
  cgroupVersion: string;
  storageDriver: string;
  /** True when this call started the engine. */
  started: boolean;
}

/** Asks the engine for its version; resolves null when nothing answers in time. */
export async function pingEngine(
  docker: Docker = dockerClient(),
  timeoutMs = 3000,
): Promise<EngineInfo | null> {
  try {
    const info = await withTimeout(
      (async () => {
        const v = await docker.version();
        const i = (await docker.info()) as { CgroupVersion?: string; Driver?: string };
        return { v, i };
      })(),
      timeoutMs,
    );
    return {
      version: info.v.Version,
      apiVersion: info.v.ApiVersion,
      cgroupVersion: info.i.CgroupVersion ?? '1',
      storageDriver: info.i.Driver ?? 'unknown',
      started: false,
    };
  } catch {
    return null;
  }
}

export interface EnsureEngineOptions {
  progress?: Progress;
  /** Install docker.io with apt when dockerd is missing (root on Debian-like systems only). */
  allowInstall?: boolean;
  /** How long to wait for a started engine to answer. */
  startTimeoutMs?: number;
}

/**
 * Makes sure a Docker engine answers. An engine that already answers is never
 * touched. Otherwise, as root on a Debian-like system, installs docker.io if
 * needed and starts dockerd in the background with its log in DOCKERD_LOG.
 */
export async function ensureEngine(opts: EnsureEngineOptions = {}): Promise<EngineInfo> {
  const progress = opts.progress ?? silentProgress;
  const docker = dockerClient();
  const running = await pingEngine(docker);
  if (running) return running;

  const address = engineAddress();
  if (process.env.DOCKER_HOST && !process.env.DOCKER_HOST.startsWith('unix:///var/run/docker.sock')) {
    throw new DrydockError(
      `No Docker engine answers at DOCKER_HOST=${address}.`,
      'start that engine, or unset DOCKER_HOST to use (or let drydock start) the local one',
      'ENGINE_UNREACHABLE',
    );
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const debianLike = existsSync('/etc/debian_version') && onHostPath('apt-get');
  if (!isRoot || !debianLike) {
    throw new DrydockError(
      `No Docker engine answers at ${address}.`,
      isRoot
        ? 'install and start Docker Engine (https://docs.docker.com/engine/install/), then run drydock setup again'
        : 'start Docker (e.g. `sudo systemctl start docker`, or Docker Desktop), or run `sudo drydock setup` on Debian/Ubuntu to install and start one',
      'ENGINE_UNREACHABLE',
    );
  }

  if (!onHostPath('dockerd')) {
    if (opts.allowInstall === false) {
      throw new DrydockError(
        'No Docker engine answers and dockerd is not installed.',
        'run `apt-get install -y docker.io`, or run drydock setup without --no-install',
        'ENGINE_MISSING',
      );
    }
    progress.step('installing Docker (apt-get install docker.io); log in ' + APT_LOG);
    aptInstall(['docker.io'], progress);
  }

  if (!dockerdRunning()) {
    progress.step(`starting dockerd in the background; log in ${DOCKERD_LOG}`);
    startHostDaemon('dockerd', [], DOCKERD_LOG);
  } else {
    progress.step('dockerd is running but not answering yet; waiting for it');
  }

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    const info = await pingEngine(docker, 2000);
    if (info) {
      progress.detail(
        `engine ${info.version} answers (cgroup v${info.cgroupVersion}, ${info.storageDriver})`,
      );
      return { ...info, started: true };
    }
    if (!dockerdRunning()) break;
    await sleep(500);
  }
  throw new DrydockError(
    `dockerd did not come up: ${lastLine(DOCKERD_LOG)}`,
    `read ${DOCKERD_LOG}; a container or VM may need privileges to run dockerd`,
    'ENGINE_START_FAILED',
  );
}

/** Installs Debian packages with apt, with output in APT_LOG. */
export function aptInstall(packages: string[], progress: Progress = silentProgress): void {
  mkdirSync(dirname(APT_LOG), { recursive: true });
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...packages]]) {
    progress.detail(`apt-get ${args.join(' ')}`);
    try {
      runHostLogged('apt-get', args, APT_LOG, { env });
    } catch (err) {
      const how = err instanceof HostCommandError ? err.why : String(err);
      throw new DrydockError(
        `apt-get ${args[0]} failed (${how}): ${lastLine(APT_LOG)}`,
        `read ${APT_LOG}; check that Debian's package archive is reachable`,
        'APT_FAILED',
      );
    }
  }
}

function dockerdRunning(): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd') return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}

function lastLine(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    return lines[lines.length - 1] ?? '(empty log)';
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
