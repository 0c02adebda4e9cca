import { lstatSync, readdirSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pack } from 'tar-fs';
import { shellQuote } from './bash-text.js';

/**
 * What changed in a container's filesystem since a snapshot, read from the host
 * side of overlay2: the container's writable layer (`UpperDir`) holds every path
 * it changed against its image, and a path changed since the snapshot has a
 * ctime at or after the snapshot's mark (ctime cannot be set back, unlike mtime:
 * tar, cp -p and pip all restore mtimes). A fork started from the snapshot's
 * image gets this delta: the changed files and directories as a tar, and for
 * each changed directory the names it holds now, so the fork removes what the
 * parent deleted (a deletion changes its directory; a whiteout alone misses a
 * file that was created after the image, snapshotted, then deleted).
 */
export interface Delta {
  /** Paths relative to the upper directory (and to `/`), directories before their contents. */
  entries: string[];
  /** Changed directories (relative) and the names each holds now in the merged view. */
  dirs: Map<string, string[]>;
  /** Bytes of regular files in `entries`: what the fork will copy. */
  bytes: number;
}

/** A host timestamp on the kernel's file clock, comparable with the ctimes it sets. */
export function fileClockNs(path: string): bigint {
  return lstatSync(path, { bigint: true }).ctimeNs;
}

function isWhiteout(st: BigIntStats): boolean {
  return st.isCharacterDevice() && st.rdev === 0n;
}

/**
 * Walks `upper` (cost: one lstat per path the container changed since its image)
 * and collects what changed at or after `sinceNs`. `merged` is the container's
 * root seen from the host (/proc/PID/root), read only for the names of changed
 * directories, whose every component is a real directory in `upper` and so in
 * the merged view too (no symlink is followed). The container must be paused.
 */
export function collectDelta(
  upper: string,
  merged: string,
  sinceNs: bigint,
  mountPoints: string[] = [],
): Delta {
  // A mount point's directory is in the layer (the engine made it there) but what is
  // mounted on it (a volume, a tmpfs) is not the layer's, and the fork has its own.
  const mounted = new Set(mountPoints.map((m) => m.replace(/^\/+|\/+$/g, '')));
  // Bind-mounted files (docker-init, /etc/hosts) have their mount point in the layer too:
  // told apart by their device in the merged view.
  const rootDev = lstatSync(`${merged}/`, { bigint: true }).dev;
  const onRoot = (path: string): boolean => {
    try {
      return lstatSync(join(merged, path), { bigint: true }).dev === rootDev;
    } catch {
      return false;
    }
  };
  const entries: string[] = [];
  const dirs = new Map<string, string[]>();
  let bytes = 0;
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(upper, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      if (mounted.has(path)) continue;
      const st = lstatSync(join(upper, path), { bigint: true });
      const changed = st.ctimeNs >= sinceNs;
      if (st.isDirectory()) {
        if (!onRoot(path)) continue;
        if (changed) {
          entries.push(path);
          dirs.set(path, readdirSync(join(merged, path)));
        }
        walk(path);
      } else if (changed && !isWhiteout(st) && (st.isFile() || st.isSymbolicLink()) && onRoot(path)) {
        entries.push(path);
        if (st.isFile()) bytes += Number(st.size);
      }
      // A whiteout's directory changed with it, so the directory's names cover the deletion.
    }
  };
  const root = lstatSync(upper, { bigint: true });
  if (root.ctimeNs >= sinceNs) dirs.set('', readdirSync(merged));
  walk('');
  return { entries, dirs, bytes };
}

/** The delta's files as a tar (names relative to `/`), read from the upper directory. */
export function deltaTar(upper: string, delta: Delta): Readable {
  return pack(upper, {
    // A copy: tar-fs consumes the list it is given.
    entries: [...delta.entries],
    // tar-fs descends into a listed directory; every wanted path is listed itself.
    ignore: () => true,
  });
}

/**
 * The fork's side, run as a call in the fork with the delta tar on stdin: names a
 * changed directory no longer holds are removed, a listed non-directory replaces
 * whatever is at its path (a file may have become a directory or a link), then the
 * tar is unpacked with owners and modes.
 */
export function applyDeltaScript(delta: Delta): string {
  const lines = ['cd / || exit 1', 'shopt -s dotglob nullglob', 'declare -A keep=()'];
  const keep: string[] = [];
  const dirs: string[] = [];
  for (const [dir, names] of delta.dirs) {
    const abs = `/${dir}`;
    dirs.push(shellQuote(abs));
    for (const n of names) keep.push(`[${shellQuote(dir ? `${abs}/${n}` : `/${n}`)}]=1`);
  }
  if (keep.length) lines.push(`keep=(${keep.join(' ')})`);
  lines.push(
    `for d in ${dirs.join(' ') || "''"}; do [[ -n $d ]] || continue`,
    '  [[ -d $d && ! -L $d ]] || { rm -rf -- "$d"; continue; }',
    '  for f in "${d%/}"/*; do [[ -n ${keep[$f]+x} ]] || rm -rf -- "$f"; done',
    'done',
  );
  const files = delta.entries.filter((e) => !delta.dirs.has(e)).map((e) => shellQuote(`/${e}`));
  for (let i = 0; i < files.length; i += 500) lines.push(`rm -rf -- ${files.slice(i, i + 500).join(' ')}`);
  lines.push('tar -C / -xpf - || exit 1');
  return lines.join('\n');
}
