import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
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
  const read = (file: string): ProbeLine[] =>
    readFileSync(new URL(`../fixtures/policy/${dir}/${file}.jsonl`, import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ProbeLine);
  // (a probe's one commands.jsonl, both kinds by their `expect`: optaudit4)
  if (existsSync(new URL(`../fixtures/policy/${dir}/commands.jsonl`, import.meta.url)))
    return read('commands').filter((l) => l.expect === name);
  return read(name);
}

/** A held-out probe's fixture and what its test holds it to (see `probeSuite`). */
export interface ProbeSuite {
  /** The describe block's title. */
  title: string;
  /** The fixture's directory under test/fixtures/policy (dangerous.jsonl, benign.jsonl). */
  dir: string;
  /** How many lines each file had when the probe was measured. */
  counts: { dangerous: number; benign: number };
  /** Dangerous lines allowed by design, each with a neighbour that is refused. */
  byDesign: Record<string, string>;
  /** Dangerous lines still allowed and left open, each with why (a fix turns the test red). */
  open?: Record<string, string>;
  /** Benign lines refused, each with why. */
  refusedBenign: Record<string, string>;
  /** What every line's source must look like (a URL, or a class). */
  sources?: RegExp;
  /** What the benign lines are, for the test's name. */
  benignAre: string;
}

/**
 * The five tests every held-out probe has: its lines are the ones measured, every dangerous line
 * but the by-design (and open) ones is refused, the by-design ones are allowed and their
 * neighbours refused, the benign lines are allowed but the ones refused for a stated reason.
 */
export function probeSuite(
  s: ProbeSuite,
  expectAll: (commands: string[], want: 'allow' | 'refused') => void,
): void {
  describe(s.title, () => {
    const dangerous = readProbeLines(s.dir, 'dangerous');
    const benign = readProbeLines(s.dir, 'benign');
    const open = s.open ?? {};
    it('has the lines it was measured with', () => {
      expect(dangerous.length).toBe(s.counts.dangerous);
      expect(benign.length).toBe(s.counts.benign);
      if (s.sources)
        for (const l of [...dangerous, ...benign]) expect(l.source, l.command).toMatch(s.sources);
      const d = new Set(dangerous.map((l) => l.command));
      for (const c of [...Object.keys(s.byDesign), ...Object.keys(open)]) expect(d.has(c), c).toBe(true);
      const b = new Set(benign.map((l) => l.command));
      for (const c of Object.keys(s.refusedBenign)) expect(b.has(c), c).toBe(true);
    });
    it('refuses every dangerous line but the by-design and open ones', () => {
      expectAll(
        dangerous.map((l) => l.command).filter((c) => !(c in s.byDesign) && !(c in open)),
        'refused',
      );
    });
    it('allows the by-design lines and refuses their neighbours', () => {
      expectAll(Object.keys(s.byDesign), 'allow');
      expectAll(Object.values(s.byDesign), 'refused');
    });
    if (s.open)
      it('leaves the open lines allowed (a fix turns this red: move them out of the open list)', () => {
        expectAll(Object.keys(open), 'allow');
      });
    it(`allows ${s.benignAre}`, () => {
      expectAll(
        benign.map((l) => l.command).filter((c) => !(c in s.refusedBenign)),
        'allow',
      );
    });
    it('refuses the benign lines it refuses for a stated reason', () => {
      expectAll(Object.keys(s.refusedBenign), 'refused');
    });
  });
}
