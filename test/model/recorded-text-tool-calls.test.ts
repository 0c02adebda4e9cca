import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTextToolCalls } from '../../src/model/index.js';

// Tool calls an open-weight model wrote as text (`<tool_call>` lines, JSON or Python-literal
// objects), recorded by the Berkeley Function Calling Leaderboard for
// NousResearch/Hermes-2-Pro-Mistral-7B, with BFCL's own reading of each reply. Its source
// repository carries no licence, so the file is not committed: `node
// test/fixtures/model-replies/extract-bfcl-text-calls.mjs MIRROR_DIR` writes it from a snapshot
// of HuanzhiMao/BFCL-Result (see test/fixtures/model-replies/README.md). Without it this file
// says so and skips.
interface Recorded {
  id: string;
  text: string;
  reference: { tool: string; calls: { name: string; arguments: Record<string, unknown> }[] | null };
}
const file = new URL('../fixtures/model-replies/fetched/bfcl-text-tool-calls.jsonl', import.meta.url);
const present = existsSync(file);
const corpus: Recorded[] = present
  ? readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Recorded)
  : [];

describe.skipIf(!present)('recorded text-written tool calls (Hermes-2-Pro, read by BFCL)', () => {
  const read = corpus.filter((r) => (r.reference.calls?.length ?? 0) > 0);
  const drydock = (r: Recorded) =>
    parseTextToolCalls(r.text, [...new Set(r.reference.calls!.map((c) => c.name))]).map((c) => ({
      name: c.name,
      arguments: JSON.parse(c.arguments) as unknown,
    }));
  // BFCL reads a call by turning every ' into ", so where the model escaped a quote inside a
  // string (`'Let\\'s meet'`, `'name = \\'John\\''`) BFCL's value has " where the model wrote ':
  // there drydock keeps the model's character, and the two agree once quotes are set aside.
  const escaped = (r: Recorded) => r.text.includes("\\'");
  // One reply states its four calls twice, the second time indented inside an XML document;
  // BFCL reads only a `<tool_call>` line that starts the line, drydock reads both statements.
  const restated = new Set(['bfcl:gorilla_openfunctions_v1_test_executable_parallel_multiple_function#2']);

  it('reads every call BFCL read, with the same name and arguments', () => {
    expect(read.length).toBeGreaterThan(1700);
    const differ = read
      .filter((r) => !escaped(r) && !restated.has(r.id))
      .filter((r) => JSON.stringify(drydock(r)) !== JSON.stringify(r.reference.calls))
      .map((r) => r.id);
    expect(differ).toEqual([]);
  });

  it("where the model escaped a quote, agrees up to that quote and keeps the model's character", () => {
    const esc = read.filter(escaped);
    expect(esc.length).toBeGreaterThan(5);
    for (const r of esc) {
      const got = JSON.stringify(drydock(r));
      expect(got.replaceAll("'", '\\"'), r.id).toBe(JSON.stringify(r.reference.calls));
      expect(got, r.id).toContain("'");
    }
  });

  it('reads a restated list of calls twice, where BFCL read it once', () => {
    for (const id of restated) {
      const r = read.find((x) => x.id === id)!;
      expect(drydock(r)).toEqual([...r.reference.calls!, ...r.reference.calls!]);
    }
  });
});

it.runIf(!present)('recorded text-written tool calls: not fetched (run extract-bfcl-text-calls.mjs)', () => {
  expect(present).toBe(false);
});
