import { describe, expect, it } from 'vitest';
import {
  diagnosticsDelta,
  hunksOf,
  mapLine,
  parseUnifiedDiff,
  processReward,
  type LspDiagnostic,
} from '../../src/lsp/index.js';

const d = (line: number, message: string, severity: 1 | 2 | 3 | 4 = 1, code = 'rule'): LspDiagnostic => ({
  range: { start: { line, character: 4 }, end: { line, character: 9 } },
  severity,
  code,
  message,
});

const server = { name: 'pyright' as const, version: 'x', configHash: 'h' };

describe('diagnosticsDelta', () => {
  it('matches a diagnostic shifted by inserted lines above it', () => {
    const edit = { files: { 'a.py': [{ oldStart: 2, oldLines: 0, newStart: 3, newLines: 2 }] } };
    const delta = diagnosticsDelta({ 'a.py': [d(10, 'x')] }, { 'a.py': [d(12, 'x')] }, edit);
    expect(delta.totals).toEqual({ newErrors: 0, fixedErrors: 0, newWarnings: 0, fixedWarnings: 0 });
  });

  it('counts new and fixed errors and warnings per file, ignoring hints', () => {
    const before = { 'a.py': [d(1, 'old error'), d(2, 'warn', 2)], 'b.py': [d(0, 'hint', 4)] };
    const after = { 'a.py': [d(1, 'new error'), d(2, 'warn', 2)], 'b.py': [d(5, 'w2', 2)] };
    const delta = diagnosticsDelta(before, after);
    expect(delta.files['a.py']).toMatchObject({
      newErrors: 1,
      fixedErrors: 1,
      newWarnings: 0,
      fixedWarnings: 0,
    });
    expect(delta.files['b.py']).toMatchObject({ newWarnings: 1 });
    expect(delta.totals).toEqual({ newErrors: 1, fixedErrors: 1, newWarnings: 1, fixedWarnings: 0 });
  });

  it('keeps two equal diagnostics apart when only one goes away', () => {
    const delta = diagnosticsDelta({ f: [d(1, 'same'), d(5, 'same')] }, { f: [d(5, 'same')] });
    expect(delta.totals.fixedErrors).toBe(1);
    expect(delta.files.f!.removed[0]!.range.start.line).toBe(1);
  });

  it('distinguishes codes and severities with the same message', () => {
    const delta = diagnosticsDelta({ f: [d(1, 'm', 1, 'a')] }, { f: [d(1, 'm', 1, 'b')] });
    expect(delta.totals).toMatchObject({ newErrors: 1, fixedErrors: 1 });
  });
});

describe('line mapping and diffs', () => {
  it('maps lines around a replaced region and drops lines inside it', () => {
    const hunks = [{ oldStart: 3, oldLines: 2, newStart: 3, newLines: 5 }];
    expect(mapLine(0, hunks)).toBe(0);
    expect(mapLine(2, hunks)).toBeNull(); // line 3 (1-based) was rewritten
    expect(mapLine(9, hunks)).toBe(12);
  });

  it('parses a unified diff into files and hunks', () => {
    const p = parseUnifiedDiff(
      '--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,4 @@\n a\n+b\n c\n d\n--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n',
    );
    expect(p.files).toEqual({ 'x.py': [{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 4 }] });
    expect(p.deleted).toEqual(['gone.py']);
  });

  it('computes the changed hunk of a whole-text replacement', () => {
    expect(hunksOf('a\nb\nc\n', 'a\nB\nB2\nc\n')).toEqual([
      { oldStart: 2, oldLines: 1, newStart: 2, newLines: 2 },
    ]);
    expect(hunksOf('same', 'same')).toEqual([]);
  });
});

describe('processReward', () => {
  const safe = { appliedExactly: true, parses: true, confidence: 1 };

  it('is α·ΔD + β·S − γ(1 − c) with its parts kept', () => {
    const r = processReward({
      before: { f: [d(1, 'e'), d(2, 'e2')] },
      after: { f: [] },
      files: ['f'],
      safety: { appliedExactly: true, parses: true, confidence: 0.5 },
      server,
    });
    expect(r).toMatchObject({ dBefore: 2, dAfter: 0, s: 1, c: 0.5 });
    expect(r.reward).toBeCloseTo(0.5 * 2 + 0.4 - 0.1 * 0.5);
    expect(r.terms.diagnostics + r.terms.safety + r.terms.confidence).toBeCloseTo(r.reward);
    expect(r.server).toEqual(server);
  });

  it('counts only error-level diagnostics in the scoped files, with configurable weights', () => {
    const r = processReward({
      before: { f: [d(1, 'w', 2)], other: [d(1, 'e')] },
      after: { f: [d(1, 'e')], other: [] },
      files: ['f'],
      safety: { ...safe, parses: false },
      server,
      weights: { alpha: 1, beta: 0, gamma: 0 },
    });
    expect(r).toMatchObject({ dBefore: 0, dAfter: 1, s: 0, reward: -1 });
  });
});
