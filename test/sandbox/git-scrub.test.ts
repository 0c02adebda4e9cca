import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  gitConfigFiles,
  gitConfigFilesDeep,
  isGitConfigPath,
  scrubGitConfig,
} from '../../src/sandbox/git-scrub.js';

// Checkouts as CI systems leave them (actions/checkout's persisted extraheader, a token in the
// remote's URL, a URL rewrite holding one, a credential helper that prints one); the tokens are
// made up.
const CHECKOUT = [
  '[core]',
  '\trepositoryformatversion = 0',
  '\tbare = false',
  '[remote "origin"]',
  '\turl = https://x-access-token:ghs_FAKE1234@github.com/o/r',
  '\tpushurl = https://ghp_FAKE5678@github.com/o/r.git',
  '\tfetch = +refs/heads/*:refs/remotes/origin/*',
  '[remote "mirror"]',
  '\turl = ssh://git@example.org/o/r.git',
  '[remote "other"]',
  '\turl = git@github.com:o/r.git',
  '[http "https://github.com/"]',
  '\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX0ZBS0U=',
  '\tsslVerify = true',
  '[http]',
  '\tExtraHeader = Authorization: Bearer FAKE',
  '\tproxy = http://user:FAKEPASS@proxy.example:3128',
  '[url "https://oauth2:glpat-FAKE@gitlab.example/"]',
  '\tinsteadOf = https://gitlab.example/',
  '[url "https://github.com/"]',
  '\tinsteadOf = git@github.com:',
  '[credential]',
  '\thelper = "!f() { echo password=FAKE; }; f"',
  '[credential "https://github.com"]',
  '\tusername = bot',
  '[submodule "lib"]',
  '\turl = https://user:FAKE9@github.com/o/lib',
  '[branch "main"]',
  '\tremote = origin',
  '',
].join('\n');

describe('a checkout copied into a sandbox', () => {
  it('loses the credentials its .git/config carries, and keeps everything else', () => {
    const out = scrubGitConfig(CHECKOUT);
    for (const secret of [
      'ghs_FAKE1234',
      'ghp_FAKE5678',
      'eC1hY2',
      'Bearer FAKE',
      'FAKEPASS',
      'glpat',
      'password=FAKE',
      'FAKE9',
    ])
      expect(out).not.toContain(secret);
    expect(out).toContain('\turl = https://github.com/o/r\n');
    expect(out).toContain('\tpushurl = https://github.com/o/r.git\n');
    expect(out).toContain('\tproxy = http://proxy.example:3128\n');
    expect(out).toContain('\turl = https://github.com/o/lib\n');
    // a user name alone is no secret outside http: ssh's `git@` stays, as the scp form does
    expect(out).toContain('\turl = ssh://git@example.org/o/r.git\n');
    expect(out).toContain('\turl = git@github.com:o/r.git\n');
    // the other keys of the http section stay; a rewrite without a user stays
    expect(out).toContain('[http "https://github.com/"]\n\tsslVerify = true\n');
    expect(out).toContain('[url "https://github.com/"]\n\tinsteadOf = git@github.com:\n');
    expect(out).not.toContain('[credential');
    expect(out).toContain('[branch "main"]\n\tremote = origin\n');
    expect(out).toContain('\tfetch = +refs/heads/*:refs/remotes/origin/*\n');
  });

  it('reads a key on the header line and a value continued with a backslash', () => {
    const out = scrubGitConfig('[http] extraheader = AUTH: x \\\n  FAKE-CONTINUED\n[core]\n\tbare = false\n');
    expect(out).not.toContain('FAKE-CONTINUED');
    expect(out).not.toContain('AUTH');
    expect(out).toContain('[core]\n\tbare = false');
  });

  it('leaves a config with nothing to take out as it is', () => {
    const plain = '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/o/r\n';
    expect(scrubGitConfig(plain)).toBe(plain);
  });
});

describe('the configuration files scrubbed', () => {
  it("are .git/config, the submodules' (nested, names with slashes) and the worktrees'", () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-scrub-files-'));
    try {
      const git = join(dir, '.git');
      const gitDir = (d: string, files: string[]) => {
        mkdirSync(d, { recursive: true });
        writeFileSync(join(d, 'HEAD'), 'ref: refs/heads/main\n');
        for (const f of files) writeFileSync(join(d, f), '[core]\n');
      };
      gitDir(git, ['config', 'config.worktree']);
      gitDir(join(git, 'modules', 'lib'), ['config']);
      gitDir(join(git, 'modules', 'third_party', 'zlib'), ['config']);
      gitDir(join(git, 'modules', 'lib', 'modules', 'inner'), ['config']);
      // a git directory being made (no HEAD yet) is scrubbed too
      mkdirSync(join(git, 'modules', 'nohead'));
      writeFileSync(join(git, 'modules', 'nohead', 'config'), '[core]\n');
      mkdirSync(join(git, 'worktrees', 'wt1'), { recursive: true });
      writeFileSync(join(git, 'worktrees', 'wt1', 'config.worktree'), '[core]\n');
      const rel = gitConfigFiles(dir)
        .map((f) => f.slice(dir.length + 1))
        .sort();
      expect(rel).toEqual([
        '.git/config',
        '.git/config.worktree',
        '.git/modules/lib/config',
        '.git/modules/lib/modules/inner/config',
        '.git/modules/nohead/config',
        '.git/modules/third_party/zlib/config',
        '.git/worktrees/wt1/config.worktree',
      ]);
      // a .git file (a worktree's or submodule's checkout) points elsewhere: nothing here to scrub
      writeFileSync(join(dir, 'sub.git'), 'x');
      rmSync(git, { recursive: true });
      writeFileSync(git, 'gitdir: /elsewhere\n');
      expect(gitConfigFiles(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('git configuration paths anywhere in the tree', () => {
  it('are the config files of git directories, never a work tree file named config', () => {
    for (const p of [
      '.git/config',
      '.git/config.worktree',
      '.git/modules/a/b/config',
      '.git/worktrees/w/config.worktree',
      'vendor/x/.git/config',
    ])
      expect(isGitConfigPath(p), p).toBe(true);
    for (const p of ['config', 'src/config', 'app/config.worktree', '.github/config', 'x.git/config'])
      expect(isGitConfigPath(p), p).toBe(false);
  });

  it("the host sandbox finds nested repositories' too", () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-scrub-deep-'));
    try {
      mkdirSync(join(dir, '.git'));
      writeFileSync(join(dir, '.git', 'config'), '[core]\n');
      mkdirSync(join(dir, 'vendor', 'x', '.git'), { recursive: true });
      writeFileSync(join(dir, 'vendor', 'x', '.git', 'config'), '[core]\n');
      writeFileSync(join(dir, 'vendor', 'config'), 'not git\n');
      expect(
        gitConfigFilesDeep(dir)
          .map((f) => f.slice(dir.length + 1))
          .sort(),
      ).toEqual(['.git/config', 'vendor/x/.git/config']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
