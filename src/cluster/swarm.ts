// What the engine says about its swarm: whether this engine is a manager, its address, the nodes.
import type Docker from 'dockerode';
import { DrydockError } from '../core/index.js';

export interface SwarmInfo {
  nodeId: string;
  /** The address other nodes reach this manager at (its advertise address). */
  nodeAddr: string;
  managers: number;
  nodes: number;
}

export interface NodeView {
  id: string;
  hostname: string;
  role: 'manager' | 'worker';
  /** ready, down, unknown, disconnected. */
  state: string;
  availability: 'active' | 'pause' | 'drain';
  nanoCpus: number;
  memoryBytes: number;
  addr: string;
}

/** The swarm this engine manages; a one-line error saying what to do when it is not a manager. */
export async function swarmInfo(docker: Docker): Promise<SwarmInfo> {
  const info = (await docker.info()) as {
    Swarm?: {
      LocalNodeState?: string;
      ControlAvailable?: boolean;
      NodeID?: string;
      NodeAddr?: string;
      Managers?: number;
      Nodes?: number;
    };
  };
  const s = info.Swarm;
  if (!s || s.LocalNodeState !== 'active')
    throw new DrydockError(
      'this Docker engine is not in swarm mode',
      'run `docker swarm init` here (the coordinator runs on a manager), and `docker swarm join` on each worker machine',
      'NOT_A_SWARM',
    );
  if (!s.ControlAvailable)
    throw new DrydockError(
      'this Docker engine is a swarm worker, not a manager',
      'run drydock on a manager node (docker node ls works there)',
      'NOT_A_MANAGER',
    );
  return {
    nodeId: s.NodeID ?? '',
    nodeAddr: s.NodeAddr ?? '',
    managers: s.Managers ?? 0,
    nodes: s.Nodes ?? 0,
  };
}

interface RawNode {
  ID: string;
  Spec?: { Role?: string; Availability?: string };
  Description?: { Hostname?: string; Resources?: { NanoCPUs?: number; MemoryBytes?: number } };
  Status?: { State?: string; Addr?: string };
}

export async function listNodes(docker: Docker): Promise<NodeView[]> {
  const nodes = (await docker.listNodes()) as RawNode[];
  return nodes.map((n) => ({
    id: n.ID,
    hostname: n.Description?.Hostname ?? n.ID.slice(0, 12),
    role: n.Spec?.Role === 'manager' ? 'manager' : 'worker',
    state: n.Status?.State ?? 'unknown',
    availability: (n.Spec?.Availability ?? 'active') as NodeView['availability'],
    nanoCpus: n.Description?.Resources?.NanoCPUs ?? 0,
    memoryBytes: n.Description?.Resources?.MemoryBytes ?? 0,
    addr: n.Status?.Addr ?? '',
  }));
}

/** The default placement: on worker nodes when the swarm has any that can take work, else anywhere. */
export function defaultConstraints(nodes: NodeView[]): string[] {
  return nodes.some((n) => n.role === 'worker' && n.state === 'ready' && n.availability === 'active')
    ? ['node.role==worker']
    : [];
}
