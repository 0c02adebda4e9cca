import type Docker from 'dockerode';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DrydockError, silentProgress, type Progress } from '../core/index.js';
import { followBuild, ImageBuildError } from './build-stream.js';
import { readCaCerts, type Cert } from './ca-certs.js';
import { hasImage, imageId, oneLine, removeStale, tagLatest, tryPull } from './image-docker.js';
import { digest, imageInputs, listFiles } from './image-inputs.js';
import {
  IMAGE_NAMES,
  IMAGES_DIR,
  LANGUAGE_SERVERS,
  LANGUAGE_SERVERS_LABEL,
  SLIM_IMAGE,
  type ImageName,
  type ImageOptions,
  type ImageStatus,
} from './image-spec.js';
import { bootstrapRootfs, ROOTFS_REPO, rootfsHash, type Parent } from './rootfs.js';

/**
 * Building drydock's images: which parent the base comes from, which images are current,
 * and the builds of the rest. The parts live next door: image-spec.ts (names, options,
 * pinned servers), image-inputs.ts (what is hashed), ca-certs.ts, node-pack.ts, rootfs.ts
 * (debootstrap), image-docker.ts (the engine calls).
 */

/**
 * Brings drydock's images up to date: each is tagged with a hash of its inputs
 * (its folder in sandbox-images/, build options, the parent image), so only
 * what changed is rebuilt.
 */
export async function buildImages(docker: Docker, opts: ImageOptions = {}): Promise<ImageStatus[]> {
  const progress = opts.progress ?? silentProgress;
  const certs = readCaCerts(opts.caCerts);
  const parent = await resolveBaseParent(docker, opts, certs, progress);
  const results: ImageStatus[] = [];
  let baseHash = '';
  for (const name of IMAGE_NAMES) {
    const inputs = imageInputs(name, opts, certs, name === 'base' ? parent.id : baseHash);
    const hash = digest(inputs.parts);
    if (name === 'base') baseHash = hash;
    const ref = `drydock/${name}:${hash}`;
    const present = await hasImage(docker, ref);
    if (present) {
      progress.step(`image drydock/${name}: up to date (${hash})`);
      await tagLatest(docker, ref, name);
      results.push({ name, ref, hash, present, built: false, detail: 'up to date' });
      continue;
    }
    progress.step(`image drydock/${name}: building (${hash})`);
    const parentRef = name === 'base' ? parent.ref : `drydock/base:${baseHash}`;
    await buildOne(
      docker,
      name,
      ref,
      hash,
      { BASE_IMAGE: parentRef, ...inputs.buildArgs },
      inputs.extraFiles,
      opts,
      progress,
    );
    await tagLatest(docker, ref, name);
    await removeStale(docker, name, ref);
    results.push({ name, ref, hash, present: true, built: true, detail: `built from ${parentRef}` });
  }
  return results;
}

/** What buildImages would find, without building or pulling anything (for doctor). */
export async function imageStatuses(docker: Docker, opts: ImageOptions = {}): Promise<ImageStatus[]> {
  const certs = readCaCerts(opts.caCerts);
  const parents = await localBaseParents(docker, opts);
  let best: ImageStatus[] | null = null;
  for (const parent of parents) {
    const statuses: ImageStatus[] = [];
    let baseHash = '';
    for (const name of IMAGE_NAMES) {
      const hash = digest(imageInputs(name, opts, certs, name === 'base' ? parent.id : baseHash).parts);
      if (name === 'base') baseHash = hash;
      const ref = `drydock/${name}:${hash}`;
      const present = await hasImage(docker, ref);
      statuses.push({ name, ref, hash, present, detail: present ? 'current' : 'missing or out of date' });
    }
    if (!best || count(statuses) > count(best)) best = statuses;
  }
  return (
    best ??
    IMAGE_NAMES.map((name) => ({
      name,
      ref: `drydock/${name}`,
      hash: '',
      present: false,
      detail: 'no base image yet (run drydock setup)',
    }))
  );
}

