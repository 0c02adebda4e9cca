import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectEnvironment, runSetupSession, scriptOf, testsStartCheck } from '../../src/agent/index.js';
import { PolicyEngine } from '../../src/policy/index.js';
import { imageRef, openSandbox } from '../../src/sandbox/index.js';
import { imagesPresent } from '../helpers/containers.js';
import { scripted } from '../model/helpers.js';
import { NODE_WORKSPACE_SCRIPT, nodeWorkspaceFixture } from './fixtures.js';

const present = await imagesPresent(imageRef('node'));
const root = process.getuid?.() === 0;
if (!present || !root)
  console.warn(
    `skipping the setup agent's Node test: ${!present ? 'drydock/node is not built (run drydock setup)' : 'registries mode needs root'}`,
  );

const tmp = mkdtempSync(join(tmpdir(), 'dd-envnode-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!present || !root)('the setup agent on a Node workspace (SCRIPTED model)', () => {
  it('npm ci succeeds but the tests cannot start; the agent builds the workspace and its script passes in a fresh sandbox', async () => {
    const repo = nodeWorkspaceFixture(join(tmp, 'repo'));
    const env = detectEnvironment(repo);
    expect(env).toMatchObject({ language: 'node', setup: 'npm ci --no-audit', test: 'npm test --silent' });
    const model = await scripted(NODE_WORKSPACE_SCRIPT);
    const policy = await PolicyEngine.create({ unattended: true });
    const sb = await openSandbox({ image: imageRef('node'), repo, network: 'registries' });
    let script = '';
    try {
      const s = await runSetupSession({
        sandbox: sb,
        policy,
        model: model.client,
        baseline: [env.setup!],
        check: () => testsStartCheck(sb, env, repo),
        language: 'node',
        checkDescription: 'the tests start',
        deadline: Date.now() + 15 * 60_000,
        maxSteps: 6,
      });
      // `npm ci` alone ran fine (through the registries proxy) and the tests still could not start.
      expect(s.steps[0]).toMatchObject({ source: 'baseline', command: 'npm ci --no-audit', exitCode: 0 });
      expect(s.baselinePassed).toBe(false);
      expect(s.outcome).toBe('check_passed');
      expect(s.egress.some((e) => e.allowed && e.bytesDown !== 0)).toBe(true);
      expect(s.refused).toEqual([]);
      script = scriptOf(s.steps, { language: 'node', model: model.server.model, scripted: true });
      expect(script).toContain('npm ci --no-audit\nnpm run build --workspaces --if-present\n');
      expect(script).not.toContain('cat packages');
    } finally {
      await sb.close();
      await model.close();
    }

    // The script, replayed in a second fresh sandbox: the tests start and pass.
    const fresh = await openSandbox({ image: imageRef('node'), repo, network: 'registries' });
    try {
      await fresh.writeFile('/tmp/setup.sh', script);
      const run = await fresh.exec('bash /tmp/setup.sh 2>&1', { timeoutMs: 600_000 });
      expect(run.exitCode).toBe(0);
      const before = await testsStartCheck(fresh, env, repo);
      expect(before.passes).toBe(true);
      const tests = await fresh.exec('cd /testbed && npm test --silent 2>&1', { timeoutMs: 300_000 });
      expect(tests.stdout).toMatch(/# pass 1/);
      expect(tests.exitCode).toBe(0);
    } finally {
      await fresh.close();
    }
  }, 900_000);
});
