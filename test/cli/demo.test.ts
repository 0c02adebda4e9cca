import { describe, expect, it } from 'vitest';
import { drydock } from '../helpers/cli.js';

describe('drydock demo', () => {
  it("runs the example's tests in a sandbox and says that the agent is not built", () => {
    const r = drydock(['demo']);
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
