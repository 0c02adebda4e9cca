import { describe, expect, it } from 'vitest';
import { applySearchReplace, checkEditSyntax, syntaxErrors } from '../../src/code/index.js';

describe('syntaxErrors', () => {
  it('is empty for valid code in each language', async () => {
    expect(await syntaxErrors('a.py', 'def f(x):\n    return x\n')).toEqual([]);
    expect(await syntaxErrors('a.js', 'const f = (x) => x;\n')).toEqual([]);
    expect(await syntaxErrors('a.ts', 'const f = (x: number): number => x;\n')).toEqual([]);
    expect(await syntaxErrors('a.tsx', 'const e = <div>{1}</div>;\n')).toEqual([]);
  });

  it('locates error and missing nodes', async () => {
    const python = await syntaxErrors('a.py', 'def f(x):\n    return (x\n');
    expect(python!.length).toBeGreaterThan(0);
    const ts = await syntaxErrors('a.ts', 'function f(x: number {\n  return x;\n}\n');
    expect(ts!.length).toBeGreaterThan(0);
    expect(ts![0]!.line).toBe(1);
  });

  it('returns null for a language without a grammar', async () => {
    expect(await syntaxErrors('README.md', '# (unbalanced')).toBeNull();
  });
});

describe('checkEditSyntax', () => {
  it('flags an edit that breaks the parse and passes one that does not', async () => {
    const before = 'def f(x):\n    return x + 1\n';
    // SEARCH blocks are whole lines (an exact match counts only at a line start, as in aider)
    const good = applySearchReplace(before, [
      { search: '    return x + 1\n', replace: '    return x + 2\n' },
    ]);
    const bad = applySearchReplace(before, [
      { search: '    return x + 1\n', replace: '    return (x + 2\n' },
    ]);
    if (!good.ok || !bad.ok) throw new Error('edits should apply');
    expect(await checkEditSyntax('f.py', before, good.newSource)).toMatchObject({
      ok: true,
      before: 0,
      after: 0,
    });
    const check = await checkEditSyntax('f.py', before, bad.newSource);
    expect(check.ok).toBe(false);
    expect(check.after).toBeGreaterThan(0);
    expect(await checkEditSyntax('notes.txt', 'a', '(')).toMatchObject({ ok: null });
  });
});
