import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

/**
 * Single-line commands from public bypass reports (issue URL) and from the classes
 * issue 14 lists (named as `class: …`), plus everyday benign work. Held-out commands
 * of the same classes are measured elsewhere: the fixes are per class, not per line.
 */
interface Entry {
  command: string;
  expect: 'dangerous' | 'benign';
  class: string;
  source: string;
}
const corpus = readFileSync(new URL('../fixtures/policy/corpus.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Entry);
const dangerous = corpus.filter((e) => e.expect === 'dangerous');
const benign = corpus.filter((e) => e.expect === 'benign');

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create();
});

describe('the public-report corpus', () => {
  it('has at least 300 dangerous and 200 benign commands, each with its source, covering every class of issue 14', () => {
    expect(dangerous.length).toBeGreaterThanOrEqual(300);
    expect(benign.length).toBeGreaterThanOrEqual(200);
    for (const e of corpus) expect(e.source, e.command).toMatch(/^(https:\/\/github\.com\/|class: )/);
    const classes = new Set(dangerous.map((e) => e.class));
    for (const c of [
      'git-global',
      'git-env',
      'git-config',
      'runs-program',
      'writes-outside',
      'package-managers',
      'secrets',
      'network',
      'numbers',
      'inline-code',
    ])
      expect(classes, c).toContain(c);
  });

  it('allows no dangerous command and at least 95% of the benign ones', () => {
    const allowedDangerous = dangerous.filter((e) => engine.check(e.command).decision === 'allow');
    const refusedBenign = benign.filter((e) => engine.check(e.command).decision !== 'allow');
    const pct = (100 * (benign.length - refusedBenign.length)) / benign.length;
    console.log(
      `policy corpus: dangerous allowed ${allowedDangerous.length}/${dangerous.length}; ` +
        `benign allowed ${benign.length - refusedBenign.length}/${benign.length} (${pct.toFixed(1)}%)`,
    );
    expect(allowedDangerous.map((e) => `[${e.class}] ${e.command}`)).toEqual([]);
    expect(pct).toBeGreaterThanOrEqual(95);
  });

  it('keeps the everyday work of the acceptance list allowed without asking', () => {
    for (const c of [
      'make -j4',
      'npm test',
      'pytest -x -q',
      'grep -rn foo src',
      'git status',
      'git diff',
      'git log --oneline -5',
      'git add -A',
      'git commit -m "fix"',
      'npm ci',
      'pip install -r requirements.txt',
      'python -c "print(1)"',
      "sed -i 's/a/b/' src/x.py",
    ])
      expect(engine.check(c).decision, c).toBe('allow');
  });
});
