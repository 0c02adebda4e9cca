import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A sandbox on the `none` network is created with `NetworkDisabled` as well as network
 * mode `none`. Both give the container a network namespace of its own with only the
 * loopback interface, up (runc brings it up), but Docker 20.10 sets up even the `none`
 * network through libnetwork's `libnetwork-setkey` prestart hook, which re-executes the
 * 100 MB dockerd binary: about half of a container's start on the machines drydock was
 * measured on (README, "Where the engine's start goes"). With `NetworkDisabled` the
 * engine adds no hook, and no network can be joined later, which a sandbox opened on
 * `none` never does (`setNetwork` refuses it).
 *
 * What the engine then leaves out is its generated `/etc/hosts`, so `localhost` would
 * resolve only where the image's own file names it. The file below (Docker's own for
 * the `none` network, which has no line for the container's name either) is bound
 * in its place, a copy per sandbox.
 */
export const NONE_NETWORK_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
  '',
].join('\n');

/**
 * A new copy of that file for one sandbox (writable in it, as the engine's own is), in
 * a directory only this user can write, so nothing else on the host can change what a
 * sandbox resolves. Only for a local engine: the engine binds it from its own file
 * system. `close()` removes it; `drydock sandbox gc` removes copies no container binds.
 */
export function newHostsFile(): string {
  const path = join(hostsDir(), `${PREFIX}${randomBytes(8).toString('hex')}`);
  writeFileSync(path, NONE_NETWORK_HOSTS, { mode: 0o644, flag: 'wx' });
  return path;
}

export function removeHostsFile(path: string): void {
  rmSync(path, { force: true });
}

/** Removes the hosts files of sandboxes that are gone (no container binds them); returns how many. */
export async function gcHostsFiles(docker: Docker): Promise<number> {
  let dir: string;
  let names: string[];
  try {
    dir = hostsDir();
    names = readdirSync(dir).filter((n) => n.startsWith(PREFIX));
  } catch {
    return 0;
  }
  if (names.length === 0) return 0;
  const bound = new Set<string>();
  for (const c of await docker.listContainers({ all: true })) {
    for (const m of c.Mounts ?? []) if (m.Source) bound.add(m.Source);
  }
  let removed = 0;
  for (const n of names) {
    const path = join(dir, n);
    try {
      // A file made for a sandbox whose container is being created right now is young.
      if (bound.has(path) || Date.now() - statSync(path).mtimeMs < 60_000) continue;
      rmSync(path, { force: true });
      removed++;
    } catch {
      // gone meanwhile
    }
  }
  return removed;
}

const PREFIX = 'hosts-';

function hostsDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const dir = join(tmpdir(), `drydock-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0) {
    throw new Error(`${dir} is not a directory only this user can write; remove it`);
  }
  return dir;
}
