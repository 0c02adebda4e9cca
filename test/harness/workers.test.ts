import { describe, expect, it } from 'vitest';
import { admittedWorkers, commandScript, diffFiles } from '../../src/harness/index.js';

const GiB = 2 ** 30;

describe('worker admission and scripts', () => {
  it('admits only as many workers as memory allows, and at least one', () => {
    expect(admittedWorkers(8, 3 * GiB, 24 * GiB)).toBe(8);
    expect(admittedWorkers(8, 3 * GiB, 10 * GiB)).toBe(3);
    expect(admittedWorkers(4, 3 * GiB, 1 * GiB)).toBe(1);
  });
  it('lists the files a diff touches, renames on both sides', () => {
    const d =
      'diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\ndiff --git a/old.js b/new.js\r\nrename from old.js\n';
    expect(diffFiles(d)).toEqual(['x.py', 'old.js', 'new.js']);
  });
  it('runs every command of a list in /testbed with stderr merged', () => {
    expect(commandScript(['a', 'b'])).toBe('cd /testbed\n{\na\nb\n} 2>&1');
  });
});
