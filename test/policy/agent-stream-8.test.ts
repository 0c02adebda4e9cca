import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * An eighth stream, measured, not a goal: Cursor's agent (its agent mode's terminal tool) on a developer's
 * own project, a TypeScript/Bun command-line tool built on macOS, from the chats SpecStory saved and the
 * developer committed (github.com/edobry/minsky, MIT: not committed here, to keep it held out and CI
 * short). Build it with test/fixtures/policy/agent-stream-8/extract.mjs (see its header) into a directory
 * and name it in DRYDOCK_AGENT_STREAM_8. Measured first, before the classes it showed were fixed (the
 * honest estimate for streams not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_8;

describe('an eighth stream: Cursor’s agent on a developer’s own Bun project', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 8: ${r.summary}`);
      expect(r.total).toBeGreaterThan(1500);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 1,627 commands: well under a minute.
    600_000,
  );
});
