import { beforeAll, describe, expect, it } from 'vitest';
import { DrydockError } from '../../src/core/index.js';
import { PolicyEngine, type PolicyAuditEvent } from '../../src/policy/index.js';
import { loadProgramFacts } from '../../src/policy/program-file.js';

const fixture = (name: string) => new URL(`../fixtures/policy/${name}`, import.meta.url).pathname;

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create();
});

describe('the default policy file', () => {
  it('gives every rule at least one match and one not_match example, and they all pass', () => {
    expect(engine.rules.length).toBeGreaterThan(20);
    const facts = loadProgramFacts();
    for (const rule of engine.rules) {
      // (a rule that holds only for programs without a spec has no match example while every
      // program it names has one: since helper specsT, 5 Dec, build-and-test's; tools/nospec.mjs)
      const dormant = rule.spec.no_spec && (rule.spec.command ?? []).every((n) => facts.specs.has(n));
      if (!dormant) expect(rule.spec.match?.length ?? 0, rule.id).toBeGreaterThan(0);
      expect(rule.spec.not_match?.length ?? 0, rule.id).toBeGreaterThan(0);
    }
    expect(engine.exampleFailures()).toEqual([]);
  });
});

describe('refusing a bad policy file', () => {
  const cases: Array<[string, RegExp]> = [
    [
      'bad/failing-example.yaml',
      /bad\/failing-example\.yaml:7: rule 'no-curl': match example `wget https:\/\/example\.com` is not matched/,
    ],
    ['bad/unknown-key.yaml', /bad\/unknown-key\.yaml:6: rule 'typo-rule': .*comand/],
    ['bad/bad-decision.yaml', /bad\/bad-decision\.yaml:4: rule 'maybe-rule': decision/],
    [
      'bad/bad-regex.yaml',
      /bad\/bad-regex\.yaml:3: rule 'broken-regex': arg_regex is not a valid regular expression/,
    ],
    ['bad/duplicate-id.yaml', /bad\/duplicate-id\.yaml:7: rule 'twice': the id is used twice/],
    ['bad/not-yaml.policy', /bad\/not-yaml\.policy:2: not valid YAML \(Flow map/],
    ['bad/unknown-top-key.yaml', /bad\/unknown-top-key\.yaml:2: unknown top-level key `rulez`/],
    [
      'bad/no-selector.yaml',
      /bad\/no-selector\.yaml:8: rule 'noselector': a rule needs exactly one of `command`, `file` or `variable`/,
    ],
  ];
  for (const [file, message] of cases) {
    it(`refuses ${file} with one line naming the file, the line and the rule`, async () => {
      const err = await PolicyEngine.create({ files: [fixture(file)] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DrydockError);
      const text = (err as DrydockError).message;
      expect(text).toMatch(message);
      expect(text).not.toContain('\n');
    });
  }
});

describe('tiers and ties', () => {
  it('lets a project rule allow what the built-in policy asks for', async () => {
    expect(engine.check('python3 -c "exec(input())"').decision).toBe('ask');
    const project = await PolicyEngine.create({ files: [fixture('project-allow-python.yaml')] });
    const d = project.check('python3 -c "exec(input())"');
    expect(d).toMatchObject({ decision: 'allow', rule: 'trust-python-one-liners' });
    // The project rule covers only what it names: built-in denies still stand.
    expect(project.check('rm -rf /').decision).toBe('deny');
  });

  it('lets a user rule override a project rule', async () => {
    const both = await PolicyEngine.create({
      files: [fixture('project-allow-python.yaml'), fixture('user-deny-python.yaml')],
    });
    expect(both.check('python -c "exec(input())"')).toMatchObject({ decision: 'deny', rule: 'no-python-c' });
  });

  it('makes deny win a tie within a tier', async () => {
    const tie = await PolicyEngine.create({ files: [fixture('same-tier-tie.yaml')], builtin: false });
    expect(tie.check('make test')).toMatchObject({ decision: 'allow', rule: 'allow-make' });
    expect(tie.check('make install')).toMatchObject({ decision: 'deny', rule: 'deny-make-install' });
  });

  it('decides file edits with file rules from every tier', async () => {
    const project = await PolicyEngine.create({ files: [fixture('project-allow-python.yaml')] });
    expect(project.decide({ kind: 'edit', path: 'docs/index.md' })).toMatchObject({
      decision: 'deny',
      rule: 'docs-are-frozen',
    });
    expect(project.decide({ kind: 'edit', path: 'src/app.py' }).decision).toBe('allow');
    expect(project.decide({ kind: 'edit', path: '.github/workflows/ci.yml' }).rule).toBe('protected-paths');
    expect(project.decide({ kind: 'edit', path: '/etc/passwd' }).rule).toBe('write-outside-workspace');
    expect(project.decide({ kind: 'edit', path: '.env' }).rule).toBe('secret-files');
  });

  it('asks, by default, for a command no rule covers', () => {
    expect(engine.check('frobnicate --all')).toMatchObject({ decision: 'ask', rule: 'default' });
  });
});

describe('unattended runs and the audit trail', () => {
  it('turns ask into deny and tells which rule stopped it and why', async () => {
    const events: PolicyAuditEvent[] = [];
    const unattended = await PolicyEngine.create({ unattended: true, onDecision: (e) => events.push(e) });
    const d = unattended.check('pytest -q && python -c "exec(input())"');
    expect(d.decision).toBe('deny');
    expect(d.unattended).toBe(true);
    expect(d.rule).toBe('interpreter-one-liners');
    expect(d.reason).toContain('interpreter-one-liners');
    expect(d.reason).toContain('unattended');
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event).toMatchObject({
      type: 'policy.decision',
      command: 'pytest -q && python -c "exec(input())"',
      decision: 'deny',
    });
    expect(event.parts.map((p) => [p.part, p.decision])).toEqual([
      ['pytest -q', 'allow'],
      ['python -c "exec(input())"', 'ask'],
    ]);
    expect(Object.keys(event).sort()).toEqual(['command', 'decision', 'parts', 'reason', 'rule', 'type']);
  });

  it('leaves allow alone when unattended', async () => {
    const unattended = await PolicyEngine.create({ unattended: true });
    expect(unattended.check('git status')).toMatchObject({ decision: 'allow', rule: 'git-everyday' });
  });
});

describe('the workspace is configurable', () => {
  it('judges paths against the configured workspace', async () => {
    const other = await PolicyEngine.create({ workspace: { workspace: '/work/repo' } });
    expect(other.check('rm -rf /work/repo/build').decision).toBe('allow');
    expect(other.check('rm -rf build').decision).toBe('allow');
    expect(other.check('rm -rf /testbed/build').decision).toBe('deny');
    expect(engine.check('rm -rf /work/repo/build').decision).toBe('deny');
  });

  it("compiles its rules for that workspace when it starts, not at an agent's first commands", async () => {
    // (its examples are checked on another engine, for the default workspace)
    const other = await PolicyEngine.create({ workspace: { workspace: '/work/repo' } });
    expect(other.rules.filter((r) => r.compiled === null).map((r) => r.id)).toEqual([]);
    // compiled for this workspace: a glob naming ${workspace} means /work/repo
    expect(other.check('rm -rf /work/repo/build').decision).toBe('allow');
  });
});

describe('package operands', () => {
  it('a package archive named by a relative path is a local file, not a GitHub user/repo', async () => {
    const engine = await PolicyEngine.create();
    const d = (command: string) => engine.decide({ kind: 'shell', command });
    expect(d('pip install vendor/calc_testkit-1.0-py3-none-any.whl').decision).toBe('allow');
    expect(d('pip install vendor/calc-1.0.tar.gz').decision).toBe('allow');
    expect(d('npm install vendor/left-pad-1.3.0.tgz').decision).toBe('allow');
    // still: user/repo without an archive suffix, archives outside the workspace, URLs
    expect(d('npm install someone/some-repo').decision).toBe('ask');
    expect(d('pip install https://example.com/x.whl').decision).not.toBe('allow');
  });
});
