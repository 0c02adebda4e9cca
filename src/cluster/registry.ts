// Images drydock builds reach the nodes through a registry that runs in the swarm itself:
// Debian's docker-registry (in `drydock/registry`, built by `drydock setup --worker`) as a
// service pinned to the coordinator's node, on the host network (no routing mesh: it needs IPVS,
// which machines like this one lack). The coordinator pushes to it on loopback, which an engine
// trusts without TLS; the nodes pull `<manager address>:<port>/...`, which each node's engine
// must trust: `"insecure-registries": ["<manager>:<port>"]` in its daemon.json (or a CA in
// /etc/docker/certs.d). A node that cannot pull shows as a rejected task with the engine's
// message, which the coordinator prints with this fix.
import type Docker from 'dockerode';
import { DrydockError, type Progress, silentProgress } from '../core/index.js';
import { followBuild, imageRef, hasImage } from '../sandbox/index.js';
import { pack } from 'tar-fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterLabels, CLUSTER_LABEL, REGISTRY_SERVICE, REGISTRY_VOLUME, short } from './labels.js';

export const REGISTRY_IMAGE = 'drydock/registry';

const DOCKERFILE = (base: string) =>
  [
    `FROM ${base}`,
    'USER root',
    'RUN apt-get update && apt-get install -y --no-install-recommends docker-registry && rm -rf /var/lib/apt/lists/*',
    'COPY config.yml /etc/drydock-registry.yml',
    // Each service sets REGISTRY_HTTP_ADDR (and the cache REGISTRY_PROXY_REMOTEURL) in its env.
    'ENTRYPOINT ["/usr/bin/docker-registry", "serve", "/etc/drydock-registry.yml"]',
    '',
  ].join('\n');

const CONFIG = [
  'version: 0.1',
  'log:',
  '  level: warn',
  '  accesslog:',
  '    disabled: true',
  'storage:',
  '  filesystem:',
  '    rootdirectory: /var/lib/drydock-registry',
  '  delete:',
  '    enabled: true',
  'http:',
  '  addr: 127.0.0.1:5000',
  '',
].join('\n');

