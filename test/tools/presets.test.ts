import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { TrajectoryEventBody } from '../../src/trajectory/index.js';
import { Toolbox, type ToolPreset } from '../../src/tools/index.js';

/** Refused calls must stop before the sandbox: any use of it fails the test. */
const untouchable = new Proxy({} as Sandbox, {
  get: (_t, key) =>
    key === 'then'
      ? undefined
      : () => {
          throw new Error(`the sandbox was reached (${String(key)})`);
        },
});

let policy: PolicyEngine;
beforeAll(async () => {
  policy = await PolicyEngine.create({ unattended: true });
});

function toolbox(preset: ToolPreset | undefined) {
  const events: TrajectoryEventBody[] = [];
  const tb = new Toolbox({
    sandbox: untouchable,
    policy,
    trajectory: { append: (e) => events.push(e) },
    testCommand: { command: 'python3 -m pytest -q' },
    preset,
  });
  return { tb, events };
}

describe('tool presets narrow what the model may call', () => {
  it('offers every tool by default, no bash with tests-only, and only reading with read-only', () => {
    expect(toolbox(undefined).tb.specs.map((s) => s.name)).toEqual([
      'bash',
      'view',
      'edit',
      'search',
      'run_tests',
      'submit',
    ]);
    expect(toolbox('tests-only').tb.specs.map((s) => s.name)).toEqual([
      'view',
      'edit',
      'search',
      'run_tests',
      'submit',
    ]);
    expect(toolbox('read-only').tb.specs.map((s) => s.name)).toEqual(['view', 'search', 'submit']);
  });

  it('refuses a command the preset excludes, before the sandbox, and the trajectory says which rule', async () => {
    const { tb, events } = toolbox('tests-only');
    const r = await tb.run({ id: 'c1', name: 'bash', arguments: '{"command": "ls"}' });
    expect(r.observation.isError).toBe(true);
    expect(r.decision).toMatchObject({ decision: 'deny', rule: 'tools-preset:tests-only' });
    expect(r.observation.content).toMatch(/tests-only tools preset does not allow bash/);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      type: 'policy.decision',
      command: 'tool bash',
      decision: 'deny',
      rule: 'tools-preset:tests-only',
    });
    expect(events[1]).toMatchObject({
      type: 'tool.call',
      tool: 'bash',
      policy: { decision: 'deny', rule: 'tools-preset:tests-only' },
      isError: true,
    });
  });

  it('read-only refuses edits and test runs too', async () => {
    const { tb } = toolbox('read-only');
    for (const name of ['edit', 'run_tests', 'bash']) {
      const r = await tb.run({ id: name, name, arguments: '{}' });
      expect(r.decision?.rule, name).toBe('tools-preset:read-only');
    }
  });
});
