import { readFileSync } from 'node:fs';
import { beforeAll, expect } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

/**
 * The probe tests' shared setup: one engine per test file, with no time budget (a decision cut
 * short by a loaded machine asks, which would pass a `refused` assertion for the wrong reason and
 * fail an `allow` one), `check(command)`, and `expectAll(commands, want)`, which names the first command that is not
 * decided as wanted.
 */
export function probeEngine(): {
  expectAll: (commands: string[], want: 'allow' | 'refused') => void;
  check: (command: string) => ReturnType<PolicyEngine['check']>;
} {
  let engine: PolicyEngine | undefined;
  beforeAll(async () => {
    engine = await PolicyEngine.create({ budgetMs: Infinity });
  });
  const check = (command: string) => {
    if (!engine) throw new Error('probeEngine: the engine is made in beforeAll; decide inside a test');
    return engine.check(command);
  };
  const expectAll = (commands: string[], want: 'allow' | 'refused') => {
    for (const c of commands) {
      const d = check(c).decision;
      if (want === 'refused') expect(d, c).not.toBe('allow');
      else expect(d, c).toBe('allow');
    }
  };
  return { expectAll, check };
}

/** One line of a probe's fixture: a command, what it is expected to be, its class and its source. */
export interface ProbeLine {
  command: string;
  expect: 'dangerous' | 'benign';
  class: string;
  source: string;
}

/** The lines of a probe's fixture, `test/fixtures/policy/DIR/NAME.jsonl` (`optaudit/dangerous`). */
export function readProbeLines(dir: string, name: string): ProbeLine[] {
  return readFileSync(new URL(`../fixtures/policy/${dir}/${name}.jsonl`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ProbeLine);
}
