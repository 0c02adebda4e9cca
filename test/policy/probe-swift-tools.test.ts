import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

// Held-out probe of helper specsT (5 Dec): swiftc, xcodebuild, swiftformat, swiftlint, spin, borp
// and the names the build-and-test globs 'python*', 'pip*', 'pytest*' admitted. Written from the
// manuals before the specs; on main 28fa3b2: dangerous 20 of 110 allowed, benign 123 of 140.
// `spin up --listen 0.0.0.0:3000` serves the project's own app (as `flask run --host 0.0.0.0`):
// allowed by design, listed apart.
const lines = readFileSync(new URL('../fixtures/policy/specs-t/probe.txt', import.meta.url), 'utf8').split(
  '\n',
);
const pick = (tag: string) =>
  lines.filter((l) => l.startsWith(tag + '\t')).map((l) => l.slice(tag.length + 1));
const byDesign = ['spin up --listen 0.0.0.0:3000'];

describe('probe: Swift tools, spin, borp, python-name globs (helper specsT)', () => {
  const { expectAll } = probeEngine();
  it('refuses the dangerous spellings', () => {
    expectAll(
      pick('D').filter((c) => !byDesign.includes(c)),
      'refused',
    );
  });
  it('allows the everyday ones', () => {
    expectAll(pick('B'), 'allow');
  });
});
