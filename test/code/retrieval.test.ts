import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildSymbolIndex,
  codeTokens,
  DirectoryAnalysisCache,
  issueMentions,
  MemoryAnalysisCache,
  retrieve,
  skeleton,
  type FileAnalysis,
  type SourceFile,
} from '../../src/code/index.js';

const repo: SourceFile[] = [
  {
    path: 'src/billing/invoice.py',
    source: [
      'class Invoice:',
      '    """A bill sent to a customer."""',
      '',
      '    def total(self):',
      '        return sum(line.amount for line in self.lines)',
      '',
      '',
      'def parse_amount(text):',
      '    return float(text.replace(",", ""))',
      '',
    ].join('\n'),
  },
  {
    path: 'src/billing/tax.py',
    source: [
      'from .invoice import parse_amount',
      '',
      'def apply_tax(invoice, rate):',
      '    base = parse_amount(invoice.raw)',
      '    return base * rate',
      '',
      '# parse_amount and "parse_amount" here are a comment and a string: not uses.',
      'NOTE = "parse_amount"',
      '',
    ].join('\n'),
  },
  {
    path: 'src/ui/renderInvoice.ts',
    source: [
      '/** Renders an invoice as HTML. */',
      'export function renderInvoice(total: number): string {',
      '  return `<p>${total}</p>`;',
      '}',
      '',
    ].join('\n'),
  },
  {
    path: 'tests/test_invoice.py',
    source: [
      'from billing.invoice import Invoice',
      '',
      'def test_invoice_total():',
      '    invoice = Invoice()',
      '    assert invoice.total() == 0  # invoice total invoice',
      '',
    ].join('\n'),
  },
  {
    path: 'docs/guide.md',
    source: '# Guide\n\nInvoices have lines; the total sums them.\nUse parse_amount for input.\n',
  },
];

describe('codeTokens', () => {
  it('splits camelCase and snake_case, keeps identifiers whole and dotted paths, and stems', () => {
    expect(codeTokens('parseHTTPResponse')).toEqual(['parsehttpresponse', 'pars', 'http', 'respons']);
    expect(codeTokens('snake_case_name')).toEqual(['snakecasename', 'snak', 'case', 'name']);
    expect(codeTokens('validators.in_ fails')).toEqual(['validators.in_', 'validator', 'fail']); // `in` is a stop word
    // Stop words and keywords go.
    expect(codeTokens('the return of self')).toEqual([]);
  });
});

describe('issueMentions', () => {
  it('finds paths, code-looking identifiers and stack frames', () => {
    const mentions = issueMentions(
      [
        'Calling `total` on an Invoice breaks in src/billing/tax.py, see parse_amount and invoice.raw. Also .refund fails.',
        'Traceback (most recent call last):',
        '  File "/srv/app/src/billing/tax.py", line 4, in apply_tax',
        '    at renderInvoice (src/ui/renderInvoice.ts:3:10)',
      ].join('\n'),
    );
    expect(mentions.paths).toEqual(
      expect.arrayContaining([
        'src/billing/tax.py',
        '/srv/app/src/billing/tax.py',
        'src/ui/renderInvoice.ts',
      ]),
    );
    expect(mentions.identifiers).toEqual(
      expect.arrayContaining(['total', 'parse_amount', 'invoice.raw', 'apply_tax', 'renderInvoice']),
    );
    expect(mentions.identifiers).toContain('refund');
    expect(mentions.identifiers).not.toContain('Calling');
    expect(mentions.identifiers).not.toContain('Also');
    expect(mentions.frames).toEqual([
      { path: '/srv/app/src/billing/tax.py', line: 4, symbol: 'apply_tax' },
      { path: 'src/ui/renderInvoice.ts', line: 3, symbol: 'renderInvoice' },
    ]);
  });
});

