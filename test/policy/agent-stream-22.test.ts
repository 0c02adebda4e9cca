import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A twenty-second stream, held out and measured, not a goal: GitHub Copilot's agent mode in VS Code,
 * mostly with GPT-5-Codex, on one developer's own TypeScript monorepo on Windows under PowerShell
 * (October–November 2025), from the chat exports the developer committed, and a few sessions of
 * Google's Antigravity on the same project. Nothing of it is committed (the repositories state no
 * licence): build it with test/fixtures/policy/agent-stream-22/extract.mjs (see its header) into a
 * directory and name it in DRYDOCK_AGENT_STREAM_22. Measured first on main, before any fix (the honest
 * estimate for streams not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_22;

describe('a twenty-second stream: GitHub Copilot agent mode and Antigravity on Windows', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 22: ${r.summary}`);
      expect(r.total).toBeGreaterThan(4000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 4,251 commands: a minute or two on two cores.
    600_000,
  );
});
