import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A sixth stream, measured, not a goal: OpenAI's Codex CLI (an agent family in none of the other five
 * streams; every command an argument vector, `bash -lc '…'`, as Codex prints it) with GPT-5, optimising
 * the performance of vLLM and SGLang (ISO-Bench's published runs, Apache-2.0). Build it with
 * test/fixtures/policy/agent-stream-6/extract.mjs (see its header) into a directory and name it in
 * DRYDOCK_AGENT_STREAM_6. Measured first, before the classes it showed were fixed (the honest
 * estimate for streams not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_6;

describe('a sixth stream: Codex CLI with GPT-5 on performance work', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, per agent and model, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 6: ${r.summary}`);
      expect(r.total).toBeGreaterThan(4000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 221 runs in 221 worktrees (a policy engine each): a few minutes, more when loaded.
    600_000,
  );
});
