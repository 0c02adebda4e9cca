import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFiles, parseLocations, readElements } from '../../src/agent/index.js';

interface CorpusReply {
  id: string;
  kind: string;
  family: string;
  aiderFiles?: string[];
  text: string;
}
const corpus: CorpusReply[] = readFileSync(
  new URL('../fixtures/model-replies/corpus.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as CorpusReply);

describe('file answers as real models write them', () => {
  const asked = corpus.filter((r) => r.kind === 'files');
  // A pseudo-repository: every file any recorded reply asked for, plus decoys of the same names.
  const known = new Map<string, string>();
  for (const r of asked) for (const f of r.aiderFiles!) known.set(f, '');
  for (const f of [...known.keys()]) known.set(`vendor/${f.replace(/[^/]+$/, (n) => `old_${n}`)}`, '');

  it('finds the files aider itself took from each recorded reply', () => {
    expect(asked.length).toBeGreaterThan(200);
    const missed = asked.filter((r) => {
      const got = parseFiles(r.text, known);
      // aider leaves out files already in its chat; drydock has no chat, so it may find more.
      return r.aiderFiles!.some((f) => !got.includes(f)) && got.length < 3;
    });
    // Every reply's files, with aider's own file-mention reading as the reference.
    expect(missed.map((r) => r.id)).toEqual([]);
  });
});

describe('localization shapes', () => {
  const known = new Map([
    ['src/calc/ops.py', 'a\n'.repeat(100)],
    ['src/calc/__init__.py', ''],
    ['tests/test_ops.py', 'x\n'.repeat(40)],
  ]);

  it.each([
    ['drydock’s own (a fence of paths)', '```\nsrc/calc/ops.py\n```'],
    ['a numbered list', '1. src/calc/ops.py\n2. tests/test_ops.py'],
    ['a bulleted list with backticks', '- `src/calc/ops.py` holds mean\n- `tests/test_ops.py`'],
    ['bold paths in prose', 'The bug is in **src/calc/ops.py**; its test is tests/test_ops.py.'],
    ['Windows paths', 'src\\calc\\ops.py\ntests\\test_ops.py'],
    ['a bare file name the repository has once', 'Look at `ops.py` first, then test_ops.py.'],
    ['paths with ./ and /testbed/', './src/calc/ops.py\n/testbed/tests/test_ops.py'],
  ])('files: %s', (_, reply) => {
    expect(parseFiles(reply, known)[0]).toBe('src/calc/ops.py');
  });

  it('line ranges: drydock’s own, #L anchors, and Agentless’s path line with line: entries', () => {
    expect(parseLocations('src/calc/ops.py:10-12', known)).toEqual([
      { path: 'src/calc/ops.py', start: 10, end: 12 },
    ]);
    expect(parseLocations('See src/calc/ops.py#L5-L7.', known)).toEqual([
      { path: 'src/calc/ops.py', start: 5, end: 7 },
    ]);
    expect(
      parseLocations(
        '```\nsrc/calc/ops.py\nfunction: mean\nline: 42\nline: 44\n\ntests/test_ops.py\nlines: 3-4\n```',
        known,
      ),
    ).toEqual([
      { path: 'src/calc/ops.py', start: 42, end: 42 },
      { path: 'src/calc/ops.py', start: 44, end: 44 },
      { path: 'tests/test_ops.py', start: 3, end: 4 },
    ]);
    expect(parseLocations('- `src/calc/ops.py`, lines 20-25', known)).toEqual([
      { path: 'src/calc/ops.py', start: 20, end: 25 },
    ]);
  });

  it('elements under the path line of a file outside the chosen ones are not given to the file before it', () => {
    // As claude-3.5-sonnet wrote it for Agentless (django__django-11790): views.py was not chosen.
    const reply =
      '```\nsrc/calc/ops.py\nclass: Stats\nmethod: __init__\n\nsrc/calc/views.py\nclass: LoginView\nmethod: __init__\n```';
    expect(readElements(reply, ['src/calc/ops.py', 'tests/test_ops.py'])).toEqual([
      { path: 'src/calc/ops.py', kind: 'class', name: 'Stats' },
      { path: 'src/calc/ops.py', kind: 'method', name: '__init__' },
    ]);
    // Agentless's one-line and bulleted forms still read.
    expect(
      readElements('- `src/calc/ops.py`: function mean\n1. tests/test_ops.py\n   function: test_mean', [
        'src/calc/ops.py',
        'tests/test_ops.py',
      ]),
    ).toEqual([
      { path: 'src/calc/ops.py', kind: 'function', name: 'mean' },
      { path: 'tests/test_ops.py', kind: 'function', name: 'test_mean' },
    ]);
  });

  it('understands nothing in prose that names no file', () => {
    expect(parseFiles('I think the problem is in the averaging code.', known)).toEqual([]);
    expect(parseLocations('Somewhere near line 40.', known)).toEqual([]);
  });
});
