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
  const sha = await commitPatch(
    g,
    { ...o, from: o.base },
    {
      what: 'the patch from drydock fix',
      hint: 'the default branch may have moved during the run; label the issue again to start over',
    },
  );
  await g.raw(['push', '--force', 'origin', `HEAD:refs/heads/${o.branch}`]);
  return sha;
}

/**
 * `branch` reset to `from`, `patchFile` applied to the index and committed; the commit's sha.
 * A patch that does not apply is `PATCH_DOES_NOT_APPLY`, saying what it was and what to do.
 */
async function commitPatch(
  g: SimpleGit,
  o: { from: string; branch: string; patchFile: string; message: string },
  refusal: { what: string; hint: string },
): Promise<string> {
  await g.raw(['checkout', '--force', '-B', o.branch, o.from]);
  try {
    await g.raw(['apply', '--index', '--whitespace=nowarn', o.patchFile]);
  } catch (e) {
    throw new DrydockError(
      `${refusal.what} does not apply to ${o.from.slice(0, 12)}: ${(e as Error).message.split('\n')[0]}`,
      refusal.hint,
      'PATCH_DOES_NOT_APPLY',
    );
  }
  await g.commit(o.message);
  return (await g.revparse(['HEAD'])).trim();
}

/** Fetches a branch and checks its tip out (detached); returns the tip's sha. */
export async function checkoutBranchTip(dir: string, branch: string, auth?: PushAuth): Promise<string> {
  const g = git(dir, authEnv(auth));
  await g.fetch('origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`);
  await g.raw(['checkout', '--force', '--detach', `origin/${branch}`]);
  return (await g.revparse(['HEAD'])).trim();
}

/** The diff of `tip` against where it left `baseBranch` (what a pull request shows). */
export async function diffAgainstBase(
  dir: string,
  baseBranch: string,
  tip: string,
  auth?: PushAuth,
): Promise<string> {
  const g = git(dir, authEnv(auth));
  await g.fetch('origin', `+refs/heads/${baseBranch}:refs/remotes/origin/${baseBranch}`);
  const base = (await g.raw(['merge-base', `origin/${baseBranch}`, tip])).trim();
  return g.raw(['diff', base, tip]);
}

/**
 * Commits by anyone but drydock on `branch` that `base` does not have: what a force push
 * would destroy. Empty when the remote has no such branch.
 */
export async function commitsByOthers(
  dir: string,
  branch: string,
  base: string,
  auth?: PushAuth,
): Promise<string[]> {
  const g = git(dir, authEnv(auth));
  const ref = `refs/remotes/origin/${branch}`;
  try {
    await g.fetch('origin', `+refs/heads/${branch}:${ref}`);
  } catch {
    return []; // no such branch on the remote
  }
  const log = await g.raw(['log', '--format=%H %ce', `${base}..${ref}`]);
  return log
    .split('\n')
    .filter(Boolean)
    .filter((l) => l.split(' ')[1] !== BOT.email)
    .map((l) => l.split(' ')[0]!);
}

/**
 * Commits `patchFile` on top of `tip`, the branch's tip when the run started, and pushes it
 * without force: commits a person added stay, and if someone pushed during the run the push
 * is refused rather than overwriting theirs.
 */
export async function commitOnTop(o: {
  dir: string;
  tip: string;
  branch: string;
  patchFile: string;
  message: string;
  auth?: PushAuth;
}): Promise<string> {
  const g = git(o.dir, authEnv(o.auth));
  const sha = await commitPatch(
    g,
    { ...o, from: o.tip },
    {
      what: 'the follow-up patch',
      hint: 'ask again on the pull request',
    },
  );
  try {
    await g.raw(['push', 'origin', `HEAD:refs/heads/${o.branch}`]);
  } catch (e) {
    throw new DrydockError(
      `pushing to ${o.branch} was refused (${
        (e as Error).message
          .split('\n')
          .find((l) => /rejected|error/i.test(l))
          ?.trim() ?? 'see the log'
      }): someone pushed to it during the run, and drydock never force-pushes over other people's commits`,
      'ask again on the pull request: the next run starts from the new tip',
      'PUSH_REJECTED',
    );
  }
  return sha;
}
