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
