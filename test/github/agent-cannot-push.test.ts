import { expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

/**
 * The action pushes from the host; the agent must not be able to. This holds through the
 * default policy, which the action relies on rather than re-implements.
 */
it('the default policy denies every way the agent could push', async () => {
  const policy = await PolicyEngine.create({ unattended: true });
  for (const command of [
    'git push origin HEAD:refs/heads/drydock/issue-1',
    'git -C /workspace push --force',
    'cd /workspace && git push',
    'bash -c "git push origin main"',
  ])
    expect(policy.check(command).decision, command).toBe('deny');
});
