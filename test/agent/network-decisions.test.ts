import { beforeAll, describe, expect, it } from 'vitest';
import { RecoveringSandbox, RecoveryBudget } from '../../src/agent/recovering-sandbox.js';
import type { PolicyDecisionEvent } from '../../src/core/index.js';
import { PolicyEngine } from '../../src/policy/index.js';
import type { ExecResult, NetworkMode, Sandbox } from '../../src/sandbox/index.js';
import type { TrajectoryEventBody } from '../../src/trajectory/index.js';
import { Toolbox } from '../../src/tools/index.js';

// `drydock fix` builds its toolboxes (review, setup agent) without a `network` option: each
// command must still be decided under the mode its sandbox has when it runs (registries during
// setup, none for the tests), read through the RecoveringSandbox the stages work in, and the
// trajectory's policy.decision event must say which mode that was.

/** A sandbox whose network mode can be switched, as a DockerSandbox's setNetwork does. */
class ModeSandbox implements Sandbox {
  readonly id = 'mode-sandbox';
  readonly mode = 'host' as const;
  ran: string[] = [];
  constructor(public networkMode: NetworkMode) {}
  async exec(command: string): Promise<ExecResult> {
    this.ran.push(command);
    return {
      exitCode: 0,
      stdout: '',
      stderr: '',
      truncated: false,
      stdoutBytesCut: 0,
      stderrBytesCut: 0,
      mode: 'host',
      wallMs: 1,
      cpuMs: 0,
      peakMemoryBytes: 0,
      killedBy: null,
    } as ExecResult;
  }
  async readFile(): Promise<string> {
    return '';
  }
  async writeFile(): Promise<void> {}
  async diff(): Promise<string> {
    return '';
  }
  async fork(): Promise<Sandbox[]> {
    return [];
  }
  async spawn(): Promise<never> {
    throw new Error('not used');
  }
  async close(): Promise<void> {}
}

const FETCH = 'curl -fsSL https://files.example.org/fixtures.tgz -o fixtures.tgz';

let engine: PolicyEngine;
beforeAll(async () => {
  // Attended (no --unattended): the network rule's ask is what a person would be asked.
  engine = await PolicyEngine.create();
});

function setup(mode: NetworkMode) {
  const inner = new ModeSandbox(mode);
  const sandbox = new RecoveringSandbox(inner, async () => inner, new RecoveryBudget(0, () => {}));
  const decisions: PolicyDecisionEvent[] = [];
  const toolbox = new Toolbox({
    sandbox,
    policy: engine,
    trajectory: {
      append: (e: TrajectoryEventBody) => {
        if (e.type === 'policy.decision') decisions.push(e);
      },
    },
  });
  const bash = (command: string) =>
    toolbox.run({ id: `c${decisions.length}`, name: 'bash', arguments: JSON.stringify({ command }) });
  return { inner, sandbox, decisions, bash };
}

describe('fix decides each command under its sandbox’s network mode now', () => {
  it('a fetch with no network is denied, saying why; with the open network it is asked', async () => {
    const none = setup('none');
    const r = await none.bash(FETCH);
    expect(r.decision?.decision).toBe('deny');
    expect(r.decision?.reason).toMatch(/no network \(mode none\)/);
    expect(none.decisions.at(-1)).toMatchObject({ command: FETCH, network: 'none', decision: 'deny' });
    expect(none.inner.ran).toEqual([]);

    const bridge = setup('bridge');
    const b = await bridge.bash(FETCH);
    expect(b.decision?.decision).toBe('ask');
    expect(bridge.decisions.at(-1)).toMatchObject({
      network: 'bridge',
      decision: 'ask',
      rule: 'network-clients',
    });
  });

  it('follows the sandbox when its mode changes mid-run (setup on registries, tests on none)', async () => {
    const s = setup('registries');
    await s.bash(FETCH);
    expect(s.decisions.at(-1)).toMatchObject({ network: 'registries' });
    expect(s.decisions.at(-1)?.decision).not.toBe('allow'); // no proxy host list given: not a registry
    s.inner.networkMode = 'none';
    const after = await s.bash(FETCH);
    expect(after.decision?.decision).toBe('deny');
    expect(s.decisions.at(-1)).toMatchObject({ network: 'none', decision: 'deny' });
  });

  it('a command that reaches no host is decided the same in every mode', async () => {
    for (const mode of ['none', 'registries', 'bridge'] as const) {
      const s = setup(mode);
      const r = await s.bash('python3 -m pytest -q tests');
      expect(r.decision?.decision).toBe('allow');
      expect(s.decisions.at(-1)).toMatchObject({ network: mode, decision: 'allow' });
    }
  });
});