const count = (s: ImageStatus[]) => s.filter((x) => x.present).length;

async function localBaseParents(docker: Docker, opts: ImageOptions): Promise<Parent[]> {
  const source = opts.baseSource ?? 'auto';
  const out: Parent[] = [];
  if (source !== 'debootstrap') {
    const id = await imageId(docker, SLIM_IMAGE);
    if (id) out.push({ ref: SLIM_IMAGE, id });
  }
  if (source !== 'registry') {
    const ref = `${ROOTFS_REPO}:${rootfsHash()}`;
    const id = await imageId(docker, ref);
    if (id) out.push({ ref, id });
  }
  return out;
}

async function resolveBaseParent(
  docker: Docker,
  opts: ImageOptions,
  certs: Cert[],
  progress: Progress,
): Promise<Parent> {
  const source = opts.baseSource ?? 'auto';
  // A base that is already current wins: no network needed on a second run.
  const local = await localBaseParents(docker, opts);
  for (const parent of local) {
    const hash = digest(imageInputs('base', opts, certs, parent.id).parts);
    if (await hasImage(docker, `drydock/base:${hash}`)) return parent;
  }
  const slim = local.find((p) => p.ref === SLIM_IMAGE);
  if (slim) return slim;
  if (source !== 'debootstrap') {
    progress.step(`pulling ${SLIM_IMAGE}`);
    const pullError = await tryPull(docker, SLIM_IMAGE);
    const id = pullError === null ? await imageId(docker, SLIM_IMAGE) : null;
    if (id) return { ref: SLIM_IMAGE, id };
    if (source === 'registry') {
      throw new DrydockError(
        `Cannot pull ${SLIM_IMAGE}: ${pullError}`,
        'use --base-source debootstrap (or auto) to build the base image with no registry',
        'PULL_FAILED',
      );
    }
    progress.detail(`no registry (${pullError}); building the base from debootstrap instead`);
  }
  return bootstrapRootfs(docker, opts, progress);
}

async function buildOne(
  docker: Docker,
  name: ImageName,
  ref: string,
  hash: string,
  buildArgs: Record<string, string> & { BASE_IMAGE: string },
  extraFiles: (ctx: string) => void,
  opts: ImageOptions,
  progress: Progress,
): Promise<void> {
  const ctx = mkdtempSync(join(tmpdir(), `drydock-build-${name}-`));
  try {
    for (const f of listFiles(join(IMAGES_DIR, name))) {
      const dest = join(ctx, relative(join(IMAGES_DIR, name), f));
      mkdirSync(join(dest, '..'), { recursive: true });
      copyFileSync(f, dest);
    }
    extraFiles(ctx);
    const labels: Record<string, string> = {
      drydock: '1',
      'drydock.image': name,
      'drydock.inputs': hash,
      'drydock.parent': buildArgs.BASE_IMAGE,
    };
    if (name === 'node') labels['drydock.node-version'] = opts.nodeVersion ?? '22';
    if (name === 'base') labels[LANGUAGE_SERVERS_LABEL] = JSON.stringify(LANGUAGE_SERVERS);
    const stream = await docker.buildImage(
      { context: ctx, src: listFiles(ctx).map((f) => relative(ctx, f)) },
      { t: ref, buildargs: buildArgs, labels, rm: true, forcerm: true, pull: false },
    );
    await followBuild(docker, stream, (line) => {
      if (/^Step \d+\/\d+ :/.test(line))
        progress.detail(line.length > 120 ? `${line.slice(0, 117)}...` : line);
    }).catch((err: unknown) => {
      const tail = err instanceof ImageBuildError ? err.tail.slice(-8) : [];
      throw new DrydockError(
        `Building drydock/${name} failed: ${oneLine(err)}\n${tail.join('\n')}`,
        'fix what the build output says (network to the package archive, CA certificates via --ca-cert), then run drydock setup again',
        'IMAGE_BUILD_FAILED',
      );
    });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}
