import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DrydockError } from '../../src/core/index.js';
import { ensureEngine, pingEngine } from '../../src/sandbox/index.js';
import { drydock } from '../helpers/cli.js';

/** dockerd processes this test process started (ensureEngine spawns it detached, as our child). */
function dockerdPids(): string[] {
  return readdirSync('/proc').filter((p) => {
    try {
      if (!/^\d+$/.test(p) || readFileSync(`/proc/${p}/comm`, 'utf8').trim() !== 'dockerd') return false;
      const ppid = /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1];
      return ppid === String(process.pid);
    } catch {
      return false;
    }
  });
}

describe('ensureEngine', () => {
  const saved = process.env.DOCKER_HOST;
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  it('never touches an engine that already answers', async () => {
    const info = await ensureEngine();
    expect(info.started).toBe(false);
    expect(info.version).toMatch(/\d+\.\d+/);
    expect(dockerdPids()).toEqual([]);
  });

  it('stops with a typed error naming DOCKER_HOST when a remote engine does not answer, and starts nothing', async () => {
    process.env.DOCKER_HOST = 'tcp://127.0.0.1:9';
    expect(await pingEngine(undefined, 1000)).toBeNull();
    const err = await ensureEngine().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DrydockError);
    expect((err as DrydockError).code).toBe('ENGINE_UNREACHABLE');
    expect((err as DrydockError).message).toMatch(/DOCKER_HOST=tcp:\/\/127\.0\.0\.1:9/);
    expect(dockerdPids()).toEqual([]);
  });

  it('the CLI prints that error as one line with its fix', () => {
    const r = drydock(['setup'], { DOCKER_HOST: 'tcp://127.0.0.1:9' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'drydock: No Docker engine answers at DOCKER_HOST=tcp://127.0.0.1:9.',
      '  fix: start that engine, or unset DOCKER_HOST to use (or let drydock start) the local one',
    ]);
  });
});
