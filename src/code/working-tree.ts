import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DrydockError, runHostSync } from '../core/index.js';
import { isIndexablePath } from './repository-files.js';
import type { SourceFile } from './symbol-index.js';

/**
 * The indexable text files of a git working tree as they are on disk,
 * tracked or untracked but not ignored. Files over `maxFileBytes` and files
 * with NUL bytes are left out.
 */
export function readWorkingTree(dir: string, maxFileBytes = 1_000_000): SourceFile[] {
  let listing: string;
  try {
    listing = runHostSync(
      'git',
      ['-C', dir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      {
        maxBuffer: 1 << 28,
      },
    ).stdout;
  } catch {
    throw new DrydockError(
      `${dir} is not a git working tree (git ls-files failed).`,
      'Point --repo at the root of a git repository, or run `git init` there first.',
      'NOT_A_GIT_TREE',
    );
  }
  const files: SourceFile[] = [];
  for (const path of new Set(listing.split('\0').filter(Boolean))) {
    if (!isIndexablePath(path)) continue;
    const full = join(dir, path);
    try {
      const stat = statSync(full);
      if (!stat.isFile() || stat.size > maxFileBytes) continue;
      const bytes = readFileSync(full);
      if (bytes.includes(0)) continue;
      files.push({ path, source: bytes.toString('utf8') });
    } catch {
      // Listed but deleted from the working tree since: nothing to index.
    }
  }
  return files;
}
