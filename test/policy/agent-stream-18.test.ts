import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * An eighteenth stream, held out and measured, not a goal: OpenClaw with GLM-5 on UnipatAI's Monthly
 * SWE-bench (2026-03), SWE-bench-Live-style tasks in Go, C++, Rust, Python, TypeScript and Java run
 * through Harbor. Its source states no licence, so nothing of it is committed: build it with
 * test/fixtures/policy/agent-stream-18/extract.mjs (see its header) into a directory and name it in
 * DRYDOCK_AGENT_STREAM_18. Measured first on main, before any fix (the honest estimate for streams
 * not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_18;

describe('an eighteenth stream: OpenClaw with GLM-5 on a monthly SWE-bench', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 18: ${r.summary}`);
      expect(r.total).toBeGreaterThan(2500);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 2,702 commands: a minute or two on two cores.
    600_000,
  );
});
