import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from 'tar-fs';
import { DrydockError, type Progress, silentProgress, WORKSPACE } from '../core/index.js';
import {
  currentRunId,
  followBuild,
  ImageBuildError,
  imageRef,
  ownerLabels,
  sessionLabels,
} from '../sandbox/index.js';
import type { Instance } from './dataset.js';
import { checkoutRepo } from './repos.js';

/** What to keep after a run: nothing, environment images, or instance images too. */
export type CacheLevel = 'none' | 'env' | 'instance';
export const CACHE_LEVELS: readonly CacheLevel[] = ['none', 'env', 'instance'];

export const ENV_REPO = 'drydock-harness/env';
export const INSTANCE_REPO = 'drydock-harness/instance';

const sha = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);

async function imageId(docker: Docker, ref: string): Promise<string | null> {
  try {
    return (await docker.getImage(ref).inspect()).Id;
  } catch {
    return null;
  }
}

/** Tag-safe form of an instance id. */
export const tagSafe = (id: string) => id.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80);

export interface ImagePlan {
  languageRef: string;
  envRef: string;
  instanceRef: string;
}

/**
 * The three layers' tags. The environment tag hashes the language image's id and
 * `env_setup_cmds` (so instances with the same commands share it); the instance
 * tag hashes the environment tag, the repository, `base_commit` and `install_cmds`.
 */
export async function planImages(docker: Docker, inst: Instance): Promise<ImagePlan> {
  const languageRef = imageRef(inst.env_image);
  const langId = await imageId(docker, languageRef);
  if (!langId)
    throw new DrydockError(
      `the language image ${languageRef} is missing`,
      'run `drydock setup` to build drydock images',
      'IMAGE_MISSING',
    );
  const envRef = `${ENV_REPO}:${inst.env_image}-${sha(langId, JSON.stringify(inst.env_setup_cmds))}`;
  const instanceRef = `${INSTANCE_REPO}:${tagSafe(inst.instance_id).toLowerCase()}-${sha(envRef, inst.repo, inst.base_commit, JSON.stringify(inst.install_cmds))}`;
  return { languageRef, envRef, instanceRef };
}

async function build(
  docker: Docker,
  ctx: string,
  ref: string,
  labels: Record<string, string>,
  what: string,
  progress: Progress,
): Promise<void> {
  // An image removed under a build (another run's cleanup) fails it with "unknown parent image
  // ID": a transient engine error, so the build is tried once more.
  for (let attempt = 1; ; attempt++) {
    try {
      const stream = await docker.buildImage(pack(ctx), {
        t: ref,
        labels: { ...labels, ...sessionLabels() },
        rm: true,
        forcerm: true,
        pull: false,
      });
      await followBuild(docker, stream);
      break;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const tail = err instanceof ImageBuildError ? err.tail.slice(-12) : [];
      if (attempt === 1 && isTransientBuildError(`${msg}\n${tail.join('\n')}`)) {
        progress.detail(
          `building ${ref} failed on a transient engine error (${msg.split('\n')[0]}); trying once more`,
        );
        continue;
      }
      throw new DrydockError(
        `building the ${what} image ${ref} failed: ${msg}\n${tail.join('\n')}`,
        'fix the commands in the dataset (they run with network access to package archives only)',
        'HARNESS_IMAGE_BUILD_FAILED',
      );
    }
  }
  progress.detail(`built ${ref}`);
}

/** Engine errors a second build can get past. */
export const isTransientBuildError = (message: string) =>
  /unknown parent image ID|No such image: sha256:/i.test(message);

const script = (cmds: string[]) => `set -e\n${cmds.join('\n')}\n`;

export interface EnsureOptions {
  reposDir?: string;
  progress?: Progress;
  /** Also hold the instance image (see holdImage) until the returned `release` is called. */
  hold?: boolean;
}

export interface EnsuredImages extends ImagePlan {
  envBuilt: boolean;
  instanceBuilt: boolean;
  /** With `hold`: lets go of the instance image (idempotent). */
  release?: () => Promise<void>;
}

/** Label on the containers that hold an image for a run; its value is the image held. */
export const HOLD_LABEL = 'drydock.hold';

/**
 * Keeps `ref` on the engine while this run needs it: a created, never started container from the
 * image, labelled with its owner. drydock removes images without force and the engine refuses to
 * remove an image a container uses, so another run's `--cache-level` cleanup cannot take an image
 * away between this run's check and its use (gc removes a hold whose process died). Returns the
 * release, or null when the image is already gone (the caller builds it again).
 */
export async function holdImage(docker: Docker, ref: string): Promise<(() => Promise<void>) | null> {
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      Image: ref,
      Entrypoint: ['true'],
      Cmd: [],
      Labels: { ...ownerLabels(currentRunId()), [HOLD_LABEL]: ref },
      HostConfig: { NetworkMode: 'none' },
    });
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await container.remove({ force: true }).catch(() => {});
  };
}

const inflight = new Map<string, Promise<boolean>>();

