// A swarm on one machine for tests and the benchmark: this engine as the manager, and
// docker-in-docker worker nodes (drydock/base plus Debian's docker.io) on a user-defined network,
// joined through its gateway. Everything made here carries `drydock.test-cluster=<id>` and
// `teardown()` removes it all, even after a failure, and leaves swarm mode if it entered it.
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pack } from 'tar-fs';
import { demux } from '../../src/cluster/index.js';
import { followBuild } from '../../src/sandbox/index.js';

export const NODE_IMAGE = 'drydock-test/swarm-node:latest';
const docker = new Docker();

export interface TestCluster {
  id: string;
  network: string;
  gateway: string;
  registryPort: number;
  /** Whether this cluster ran `swarm init` (then teardown leaves swarm mode). */
  initialized: boolean;
  networkCreated?: boolean;
  nodes: { name: string; containerId: string; volume: string; nodeId?: string }[];
  labels: Record<string, string>;
  /** A temporary folder holding the preloaded images' archive (removed by teardown). */
  preloadDir?: string;
  /** Seconds each start phase took (for the test's log and the benchmark). */
  timings: Record<string, number>;
  /** Each node engine's storage driver (`overlay2` shares image layers; `vfs` copies each one). */
  drivers: Record<string, string>;
}

/** Labels naming the process that made a cluster, so a later run can tell a dead run's leftovers from a live one. */
const CREATOR_PID = 'drydock.test-cluster.pid';
const CREATOR_HOST = 'drydock.test-cluster.host';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function execIn(containerId: string, cmd: string[]): Promise<{ code: number; out: string }> {
  const ex = await docker
    .getContainer(containerId)
    .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await ex.start({ hijack: true, stdin: false });
  let out = '';
  await new Promise<void>((resolve) => {
    const sink = new Writable({
      write(chunk: Buffer, _e, cb) {
        out += chunk.toString();
        cb();
      },
    });
    docker.modem.demuxStream(stream, sink, sink);
    stream.on('end', resolve);
    stream.on('close', resolve);
  });
  const info = await ex.inspect();
  return { code: info.ExitCode ?? -1, out };
}

/** Builds the worker-node image (drydock/base + docker.io from Debian's archive) when missing. */
export async function buildNodeImage(): Promise<void> {
  if (
    await docker
      .getImage(NODE_IMAGE)
      .inspect()
      .catch(() => null)
  )
    return;
  const ctx = mkdtempSync(join(tmpdir(), 'dd-swarm-node-'));
  try {
    writeFileSync(
      join(ctx, 'Dockerfile'),
      [
        'FROM drydock/base:latest',
        'USER root',
        'RUN apt-get update && apt-get install -y --no-install-recommends docker.io iptables && rm -rf /var/lib/apt/lists/*',
        'ENTRYPOINT []',
        '',
      ].join('\n'),
    );
    const stream = await docker.buildImage(pack(ctx), {
      t: NODE_IMAGE,
      labels: { drydock: '1', 'drydock.image': 'test-swarm-node' },
      rm: true,
      forcerm: true,
      pull: false,
    });
    await followBuild(docker, stream);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

const freePort = async (): Promise<number> => {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '0.0.0.0', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
};

/** A cluster record to fill; pass it to `startCluster`, and to `teardown` even when starting failed. */
export function newCluster(): TestCluster {
  const id = randomBytes(4).toString('hex');
  const labels: Record<string, string> = {
    drydock: '1',
    'drydock.test-cluster': id,
    [CREATOR_PID]: String(process.pid),
    [CREATOR_HOST]: hostname(),
    ...(process.env.DRYDOCK_SESSION ? { 'drydock.session': process.env.DRYDOCK_SESSION } : {}),
  };
  return {
    id,
    network: `drydock-swarm-${id}`,
    gateway: '',
    registryPort: 0,
    initialized: false,
    nodes: [],
    labels,
    timings: {},
    drivers: {},
  };
}

export interface StartOptions {
  /**
   * Local images every node gets before it joins, under the names nodes pull them by
   * (`<manager>:<port>/<ref>`): saved once here, loaded into each node from a read-only bind
   * of the archive. A node's pull of such an image then finds its config (the image id) at
   * home and fetches only the manifest from the swarm registry; without this each node pulled
   * about 1 GB through the registry (over ten minutes on a loaded 2-core machine).
   */
  preload?: string[];
  log?: (s: string) => void;
}

const since = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

/** Puts this engine in swarm mode (unless it is) and starts `workers` dind nodes that join it. */
export async function startCluster(
  c: TestCluster,
  workers: number,
  opts: StartOptions = {},
): Promise<TestCluster> {
  const log = opts.log ?? (() => {});
  const labels = c.labels;
  c.registryPort = await freePort();
  await buildNodeImage();
  const net = await docker.createNetwork({ Name: c.network, Driver: 'bridge', Labels: labels });
  c.networkCreated = true;
  const ni = (await net.inspect()) as { IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] } };
  c.gateway = ni.IPAM?.Config?.[0]?.Gateway ?? '';
  if (!c.gateway) throw new Error(`network ${c.network} has no gateway`);
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string } };
  if (info.Swarm?.LocalNodeState !== 'active') {
    await docker.swarmInit({
      ListenAddr: '0.0.0.0:2377',
      AdvertiseAddr: c.gateway,
      Spec: { Labels: labels },
    });
    c.initialized = true;
    log(`swarm initialized, manager at ${c.gateway}`);
  }
  const sw = (await docker.swarmInspect()) as { JoinTokens: { Worker: string } };
  const mgr = ((await docker.info()) as { Swarm: { NodeAddr: string } }).Swarm.NodeAddr;
  if (opts.preload?.length) {
    const t0 = performance.now();
    await saveImages(c, opts.preload, `${mgr}:${c.registryPort}`);
    c.timings.save_s = since(t0);
    log(`saved ${opts.preload.length} image(s) for the nodes in ${c.timings.save_s} s`);
  }
  const t0 = performance.now();
  // One after the other: two dockerds starting and loading at once on two cores time out.
  for (let i = 1; i <= workers; i++) await addNode(c, i, sw.JoinTokens.Worker, mgr, log);
  c.timings.nodes_s = since(t0);
  return c;
}

