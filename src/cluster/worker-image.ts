// The worker image: drydock itself (this checkout's compiled dist, its production node_modules,
// policies and prompts) on drydock/base's own Node.js, tagged with a version that pins the code:
// the package version plus a hash of dist and the lockfile. The coordinator computes the same
// tag from its own files, so a node never runs a drydock other than the coordinator's.
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pack } from 'tar-fs';
import { DrydockError, type Progress, silentProgress } from '../core/index.js';
import { followBuild, imageRef, hasImage } from '../sandbox/index.js';

export const WORKER_REPO = 'drydock/worker';
/** Where the app lives inside the worker image. */
export const WORKER_APP = '/opt/drydock-app';

/** The checkout this code runs from (dist/cluster or src/cluster → two levels up). */
export const appRoot = () => fileURLToPath(new URL('../../', import.meta.url));

function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** `<package version>-<hash of dist + package-lock.json>`; an error naming the fix when dist is missing. */
export function workerVersion(root = appRoot()): string {
  const dist = join(root, 'dist');
  if (!existsSync(join(dist, 'cli', 'main.js')))
    throw new DrydockError(
      `${dist} is not built`,
      'run `npm run build` in this checkout first (the worker image is made from the compiled code)',
      'NOT_BUILT',
    );
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const h = createHash('sha256');
  for (const f of walk(dist))
    h.update(f)
      .update('\0')
      .update(readFileSync(join(dist, f)))
      .update('\0');
  if (existsSync(join(root, 'package-lock.json'))) h.update(readFileSync(join(root, 'package-lock.json')));
  return `${pkg.version}-${h.digest('hex').slice(0, 12)}`;
}

export const workerImageRef = (root = appRoot()) => `${WORKER_REPO}:${workerVersion(root)}`;

/** Top-level production packages from package-lock.json (nested ones come with their parent). */
function productionPackages(root: string): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages?: Record<string, { dev?: boolean }>;
  };
  return Object.entries(lock.packages ?? {})
    .filter(([k, v]) => k.startsWith('node_modules/') && k.split('node_modules/').length === 2 && !v.dev)
    .map(([k]) => k)
    .filter((k) => existsSync(join(root, k)));
}

const DOCKERFILE = (base: string) =>
  [
    `FROM ${base}`,
    'USER root',
    // Static bash and busybox: the sandbox runtime volume is filled from them on each node.
    'RUN apt-get update && apt-get install -y --no-install-recommends bash-static busybox-static && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin',
    // Packages first: they change rarely, so a code change rebuilds and ships only the last layer.
    `COPY modules/ ${WORKER_APP}/`,
    `COPY app/ ${WORKER_APP}/`,
    'WORKDIR /',
    `ENTRYPOINT ["/opt/drydock/node/bin/node", "${WORKER_APP}/bin/drydock.js"]`,
    '',
  ].join('\n');

/** Builds `drydock/worker:<version>` from this checkout unless it exists. */
export async function buildWorkerImage(
  docker: Docker,
  progress: Progress = silentProgress,
  root = appRoot(),
): Promise<{ ref: string; built: boolean }> {
  const ref = workerImageRef(root);
  if (await hasImage(docker, ref)) return { ref, built: false };
  const base = imageRef('base');
  if (!(await hasImage(docker, base)))
    throw new DrydockError(`${base} is missing`, 'run `drydock setup` first', 'IMAGE_MISSING');
  const ctx = mkdtempSync(join(tmpdir(), 'drydock-worker-'));
  try {
    const app = join(ctx, 'app');
    mkdirSync(app);
    for (const p of ['bin', 'dist', 'policies', 'prompts', 'package.json'])
      if (existsSync(join(root, p)))
        cpSync(join(root, p), join(app, p), { recursive: true, dereference: true });
    const pkgs = productionPackages(root);
    for (const p of pkgs)
      cpSync(join(root, p), join(ctx, 'modules', p), { recursive: true, dereference: true });
    writeFileSync(join(ctx, 'Dockerfile'), DOCKERFILE(base));
    progress.detail(`building ${ref} (dist and ${pkgs.length} production packages)`);
    const stream = await docker.buildImage(pack(ctx), {
      t: ref,
      labels: { drydock: '1', 'drydock.image': 'worker', 'drydock.version': ref.split(':')[1]! },
      rm: true,
      forcerm: true,
      pull: false,
    });
    await followBuild(docker, stream);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
  // Older versions' worker images are stale (about 250 MB each above drydock/base): removed
  // unless a container still uses one (the engine refuses then).
  const old = await docker.listImages({ filters: { reference: [`${WORKER_REPO}:*`] } });
  for (const img of old)
    for (const tag of img.RepoTags ?? [])
      if (tag !== ref && tag.startsWith(`${WORKER_REPO}:`))
        await docker
          .getImage(tag)
          .remove()
          .catch(() => {});
  return { ref, built: true };
}
