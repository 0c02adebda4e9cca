import { describe, expect, it } from 'vitest';
import {
  applySearchReplace,
  EditError,
  isEmptySearch,
  type EditOutcome,
  type EditSuccess,
} from '../../src/code/index.js';

const source = [
  'def total(items):',
  '    result = 0',
  '    for item in items:',
  '        result += item.price',
  '    return result',
  '',
].join('\n');

function ok(outcome: EditOutcome): EditSuccess {
  if (!outcome.ok) throw outcome.error;
  return outcome;
}

function failed(outcome: EditOutcome): EditError {
  if (outcome.ok) throw new Error('expected the edit to fail');
  return outcome.error;
}

describe('applySearchReplace', () => {
  it('applies an exact match with confidence 1 and a unified diff', () => {
    const result = ok(
      applySearchReplace(
        source,
        [
          {
            search: '        result += item.price\n',
            replace: '        result += item.price * item.quantity\n',
          },
        ],
        {
          path: 'shop/cart.py',
        },
      ),
    );
    expect(result.exact).toBe(true);
    expect(result.confidence).toBe(1);
    expect(result.newSource).toContain('item.price * item.quantity');
    expect(result.matches[0]).toMatchObject({ strategy: 'exact', startLine: 4, endLine: 4 });
    expect(result.diff).toBe(
      [
        'diff --git a/shop/cart.py b/shop/cart.py',
        '--- a/shop/cart.py',
        '+++ b/shop/cart.py',
        '@@ -1,5 +1,5 @@',
        ' def total(items):',
        '     result = 0',
        '     for item in items:',
        '-        result += item.price',
        '+        result += item.price * item.quantity',
        '     return result',
        '',
      ].join('\n'),
    );
  });

  it('tolerates trailing whitespace, then indentation (re-indenting the replacement), with lower confidence', () => {
    const trailing = ok(
      applySearchReplace(source, [{ search: '    result = 0   \n', replace: '    result = 0.0\n' }]),
    );
    expect(trailing.exact).toBe(false);
    expect(trailing.matches[0]!.strategy).toBe('trailing-whitespace');
    expect(trailing.confidence).toBeLessThan(1);
    expect(trailing.newSource).toContain('    result = 0.0\n    for');

    const dedented = ok(
      applySearchReplace(source, [
        {
          search: 'for item in items:\n    result += item.price\n',
          replace: 'for item in items:\n    if item:\n        result += item.price\n',
        },
      ]),
    );
    expect(dedented.matches[0]!.strategy).toBe('indentation');
    expect(dedented.confidence).toBeLessThan(trailing.confidence);
    expect(dedented.newSource).toBe(
      source.replace(
        '        result += item.price\n',
        '        if item:\n            result += item.price\n',
      ),
    );
  });

  it('falls back to ignoring all whitespace and blank lines', () => {
    const result = ok(
      applySearchReplace(source, [
        {
          search: 'result=0\n\nfor item in  items:\n',
          replace: '    result = 0\n    for item in sorted(items):\n',
        },
      ]),
    );
    expect(result.matches[0]!.strategy).toBe('whitespace');
    expect(result.newSource).toContain('for item in sorted(items):');
    expect(result.confidence).toBe(0.7);
  });

  it('reports a missing SEARCH text with the closest region', () => {
    const error = failed(
      applySearchReplace(source, [{ search: '    result = 1\n    for item in items:\n', replace: 'x\n' }], {
        path: 'cart.py',
      }),
    );
    expect(error).toBeInstanceOf(EditError);
    expect(error.code).toBe('SEARCH_NOT_FOUND');
    expect(error.message).toContain('SEARCH block 1 for cart.py matches nothing');
    expect(error.lines).toEqual([2]);
    expect(error.fix).toBeTruthy();
  });

  it('refuses an ambiguous SEARCH text and says where it matched', () => {
    const twice = 'a = 1\nb = 2\na = 1\n';
    const error = failed(applySearchReplace(twice, [{ search: 'a = 1\n', replace: 'a = 3\n' }]));
    expect(error.code).toBe('SEARCH_AMBIGUOUS');
    expect(error.lines).toEqual([1, 3]);
    // Also when the match is only found loosely.
    expect(
      failed(applySearchReplace('  x()\ny\n    x()\n', [{ search: 'x()\n', replace: 'z()\n' }])).code,
    ).toBe('SEARCH_AMBIGUOUS');
  });

  it('applies blocks in order and stops at the first that fails, naming it', () => {
    const result = ok(
      applySearchReplace(source, [
        { search: 'result = 0', replace: 'result = start' },
        { search: 'def total(items):', replace: 'def total(items, start=0):' },
      ]),
    );
    expect(result.newSource.startsWith('def total(items, start=0):\n    result = start\n')).toBe(true);
    const error = failed(
      applySearchReplace(source, [
        { search: 'result = 0', replace: 'r = 0' },
        { search: 'result = 0', replace: 'x' },
      ]),
    );
    expect(error.block).toBe(1);
  });

  it('creates content for an empty file from an empty SEARCH, and refuses that on a non-empty file', () => {
    expect(
      ok(applySearchReplace('', [{ search: '', replace: 'print(1)\n' }], { path: 'new.py' })).diff,
    ).toContain('--- /dev/null');
    expect(failed(applySearchReplace(source, [{ search: '', replace: 'x\n' }])).code).toBe('SEARCH_EMPTY');
  });

  it("keeps REPLACE's own indentation when only SEARCH was indented wrongly", () => {
    // SEARCH four spaces too deep, REPLACE written as the file has it: the model meant REPLACE.
    const onlySearch = ok(
      applySearchReplace(source, [
        {
          search: '        for item in items:\n            result += item.price\n',
          replace: '    for item in items:\n        if item:\n            result += item.price\n',
        },
      ]),
    );
    expect(onlySearch.matches[0]!.strategy).toBe('indentation');
    expect(onlySearch.newSource).toBe(
      source.replace(
        '        result += item.price\n',
        '        if item:\n            result += item.price\n',
      ),
    );
    // No line in common, REPLACE at the file's indentation: also kept as written.
    const noShared = ok(
      applySearchReplace(source, [{ search: 'result = 0\n', replace: '    result = 0.0\n' }]),
    );
    expect(noShared.newSource).toContain('\n    result = 0.0\n    for');
  });

  it("keeps REPLACE as written when its first and last lines sit at the file's indentation, though it indents the lines between", () => {
    // From a real commit (pytest 32f60cc): the fix wraps lines in an `if`, so most lines shared
    // with SEARCH move to SEARCH's (wrong) depth by coincidence; the anchors tell the frame.
    const file =
      'def f(fp):\n    # header\n    flags = 0\n    fp.write(flags)\n    size = 1\n    fp.write(size)\n    fp.close()\n';
    const out = ok(
      applySearchReplace(file, [
        {
          search:
            '        # header\n        flags = 0\n        fp.write(flags)\n        size = 1\n        fp.write(size)\n        fp.close()\n',
          replace:
            '    # header\n    if mode:\n        flags = 0\n        fp.write(flags)\n        size = 1\n        fp.write(size)\n    fp.close()\n',
        },
      ]),
    );
    expect(out.matches[0]!.strategy).toBe('indentation');
    expect(out.newSource).toBe(
      'def f(fp):\n    # header\n    if mode:\n        flags = 0\n        fp.write(flags)\n        size = 1\n        fp.write(size)\n    fp.close()\n',
    );
    // The whole answer shifted (anchors at SEARCH's depth too): shifted back as before.
    const shifted = ok(
      applySearchReplace(file, [
        {
          search: '        # header\n        flags = 0\n',
          replace: '        # header\n        flags = 1\n',
        },
      ]),
    );
    expect(shifted.newSource).toBe(file.replace('flags = 0', 'flags = 1'));
  });

  it('treats a SEARCH of blank lines as empty: it fills a new file, and refuses a non-empty one', () => {
    expect(isEmptySearch('\n')).toBe(true);
    expect(isEmptySearch('  \n\n')).toBe(true);
    expect(isEmptySearch('x\n')).toBe(false);
    expect(ok(applySearchReplace('', [{ search: '\n', replace: 'new\n' }])).newSource).toBe('new\n');
    expect(failed(applySearchReplace(source, [{ search: '\n', replace: 'x\n' }])).code).toBe('SEARCH_EMPTY');
  });

  it('keeps CRLF line ends when the match is loose', () => {
    const crlf = 'a = 1\r\nb = 2\r\n';
    const result = ok(applySearchReplace(crlf, [{ search: 'a = 1\nb = 2\n', replace: 'a = 1\nb = 3\n' }]));
    expect(result.newSource).toBe('a = 1\r\nb = 3\r\n');
  });
});
