import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { LABEL } from '../../src/sandbox/index.js';
import { imagesPresent } from '../helpers/containers.js';

/** The image sandbox tests run in: DRYDOCK_TEST_IMAGE, else drydock/base:latest. */
export function testImage(): string {
  return process.env.DRYDOCK_TEST_IMAGE ?? 'drydock/base:latest';
}

export const docker = new Docker();

/** Whether a Docker engine answers and has the test image; under CI=true a missing one fails instead. */
export async function engineReady(): Promise<boolean> {
  try {
    await docker.ping();
  } catch (err) {
    if (process.env.CI)
      throw new Error(
        `no Docker engine answers: npm test runs drydock setup first (${(err as Error).message})`,
      );
    console.warn(`sandbox engine tests skipped: ${(err as Error).message}`);
    return false;
  }
  return imagesPresent(testImage());
}

/** A run id of this test file's own, so cleanup touches only what it started. */
export function testRunId(name: string): string {
  return `test-${name}-${randomBytes(4).toString('hex')}`;
}

/** Removes every container and image this test run made, whatever state they are in. */
export async function removeRun(runId: string): Promise<void> {
  const filters = { label: [`${LABEL.run}=${runId}`] };
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  }
  for (const img of await docker.listImages({ filters })) {
    await docker
      .getImage(img.Id)
      .remove({ force: true })
      .catch(() => undefined);
  }
}

export const MB = 1024 * 1024;
