import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * Commands real agents ran in published runs (test/fixtures/policy/agent-stream:
 * extracted by extract.mjs from MIT-licensed repositories; runs.json names each
 * trajectory). Every refusal must be one of the kinds justified in agent-streams.ts, in a sentence.
 */
const stream = readStream(new URL('../fixtures/policy/agent-stream/', import.meta.url));

describe('commands real agents ran', () => {
  it('has at least 5,000 commands from at least two agents and two models, each with its source', () => {
    const { lines, runs } = stream;
    expect(lines.length).toBeGreaterThanOrEqual(5000);
    for (const l of lines) expect(runs[l.run]?.source, l.run).toMatch(/^https:\/\/github\.com\//);
    const used = new Set(lines.map((l) => l.run));
    expect(new Set([...used].map((r) => runs[r]!.agent)).size).toBeGreaterThanOrEqual(2);
    expect(new Set([...used].map((r) => runs[r]!.model.replace(/^@/, ''))).size).toBeGreaterThanOrEqual(2);
  });

  it('allows at least 99.5% unattended, and every refusal is of a justified kind', async () => {
    const r = await measureStream(stream);
    console.log(`agent stream: ${r.summary}`);
    expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    expect(r.pct).toBeGreaterThanOrEqual(99.5);
  });
});
