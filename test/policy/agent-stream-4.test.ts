import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A fourth stream, measured, not a goal: SWE-agent 1.0 with Claude 4 Sonnet and with
 * SWE-agent-LM-32B on SWE-bench Verified (two leaderboard runs): agent/model pairs in none of
 * ../fixtures/policy/agent-stream, agent-stream-2 and agent-stream-3. Its source has no licence, so
 * nothing of it is committed: build it with test/fixtures/policy/agent-stream-4/extract.mjs (see its
 * header) into a directory and name it in DRYDOCK_AGENT_STREAM_4. Measured first, before the classes
 * it showed were fixed (the honest estimate for streams not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_4;

describe('a fourth stream: SWE-agent 1.0 with Claude 4 Sonnet and SWE-agent-LM-32B', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, per agent and model, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 4: ${r.summary}`);
      expect(r.pairs.size).toBe(2);
      expect(r.total).toBeGreaterThan(3000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
  );
});
