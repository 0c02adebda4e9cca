import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { ENV_IMAGE_LABEL, environmentKey, type FixSummary } from '../../src/agent/index.js';
import { fixCommand } from '../../src/cli/commands/fix.js';
import { dockerClient, imageRef } from '../../src/sandbox/index.js';
import { readTrajectory } from '../../src/trajectory/index.js';
import { imagesPresent } from '../helpers/containers.js';
import { UNDECLARED_SETUP_TURNS, undeclaredTestDependency } from './fixtures.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const present = await imagesPresent(imageRef('python'));
const root = process.getuid?.() === 0;
if (!present || !root)
  console.warn(
    `skipping drydock fix --setup-agent tests: ${!present ? 'drydock/python is not built (run drydock setup)' : 'the registries network needs root'}`,
  );

const tmp = mkdtempSync(join(tmpdir(), 'dd-envfix-'));
let key = '';
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  if (!key) return;
  const docker = dockerClient();
  for (const img of await docker.listImages({ filters: { label: [`${ENV_IMAGE_LABEL}=${key}`] } }))
    await docker
      .getImage(img.Id)
      .remove({ force: true })
      .catch(() => undefined);
});

/** One `drydock fix` as the CLI runs it, with what it printed on stderr. */
async function fix(
  repo: string,
  script: string,
  runs: string,
): Promise<{ summary: FixSummary; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  try {
    const summary = await fixCommand(
      {
        repo,
        issue: readFileSync(join(EXAMPLES, 'calc/ISSUE.md'), 'utf8'),
        script,
        candidates: 3,
        runsDir: runs,
      },
      () => true,
    );
    return { summary, stderr };
  } finally {
    spy.mockRestore();
  }
}

const setupSeconds = (stderr: string) => {
  const m = /environment ready in ([0-9.]+) s/.exec(stderr);
  return m ? Number(m[1]) : NaN;
};

describe.skipIf(!present || !root)('drydock fix --setup-agent auto (SCRIPTED model)', () => {
  it('runs the setup agent when a test dependency is undeclared, fixes the issue, keeps the environment, and a second run starts from it', async () => {
    const registry = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
    const repo = undeclaredTestDependency(
      join(tmp, 'repo'),
      EXAMPLES,
      registry,
      randomBytes(6).toString('hex'),
    );
    key = environmentKey(repo, imageRef('python'), 'pip install -q -r requirements.txt');
    const calc = parse(readFileSync(join(EXAMPLES, 'calc/model-script.yaml'), 'utf8')) as {
      model: string;
      turns: unknown[];
    };
    const first = join(tmp, 'first.yaml');
    writeFileSync(first, stringify({ ...calc, turns: [...UNDECLARED_SETUP_TURNS, ...calc.turns] }));
    const second = join(tmp, 'second.yaml');
    writeFileSync(second, stringify(calc));

    const a = await fix(repo, first, join(tmp, 'runs'));
    // The detected setup left the tests unable to start; the agent installed the shipped wheel.
    expect(a.stderr).toMatch(
      /tests cannot start: a module cannot be imported: No module named 'calc_testkit'/,
    );
    expect(a.stderr).toMatch(/setup agent: check: the tests start/);
    expect(a.stderr).toMatch(new RegExp(`environment kept as drydock/env:${key}`));
    expect(a.summary.status).toBe('patched');
    expect(a.summary.patch).toMatch(/^\+\s+return total \/ len\(values\)$/m);
    // Every test ran, the offline one included: during the tests the registry was unreachable.
    expect(a.summary.tests).toMatchObject({ passed: 5, failed: 0 });
    const results = readTrajectory(a.summary.trajectory).events.filter((e) => e.type === 'test.result');
    expect(JSON.stringify(results)).toContain('test_no_network_during_tests');
    const stage1 = JSON.parse(
      readFileSync(join(a.summary.trajectory, '..', 'stages', '1-prepare.json'), 'utf8'),
    ) as { setup: { agent: { outcome: string; script: string }; network: { setup: string; tests: string } } };
    expect(stage1.setup.agent.outcome).toBe('check_passed');
    expect(stage1.setup.agent.script).toContain('pip install ./vendor/calc_testkit-1.0-py3-none-any.whl');
    expect(stage1.setup.agent.script).not.toContain('ls vendor');
    expect(stage1.setup.network).toEqual({ setup: 'registries', tests: 'none' });
    const images = await dockerClient().listImages({ filters: { label: [`${ENV_IMAGE_LABEL}=${key}`] } });
    expect(images.length).toBe(1);
    expect(images[0]!.Labels?.drydock).toBe('env');

    // Second run: the kept environment, no setup and no agent (its script has no setup turns).
    const b = await fix(repo, second, join(tmp, 'runs'));
    expect(b.stderr).toMatch(new RegExp(`reusing the kept image drydock/env:${key}`));
    expect(b.stderr).not.toMatch(/setup agent/);
    expect(b.summary.status).toBe('patched');
    expect(b.summary.tests).toMatchObject({ passed: 5, failed: 0 });
    const t1 = setupSeconds(a.stderr);
    const t2 = setupSeconds(b.stderr);
    expect(t1).toBeGreaterThan(0);
    expect(t2).toBeGreaterThan(0);
    console.log(`drydock fix setup time: first run ${t1} s (agent), second run ${t2} s (kept image)`);
  }, 2_400_000);
});
