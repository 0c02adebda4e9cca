import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { skeleton, type CodeSymbol } from '../../src/code/index.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/code/${name}.fixture`, import.meta.url), 'utf8');
const brief = (symbols: CodeSymbol[]) =>
  symbols.map((s) => `${s.kind} ${s.qualifiedName} ${s.startLine}-${s.endLine}`);

describe('skeleton', () => {
  it('lists Python classes, methods and functions with ranges, decorators and docstring first lines', async () => {
    const result = await skeleton('geo/shapes.py', fixture('shapes.py'));
    expect(result.language).toBe('python');
    expect(brief(result.symbols)).toEqual([
      'class Shape 5-19',
      'method Shape.area 10-11',
      'method Shape.name 13-19',
      'class Circle 22-27',
      'method Circle.__init__ 23-24',
      'method Circle.area 26-27',
      'function largest 30-34',
      'function largest.key 32-33',
    ]);
    const name = result.symbols.find((s) => s.qualifiedName === 'Shape.name')!;
    expect(name.signature).toBe('@property def name(self):');
    expect(name.doc).toBe('The display name.');
    expect(result.symbols.find((s) => s.name === 'largest')!.signature).toBe(
      'def largest(shapes: list[Shape]) -> Shape:',
    );
    // Bodies are elided: no statement from a body reaches the skeleton.
    expect(result.text).not.toContain('NotImplementedError');
    expect(result.text).not.toContain('More text');
    expect(result.text).toMatch(/^ +5-19 \| class Shape:$/m);
    expect(result.text).toMatch(/^ *26-27 \| {5}def area\(self\) -> float: \.\.\.$/m);
  });

  it('finds JavaScript functions assigned to prototypes, object keys and classes, with JSDoc first lines', async () => {
    const result = await skeleton('src/plugin/calendar.js', fixture('calendar.js'));
    expect(result.language).toBe('javascript');
    expect(brief(result.symbols)).toEqual([
      'function week 8-10',
      'function weeks 12-12',
      'function weekOf 16-18',
      'class Calendar 20-29',
      'method Calendar.constructor 21-23',
      'method Calendar.firstDay 26-28',
      'function double 31-31',
    ]);
    expect(result.symbols[0]!.signature).toBe('proto.week = function (week = null)');
    expect(result.symbols[0]!.doc).toBe('Returns the week of the year.');
    expect(result.symbols.find((s) => s.name === 'weekOf')!.doc).toBe(
      'Counts weeks from the first Thursday.',
    );
    expect(result.text).not.toContain('Math.ceil');
  });

  it('covers TypeScript interfaces, type aliases, enums, classes and arrow functions', async () => {
    const result = await skeleton('src/store.ts', fixture('store.ts'));
    expect(result.language).toBe('typescript');
    expect(brief(result.symbols)).toEqual([
      'type Key 2-2',
      'interface Entry 4-7',
      'enum Mode 9-12',
      'class Store 15-29',
      'method Store.constructor 18-18',
      'method Store.put 21-24',
      'method Store.get 26-28',
      'function emptyStore 31-31',
    ]);
    expect(result.symbols.find((s) => s.name === 'put')!.signature).toBe('put(key: Key, value: T): void');
    expect(result.symbols.find((s) => s.name === 'Store')!.doc).toBe('An in-memory store.');
    expect(result.text).not.toContain('entries.set');
  });

  it('parses TSX with JSX in bodies', async () => {
    const result = await skeleton('ui/button.tsx', fixture('button.tsx'));
    expect(result.language).toBe('tsx');
    expect(brief(result.symbols)).toEqual([
      'interface ButtonProps 3-6',
      'function Button 9-11',
      'function IconButton 13-15',
      'class Toolbar 17-21',
      'method Toolbar.render 18-20',
    ]);
    expect(result.text).not.toContain('<button');
  });

  it('shows a parsed file without definitions as numbered text', async () => {
    const result = await skeleton('config.js', 'module.exports = { port: 8080 }\n');
    expect(result.language).toBe('javascript');
    expect(result.symbols).toEqual([]);
    expect(result.text).toBe('1 | module.exports = { port: 8080 }');
  });

  it('falls back to numbered plain text for other languages, cut at a limit', async () => {
    const result = await skeleton('docs/notes.md', '# Title\n\nfirst\nsecond\nthird\n', { maxTextLines: 3 });
    expect(result.language).toBe('text');
    expect(result.symbols).toEqual([]);
    expect(result.lineCount).toBe(5);
    expect(result.text.split('\n')).toEqual(['1 | # Title', '2 | ', '3 | first', '… 2 more lines not shown']);
  });
});
