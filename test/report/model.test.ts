import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRunModel, compareEvals, loadEval } from '../../src/report/index.js';
import { readTrajectory } from '../../src/trajectory/index.js';
import { generateEval, generateRun, instancesFor } from '../helpers/report-fixtures.js';

/** What the pages are built from, without a browser. */
const tmp = mkdtempSync(join(tmpdir(), 'drydock-report-model-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a fix run, as its page reads it', () => {
  it('stages in order with their model turns, candidates with their final outcome, calls with their limits', () => {
    const run = generateRun(join(tmp, 'run'), { toolCalls: 25 });
    const m = buildRunModel(readTrajectory(run.path));
    expect(m.scripted).toBe(true);
    expect(m.stages.map((s) => s.name)).toEqual([
      'prepare',
      'localize',
      'repair',
      'validate',
      'select',
      'review',
      'output',
    ]);
    // Each model reply counts in the stage whose milestone follows it.
    expect(m.stages.find((s) => s.name === 'localize')!.turns).toBe(1);
    expect(m.stages.find((s) => s.name === 'review')!.turns).toBe(3);
    expect(m.totals.turns).toBe(m.stages.reduce((n, s) => n + s.turns, 0));
    expect(m.candidates.map((c) => [c.id, c.outcome])).toEqual(run.candidates.map((c) => [c.id, c.outcome]));
    // A rejected candidate keeps its own reason when selection repeats it.
    expect(m.candidates[0]!.reason).toMatch(/syntax error/);
    expect(m.candidates[2]!.reason).toBe('its reproduction test fails');
    expect(m.localization.ranking[0]).toMatchObject({ path: 'calc/ops.py', score: 7.5 });
    expect(m.toolCalls).toHaveLength(25);
    const killed = m.toolCalls.filter((c) => c.killedBy);
    expect(killed.map((c) => c.callId)).toEqual(run.oomKilled);
    expect(killed[0]).toMatchObject({ memoryLimitBytes: 256 * 2 ** 20, peakMemoryBytes: 256 * 2 ** 20 });
    // A call's bar ends when its event was written and starts its wall time before.
    const c = m.toolCalls[2]!;
    expect(c.endMs - c.startMs).toBe(c.wallMs);
    expect(m.review).toHaveLength(1);
    expect(m.review[0]!.toolCalls).toHaveLength(25);
    expect(m.crash).toBeNull();
    // Language-server processes: placed by their recorded start, in the stage they ended in.
    expect(m.lspProcesses.map((l) => [l.stage, l.ended])).toEqual([
      ['validate', 'closed'],
      ['validate', 'closed'],
      ['review', 'crashed'],
      ['review', 'closed'],
    ]);
    const l = m.lspProcesses[0]!;
    expect(l.endMs - l.startMs).toBe(l.wallMs);
    expect(l).toMatchObject({ peakMemoryBytes: 180 * 1024 * 1024, memoryLimitBytes: 4096 * 1024 * 1024 });
    expect(m.lspProcesses[2]).toMatchObject({ cpuMs: null, peakMemoryBytes: null });
  });

  it('a run that stops early says after which event and in which stage', () => {
    const run = generateRun(join(tmp, 'crash'), { toolCalls: 10, crashAfter: 24 });
    const m = buildRunModel(readTrajectory(run.path));
    expect(m.end).toBeNull();
    // Event 23 is the first review tool call; the last milestone written was select's.
    expect(m.crash).toMatchObject({ lastSeq: 23, lastType: 'tool.call', stage: 'select' });
    expect(m.stages.at(-1)!.name).toBe('unfinished');
    expect(m.crash!.detail).toMatch(/cut off/);
    expect(m.stages.at(-1)!.unfinished).toBe(true);
  });
});

describe('an evaluation folder', () => {
  it('counts by SWE-bench bucket and takes incomplete instances from the summary', () => {
    const out = generateEval(join(tmp, 'e1'), 'r1', instancesFor(10));
    const summary = join(out, 'gen-model.r1.json');
    const s = JSON.parse(readFileSync(summary, 'utf8')) as { incomplete_ids: string[] };
    s.incomplete_ids = ['org__repo-99999'];
    writeFileSync(summary, JSON.stringify(s));
    for (const dir of [out, join(out, 'r1'), join(out, 'r1', 'gen-model')]) {
      const m = loadEval(dir);
      expect(m.counts).toEqual({ resolved: 2, unresolved: 2, error: 4, empty: 2, incomplete: 1 });
      expect(m.runId).toBe('r1');
    }
  });

  it('refuses a folder with two runs, naming them', () => {
    const out = join(tmp, 'two');
    generateEval(out, 'a', instancesFor(2));
    generateEval(out, 'b', instancesFor(2));
    expect(() => loadEval(out)).toThrow(/holds 2 runs: a\/gen-model, b\/gen-model/);
  });

  it('compare: exactly the changed outcomes, an instance missing on one side included', () => {
    const a = loadEval(generateEval(join(tmp, 'ca'), 'a', instancesFor(6)));
    const b = loadEval(generateEval(join(tmp, 'cb'), 'b', instancesFor(7, 3)));
    // shift 3: instances 0, 3 and 6 move to the next outcome (3: apply_failed → error, the same
    // bucket, so no change); 6 exists only in b.
    expect(compareEvals(a, b)).toEqual([
      { id: 'org__repo-00000', before: 'resolved', after: 'unresolved' },
      { id: 'org__repo-00006', before: 'absent', after: 'empty' },
    ]);
  });
});
