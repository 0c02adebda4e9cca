// One instance as one Swarm replicated-job: its input travels as swarm configs (gzipped JSON,
// split under the 500 KB config limit) mounted into the task; its reservation is the instance's
// declared memory and CPUs, so Swarm places it on a node with that much unreserved capacity.
import type Docker from 'dockerode';
import { gzipSync } from 'node:zlib';
import type { Instance, PartialResources, Prediction } from '../harness/index.js';
import { CLUSTER_LABEL, clusterLabels, jobServiceName, type JobKind } from './labels.js';

/** Where a task finds its input files (input.0, input.1, …). */
export const INPUT_DIR = '/run/drydock-input';
const CONFIG_LIMIT = 400 * 1024;

export interface EvalJobOptions {
  timeoutMs: number;
  memoryBytes: number;
  cpus: number;
  /** The `--resources` entries for this instance's id and repository, so the worker resolves as locally. */
  overrides: [string, PartialResources][];
  runEmpty: boolean;
  namespace?: string;
}

export interface BatchJobOptions {
  /** The row as given, with `docker_image` naming the image in the swarm registry when drydock built it. */
  row: Record<string, unknown>;
  /** The scripted model's file content (SCRIPTED answers). */
  script: string;
  candidates?: number;
  timeoutMs?: number;
  setup?: string;
  testCmd?: string;
  /** The local `--script-dir`'s folder name: the worker's script folder gets it, so the model is named alike. */
  scriptDirName: string;
  namespace?: string;
}

export interface EnvbenchJobOptions {
  task: { repository: string; revision: string };
  /** The repository's git directory (history up to the revision), as an image in the swarm registry. */
  repoImage: string;
  /** The sandbox image of the repository's language, as pulled and as the worker tags it on its node. */
  envImage: { pull: string; as: string };
  network: 'none' | 'bridge';
  env?: Record<string, string>;
  timeoutMs: number;
  maxSteps?: number;
  /** The SCRIPTED model's file (name and content) for this repository; none: the rule-based baseline. */
  script?: { name: string; text: string };
}

export interface WorkerInput {
  v: 1;
  kind: JobKind;
  nonce: string;
  runId: string;
  instanceId: string;
  eval?: { instance: Instance; prediction: Prediction; options: EvalJobOptions };
  batch?: BatchJobOptions;
  envbench?: EnvbenchJobOptions;
}

/** The input as config payloads, each under the swarm's config size limit. */
export function inputChunks(input: WorkerInput): Buffer[] {
  const gz = gzipSync(Buffer.from(JSON.stringify(input), 'utf8'));
  const out: Buffer[] = [];
  for (let i = 0; i < gz.length; i += CONFIG_LIMIT) out.push(gz.subarray(i, i + CONFIG_LIMIT));
  return out.length ? out : [gz];
}

export interface JobPlacement {
  /** Swarm placement constraints (`node.role==worker`, `node.labels.x==y`). */
  constraints: string[];
  memoryBytes: number;
  cpus: number;
}

export interface SubmitJob {
  input: WorkerInput;
  attempt: number;
  image: string;
  placement: JobPlacement;
  /** The coordinator's run labels (owner pid/host) go on the service, for gc. */
  owner: string;
}

/** Creates the input configs and the replicated-job service; returns the service id and name. */
export async function submitJob(docker: Docker, job: SubmitJob): Promise<{ id: string; name: string }> {
  const { input } = job;
  const name = jobServiceName(input.runId, input.instanceId, job.attempt);
  const tags = {
    [CLUSTER_LABEL.run]: input.runId,
    [CLUSTER_LABEL.instance]: input.instanceId,
    [CLUSTER_LABEL.attempt]: String(job.attempt),
    [CLUSTER_LABEL.nonce]: input.nonce,
    [CLUSTER_LABEL.job]: input.kind,
    [CLUSTER_LABEL.memory]: String(job.placement.memoryBytes),
    [CLUSTER_LABEL.cpus]: String(job.placement.cpus),
  };
  const configs: { ConfigID: string; ConfigName: string; File: object }[] = [];
  const chunks = inputChunks(input);
  for (const [i, data] of chunks.entries()) {
    const cname = `${name}-in${i}`;
    // A config left by a coordinator killed between creating it and its service: replace it.
    await docker
      .getConfig(cname)
      .remove()
      .catch(() => {});
    const c = (await docker.createConfig({
      Name: cname,
      Labels: clusterLabels('input', tags),
      Data: data.toString('base64'),
    })) as { id?: string; ID?: string };
    configs.push({
      ConfigID: c.id ?? c.ID ?? '',
      ConfigName: cname,
      File: { Name: `${INPUT_DIR}/input.${i}`, UID: '0', GID: '0', Mode: 0o400 },
    });
  }
  const spec = {
    Name: name,
    Labels: clusterLabels('job', tags, job.owner),
    TaskTemplate: {
      ContainerSpec: {
        Image: job.image,
        Args: ['cluster', 'worker', '--input', INPUT_DIR],
        Env: [
          'DRYDOCK_NODE={{.Node.Hostname}}',
          'DRYDOCK_NODE_ID={{.Node.ID}}',
          ...(process.env.DRYDOCK_SESSION ? [`DRYDOCK_SESSION=${process.env.DRYDOCK_SESSION}`] : []),
        ],
        Labels: clusterLabels('worker', tags),
        // The worker drives its own node's engine: sandboxes are siblings of the worker container.
        Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Target: '/var/run/docker.sock' }],
        Configs: configs,
      },
      Resources: {
        Reservations: {
          NanoCPUs: Math.round(job.placement.cpus * 1e9),
          MemoryBytes: job.placement.memoryBytes,
        },
      },
      // The coordinator decides about retries (a lost node, a failed task): a retry is a new service.
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      Placement: { Constraints: job.placement.constraints },
      // The result comes back through the task's log: a driver the engine can read back.
      LogDriver: { Name: 'json-file', Options: { 'max-size': '200m' } },
    },
    Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } },
  };
  const created = (await docker.createService(spec as unknown as Docker.CreateServiceOptions)) as {
    id?: string;
    ID?: string;
  };
  return { id: created.id ?? created.ID ?? '', name };
}

/** Removes a job's service and its input configs; ignores what is already gone. */
export async function removeJob(docker: Docker, serviceName: string): Promise<void> {
  await docker
    .getService(serviceName)
    .remove()
    .catch(() => {});
  const cfgs = (await docker.listConfigs({ filters: { name: [`${serviceName}-in`] } })) as {
    ID: string;
    Spec?: { Name?: string };
  }[];
  for (const c of cfgs)
    if (c.Spec?.Name?.startsWith(`${serviceName}-in`))
      // A config is in use until the service's tasks are gone; the caller's sweep retries.
      await docker
        .getConfig(c.ID)
        .remove()
        .catch(() => {});
}
