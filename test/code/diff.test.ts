import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/code/index.js';

const dir = mkdtempSync(join(tmpdir(), 'drydock-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Applies our diff with git and returns the file it produced. */
function gitApplied(before: string, after: string): string {
  writeFileSync(join(dir, 'f.txt'), before);
  const diff = unifiedDiff('f.txt', before, after);
  execFileSync('git', ['apply', '--whitespace=nowarn', '-'], {
    cwd: dir,
    input: diff,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return readFileSync(join(dir, 'f.txt'), 'utf8');
}

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

describe('unifiedDiff', () => {
  it('is empty when nothing changed', () => {
    expect(unifiedDiff('f.txt', 'a\n', 'a\n')).toBe('');
  });

  it('produces diffs that git applies: changes far apart, insertions, deletions', () => {
    const before = lines(40);
    const after = before
      .replace('line 3\n', 'line three\n')
      .replace('line 30\n', '')
      .replace('line 39\n', 'line 39\nnew\n');
    expect(gitApplied(before, after)).toBe(after);
    const diff = unifiedDiff('f.txt', before, after);
    // Changes more than 2·context lines apart get their own hunks.
    expect(diff.match(/^@@/gm)).toHaveLength(3);
  });

  it('handles a missing final newline on either side', () => {
    expect(gitApplied('a\nb', 'a\nc')).toBe('a\nc');
    expect(gitApplied('a\nb', 'a\nb\n')).toBe('a\nb\n');
    expect(gitApplied('a\nb\n', 'a\nb')).toBe('a\nb');
  });
});
