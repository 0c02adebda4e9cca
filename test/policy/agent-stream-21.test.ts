import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A twenty-first stream, held out and measured, not a goal: Crush (Charm's Go terminal agent, and the
 * Go OpenCode it was renamed from) on 79 developers' own projects, from the session databases they
 * committed (.crush/crush.db, .opencode/opencode.db), with the models each session ran (Qwen3-Coder,
 * Claude, GPT-4.1/4o/5, Gemini 2.5, GLM-4.5, Grok, Llama 4, OpenRouter's cloaked models, …). Nothing of
 * it is committed (most of the repositories state no licence): build it with
 * test/fixtures/policy/agent-stream-21/extract.mjs (see its header) into a directory and name it in
 * DRYDOCK_AGENT_STREAM_21. Measured first on main, before any fix (the honest estimate for streams not
 * seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_21;

describe("a twenty-first stream: Crush on developers' own projects", () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 21: ${r.summary}`);
      expect(r.total).toBeGreaterThan(1500);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 1,616 commands: a minute or two on two cores.
    600_000,
  );
});