/** `docker save` of the refs, tagged as the nodes pull them, into a temporary archive. */
async function saveImages(c: TestCluster, refs: string[], registry: string): Promise<void> {
  c.preloadDir = mkdtempSync(join(tmpdir(), 'dd-swarm-preload-'));
  const names = refs.map((r) => `${registry}/${r.includes(':') ? r : `${r}:latest`}`);
  for (const [i, ref] of refs.entries()) {
    const at = names[i]!.lastIndexOf(':');
    await docker.getImage(ref).tag({ repo: names[i]!.slice(0, at), tag: names[i]!.slice(at + 1) });
  }
  try {
    // dockerode has `getImages` (GET /images/get, i.e. `docker save`) but its types do not.
    const save = docker as unknown as { getImages(o: { names: string[] }): Promise<NodeJS.ReadableStream> };
    const stream = await save.getImages({ names });
    await pipeline(stream, createWriteStream(join(c.preloadDir, 'images.tar')));
  } finally {
    for (const n of names)
      await docker
        .getImage(n)
        .remove({ noprune: true })
        .catch(() => {});
  }
}

/**
 * The node engine's storage driver. overlay2 is asked for first: its data root is a volume on the
 * host's disk (not the container's overlay), where overlay2 works, and it shares layers where vfs
 * (the engine's fallback when it cannot tell) copies every layer of every image and container.
 * `DRYDOCK_SWARM_NODE_DRIVER=auto` leaves the choice to the engine.
 */
const nodeDriver = () => process.env.DRYDOCK_SWARM_NODE_DRIVER ?? 'overlay2';

async function addNode(c: TestCluster, i: number, token: string, mgr: string, log: (s: string) => void) {
  const want = nodeDriver();
  let ct: Docker.Container;
  try {
    ct = await startNode(c, i, mgr, want === 'auto' ? null : want, log);
  } catch (err) {
    if (want === 'auto') throw err;
    log(
      `dd-node-${c.id}-${i}: dockerd did not start with --storage-driver=${want} (${(err as Error).message}); leaving the choice to dockerd`,
    );
    await dropNode(c, c.nodes.pop()!);
    ct = await startNode(c, i, mgr, null, log);
  }
  const name = c.nodes.at(-1)!.name;
  const driver = (await execIn(ct.id, ['docker', 'info', '--format', '{{.Driver}}'])).out.trim();
  c.drivers[name] = driver;
  log(`${name}: storage driver ${driver}`);
  if (c.preloadDir) {
    const t0 = performance.now();
    const l = await execIn(ct.id, ['docker', 'load', '-q', '-i', '/preload/images.tar']);
    if (l.code !== 0) throw new Error(`${name} could not load the preloaded images: ${l.out}`);
    const mb = Math.round(statSync(join(c.preloadDir, 'images.tar')).size / 2 ** 20);
    c.timings[`load_${i}_s`] = since(t0);
    log(`${name}: loaded ${mb} MiB of images in ${c.timings[`load_${i}_s`]} s`);
  }
  const j = await execIn(ct.id, ['docker', 'swarm', 'join', '--token', token, `${mgr}:2377`]);
  if (j.code !== 0) throw new Error(`${name} could not join the swarm: ${j.out}`);
  const r = await execIn(ct.id, ['docker', 'info', '--format', '{{.Swarm.NodeID}}']);
  c.nodes.at(-1)!.nodeId = r.out.trim();
  log(`${name} joined as ${r.out.trim()}`);
}

