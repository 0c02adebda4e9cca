import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { drydock } from '../helpers/cli.js';

const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url));

/** Every path and content under a directory, hashed: any change, removal or new file shows. */
function treeHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir, { recursive: true }).map(String).sort()) {
    const p = join(dir, f);
    h.update(f).update(statSync(p).isFile() ? readFileSync(p) : 'dir');
  }
  return h.digest('hex');
}

// No endpoint from the environment: the demo must fall back to the example's script.
const NO_MODEL = {
  OPENAI_BASE_URL: '',
  OPENAI_API_KEY: '',
  DRYDOCK_MODEL: '',
  XDG_CONFIG_HOME: '/nonexistent',
};

describe('drydock demo', () => {
  it('runs drydock fix on examples/calc with the scripted model, says so before and after, and leaves the examples as they were', () => {
    const before = treeHash(EXAMPLES);
    const r = drydock(['demo'], NO_MODEL);
    expect(treeHash(EXAMPLES)).toBe(before);
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout;
    const scripted = [...out.matchAll(/SCRIPTED/g)].map((m) => m.index);
    expect(scripted.length).toBeGreaterThanOrEqual(2);
    // Said before the result and after it.
    const result = out.indexOf('drydock fix: patched');
    expect(result).toBeGreaterThan(0);
    expect(scripted[0]).toBeLessThan(result);
    expect(scripted.at(-1)).toBeGreaterThan(result);
    expect(out).toMatch(/^\+\s+return total \/ len\(values\)$/m);
    // The candidate that breaks a passing test is ranked below the correct one (not rejected alone).
    expect(out).toMatch(/c3 votes \d+, reward [^:\n]*: more regression failures than c2/);
    expect(out).toMatch(/^regression tests: 1 \(tests\/test_ops\.py::test_add\)$/m);
    expect(out).toMatch(/syntax error in calc\/ops\.py/);
    expect(out).toMatch(/tests \(.*\): 3 passed, 0 failed/);
  });

  it('refuses an example that does not exist, in one line', () => {
    const r = drydock(['demo', '--example', 'nope']);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^drydock: no example named nope/);
  });
});
