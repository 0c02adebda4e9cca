import { beforeAll, describe, expect, it } from 'vitest';
import { longInputs } from '../../benchmarks/policy-long-inputs.js';
import { PolicyEngine } from '../../src/policy/index.js';

// Decisions only: their time is measured by `npm run bench:policy`, not asserted here.
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create();
});

describe('adversarial inputs up to 100,000 characters, one family per rule kind', () => {
  for (const input of longInputs().filter((i) => i.single)) {
    it(`${input.kind}: ${input.expect}`, () => {
      const d = engine.check(input.command);
      expect(d.decision === 'allow' ? 'allow' : 'refuse', d.reason.slice(0, 200)).toBe(input.expect);
    });
  }
});

describe('the program specs file', () => {
  it('refuses a malformed spec with one line naming the file, the line and the program', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { loadProgramSpecs } = await import('../../src/policy/engine.js');
    const dir = mkdtempSync(join(tmpdir(), 'drydock-programs-'));
    const file = join(dir, 'programs.yaml');
    writeFileSync(file, 'programs:\n  sort:\n    options:\n      -o: writes\n  uniq:\n    colour: blue\n');
    expect(() => loadProgramSpecs(file)).toThrow(
      /programs\.yaml:2: program `sort`: option `-o`: effect `writes` is not one of/,
    );
    writeFileSync(file, 'programs:\n  sort: {}\n  uniq:\n    colour: blue\n');
    expect(() => loadProgramSpecs(file)).toThrow(/programs\.yaml:3: program `uniq`: unknown key `colour`/);
  });
});
