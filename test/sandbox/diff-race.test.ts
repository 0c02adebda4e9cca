import { afterAll, describe, expect, it } from 'vitest';
import { DockerSandbox } from '../../src/sandbox/index.js';
import { engineReady, removeRun, testImage, testRunId } from './helpers.js';

const ready = await engineReady();
const runId = testRunId('diffrace');

/**
 * git trusts an index entry's cached stat (size, mtime and ctime in whole seconds) unless the
 * file is as new as the index itself ("racy git"). A same-size rewrite in the second of the base
 * commit is only seen because of that check, so diff() must not hand git an index that looks
 * newer than it is (the old `cp` of the index into the scratch file stamped it "now").
 *
 * The race is made certain rather than waited for, so the test holds on a loaded machine: the
 * file and the index get the same fixed mtime, and ctime is left out of git's check
 * (`core.trustctime false`), which is what a rewrite within the same second amounts to. With a
 * plain `cp` every one of these rounds loses the edit. Then the natural case, many times in a
 * row: a rewrite right after the commit, with no waiting at all.
 */
describe.skipIf(!ready)('Sandbox.diff() and same-size rewrites right after the base commit', () => {
  afterAll(async () => {
    await removeRun(runId);
  });

  it('shows a one-character same-size change every time, under CPU load', async () => {
    const sb = await DockerSandbox.open({ image: testImage(), runId });
    // A busy loop in the sandbox for the whole test: the load the full suite puts on the machine.
    void sb.exec('timeout 120 sh -c "while :; do :; done"', { timeoutMs: 150_000 }).catch(() => null);
    const commit = 'git -c user.email=t@t -c user.name=t commit -qm base';
    const at = '@1700000000';
    try {
      for (let i = 0; i < 5; i++) {
        const base = await sb.exec(
          `rm -rf .git && printf 'a-b\\n' > f.py && touch -d ${at} f.py && git init -q && ` +
            `git config core.trustctime false && git add -A && ${commit} && echo ok`,
          { timeoutMs: 60_000 },
        );
        expect(base.stdout).toBe('ok\n');
        await sb.writeFile('/testbed/f.py', 'a+b\n');
        // Same size, same mtime as the cached entry, and an index no newer than the file.
        expect((await sb.exec(`touch -d ${at} f.py .git/index && echo ok`)).stdout).toBe('ok\n');
        expect(await sb.diff()).toContain('-a-b\n+a+b\n');
      }
      for (let i = 0; i < 12; i++) {
        const text = i % 2 === 0 ? 'x-y\n' : 'x+y\n';
        const base = await sb.exec(
          `rm -rf .git && printf '${i % 2 === 0 ? 'x+y' : 'x-y'}\\n' > f.py && git init -q && git add -A && ${commit} && echo ok`,
          { timeoutMs: 60_000 },
        );
        expect(base.stdout).toBe('ok\n');
        await sb.writeFile('/testbed/f.py', text);
        expect(await sb.diff()).toContain(`+${text}`);
      }
    } finally {
      // Closing the sandbox ends the load with it (its call settles with SandboxClosedError).
      await sb.close();
    }
  }, 600_000);
});
