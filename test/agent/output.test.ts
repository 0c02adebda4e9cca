import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/code/index.js';
import { applyToWorkingTree, commitOnBranch } from '../../src/agent/index.js';
import { gitRepoFrom, repoState } from './repo-state.js';

describe('output to the user repository (host git, no sandbox)', () => {
  let dir = '';
  const before = 'def f():\n    return 1\n';
  const after = 'def f():\n    return 2\n';
  const patch = unifiedDiff('m.py', before, after);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'drydock-out-'));
    writeFileSync(join(dir, 'm.py'), before);
    writeFileSync(join(dir, 'other.txt'), 'a\n');
    gitRepoFrom(dir);
    // An uncommitted change to another file, and a stash: both must survive --branch.
    writeFileSync(join(dir, 'other.txt'), 'b\n');
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', 'stash', '-q'], { cwd: dir });
    writeFileSync(join(dir, 'other.txt'), 'c\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--branch commits HEAD plus the patch on a new branch and leaves working tree, index, HEAD and stash alone', async () => {
    const s = repoState(dir);
    const commit = await commitOnBranch(dir, 'drydock/fix', patch, 'drydock: f returns 2');
    const t = repoState(dir);
    expect({ tree: t.tree, index: t.index, stash: t.stash }).toEqual({
      tree: s.tree,
      index: s.index,
      stash: s.stash,
    });
    expect(t.refs).not.toBe(s.refs);
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, encoding: 'utf8' });
    expect(git('rev-parse', 'drydock/fix').trim()).toBe(commit);
    expect(git('show', 'drydock/fix:m.py')).toBe(after);
    expect(git('rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('main');
    await expect(commitOnBranch(dir, 'drydock/fix', patch, 'again')).rejects.toThrow(/already exists/);
  });

  it('--apply writes the patch into the working tree, and refuses one that does not apply', () => {
    applyToWorkingTree(dir, patch);
    expect(readFileSync(join(dir, 'm.py'), 'utf8')).toBe(after);
    expect(() => applyToWorkingTree(dir, patch)).toThrow(/does not apply/);
  });
});
