// `drydock cluster status`: the nodes with their capacity and what drydock's jobs reserve on
// each, and every run's running and queued instances, read from the engine alone.
import type Docker from 'dockerode';
import { CLUSTER_LABEL } from './labels.js';
import { listNodes, swarmInfo, type NodeView } from './swarm.js';

export interface NodeStatus extends NodeView {
  /** CPUs and memory reserved by drydock's running tasks on this node. */
  reservedCpus: number;
  reservedMemoryBytes: number;
  running: string[];
}

export interface RunStatus {
  runId: string;
  running: { instance: string; node: string; attempt: number }[];
  /** Submitted, not yet placed (Swarm's reason when it says one, e.g. insufficient resources). */
  queued: { instance: string; why: string }[];
}

export interface ClusterStatus {
  manager: string;
  nodes: NodeStatus[];
  runs: RunStatus[];
}

interface RawTask {
  NodeID?: string;
  ServiceID?: string;
  Status?: { State?: string; Err?: string };
}

const PLACED = new Set(['assigned', 'accepted', 'preparing', 'ready', 'starting', 'running']);

export async function clusterStatus(docker: Docker): Promise<ClusterStatus> {
  const sw = await swarmInfo(docker);
  const nodes: NodeStatus[] = (await listNodes(docker)).map((n) => ({
    ...n,
    reservedCpus: 0,
    reservedMemoryBytes: 0,
    running: [],
  }));
  const services = (await docker.listServices({ filters: { label: [`${CLUSTER_LABEL.kind}=job`] } })) as {
    ID: string;
    Spec?: { Labels?: Record<string, string> };
  }[];
  const runs = new Map<string, RunStatus>();
  // A job's task wants `complete`, not `running`: list each service's tasks, finished ones left out.
  const tasks: RawTask[] = [];
  for (const s of services)
    tasks.push(
      ...((await docker.listTasks({ filters: { service: [s.ID] } })) as RawTask[]).map((t) => ({
        ...t,
        ServiceID: s.ID,
      })),
    );
  for (const s of services) {
    const l = s.Spec?.Labels ?? {};
    const runId = l[CLUSTER_LABEL.run] ?? '?';
    const run = runs.get(runId) ?? { runId, running: [], queued: [] };
    runs.set(runId, run);
    const instance = l[CLUSTER_LABEL.instance] ?? '?';
    const mine = tasks.filter((t) => t.ServiceID === s.ID);
    const placed = mine.find((t) => PLACED.has(t.Status?.State ?? ''));
    if (placed) {
      const node = nodes.find((n) => n.id === placed.NodeID);
      run.running.push({
        instance,
        node: node?.hostname ?? placed.NodeID ?? '?',
        attempt: Number(l[CLUSTER_LABEL.attempt] ?? 1),
      });
      if (node) {
        node.reservedCpus += Number(l[CLUSTER_LABEL.cpus] ?? 0);
        node.reservedMemoryBytes += Number(l[CLUSTER_LABEL.memory] ?? 0);
        node.running.push(instance);
      }
    } else if (mine.length) {
      run.queued.push({
        instance,
        why: mine.find((t) => t.Status?.Err)?.Status?.Err ?? 'waiting for a node',
      });
    }
  }
  return { manager: sw.nodeAddr, nodes, runs: [...runs.values()] };
}

const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;

export function formatStatus(s: ClusterStatus): string {
  const lines = [`Swarm manager ${s.manager}: ${s.nodes.length} node(s)`, ''];
  lines.push('NODE                 ROLE     STATE  AVAIL   CPUS (RESERVED)  MEMORY (RESERVED)       RUNNING');
  for (const n of s.nodes)
    lines.push(
      [
        n.hostname.padEnd(20),
        n.role.padEnd(8),
        n.state.padEnd(6),
        n.availability.padEnd(7),
        `${n.nanoCpus / 1e9} (${n.reservedCpus})`.padEnd(16),
        `${gib(n.memoryBytes)} (${gib(n.reservedMemoryBytes)})`.padEnd(23),
        String(n.running.length),
      ].join(' '),
    );
  if (!s.runs.length) lines.push('', 'No drydock jobs in the swarm.');
  for (const r of s.runs) {
    lines.push('', `Run ${r.runId}: ${r.running.length} running, ${r.queued.length} queued`);
    for (const x of r.running)
      lines.push(`  running  ${x.instance} on ${x.node}${x.attempt > 1 ? ` (attempt ${x.attempt})` : ''}`);
    for (const x of r.queued) lines.push(`  queued   ${x.instance}: ${x.why}`);
  }
  return lines.join('\n') + '\n';
}
