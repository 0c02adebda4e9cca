import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followBuild, ImageBuildError, imageRef } from '../../src/sandbox/index.js';
import { docker, TEST_LABELS } from '../helpers/containers.js';

async function build(dockerfile: string, tag?: string) {
  const ctx = mkdtempSync(join(tmpdir(), 'drydock-build-test-'));
  writeFileSync(join(ctx, 'Dockerfile'), dockerfile);
  try {
    return await docker.buildImage(
      { context: ctx, src: ['Dockerfile'] },
      { t: tag, labels: TEST_LABELS, rm: true, forcerm: true, pull: false },
    );
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

describe('followBuild', () => {
  it("rejects a failing build with the engine's error and the build's last lines", async () => {
    const stream = await build(`FROM ${imageRef('base')}\nRUN echo about-to-fail && exit 3\n`);
    const lines: string[] = [];
    const err = await followBuild(docker, stream, (l) => lines.push(l)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageBuildError);
    expect((err as ImageBuildError).message).toMatch(/returned a non-zero code: 3/);
    expect((err as ImageBuildError).tail.join('\n')).toMatch(/about-to-fail/);
    expect(lines.join('\n')).toMatch(/Step 2\/\d+ : RUN echo about-to-fail/);
  });

  it('resolves when the build succeeds', async () => {
    const tag = `drydock-test/build-stream:${process.pid}`;
    const stream = await build(`FROM ${imageRef('base')}\nRUN true\n`, tag);
    try {
      await expect(followBuild(docker, stream)).resolves.toBeUndefined();
      expect((await docker.getImage(tag).inspect()).Config.Labels).toMatchObject(TEST_LABELS);
    } finally {
      await docker
        .getImage(tag)
        .remove()
        .catch(() => {});
    }
  });
});
