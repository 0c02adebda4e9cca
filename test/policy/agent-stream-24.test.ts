import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A twenty-fourth stream, held out and measured, not a goal: Claude Code 2.0 with Claude Sonnet 4.5
 * fixing SWE-bench Lite issues (django, sympy, astropy, matplotlib, sphinx, pytest, scikit-learn, …),
 * the 300 "past experience" sessions SWEContextBench publishes (December 2025), each Claude Code's
 * own transcript. Nothing of it is committed (the repository states no licence): build it with
 * test/fixtures/policy/agent-stream-24/extract.mjs (see its header) into a directory and name it in
 * DRYDOCK_AGENT_STREAM_24. Measured first on main, before any fix (the honest estimate for streams
 * not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_24;

describe('a twenty-fourth stream: Claude Code with Sonnet 4.5 on SWE-bench Lite', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 24: ${r.summary}`);
      expect(r.total).toBeGreaterThan(8000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 8,095 commands: a minute or two on two cores.
    600_000,
  );
});
