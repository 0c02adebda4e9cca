import { simpleGit, type SimpleGit } from 'simple-git';
import { DrydockError } from '../core/index.js';

/**
 * The only code that pushes: the action's own, on the host, after the agent has finished.
 * The token travels in git's environment (GIT_CONFIG_*), never in argv, a remote URL or .git/config.
 */

const BOT = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' };

export interface PushAuth {
  token: string;
  /** GitHub's web URL (GITHUB_SERVER_URL); the header is sent only to it. */
  serverUrl: string;
}

function authEnv(auth: PushAuth | undefined): Record<string, string> {
  if (!auth?.token) return {};
  const basic = Buffer.from(`x-access-token:${auth.token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${auth.serverUrl.replace(/\/?$/, '/')}.extraheader`,
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}

function git(dir: string, extra: Record<string, string> = {}): SimpleGit {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: BOT.name,
    GIT_AUTHOR_EMAIL: BOT.email,
    GIT_COMMITTER_NAME: BOT.name,
    GIT_COMMITTER_EMAIL: BOT.email,
    ...extra,
  };
  // simple-git 3.28 (the project's pin, shared with the agent layer) passes env as given;
  // 4.x guards GIT_CONFIG_* and would need unsafe.allowUnsafeConfigEnvCount here.
  return simpleGit(dir).env(env);
}

/**
 * actions/checkout leaves the token in .git/config (http.<url>.extraheader) unless told
 * `persist-credentials: false`; the repository is copied into the sandbox, so it goes first.
 * Returns the keys removed.
 */
export async function removePersistedCredentials(dir: string): Promise<string[]> {
  const g = git(dir);
  const listed = await g
    .raw(['config', '--local', '--name-only', '--get-regexp', '^http\\..*extraheader$'])
    .catch(() => '');
  const keys = [...new Set(listed.split('\n').filter(Boolean))];
  for (const k of keys) await g.raw(['config', '--local', '--unset-all', k]);
  return keys;
}

/** Fetches the default branch and checks it out (detached), so the agent starts from what is on the remote. */
export async function checkoutDefaultBranch(dir: string, branch: string, auth?: PushAuth): Promise<string> {
  const g = git(dir, authEnv(auth));
  await g.fetch('origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`);
  await g.raw(['checkout', '--force', '--detach', `origin/${branch}`]);
  return (await g.revparse(['HEAD'])).trim();
}

/**
 * Commits `patchFile` on `branch` (from `base`) and pushes it to origin. The branch belongs
 * to drydock, so a re-run replaces it (force push).
 */
export async function commitAndPush(o: {
  dir: string;
  base: string;
  branch: string;
  patchFile: string;
  message: string;
  auth?: PushAuth;
}): Promise<string> {
  const g = git(o.dir, authEnv(o.auth));
  await g.raw(['checkout', '--force', '-B', o.branch, o.base]);
  try {
    await g.raw(['apply', '--index', '--whitespace=nowarn', o.patchFile]);
  } catch (e) {
    throw new DrydockError(
      `the patch from drydock fix does not apply to ${o.base.slice(0, 12)}: ${(e as Error).message.split('\n')[0]}`,
      'the default branch may have moved during the run; label the issue again to start over',
      'PATCH_DOES_NOT_APPLY',
    );
  }
  await g.commit(o.message);
  const sha = (await g.revparse(['HEAD'])).trim();
  await g.raw(['push', '--force', 'origin', `HEAD:refs/heads/${o.branch}`]);
  return sha;
}
