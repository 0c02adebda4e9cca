import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A second, independent stream: agents and models that are not in ../fixtures/policy/agent-stream
 * (OpenHands CodeActAgent with llama-4-maverick and GLM-4.6, Live-SWE-agent with gpt-5-mini).
 * Only runs whose licence allows it are in the repository (test/fixtures/policy/agent-stream-2,
 * MIT); the whole set (4,999 commands, 237 runs) is built from the published repositories by
 * test/fixtures/policy/agent-stream-2/extract.mjs (see its header) into a directory named by
 * DRYDOCK_AGENT_STREAM_2, and decided here when that is set.
 */
const committed = readStream(new URL('../fixtures/policy/agent-stream-2/', import.meta.url));
const fullDir = process.env.DRYDOCK_AGENT_STREAM_2;

describe('commands other agents and models ran', () => {
  it('records the source and licence of every committed run, and every refusal is of a justified kind', async () => {
    for (const l of committed.lines) {
      const run = committed.runs[l.run];
      expect(run?.source, l.run).toMatch(/^https:\/\/github\.com\//);
      expect(run?.licence, l.run).toBe('MIT');
    }
    const r = await measureStream(committed);
    console.log(`agent stream 2 (committed): ${r.summary}`);
    expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
  });

  it.skipIf(!fullDir || !existsSync(`${fullDir}/commands.jsonl`))(
    'the whole set: at least 5,000 commands from three agent/model pairs, 99.3% allowed, every refusal justified',
    async () => {
      const full = readStream(fullDir!);
      const r = await measureStream(full);
      console.log(`agent stream 2 (whole set): ${r.summary}`);
      expect(r.pairs.size).toBeGreaterThanOrEqual(3);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
      // 99.60% until 3 Dec: 11 `cd /testbed && python -m pytest …` of OpenHands runs whose checkout
      // is /workspace/<repo> (/testbed is the image's installed copy, which these runs also copy
      // into) are now refused as their absolute spelling `python -m pytest /testbed/…` already was.
      expect(r.pct).toBeGreaterThanOrEqual(99.3);
    },
  );
});
