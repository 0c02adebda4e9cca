import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A twenty-third stream, held out and measured, not a goal: contractors of one data vendor's
 * "Prompt2Repo" programme building whole applications from a brief (Compose stacks, Spring Boot,
 * Laravel, Go, Rust and Node back ends, their unit and API tests) with Claude Code, Codex CLI
 * (GPT-5.3-Codex, GPT-5.4) and OpenCode on their own Linux and macOS machines (March–April 2026),
 * from the sessions the programme has them commit (sessions/develop-N.json, bugfix-N.json). Nothing
 * of it is committed (the repositories state no licence): build it with
 * test/fixtures/policy/agent-stream-23/extract.mjs (see its header) into a directory and name it in
 * DRYDOCK_AGENT_STREAM_23. Measured first on main, before any fix (the honest estimate for streams
 * not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_23;

describe('a twenty-third stream: Prompt2Repo builds with Claude Code, Codex CLI and OpenCode', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 23: ${r.summary}`);
      expect(r.total).toBeGreaterThan(6000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 6,646 commands: a minute or two on two cores.
    600_000,
  );
});
