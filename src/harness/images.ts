import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from 'tar-fs';
import { DrydockError, type Progress, silentProgress, WORKSPACE } from '../core/index.js';
import { followBuild, ImageBuildError, imageRef, sessionLabels } from '../sandbox/index.js';
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
}

export interface EnsuredImages extends ImagePlan {
  envBuilt: boolean;
  instanceBuilt: boolean;
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
  const progress = opts.progress ?? silentProgress;
  const plan = await planImages(docker, inst);
  const envBuilt = await once(plan.envRef, async () => {
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
  const instanceBuilt = await once(plan.instanceRef, async () => {
    if (await imageId(docker, plan.instanceRef)) return false;
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
      rmSync(ctx, { recursive: true, force: true });
      cleanup();
    }
  });
  return { ...plan, envBuilt, instanceBuilt };
}

/** Removes an image this harness built; ignores one that is gone or still in use. */
export async function removeImage(docker: Docker, ref: string): Promise<void> {
  try {
    await docker.getImage(ref).remove({ noprune: false });
  } catch {
    // in use by another instance, or already gone
  }
}
