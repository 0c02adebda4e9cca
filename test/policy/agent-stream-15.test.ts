import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A fifteenth stream, held out and measured, not a goal: CodeR (a multi-agent issue resolver whose
 * roles share SWE-agent's shell) with GPT-4 on SWE-bench Lite, the run its authors published. Its
 * source states no licence, so nothing of it is committed: build it with
 * test/fixtures/policy/agent-stream-15/extract.mjs (see its header) into a directory and name it in
 * DRYDOCK_AGENT_STREAM_15. Measured first on main, before any fix (the honest estimate for streams not
 * seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_15;

describe('a fifteenth stream: CodeR with GPT-4 on SWE-bench Lite', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 15: ${r.summary}`);
      expect(r.total).toBeGreaterThan(1000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 1,007 commands: well under a minute.
    600_000,
  );
});
