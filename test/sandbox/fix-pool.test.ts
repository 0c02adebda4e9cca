import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { imagesPresent } from '../helpers/containers.js';
import { drydock, drydockAsync, scriptedFixArgs, calcRepoIn } from '../helpers/cli.js';
import { docker, engineReady } from './helpers.js';

/**
 * `drydock fix --warm-pool N` (issue 16: the opt-in warm pool in the fix path): the bundled
 * calc example with the scripted model, its forks answered from the pool, the run's record
 * saying how many were warm, and nothing of the pool left after the run.
 */
const ready = (await engineReady()) && (await imagesPresent('drydock/python:latest'));
const root = mkdtempSync(join(tmpdir(), 'drydock-fix-pool-'));
const session = `test-fix-pool-${randomBytes(4).toString('hex')}`;

const filters = { label: [`drydock.session=${session}`] };

describe('drydock fix --warm-pool in --help', () => {
  it('is listed with what it does and how it is cleaned up', () => {
    const r = drydock(['fix', '--help']);
    expect(r.stdout).toMatch(/--warm-pool <n>/);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('drydock sandbox gc');
    const bad = drydock(['fix', '--warm-pool', '-1', '--repo', '.', '--issue', 'x']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--warm-pool');
  });
});

describe.skipIf(!ready)('drydock fix --warm-pool', { timeout: 600_000 }, () => {
  afterAll(async () => {
    // Whatever the run left (it should leave nothing: asserted below), even when it failed.
    for (const c of await docker.listContainers({ all: true, filters }))
      await docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined);
    for (const i of await docker.listImages({ filters }))
      await docker
        .getImage(i.Id)
        .remove({ force: true })
        .catch(() => undefined);
    for (const n of await docker.listNetworks({ filters }))
      await docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it('forks come warm from the pool, the record says so, and nothing is left', async () => {
    const repo = calcRepoIn(root, 'calc');
    const out = join(root, 'out');
    const r = await drydockAsync(
      [...scriptedFixArgs(repo), '--setup-agent', 'never', '--warm-pool', '2', '--out', out, '--json'],
      { DRYDOCK_SESSION: session },
    );
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { status: string; patch: string };
    expect(summary.status).toBe('patched');
    expect(summary.patch).toContain('+    return total / len(values)');
    const notes = readFileSync(join(out, 'trajectory.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; message?: string })
      .filter((e) => e.type === 'note' && e.message?.startsWith('warm pool'));
    expect(notes).toHaveLength(1);
    const m = /warm pool \(up to 2\): (\d+) of (\d+) sandbox opens and forks/.exec(notes[0]!.message!);
    expect(m, notes[0]!.message).not.toBeNull();
    // The validate stage forks twice from one snapshot (3 candidates, 2 at a time): the second
    // fork takes what the first one's warming started (ready, or waited for: never timing).
    expect(Number(m![1])).toBeGreaterThanOrEqual(1);
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect(await docker.listNetworks({ filters })).toEqual([]);
    expect((await docker.listImages({ filters })).filter((i) => !i.Labels?.['drydock.env'])).toEqual([]);
  });
});
