import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset, loadPredictions, parsePredictions } from '../../src/harness/index.js';

const fixture = new URL('../fixtures/harness/bad-rows.jsonl', import.meta.url).pathname;

describe('dataset loading', () => {
  it('reports each bad row with its line and field, and keeps the good rows', () => {
    const ds = loadDataset(fixture);
    expect(ds.instances.map((i) => i.instance_id)).toEqual(['ok__one-1', 'ok__two-6']);
    expect(ds.issues.map((i) => [i.line, i.field])).toEqual([
      [2, 'base_commit'],
      [3, '(json)'],
      [4, 'FAIL_TO_PASS'],
      [7, 'env_image'],
      [8, 'instance_id'],
      [9, 'test_cmds'],
    ]);
  });

  it('accepts SWE-bench JSON-string test lists and SWE-bench-Live lists; a string command becomes a list', () => {
    const [one, two] = loadDataset(fixture).instances;
    expect(one!.FAIL_TO_PASS).toEqual(['t::a']);
    expect(one!.env_image).toBe('python');
    expect(one!.log_parser).toBe('pytest');
    expect(two!.test_cmds).toEqual(['npm test']);
    expect(two!.env_image).toBe('node');
  });

  it('loads SWE-bench v5 task directories', () => {
    const root = mkdtempSync(join(tmpdir(), 'dd-tasks-'));
    try {
      const d = join(root, 'tasks', 'o__r-1');
      mkdirSync(d, { recursive: true });
      writeFileSync(
        join(d, 'task.yaml'),
        'repo: o/r\nbase_commit: 0123456789abcdef\ntest_cmds:\n  - pytest -rA\n',
      );
      writeFileSync(join(d, 'tests.json'), JSON.stringify({ FAIL_TO_PASS: ['a'], PASS_TO_PASS: ['b'] }));
      writeFileSync(join(d, 'gold.patch'), 'diff --git a/x b/x\r\n');
      writeFileSync(join(d, 'test.patch'), 'diff --git a/t b/t\n');
      mkdirSync(join(root, 'tasks', 'o__r-2'));
      writeFileSync(join(root, 'tasks', 'o__r-2', 'task.yaml'), 'repo: o/r\n');
      const ds = loadDataset(root);
      expect(ds.instances).toHaveLength(1);
      expect(ds.instances[0]!.patch).toBe('diff --git a/x b/x\r\n');
      expect(ds.instances[0]!.FAIL_TO_PASS).toEqual(['a']);
      expect(ds.issues).toMatchObject([{ instance_id: 'o__r-2', field: 'base_commit' }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('predictions', () => {
  const p = { instance_id: 'a', model_name_or_path: 'm', model_patch: 'diff' };
  it('reads JSONL, a JSON list and a dict keyed by id', () => {
    const q = { ...p, instance_id: 'b', model_patch: null };
    for (const text of [
      `${JSON.stringify(p)}\n${JSON.stringify(q)}\n`,
      JSON.stringify([p, q]),
      JSON.stringify({ a: { model_name_or_path: 'm', model_patch: 'diff' }, b: q }),
    ]) {
      const m = parsePredictions(text);
      expect([...m.keys()]).toEqual(['a', 'b']);
      expect(m.get('a')!.model_patch).toBe('diff');
      expect(m.get('b')!.model_patch).toBeNull();
    }
  });
  it('gold takes the dataset patch, empty an empty one', () => {
    const ds = loadDataset(fixture).instances;
    expect(loadPredictions('gold', ds).get('ok__one-1')!.model_name_or_path).toBe('gold');
    expect(loadPredictions('empty', ds).get('ok__two-6')!.model_patch).toBe('');
  });
});