/** Builds `ref` once per process even when several workers ask at the same time. */
function once(ref: string, fn: () => Promise<boolean>): Promise<boolean> {
  let p = inflight.get(ref);
  if (!p) {
    p = fn().finally(() => inflight.delete(ref));
    inflight.set(ref, p);
  }
  return p;
}

/** Ensures the environment and instance images of `inst` exist; builds what is missing. */
export async function ensureImages(
  docker: Docker,
  inst: Instance,
  opts: EnsureOptions = {},
): Promise<EnsuredImages> {
  return ensureImagesOnce(docker, inst, opts, true);
}

async function ensureImagesOnce(
  docker: Docker,
  inst: Instance,
  opts: EnsureOptions,
  again: boolean,
): Promise<EnsuredImages> {
  const progress = opts.progress ?? silentProgress;
  const plan = await planImages(docker, inst);
  const ensureEnv = () =>
    once(plan.envRef, async () => {
      if (await imageId(docker, plan.envRef)) return false;
      const ctx = mkdtempSync(join(tmpdir(), 'drydock-env-'));
      try {
        writeFileSync(join(ctx, 'setup.sh'), script(inst.env_setup_cmds));
        writeFileSync(
          join(ctx, 'Dockerfile'),
          [
            `FROM ${plan.languageRef}`,
            'USER root',
            'ENV DEBIAN_FRONTEND=noninteractive',
            'COPY setup.sh /tmp/drydock-env-setup.sh',
            'RUN bash /tmp/drydock-env-setup.sh && rm -f /tmp/drydock-env-setup.sh',
            '',
          ].join('\n'),
        );
        progress.detail(`building environment image ${plan.envRef}`);
        await build(
          docker,
          ctx,
          plan.envRef,
          { drydock: '1', 'drydock.image': 'env', 'drydock.parent': plan.languageRef },
          'environment',
          progress,
        );
        return true;
      } finally {
        rmSync(ctx, { recursive: true, force: true });
      }
    });
  let envBuilt = await ensureEnv();
  const instanceBuilt = await once(plan.instanceRef, async () => {
    if (await imageId(docker, plan.instanceRef)) return false;
    // The environment image is held while the instance is built on it; one removed since it was
    // checked (another run's --cache-level none) is built again.
    let releaseEnv = await holdImage(docker, plan.envRef);
    if (!releaseEnv) {
      progress.detail(`${plan.envRef} was removed by another run: building it again`);
      envBuilt = (await ensureEnv()) || envBuilt;
      releaseEnv = await holdImage(docker, plan.envRef);
      if (!releaseEnv)
        throw new DrydockError(
          `the environment image ${plan.envRef} keeps disappearing`,
          'another process is removing drydock-harness images: run again when it is done',
          'HARNESS_IMAGE_BUILD_FAILED',
        );
    }
    const ctx = mkdtempSync(join(tmpdir(), 'drydock-inst-'));
    let cleanup = () => {};
    try {
      const co = await checkoutRepo(inst.repo, inst.base_commit, opts.reposDir);
      cleanup = co.cleanup;
      renameSync(co.dir, join(ctx, 'testbed'));
      writeFileSync(join(ctx, 'install.sh'), script(inst.install_cmds));
      writeFileSync(
        join(ctx, 'Dockerfile'),
        [
          `FROM ${plan.envRef}`,
          'USER root',
          `COPY testbed ${WORKSPACE}`,
          `WORKDIR ${WORKSPACE}`,
          'COPY install.sh /tmp/drydock-install.sh',
          'RUN bash /tmp/drydock-install.sh && rm -f /tmp/drydock-install.sh',
          '',
        ].join('\n'),
      );
      progress.detail(`building instance image ${plan.instanceRef}`);
      await build(
        docker,
        ctx,
        plan.instanceRef,
        {
          drydock: '1',
          'drydock.image': 'instance',
          'drydock.instance': inst.instance_id,
          'drydock.parent': plan.envRef,
        },
        'instance',
        progress,
      );
      return true;
    } finally {
      await releaseEnv();
      rmSync(ctx, { recursive: true, force: true });
      cleanup();
    }
  });
  if (!opts.hold) return { ...plan, envBuilt, instanceBuilt };
  const release = await holdImage(docker, plan.instanceRef);
  if (release) return { ...plan, envBuilt, instanceBuilt, release };
  // Removed between the check and the hold: once more, from the start.
  if (again) {
    progress.detail(`${plan.instanceRef} was removed by another run: building it again`);
    const r = await ensureImagesOnce(docker, inst, opts, false);
    return { ...r, envBuilt: r.envBuilt || envBuilt, instanceBuilt: r.instanceBuilt || instanceBuilt };
  }
  throw new DrydockError(
    `the instance image ${plan.instanceRef} keeps disappearing`,
    'another process is removing drydock-harness images: run again when it is done',
    'HARNESS_IMAGE_BUILD_FAILED',
  );
}

/** Removes an image this harness built; ignores one that is gone or still in use. */
export async function removeImage(docker: Docker, ref: string): Promise<void> {
  try {
    await docker.getImage(ref).remove({ noprune: false });
  } catch {
    // in use by another instance, or already gone
  }
}
