import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFiles, parseLocations, readElements } from '../../src/agent/index.js';

// Localization answers as a real model wrote them in Agentless's shapes, read by Agentless
// itself (claude-3-5-sonnet through Agentless's three localization stages on 50 SWE-bench Lite
// instances; source and licence in test/fixtures/model-replies/README.md, rebuilt by
// extract-localizations.mjs): a file list, a path line followed by `class:` / `function:` /
// `variable:` entries, and the same with `line:` entries. The reference is Agentless's own
// reading; drydock must read the same files and entries wherever Agentless read any.
interface Recorded {
  id: string;
  family: string;
  model: string;
  kind: string;
  stage: 'files' | 'elements' | 'edit';
  source: { repo: string; path: string; commit: string; url: string; licence: string };
  text: string;
  repoFiles: string[];
  reference: { tool: string; files?: string[]; locs?: Record<string, string[]> };
}

const corpus: Recorded[] = readFileSync(
  new URL('../fixtures/model-replies/localizations.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Recorded);

/** `kind: name` / `line: N` as Agentless keeps them, without what follows; `line: 62-67` as lines. */
function entries(line: string): string[] {
  const l = /^\s*lines?\s*:\s*(\d+)(?:\s*-\s*(\d+))?/i.exec(line);
  if (l) {
    const [a, b] = [Number(l[1]), Number(l[2] ?? l[1])];
    return Array.from({ length: b - a + 1 }, (_, i) => `line: ${a + i}`);
  }
  const m = /^\s*(class|function|variable)\s*:\s*`?([\w.$]+)/i.exec(line);
  return m ? [`${m[1]!.toLowerCase()}: ${m[2]}`] : [];
}

describe('recorded localization answers in Agentless shapes (Agentless read them)', () => {
  it('holds 150 replies of 50 runs, each with its source', () => {
    expect(corpus).toHaveLength(150);
    for (const r of corpus) {
      expect(r.kind).toBe('localization');
      expect(r.source.licence).toBe('MIT');
      expect(r.source.url).toContain(r.source.commit);
    }
  });

  it('files: drydock reads the files Agentless read', () => {
    const differ: string[] = [];
    for (const r of corpus.filter((x) => x.stage === 'files')) {
      const known = new Map(r.repoFiles.map((f) => [f, '']));
      const got = parseFiles(r.text, known);
      // drydock keeps three files, as Agentless passes its top three on (top_n 3).
      const want = r.reference.files!.slice(0, 3);
      if (JSON.stringify(got) !== JSON.stringify(want)) differ.push(`${r.id}: ${got} vs ${want}`);
    }
    expect(differ).toEqual([]);
  });

  it('elements and edit locations: drydock reads the entries Agentless read, file by file', () => {
    const differ: string[] = [];
    let compared = 0;
    for (const r of corpus.filter((x) => x.stage !== 'files')) {
      const locs = r.reference.locs!;
      const files = Object.keys(locs);
      const want = Object.fromEntries(files.map((f) => [f, locs[f]!.flatMap(entries)]));
      if (Object.values(want).every((w) => w.length === 0)) continue; // Agentless read nothing
      compared += 1;
      const got: Record<string, string[]> = Object.fromEntries(files.map((f) => [f, [] as string[]]));
      for (const e of readElements(r.text, files))
        if (['class', 'function', 'variable'].includes(e.kind)) got[e.path]!.push(`${e.kind}: ${e.name}`);
      const lines = new Map(files.map((f) => [f, 'x\n'.repeat(100000)]));
      for (const l of parseLocations(r.text, lines))
        for (let n = l.start; n <= l.end; n++) got[l.path]!.push(`line: ${n}`);
      for (const f of files) {
        const norm = (xs: string[]) => [...new Set(xs)].sort();
        if (JSON.stringify(norm(got[f]!)) !== JSON.stringify(norm(want[f]!)))
          differ.push(`${r.id} ${f}: ${JSON.stringify(norm(got[f]!))} vs ${JSON.stringify(norm(want[f]!))}`);
      }
    }
    expect(compared).toBe(35);
    expect(differ).toEqual([]);
  });

  it('where Agentless read nothing (no fenced block), drydock still reads the path line and its entries', () => {
    // Agentless reads only inside a fence; this edit answer has none.
    const r = corpus.find((x) => x.id === 'agentless:astropy__astropy-13579#edit')!;
    expect(Object.values(r.reference.locs!).flat()).toEqual([]);
    expect(readElements(r.text, Object.keys(r.reference.locs!))).toEqual([
      { path: 'astropy/wcs/wcsapi/sliced_low_level_wcs.py', kind: 'class', name: 'SlicedLowLevelWCS' },
      { path: 'astropy/wcs/wcsapi/sliced_low_level_wcs.py', kind: 'method', name: 'world_to_pixel_values' },
    ]);
  });
});
