import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Everything of a repository a run must not change, hashed part by part: the working tree
 * (every file outside .git, with its mode), the index file, every ref with HEAD, and the stash.
 */
export function repoState(dir: string): Record<'tree' | 'index' | 'refs' | 'stash', string> {
  const h = () => createHash('sha256');
  const tree = h();
  for (const f of readdirSync(dir, { recursive: true }).map(String).sort()) {
    if (f === '.git' || f.startsWith(`.git/`)) continue;
    const p = join(dir, f);
    const st = statSync(p);
    tree.update(`${f}\0${st.mode}\0`).update(st.isFile() ? readFileSync(p) : 'dir');
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  const index = existsSync(join(dir, '.git/index'))
    ? h()
        .update(readFileSync(join(dir, '.git/index')))
        .digest('hex')
    : 'none';
  const refs = h()
    .update(git('for-each-ref', '--format=%(refname) %(objectname)'))
    .update(readFileSync(join(dir, '.git/HEAD')))
    .digest('hex');
  const stash = h()
    .update(git('stash', 'list', '--format=%H %gs'))
    .digest('hex');
  return { tree: tree.digest('hex'), index, refs, stash };
}

/** A small git repository from a folder, with a stash and an uncommitted change, as a user's may have. */
export function gitRepoFrom(dir: string): void {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'start');
}
