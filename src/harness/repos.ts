import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DrydockError, runHost } from '../core/index.js';

async function git(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await runHost('git', args, { cwd, env: { GIT_TERMINAL_PROMPT: '0' } });
  return stdout;
}

/** Where a repository comes from: `DIR/<owner>/<name>` in a mirror, else GitHub. */
export function repoSource(repo: string, reposDir?: string): string {
  if (reposDir) {
    const p = join(reposDir, repo);
    if (!existsSync(p))
      throw new DrydockError(
        `repository ${repo} is not in the mirror ${reposDir} (looked for ${p})`,
        `put a git clone (bare or not) of ${repo} at ${p}, or drop --repos to clone from GitHub`,
        'REPO_NOT_IN_MIRROR',
      );
    return p;
  }
  return `https://github.com/${repo}.git`;
}

/**
 * A temporary working copy of `repo` at `commit`, with history up to it, no
 * remote (so nothing points back to the host path) and no other branches.
 * The caller removes it with `cleanup()`.
 */
export async function checkoutRepo(
  repo: string,
  commit: string,
  reposDir?: string,
): Promise<{ dir: string; cleanup: () => void }> {
  const src = repoSource(repo, reposDir);
  const parent = mkdtempSync(join(tmpdir(), 'drydock-repo-'));
  const dir = join(parent, 'testbed');
  const cleanup = () => rmSync(parent, { recursive: true, force: true });
  try {
    // --no-hardlinks: the copy must not share inodes with the mirror (we never write into it).
    await git(['clone', '--quiet', '--no-checkout', '--no-hardlinks', src, dir]);
    await git(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--force', commit], dir);
    await git(['remote', 'remove', 'origin'], dir);
    // As SWE-bench does: no branches, and only the tags that are history of base_commit.
    const keep = new Set((await git(['tag', '--merged', 'HEAD'], dir)).split('\n').filter(Boolean));
    const refs = (await git(['for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/tags'], dir)).split(
      '\n',
    );
    for (const ref of refs)
      if (ref && !(ref.startsWith('refs/tags/') && keep.has(ref.slice('refs/tags/'.length))))
        await git(['update-ref', '-d', ref], dir);
    await git(['reflog', 'expire', '--expire=now', '--all'], dir);
    return { dir, cleanup };
  } catch (err) {
    cleanup();
    throw new DrydockError(
      `could not check out ${repo} at ${commit}: ${(err as Error).message}`,
      reposDir
        ? `check that ${join(reposDir, repo)} is a git repository that has commit ${commit}`
        : 'check the network, or pass --repos DIR with a local mirror',
      'REPO_CHECKOUT_FAILED',
    );
  }
}
