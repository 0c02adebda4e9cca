import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A nineteenth stream, held out and measured, not a goal: RepoLaunch and ExecutionAgent, two
 * environment-setup agents, with DeepSeek-V3 setting up SWE-bench-Live and Multi-SWE-bench
 * repositories from scratch (install toolchains and dependencies, configure, build, run the tests),
 * the baselines of HagonChan/EnvPilot. Nothing of it is committed (kept held out): build it with
 * test/fixtures/policy/agent-stream-19/extract.mjs (see its header) into a directory and name it in
 * DRYDOCK_AGENT_STREAM_19. Measured first on main, before any fix (the honest estimate for streams
 * not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_19;

describe('a nineteenth stream: RepoLaunch and ExecutionAgent with DeepSeek-V3 setting up repositories', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 19: ${r.summary}`);
      expect(r.total).toBeGreaterThan(3000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 3,201 commands: a minute or two on two cores.
    600_000,
  );
});
