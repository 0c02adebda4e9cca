import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { DrydockError } from '../../src/core/index.js';
import { DockerSandbox } from '../../src/sandbox/index.js';

/** An engine that answers only image inspects, with `info` (no container is ever made). */
function engineWith(info: object | { statusCode: number }): Docker {
  return {
    getImage: () => ({
      inspect: () =>
        'statusCode' in info ? Promise.reject(Object.assign(new Error('x'), info)) : Promise.resolve(info),
    }),
    createContainer: () => Promise.reject(new Error('no container may be made for a bad image')),
  } as unknown as Docker;
}

const HOST = { x64: 'amd64', arm64: 'arm64' }[process.arch as 'x64' | 'arm64'] ?? 'amd64';
const OTHER = HOST === 'amd64' ? 'arm64' : 'amd64';

describe('bad images are one line saying which and what to do (no engine needed)', () => {
  it('an image built for another CPU cannot run: IMAGE_CANNOT_RUN, with the platform to build for', async () => {
    const err = await DockerSandbox.open(
      { image: 'someone/tool:arm', mode: 'container-update' },
      { docker: engineWith({ Architecture: OTHER, Os: 'linux', Config: {} }) },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DrydockError);
    expect((err as DrydockError).code).toBe('IMAGE_CANNOT_RUN');
    expect((err as DrydockError).message).toBe(
      `image someone/tool:arm cannot run here: it is built for ${OTHER}, this machine runs ${HOST}`,
    );
    expect((err as DrydockError).fix).toContain(`--platform linux/${HOST}`);
  });

  it('a missing image: IMAGE_MISSING, pull or build it (drydock setup for drydock/*)', async () => {
    for (const [image, fix] of [
      ['someone/tool:1', /docker pull someone\/tool:1|docker build/],
      ['drydock/python:latest', /drydock setup/],
    ] as const) {
      const err = await DockerSandbox.open(
        { image, mode: 'container-update' },
        { docker: engineWith({ statusCode: 404 }) },
      ).catch((e: unknown) => e);
      expect((err as DrydockError).code).toBe('IMAGE_MISSING');
      expect((err as DrydockError).message).toBe(`image ${image} not found on this Docker engine`);
      expect((err as DrydockError).fix).toMatch(fix);
    }
  });
});
