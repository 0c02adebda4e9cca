import { beforeAll, describe, expect, it } from 'vitest';
import { DrydockError } from '../../src/core/index.js';
import type { DiagnosticsSession } from '../../src/lsp/index.js';
import { PolicyEngine } from '../../src/policy/index.js';
import { HostSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { TrajectoryEventBody } from '../../src/trajectory/index.js';
import { Toolbox, ToolFailedError } from '../../src/tools/index.js';

/** A sandbox that fails the test if anything reaches it: these calls must stop before it. */
function untouchable(): Sandbox {
  const no = (): never => {
    throw new Error('the sandbox was reached');
  };
  return {
    id: 'none',
    mode: 'per-call-cgroup',
    exec: no,
    readFile: no,
    writeFile: no,
    diff: no,
    fork: no,
    spawn: no,
    close: no,
  };
}

let policy: PolicyEngine;
beforeAll(async () => {
  policy = await PolicyEngine.create({ unattended: true });
});

function toolbox(sandbox: Sandbox = untouchable()) {
  const events: TrajectoryEventBody[] = [];
  const tb = new Toolbox({
    sandbox,
    policy,
    trajectory: { append: (e) => events.push(e) },
    testCommand: { command: 'python3 -m pytest -q' },
  });
  return { tb, events };
}

describe('tool specs the model sees', () => {
  it('are OpenAI-compatible object schemas generated from the zod schemas', () => {
    const { tb } = toolbox();
    expect(tb.specs.map((s) => s.name)).toEqual(['bash', 'view', 'edit', 'search', 'run_tests', 'submit']);
    for (const spec of tb.specs) {
      expect(spec.parameters.type).toBe('object');
      expect(spec.parameters.additionalProperties).toBe(false);
      expect(spec.parameters).not.toHaveProperty('$schema');
      expect(typeof spec.parameters.properties).toBe('object');
      expect(spec.description.length).toBeGreaterThan(20);
    }
    // No artificial integer bounds (zod's ±2^53 for .int()); real ones stay.
    const view = tb.specs.find((s) => s.name === 'view')!;
    expect(view.parameters.properties!.start_line).toEqual({
      type: 'integer',
      minimum: 1,
      description: 'First line to show (1-based, default 1).',
    });
    const search = tb.specs.find((s) => s.name === 'search')!;
    // Fields with defaults are optional to the caller.
    expect(search.parameters.required).toEqual(['query']);
    expect(tb.specs.find((s) => s.name === 'edit')!.parameters.required).toEqual([
      'path',
      'search',
      'replace',
    ]);
  });

  it('offers diagnostics only with a session and run_tests only with a test command', () => {
    const tb = new Toolbox({ sandbox: untouchable(), policy });
    expect(tb.specs.map((s) => s.name)).toEqual(['bash', 'view', 'edit', 'search', 'submit']);
  });
});

describe('model mistakes come back as observations, and nothing runs', () => {
  it('invalid JSON arguments', async () => {
    const { tb, events } = toolbox();
    const r = await tb.run({ id: 'c1', name: 'bash', arguments: '{"command": "ls"' });
    expect(r.observation.isError).toBe(true);
    expect(r.observation.toolCallId).toBe('c1');
    expect(r.observation.content).toMatch(/not valid JSON/);
    expect(r.message).toEqual({ role: 'tool', toolCallId: 'c1', content: r.observation.content });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'tool.call',
      tool: 'bash',
      args: '{"command": "ls"',
      policy: null,
      isError: true,
    });
  });

  it('an unknown tool', async () => {
    const { tb } = toolbox();
    const r = await tb.run({ id: 'c2', name: 'rm_everything', arguments: '{}' });
    expect(r.observation.isError).toBe(true);
    expect(r.observation.content).toMatch(/no tool named `rm_everything`/);
    expect(r.observation.content).toMatch(/bash, view, edit, search, run_tests, submit/);
  });

  it('arguments of the wrong type name the field', async () => {
    const { tb, events } = toolbox();
    const r = await tb.run({
      id: 'c3',
      name: 'view',
      arguments: JSON.stringify({ path: 'a.py', start_line: 'ten' }),
    });
    expect(r.observation.isError).toBe(true);
    expect(r.observation.content).toMatch(/`start_line`: .*expected number/);
    expect(r.observation.content).not.toMatch(/`path`/);
    expect(events[0]).toMatchObject({ policy: null, resources: null });
  });

  it('unknown keys and cross-field rules name the field too', async () => {
    const { tb } = toolbox();
    const extra = await tb.run({
      id: 'c4',
      name: 'bash',
      arguments: JSON.stringify({ command: 'ls', cwd: '/' }),
    });
    expect(extra.observation.content).toMatch(/`cwd`: Unrecognized key/);
    const range = await tb.run({
      id: 'c5',
      name: 'view',
      arguments: JSON.stringify({ path: 'a.py', start_line: 9, end_line: 3 }),
    });
    expect(range.observation.content).toMatch(/`end_line`: end_line must not be before start_line/);
  });

  it('a missing required argument', async () => {
    const { tb } = toolbox();
    const r = await tb.run({
      id: 'c6',
      name: 'edit',
      arguments: JSON.stringify({ path: 'a.py', search: 'x' }),
    });
    expect(r.observation.content).toMatch(/missing required arguments: replace/);
  });

  it('a denied command names the rule and reaches no sandbox', async () => {
    const { tb, events } = toolbox();
    const r = await tb.run({ id: 'c7', name: 'bash', arguments: JSON.stringify({ command: 'rm -rf /' }) });
    expect(r.observation.isError).toBe(true);
    expect(r.observation.content).toMatch(/Rule: delete-outside-workspace/);
    expect(r.decision).toMatchObject({ decision: 'deny', rule: 'delete-outside-workspace' });
    // The decision is recorded first, then the refused call.
    expect(events.map((e) => e.type)).toEqual(['policy.decision', 'tool.call']);
    expect(events[0]).toMatchObject({
      command: 'rm -rf /',
      decision: 'deny',
      rule: 'delete-outside-workspace',
    });
    expect(events[1]).toMatchObject({
      policy: { decision: 'deny', rule: 'delete-outside-workspace' },
      resources: null,
    });
  });

  it('an ask in an unattended run is refused and says no one could approve it', async () => {
    const { tb } = toolbox();
    const r = await tb.run({
      id: 'c8',
      name: 'bash',
      arguments: JSON.stringify({ command: 'curl http://example.org' }),
    });
    expect(r.observation.isError).toBe(true);
    expect(r.observation.content).toMatch(/network-clients/);
  });

  it('edits and views outside what the policy allows are refused by path', async () => {
    const { tb } = toolbox();
    const edit = await tb.run({
      id: 'c9',
      name: 'edit',
      arguments: JSON.stringify({ path: '/etc/passwd', search: '', replace: 'x' }),
    });
    expect(edit.observation.content).toMatch(/Rule: write-outside-workspace/);
    const view = await tb.run({ id: 'c10', name: 'view', arguments: JSON.stringify({ path: '.env' }) });
    expect(view.observation.content).toMatch(/Rule: secret-files/);
  });

  it('a text search is checked by the policy like a bash command', async () => {
    const { tb } = toolbox();
    const r = await tb.run({
      id: 'c11',
      name: 'search',
      arguments: JSON.stringify({ query: 'password', path: '/root/.ssh' }),
    });
    expect(r.observation.isError).toBe(true);
    expect(r.observation.content).toMatch(/Rule: /);
  });

  it('an unexpected failure inside a tool is a typed error, recorded before it is thrown', async () => {
    const broken = { ...untouchable(), exec: () => Promise.reject(new TypeError('socket hang up')) };
    const { tb, events } = toolbox(broken);
    const call = tb.run({ id: 'c12', name: 'bash', arguments: JSON.stringify({ command: 'ls' }) });
    await expect(call).rejects.toBeInstanceOf(ToolFailedError);
    expect(events[0]).toMatchObject({ type: 'policy.decision', command: 'ls', decision: 'allow' });
    expect(events[1]).toMatchObject({ type: 'tool.call', isError: true, policy: { decision: 'allow' } });
  });
});

describe('edit with a language server that fails', () => {
  it('keeps the edit, and says the reward is missing', async () => {
    const sandbox = await HostSandbox.open();
    try {
      await sandbox.writeFile('/testbed/a.py', 'def f():\n    return 1\n');
      const session = {
        clientFor: () => null,
        reward: () =>
          Promise.reject(new DrydockError('pyright did not answer in 60000 ms', undefined, 'LSP_TIMEOUT')),
      } as unknown as DiagnosticsSession;
      const tb = new Toolbox({ sandbox, policy, diagnostics: session });
      const r = await tb.run({
        id: 'e1',
        name: 'edit',
        arguments: JSON.stringify({ path: 'a.py', search: 'return 1', replace: 'return 2' }),
      });
      expect(r.observation.isError).toBe(false);
      expect(r.reward).toBeUndefined();
      expect(r.observation.content).toMatch(/No process reward for this edit: pyright did not answer/);
      expect(await sandbox.readFile('/testbed/a.py')).toBe('def f():\n    return 2\n');
    } finally {
      await sandbox.close();
    }
  });
});
