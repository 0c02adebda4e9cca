import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';
import type { Part } from '../../src/policy/index.js';

// Bash expands no brace inside quotes (bash manual, Brace Expansion: "a correctly-formed brace
// expansion must contain unquoted opening and closing braces"); a word joined from quoted and
// unquoted pieces was expanded whole (`'{a,b}'x` gave `ax bx`), which cut inline code such as
// `python3 -c '…{"a": 1, "b": 2}…'\''k'\''…'` into pieces that do not parse. Only decided.
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ unattended: true, budgetMs: Infinity });
});
afterAll(() => engine.close());

const argv = (c: string) =>
  engine
    .parts(c)
    .filter((p): p is Extract<Part, { kind: 'command' }> => p.kind === 'command')
    .map((p) => [p.name, ...p.args.map((a) => (a.dynamic ? '?' : a.text))]);

describe('brace expansion in a word of quoted and unquoted pieces', () => {
  it('leaves quoted braces alone, as bash does', () => {
    expect(argv(`echo '{a,b}'x`)).toEqual([['echo', '{a,b}x']]);
    expect(argv(`echo "{a,b}"x`)).toEqual([['echo', '{a,b}x']]);
    expect(argv(`echo '{a,b}'\\''x'`)).toEqual([['echo', "{a,b}'x"]]);
    // Unquoted braces still expand, beside quoted text without braces.
    expect(argv(`echo {a,b}'x'`)).toEqual([['echo', 'ax', 'bx']]);
    expect(argv(`cp x.{py,bak}`)).toEqual([['cp', 'x.py', 'x.bak']]);
    // Both kinds in one word: taken as a value only known when it runs.
    expect(argv(`echo '{a}'{b,c}`)).toEqual([['echo', '?']]);
  });

  it('reads inline code quoted with the usual close-escape-reopen', () => {
    const c = `python3 -c 'd = {"a": 1, "b": 2}\nprint(d['\\''a'\\''])'`;
    expect(engine.check(c).decision).toBe('allow');
    expect(
      engine.check(`python3 -c 'import os; d = {"a": 1, "b": 2}; os.system('\\''rm -rf ~'\\'')'`).decision,
    ).toBe('deny');
  });
});
