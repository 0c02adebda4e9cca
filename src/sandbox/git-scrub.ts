/**
 * The repository goes into a sandbox without the credentials a checkout may carry in
 * `.git/config` (the sandbox holds no secrets: DESIGN.md). CI checkouts keep them there:
 * actions/checkout writes `http.https://github.com/.extraheader = AUTHORIZATION: basic …`, others
 * clone `https://x-access-token:TOKEN@github.com/o/r` (the remote's URL), rewrite URLs through
 * `[url "https://TOKEN@github.com/"] insteadOf = …`, or set a `credential.helper` that prints one.
 * A command in the sandbox could print any of them (`git remote -v`, `git config --list`,
 * `cat .git/config`); the host's checkout keeps its file unchanged, and drydock's pull requests
 * are made from the host, not the sandbox. Every configuration file of the repository is
 * scrubbed (`gitConfigFiles`): its submodules' under `.git/modules` too, where CI's relative
 * submodule URLs (GitLab's job token) and `git submodule update` leave the same URLs, and the
 * per-worktree files, and those of repositories nested in the tree. So a sandbox's repository
 * holds no remote token, and the policy lets
 * `git remote -v` print its remotes.
 *
 * Read line by line as git's config syntax is (sections `[name]`, `[name "sub"]`, `[name.sub]`, a
 * key on the header's line, `\` continuations, `#`/`;` comments):
 * - every key of `credential` sections, and `http.*.extraheader`, is left out;
 * - a `url` section whose name carries a user (`[url "https://TOKEN@host/"]`) is left out whole;
 * - in any value, the user and password of an http(s)/ftp(s) URL are taken out
 *   (`https://user:TOKEN@host/x` → `https://host/x`), and of any other scheme's URL when it
 *   has a password (`ssh://git@host/x`, a user name only, stays).
 */

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** `scheme://userinfo@`: the userinfo holds no `/`, `@`, blank or quote. */
const URL_USER = /([A-Za-z][A-Za-z0-9+.-]{0,30}):\/\/([^/@\s"'\\]{1,2000})@/g;

/** The text of a value with the credentials of its URLs taken out. */
function scrubValue(text: string): string {
  return text.replace(URL_USER, (whole: string, scheme: string, user: string) =>
    /^(?:https?|ftps?)$/i.test(scheme) || user.includes(':') ? `${scheme}://` : whole,
  );
}

/** `.git/config`'s text without the credentials it may carry (see the top of this file). */
export function scrubGitConfig(text: string): string {
  const out: string[] = [];
  let section = '';
  let dropSection = false;
  let dropKey = false;
  for (const line of text.split('\n')) {
    // A continuation line belongs to the key before it.
    const continued: boolean = dropKey;
    dropKey = false;
    let rest = line;
    if (!continued) {
      const header = /^\s*\[([^\]]*)\](.*)$/.exec(line);
      if (header) {
        const name = header[1]!.trim();
        const dot = /^([A-Za-z0-9-]+)(?:\s+"(.*)"|\.(.*))?$/.exec(name);
        section = (dot?.[1] ?? name).toLowerCase();
        const sub = dot?.[2] ?? dot?.[3] ?? '';
        dropSection = section === 'credential' || (section === 'url' && scrubValue(sub) !== sub);
        rest = header[2]!;
        if (dropSection) continue;
        if (!rest.trim()) {
          out.push(line);
          continue;
        }
        out.push(`[${name}]`);
      }
    }
    const key = /^\s*([A-Za-z][A-Za-z0-9-]*)/.exec(rest)?.[1]?.toLowerCase();
    const drops = dropSection || (section === 'http' && key === 'extraheader');
    // (a value ending in `\` goes on the next line)
    if (/\\\s*$/.test(rest) && !/^\s*[#;]/.test(rest)) dropKey = drops || continued;
    if (drops || continued) continue;
    out.push(rest === line ? scrubValue(line) : scrubValue(rest));
  }
  return out.join('\n');
}

/**
 * Whether a repository-relative path (`/`-separated) names a git configuration file: `config` or
 * `config.worktree` in a git directory, the top one's, a submodule's under `.git/modules/**`, a
 * worktree's, or a repository nested in the tree (`vendor/x/.git/config`). A ref named `config`
 * matches too; scrubbing leaves its text as it is.
 */
export function isGitConfigPath(path: string): boolean {
  return /(^|\/)\.git\/(.*\/)?config(\.worktree)?$/.test(path);
}

/**
 * Every git configuration file under `dir` (absolute paths, `isGitConfigPath`): the tree is walked
 * for `.git` directories (symbolic links are not followed), as copying it does.
 */
export function gitConfigFilesDeep(dir: string): string[] {
  const out: string[] = [];
  const queue = [dir];
  while (queue.length > 0) {
    const d = queue.pop()!;
    for (const e of entries(d)) {
      if (!e.isDirectory()) continue;
      const sub = join(d, e.name);
      if (e.name === '.git') out.push(...gitConfigFiles(d));
      else queue.push(sub);
    }
  }
  return out;
}

/** At most this many directories under `.git/modules` are looked into (nested submodules). */
const MAX_MODULE_DIRS = 4096;

/**
 * The git configuration files of the repository at `dir` (absolute paths): `.git/config`,
 * `.git/config.worktree`, each submodule's under `.git/modules/**` (nested ones too), and each
 * linked worktree's `config.worktree`. Empty when `.git` is not a directory.
 */
export function gitConfigFiles(dir: string): string[] {
  const git = join(dir, '.git');
  if (!isDir(git)) return [];
  const out: string[] = [];
  const addConfigs = (d: string) => {
    for (const name of ['config', 'config.worktree']) if (isFile(join(d, name))) out.push(join(d, name));
  };
  addConfigs(git);
  // .git/modules/<name>/{config,modules/<name>/…}; a submodule's name may hold slashes, so every
  // directory below is looked at for a git directory's files (only git directories are there).
  const queue = [join(git, 'modules')];
  let seen = 0;
  while (queue.length > 0 && seen < MAX_MODULE_DIRS) {
    const d = queue.shift()!;
    seen++;
    for (const e of entries(d)) {
      if (!e.isDirectory()) continue;
      const sub = join(d, e.name);
      addConfigs(sub);
      queue.push(sub);
    }
  }
  for (const e of entries(join(git, 'worktrees')))
    if (e.isDirectory()) addConfigs(join(git, 'worktrees', e.name));
  return out;
}

function entries(d: string) {
  try {
    return readdirSync(d, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
