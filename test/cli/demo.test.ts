import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { drydock } from '../helpers/cli.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/calc', import.meta.url));

/** Every path and content under a directory, hashed: any change, removal or new file shows. */
function treeHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir, { recursive: true }).map(String).sort()) {
    const p = join(dir, f);
    h.update(f).update(statSync(p).isFile() ? readFileSync(p) : 'dir');
  }
  return h.digest('hex');
}

describe('drydock demo', () => {
  it("runs the example's tests in a sandbox, says that the agent is not built, and leaves the example as it was", () => {
    const before = treeHash(EXAMPLE);
    const r = drydock(['demo']);
    expect(treeHash(EXAMPLE)).toBe(before);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/the agent \(drydock fix\) is not built yet/);
    // The example's bug is real: two tests fail and one passes, measured inside the sandbox.
    expect(r.stdout).toMatch(/2 failed, 1 passed/);
    expect(r.stdout).toMatch(/exit 1; wall \d+ ms, cpu \d+ ms, peak memory [\d.]+ MB, killed by nothing/);
    expect(r.stdout).toMatch(/diff against the example: none/);
  });

  it('refuses an example that does not exist, in one line', () => {
    const r = drydock(['demo', '--example', 'nope']);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^drydock: no example named nope/);
  });
});
