import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticsSession, LanguageServerUnavailableError } from '../../src/lsp/index.js';
import { DockerSandbox } from '../../src/sandbox/index.js';
import { imagesPresent } from '../helpers/containers.js';
import { busyboxImage, hostBusybox, userPythonImage } from '../sandbox/foreign-images.js';
import { docker, engineReady, removeRun, testRunId } from '../sandbox/helpers.js';

const ready =
  (await engineReady()) && hostBusybox() !== null && (await imagesPresent('drydock/python:latest'));
const runId = testRunId('lsp-foreign');

/**
 * Language servers in images drydock did not build: they come in read-only from
 * drydock/base through a volume. In a glibc image they run; in a busybox-only image
 * (no libc) they cannot, and the reward says it is unavailable, and why, without a crash.
 */
describe.skipIf(!ready)('language servers in images drydock did not build', { timeout: 420_000 }, () => {
  let repo: string;
  let user: string;
  let busybox: string;
  beforeAll(async () => {
    repo = mkdtempSync(join(tmpdir(), 'drydock-lsp-foreign-'));
    writeFileSync(join(repo, 'main.py'), 'total: int = "not a number"\n');
    [user, busybox] = await Promise.all([userPythonImage(runId), busyboxImage(runId)]);
  });
  afterAll(async () => {
    rmSync(repo, { recursive: true, force: true });
    await removeRun(runId);
  });

  it("run in a glibc image from drydock's read-only volume, and that image stays without them", async () => {
    const before = await docker.getImage(user).inspect();
    const sb = await DockerSandbox.open({ image: user, repo, runId });
    // Roomy bounds: on a loaded machine pyright's first analysis can take long.
    const session = new DiagnosticsSession(sb, { settleMaxMs: 180_000, requestTimeoutMs: 180_000 });
    try {
      const r = await session.diagnostics(['main.py']);
      expect(r.settled).toBe(true);
      const errors = (r.diagnostics['main.py'] ?? []).filter((d) => d.severity === 1);
      expect(errors.length, JSON.stringify(r.diagnostics)).toBeGreaterThan(0);
      expect(r.servers[0]?.name).toBe('pyright');
      // Read-only: nothing inside can change drydock's servers.
      const w = await sb.exec('touch /opt/drydock/bin/x');
      expect(w.exitCode).not.toBe(0);
      expect(w.stderr).toMatch(/Read-only file system/);
    } finally {
      await session.close();
      await sb.close();
    }
    const after = await docker.getImage(user).inspect();
    expect(after.Id).toBe(before.Id);
    expect(after.RepoTags).toEqual(before.RepoTags);
    // The image itself still has no /opt/drydock: a container without drydock's mounts shows it.
    const c = await docker.createContainer({ Image: user, Cmd: ['true'], Labels: { 'drydock.run': runId } });
    try {
      const tar = await c.getArchive({ path: '/opt/drydock' }).catch((e: { statusCode?: number }) => e);
      expect((tar as { statusCode?: number }).statusCode).toBe(404);
    } finally {
      await c.remove({ force: true });
    }
  });

  it('in a busybox-only image the reward is unavailable, with the reason, and the sandbox lives on', async () => {
    const sb = await DockerSandbox.open({ image: busybox, repo, runId });
    const session = new DiagnosticsSession(sb);
    try {
      const err = await session.diagnostics(['main.py']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LanguageServerUnavailableError);
      const e = err as LanguageServerUnavailableError;
      expect(e.code).toBe('LSP_UNAVAILABLE');
      expect(e.message).toMatch(/^pyright is unavailable in this sandbox: drydock's Node.js .* glibc/);
      expect(e.message.split('\n')).toHaveLength(1);
      // The reward path says the same, not a crash.
      const rw = await session
        .reward(
          { files: [{ path: 'main.py', content: 'total: int = 1\n' }] },
          { appliedExactly: true, parses: true, confidence: 1 },
        )
        .catch((x: unknown) => x);
      expect(rw).toBeInstanceOf(LanguageServerUnavailableError);
      expect((await sb.exec('echo alive')).stdout).toBe('alive\n');
    } finally {
      await session.close();
      await sb.close();
    }
  });
});
