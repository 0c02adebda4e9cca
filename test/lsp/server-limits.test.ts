import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrydockError } from '../../src/core/index.js';
import { DiagnosticsSession } from '../../src/lsp/index.js';
import { imageRef, openSandbox, type DockerSandbox } from '../../src/sandbox/index.js';
import { imagesPresent } from '../helpers/containers.js';
import { removeRun } from '../sandbox/helpers.js';

const IMAGE = imageRef('base');
const LIMIT = 40 * 1024 * 1024;

/**
 * Language servers run under their own cgroup (Sandbox.spawn): a server that grows past its
 * own memory limit is killed by it, the error names the server and the limit, and the
 * sandbox and its next call live on.
 */
describe('language servers under their own limits', async () => {
  const present = await imagesPresent(IMAGE);
  const runId = `test-lsplimits-${process.pid}`;
  let sb: DockerSandbox;
  beforeAll(async () => {
    if (present) sb = await openSandbox({ image: IMAGE, runId });
  });
  afterAll(async () => {
    await sb?.close();
    if (present) await removeRun(runId);
  });

  it.runIf(present)(
    'pyright under a 40 MiB limit is killed by it, reported by name, and the sandbox survives',
    async () => {
      expect(sb.mode).toBe('per-call-cgroup');
      await sb.writeFile('/testbed/a.py', 'x: int = "no"\n');
      // Whether it dies while starting or while analysing, the error names it and its limit.
      const limited = new DiagnosticsSession(sb, {
        serverLimits: { memoryBytes: LIMIT },
        maxRestarts: 0,
        requestTimeoutMs: 30_000,
      });
      const err = await limited.diagnostics(['a.py']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DrydockError);
      expect((err as Error).message).toMatch(/^pyright .*killed by its own memory limit \(40 MiB\)/);
      await limited.close();
      expect((await sb.exec('echo alive')).stdout).toBe('alive\n');

      // The reward path says the same.
      const session = new DiagnosticsSession(sb, { serverLimits: { memoryBytes: LIMIT }, maxRestarts: 0 });
      const rewardErr = await session
        .reward({ files: [{ path: 'a.py', content: 'x: int = 1\n' }] })
        .catch((e: unknown) => e);
      expect((rewardErr as Error).message).toMatch(/^pyright .*killed by its own memory limit \(40 MiB\)/);
      await session.close();

      // Under the default limits the same server runs, in the same sandbox.
      await sb.writeFile('/testbed/a.py', 'x: int = "no"\n');
      const ok = new DiagnosticsSession(sb);
      const res = await ok.diagnostics(['a.py']);
      expect(res.diagnostics['a.py']?.length).toBeGreaterThan(0);
      await ok.close();
    },
    120_000,
  );
});