/** Builds `drydock/registry:latest` (Debian's docker-registry) unless an image of these inputs exists. */
export async function buildRegistryImage(
  docker: Docker,
  progress: Progress = silentProgress,
): Promise<{ ref: string; built: boolean }> {
  const base = imageRef('base');
  const baseId = (
    await docker
      .getImage(base)
      .inspect()
      .catch(() => null)
  )?.Id;
  if (!baseId) throw new DrydockError(`${base} is missing`, 'run `drydock setup` first', 'IMAGE_MISSING');
  const inputs = short(`${baseId}\0${DOCKERFILE(base)}\0${CONFIG}`, 16);
  const ref = `${REGISTRY_IMAGE}:latest`;
  const have = await docker
    .getImage(ref)
    .inspect()
    .catch(() => null);
  if (have?.Config?.Labels?.['drydock.inputs'] === inputs) return { ref, built: false };
  const ctx = mkdtempSync(join(tmpdir(), 'drydock-registry-'));
  try {
    writeFileSync(join(ctx, 'Dockerfile'), DOCKERFILE(base));
    writeFileSync(join(ctx, 'config.yml'), CONFIG);
    progress.detail(`building ${ref} (Debian's docker-registry)`);
    const stream = await docker.buildImage(pack(ctx), {
      t: ref,
      labels: { drydock: '1', 'drydock.image': 'registry', 'drydock.inputs': inputs },
      rm: true,
      forcerm: true,
      pull: false,
    });
    await followBuild(docker, stream);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
  return { ref, built: true };
}

export const DEFAULT_REGISTRY_PORT = 5000;

/** The registry's port from the machine's environment (DRYDOCK_REGISTRY_PORT), else 5000. */
export function registryPort(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.DRYDOCK_REGISTRY_PORT;
  return v && /^\d+$/.test(v) ? Number(v) : DEFAULT_REGISTRY_PORT;
}

/** Where the coordinator pushes (loopback) and the name prefix nodes pull by. */
export interface RegistryAddress {
  port: number;
  /** `<manager address>:<port>`: what every node pulls from. */
  pull: string;
}

interface RawService {
  ID: string;
  Spec?: {
    Name?: string;
    Labels?: Record<string, string>;
    TaskTemplate?: { ContainerSpec?: { Env?: string[] } };
  };
}

async function findService(docker: Docker, name: string): Promise<RawService | null> {
  const list = (await docker.listServices({ filters: { name: [name] } })) as RawService[];
  return list.find((s) => s.Spec?.Name === name) ?? null;
}

/** Starts the registry on `managerNodeId` (where its image and volume are) unless it runs; waits until it answers. */
export async function ensureRegistry(
  docker: Docker,
  opts: { managerNodeId: string; port: number; progress?: Progress },
): Promise<void> {
  const progress = opts.progress ?? silentProgress;
  const { port } = opts;
  const image = `${REGISTRY_IMAGE}:latest`;
  if (!(await hasImage(docker, image)))
    throw new DrydockError(
      `${image} is missing`,
      'run `drydock setup --worker` on this manager',
      'IMAGE_MISSING',
    );
  const portLabel = { [CLUSTER_LABEL.job]: String(port) };
  if (!(await findService(docker, REGISTRY_SERVICE))) {
    progress.detail(`starting the swarm registry ${REGISTRY_SERVICE} on port ${port}`);
    await docker.createService({
      Name: REGISTRY_SERVICE,
      Labels: clusterLabels('registry', portLabel),
      TaskTemplate: {
        ContainerSpec: {
          Image: image,
          Env: [`REGISTRY_HTTP_ADDR=0.0.0.0:${port}`],
          Labels: clusterLabels('registry'),
          Mounts: [
            {
              Type: 'volume',
              Source: REGISTRY_VOLUME,
              Target: '/var/lib/drydock-registry',
              VolumeOptions: { Labels: clusterLabels('registry') },
            },
          ],
        },
        Placement: { Constraints: [`node.id==${opts.managerNodeId}`] },
        Networks: [{ Target: 'host' }],
        RestartPolicy: { Condition: 'any', Delay: 1_000_000_000 },
      },
      Mode: { Replicated: { Replicas: 1 } },
    } as unknown as Docker.CreateServiceOptions);
  }
  await waitFor(`http://127.0.0.1:${port}/v2/`, 60_000, 'the swarm registry');
}

async function waitFor(url: string, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > until)
      throw new DrydockError(
        `${what} does not answer at ${url}`,
        'see `docker service ps drydock-registry`',
        'REGISTRY_DOWN',
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Pushes a local image to the registry (as `127.0.0.1:<port>/<name>`) and returns the name every
 * node pulls it by (`<manager>:<port>/<name>`). The temporary push tag is removed after.
 */
export async function pushToRegistry(docker: Docker, ref: string, reg: RegistryAddress): Promise<string> {
  const [repo, tag] = splitRef(ref);
  const pushRepo = `127.0.0.1:${reg.port}/${repo}`;
  await docker.getImage(ref).tag({ repo: pushRepo, tag });
  try {
    const stream = await docker
      .getImage(`${pushRepo}:${tag}`)
      .push({ authconfig: { username: '', password: '', serveraddress: `127.0.0.1:${reg.port}` } });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
        const bad = out?.find((e) => e.error);
        if (err || bad)
          reject(new Error(`pushing ${ref} to the swarm registry failed: ${err?.message ?? bad!.error}`));
        else resolve();
      }),
    );
  } finally {
    await docker
      .getImage(`${pushRepo}:${tag}`)
      .remove({ noprune: true })
      .catch(() => {});
  }
  return `${reg.pull}/${repo}:${tag}`;
}

const splitRef = (ref: string): [string, string] => {
  const at = ref.lastIndexOf(':');
  return at > ref.lastIndexOf('/') ? [ref.slice(0, at), ref.slice(at + 1)] : [ref, 'latest'];
};

/** Removes the registry service and its volume (what it stored goes with it). */
export async function removeRegistry(docker: Docker): Promise<void> {
  for (const name of [REGISTRY_SERVICE]) {
    const s = await findService(docker, name);
    if (s)
      await docker
        .getService(s.ID)
        .remove()
        .catch(() => {});
  }
  for (const v of [REGISTRY_VOLUME]) {
    for (let i = 0; i < 30; i++) {
      const gone = await docker
        .getVolume(v)
        .remove()
        .then(
          () => true,
          (e: { statusCode?: number }) => e.statusCode === 404,
        );
      if (gone) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
