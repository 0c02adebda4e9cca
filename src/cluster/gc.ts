// `drydock sandbox gc --engine swarm`: what a dead run left in the swarm. On the manager: the job
// services and input configs of runs whose coordinator is gone. On every node: sandboxes whose
// worker container is gone (a global job of the worker image sweeps each node's engine and
// reports what it removed as a result frame in its log).
import type Docker from 'dockerode';
import { createHash, randomBytes } from 'node:crypto';
import { type Progress, silentProgress } from '../core/index.js';
import { LABEL, ownerAlive } from '../sandbox/index.js';
import { prepareSwarm } from './eval.js';
import { decodeFrames, encodeFrames } from './frames.js';
import { removeJob } from './job.js';
import { serviceLog } from './jobs.js';
import { CLUSTER_LABEL, clusterLabels } from './labels.js';

export interface SwarmGcReport {
  servicesRemoved: string[];
  configsRemoved: string[];
  /** Per node: sandbox containers removed, or why the node could not be swept. */
  nodes: { node: string; containersRemoved: string[]; error?: string }[];
  kept: number;
}

interface Labelled {
  ID: string;
  Spec?: { Name?: string; Labels?: Record<string, string> };
}

/** Removes services and configs of runs whose coordinator process is gone (never a live run's). */
export async function gcRuns(docker: Docker): Promise<Omit<SwarmGcReport, 'nodes'>> {
  const report = { servicesRemoved: [] as string[], configsRemoved: [] as string[], kept: 0 };
  const configs = (await docker.listConfigs({ filters: { label: [CLUSTER_LABEL.kind] } })) as Labelled[];
  const owners = new Map<string, Record<string, string>>();
  for (const c of configs)
    if (c.Spec?.Labels?.[CLUSTER_LABEL.job] === 'owner')
      owners.set(c.Spec.Labels[CLUSTER_LABEL.run] ?? '', c.Spec.Labels);
  const dead = (run: string) => !ownerAlive(owners.get(run));
  const services = (await docker.listServices({
    filters: { label: [`${CLUSTER_LABEL.kind}=job`] },
  })) as Labelled[];
  for (const s of services) {
    const run = s.Spec?.Labels?.[CLUSTER_LABEL.run] ?? '';
    if (!dead(run)) {
      report.kept++;
      continue;
    }
    await removeJob(docker, s.Spec!.Name!);
    report.servicesRemoved.push(s.Spec!.Name!);
  }
  for (const c of configs) {
    const run = c.Spec?.Labels?.[CLUSTER_LABEL.run] ?? '';
    if (!dead(run)) continue;
    const ok = await docker
      .getConfig(c.ID)
      .remove()
      .then(
        () => true,
        () => false,
      );
    if (ok) report.configsRemoved.push(c.Spec?.Name ?? c.ID);
  }
  return report;
}

