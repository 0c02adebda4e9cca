import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';

/**
 * Labels on everything drydock makes. `drydock.pid` + `drydock.pidstart` (the
 * process's start time, so a reused pid does not keep a dead run's containers
 * alive) + `drydock.host` say who owns it; gc removes only what a dead owner left.
 */
export const LABEL = {
  marker: 'drydock',
  run: 'drydock.run',
  pid: 'drydock.pid',
  pidStart: 'drydock.pidstart',
  host: 'drydock.host',
  /** Set from DRYDOCK_SESSION when present: lets a test run count only what it made. */
  session: 'drydock.session',
} as const;

/** On a container a pool started ahead of use (besides the owner labels every container has). */
export const POOL_LABEL = 'drydock.pool';

/** `{drydock.session: $DRYDOCK_SESSION}` when that is set (the test suite sets it), else nothing. */
export function sessionLabels(): Record<string, string> {
  const s = process.env.DRYDOCK_SESSION;
  return s ? { [LABEL.session]: s } : {};
}

function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces); starttime is field 22.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

let defaultRunId: string | null = null;

/** One id per drydock process unless the caller names its run. */
export function currentRunId(): string {
  defaultRunId ??= `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;
  return defaultRunId;
}

export function ownerLabels(runId: string): Record<string, string> {
  return {
    [LABEL.marker]: '1',
    [LABEL.run]: runId,
    [LABEL.pid]: String(process.pid),
    [LABEL.pidStart]: processStart(process.pid) ?? '',
    [LABEL.host]: hostname(),
    ...sessionLabels(),
  };
}

/** Whether the process that made something with these labels is still running. */
export function ownerAlive(labels: Record<string, string> | undefined): boolean {
  if (!labels) return false;
  if (labels[LABEL.host] !== hostname()) return true; // Another machine's: not ours to judge.
  const pid = Number(labels[LABEL.pid]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const start = processStart(pid);
  if (start === null) return false;
  return !labels[LABEL.pidStart] || labels[LABEL.pidStart] === start;
}

export interface GcReport {
  containersRemoved: string[];
  imagesRemoved: string[];
  /** `registries` networks (with their firewall rules) of dead drydock processes. */
  networksRemoved: string[];
  /** Runtime and language-server volumes no longer current (runtime.ts), unused. */
  volumesRemoved: string[];
  /** Environment images built from repositories (only with `repoImages`). */
  repoImagesRemoved: string[];
  /** Hosts files of `none`-network sandboxes that are gone (no-network.ts). */
  hostsFilesRemoved: number;
  kept: number;
}

/** Removes drydock containers, images and networks whose owning drydock process is gone (gc.ts adds the rest). */
export async function gcOwned(docker: Docker, opts: { runId?: string } = {}): Promise<GcReport> {
  // Only what sandboxes made (run and owner labels): images that `drydock setup` builds carry
  // drydock=1 too, and are never gc's to remove.
  const filters = {
    label: [`${LABEL.marker}=1`, LABEL.pid, opts.runId ? `${LABEL.run}=${opts.runId}` : LABEL.run],
  };
  const report: GcReport = {
    containersRemoved: [],
    imagesRemoved: [],
    networksRemoved: [],
    volumesRemoved: [],
    repoImagesRemoved: [],
    hostsFilesRemoved: 0,
    kept: 0,
  };
  for (const c of await docker.listContainers({ all: true, filters })) {
    if (ownerAlive(c.Labels)) {
      report.kept++;
      continue;
    }
    try {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
      report.containersRemoved.push(c.Id.slice(0, 12));
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }
  for (const img of await docker.listImages({ filters })) {
    if (ownerAlive(img.Labels ?? undefined)) {
      report.kept++;
      continue;
    }
    try {
      await docker.getImage(img.Id).remove({ force: false });
      report.imagesRemoved.push(img.Id.replace(/^sha256:/, '').slice(0, 12));
    } catch (err) {
      // 409: still used by a container that a live run owns.
      const code = (err as { statusCode?: number }).statusCode;
      if (code !== 404 && code !== 409) throw err;
    }
  }
  // After the containers: a network in use cannot go.
  for (const n of await docker.listNetworks({ filters })) {
    if (ownerAlive(n.Labels ?? undefined)) {
      report.kept++;
      continue;
    }
    await removeRegistriesRules(n.Name);
    try {
      await docker.getNetwork(n.Id).remove();
      report.networksRemoved.push(n.Name);
    } catch (err) {
      const code = (err as { statusCode?: number }).statusCode;
      if (code !== 404 && code !== 409) throw err;
    }
  }
  return report;
}

/** Deletes the rules a `registries` network's sandbox added (they carry its name): INPUT, and nat PREROUTING. */
async function removeRegistriesRules(network: string): Promise<void> {
  for (const [table, chain] of [
    ['filter', 'INPUT'],
    ['nat', 'PREROUTING'],
  ] as const) {
    const listed = await execa('iptables', ['-w', '-t', table, '-S', chain], { reject: false }).catch(
      () => null,
    );
    if (!listed || listed.exitCode !== 0) continue;
    for (const line of String(listed.stdout).split('\n')) {
      if (!line.startsWith(`-A ${chain} `) || !line.includes(`"drydock ${network}"`)) continue;
      const args = [...line.slice(3).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      await execa('iptables', ['-w', '-t', table, '-D', ...args], { reject: false }).catch(() => undefined);
    }
  }
}
