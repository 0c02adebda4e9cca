import type Docker from 'dockerode';
import { gcOwned, type GcReport } from './ownership.js';
import { removeRepoImages } from './repo-image.js';
import { gcRuntimeVolumes } from './runtime.js';
import { gcHostsFiles } from './no-network.js';

/**
 * `drydock sandbox gc`: what dead drydock processes left (containers, fork images,
 * `registries` networks and their rules), runtime and language-server volumes no longer
 * current, and with `repoImages` the cached environment images built from repositories.
 */
export async function gcSandboxes(
  docker: Docker,
  opts: { runId?: string; repoImages?: boolean } = {},
): Promise<GcReport> {
  const report = await gcOwned(docker, opts);
  // Shared by every run: only a whole gc (no run id) touches them.
  if (!opts.runId) {
    report.volumesRemoved = await gcRuntimeVolumes(docker);
    report.hostsFilesRemoved = await gcHostsFiles(docker);
  }
  if (opts.repoImages) report.repoImagesRemoved = await removeRepoImages(docker);
  return report;
}
