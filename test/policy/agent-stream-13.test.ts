import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A thirteenth stream, held out and measured, not a goal: OpenHands (CodeActAgent) with Claude 3.5
 * Sonnet (October 2024) on SWE-bench Verified, 500 tasks, the commands of its `execute_bash` tool
 * (the run and its source are in test/fixtures/policy/agent-stream-13/extract.mjs; not committed
 * here, to keep them held out). Build it with that script into a directory and name it in
 * DRYDOCK_AGENT_STREAM_13. Measured first on main, before any fix (the honest estimate for streams
 * not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_13;

describe('a thirteenth stream: OpenHands with Claude 3.5 Sonnet on SWE-bench Verified', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 13: ${r.summary}`);
      expect(r.total).toBeGreaterThan(7000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 7,643 commands: a minute or two.
    1_500_000,
  );
});
