import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  importCycles,
  importGraph,
  layerOf,
  literalsContaining,
  sourceFiles,
  type SourceImport,
} from './import-graph.js';

/**
 * ../shared/DESIGN.md's layer table as code: each layer and the layers it may import.
 * `core` depends on nothing; every other layer may use `core`. A new layer goes into DESIGN
 * and here in the same change.
 */
const BELOW_AGENT = ['core', 'sandbox', 'policy', 'code', 'model', 'trajectory', 'lsp', 'tools'];
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  sandbox: ['core'],
  policy: ['core'],
  code: ['core'],
  model: ['core'],
  trajectory: ['core'],
  lsp: ['core', 'sandbox'],
  // Not model (the agent brings the model), not trajectory (events go to an `append` it is given).
  tools: ['core', 'sandbox', 'policy', 'code', 'lsp'],
  agent: BELOW_AGENT,
  harness: [...BELOW_AGENT, 'agent'],
  report: ['core', 'trajectory', 'harness'],
  github: [...BELOW_AGENT, 'agent'],
  cluster: ['core', 'sandbox', 'harness'],
  cli: [...BELOW_AGENT, 'agent', 'harness', 'report', 'github', 'cluster'],
};

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Imports from one layer into another, as `file → specifier` lines. */
function crossLayer(
  graph: Map<string, SourceImport[]>,
  keep: (from: string, to: string, target: string) => boolean,
): string[] {
  const out: string[] = [];
  for (const [file, imports] of graph) {
    for (const i of imports) {
      if (!i.target) continue;
      const from = layerOf(file);
      const to = layerOf(i.target);
      if (from !== to && keep(from, to, i.target)) out.push(`${file} → ${i.specifier}`);
    }
  }
  return out.sort();
}

describe('layering (DESIGN.md: one-way dependencies, each layer reached through its index.ts)', () => {
  const graph = importGraph(ROOT);

  it('knows every layer folder under src', () => {
    const layers = new Set(sourceFiles(ROOT).map(layerOf));
    expect([...layers].filter((l) => !(l in MAY_IMPORT))).toEqual([]);
  });

  it('every relative import resolves to a file under src', () => {
    const known = new Set(graph.keys());
    const dangling = [...graph].flatMap(([file, imports]) =>
      imports.filter((i) => i.target && !known.has(i.target)).map((i) => `${file} → ${i.specifier}`),
    );
    expect(dangling).toEqual([]);
  });

  it('has no import cycle (the policy walk passes itself to the modules it calls)', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('lower layers never import higher ones (the table above)', () => {
    const wrong = crossLayer(graph, (from, to) => !(MAY_IMPORT[from] ?? []).includes(to));
    expect(wrong).toEqual([]);
  });

  it('reaches another layer only through its index.ts', () => {
    const wrong = crossLayer(graph, (_from, to, target) => target !== `src/${to}/index.ts`);
    expect(wrong).toEqual([]);
  });

  it('trajectory imports only core, and tools does not import model', () => {
    const layersImportedBy = (layer: string) =>
      [
        ...new Set(
          [...graph]
            .filter(([file]) => layerOf(file) === layer)
            .flatMap(([, imports]) => imports.flatMap((i) => (i.target ? [layerOf(i.target)] : [])))
            .filter((l) => l !== layer),
        ),
      ].sort();
    expect(layersImportedBy('trajectory')).toEqual(['core']);
    expect(layersImportedBy('tools')).not.toContain('model');
  });

  it("each layer's README states its design rule, and the imports it allows are this table's", () => {
    const wrong: string[] = [];
    for (const [layer, allowed] of Object.entries(MAY_IMPORT)) {
      const readme = `${ROOT}src/${layer}/README.md`;
      const rule = existsSync(readme)
        ? /^\*\*Design rule\.\*\* May import: (.+?)\. Never: .+$/m.exec(readFileSync(readme, 'utf8'))
        : null;
      if (!rule) {
        wrong.push(`${layer}: no "**Design rule.** May import: … . Never: …" line in src/${layer}/README.md`);
        continue;
      }
      const stated = rule[1]!.startsWith('nothing') ? [] : rule[1]!.split(',').map((l) => l.trim());
      if ([...stated].sort().join() !== [...allowed].sort().join())
        wrong.push(
          `${layer}: README allows ${stated.join(', ') || 'nothing'}; the table ${allowed.join(', ') || 'nothing'}`,
        );
    }
    expect(wrong).toEqual([]);
  });

  it('names the workspace path in exactly one source file (one exported constant)', () => {
    const files = literalsContaining(ROOT, sourceFiles(ROOT), '/testbed');
    expect([...files.keys()]).toEqual(['src/core/workspace.ts']);
    expect(files.get('src/core/workspace.ts')).toBe(1);
  });
});
