import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

/**
 * A name no rule covers that the sandbox does not have runs nothing: bash prints "command not
 * found". The caller (the toolbox) looks up the names `commandNames` gives in the sandbox and
 * passes the answers as `programs`; such a name is allowed (rule `program-not-found`) unless the
 * line could make it exist or run something first. Models make such names up (`finish`, a
 * benchmark's `submit` outside its harness), and a refusal told them nothing bash would not.
 */
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ unattended: true, workspace: { workspace: '/testbed' } });
});
afterAll(() => engine.close());

/** Decides `command` as the toolbox does, with `missing` the names the sandbox lacks. */
function decide(command: string, missing: string[]) {
  const names = engine.commandNames(command);
  return engine.decide({
    kind: 'shell',
    command,
    programs: Object.fromEntries(names.map((n) => [n, !missing.includes(n)])),
  });
}

describe('a name the sandbox does not have', () => {
  it('lists the names no rule covers, not paths, rule-covered programs or long lines', () => {
    expect(engine.commandNames('git status && finish --now; ./run.sh; /opt/x/tool; submit')).toEqual([
      'finish',
      'submit',
    ]);
    expect(engine.commandNames('bash -lc "finish"')).toEqual(['finish']);
    expect(engine.commandNames('ls -la && grep -r x src')).toEqual([]);
    expect(engine.commandNames(`echo ${'a'.repeat(5_000)}; finish`)).toEqual([]);
  });

  it.each([
    'finish',
    'bash -lc finish',
    "git add -A && git commit -m 'x' && git diff HEAD~1 > model_patch.diff || true && finish",
    'cd ../.. && submit',
    'create src/Foo.java',
  ])('allows %s when the sandbox lacks the name', (command) => {
    const missing = engine.commandNames(command);
    expect(missing.length).toBeGreaterThan(0);
    const d = decide(command, missing);
    expect(d.decision).toBe('allow');
    expect(d.parts.some((p) => p.rule === 'program-not-found')).toBe(true);
  });

  it('asks as before when the sandbox has it, or nobody looked', () => {
    expect(decide('finish', [])).toMatchObject({ decision: 'deny', rule: 'default' });
    expect(engine.check('finish')).toMatchObject({ decision: 'deny', rule: 'default' });
  });

  it.each([
    // an installer on the line may put it on PATH before it runs
    ['pip install -r requirements.txt && zap /root', 'default'],
    ['npm ci && zap ~', 'default'],
    ['python setup.py develop; cleanup ~', 'default'],
    ['make && tool ~', 'default'],
    // a sourced script may define it as a function
    ['source env.sh && cleanup ~', 'default'],
    ['eval finish', 'default'],
    // PATH changed on the line
    ['export PATH=/testbed/bin:$PATH; finish', 'path-variable'],
    ['PATH=/testbed/node_modules/.bin:$PATH finish', 'default'],
    // the line defines it, or the hook bash runs for a missing name, or an alias, or a hashed path
    ['cleanup() { rm -rf ~; }; cleanup', 'delete-outside-workspace'],
    ['function cleanup { echo hi; }; cleanup', 'default'],
    ['command_not_found_handle() { echo hi; }; finish', 'default'],
    ["alias finish='echo hi'; finish", 'shell-alias-definitions'],
    ['hash -p /bin/rm finish; finish -rf ~', 'hash-path'],
    ['sudo finish', 'sudo'],
  ])('refuses %s (rule %s)', (command, rule) => {
    const names = engine.commandNames(command);
    const d = decide(command, names);
    expect(d.decision).toBe('deny');
    expect(d.rule).toBe(rule);
    expect(d.parts.some((p) => p.rule === 'program-not-found')).toBe(false);
  });

  it.each([
    // bash opens a redirection and expands the words before it looks the name up
    ['finish > ~/.bashrc', 'write-outside-workspace'],
    ['finish $(rm -rf ~)', 'delete-outside-workspace'],
    ['finish; rm -rf ~', 'delete-outside-workspace'],
  ])('decides the rest of the line as always: %s (rule %s)', (command, rule) => {
    const d = decide(command, ['finish']);
    expect(d.decision).toBe('deny');
    expect(d.rule).toBe(rule);
  });

  it('says why in the part, for the trajectory', () => {
    const d = decide('finish', ['finish']);
    expect(d.parts[0]!.reason).toMatch(/no program, builtin or function `finish`.*command not found/);
  });
});
