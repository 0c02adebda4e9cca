import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A twenty-fifth stream, held out and measured, not a goal: Vorflux (a commercial cloud coding agent,
 * its `bash_execute` tool) with Claude Opus 4.6 building and testing, Claude Haiku 4.5 explorers and
 * GPT-5.5 High reviewing, on all 500 tasks of SWE-bench Verified (May 2026), the trajectories Vorflux
 * published with its leaderboard submission (MIT). The commands are not committed: build them with
 * test/fixtures/policy/agent-stream-25/extract.mjs (see its header) into a directory and name it in
 * DRYDOCK_AGENT_STREAM_25. Measured first on main, before any fix (the honest estimate for streams
 * not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_25;

describe('a twenty-fifth stream: Vorflux with Opus 4.6 on SWE-bench Verified', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 25: ${r.summary}`);
      expect(r.total).toBeGreaterThan(21000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 21,382 commands: a minute or two on two cores.
    600_000,
  );
});
