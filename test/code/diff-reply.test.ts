import { describe, expect, it } from 'vitest';
import { applySearchReplace, editBlocksFromDiff, parseEditBlocks } from '../../src/code/index.js';

const SRC = 'import os\n\n\ndef f(x):\n    y = x + 1\n    return y\n\n\ndef g():\n    return 2\n';

describe('editBlocksFromDiff: patch-shaped replies read as edit blocks', () => {
  it('turns each hunk of a unified diff into one block, ignoring wrong line counts', () => {
    const reply = [
      'Here is the patch:',
      '```diff',
      'diff --git a/pkg/m.py b/pkg/m.py',
      'index 1111111..2222222 100644',
      '--- a/pkg/m.py',
      '+++ b/pkg/m.py',
      '@@ -4,3 +4,3 @@',
      ' def f(x):',
      '-    y = x + 1',
      '+    y = x + 2',
      '     return y',
      '@@ -99,2 +99,3 @@ def g():', // wrong numbers, as models write them
      ' def g():',
      '-    return 2',
      '+    """Two."""',
      '+    return 2',
      '```',
    ].join('\n');
    const blocks = editBlocksFromDiff(reply);
    expect(blocks).toEqual([
      {
        path: 'pkg/m.py',
        search: 'def f(x):\n    y = x + 1\n    return y\n',
        replace: 'def f(x):\n    y = x + 2\n    return y\n',
      },
      {
        path: 'pkg/m.py',
        search: 'def g():\n    return 2\n',
        replace: 'def g():\n    """Two."""\n    return 2\n',
      },
    ]);
    const r = applySearchReplace(SRC, blocks, { path: 'pkg/m.py' });
    expect(r.ok && r.newSource).toBe(
      SRC.replace('x + 1', 'x + 2').replace('    return 2', '    """Two."""\n    return 2'),
    );
    // The SEARCH/REPLACE parser itself still reads no block here, as aider's does.
    expect(parseEditBlocks(reply).blocks).toEqual([]);
  });

  it('reads blank context lines written without their space, and drops blank lines after a hunk', () => {
    const reply =
      '--- a/m.py\n+++ b/m.py\n@@ -1,4 +1,4 @@\n import os\n\n\n-def f(x):\n+def f(x, z=0):\n\nDone.\n';
    expect(editBlocksFromDiff(reply)).toEqual([
      { path: 'm.py', search: 'import os\n\n\ndef f(x):\n', replace: 'import os\n\n\ndef f(x, z=0):\n' },
    ]);
  });

  it('reads *** Begin Patch replies: updates with and without @@, added files, and skips deletions', () => {
    const reply = [
      '*** Begin Patch',
      '*** Update File: src/a.ts',
      '-const a = 1;',
      '+const a = 2;',
      '*** Add File: src/new.ts',
      '+export const n = 1;',
      '*** Delete File: src/old.ts',
      '*** Update File: src/b.ts',
      '@@ function b() {',
      '   return 1;',
      '-}',
      '+} // b',
      '*** End Patch',
    ].join('\n');
    expect(editBlocksFromDiff(reply)).toEqual([
      { path: 'src/a.ts', search: 'const a = 1;\n', replace: 'const a = 2;\n' },
      { path: 'src/new.ts', search: '', replace: 'export const n = 1;\n' },
      { path: 'src/b.ts', search: '  return 1;\n}\n', replace: '  return 1;\n} // b\n' },
    ]);
  });

  it('gives a new file from --- /dev/null, skips a deleted one, and reads nothing from prose', () => {
    const reply =
      '--- /dev/null\n+++ b/docs/x.md\n@@ -0,0 +1,2 @@\n+# X\n+text\n--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x = 1\n';
    expect(editBlocksFromDiff(reply)).toEqual([{ path: 'docs/x.md', search: '', replace: '# X\ntext\n' }]);
    expect(editBlocksFromDiff('I would change the divisor.\n- first\n+ second\n')).toEqual([]);
  });
});
