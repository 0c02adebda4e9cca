// A run's hold on an image it is about to use, on a real engine: another run's cleanup
// (removeImage, as --cache-level env|none does it) cannot remove the image while the hold
// exists, and can once it is released.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from 'tar-fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOLD_LABEL, holdImage, removeImage } from '../../src/harness/index.js';
import { followBuild } from '../../src/sandbox/index.js';
import { docker, imagesPresent, TEST_LABELS } from '../helpers/containers.js';

const ref = `drydock-test/hold:${process.pid}`;
const ctx = mkdtempSync(join(tmpdir(), 'dd-hold-'));
const have = await imagesPresent('drydock/base');

const present = () =>
  docker
    .getImage(ref)
    .inspect()
    .then(
      () => true,
      () => false,
    );

beforeAll(async () => {
  if (!have) return;
  // Its own image id (a label of its own), with this one tag: as drydock-harness images are.
  writeFileSync(join(ctx, 'Dockerfile'), `FROM drydock/base\nLABEL drydock.test.hold=${process.pid}\n`);
  await followBuild(docker, await docker.buildImage(pack(ctx), { t: ref, labels: TEST_LABELS }));
}, 120_000);

afterAll(async () => {
  const held = await docker.listContainers({ all: true, filters: { label: [`${HOLD_LABEL}=${ref}`] } });
  for (const c of held) await docker.getContainer(c.Id).remove({ force: true });
  await docker
    .getImage(ref)
    .remove({ force: true })
    .catch(() => {});
  rmSync(ctx, { recursive: true, force: true });
});

describe.skipIf(!have)('holding an image for a run', () => {
  it('keeps the image through another run’s removal until it is released', async () => {
    const release = await holdImage(docker, ref);
    expect(release).toBeTypeOf('function');
    const held = await docker.listContainers({ all: true, filters: { label: [`${HOLD_LABEL}=${ref}`] } });
    expect(held).toHaveLength(1);
    expect(held[0]!.State).toBe('created'); // never started
    await removeImage(docker, ref); // another run's cleanup: refused by the engine
    expect(await present()).toBe(true);
    await release!();
    await release!(); // idempotent
    await removeImage(docker, ref);
    expect(await present()).toBe(false);
  }, 60_000);

  it('says when the image is already gone, so the caller builds it again', async () => {
    expect(await holdImage(docker, `drydock-test/hold-none:${process.pid}`)).toBeNull();
  });
});
