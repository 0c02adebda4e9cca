// Where `run-batch` runs the agent for one instance: the image and a host copy of the repository
// the agent reads. A published row (SWE-bench, SWE-bench-Live) brings its own instance image with
// the repository already at /testbed, installed; the agent runs in that very image, and its host
// copy is that /testbed taken out of the image (no clone, no mirror needed). A drydock-shaped row
// has its image built here and a checkout at its base commit, as `eval` does.
import type Docker from 'dockerode';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-fs';
import { WORKSPACE, type Progress } from '../core/index.js';
import { ownerLabels } from '../sandbox/index.js';
import type { Instance } from './dataset.js';
import { ensureImages } from './images.js';
import { withNamespace } from './published.js';
import { ensurePulled } from './pull.js';
import { checkoutRepo } from './repos.js';

export interface InstanceWorkspace {
  /** The image the agent's sandbox runs. */
  image: string;
  /** The repository on the host, for the agent to read and index; copied back to /testbed. */
  dir: string;
  /** `image`: the published image's own /testbed; `checkout`: a clone at the base commit. */
  source: 'image' | 'checkout';
  /** For a published image: whether this call pulled it. */
  pulled?: boolean;
  /** Removes the checkout and lets go of the held image (a checkout's instance image). */
  cleanup(): Promise<void>;
}

/** The repository directory in a published instance image (both projects put it here). */
export const TESTBED = WORKSPACE;

/**
 * A host copy of an image's `/testbed`: the image's files as the image has them (its history,
 * untracked build output, everything), taken from a created, never started, labelled container.
 */
export async function extractTestbed(
  docker: Docker,
  image: string,
  runId = 'run-batch',
): Promise<{ dir: string; cleanup: () => void }> {
  const parent = mkdtempSync(join(tmpdir(), 'drydock-testbed-'));
  const cleanup = () => rmSync(parent, { recursive: true, force: true });
  let container: Docker.Container | undefined;
  try {
    container = await docker.createContainer({
      Image: image,
      Entrypoint: ['/bin/true'],
      Cmd: [],
      Labels: ownerLabels(runId),
      NetworkDisabled: true,
    });
    const tar = await container.getArchive({ path: TESTBED });
    // Readable and writable for this user, whatever the image's modes, so the copy can be removed.
    await pipeline(tar, extract(parent, { readable: true, writable: true }));
    return { dir: join(parent, TESTBED.replace(/^\//, '')), cleanup };
  } catch (err) {
    cleanup();
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(
      /no such file|Could not find the file/i.test(msg)
        ? `image ${image} has no ${TESTBED}: not an instance image in the published shape`
        : `could not copy ${TESTBED} out of ${image}: ${msg}`,
    );
  } finally {
    await container?.remove({ force: true }).catch(() => {});
  }
}

/**
 * The image and host repository for one instance: the published image (pulled with `--namespace`
 * as `eval` pulls it) and its own /testbed, or drydock's built image and a checkout.
 */
export async function instanceWorkspace(
  docker: Docker,
  inst: Instance,
  opts: {
    reposDir?: string;
    namespace?: string;
    progress?: Progress;
    /**
     * Builds a drydock-shaped row's images (run-batch serializes builds) and holds the instance
     * image (`release`); default ensureImages with `hold`.
     */
    build?: (inst: Instance) => Promise<{ instanceRef: string; release?: () => Promise<void> }>;
  } = {},
): Promise<InstanceWorkspace> {
  if (inst.image) {
    const ref = withNamespace(inst.image, opts.namespace);
    const pulled = await ensurePulled(docker, ref, { progress: opts.progress });
    const tb = await extractTestbed(docker, ref);
    return { image: ref, dir: tb.dir, source: 'image', pulled, cleanup: async () => tb.cleanup() };
  }
  const co = await checkoutRepo(inst.repo, inst.base_commit, opts.reposDir);
  try {
    // Held until cleanup: another run's `eval --cache-level none` removes the harness images it
    // used, which may be this one (the same repository, commit and install make the same image);
    // the engine refuses to remove an image a container (the hold) uses.
    const built = await (
      opts.build ?? ((i: Instance) => ensureImages(docker, i, { reposDir: opts.reposDir, hold: true }))
    )(inst);
    return {
      image: built.instanceRef,
      dir: co.dir,
      source: 'checkout',
      cleanup: async () => {
        co.cleanup();
        await built.release?.();
      },
    };
  } catch (err) {
    co.cleanup();
    throw err;
  }
}
