import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A third stream, measured, not a goal: SWE-agent (2024) with five models (deepseek-chat-v2,
 * deepseek-coder-v2, doubao-pro-128k, gpt-4o, gpt-4o-mini) on the Java half of Multi-SWE-bench:
 * another agent, other models and another language than ../fixtures/policy/agent-stream and
 * agent-stream-2. Its source has no licence, so nothing of it is committed: build it with
 * test/fixtures/policy/agent-stream-3/extract.mjs (see its header) into a directory and name it
 * in DRYDOCK_AGENT_STREAM_3. Measured first before the classes it showed were fixed (the honest
 * estimate for streams not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_3;

describe('a third stream: SWE-agent on Java with five models', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, per agent and model, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 3: ${r.summary}`);
      expect(r.pairs.size).toBeGreaterThanOrEqual(3);
      expect(r.total).toBeGreaterThan(3000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
  );
});
