// The worker: what runs inside a Swarm task. It reads its input, runs the instance exactly as a
// local run does on this node's own engine (evaluateInstance / runBatch), and prints the
// instance's files as a result frame on stdout, which the engine keeps as the task's log.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DrydockError, type Progress } from '../core/index.js';
import { evaluateInstance, modelDirName, runBatch } from '../harness/index.js';
import { sandboxExecMode } from '../sandbox/index.js';
import { runEnvbenchJob, type WorkerHooks } from './envbench-worker.js';
import { encodeFrames } from './frames.js';
import type { WorkerInput } from './job.js';

export function readInput(dir: string): WorkerInput {
  const parts = readdirSync(dir)
    .filter((n) => /^input\.\d+$/.test(n))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
  if (!parts.length)
    throw new DrydockError(`no input in ${dir}`, 'the coordinator mounts it as swarm configs');
  const input = JSON.parse(
    gunzipSync(Buffer.concat(parts.map((p) => readFileSync(join(dir, p))))).toString('utf8'),
  ) as WorkerInput;
  if (input.v !== 1)
    throw new DrydockError(`input version ${String(input.v)} is not 1`, "use the coordinator's worker image");
  return input;
}

/** Every file under `dir`, relative, as bytes. */
function filesUnder(dir: string, rel = ''): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  let entries;
  try {
    entries = readdirSync(join(dir, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, filesUnder(dir, p));
    else if (e.isFile()) out[p] = readFileSync(join(dir, p));
  }
  return out;
}

/** Runs one job; `emit` gets each stdout line (the frame). Returns the process exit code. */
export async function runWorker(
  inputDir: string,
  emit: (line: string) => void,
  progress: Progress,
  hooks: WorkerHooks = {},
): Promise<number> {
  const t0 = performance.now();
  const input = readInput(inputDir);
  const tmp = mkdtempSync(join(tmpdir(), 'drydock-worker-'));
  try {
    const mode = await sandboxExecMode().catch((e: Error) => ({ mode: 'unknown', reason: e.message }));
    progress.step(
      `worker on ${process.env.DRYDOCK_NODE ?? hostname()}: ${input.kind} ${input.instanceId} (exec mode ${mode.mode}: ${mode.reason})`,
    );
    let files: Record<string, Buffer> = {};
    let extra: Record<string, unknown> = {};
    if (input.kind === 'eval' && input.eval) {
      const { instance, prediction, options } = input.eval;
      await evaluateInstance(instance, prediction, {
        runId: input.runId,
        out: tmp,
        timeoutMs: options.timeoutMs,
        memoryBytes: options.memoryBytes,
        cpus: options.cpus,
        resourceOverrides: new Map(options.overrides),
        runEmpty: options.runEmpty,
        namespace: options.namespace,
        cacheLevel: 'instance',
        progress,
      });
      files = filesUnder(
        join(tmp, input.runId, modelDirName(prediction.model_name_or_path), instance.instance_id),
      );
    } else if (input.kind === 'batch' && input.batch) {
      const b = input.batch;
      const dataset = join(tmp, 'dataset.jsonl');
      writeFileSync(dataset, `${JSON.stringify(b.row)}\n`);
      const scriptDir = join(tmp, 'scripts', b.scriptDirName);
      mkdirSync(scriptDir, { recursive: true });
      writeFileSync(join(scriptDir, `${input.instanceId}.yaml`), b.script);
      const out = join(tmp, 'predictions.jsonl');
      const runsDir = join(tmp, 'runs');
      const r = await runBatch({
        dataset,
        out,
        runsDir,
        scriptDir,
        model: {},
        namespace: b.namespace,
        candidates: b.candidates,
        timeoutMs: b.timeoutMs,
        setup: b.setup,
        testCmd: b.testCmd,
        progress: (l) => progress.detail(l),
      });
      files = Object.fromEntries(
        Object.entries(filesUnder(join(runsDir, input.instanceId))).map(([k, v]) => [`runs/${k}`, v]),
      );
      files['prediction.json'] = Buffer.from(
        JSON.stringify({ patch: r.predictions[0]?.model_patch ?? null, errors: r.errors }),
        'utf8',
      );
    } else if (input.kind === 'envbench' && input.envbench) {
      const r = await runEnvbenchJob(input.runId, input.envbench, tmp, hooks, progress);
      files = r.files;
      extra = r.meta;
    } else throw new DrydockError(`input has no ${input.kind} part`, "use the coordinator's worker image");
    const meta = {
      ...extra,
      node: process.env.DRYDOCK_NODE ?? hostname(),
      node_id: process.env.DRYDOCK_NODE_ID ?? '',
      exec_mode: mode.mode,
      exec_mode_reason: mode.reason,
      worker_ms: Math.round(performance.now() - t0),
    };
    for (const line of encodeFrames(input.nonce, { files, meta })) emit(line);
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
