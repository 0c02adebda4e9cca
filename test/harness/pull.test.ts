// Pulls and builds against an engine that fails on purpose: a stand-in for dockerode's three
// calls (inspect, pull, followProgress; buildImage), scripted per try, so every path (progress,
// a transient failure retried, a missing image not retried, a build hit by another run's
// cleanup) runs without a registry and without timing.
import type Docker from 'dockerode';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ensureImages,
  ensurePulled,
  ImageMissingError,
  isTransient,
  isTransientBuildError,
  normalizeInstance,
} from '../../src/harness/index.js';
import { initRepo } from './helpers.js';

interface Step {
  /** Thrown by docker.pull() / buildImage() itself (the request failed). */
  throws?: Error & { statusCode?: number };
  /** Events the stream carries, then its end (with `err` when it broke mid-way). */
  events?: Record<string, unknown>[];
  err?: Error;
}

const MiB = 2 ** 20;

function engine(
  steps: Step[],
  initially: (ref: string) => boolean = () => false,
  onInspect: (ref: string, gone: Set<string>) => void = () => {},
) {
  const calls = { pull: 0, build: 0, holds: 0, refs: [] as string[] };
  const built = new Set<string>();
  const gone = new Set<string>();
  const present = (ref: string) => built.has(ref) || (initially(ref) && !gone.has(ref));
  const next = (kind: 'pull' | 'build', ref: string) => {
    const step = steps[calls.pull + calls.build] ?? {};
    calls[kind]++;
    calls.refs.push(ref);
    if (step.throws) throw step.throws;
    return step;
  };
  const docker = {
    getImage: (ref: string) => ({
      inspect: async () => {
        const here = present(ref);
        onInspect(ref, gone);
        if (here) return { Id: `sha256:${ref.length}` };
        throw Object.assign(new Error(`No such image: ${ref}`), { statusCode: 404 });
      },
    }),
    pull: async (ref: string) => next('pull', ref),
    buildImage: async (ctx: { destroy(): void }, o: { t: string }) => {
      ctx.destroy(); // the context is never read: its folder goes when the build ends
      const step = next('build', o.t);
      if (!step.events?.some((e) => e.error) && !step.err) built.add(o.t);
      return step;
    },
    // A hold (a created, never started container) needs its image, as on a real engine.
    createContainer: async (o: { Image: string }) => {
      if (!present(o.Image)) throw Object.assign(new Error(`No such image: ${o.Image}`), { statusCode: 404 });
      calls.holds++;
      return { remove: async () => {} };
    },
    modem: {
      followProgress: (
        stream: Step,
        done: (err: Error | null, out: Record<string, unknown>[]) => void,
        onEvent?: (e: Record<string, unknown>) => void,
      ) => {
        setImmediate(() => {
          for (const e of stream.events ?? []) onEvent?.(e);
          done(stream.err ?? null, stream.events ?? []);
        });
      },
    },
  } as unknown as Docker;
  return { docker, calls };
}

const recorder = () => {
  const lines: string[] = [];
  return { lines, progress: { step: (m: string) => lines.push(m), detail: (m: string) => lines.push(m) } };
};

const layerEvents = [
  { id: '1', status: 'Pulling from reg/img' },
  { id: 'l0', status: 'Already exists' },
  { id: 'l1', status: 'Pulling fs layer' },
  { id: 'l2', status: 'Pulling fs layer' },
  { id: 'l1', status: 'Downloading', progressDetail: { current: 1 * MiB, total: 4 * MiB } },
  { id: 'l2', status: 'Downloading', progressDetail: { current: 2 * MiB, total: 2 * MiB } },
  { id: 'l2', status: 'Download complete' },
  { id: 'l2', status: 'Pull complete' },
  { id: 'l1', status: 'Downloading', progressDetail: { current: 3 * MiB, total: 4 * MiB } },
  { id: 'l1', status: 'Pull complete' },
];

