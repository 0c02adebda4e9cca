import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { pack } from 'tar-fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrydockError } from '../../src/core/index.js';
import { DockerSandbox, LABEL, followBuild } from '../../src/sandbox/index.js';
import { busyboxImage, hostBusybox } from './foreign-images.js';
import { docker, engineReady, removeRun, testRunId } from './helpers.js';

const ready = (await engineReady()) && hostBusybox() !== null;
const runId = testRunId('anyimage');

/** An image with no shell and no programs at all: one text file, FROM scratch. */
async function noShellImage(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-noshell-'));
  try {
    mkdirSync(join(dir, 'files'));
    writeFileSync(join(dir, 'files/hello.txt'), 'hello from scratch\n');
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY files/ /\n');
    const tag = `drydock-test-noshell:${runId}`;
    const stream = await docker.buildImage(pack(dir) as unknown as NodeJS.ReadableStream, {
      t: tag,
      labels: { drydock: '1', [LABEL.run]: runId },
      rm: true,
      forcerm: true,
    });
    await followBuild(docker, stream);
    return tag;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!ready)('a sandbox in an image drydock did not build', () => {
  let busybox: string;
  beforeAll(async () => {
    busybox = await busyboxImage(runId);
  });
  afterAll(async () => {
    await removeRun(runId);
  });

  it("leaves the user's image as it was: same id, same tags, nothing of drydock in it", async () => {
    const before = await docker.getImage(busybox).inspect();
    const sb = await DockerSandbox.open({ image: busybox, runId });
    try {
      const r = await sb.exec('echo hi > /testbed/x; command -v bash; ls /run/drydock-runtime/bin | head -3');
      expect(r.exitCode).toBe(0);
      // drydock's bash comes from its read-only runtime volume, appended to PATH.
      expect(r.stdout).toMatch(/^\/run\/drydock-runtime\/bin\/bash\n/);
      const ro = await sb.exec('touch /run/drydock-runtime/bin/x');
      expect(ro.exitCode).not.toBe(0);
      expect(ro.stderr).toMatch(/Read-only file system/);
    } finally {
      await sb.close();
    }
    const after = await docker.getImage(busybox).inspect();
    expect(after.Id).toBe(before.Id);
    expect(after.RepoTags).toEqual(before.RepoTags);
    // The image's own filesystem: no runtime, no file a call wrote.
    const c = await docker.createContainer({
      Image: busybox,
      Cmd: ['/bin/sh'],
      Labels: { [LABEL.run]: runId },
    });
    try {
      await expect(c.getArchive({ path: '/run/drydock-runtime' })).rejects.toThrow();
      await expect(c.getArchive({ path: '/testbed/x' })).rejects.toThrow();
    } finally {
      await c.remove({ force: true });
    }
  });

  it('an image with no shell at all works, with what drydock brings in', async () => {
    const image = await noShellImage();
    const sb = await DockerSandbox.open({ image, runId });
    try {
      const r = await sb.exec('cat /hello.txt');
      expect(r.stdout).toBe('hello from scratch\n');
      expect(await sb.readFile('/hello.txt')).toBe('hello from scratch\n');
    } finally {
      await sb.close();
    }
  });

  it('bad input is one line saying which and what to do', async () => {
    const missing = await DockerSandbox.open({ image: 'drydock-test-no-such-image:nope', runId }).catch(
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(DrydockError);
    expect((missing as DrydockError).message).toBe(
      'image drydock-test-no-such-image:nope not found on this Docker engine',
    );
    expect((missing as DrydockError).fix).toMatch(/docker pull|docker build/);

    // Without a static bash to bring in, an image with no shell cannot host the runner: said so.
    const image = await noShellImage();
    const saved = process.env.DRYDOCK_STATIC_BASH;
    process.env.DRYDOCK_STATIC_BASH = '/nonexistent/bash-static';
    try {
      const err = await DockerSandbox.open({ image, runId }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DrydockError);
      expect((err as DrydockError).code).toBe('IMAGE_NO_SHELL');
      expect((err as DrydockError).message).toMatch(new RegExp(`^image ${image} has no bash`));
      expect((err as DrydockError).fix).toMatch(/bash-static/);
    } finally {
      if (saved === undefined) delete process.env.DRYDOCK_STATIC_BASH;
      else process.env.DRYDOCK_STATIC_BASH = saved;
    }
    // Nothing of that attempt is left running.
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL.run}=${runId}`] } });
    expect(left).toEqual([]);
  });

  it('a runner that cannot start (its interpreter will not execute) is one line naming it and what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-badbash-'));
    const fake = join(dir, 'bash-static');
    writeFileSync(fake, 'not a program\n', { mode: 0o644 });
    const volumes = async () =>
      new Set(
        ((await docker.listVolumes({ filters: { label: ['drydock.runtime=1'] } })).Volumes ?? []).map(
          (v) => v.Name,
        ),
      );
    const before = await volumes();
    const saved = process.env.DRYDOCK_STATIC_BASH;
    process.env.DRYDOCK_STATIC_BASH = fake;
    try {
      const err = await DockerSandbox.open({ image: busybox, runId }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DrydockError);
      expect((err as DrydockError).code).toBe('IMAGE_CANNOT_RUN');
      const message = (err as DrydockError).message;
      expect(message).toMatch(
        new RegExp(
          `^drydock's runner \\(/run/drydock-runtime/bin/bash\\) cannot start in image ${busybox}: `,
        ),
      );
      expect(message).not.toContain('\n');
      expect((err as DrydockError).fix).toMatch(/DRYDOCK_STATIC_BASH/);
    } finally {
      if (saved === undefined) delete process.env.DRYDOCK_STATIC_BASH;
      else process.env.DRYDOCK_STATIC_BASH = saved;
      rmSync(dir, { recursive: true, force: true });
      // The runtime volume made for that fake bash goes too (the real one stays).
      for (const name of await volumes()) {
        if (!before.has(name))
          await docker
            .getVolume(name)
            .remove()
            .catch(() => undefined);
      }
    }
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL.run}=${runId}`] } });
    expect(left).toEqual([]);
  });
  it("another drydock process leaves a filled runtime volume alone (rewriting its bash broke running sandboxes' exec)", async () => {
    const sb = await DockerSandbox.open({ image: busybox, runId });
    try {
      const stat = 'stat -c "%i %Y %s" /run/drydock-runtime/bin/bash';
      const before = await sb.exec(stat);
      expect(before.exitCode).toBe(0);
      const running = sb.exec('sleep 3; echo done');
      // A second process opening its first sandbox: its own once-per-process fill of the volume.
      const dist = pathToFileURL(join(process.cwd(), 'dist/sandbox/runtime.js')).href;
      const script = `const r = await import(${JSON.stringify(dist)}); const D = (await import('dockerode')).default;
        console.log(await r.runtimeVolume(new D(), ${JSON.stringify(busybox)}, r.runtimeSource()));`;
      const child = await execa('node', ['--input-type=module', '-e', script], { reject: false });
      expect(child.exitCode, child.stderr).toBe(0);
      expect(child.stdout.trim()).toMatch(/^drydock-runtime-[0-9a-f]{12}$/);
      expect((await running).stdout).toBe('done\n');
      const after = await sb.exec(stat);
      expect(after.stdout).toBe(before.stdout);
    } finally {
      await sb.close();
    }
  });
});