/** On one node: sandboxes whose owner was a worker container (its id as hostname) that is gone or stopped. */
export async function sweepNode(docker: Docker): Promise<string[]> {
  const removed: string[] = [];
  const sandboxes = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL.marker}=1`, LABEL.pid] },
  });
  for (const c of sandboxes) {
    const host = c.Labels?.[LABEL.host] ?? '';
    // Only what a container-hosted drydock made: its owner's hostname is that container's id.
    if (!/^[0-9a-f]{12}$/.test(host)) continue;
    const owner = await docker
      .getContainer(host)
      .inspect()
      .catch(() => null);
    if (owner?.State?.Running) continue;
    await docker
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .then(() => removed.push(c.Id.slice(0, 12)))
      .catch(() => {});
  }
  return removed;
}

/** The sweep's worker side: sweeps this node and prints the list as a frame. */
export async function runSweep(docker: Docker, nonce: string, emit: (l: string) => void): Promise<void> {
  const removed = await sweepNode(docker);
  for (const l of encodeFrames(nonce, { files: {}, meta: { node: process.env.DRYDOCK_NODE ?? '', removed } }))
    emit(l);
}

/** Sweeps every node with a global job of the worker image (`image` as nodes pull it). */
export async function sweepNodes(
  docker: Docker,
  image: string,
  opts: { timeoutMs?: number; progress?: Progress } = {},
): Promise<SwarmGcReport['nodes']> {
  const progress = opts.progress ?? silentProgress;
  const nonce = randomBytes(12).toString('hex');
  const name = `drydock-sweep-${nonce.slice(0, 8)}`;
  await docker.createService({
    Name: name,
    Labels: clusterLabels('sweep'),
    TaskTemplate: {
      ContainerSpec: {
        Image: image,
        Args: ['cluster', 'sweep', '--nonce', nonce],
        Env: ['DRYDOCK_NODE={{.Node.Hostname}}'],
        Labels: clusterLabels('sweep'),
        Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Target: '/var/run/docker.sock' }],
      },
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      LogDriver: { Name: 'json-file' },
    },
    Mode: { GlobalJob: {} },
  } as unknown as Docker.CreateServiceOptions);
  const out: SwarmGcReport['nodes'] = [];
  try {
    const end = Date.now() + (opts.timeoutMs ?? 180_000);
    type T = { NodeID?: string; Status?: { State?: string; Err?: string } };
    let tasks: T[] = [];
    for (;;) {
      tasks = (await docker.listTasks({ filters: { service: [name] } })) as T[];
      const busy = tasks.filter(
        (t) => !['complete', 'failed', 'rejected', 'shutdown', 'orphaned'].includes(t.Status?.State ?? ''),
      );
      if ((tasks.length && !busy.length) || Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const nodes = (await docker.listNodes()) as {
      ID: string;
      Description?: { Hostname?: string };
      Status?: { State?: string };
    }[];
    const log = await serviceLog(docker, name).catch(() => ({ stdout: '', stderr: '' }));
    for (const n of nodes) {
      const t = tasks.find((x) => x.NodeID === n.ID);
      const host = n.Description?.Hostname ?? n.ID;
      if (!t || t.Status?.State !== 'complete') {
        out.push({
          node: host,
          containersRemoved: [],
          error: t ? `sweep ${t.Status?.State}: ${t.Status?.Err ?? ''}` : `node is ${n.Status?.State}`,
        });
      }
    }
    // Every completed task printed one frame with the same nonce; decode them one by one.
    for (const frame of splitFrames(log.stdout, nonce)) {
      try {
        const p = decodeFrames(frame, nonce, { allow: () => false, maxFileBytes: 0, maxTotalBytes: 1 << 20 });
        const removed = Array.isArray(p.meta.removed) ? p.meta.removed.map(String) : [];
        out.push({ node: String(p.meta.node), containersRemoved: removed });
      } catch (err) {
        progress.detail(`a node's sweep result could not be read: ${(err as Error).message}`);
      }
    }
  } finally {
    await docker
      .getService(name)
      .remove()
      .catch(() => {});
  }
  return out;
}

/**
 * The log holds one frame per node, their lines interleaved. A sweep frame is one chunk (no
 * files), so each END line is paired with the chunk whose digest it names.
 */
function splitFrames(log: string, nonce: string): string[] {
  const chunks = new Map<string, string>();
  const ends: string[] = [];
  for (const line of log.split('\n')) {
    const at = line.indexOf(`DRYDOCK-FRAME ${nonce} 0 `);
    if (at >= 0) {
      const l = line.slice(at);
      chunks.set(
        createHash('sha256')
          .update(l.split(' ')[3] ?? '')
          .digest('hex'),
        l,
      );
    }
    const e = line.indexOf(`DRYDOCK-FRAME-END ${nonce} `);
    if (e >= 0) ends.push(line.slice(e));
  }
  return ends.flatMap((end) => {
    const c = chunks.get(end.split(' ')[3] ?? '');
    return c ? [`${c}\n${end}`] : [];
  });
}

/** The whole swarm gc: dead runs' services and configs, then a sweep of every node. */
export async function gcSwarm(docker: Docker, progress: Progress = silentProgress): Promise<SwarmGcReport> {
  const runs = await gcRuns(docker);
  const { image } = await prepareSwarm(docker, { progress });
  const nodes = await sweepNodes(docker, image, { progress });
  return { ...runs, nodes };
}
