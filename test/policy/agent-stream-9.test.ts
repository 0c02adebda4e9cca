import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A ninth stream, held out and measured, not a goal: Cursor's agent on other developers' own projects
 * (a Python CLI in a dev container, a Python library on Replit, a Next.js site on macOS, …), from the
 * chats SpecStory saved and each developer committed (the repositories are listed in
 * test/fixtures/policy/agent-stream-9/extract.mjs with their licences; not committed here, to keep them
 * held out and CI short). Build it with that script into a directory and name it in
 * DRYDOCK_AGENT_STREAM_9. Measured first on main, before any fix (the honest estimate for streams not
 * seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_9;

describe('a ninth stream: Cursor’s agent on other developers’ projects', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 9: ${r.summary}`);
      expect(r.total).toBeGreaterThan(600);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 644 commands: well under a minute.
    600_000,
  );
});
