import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JUSTIFIED, measureStream, readStream } from './agent-streams.js';

/**
 * A sixteenth stream, held out and measured, not a goal: Claude Code (its `Bash` tool) with Claude
 * Opus 4.6, Sonnet 4.6 and Haiku 4.5 on one developer's own machine, from the session transcripts
 * Claude Code keeps and the developer committed; most of its commands drive the developer's
 * multi-agent setup (Gas Town's `gt`, beads' `bd`). Its source states no licence, so nothing of it is
 * committed: build it with test/fixtures/policy/agent-stream-16/extract.mjs (see its header) into a
 * directory and name it in DRYDOCK_AGENT_STREAM_16. Measured first on main, before any fix (the
 * honest estimate for streams not seen): see src/policy/README.md.
 */
const dir = process.env.DRYDOCK_AGENT_STREAM_16;

describe('a sixteenth stream: Claude Code with Claude Opus and Sonnet 4.6 on a developer machine', () => {
  it.skipIf(!dir || !existsSync(`${dir}/commands.jsonl`))(
    'is decided, with the refusals counted by rule, every one of a justified kind',
    async () => {
      const r = await measureStream(readStream(dir!));
      console.log(`agent stream 16: ${r.summary}`);
      expect(r.total).toBeGreaterThan(1000);
      expect([...r.refused.keys()].filter((k) => !(k in JUSTIFIED))).toEqual([]);
    },
    // 43,334 commands, about 8,000 distinct: a few minutes.
    1_800_000,
  );
});