async function dropNode(c: TestCluster, n: TestCluster['nodes'][number]): Promise<void> {
  await docker
    .getContainer(n.containerId)
    .remove({ force: true, v: true })
    .catch(() => {});
  await docker
    .getVolume(n.volume)
    .remove()
    .catch(() => {});
}

/** Creates and starts a node's container and waits until its dockerd answers. */
async function startNode(
  c: TestCluster,
  i: number,
  mgr: string,
  driver: string | null,
  log: (s: string) => void,
): Promise<Docker.Container> {
  const name = `dd-node-${c.id}-${i}`;
  const volume = `${name}-data`;
  await docker.createVolume({ Name: volume, Labels: c.labels });
  const ct = await docker.createContainer({
    name,
    Hostname: name,
    Image: NODE_IMAGE,
    Labels: c.labels,
    Cmd: [
      'dockerd',
      '--host=unix:///var/run/docker.sock',
      `--insecure-registry=${mgr}:${c.registryPort}`,
      '--log-level=warn',
      ...(driver ? [`--storage-driver=${driver}`] : []),
    ],
    HostConfig: {
      CapAdd: ['ALL'],
      CapDrop: ['SYS_RESOURCE'],
      SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
      DeviceCgroupRules: ['a *:* rwm'],
      Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw', ...(c.preloadDir ? [`${c.preloadDir}:/preload:ro`] : [])],
      Mounts: [{ Type: 'volume', Source: volume, Target: '/var/lib/docker' }],
      NetworkMode: c.network,
    },
  } as Docker.ContainerCreateOptions);
  c.nodes.push({ name, containerId: ct.id, volume });
  await ct.start();
  // Under load, dockerd may give up waiting for its containerd and exit: start it again.
  for (let t = 0, restarts = 0; ; t++) {
    const state = (await ct.inspect()).State;
    if (!state.Running) {
      const tail = await nodeLogTail(ct);
      if (/storage.driver|overlay|graphdriver/i.test(tail)) throw new Error(tail);
      if (++restarts > 4)
        throw new Error(`dockerd in ${name} keeps exiting (code ${state.ExitCode}): ${tail}`);
      log(`${name}: dockerd exited (${state.ExitCode}), starting it again`);
      await ct.start();
      continue;
    }
    const r = await execIn(ct.id, ['docker', 'info', '--format', '{{.ServerVersion}}']).catch((e: Error) => ({
      code: -1,
      out: e.message,
    }));
    if (r.code === 0) return ct;
    if (t > 600) throw new Error(`dockerd in ${name} did not start: ${r.out}`);
    await wait(500);
  }
}

/** The last lines dockerd wrote (its container's log). */
async function nodeLogTail(ct: Docker.Container): Promise<string> {
  const buf = (await ct
    .logs({ stdout: true, stderr: true, tail: 5, follow: false })
    .catch(() => Buffer.from(''))) as Buffer;
  const { stdout, stderr } = demux(buf);
  return `${stdout}${stderr}`.trim().split('\n').slice(-3).join(' | ');
}

/** Kills a node's container (the machine dies: no leave, no drain). */
export async function killNode(c: TestCluster, nodeId: string): Promise<void> {
  const n = c.nodes.find((x) => x.nodeId === nodeId);
  if (n)
    await docker
      .getContainer(n.containerId)
      .kill()
      .catch(() => {});
}

