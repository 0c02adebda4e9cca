import { beforeAll, describe, expect, it } from 'vitest';
import { longInputs } from '../../benchmarks/policy-long-inputs.js';
import { PolicyEngine } from '../../src/policy/index.js';

// Decisions only: their time is measured by `npm run bench:policy`, not asserted here.
let unbounded: PolicyEngine;
let bounded: PolicyEngine;
beforeAll(async () => {
  // Decided on content, however long that takes (what each rule kind does with long text).
  unbounded = await PolicyEngine.create({ budgetMs: Infinity });
  // The default: a decision that runs out of time asks (shell:budget), never allows.
  bounded = await PolicyEngine.create();
});

describe('adversarial inputs up to 100,000 characters, one family per rule kind', () => {
  for (const input of longInputs().filter((i) => i.single)) {
    it(`${input.kind}: ${input.expect}`, () => {
      const d = unbounded.check(input.command);
      expect(d.decision === 'allow' ? 'allow' : 'refuse', d.reason.slice(0, 200)).toBe(input.expect);
    });
  }
});

describe('the decision time limit', () => {
  for (const input of longInputs()) {
    it(`${input.kind}: refused in time or decided as on content, never allowed when it must be refused`, () => {
      const d = bounded.check(input.command);
      if (d.rule === 'shell:budget') {
        expect(d.decision).toBe('ask');
        expect(d.reason).toMatch(/too large to check within the decision time limit/);
      } else expect(d.decision === 'allow' ? 'allow' : 'refuse', d.rule).toBe(input.expect);
    });
  }

  it('a command cut by the limit is denied in an unattended run, naming the rule', async () => {
    const engine = await PolicyEngine.create({ unattended: true, budgetMs: 0.001 });
    const d = engine.check(`cat ${'a '.repeat(40_000)}`);
    expect(d.decision).toBe('deny');
    expect(d.rule).toBe('shell:budget');
    expect(d.reason).toMatch(/unattended/);
  });

  it('everyday commands are decided well inside the limit (same decisions as without it)', async () => {
    const commands = ['pytest -x tests/', 'git status && git diff', "sed -i 's/a/b/' src/x.py", 'rm -rf ~'];
    for (const c of commands) expect(bounded.check(c).decision).toBe(unbounded.check(c).decision);
  });
});

describe('a module search path of many entries', () => {
  it('is decided by its distinct entries: repeats of one inside are allowed, one outside anywhere is not', () => {
    // Each distinct entry is resolved once (match.ts moduleSearchEntries); what is decided must
    // not change for it: the outside entry first, last, or between repeats of it.
    const inside = 'src:'.repeat(20_000);
    expect(unbounded.check(`PYTHONPATH=${inside}tests pytest`).decision).toBe('allow');
    for (const value of [
      `/root/evil:${inside}src`,
      `${inside}/root/evil`,
      `${inside}/root/evil:${inside}src`,
    ])
      expect(unbounded.check(`PYTHONPATH=${value} pytest`).decision, value.slice(0, 40)).not.toBe('allow');
    // Short, the same decisions.
    expect(unbounded.check('PYTHONPATH=src:src:tests:src pytest').decision).toBe('allow');
    expect(unbounded.check('PYTHONPATH=src:src:/root/evil:src pytest').decision).not.toBe('allow');
  });
});

