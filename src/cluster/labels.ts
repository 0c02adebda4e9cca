// Names and labels of everything the swarm engine makes: services, configs, volumes, images.
// Every object carries `drydock=1` and `drydock.cluster=<kind>`, so status, gc and tests find
// exactly what drydock made and nothing else on a shared engine.
import { createHash } from 'node:crypto';
import { LABEL, ownerLabels, sessionLabels } from '../sandbox/index.js';

export const CLUSTER_LABEL = {
  kind: 'drydock.cluster',
  run: 'drydock.cluster.run',
  instance: 'drydock.cluster.instance',
  attempt: 'drydock.cluster.attempt',
  nonce: 'drydock.cluster.nonce',
  job: 'drydock.cluster.job',
  memory: 'drydock.cluster.memory',
  cpus: 'drydock.cluster.cpus',
} as const;

/** What a labelled object is: a job (one instance), its input, the registry, a node sweep, a shipped repository. */
export type ClusterKind = 'job' | 'input' | 'registry' | 'sweep' | 'worker' | 'repo';

/** The job kinds a worker runs. */
export type JobKind = 'eval' | 'batch' | 'envbench';

export const short = (s: string, n = 10) => createHash('sha256').update(s).digest('hex').slice(0, n);

/** Labels for an object of this kind; `owner` adds the coordinator process's pid/host (for gc). */
export function clusterLabels(
  kind: ClusterKind,
  extra: Record<string, string> = {},
  owner?: string,
): Record<string, string> {
  return {
    ...(owner ? ownerLabels(owner) : { [LABEL.marker]: '1', ...sessionLabels() }),
    [CLUSTER_LABEL.kind]: kind,
    ...extra,
  };
}

/** A service name (DNS-safe, <= 63 characters) for one attempt of one instance of a run. */
export const jobServiceName = (runId: string, instanceId: string, attempt: number) =>
  `drydock-${short(runId, 8)}-${short(instanceId, 12)}-a${attempt}`;

export const REGISTRY_SERVICE = 'drydock-registry';
export const REGISTRY_VOLUME = 'drydock-registry-data';
