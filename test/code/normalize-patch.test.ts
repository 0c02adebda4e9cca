import { describe, expect, it } from 'vitest';
import { normalizePatch, unifiedDiff } from '../../src/code/index.js';

const patch = (path: string, ...body: string[]) =>
  [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, ...body, ''].join('\n');

const base = patch(
  'src/calc.py',
  '@@ -10,3 +10,3 @@ def area(r):',
  '     x = 1',
  '-    return 3.14 * r * r',
  '+    return math.pi * r ** 2',
  '     y = 2',
);

describe('normalizePatch', () => {
  it('gives the same key to patches that differ only in whitespace, comments, quotes and context', () => {
    const spaced = patch(
      'src/calc.py',
      '@@ -12,1 +12,2 @@',
      '-    return 3.14 * r * r',
      '+    return   math.pi*r**2   # use the constant',
      '+',
    );
    expect(normalizePatch(spaced)).toBe(normalizePatch(base));

    const js = patch('src/a.js', '@@ -1,2 +1,2 @@', "-const s = 'a'", '+const s = "b";');
    const jsFormatted = patch(
      'src/a.js',
      '@@ -5,2 +5,3 @@',
      '-const s = "a";',
      '+// changed',
      "+const s = 'b'",
    );
    expect(normalizePatch(jsFormatted)).toBe(normalizePatch(js));
  });

  it('ignores reflowed lines, trailing commas and lines that were re-typed unchanged', () => {
    const one = patch('m.py', '@@ -1,2 +1,2 @@', '-call(a, b)', '+call(a, c)');
    const wrapped = patch(
      'm.py',
      '@@ -1,2 +1,5 @@',
      '-call(a, b)',
      '-keep = 1',
      '+call(',
      '+    a,',
      '+    c,',
      '+)',
      '+keep = 1',
    );
    expect(normalizePatch(wrapped)).toBe(normalizePatch(one));
  });

  it('drops pure formatting changes in other hunks', () => {
    const withNoise = `${base}${patch('src/other.py', '@@ -1 +1 @@', '-x=1', '+x = 1')}`;
    expect(normalizePatch(withNoise)).toBe(normalizePatch(base));
  });

  it('reads plain `diff -u` output, where a removed `--- ` line and a file header look alike', () => {
    const plain = [
      '--- a/notes.py',
      '+++ b/notes.py',
      '@@ -1,2 +1,2 @@',
      '--- old = 1',
      '+x = 2',
      ' keep()',
      '--- a/src/calc.py',
      '+++ b/src/calc.py',
      '@@ -10,3 +10,3 @@',
      '     x = 1',
      '-    return 3.14 * r * r',
      '+    return math.pi * r ** 2',
      '     y = 2',
      '',
    ].join('\n');
    const notesOnly = patch('notes.py', '@@ -1,2 +1,2 @@', '--- old = 1', '+x = 2', ' keep()');
    expect(normalizePatch(plain)).toBe(normalizePatch(`${notesOnly}${base}`));
    expect(normalizePatch(plain)).not.toBe(normalizePatch(base));
  });

  it('gives different keys to different changes', () => {
    const other = patch(
      'src/calc.py',
      '@@ -10,3 +10,3 @@',
      '-    return 3.14 * r * r',
      '+    return math.pi * r ** 3',
    );
    expect(normalizePatch(other)).not.toBe(normalizePatch(base));
    const otherFile = base.replaceAll('src/calc.py', 'src/geometry.py');
    expect(normalizePatch(otherFile)).not.toBe(normalizePatch(base));
  });

  it('gives one key to one change however a diff tool aligned it into -/+ runs', () => {
    const before = 'def g(val):\n    return val\n\nz = 1\n';
    const after = 'if c:\n    y = 2\n\ndef g(val):\n    return val\n\nz = 1\n';
    const ours = unifiedDiff('m.py', before, after);
    // The same change as another tool may write it: the old lines removed, then added back after a blank.
    const realigned = patch(
      'm.py',
      '@@ -1,4 +1,7 @@',
      '-def g(val):',
      '-    return val',
      '+if c:',
      '+    y = 2',
      ' ',
      '+def g(val):',
      '+    return val',
      '+',
      ' z = 1',
    );
    expect(normalizePatch(realigned)).toBe(normalizePatch(ours));
    expect(normalizePatch(realigned)).not.toBe(
      normalizePatch(unifiedDiff('m.py', before, after.replace('y = 2', 'y = 3'))),
    );
  });
});
