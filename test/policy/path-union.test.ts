import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { globToRegExp } from '../../src/policy/glob.js';
import { pathMaskOf, pathUnionOf } from '../../src/policy/match.js';

// A rule's path globs are tested as one matcher (match.ts unionOf): an anchored alternation for
// fixed places, and tails compared on the path's last segments (first on its last segment alone).
// It must say exactly what testing each glob's own regex says. Differential: every `paths`,
// `not_paths` and `file` list of the default policy, against paths built from the words those
// globs use, mixed with others, at random depths (absolute: rules see resolved paths).
const policy = parse(readFileSync(new URL('../../policies/default.yaml', import.meta.url), 'utf8')) as {
  rules: Array<Record<string, unknown>>;
};
const lists: string[][] = [];
for (const r of policy.rules)
  for (const key of ['paths', 'not_paths', 'file'])
    if (Array.isArray(r[key]))
      lists.push(
        (r[key] as string[]).map((g) => g.replace(/^~(?=\/|$)/, '/root').replace('${workspace}', '/testbed')),
      );

/** Segment words: those in the globs (wildcards dropped), their pieces, and ordinary ones. */
const words = [
  ...new Set(
    lists
      .flat()
      .flatMap((g) => g.split('/'))
      .flatMap((s) => [s.replace(/[*?[\]]/g, ''), ...s.split(/[*?[\]]+/)])
      .filter((s) => s !== ''),
  ),
  'src',
  'app.py',
  'x',
  'id',
  'config',
  '.git',
  'modules',
  'testbed',
  'root',
  'home',
  'a.pem.bak',
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('the union matcher of a rule path globs', () => {
  it('agrees with each glob tested alone, on 40,000 random paths over every list of the default policy', () => {
    expect(lists.length).toBeGreaterThan(20);
    const random = rng(14);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    let matched = 0;
    for (let i = 0; i < 40_000; i++) {
      const list = pick(lists);
      const depth = 1 + Math.floor(random() * 6);
      const segs = Array.from({ length: depth }, () =>
        random() < 0.2 ? `${pick(words)}${pick(words)}` : pick(words),
      );
      // Resolved paths, as the matcher is always given (match.ts resolveCached).
      const path = `/${segs.join('/')}`;
      const expected = list.some((g) => globToRegExp(g, true).test(path));
      expect(pathUnionOf(list)(path), `${path} against ${JSON.stringify(list)}`).toBe(expected);
      if (expected) matched++;
    }
    // The paths reach both answers often (a generator that never matches would test nothing).
    expect(matched).toBeGreaterThan(500);
  });

  it('as one matcher for many lists (a bit each: the rules every part meets), gives each list its own answer', () => {
    const random = rng(15);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    // Lists in groups of up to 30, as the engine's index takes them; every group twice, in two orders.
    const groups: string[][][] = [];
    for (let i = 0; i < lists.length; i += 30) groups.push(lists.slice(i, i + 30));
    groups.push([...lists].reverse().slice(0, 30));
    let bits = 0;
    for (const group of groups) {
      const maskOf = pathMaskOf(group);
      const alone = group.map((l) => pathUnionOf(l));
      for (let i = 0; i < 10_000; i++) {
        const depth = 1 + Math.floor(random() * 6);
        const path = `/${Array.from({ length: depth }, () => pick(words)).join('/')}`;
        const mask = maskOf(path);
        group.forEach((_, j) => {
          expect((mask & (1 << j)) !== 0, `${path}: list ${j}`).toBe(alone[j]!(path));
        });
        if (mask !== 0 && (mask & (mask - 1)) !== 0) bits++;
      }
    }
    // Paths that several lists match at once, so the bits are not only ever one at a time.
    expect(bits).toBeGreaterThan(50);
  });
});
