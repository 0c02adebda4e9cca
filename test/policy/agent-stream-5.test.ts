import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A fifth stream, measured, not a goal: Trae Agent (an agent family in none of the other four
 * streams) with Claude Sonnet 4.5, GPT-5 and GPT-4o, optimising the performance of vLLM and SGLang
 * (ISO-Bench's published runs, Apache-2.0). Build it with
 * test/fixtures/policy/agent-stream-5/extract.mjs (see its header) into a directory and name it in
 * DRYDOCK_AGENT_STREAM_5. Measured first, before the classes it showed were fixed (the honest
 * estimate for streams not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_5;

describe('a fifth stream: Trae Agent with Claude Sonnet 4.5, GPT-5 and GPT-4o on performance work', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, per agent and model, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 5: ${r.summary}`);
      expect(r.pairs.size).toBeGreaterThanOrEqual(2);
      expect(r.total).toBeGreaterThan(10000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 575 runs, each in a workspace of its own (a policy engine each): about 2 minutes, more when loaded.
    600_000,
  );
});
