import { describe, expect, it } from 'vitest';
import { imageRef } from '../../src/sandbox/index.js';
import { drydock } from '../helpers/cli.js';
import { imagesPresent } from '../helpers/containers.js';

const FIXTURES = new URL('../fixtures/lsp/', import.meta.url).pathname;

describe('drydock reward and drydock diagnostics', async () => {
  const present = await imagesPresent(imageRef('python'));

  it.runIf(present)('reward --json prints {before, after, delta, reward, server}', () => {
    const r = drydock([
      'reward',
      '--repo',
      `${FIXTURES}py-repo`,
      '--patch',
      `${FIXTURES}patches/py-undefined.diff`,
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['after', 'before', 'delta', 'reward', 'server']);
    const reward = out.reward as { reward: number; dBefore: number; dAfter: number };
    expect(reward).toMatchObject({ dBefore: 1, dAfter: 2 });
    expect(reward.reward).toBeLessThan(0);
    expect(out.server).toMatchObject({
      name: 'pyright',
      version: expect.any(String),
      configHash: expect.any(String),
    });
  });

  it.runIf(present)('diagnostics prints one line per diagnostic with file, position and rule', () => {
    const r = drydock(['diagnostics', '--repo', `${FIXTURES}py-repo`, 'app/main.py', 'app/util.py']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^app\/main\.py:13:14: error \[reportAssignmentType\] /),
    ]);
  });

  it('refuses a file no server handles', () => {
    const r = drydock(['diagnostics', '--repo', `${FIXTURES}py-repo`, 'README.txt']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no language server for README\.txt/);
  });
});
