import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { DrydockError, silentProgress, type Progress } from '../core/index.js';
import { followBuild, imageRef } from '../sandbox/index.js';
import { JVM_IMAGE } from './envbench.js';

const JVM_DIR = fileURLToPath(new URL('../../sandbox-images/jvm/', import.meta.url));

/**
 * Builds drydock/jvm (Debian's default JDK and Maven, with Debian's Maven plugins offered as a
 * local repository) on drydock/base, on demand: `drydock setup --jvm`. It is large (a JDK), so
 * `drydock setup` does not build it unless asked, nor does the test suite. Tagged
 * `drydock/jvm:<hash of its Dockerfile and base>` and `:latest`; rebuilt only when those change.
 */
export async function buildJvmImage(
  docker: Docker,
  progress: Progress = silentProgress,
): Promise<{ ref: string; built: boolean }> {
  let base: Docker.ImageInspectInfo;
  try {
    base = await docker.getImage(imageRef('base')).inspect();
  } catch {
    throw new DrydockError('drydock/base is not built', 'run drydock setup first', 'IMAGE_MISSING');
  }
  const dockerfile = readFileSync(`${JVM_DIR}Dockerfile`);
  const hash = createHash('sha256').update(dockerfile).update(base.Id).digest('hex').slice(0, 12);
  const ref = `drydock/jvm:${hash}`;
  const [name, tag] = JVM_IMAGE.split(':') as [string, string];
  const present = await docker
    .getImage(ref)
    .inspect()
    .then(() => true)
    .catch(() => false);
  if (!present) {
    progress.step(`image drydock/jvm: building (${hash}; Debian's JDK and Maven, a few hundred MB)`);
    const stream = await docker.buildImage(
      { context: JVM_DIR, src: ['Dockerfile'] },
      {
        t: ref,
        buildargs: { BASE_IMAGE: imageRef('base') },
        labels: { drydock: '1', 'drydock.image': 'jvm', 'drydock.inputs': hash },
        rm: true,
        forcerm: true,
        pull: false,
      },
    );
    await followBuild(docker, stream, (line) => {
      if (/^Step \d+\/\d+ :/.test(line))
        progress.detail(line.length > 120 ? `${line.slice(0, 117)}...` : line);
    }).catch((err: unknown) => {
      throw new DrydockError(
        `Building drydock/jvm failed: ${err instanceof Error ? err.message : String(err)}`,
        "check that Debian's package archive is reachable, then run drydock setup --jvm again",
        'IMAGE_BUILD_FAILED',
      );
    });
  } else progress.step(`image drydock/jvm: up to date (${hash})`);
  await docker.getImage(ref).tag({ repo: name, tag });
  return { ref, built: !present };
}
