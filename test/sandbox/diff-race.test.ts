import { afterAll, describe, expect, it } from 'vitest';
import { DockerSandbox } from '../../src/sandbox/index.js';
import { engineReady, removeRun, testImage, testRunId } from './helpers.js';

const ready = await engineReady();
const runId = testRunId('diffrace');

/**
 * git trusts an index entry's cached stat (size, mtime and ctime in whole seconds) unless the
 * file is as new as the index itself ("racy git"). A same-size rewrite in the second of the base
 * commit is only seen because of that check, so diff() must not hand git an index that looks
 * newer than it is. Each round forces the worst case: commit and rewrite early in one second, the
 * diff in the next; with the old `cp` of the index most rounds lost the edit.
 */
describe.skipIf(!ready)('Sandbox.diff() and same-size rewrites right after the base commit', () => {
  afterAll(async () => {
    await removeRun(runId);
  });

  it('shows a one-character same-size change every time, under CPU load', async () => {
    const sb = await DockerSandbox.open({ image: testImage(), runId });
    // A busy loop in the sandbox for the whole test: the load the full suite puts on the machine.
    void sb
      .exec('for i in 1; do timeout 40 sh -c "while :; do :; done" & done; wait', { timeoutMs: 60_000 })
      .catch(() => null);
    try {
      const rounds = 6;
      let seen = 0;
      for (let i = 0; i < rounds; i++) {
        const base = await sb.exec(
          // Start just after a second boundary, so the rewrite below lands in the same second.
          `while [ $((10#$(date +%N) / 100000000)) -ne 0 ]; do :; done; ` +
            `rm -rf .git && printf 'a-b\\n' > f.py && git init -q && git add -A && ` +
            `git -c user.email=t@t -c user.name=t commit -qm base && echo ok`,
          { timeoutMs: 30_000 },
        );
        expect(base.stdout).toBe('ok\n');
        await sb.writeFile('/testbed/f.py', 'a+b\n');
        // The diff in the next second: an index copy stamped now would look newer than the edit.
        await sb.exec('s=$(date +%s); while [ "$(date +%s)" = "$s" ]; do :; done', { timeoutMs: 5_000 });
        const diff = await sb.diff();
        if (diff.includes('-a-b\n+a+b\n')) seen++;
      }
      expect(seen).toBe(rounds);
      // And without waiting, many times in a row.
      for (let i = 0; i < 20; i++) {
        const text = i % 2 === 0 ? 'x-y\n' : 'x+y\n';
        const base = await sb.exec(
          `rm -rf .git && printf '${i % 2 === 0 ? 'x+y' : 'x-y'}\\n' > f.py && git init -q && git add -A && git -c user.email=t@t -c user.name=t commit -qm base && echo ok`,
        );
        expect(base.stdout).toBe('ok\n');
        await sb.writeFile('/testbed/f.py', text);
        expect(await sb.diff()).toContain(`+${text}`);
      }
    } finally {
      // Closing the sandbox ends the load with it (its call settles with SandboxClosedError).
      await sb.close();
    }
  }, 90_000);
});
