import Docker from 'dockerode';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { runFix } from '../agent/index.js';
import { DrydockError } from '../core/index.js';
import { Budget, openModel, resolveModelConfig, type ModelFlags } from '../model/index.js';
import { TrajectoryWriter } from '../trajectory/index.js';
import { loadDataset } from './dataset.js';
import { ensureImages } from './images.js';
import type { Prediction } from './predictions.js';
import { checkoutRepo } from './repos.js';

export interface BatchOptions {
  dataset: string;
  reposDir?: string;
  /** Predictions file (JSONL), appended one line per instance as each ends. */
  out: string;
  model: ModelFlags;
  candidates?: number;
  /** Wall time per instance. */
  timeoutMs?: number;
  runsDir?: string;
  progress?: (line: string) => void;
}

export interface BatchResult {
  predictions: Prediction[];
  errors: { instance_id: string; message: string }[];
}

/**
 * `drydock run-batch`: `drydock fix` on each instance, one after another, in its instance
 * image (built as `eval` builds it), on a fresh checkout at its base commit. Each instance gets
 * its own budget (the configured limits) and trajectory. An instance that fails is written with
 * a null patch, so the file always has one line per instance.
 */
export async function runBatch(opts: BatchOptions): Promise<BatchResult> {
  const config = resolveModelConfig(opts.model);
  if (!config.script && !config.baseURL && !config.apiKey)
    throw new DrydockError(
      'no model is configured',
      'pass --base-url URL (and --model), set OPENAI_BASE_URL / OPENAI_API_KEY, or use --script FILE',
      'NO_MODEL',
    );
  const dataset = loadDataset(opts.dataset);
  const docker = new Docker();
  mkdirSync(dirname(opts.out), { recursive: true });
  const result: BatchResult = { predictions: [], errors: [] };
  for (const inst of dataset.instances) {
    const say = (s: string) => opts.progress?.(`[${inst.instance_id}] ${s}`);
    let patch: string | null = null;
    const checkout = await checkoutRepo(inst.repo, inst.base_commit, opts.reposDir).catch(
      (err: Error) => err,
    );
    try {
      if (checkout instanceof Error) throw checkout;
      const images = await ensureImages(docker, inst, { reposDir: opts.reposDir });
      const budget = new Budget(config.budget);
      const trajectory = TrajectoryWriter.create({ runsDir: opts.runsDir });
      const model = await openModel(config, { budget, onEvent: (e) => trajectory.append(e) });
      try {
        const summary = await runFix({
          repo: checkout.dir,
          issue: inst.problem_statement,
          image: images.instanceRef,
          testCommand: inst.test_cmds.join(' && '),
          model: model.client,
          budget,
          scripted: model.scriptedServer !== null,
          modelName: model.scriptedServer?.model ?? config.model,
          trajectory,
          candidates: opts.candidates,
          timeoutMs: opts.timeoutMs,
          onProgress: (p) => say(`[${p.stage}] ${p.message}`),
        });
        patch = summary.patch || null;
        say(`${summary.status}: ${summary.message}`);
      } finally {
        await model.close();
        trajectory.close();
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      result.errors.push({ instance_id: inst.instance_id, message });
      say(`error: ${message}`);
    } finally {
      if (!(checkout instanceof Error)) checkout.cleanup();
    }
    const p: Prediction = {
      instance_id: inst.instance_id,
      model_name_or_path: config.model,
      model_patch: patch,
    };
    appendFileSync(opts.out, `${JSON.stringify(p)}\n`);
    result.predictions.push(p);
  }
  return result;
}
