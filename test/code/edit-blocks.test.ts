import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  describeEditBlockProblems,
  parseEditBlocks,
  parseSearchReplaceBlocks,
} from '../../src/code/index.js';
import { asPath } from '../../src/code/edit-blocks.js';
import { aiderBlocks } from './aider-reference.js';

interface CorpusReply {
  id: string;
  family: string;
  model: string;
  kind: 'edit' | 'files' | 'other';
  aiderFiles?: string[];
  source: { repo: string; path: string; commit: string; url: string; licence: string };
  text: string;
}

const corpus: CorpusReply[] = readFileSync(
  new URL('../fixtures/model-replies/corpus.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as CorpusReply);

const edits = corpus.filter((r) => r.kind === 'edit');
/** The replies the reference parser reads without an error, with what it read. */
const readable = edits.flatMap((r) => {
  try {
    return [{ r, ref: aiderBlocks(r.text) }];
  } catch {
    return [];
  }
});

const triples = (bs: { path?: string; search: string; replace: string }[]) =>
  bs.map((b) => [b.path ?? null, b.search, b.replace]);
/** The reference's file names as paths (it takes any line as a name; a prose line is no path). */
const refTriples = (bs: { path: string; search: string; replace: string }[]) => {
  let last: string | null = null;
  return bs.map((b) => {
    const p = asPath(b.path) ?? last;
    last = p;
    return [p, b.search, b.replace];
  });
};

describe('the reply corpus', () => {
  it('holds at least 300 recorded real replies from at least three model families, each with its source', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(new Set(edits.map((r) => r.family)).size).toBeGreaterThanOrEqual(3);
    for (const r of corpus) {
      expect(r.source.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(r.source.url).toContain(r.source.commit);
      expect(r.text.trim()).not.toBe('');
    }
  });

  it('gives the same edits as the reference parser on every reply the reference reads', () => {
    expect(readable.length).toBeGreaterThan(800);
    const differ = readable.filter(({ r, ref }) => {
      const ours = parseEditBlocks(r.text);
      return JSON.stringify(triples(ours.blocks)) !== JSON.stringify(refTriples(ref)) || ours.truncated;
    });
    expect(differ.map(({ r }) => r.id)).toEqual([]);
  });

  it('never returns a block holding a marker line, on any reply', () => {
    const marker = /^\s*(<{5,9} SEARCH|>{5,9} REPLACE)\s*$/m;
    const bad = edits.filter((r) =>
      parseEditBlocks(r.text).blocks.some((b) => marker.test(b.search + b.replace)),
    );
    expect(bad.map((r) => r.id)).toEqual([]);
  });

  // The four ways real replies break the reference, made from real replies: every class must
  // give the intended edits or be reported, never a candidate with wrong content.
  const withBlocks = readable.filter(({ ref }) => ref.length > 0);

  it('a reply cut off inside its last block is truncated, not silently partial', () => {
    let n = 0;
    for (const { r } of withBlocks) {
      const lines = r.text.split('\n');
      const lastHead = lines.findLastIndex((l) => l.trim() === '<<<<<<< SEARCH');
      const divider = lines.findIndex((l, k) => k > lastHead && l.trim() === '=======');
      const closer = lines.findIndex((l, k) => k > divider && l.trim() === '>>>>>>> REPLACE');
      if (closer - divider < 3) continue; // need a line inside the replacement to cut at
      const cut = lines.slice(0, divider + 2).join('\n');
      const parsed = parseEditBlocks(cut);
      expect(parsed.truncated, r.id).toBe(true);
      n++;
    }
    expect(n).toBeGreaterThan(300);
  });

  it('an extra ======= before >>>>>>> REPLACE is dropped, not written into the file', () => {
    let n = 0;
    for (const { r } of withBlocks) {
      const mutated = r.text.replace(/^>>>>>>> REPLACE[ \t]*$/gm, '=======\n>>>>>>> REPLACE');
      if (mutated === r.text) continue;
      expect(triples(parseEditBlocks(mutated).blocks), r.id).toEqual(triples(parseEditBlocks(r.text).blocks));
      n++;
    }
    expect(n).toBeGreaterThan(300);
  });

  it('a block closed by ======= ends there instead of swallowing what follows', () => {
    let n = 0;
    for (const { r } of withBlocks) {
      const mutated = r.text.replace(/^>>>>>>> REPLACE[ \t]*$/gm, '=======');
      if (mutated === r.text) continue;
      const parsed = parseEditBlocks(mutated);
      const original = triples(parseEditBlocks(r.text).blocks);
      // Either exactly the intended edits, or (where prose follows at once) reported: never others.
      if (parsed.problems.length === 0 && !parsed.truncated) {
        expect(triples(parsed.blocks), r.id).toEqual(original);
        n++;
      } else expect(parsed.problems.length + Number(parsed.truncated)).toBeGreaterThan(0);
      // The reference reads these as one block that swallows the rest, or fails.
    }
    expect(n).toBeGreaterThan(300);
  });

  it('file names written with backslashes are the same paths', () => {
    let n = 0;
    for (const { r } of withBlocks) {
      const lines = r.text.split('\n');
      const mutated = lines
        .map((l, k) =>
          lines.slice(k + 1, k + 3).some((x) => x.trim() === '<<<<<<< SEARCH') &&
          /^[\w.-]+(\/[\w.-]+)+$/.test(l.trim())
            ? l.replace(/\//g, '\\')
            : l,
        )
        .join('\n');
      if (mutated === r.text) continue;
      expect(triples(parseEditBlocks(mutated).blocks), r.id).toEqual(triples(parseEditBlocks(r.text).blocks));
      n++;
    }
    expect(n).toBeGreaterThan(300);
  });
});

describe('parseEditBlocks', () => {
  const block = (path: string, search: string, replace: string) =>
    [path, '```', '<<<<<<< SEARCH', search, '=======', replace, '>>>>>>> REPLACE', '```'].join('\n');

  it('reads blocks with their file paths from a model answer', () => {
    const answer = [
      'The bug is in the loop.',
      '```python',
      '### shop/cart.py',
      '<<<<<<< SEARCH',
      '    result = 0',
      '=======',
      '    result = 0.0',
      '>>>>>>> REPLACE',
      '```',
      'src/util.js',
      '<<<<<<< SEARCH',
      'old()',
      '=======',
      '>>>>>>> REPLACE',
    ].join('\n');
    expect(parseSearchReplaceBlocks(answer)).toEqual([
      { path: 'shop/cart.py', search: '    result = 0\n', replace: '    result = 0.0\n' },
      { path: 'src/util.js', search: 'old()\n', replace: '' },
    ]);
  });

  it.each(['Makefile', 'Dockerfile', '.mailmap', '.gitignore', 'docs/Makefile', 'CODEOWNERS'])(
    'takes %s as a file name',
    (name) => {
      expect(parseEditBlocks(block(name, 'a', 'b')).blocks).toEqual([
        { path: name, search: 'a\n', replace: 'b\n' },
      ]);
    },
  );

  it('takes a name the repository has even when it has no usual shape', () => {
    const parsed = parseEditBlocks(block('BUILDING', 'a', 'b'), { knownPaths: ['BUILDING'] });
    expect(parsed.blocks[0]!.path).toBe('BUILDING');
    expect(parseEditBlocks(block('BUILDING', 'a', 'b')).blocks[0]!.path).toBeUndefined();
  });

  it('reads Windows paths as slashes', () => {
    expect(parseEditBlocks(block('src\\app\\main.py', 'a', 'b')).blocks[0]!.path).toBe('src/app/main.py');
    expect(parseEditBlocks(block('django\\db\\models\\fields\\__init__.py', 'a', 'b')).blocks[0]!.path).toBe(
      'django/db/models/fields/__init__.py',
    );
    expect(parseEditBlocks(block('pkg\\__init__.py', 'a', 'b')).blocks[0]!.path).toBe('pkg/__init__.py');
    // Markdown's escaped underscore, as the reference reads it.
    expect(parseEditBlocks(block('`src/app/my\\_mod.py`', 'a', 'b')).blocks[0]!.path).toBe(
      'src/app/my_mod.py',
    );
  });

  it('keeps prose out of file names and uses the previous block’s file', () => {
    const text = `${block('a/b.py', 'x', 'y')}\nAnd then:\n<<<<<<< SEARCH\nz\n=======\nw\n>>>>>>> REPLACE\n`;
    expect(parseEditBlocks(text).blocks.map((b) => b.path)).toEqual(['a/b.py', 'a/b.py']);
  });

  it('takes a repository path from the fence that opens a block, or from the line introducing the first', () => {
    const known = ['calc/ops.py', 'calc/other.py', 'tests/test_ops.py'];
    const body = '<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n';
    const pathOf = (head: string) => parseEditBlocks(head + body, { knownPaths: known }).blocks[0]!.path;
    for (const head of [
      '```python calc/ops.py\n',
      '```python:calc/ops.py\n',
      '```calc/ops.py\n',
      '```py title="calc/ops.py"\n',
    ])
      expect(pathOf(head), head).toBe('calc/ops.py');
    for (const head of [
      '`calc/ops.py`:\n\n```python\n',
      'In calc/ops.py:\n```python\n',
      '1. calc/ops.py\n```\n',
    ])
      expect(pathOf(head), head).toBe('calc/ops.py');
    // Not a repository path, two of them, or prose further up: no name, as before.
    expect(pathOf('```python calc/nope.py\n')).toBeUndefined();
    expect(pathOf('From calc/ops.py to calc/other.py:\n```python\n')).toBeUndefined();
    expect(pathOf('See calc/ops.py.\n\nThen\nthis\nand\n```python\n')).toBeUndefined();
    expect(parseEditBlocks(`In calc/ops.py:\n\`\`\`python\n${body}`).blocks[0]!.path).toBeUndefined();
    // After a named block, prose mentioning another file does not take the next block from it;
    // a fence that names one does.
    const two = (intro: string) =>
      parseEditBlocks(`calc/ops.py\n\`\`\`\n${body}${intro}${body}`, { knownPaths: known }).blocks.map(
        (b) => b.path,
      );
    expect(two('Unlike tests/test_ops.py, this also changes:\n```\n')).toEqual([
      'calc/ops.py',
      'calc/ops.py',
    ]);
    expect(two('And:\n```python calc/other.py\n')).toEqual(['calc/ops.py', 'calc/other.py']);
  });

  it('marks a reply that ends inside a block as truncated and keeps only the complete blocks', () => {
    const text = `${block('a.py', 'x', 'y')}\n\na.py\n<<<<<<< SEARCH\nfoo\n=======\nbar(\n`;
    const parsed = parseEditBlocks(text);
    expect(parsed.truncated).toBe(true);
    expect(parsed.blocks).toHaveLength(1);
    expect(describeEditBlockProblems(parsed)).toContain('cut off');
  });

  it('drops a second ======= before >>>>>>> REPLACE', () => {
    const text = 'a.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n=======\n>>>>>>> REPLACE\n';
    const parsed = parseEditBlocks(text);
    expect(parsed.blocks).toEqual([{ path: 'a.py', search: 'x = 1\n', replace: 'x = 2\n' }]);
    expect(parsed.repairs.join()).toContain('second =======');
  });

  it('ends a block closed by ======= there, and reads the next block', () => {
    const text = [
      'a.py',
      '<<<<<<< SEARCH',
      'x = 1',
      '=======',
      'x = 2',
      '=======',
      'Now the caller:',
      '',
      'b.py',
      '<<<<<<< SEARCH',
      'f(x)',
      '=======',
      'f(x, 2)',
      '>>>>>>> REPLACE',
    ].join('\n');
    const parsed = parseEditBlocks(text);
    expect(parsed.blocks).toEqual([
      { path: 'a.py', search: 'x = 1\n', replace: 'x = 2\n' },
      { path: 'b.py', search: 'f(x)\n', replace: 'f(x, 2)\n' },
    ]);
    expect(parsed.problems).toEqual([]);
    // The reference swallows the prose and the second block into the first replacement.
    expect(aiderBlocks(text)[0]!.replace).toContain('Now the caller:');
  });

  it('closes the last block at ======= before a closing fence', () => {
    const text = '```\na.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n=======\n```\nDone.';
    expect(parseEditBlocks(text)).toMatchObject({
      blocks: [{ path: 'a.py', search: 'x = 1\n', replace: 'x = 2\n' }],
      truncated: false,
    });
  });

  it('keeps indented ======= lines (docstring underlines) as content', () => {
    const text =
      'a.py\n<<<<<<< SEARCH\n    Returns\n    -------\n=======\n    Returns\n    =======\n>>>>>>> REPLACE\n';
    expect(parseEditBlocks(text).blocks[0]!.replace).toBe('    Returns\n    =======\n');
  });

  it('reports a block with ======= in the middle of its replacement, quoting the lines', () => {
    const text = 'a.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n=======\ny = 3\n>>>>>>> REPLACE\n';
    const parsed = parseEditBlocks(text);
    expect(parsed.blocks).toEqual([]);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]!.quote).toContain('   6 | =======');
    const observation = describeEditBlockProblems(parsed);
    expect(observation).toContain('more than one =======');
    expect(observation).toContain('y = 3');
  });

  it('skips shell blocks as the reference does', () => {
    const text = '```bash\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n```\n';
    expect(parseEditBlocks(text).blocks).toEqual([]);
    expect(aiderBlocks(text)).toEqual([]);
  });
});

describe('a block holding more than one ======= line, read against the file', () => {
  const rst = 'Intro\n\n.. _iterable:\n\nIteration\n=========\n';
  const reply =
    'docs/async.rst\n<<<<<<< SEARCH\n\n.. _iterable:\n=======\n\nAsyncIO\n=======\n\nSome text.\n\n.. _iterable:\n>>>>>>> REPLACE\n';

  it('takes the ======= whose SEARCH side is in the file (a heading underline in the replacement)', () => {
    const parsed = parseEditBlocks(reply, { sources: new Map([['docs/async.rst', rst]]) });
    expect(parsed.problems).toEqual([]);
    expect(parsed.blocks).toEqual([
      {
        path: 'docs/async.rst',
        search: '\n.. _iterable:\n',
        replace: '\nAsyncIO\n=======\n\nSome text.\n\n.. _iterable:\n',
      },
    ]);
    expect(parsed.repairs.join()).toContain('divides it');
  });

  it('takes the longest SEARCH side when the file holds the underline itself', () => {
    const md = 'Title\n=======\nold line\n';
    const text =
      'README.md\n<<<<<<< SEARCH\nTitle\n=======\nold line\n=======\nTitle\n=======\nnew line\n>>>>>>> REPLACE\n';
    const [block] = parseEditBlocks(text, { sources: new Map([['README.md', md]]) }).blocks;
    expect(block).toEqual({
      path: 'README.md',
      search: 'Title\n=======\nold line\n',
      replace: 'Title\n=======\nnew line\n',
    });
  });

  it('reads a new document whose content underlines a heading', () => {
    const text = 'docs/new.rst\n<<<<<<< SEARCH\n=======\nHeading\n=======\nBody\n>>>>>>> REPLACE\n';
    const [block] = parseEditBlocks(text, { sources: new Map() }).blocks;
    expect(block).toEqual({ path: 'docs/new.rst', search: '', replace: 'Heading\n=======\nBody\n' });
  });

  it('still reports a second ======= in code that never holds one, and without the file', () => {
    const code = 'x = 1\n';
    const text = 'a.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n=======\ny = 3\n>>>>>>> REPLACE\n';
    expect(parseEditBlocks(text, { sources: new Map([['a.py', code]]) }).problems).toHaveLength(1);
    expect(parseEditBlocks(reply).problems).toHaveLength(1);
    // No reading whose SEARCH side is in the file: still a problem.
    expect(
      parseEditBlocks(reply, { sources: new Map([['docs/async.rst', 'other\n']]) }).problems,
    ).toHaveLength(1);
  });
});