describe('buildSymbolIndex', () => {
  it('finds definitions by simple, qualified and module-qualified name', async () => {
    const index = await buildSymbolIndex(repo);
    expect(index.definitions('total').map((d) => d.path)).toEqual(['src/billing/invoice.py']);
    expect(index.definitions('Invoice.total')[0]!.symbol).toMatchObject({
      kind: 'method',
      startLine: 4,
      endLine: 5,
    });
    expect(index.definitions('invoice.parse_amount')[0]!.path).toBe('src/billing/invoice.py');
    expect(index.definitions('renderInvoice')[0]!.symbol.doc).toBe('Renders an invoice as HTML.');
  });

  it('finds references as identifiers in parsed files and as words in text, without definitions', async () => {
    const index = await buildSymbolIndex(repo);
    expect((await index.references('parse_amount')).map((r) => `${r.path}:${r.line} ${r.how}`)).toEqual([
      'src/billing/tax.py:1 syntax',
      'src/billing/tax.py:4 syntax',
      'docs/guide.md:4 text',
    ]);
    expect((await index.references('Invoice')).map((r) => `${r.path}:${r.line}`)).toEqual([
      'tests/test_invoice.py:1',
      'tests/test_invoice.py:4',
    ]);
    // A method name used as a property, a TypeScript parameter, and the word in prose.
    expect((await index.references('total')).map((r) => `${r.path}:${r.line}`)).toEqual([
      'src/ui/renderInvoice.ts:2',
      'src/ui/renderInvoice.ts:3',
      'tests/test_invoice.py:5',
      'docs/guide.md:3',
    ]);
  });

  it('reuses cached analyses for unchanged contents and keys the snapshot by content', async () => {
    const gets: string[] = [];
    const sets: string[] = [];
    const memory = new MemoryAnalysisCache();
    const cache = {
      get: (key: string) => {
        const hit = memory.get(key);
        if (hit) gets.push(key);
        return hit;
      },
      set: (key: string, value: FileAnalysis) => {
        sets.push(key);
        memory.set(key, value);
      },
    };
    const first = await buildSymbolIndex(repo, { cache });
    expect(sets).toHaveLength(repo.length);
    const changed = repo.map((f) =>
      f.path === 'docs/guide.md' ? { ...f, source: `${f.source}More.\n` } : f,
    );
    const second = await buildSymbolIndex(changed, { cache });
    expect(gets).toHaveLength(repo.length - 1);
    expect(sets).toHaveLength(repo.length + 1);
    expect(second.snapshot).not.toBe(first.snapshot);
    expect((await buildSymbolIndex(repo, { cache })).snapshot).toBe(first.snapshot);
  });

  it('keeps analyses on disk for the next process, and treats a damaged entry as a miss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-cache-'));
    try {
      const first = await buildSymbolIndex(repo, { cache: new DirectoryAnalysisCache(dir) });
      const entries = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
        f.endsWith('.json'),
      );
      expect(entries).toHaveLength(repo.length);
      writeFileSync(join(dir, entries[0]!), '{"truncated');
      const reads: string[] = [];
      const reopened = new DirectoryAnalysisCache(dir);
      const counting = {
        get: (key: string) => {
          const hit = reopened.get(key);
          if (hit) reads.push(key);
          return hit;
        },
        set: (key: string, value: FileAnalysis) => reopened.set(key, value),
      };
      const second = await buildSymbolIndex(repo, { cache: counting });
      expect(reads).toHaveLength(repo.length - 1);
      expect(second.definitions('Invoice.total')).toEqual(first.definitions('Invoice.total'));
      expect(new DirectoryAnalysisCache(join(dir, 'nowhere')).get('1:python:50:abc')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('skips binary files and says why', async () => {
    const index = await buildSymbolIndex([...repo, { path: 'logo.bin', source: 'PNG\0\0' }]);
    expect(index.skipped).toEqual([{ path: 'logo.bin', reason: 'binary' }]);
  });
});

describe('retrieve', () => {
  it('ranks the file that defines a named symbol first, and its chunk among the top', async () => {
    const index = await buildSymbolIndex(repo);
    const result = retrieve('`Invoice.total` returns the wrong sum for lines', index, { k: 3 });
    expect(result.files[0]!.path).toBe('src/billing/invoice.py');
    expect(result.files[0]!.reasons).toContain('defines Invoice.total');
    expect(result.chunks[0]).toMatchObject({
      path: 'src/billing/invoice.py',
      symbol: 'Invoice.total',
      kind: 'method',
    });
    expect(result.files.length).toBeLessThanOrEqual(3);
  });

  it('follows stack-trace frames to the file', async () => {
    const index = await buildSymbolIndex(repo);
    const issue =
      'Crash on invoice total\nTraceback:\n  File "/srv/app/src/billing/tax.py", line 4, in apply_tax\nValueError';
    const result = retrieve(issue, index);
    expect(result.files[0]!.path).toBe('src/billing/tax.py');
    expect(result.files[0]!.reasons).toContain('stack frame');
    // The frame's line picks the function it is in.
    expect(result.chunks[0]).toMatchObject({ path: 'src/billing/tax.py', symbol: 'apply_tax' });
  });

  it('takes the innermost function around a frame line, even when the frame names no function', async () => {
    const index = await buildSymbolIndex(repo);
    // The words point at parse_amount; the frame's line is in Invoice.total.
    const issue =
      'parse amount of the text fails\nTraceback:\n  File "src/billing/invoice.py", line 5, in <genexpr>\nAttributeError';
    expect(retrieve(issue, index).chunks[0]).toMatchObject({
      path: 'src/billing/invoice.py',
      symbol: 'Invoice.total',
    });
  });

  it('ranks source above tests that only repeat the words', async () => {
    const index = await buildSymbolIndex(repo);
    const ranked = retrieve('invoice total is wrong', index).files.map((f) => f.path);
    expect(ranked.indexOf('src/billing/invoice.py')).toBeLessThan(ranked.indexOf('tests/test_invoice.py'));
    const unweighted = retrieve('invoice total is wrong', index, { testFileWeight: 1 }).files.map(
      (f) => f.path,
    );
    expect(unweighted[0]).toBe('tests/test_invoice.py');
  });
});

describe('SymbolIndex.skeleton', () => {
  it('renders a file from the index the same as skeleton() does', async () => {
    const index = await buildSymbolIndex(repo);
    const file = repo[0]!;
    expect(index.skeleton(file.path)!.text).toBe((await skeleton(file.path, file.source)).text);
    expect(index.skeleton('docs/guide.md')!.text).toContain('3 | Invoices have lines');
    expect(index.skeleton('missing.py')).toBeUndefined();
  });
});
