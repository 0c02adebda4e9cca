import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTextToolCalls } from '../../src/model/index.js';
import { bashTool, parseToolCall } from '../../src/tools/index.js';

// Native tool calls recorded by mini-swe-agent from DeepSeek (deepseek-chat, deepseek-reasoner)
// on SWE-bench instances: real replies, not written for drydock (sources and licence in
// test/fixtures/model-replies/README.md; rebuilt by extract-tool-calls.mjs). The reference is
// what mini-swe-agent itself parsed from each reply (`extra.actions`).
interface Recorded {
  id: string;
  family: string;
  model: string;
  source: { repo: string; path: string; commit: string; url: string; licence: string };
  text: string;
  toolCalls: { id: string; name: string | null; arguments: string | null }[];
  reference: { actions: { command: string; toolCallId: string | null }[]; formatError: string | null };
}
const corpus = readFileSync(new URL('../fixtures/model-replies/tool-calls.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Recorded);

describe('recorded real tool calls (DeepSeek through mini-swe-agent)', () => {
  it('is a corpus of real replies, each with its source', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(400);
    expect(new Set(corpus.map((r) => r.family))).toEqual(new Set(['deepseek']));
    for (const r of corpus) {
      expect(r.source.url).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/[0-9a-f]{40}\//);
      expect(r.source.licence).toBe('MIT');
    }
  });

  it('drydock reads every call as mini-swe-agent did: the same tool, the same command, byte for byte', () => {
    const disagreements: string[] = [];
    for (const r of corpus) {
      const calls = r.toolCalls.map((c) => ({ id: c.id, name: c.name ?? '', arguments: c.arguments ?? '' }));
      const parsed = calls.map((c) => parseToolCall(c, [bashTool.spec]));
      const commands = parsed.map((p) => (p.ok ? (p.args.command as string) : null));
      const expected = r.reference.actions.map((a) => a.command);
      if (JSON.stringify(commands) !== JSON.stringify(expected)) disagreements.push(r.id);
      // And the bash tool's own schema takes the arguments (nothing extra, a non-empty command).
      for (const p of parsed) if (p.ok && !bashTool.build(p.args).ok) disagreements.push(`${r.id} (schema)`);
    }
    expect(disagreements).toEqual([]);
  });

  it('finds no tool call written as text in replies that made a native one (nothing would run twice)', () => {
    const doubled = corpus.filter((r) => parseTextToolCalls(r.text, ['bash']).length > 0).map((r) => r.id);
    expect(doubled).toEqual([]);
  });
});
