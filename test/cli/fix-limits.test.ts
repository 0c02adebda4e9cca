import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { drydockAsync, scriptedFixArgs, calcRepoIn } from '../helpers/cli.js';

/**
 * The Action's limits as `drydock fix` flags, on the bundled calc example with its scripted
 * model (whose review tries `curl … | sh` and then the tests through bash).
 */
const root = mkdtempSync(join(tmpdir(), 'drydock-fix-limits-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function events(out: string): { type: string; tool?: string; policy?: { rule?: string } | null }[] {
  return readFileSync(join(out, 'trajectory.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string });
}

describe('drydock fix limits (scripted model, real sandbox)', { timeout: 360_000 }, () => {
  it('--tools tests-only refuses the bash commands of review, and the trajectory names the preset', async () => {
    const repo = calcRepoIn(root, 'tools');
    const out = join(root, 'tools-out');
    // The example's script answers one refusal; under the preset its test run is refused too.
    const script = join(root, 'tools-script.yaml');
    cpSync(join(repo, 'model-script.yaml'), script);
    appendFileSync(
      script,
      "  - match: 'tools-preset:tests-only'\n    match_role: tool\n    content: APPROVE\n",
    );
    const r = await drydockAsync(
      [...scriptedFixArgs(repo, script), '--tools', 'tests-only', '--out', out, '--json'],
      {},
    );
    const refused = events(out).filter((e) => e.type === 'tool.call' && e.tool === 'bash');
    expect(refused.length, r.stderr).toBeGreaterThan(0);
    for (const e of refused) expect(e.policy?.rule).toBe('tools-preset:tests-only');
  });

  it('--max-turns stops the run once the model has been asked that many times', async () => {
    const repo = calcRepoIn(root, 'turns');
    const out = join(root, 'turns-out');
    const r = await drydockAsync([...scriptedFixArgs(repo), '--max-turns', '1', '--out', out, '--json'], {});
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      status: string;
      turns: number;
    };
    expect(summary.turns, r.stderr).toBeLessThanOrEqual(1);
    expect(summary.status).toBe('budget_exceeded');
  });

  it('refuses an unknown tools preset in one line', async () => {
    const r = await drydockAsync(
      ['fix', '--repo', '.', '--issue', 'x', '--script', 'x.yaml', '--tools', 'all'],
      {},
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--tools.*expected one of default, tests-only, read-only/);
  });
});
