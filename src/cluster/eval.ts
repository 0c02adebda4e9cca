// `drydock eval --engine swarm`: the same run as `evaluate`, with each pending instance graded by a
// worker on some node of the swarm. The coordinator builds drydock's images (it has the mirror),
// pushes them to the swarm registry, submits one job per instance, and writes each returned
// instance folder exactly where a local run writes it; the summary is made from those files.
import type Docker from 'dockerode';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DrydockError, type Progress, silentProgress } from '../core/index.js';
import {
  DEFAULT_RESOURCES,
  ensureImages,
  finished,
  finishRun,
  instanceDir,
  instanceResources,
  type EvalOptions,
  type EvalRun,
  type Instance,
  type InstanceResult,
  type Outcome,
  type Prediction,
} from '../harness/index.js';
import { dockerClient, hasImage } from '../sandbox/index.js';
import { FrameError, parseFrameJson, type FramePayload } from './frames.js';
import { runJobs, type Job } from './jobs.js';
import { ensureRegistry, pushToRegistry, registryPort, type RegistryAddress } from './registry.js';
import { defaultConstraints, listNodes, swarmInfo } from './swarm.js';
import { workerImageRef } from './worker-image.js';

export interface SwarmOptions {
  /** Placement constraints for every job; default `node.role==worker` when the swarm has workers. */
  constraints?: string[];
  registryPort?: number;
  maxInFlight?: number;
  pollMs?: number;
  /** The worker image (default: this checkout's `drydock/worker:<version>`). */
  workerImage?: string;
  onResult?: (instanceId: string, meta: Record<string, unknown>) => void;
}

/** The files an evaluation writes per instance; a worker may send these and nothing else. */
export const EVAL_FILES = [
  'report.json',
  'test_output.txt',
  'print_output.txt',
  'patch.diff',
  'eval.sh',
  'apply_output.txt',
  'test_status.json',
  'run_instance.log',
  'result.json',
];
const OUTCOMES: Outcome[] = ['resolved', 'unresolved', 'empty_patch', 'apply_failed', 'error'];

/** Where a run's coordinator events go: beside the run folder, so the instance folders match a local run's. */
export const eventsPath = (out: string, runId: string) => join(out, `${runId}.cluster`, 'events.jsonl');

/** The swarm, the registry and the worker image, ready for a run. */
export async function prepareSwarm(
  docker: Docker,
  opts: { registryPort?: number; workerImage?: string; constraints?: string[]; progress?: Progress },
): Promise<{ reg: RegistryAddress; image: string; constraints: string[] }> {
  const progress = opts.progress ?? silentProgress;
  const sw = await swarmInfo(docker);
  const port = opts.registryPort ?? registryPort();
  await ensureRegistry(docker, { managerNodeId: sw.nodeId, port, progress });
  const reg = { port, pull: `${sw.nodeAddr}:${port}` };
  const local = opts.workerImage ?? workerImageRef();
  if (!(await hasImage(docker, local)))
    throw new DrydockError(
      `the worker image ${local} is missing`,
      'run `drydock setup --worker` on this manager (it builds drydock itself into the worker image)',
      'IMAGE_MISSING',
    );
  const image = await pushToRegistry(docker, local, reg);
  const constraints = opts.constraints ?? defaultConstraints(await listNodes(docker));
  progress.detail(
    `swarm: ${sw.nodes} node(s), worker image ${image}, placement ${constraints.join(', ') || 'any node'}`,
  );
  return { reg, image, constraints };
}

/**
 * One run of an `--engine swarm` command (eval, run-batch, envbench run): the swarm, registry and
 * worker image made ready (`prepareSwarm`), one job per item (`makeJob` gets the registry to push
 * to and the placement), then the coordinator's loop until each job is collected or failed.
 */
export async function runOnSwarm<T>(
  docker: Docker,
  items: T[],
  makeJob: (item: T, swarm: { reg: RegistryAddress; constraints: string[] }) => Job,
  run: { runId: string; eventsPath: string; progress: Progress },
  opts: SwarmOptions,
): Promise<void> {
  const { reg, image, constraints } = await prepareSwarm(docker, { ...opts, progress: run.progress });
  await runJobs(
    docker,
    items.map((item) => makeJob(item, { reg, constraints })),
    {
      runId: run.runId,
      image,
      eventsPath: run.eventsPath,
      maxInFlight: opts.maxInFlight,
      pollMs: opts.pollMs,
      progress: run.progress,
      onResult: opts.onResult,
    },
  );
}

function readResult(dir: string): InstanceResult | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as InstanceResult;
  } catch {
    return null;
  }
}

