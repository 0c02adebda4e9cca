import type Docker from 'dockerode';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  DrydockError,
  HostCommandError,
  onHostPath,
  pipeFromHost,
  runHostLogged,
  type Progress,
} from '../core/index.js';
import { aptInstall } from './engine.js';
import { imageId } from './image-docker.js';
import { digest, dirParts } from './image-inputs.js';
import { IMAGES_DIR, SLIM_IMAGE, type ImageOptions } from './image-spec.js';

/**
 * The base image's parent when no registry answers: a Debian bookworm rootfs made with
 * debootstrap from the host's mirror and imported into the engine.
 */

export const ROOTFS_REPO = 'drydock/bookworm-rootfs';
const DEBOOTSTRAP_LOG = '/var/log/drydock/debootstrap.log';

/** An image a drydock image is built FROM: its reference and id. */
export interface Parent {
  ref: string;
  id: string;
}

/** A Debian bookworm rootfs from debootstrap, imported as an image; reused while its inputs stay the same. */
export async function bootstrapRootfs(
  docker: Docker,
  opts: ImageOptions,
  progress: Progress,
): Promise<Parent> {
  const tag = rootfsHash();
  const ref = `${ROOTFS_REPO}:${tag}`;
  const existing = await imageId(docker, ref);
  if (existing) return { ref, id: existing };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new DrydockError(
      'Building the base image with debootstrap needs root, and debian:bookworm-slim cannot be pulled.',
      `run drydock setup as root, or load ${SLIM_IMAGE} into the engine (docker load / docker pull)`,
      'BOOTSTRAP_NEEDS_ROOT',
    );
  }
  if (!onHostPath('debootstrap')) {
    if (!onHostPath('apt-get')) {
      throw new DrydockError(
        'debootstrap is not installed.',
        'install debootstrap, or make debian:bookworm-slim available',
        'BOOTSTRAP_MISSING',
      );
    }
    progress.step('installing debootstrap (apt-get install debootstrap)');
    aptInstall(['debootstrap'], progress);
  }
  const mirror = opts.mirror ?? hostDebianMirror();
  const dir = mkdtempSync(join(process.env.DRYDOCK_WORK_DIR ?? '/var/tmp', 'drydock-rootfs-'));
  try {
    progress.step(
      `debootstrap --variant=minbase bookworm${mirror ? ` from ${mirror}` : ''} (about a minute); log in ${DEBOOTSTRAP_LOG}`,
    );
    mkdirSync('/var/log/drydock', { recursive: true });
    try {
      runHostLogged(
        'sh',
        [join(IMAGES_DIR, 'rootfs', 'bootstrap.sh'), dir, ...(mirror ? [mirror] : [])],
        DEBOOTSTRAP_LOG,
      );
    } catch (err) {
      const how = err instanceof HostCommandError ? err.why : String(err);
      throw new DrydockError(
        `debootstrap failed (${how}).`,
        `read ${DEBOOTSTRAP_LOG}; check that a Debian mirror is reachable (or pass --mirror URL)`,
        'BOOTSTRAP_FAILED',
      );
    }
    progress.step(`importing the rootfs as ${ref}`);
    const tar = pipeFromHost('tar', ['--numeric-owner', '-C', dir, '-c', '.']);
    try {
      const stream = await docker.importImage(tar.stdout as unknown as string, {
        repo: ROOTFS_REPO,
        tag,
        changes: [
          'LABEL drydock=1',
          'LABEL drydock.image=rootfs',
          `LABEL drydock.inputs=${tag}`,
          'CMD ["bash"]',
        ],
      });
      await new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
      );
      await tar.done;
    } finally {
      tar.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const id = await imageId(docker, ref);
  if (!id)
    throw new DrydockError(
      `docker import did not produce ${ref}.`,
      `read ${DEBOOTSTRAP_LOG}`,
      'IMPORT_FAILED',
    );
  return { ref, id };
}

export function rootfsHash(): string {
  return digest(['rootfs:bookworm:minbase', ...dirParts(join(IMAGES_DIR, 'rootfs'))]);
}

/** The first bookworm mirror in the host's apt sources, if the host is Debian bookworm. */
export function hostDebianMirror(): string | undefined {
  const candidates: string[] = [];
  try {
    const deb822 = readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8');
    for (const stanza of deb822.split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
      if (uri && suites.includes('bookworm')) candidates.push(uri);
    }
  } catch {
    // No deb822 sources on this host.
  }
  try {
    for (const line of readFileSync('/etc/apt/sources.list', 'utf8').split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/.exec(line.trim() + ' ');
      if (m?.[1]) candidates.push(m[1]);
    }
  } catch {
    // No one-line sources on this host.
  }
  return candidates[0];
}
