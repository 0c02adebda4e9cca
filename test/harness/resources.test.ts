import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadResourceOverrides,
  normalizeInstance,
  parseDatasetText,
  readResources,
  resourcesFor,
  runAdmitted,
} from '../../src/harness/index.js';

const GiB = 2 ** 30;
const row = {
  instance_id: 'o__r-1',
  repo: 'o/r',
  base_commit: 'abcdef1',
  FAIL_TO_PASS: ['a'],
  PASS_TO_PASS: [],
  test_cmds: ['pytest'],
};
const defaults = { memoryBytes: 3 * GiB, cpus: 2 };

describe('per-instance resources', () => {
  it('reads a row’s memory and cpus, at the top level or under resources', () => {
    expect(normalizeInstance({ ...row, memory: '16g', cpus: 4 }).resources).toEqual({
      memoryBytes: 16 * GiB,
      cpus: 4,
    });
    expect(normalizeInstance({ ...row, resources: { memory: 8 * GiB, cpus: '0.5' } }).resources).toEqual({
      memoryBytes: 8 * GiB,
      cpus: 0.5,
    });
    expect(normalizeInstance(row).resources).toEqual({});
  });

  it('a bad value makes that row an issue naming the field; the other rows load', () => {
    const ds = parseDatasetText(
      [
        JSON.stringify({ ...row, memory: 'lots' }),
        JSON.stringify({ ...row, instance_id: 'o__r-2', cpus: 0 }),
        JSON.stringify(row),
      ].join('\n'),
      'x.jsonl',
    );
    expect(ds.instances.map((i) => i.instance_id)).toEqual(['o__r-1']);
    expect(ds.issues.map((i) => i.field)).toEqual(['memory', 'cpus']);
    expect(ds.issues[0]!.message).toMatch(/not a size/);
    expect(() => readResources({ memory: '1m' }, 'x')).toThrow(/less than 64m/);
  });

  it('an override for the instance beats one for its repository, which beats the row, which beats the defaults', () => {
    const inst = normalizeInstance({ ...row, memory: '6g', cpus: 3 });
    const o = new Map([
      ['o__r-1', { memoryBytes: 16 * GiB }],
      ['o/r', { memoryBytes: 12 * GiB, cpus: 4 }],
    ]);
    expect(resourcesFor(inst, defaults, o)).toEqual({
      memoryBytes: 16 * GiB,
      cpus: 4,
      source: { memory: 'override:instance', cpus: 'override:repo' },
    });
    expect(resourcesFor(inst, defaults)).toMatchObject({
      memoryBytes: 6 * GiB,
      cpus: 3,
      source: { memory: 'row' },
    });
    expect(resourcesFor(normalizeInstance(row), defaults)).toMatchObject({
      ...defaults,
      source: { memory: 'default', cpus: 'default' },
    });
  });

  it('--resources reads a JSON object by id or repository, and refuses anything else in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dd-res-'));
    const good = join(dir, 'r.json');
    writeFileSync(good, JSON.stringify({ 'django/django': { memory: '16g', cpus: 4 } }));
    expect(loadResourceOverrides(good).get('django/django')).toEqual({ memoryBytes: 16 * GiB, cpus: 4 });
    const bad = join(dir, 'b.json');
    writeFileSync(bad, JSON.stringify({ 'o/r': { memory: '16 gigs' } }));
    expect(() => loadResourceOverrides(bad)).toThrow(/o\/r: memory: not a size/);
    writeFileSync(bad, '[1]');
    expect(() => loadResourceOverrides(bad)).toThrow(/expected a JSON object/);
    expect(() => loadResourceOverrides(join(dir, 'none.json'))).toThrow(/--resources/);
  });

  it('admits instances while their declared memory fits, lets a smaller one go ahead, and runs one larger than the budget alone', async () => {
    const need: Record<string, number> = { a: 2, b: 2, big: 6, c: 1, d: 3 };
    const running = new Set<string>();
    const log: string[] = [];
    let maxTogether = 0;
    const gates = new Map<string, () => void>();
    const alone: string[] = [];
    const run = (t: string) =>
      new Promise<void>((resolve) => {
        running.add(t);
        log.push(`start ${t} with ${[...running].sort().join(',')}`);
        maxTogether = Math.max(
          maxTogether,
          [...running].reduce((s, x) => s + need[x]!, 0),
        );
        gates.set(t, () => {
          running.delete(t);
          resolve();
        });
      });
    const all = runAdmitted(
      Object.keys(need),
      (t) => need[t]!,
      5,
      3,
      run,
      (t) => alone.push(t),
    );
    const finish = async (t: string) => {
      gates.get(t)!();
      await new Promise((r) => setTimeout(r, 0));
    };
    // a and b fit (4), big does not, c goes ahead of it (5); d waits
    expect([...running].sort()).toEqual(['a', 'b', 'c']);
    await finish('a'); // 3 in use: d (3) does not fit, big waits for an empty machine
    expect([...running].sort()).toEqual(['b', 'c']);
    await finish('b');
    expect([...running].sort()).toEqual(['c', 'd']);
    await finish('c');
    await finish('d');
    expect([...running]).toEqual(['big']);
    expect(alone).toEqual(['big']);
    await finish('big');
    await all;
    expect(maxTogether).toBeLessThanOrEqual(6); // only 'big' alone exceeds the budget of 5
    expect(log.filter((l) => l.startsWith('start big'))).toEqual(['start big with big']);
  });

  it('never runs more than the asked workers, and stops admitting after a failure', async () => {
    let now = 0;
    let peak = 0;
    await runAdmitted(
      [1, 2, 3, 4, 5],
      () => 1,
      100,
      2,
      async () => {
        peak = Math.max(peak, ++now);
        await new Promise((r) => setTimeout(r, 5));
        now--;
      },
    );
    expect(peak).toBe(2);
    const started: number[] = [];
    await expect(
      runAdmitted(
        [1, 2, 3],
        () => 1,
        100,
        1,
        async (n) => {
          started.push(n);
          if (n === 1) throw new Error('boom');
        },
      ),
    ).rejects.toThrow('boom');
    expect(started).toEqual([1]);
  });
});