/** Removes every node, node entry, volume and the network; leaves swarm mode if `startCluster` entered it. */
export async function teardown(c: TestCluster | undefined): Promise<string[]> {
  const problems: string[] = [];
  if (!c) return problems;
  const swallow = (what: string) => (e: unknown) => {
    const code = (e as { statusCode?: number }).statusCode;
    if (code !== 404) problems.push(`${what}: ${(e as Error).message}`);
  };
  for (const n of c.nodes)
    await docker.getContainer(n.containerId).remove({ force: true, v: true }).catch(swallow(n.name));
  for (const n of c.nodes) {
    if (!n.nodeId) continue;
    await docker
      .getNode(n.nodeId)
      .remove({ force: true })
      .catch(swallow(`node ${n.nodeId}`));
  }
  for (const n of c.nodes) await docker.getVolume(n.volume).remove().catch(swallow(n.volume));
  if (c.preloadDir) rmSync(c.preloadDir, { recursive: true, force: true });
  if (c.initialized) await docker.swarmLeave({ force: true }).catch(swallow('swarm leave'));
  if (c.networkCreated) await docker.getNetwork(c.network).remove().catch(swallow(c.network));
  if (c.initialized) {
    // swarm init made docker_gwbridge; leaving does not remove it.
    const gw = (await docker.listNetworks({ filters: { name: ['docker_gwbridge'] } })) as {
      Id: string;
      Containers?: object;
    }[];
    for (const g of gw)
      await docker
        .getNetwork(g.Id)
        .remove()
        .catch(() => {});
  }
  return problems;
}

const alive = (labels: Record<string, string> | undefined): boolean => {
  // A cluster without its creator's labels (made before they existed) cannot be judged: keep it.
  if (!labels?.[CREATOR_PID]) return true;
  if (labels[CREATOR_HOST] !== hostname()) return false;
  try {
    process.kill(Number(labels[CREATOR_PID]), 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes what earlier test clusters left when their process was killed before its teardown
 * (a CI job cancelled mid-run): their nodes, node entries, volumes and networks, and the swarm
 * itself (with drydock's services and configs in it) when one of them made it. A cluster whose
 * creating process still runs on this machine is left alone. Returns what it removed.
 */
export async function sweepStaleClusters(): Promise<string[]> {
  const removed: string[] = [];
  const label = { label: ['drydock.test-cluster'] };
  const dead = new Set<string>();
  const note = (l: Record<string, string> | undefined) => {
    const id = l?.['drydock.test-cluster'];
    if (id && !alive(l)) dead.add(id);
    return id && dead.has(id);
  };
  for (const ct of await docker.listContainers({ all: true, filters: label }))
    if (note(ct.Labels)) {
      await docker
        .getContainer(ct.Id)
        .remove({ force: true, v: true })
        .catch(() => {});
      removed.push(`container ${ct.Names?.[0] ?? ct.Id}`);
    }
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
  let swarmDead = false;
  if (info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable) {
    const sw = (await docker.swarmInspect()) as { Spec?: { Labels?: Record<string, string> } };
    swarmDead = Boolean(note(sw.Spec?.Labels));
    const nodes = (await docker.listNodes()) as {
      ID: string;
      Description?: { Hostname?: string };
      Status?: { State?: string };
    }[];
    for (const n of nodes) {
      const id = /^dd-node-([0-9a-f]{8})-\d+$/.exec(n.Description?.Hostname ?? '')?.[1];
      if (id && dead.has(id)) {
        await docker
          .getNode(n.ID)
          .remove({ force: true })
          .catch(() => {});
        removed.push(`node ${n.Description!.Hostname}`);
      }
    }
  }
  if (swarmDead) {
    // The swarm was a dead test's own: what drydock put in it goes with it.
    for (const s of (await docker.listServices({ filters: { label: ['drydock.cluster'] } })) as {
      ID: string;
    }[])
      await docker
        .getService(s.ID)
        .remove()
        .catch(() => {});
    await docker.swarmLeave({ force: true }).catch(() => {});
    removed.push('swarm mode');
    const gw = await docker.listNetworks({ filters: { name: ['docker_gwbridge'] } });
    for (const g of gw)
      await docker
        .getNetwork(g.Id)
        .remove()
        .catch(() => {});
    await docker
      .getVolume('drydock-registry-data')
      .remove()
      .catch(() => {});
  }
  for (const v of (await docker.listVolumes({ filters: label })).Volumes ?? [])
    if (note(v.Labels as Record<string, string>)) {
      await docker
        .getVolume(v.Name)
        .remove()
        .catch(() => {});
      removed.push(`volume ${v.Name}`);
    }
  for (const n of await docker.listNetworks({ filters: label }))
    if (note(n.Labels)) {
      await docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => {});
      removed.push(`network ${n.Name}`);
    }
  return removed;
}
