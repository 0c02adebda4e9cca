import { DrydockError } from '../core/index.js';
import { Budget, openModel, type ModelConfig } from '../model/index.js';
import { SandboxPool } from '../sandbox/index.js';
import { TrajectoryWriter } from '../trajectory/index.js';
import { runFix, type Delivery } from './controller.js';
import type { FixOptions, FixSummary } from './types.js';

/**
 * What a run's caller brings: everything `runFix` takes except what the run opens itself, and
 * the delivery (`--apply` / `--branch`) as `deliveryOf` gives it.
 */
export type FixRunRequest = Omit<FixOptions, 'model' | 'budget' | 'scripted' | 'modelName' | 'trajectory'> &
  Delivery & {
    /** The resolved model configuration: endpoint or script, budget limits, action format. */
    modelConfig: ModelConfig;
    /** Where the run's folder is made (default: the trajectory writer's, `./.drydock/runs`). */
    runsDir?: string;
    /** `--out DIR`: patch.diff, summary.json and trajectory.jsonl. */
    out?: string;
    /** Told once the model and the record are open, before any stage runs. */
    onStart?: (run: FixRunStart) => void;
    /**
     * `--warm-pool N`: keep up to N sandboxes started ahead (forks of the validated snapshot, a
     * reopened sandbox), removed at the end (and by `drydock sandbox gc` after a killed run).
     * 0 or absent: off.
     */
    warmPool?: number;
  };

export interface FixRunStart {
  /** True when the model's answers are read from a script. */
  scripted: boolean;
  /** The model's name as recorded (`scripted:<file>` for the scripted model). */
  model: string;
  runId: string;
  /** The run's trajectory file: written also when the run fails. */
  trajectory: string;
}

/**
 * `--apply` or `--branch NAME` or neither, from flags: the one place both at once are refused.
 * Past it the two are exclusive by type (`Delivery`), so nothing later checks again.
 */
export function deliveryOf(flags: { apply?: boolean; branch?: string }): Delivery {
  if (flags.apply && flags.branch)
    throw new DrydockError('--apply and --branch cannot be used together', 'pick one');
  if (flags.apply) return { apply: true };
  if (flags.branch) return { branch: flags.branch };
  return {};
}

/**
 * One run of `drydock fix`, as every caller (the CLI, run-batch) assembles it: a budget from the configuration's limits → the trajectory writer → the model
 * (the scripted one on loopback when the configuration names a script), its requests recorded
 * → `runFix` → the model and the record closed, also when the run fails.
 */
export async function fixIssue(request: FixRunRequest): Promise<FixSummary> {
  const { modelConfig: config, runsDir, onStart, warmPool, ...options } = request;
  const trajectory = TrajectoryWriter.create({ runsDir });
  const budget = new Budget(config.budget);
  let model: Awaited<ReturnType<typeof openModel>> | null = null;
  const pool = options.sandboxPool ?? (warmPool ? new SandboxPool({ size: warmPool }) : undefined);
  try {
    model = await openModel(config, { budget, onEvent: (e) => trajectory.append(e) });
    const scripted = model.scriptedServer !== null;
    const modelName = model.scriptedServer?.model ?? config.model;
    onStart?.({ scripted, model: modelName, runId: trajectory.runId, trajectory: trajectory.path });
    return await runFix({
      ...options,
      ...(pool ? { sandboxPool: pool } : {}),
      actionFormat: options.actionFormat ?? config.actionFormat ?? 'native',
      model: model.client,
      budget,
      scripted,
      modelName,
      trajectory,
    });
  } finally {
    // The run's own pool goes with it (its note is in the trajectory: runFix); a pool the caller
    // passed is theirs to close.
    if (pool && !options.sandboxPool) await pool.close();
    await model?.close();
    trajectory.close();
  }
}
