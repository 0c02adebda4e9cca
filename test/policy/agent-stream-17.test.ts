import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A seventeenth stream, held out and measured, not a goal: OB-1 (OpenBlock Labs' terminal agent) on
 * Terminal-Bench, the five runs submitted to its leaderboard. Its source states no licence, so nothing
 * of it is committed: build it with test/fixtures/policy/agent-stream-17/extract.mjs (see its header)
 * into a directory and name it in DRYDOCK_AGENT_STREAM_17. Measured first on main, before any fix (the
 * honest estimate for streams not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_17;

describe('a seventeenth stream: OB-1 on Terminal-Bench', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 17: ${r.summary}`);
      expect(r.total).toBeGreaterThan(9000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 9,676 commands: a few minutes on two cores.
    900_000,
  );
});