describe("a policy file's own regexes", () => {
  const write = async (body: string): Promise<string> => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'drydock-regex-')), 'project.yaml');
    writeFileSync(file, `version: 1\ntier: project\nrules:\n${body}`);
    return file;
  };
  it('are matched in time linear in the text, whatever the pattern (RE2)', async () => {
    // Nested alternatives under a star: V8's backtracking matcher takes 2^n steps on n letters
    // that end in a mismatch (26 letters: over a second; 4,000: never ends), so this test ends
    // only because the rule is matched by RE2.
    const file = await write(
      [
        '  - id: letters-only',
        '    decision: deny',
        '    reason: no words of letters only',
        '    command: echo',
        "    arg_regex: '^(a|a|aa)*$'",
        '  - id: blanks-then-x',
        '    decision: deny',
        '    reason: blanks before x',
        '    command: make',
        "    line_regex: '\\s*\\s*\\s*\\s*x$'",
        '  - id: env-into-grep',
        '    decision: deny',
        '    reason: printing a name of letters only',
        '    command: env',
        "    filter_regex: '^(A|A|AA)*$'",
        '',
      ].join('\n'),
    );
    const engine = await PolicyEngine.create({ files: [file], budgetMs: Infinity });
    expect(engine.check(`echo ${'a'.repeat(4000)}b`).decision).toBe('allow');
    expect(engine.check(`echo ${'a'.repeat(4000)}`).decision).toBe('deny');
    expect(engine.check(`make ${' '.repeat(60_000)}y`).decision).toBe('allow');
    expect(engine.check(`make ${' '.repeat(60_000)}x`).decision).toBe('deny');
    expect(engine.check(`env | grep ${'A'.repeat(3000)}B`).decision).toBe('allow');
    expect(engine.check(`env | grep ${'A'.repeat(3000)}`).decision).toBe('deny');
    expect(engine.check('ECHO aaa'.toLowerCase()).decision).toBe('deny');
  });
  it('keep `(?i)` as case-insensitive', async () => {
    const file = await write(
      "  - id: no-shouting\n    decision: deny\n    reason: r\n    command: echo\n    arg_regex: '(?i)^loud$'\n",
    );
    const engine = await PolicyEngine.create({ files: [file] });
    expect(engine.check('echo LOUD').decision).toBe('deny');
    expect(engine.check('echo Loud').decision).toBe('deny');
    expect(engine.check('echo loudly').decision).toBe('allow');
  });
  it('that need a backtracking matcher (look-around, back-references) are refused, naming file, line and rule', async () => {
    const file = await write(
      [
        '  - id: fine',
        '    decision: deny',
        '    reason: r',
        '    command: echo',
        "    arg_regex: '^x+$'",
        '  - id: looks-ahead',
        '    decision: deny',
        '    reason: r',
        '    command: echo',
        "    arg_regex: '^-9(?!\\d)'",
        '',
      ].join('\n'),
    );
    await expect(PolicyEngine.create({ files: [file] })).rejects.toThrow(
      /project\.yaml:13: rule 'looks-ahead': arg_regex cannot be matched in time linear in the text \(.*\(\?!.*\); rules from policy files are matched by RE2/,
    );
    const backref = await write(
      "  - id: twice\n    decision: deny\n    reason: r\n    command: echo\n    line_regex: '(a+)\\1'\n",
    );
    await expect(PolicyEngine.create({ files: [backref] })).rejects.toThrow(
      /project\.yaml:8: rule 'twice': line_regex cannot be matched in time linear/,
    );
  });
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

describe('after a parse cut by the time limit', () => {
  it('the next command is parsed on its own (a cancelled parse is not resumed)', async () => {
    const engine = await PolicyEngine.create({ budgetMs: 0.001 });
    // Decides on content (no limit), so the comparison below does not depend on the machine's load.
    const roomy = await PolicyEngine.create({ budgetMs: Infinity });
    // Under 1,024 characters (one chunk of input), so the parser itself is cancelled mid-way.
    const short = [`cat a.txt${' | sort'.repeat(150)}`, `${'true && '.repeat(120)}true`];
    let cut = 0;
    for (const command of [
      ...short,
      ...longInputs()
        .map((i) => i.command)
        .filter((c) => c.length <= 100_000),
    ]) {
      // Thread CPU time is read from the scheduler, which advances in steps: a parse that ends
      // before the clock moves is decided on content, as the roomy engine decides it.
      const r = engine.check(command);
      if (r.rule === 'shell:budget') cut++;
      else expect(r.rule).toBe(roomy.check(command).rule);
      // The same parser (one per process) decides an everyday command right away.
      const status = roomy.check('git status');
      expect(status.decision, status.reason).toBe('allow');
      const rm = roomy.check('rm -rf /');
      expect(rm.decision, rm.reason).toBe('deny');
    }
    // Cut parses did happen, so the commands after them tested the reset.
    expect(cut).toBeGreaterThan(0);
  });
});