/** Checks a worker's files as data and writes them into `dir`, result.json last. */
export function writeEvalFiles(dir: string, instanceId: string, p: FramePayload): void {
  const result = parseFrameJson(p, 'result.json') as Partial<InstanceResult>;
  if (result.instance_id !== instanceId)
    throw new FrameError(`result.json is for ${String(result.instance_id)}, not ${instanceId}`);
  if (!OUTCOMES.includes(result.outcome as Outcome))
    throw new FrameError(`result.json has outcome ${String(result.outcome)}`);
  if (p.files['report.json']) {
    const report = parseFrameJson(p, 'report.json') as Record<string, unknown>;
    const keys = Object.keys(report);
    if (keys.length !== 1 || keys[0] !== instanceId)
      throw new FrameError("report.json is not this instance's");
  }
  mkdirSync(dir, { recursive: true });
  for (const f of EVAL_FILES) rmSync(join(dir, f), { force: true });
  for (const [name, data] of Object.entries(p.files))
    if (name !== 'result.json') writeFileSync(join(dir, name), data);
  writeFileSync(join(dir, 'result.json.tmp'), p.files['result.json']!);
  renameSync(join(dir, 'result.json.tmp'), join(dir, 'result.json'));
}

/** `evaluate` with each instance run as a Swarm job; same inputs, same files, same summary. */
export async function evaluateOnSwarm(
  instances: Instance[],
  predictions: Map<string, Prediction>,
  opts: EvalOptions & SwarmOptions,
): Promise<EvalRun> {
  const progress = opts.progress ?? silentProgress;
  const docker = opts.docker ?? dockerClient();
  const todo = instances.filter((i) => predictions.has(i.instance_id));
  const modelOf = (i: Instance) => predictions.get(i.instance_id)!.model_name_or_path;
  const dirOf = (i: Instance) => instanceDir(opts, modelOf(i), i.instance_id);
  const skipped: string[] = [];
  const pending: Instance[] = [];
  // Resume as a local run does: a result other than an error is kept.
  for (const inst of todo) {
    if (finished(opts, modelOf(inst), inst.instance_id)) skipped.push(inst.instance_id);
    else pending.push(inst);
  }
  if (skipped.length)
    progress.detail(`resuming: ${skipped.length} instance(s) already finished in run ${opts.runId}`);
  let done = skipped.length;
  const overrides = opts.resourceOverrides ?? new Map();
  const makeJob = (
    inst: Instance,
    { reg, constraints }: { reg: RegistryAddress; constraints: string[] },
  ): Job => {
    const res = instanceResources(inst, opts);
    const pred = predictions.get(inst.instance_id)!;
    const dir = dirOf(inst);
    return {
      instanceId: inst.instance_id,
      placement: { constraints, memoryBytes: res.memoryBytes, cpus: res.cpus },
      limits: {
        allow: (n) => EVAL_FILES.includes(n),
        maxFileBytes: 256 * 2 ** 20,
        maxTotalBytes: 512 * 2 ** 20,
      },
      async prepare() {
        let shipped = inst;
        // An empty prediction is not run (as locally): no image is needed for it.
        const empty = pred.model_patch === null || pred.model_patch === '';
        if (!inst.image && !(empty && !opts.runEmpty)) {
          // Held while it is pushed: another run's cleanup may remove the same harness image.
          const im = await ensureImages(docker, inst, { reposDir: opts.reposDir, progress, hold: true });
          try {
            shipped = { ...inst, image: await pushToRegistry(docker, im.instanceRef, reg) };
          } finally {
            await im.release?.();
          }
        }
        return {
          v: 1,
          kind: 'eval',
          runId: opts.runId,
          instanceId: inst.instance_id,
          eval: {
            instance: shipped,
            prediction: pred,
            options: {
              timeoutMs: opts.timeoutMs ?? 30 * 60_000,
              memoryBytes: opts.memoryBytes ?? DEFAULT_RESOURCES.memoryBytes,
              cpus: opts.cpus ?? DEFAULT_RESOURCES.cpus,
              overrides: [inst.instance_id, inst.repo]
                .filter((k) => overrides.has(k))
                .map((k) => [k, overrides.get(k)!]),
              runEmpty: opts.runEmpty === true,
              namespace: opts.namespace,
            },
          },
        };
      },
      accept(p) {
        writeEvalFiles(dir, inst.instance_id, p);
        done++;
        const r = readResult(dir)!;
        progress.step(
          `${done}/${todo.length} done — ${inst.instance_id}: ${r.outcome}${r.reason ? ` (${r.reason.split('\n')[0]})` : ''} on ${String(p.meta.node)}`,
        );
      },
      fail(reason) {
        mkdirSync(dir, { recursive: true });
        const r: InstanceResult = {
          instance_id: inst.instance_id,
          outcome: 'error',
          reason,
          images: null,
          timings: { imagesMs: 0, openMs: 0, applyMs: 0, testMs: 0, totalMs: 0, cmdsMs: 0 },
        };
        writeFileSync(
          join(dir, 'run_instance.log'),
          `[${new Date().toISOString()}] outcome: error (${reason})\n`,
        );
        writeFileSync(join(dir, 'result.json'), JSON.stringify(r, null, 2));
        done++;
        progress.step(`${done}/${todo.length} done — ${inst.instance_id}: error (${reason})`);
      },
    };
  };
  await runOnSwarm(
    docker,
    pending,
    makeJob,
    { runId: opts.runId, eventsPath: eventsPath(opts.out, opts.runId), progress },
    opts,
  );
  const results = todo.map((i) => readResult(dirOf(i))).filter((r): r is InstanceResult => r !== null);
  return finishRun(instances, predictions, results, skipped, opts);
}
