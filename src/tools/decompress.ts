import { spawnSync } from 'node:child_process';
import type { Compression, Decompress } from '../policy/index.js';

const PROGRAMS: Record<Compression, string> = { xz: 'xz', bzip2: 'bzip2', zstd: 'zstd' };

/**
 * Undoes xz, bzip2 or zstd with the host's own program (Debian: xz-utils, bzip2, zstd), so the
 * policy can read the entries of a `tar -xJf`/`-xjf`/`--zstd` archive the way Node's zlib lets
 * it read a gzip one. The bytes go in on stdin and the output is cut at `limit` (a larger
 * result, a missing program or bad data give null: the command then asks). No shell, no file.
 */
export const hostDecompress: Decompress = (format, bytes, limit) => {
  const r = spawnSync(PROGRAMS[format], ['-dc'], {
    input: bytes,
    maxBuffer: limit,
    timeout: 10_000,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  if (r.error || r.status !== 0 || !r.stdout) return null;
  return r.stdout;
};
