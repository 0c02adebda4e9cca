import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verdictOf } from '../../src/agent/index.js';

// Review verdicts as real models wrote them, recorded by the tools they reviewed for (sources
// and licences in test/fixtures/model-replies/README.md; rebuilt by extract-reviews.mjs):
// Claude and GPT reviewing commits for AgentMarshal (prose, then a JSON verdict between sentinel
// lines), and GPT reviewing code for MetaGPT ("## Code Review Result" then LGTM or LBTM). The
// reference is the recording tool's own reading of each reply; drydock must read the same
// verdict from the words, by their structure, never by finding a word somewhere in the text.
interface Recorded {
  id: string;
  family: string;
  model: string;
  kind: string;
  source: { repo: string; path: string; commit: string; url: string; licence: string };
  text: string;
  reference: {
    tool: string;
    verdict: 'approve' | 'request_changes';
    recorded?: string;
    block?: string;
    artifactSha256?: string;
  };
}

const corpus: Recorded[] = readFileSync(
  new URL('../fixtures/model-replies/reviews.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Recorded);
const read = (r: Recorded) => verdictOf({ role: 'assistant', content: r.text });

describe('recorded review verdicts (real replies, the recording tool read them)', () => {
  it('holds reviews from two model families, both verdicts, each with its source', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(36);
    const families = new Set(corpus.map((r) => r.family));
    expect(families).toEqual(new Set(['gpt', 'claude']));
    for (const family of families)
      for (const verdict of ['approve', 'request_changes'])
        expect(corpus.some((r) => r.family === family && r.reference.verdict === verdict)).toBe(true);
    for (const r of corpus) {
      expect(r.kind).toBe('review');
      expect(r.source.url).toContain(r.source.commit);
      expect(r.source.licence).toMatch(/^(MIT|Apache-2\.0)$/);
    }
  });

  it("AgentMarshal's copies are the recorded artifacts byte for byte (sha256 as AgentMarshal recorded it)", () => {
    const am = corpus.filter((r) => r.reference.tool === 'AgentMarshal review');
    expect(am.length).toBeGreaterThanOrEqual(11);
    for (const r of am)
      expect(createHash('sha256').update(r.text, 'utf8').digest('hex'), r.id).toBe(
        r.reference.artifactSha256,
      );
    // Its recorded verdicts include a non-approving one other than changes_required.
    expect(new Set(am.map((r) => r.reference.recorded))).toEqual(
      new Set(['approved', 'changes_required', 'blocked']),
    );
  });

  it.each(corpus.filter((r) => r.reference.tool === 'AgentMarshal review').map((r) => [r.id, r] as const))(
    'reads %s as AgentMarshal did, from its verdict object',
    (_id, r) => {
      expect(read(r)).toEqual({ verdict: r.reference.verdict, how: 'object' });
    },
  );

  // MetaGPT reads the text under its "## Code Review Result" heading. Where that text holds the
  // verdict, drydock must agree. Three replies put the word on the heading line itself
  // ("## Code Review Result: LBTM"), where MetaGPT's parse_block finds an empty block and
  // rewrites whatever was written: there the reference parser does not succeed, and drydock
  // reads the word the model wrote on that line.
  const metagpt = corpus.filter((r) => r.reference.tool === 'MetaGPT WriteCodeReview');
  it.each(metagpt.filter((r) => r.reference.block !== '').map((r) => [r.id, r] as const))(
    'reads %s as MetaGPT did',
    (_id, r) => {
      expect(read(r)).toEqual({ verdict: r.reference.verdict, how: 'final-line' });
    },
  );

  it('where MetaGPT found no verdict under its heading, reads the one written on the heading line', () => {
    const onHeading = metagpt.filter((r) => r.reference.block === '');
    expect(onHeading.map((r) => r.text.trim().split('\n').at(-1))).toEqual([
      '## Code Review Result: LBTM',
      '## Code Review Result: LBTM',
      '## Code Review Result: LGTM',
    ]);
    expect(onHeading.map((r) => read(r).verdict)).toEqual(['request_changes', 'request_changes', 'approve']);
  });

  it('a verdict word inside the prose is never the verdict: the same replies without their verdict give none', () => {
    let mentioning = 0;
    for (const r of corpus) {
      const withoutVerdict =
        r.reference.tool === 'AgentMarshal review'
          ? r.text.replace(/AGENTMARSHAL_VERDICT_BEGIN\n[\s\S]*?\nAGENTMARSHAL_VERDICT_END\n?/, '')
          : r.text.replace(/\n*##\s*Code Review Result:?[^\n]*(\n[^\n#]*)?\s*$/, '');
      expect(withoutVerdict, r.id).not.toBe(r.text);
      if (/approv|LGTM|changes_required|blocked/i.test(withoutVerdict)) mentioning += 1;
      expect(read({ ...r, text: withoutVerdict }).verdict, r.id).toBeNull();
    }
    // Some talk about approval or blocking in their prose, which must not count.
    expect(mentioning).toBeGreaterThanOrEqual(2);
  });
});
