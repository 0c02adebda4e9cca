import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A tenth stream, held out and measured, not a goal: mini-swe-agent with Claude Sonnet 4 on
 * Terminal-Bench's system tasks (build a kernel for QEMU, serve a notebook, train a model, configure a web
 * server, crack an archive, …), five runs submitted to Terminal-Bench's leaderboard (the repository and its
 * licence are named in test/fixtures/policy/agent-stream-10/extract.mjs; it has none, so the commands are
 * not committed here, which also keeps them held out and CI short). Build it with that script into a
 * directory and name it in DRYDOCK_AGENT_STREAM_10. Measured first on main, before any fix (the honest
 * estimate for streams not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_10;

describe('a tenth stream: mini-swe-agent with Claude Sonnet 4 on Terminal-Bench', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 10: ${r.summary}`);
      expect(r.total).toBeGreaterThan(3000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 3,236 commands: about a minute.
    600_000,
  );
});
