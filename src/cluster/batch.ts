// `drydock run-batch --engine swarm`: `drydock fix` on each instance as a Swarm job. The worker
// runs `runBatch` on that one row (in the instance's image, pulled from the swarm registry when
// drydock built it), and sends back the instance's folder and its prediction; the coordinator
// writes them where a local run-batch does and keeps the predictions file the same way.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DrydockError } from '../core/index.js';
import {
  ensureImages,
  loadDataset,
  predictionModelName,
  PredictionsFile,
  type BatchOptions,
  type BatchResult,
  type Instance,
  type Prediction,
} from '../harness/index.js';
import { dockerClient } from '../sandbox/index.js';
import { runOnSwarm, type SwarmOptions } from './eval.js';
import { FrameError, parseFrameJson } from './frames.js';
import type { Job } from './jobs.js';
import { pushToRegistry, type RegistryAddress } from './registry.js';

export async function runBatchOnSwarm(
  opts: BatchOptions & SwarmOptions & { runId?: string },
): Promise<BatchResult> {
  const progress = opts.progress ?? (() => {});
  const say = { step: progress, detail: progress };
  if (!opts.scriptDir)
    throw new DrydockError(
      'run-batch --engine swarm runs with --script-dir (SCRIPTED answers) only so far',
      'a model endpoint needs its API key sent to the workers as a swarm secret, which is not built; run with --engine local',
      'NOT_BUILT',
    );
  if (!existsSync(opts.scriptDir))
    throw new DrydockError(
      `--script-dir ${opts.scriptDir} does not exist`,
      'point it at a folder of <instance_id>.yaml scripts',
    );
  let instances = loadDataset(opts.dataset).instances;
  if (opts.instances?.length) {
    const wanted = new Set(opts.instances);
    instances = instances.filter((i) => wanted.has(i.instance_id));
  }
  const docker = dockerClient();
  const runsDir = resolve(opts.runsDir ?? `${opts.out.replace(/\.jsonl$/, '')}.runs`);
  mkdirSync(dirname(resolve(opts.out)), { recursive: true });
  const scriptDirName = basename(resolve(opts.scriptDir));
  const model = predictionModelName(`scripted-${scriptDirName}`);
  const store = new PredictionsFile(opts.out);
  const result: BatchResult = { predictions: [], errors: [], runsDir };
  const runId = opts.runId ?? `batch-${basename(resolve(opts.out)).replace(/\.jsonl$/, '')}`;
  const got = new Map<string, Prediction>();
  const makeJob = (
    inst: Instance,
    { reg, constraints }: { reg: RegistryAddress; constraints: string[] },
  ): Job => ({
    instanceId: inst.instance_id,
    placement: { constraints, memoryBytes: opts.memoryBytes ?? 4 * 1024 ** 3, cpus: 2 },
    limits: {
      allow: (n) => n === 'prediction.json' || n.startsWith('runs/'),
      maxFileBytes: 256 * 2 ** 20,
      maxTotalBytes: 512 * 2 ** 20,
    },
    async prepare() {
      const script = join(opts.scriptDir!, `${inst.instance_id}.yaml`);
      if (!existsSync(script))
        throw new DrydockError(`no script for ${inst.instance_id} in ${opts.scriptDir}`, `write ${script}`);
      let row = inst.raw as Record<string, unknown>;
      if (!inst.image) {
        // Held while it is pushed: another run's cleanup may remove the same harness image.
        const im = await ensureImages(docker, inst, { reposDir: opts.reposDir, hold: true });
        try {
          row = { ...row, docker_image: await pushToRegistry(docker, im.instanceRef, reg) };
        } finally {
          await im.release?.();
        }
      }
      return {
        v: 1,
        kind: 'batch',
        runId,
        instanceId: inst.instance_id,
        batch: {
          row,
          script: readFileSync(script, 'utf8'),
          scriptDirName,
          candidates: opts.candidates,
          timeoutMs: opts.timeoutMs,
          setup: opts.setup,
          testCmd: opts.testCmd,
          namespace: opts.namespace,
        },
      };
    },
    accept(p) {
      const parsed = parseFrameJson(p, 'prediction.json') as {
        patch?: unknown;
        errors?: { message?: unknown }[];
      };
      if (parsed.patch !== null && typeof parsed.patch !== 'string')
        throw new FrameError('prediction.json: patch is not text');
      const dir = join(runsDir, inst.instance_id);
      rmSync(dir, { recursive: true, force: true });
      for (const [name, data] of Object.entries(p.files)) {
        if (!name.startsWith('runs/')) continue;
        const to = join(dir, name.slice('runs/'.length));
        mkdirSync(dirname(to), { recursive: true });
        writeFileSync(`${to}.tmp`, data);
        renameSync(`${to}.tmp`, to);
      }
      for (const e of parsed.errors ?? [])
        result.errors.push({ instance_id: inst.instance_id, message: String(e.message ?? '') });
      const pred: Prediction = {
        instance_id: inst.instance_id,
        model_name_or_path: model,
        model_patch: parsed.patch,
      };
      store.put(pred);
      got.set(inst.instance_id, pred);
      progress(`[${inst.instance_id}] ${parsed.patch ? 'patch' : 'no patch'} (on ${String(p.meta.node)})`);
    },
    fail(reason) {
      result.errors.push({ instance_id: inst.instance_id, message: reason });
      const pred: Prediction = {
        instance_id: inst.instance_id,
        model_name_or_path: model,
        model_patch: null,
      };
      store.put(pred);
      got.set(inst.instance_id, pred);
      progress(`[${inst.instance_id}] error: ${reason}`);
    },
  });
  await runOnSwarm(
    docker,
    instances,
    makeJob,
    { runId, eventsPath: join(`${runsDir}.cluster`, 'events.jsonl'), progress: say },
    opts,
  );
  result.predictions = instances.map((i) => got.get(i.instance_id)!).filter(Boolean);
  return result;
}