describe('pulling a published image', () => {
  it('reports layers, bytes and time left while it pulls', async () => {
    const { docker } = engine([{ events: layerEvents }]);
    const r = recorder();
    expect(await ensurePulled(docker, 'reg/img:1', { progress: r.progress, progressEveryMs: 0 })).toBe(true);
    const lines = r.lines.filter((l) => l.startsWith('pulling reg/img:1:'));
    // Mid-way: one layer of two done, 3 of 6 MiB, and an estimate of the time left.
    expect(lines.some((l) => /: 1\/3 layers, 1\.0 MiB of 4\.0 MiB ~\d+s left$/.test(l))).toBe(true);
    expect(lines.some((l) => /2\/3 layers, 3\.0 MiB of 6\.0 MiB ~\d+s left$/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe('pulling reg/img:1: 3/3 layers, 6.0 MiB of 6.0 MiB');
    expect(r.lines.at(-1)).toMatch(/^pulled reg\/img:1: 3 layers, 6\.0 MiB downloaded in \d+\.\d s$/);
  });

  it('says so when every layer of a pulled image was already on the engine', async () => {
    const { docker } = engine([
      { events: [{ id: '1', status: 'Pulling from reg/img' }, { status: 'Digest: sha256:0' }] },
    ]);
    const r = recorder();
    await ensurePulled(docker, 'reg/img:6', { progress: r.progress, progressEveryMs: 0 });
    expect(r.lines.filter((l) => /layers/.test(l))).toEqual([]);
    expect(r.lines.at(-1)).toMatch(/^pulled reg\/img:6: every layer was already here \(\d+\.\d s\)$/);
  });

  it('reuses an image already on the engine without pulling', async () => {
    const { docker, calls } = engine([], () => true);
    expect(await ensurePulled(docker, 'reg/img:present')).toBe(false);
    expect(calls.pull).toBe(0);
  });

  it('retries a transient failure (the request, or the stream breaking) and says which try it is', async () => {
    const { docker, calls } = engine([
      { throws: new Error('connect ECONNRESET 127.0.0.1:5000') },
      { events: layerEvents.slice(0, 3), err: new Error('unexpected EOF') },
      { events: layerEvents },
    ]);
    const r = recorder();
    expect(await ensurePulled(docker, 'reg/img:2', { progress: r.progress, backoffMs: 0 })).toBe(true);
    expect(calls.pull).toBe(3);
    expect(r.lines).toContain('pulling reg/img:2 (try 2 of 3)');
    expect(r.lines).toContain('pulling reg/img:2 (try 3 of 3)');
  });

  it('gives up after the last try with one line that names the image and the tries', async () => {
    const { docker, calls } = engine([
      { throws: new Error('Get "https://r/v2/": net/http: TLS handshake timeout') },
      { throws: new Error('received unexpected HTTP status: 503 Service Unavailable') },
      { throws: new Error('socket hang up') },
    ]);
    await expect(ensurePulled(docker, 'reg/img:3', { backoffMs: 0 })).rejects.toMatchObject({
      code: 'IMAGE_PULL_FAILED',
      message: expect.stringMatching(/^pulling reg\/img:3 failed after 3 tries: socket hang up/),
    });
    expect(calls.pull).toBe(3);
  });

  it('does not retry an image the registry does not have: ImageMissingError at once', async () => {
    for (const step of [
      {
        throws: Object.assign(new Error('(HTTP code 404) unexpected - manifest unknown'), {
          statusCode: 404,
        }),
      },
      { events: [{ error: 'manifest for reg/img:4 not found: manifest unknown' }] },
      { throws: new Error('pull access denied for reg/img, repository does not exist') },
    ]) {
      const { docker, calls } = engine([step, { events: layerEvents }]);
      const err = await ensurePulled(docker, 'reg/img:4', { backoffMs: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImageMissingError);
      expect((err as ImageMissingError).ref).toBe('reg/img:4');
      expect(calls.pull).toBe(1);
    }
  });

  it('shares one pull between workers asking for the same image at once', async () => {
    const { docker, calls } = engine([{ events: layerEvents }]);
    const [a, b] = await Promise.all([ensurePulled(docker, 'reg/img:5'), ensurePulled(docker, 'reg/img:5')]);
    expect([a, b]).toEqual([true, true]);
    expect(calls.pull).toBe(1);
  });

  it('tells transient failures from missing images', () => {
    expect(isTransient('dial tcp: i/o timeout')).toBe(true);
    expect(isTransient('toomanyrequests: 429 Too Many Requests')).toBe(true);
    expect(isTransient('manifest unknown')).toBe(false);
    expect(isTransient('unauthorized: authentication required')).toBe(false);
  });
});

describe('building drydock-shaped images', () => {
  const reposDir = mkdtempSync(join(tmpdir(), 'dd-pull-repos-'));
  const commit = initRepo(join(reposDir, 'o', 'r'), { 'a.py': 'x = 1\n' });
  const inst = normalizeInstance({
    instance_id: 'o__r-1',
    repo: 'o/r',
    base_commit: commit,
    FAIL_TO_PASS: ['t'],
    PASS_TO_PASS: [],
    test_cmds: ['true'],
    env_image: 'python',
  });
  const languageOnly = (ref: string) => ref.startsWith('drydock/python');

  it('tries a build once more when another run removed its parent ("unknown parent image ID")', async () => {
    const { docker, calls } = engine(
      [
        { events: [{ error: 'unknown parent image ID sha256:0123456789ab' }] },
        { events: [{ stream: 'Successfully built' }] },
        { events: [{ stream: 'Successfully built' }] },
      ],
      languageOnly,
    );
    const r = recorder();
    const im = await ensureImages(docker, inst, { reposDir, progress: r.progress });
    expect([im.envBuilt, im.instanceBuilt]).toEqual([true, true]);
    expect(calls.build).toBe(3); // environment twice, then the instance
    expect(calls.refs[0]).toBe(calls.refs[1]);
    expect(r.lines.some((l) => /failed on a transient engine error .*trying once more/.test(l))).toBe(true);
  });

  it('does not retry a build that fails on its own commands, nor a second transient failure', async () => {
    for (const steps of [
      [{ events: [{ error: "The command '/bin/sh -c bash /tmp/x.sh' returned a non-zero code: 1" }] }],
      [
        { events: [{ error: 'unknown parent image ID sha256:1' }] },
        { events: [{ error: 'unknown parent image ID sha256:2' }] },
      ],
    ]) {
      const { docker, calls } = engine([...steps, { events: [] }, { events: [] }], languageOnly);
      await expect(ensureImages(docker, inst, { reposDir })).rejects.toMatchObject({
        code: 'HARNESS_IMAGE_BUILD_FAILED',
      });
      expect(calls.build).toBe(steps.length);
    }
    expect(isTransientBuildError('Error: No such image: sha256:abc')).toBe(true);
    expect(isTransientBuildError('returned a non-zero code: 1')).toBe(false);
  });

  it('builds the instance image again when another run removed it between the check and the hold', async () => {
    let first = true;
    const { docker, calls } = engine(
      [{ events: [{ stream: 'Successfully built' }] }],
      (ref) => ref.startsWith('drydock/python') || ref.startsWith('drydock-harness/'),
      (ref, gone) => {
        // Right after this run saw its instance image, another run's cleanup removes it.
        if (first && ref.startsWith('drydock-harness/instance')) {
          first = false;
          gone.add(ref);
        }
      },
    );
    const r = recorder();
    const im = await ensureImages(docker, inst, { reposDir, progress: r.progress, hold: true });
    expect(im.instanceBuilt).toBe(true);
    expect(im.release).toBeTypeOf('function');
    expect(calls.refs).toEqual([im.instanceRef]); // built once: the instance, not the environment
    expect(r.lines).toContain(`${im.instanceRef} was removed by another run: building it again`);
  });

  it('builds the environment again when it went before the instance could be built on it', async () => {
    let first = true;
    const { docker, calls } = engine(
      [{ events: [{ stream: 'ok' }] }, { events: [{ stream: 'ok' }] }],
      (ref) => ref.startsWith('drydock/python') || ref.startsWith('drydock-harness/env'),
      (ref, gone) => {
        if (first && ref.startsWith('drydock-harness/env')) {
          first = false;
          gone.add(ref);
        }
      },
    );
    const im = await ensureImages(docker, inst, { reposDir });
    expect([im.envBuilt, im.instanceBuilt]).toEqual([true, true]);
    expect(calls.refs).toEqual([im.envRef, im.instanceRef]);
    expect(calls.holds).toBe(1); // the environment, held while the instance was built on it
  });
});
