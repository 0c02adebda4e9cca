import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A fourteenth stream, held out and measured, not a goal: Chaterm (a terminal agent driving a tmux
 * pane) with Claude Sonnet 4 on Terminal-Bench, five runs of its 80 tasks, the commands it ran at the
 * shell and waited for (the runs and their source are in test/fixtures/policy/agent-stream-14/extract.mjs;
 * not committed here, to keep them held out). Build it with that script into a directory and name it
 * in DRYDOCK_AGENT_STREAM_14. Measured first on main, before any fix (the honest estimate for streams
 * not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_14;

describe('a fourteenth stream: Chaterm with Claude Sonnet 4 on Terminal-Bench', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 14: ${r.summary}`);
      expect(r.total).toBeGreaterThan(14000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 14,482 commands, 9,251 distinct: a few minutes.
    1_500_000,
  );
});
