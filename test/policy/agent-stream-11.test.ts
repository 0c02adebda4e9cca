import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * An eleventh stream, held out and measured, not a goal: Aider on developers' own projects (a Verilog
 * simulation, a TypeScript service, a Next.js app, a .NET catalogue service, a Python demo), the shell
 * commands its models (Claude 3.5 Sonnet, Claude Sonnet 4 and 4.5, GPT-4o, GPT-4.1, Qwen 2.5 72B)
 * proposed and the person let Aider run, from the chat histories each developer committed (the
 * repositories and their licences are in test/fixtures/policy/agent-stream-11/extract.mjs; not committed
 * here, to keep them held out). Build it with that script into a directory and name it in
 * DRYDOCK_AGENT_STREAM_11. Measured first on main, before any fix (the honest estimate for streams not
 * seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_11;

describe('an eleventh stream: Aider on developers’ projects', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 11: ${r.summary}`);
      expect(r.total).toBeGreaterThan(50);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 62 commands: seconds.
    600_000,
  );
});
