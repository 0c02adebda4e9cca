import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A twentieth stream, held out and measured, not a goal: OpenCode with MiMo-V2-Pro, GPT-5.4 and
 * GPT-5.4-mini on SWE-bench Lite's dev split (checkout /repo), thirteen runs of its 23 tasks from
 * omkaark/opencode-swe-bench-eval. Nothing of it is committed (the repository states no licence):
 * build it with test/fixtures/policy/agent-stream-20/extract.mjs (see its header) into a directory and
 * name it in DRYDOCK_AGENT_STREAM_20. Measured first on main, before any fix (the honest estimate for
 * streams not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_20;

describe('a twentieth stream: OpenCode with MiMo-V2-Pro and GPT-5.4 on SWE-bench Lite', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 20: ${r.summary}`);
      expect(r.total).toBeGreaterThan(2000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 2,474 commands: a minute or two on two cores.
    600_000,
  );
});
