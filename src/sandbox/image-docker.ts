import type Docker from 'dockerode';
import type { ImageName } from './image-spec.js';

/** The engine's side of image management: look up, pull, tag, prune. */

/** Pulls an image; resolves null on success, else the error. */
export async function tryPull(docker: Docker, ref: string): Promise<string | null> {
  try {
    const stream = await docker.pull(ref);
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
    );
    return null;
  } catch (err) {
    return oneLine(err);
  }
}

export async function tagLatest(docker: Docker, ref: string, name: ImageName): Promise<void> {
  await docker.getImage(ref).tag({ repo: `drydock/${name}`, tag: 'latest' });
}

/** Removes older hash tags of the same image so rebuilds leave nothing dangling. */
export async function removeStale(docker: Docker, name: ImageName, keep: string): Promise<void> {
  const images = await docker.listImages({ filters: { label: [`drydock.image=${name}`] } });
  for (const img of images) {
    for (const tag of img.RepoTags ?? []) {
      if (tag !== keep && tag !== `drydock/${name}:latest` && tag.startsWith(`drydock/${name}:`)) {
        await docker
          .getImage(tag)
          .remove()
          .catch(() => {}); // still used by a container or a child image: leave it
      }
    }
  }
}

export async function hasImage(docker: Docker, ref: string): Promise<boolean> {
  return (await imageId(docker, ref)) !== null;
}

export async function imageId(docker: Docker, ref: string): Promise<string | null> {
  try {
    return (await docker.getImage(ref).inspect()).Id;
  } catch {
    return null;
  }
}

/** The first line of an error's message (engine errors run long). */
export function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
