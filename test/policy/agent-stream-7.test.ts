import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A seventh stream, measured, not a goal, and the first that is not a benchmark: three developers' own
 * work on their own projects (a FastAPI + Next.js app, a Hugo site, a Next.js + Drizzle app, on macOS)
 * through Automaker, which hands each feature card to Codex (GPT-5.2, `/bin/zsh -lc '…'` as Codex prints
 * it) or the Claude Agent SDK (Opus, Sonnet: Claude Code's `Bash` tool), from the agent outputs the
 * developers committed (github.com/yinkev/praDeep, AGPL-3.0; github.com/riomus/wesole_nutki, no licence;
 * github.com/nioasoft/La_Table_Management, MIT: not committed here, to keep it held out and CI short). Build it with test/fixtures/policy/agent-stream-7/extract.mjs (see its header) into
 * a directory and name it in DRYDOCK_AGENT_STREAM_7. Measured first, before the classes it showed were
 * fixed (the honest estimate for streams not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_7;

describe('a seventh stream: Automaker with Codex (GPT-5.2) and the Claude Agent SDK on developers’ own projects', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, per agent and model, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 7: ${r.summary}`);
      expect(r.total).toBeGreaterThan(9000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // Three workspaces, 9,295 commands: well under a minute.
    600_000,
  );
});
