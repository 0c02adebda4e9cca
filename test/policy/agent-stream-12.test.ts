import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A twelfth stream, held out and measured, not a goal: Cline (the VS Code agent extension) on two
 * developers' own projects (a TypeScript/Express/Prisma stock-portfolio app in a Codespace and on
 * macOS; a JavaScript/Python IDE on Windows), the commands its model proposed and the person let run,
 * from the task files Cline keeps and the developers committed (the repositories and their licences are
 * in test/fixtures/policy/agent-stream-12/extract.mjs; not committed here, to keep them held out). Build
 * it with that script into a directory and name it in DRYDOCK_AGENT_STREAM_12. Measured first on main,
 * before any fix (the honest estimate for streams not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_12;

describe('a twelfth stream: Cline on developers’ projects', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 12: ${r.summary}`);
      expect(r.total).toBeGreaterThan(1000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 1,181 commands: under a minute.
    600_000,
  );
});
