import Docker from 'dockerode';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fixIssue, type TestReading } from '../agent/index.js';
import { DrydockError } from '../core/index.js';
import { resolveModelConfig, type ModelConfig, type ModelFlags } from '../model/index.js';
import { loadDataset, type Instance } from './dataset.js';
import { admittedWorkers } from './evaluate.js';
import { ensureImages } from './images.js';
import { LOG_PARSERS } from '../code/index.js';
import { parsePredictions, type Prediction } from './predictions.js';
import { instanceWorkspace, TESTBED } from './workspace.js';

export interface BatchOptions {
  dataset: string;
  reposDir?: string;
  /** Predictions file (JSONL): one line per instance, replaced when an instance runs again. */
  out: string;
  /** Per-instance directories (summary.json, patch.diff, trajectory.jsonl); default `<out>.runs`. */
  runsDir?: string;
  model: ModelFlags;
  /** A scripted model per instance: `<scriptDir>/<instance_id>.yaml`. */
  scriptDir?: string;
  /** Overrides every instance's setup (default: none, the instance image is already installed). */
  setup?: string;
  /** Overrides every instance's test command (default: its rebuild_cmds then test_cmds). */
  testCmd?: string;
  /** Wall time of each of the agent's test runs (default 300 s). */
  testTimeoutMs?: number;
  /** Only these instance ids (default all). */
  instances?: string[];
  candidates?: number;
  /** `--warm-pool N`: each instance's fix keeps up to N sandboxes started ahead (as `drydock fix`). */
  warmPool?: number;
  /** Wall time per instance. */
  timeoutMs?: number;
  /** `--namespace`: where published instance images are pulled from, as for `eval`. */
  namespace?: string;
  /** Instances run at once (default 1), fewer when memory does not allow. */
  workers?: number;
  /** Memory one instance may need (default 4 GiB): admits workers like `eval`. */
  memoryBytes?: number;
  memoryBudgetBytes?: number;
  progress?: (line: string) => void;
}

export interface BatchResult {
  predictions: Prediction[];
  errors: { instance_id: string; message: string }[];
  /** The directory holding one folder per instance. */
  runsDir: string;
}

/** `model_name_or_path` without characters that cannot be in a directory name (`scripted:x.yaml`). */
export const predictionModelName = (model: string) => model.replace(/[:\\\s]+/g, '-');

/**
 * How the agent runs and reads an instance's tests: its rebuild and test commands, its
 * print commands (whose output is what the parser reads, as in `eval`), and its log parser.
 * A Python-source parser cannot run on the host, so the agent then reads the test output itself.
 */
export function instanceTests(inst: Instance, testCmd?: string): { command: string; reading?: TestReading } {
  const command = testCmd ?? [...inst.rebuild_cmds, ...inst.test_cmds].join(' && ');
  if (testCmd !== undefined || !(inst.log_parser in LOG_PARSERS)) return { command };
  return {
    command,
    reading: {
      print: inst.print_cmds.length ? inst.print_cmds.join(' && ') : undefined,
      parser: inst.log_parser,
    },
  };
}

/**
 * `drydock run-batch`: `drydock fix` on each instance, in its instance image (built as `eval`
 * builds it), on a fresh checkout at its base commit, with the instance's own test commands,
 * print commands and log parser. Each instance gets its own budget, trajectory and folder, and
 * one line in the predictions file (a null patch when its run fails), replacing any line an
 * earlier run wrote for it.
 */
export async function runBatch(opts: BatchOptions): Promise<BatchResult> {
  // With a script per instance, each instance's configuration is resolved with its own script.
  const base = opts.scriptDir ? null : resolveModelConfig(opts.model);
  if (base && !base.script && !base.baseURL && !base.apiKey)
    throw new DrydockError(
      'no model is configured',
      'pass --base-url URL (and --model), set OPENAI_BASE_URL / OPENAI_API_KEY, or use --script FILE / --script-dir DIR',
      'NO_MODEL',
    );
  if (opts.scriptDir && !existsSync(opts.scriptDir))
    throw new DrydockError(
      `--script-dir ${opts.scriptDir} does not exist`,
      'point it at a folder of <instance_id>.yaml scripts',
    );
  let instances = loadDataset(opts.dataset).instances;
  if (opts.instances?.length) {
    const wanted = new Set(opts.instances);
    const unknown = [...wanted].filter((id) => !instances.some((i) => i.instance_id === id));
    if (unknown.length)
      throw new DrydockError(
        `no instance ${unknown.join(', ')} in ${opts.dataset}`,
        'check the ids (--instances id1,id2)',
      );
    instances = instances.filter((i) => wanted.has(i.instance_id));
  }
  const docker = new Docker();
  const runsDir = resolve(opts.runsDir ?? `${opts.out.replace(/\.jsonl$/, '')}.runs`);
  mkdirSync(dirname(resolve(opts.out)), { recursive: true });
  const model = predictionModelName(base ? base.model : `scripted-${basename(resolve(opts.scriptDir!))}`);
  const store = new PredictionsFile(opts.out);
  const result: BatchResult = { predictions: [], errors: [], runsDir };

  const need = opts.memoryBytes ?? 4 * 1024 ** 3;
  const workers = admittedWorkers(
    opts.workers ?? 1,
    need,
    opts.memoryBudgetBytes ?? Math.floor(freemem() * 0.8),
  );
  if (workers < (opts.workers ?? 1))
    opts.progress?.(`running ${workers} at a time, not ${opts.workers}: not enough free memory`);
  // Images are built one at a time: two workers building the same environment would race.
  let building: Promise<unknown> = Promise.resolve();
  const images = (inst: Instance) => {
    const next = building.then(() => ensureImages(docker, inst, { reposDir: opts.reposDir, hold: true }));
    building = next.catch(() => {});
    return next;
  };

  const runOne = async (inst: Instance): Promise<Prediction> => {
    const id = inst.instance_id;
    const say = (s: string) => opts.progress?.(`[${id}] ${s}`);
    let patch: string | null = null;
    // A published row runs in its own instance image, on that image's /testbed; a drydock row in
    // the image built here, on a checkout (harness/workspace.ts).
    const checkout = await instanceWorkspace(docker, inst, {
      reposDir: opts.reposDir,
      namespace: opts.namespace,
      build: images,
    }).catch((err: Error) => err);
    try {
      if (checkout instanceof Error) throw checkout;
      const config = configFor(base, opts, id);
      const built = { instanceRef: checkout.image };
      const dir = join(runsDir, id);
      const tests = instanceTests(inst, opts.testCmd);
      say(
        `started (image ${built.instanceRef}, ${checkout.source === 'image' ? `its own ${TESTBED}` : 'a checkout'})`,
      );
      const summary = await fixIssue({
        modelConfig: config,
        runsDir: join(dir, 'runs'),
        repo: checkout.dir,
        issue: inst.problem_statement,
        image: built.instanceRef,
        // The instance image is installed already; the agent's own guess would redo it differently.
        setup: opts.setup ?? '',
        testCommand: tests.command,
        testReading: tests.reading,
        testTimeoutMs: opts.testTimeoutMs,
        candidates: opts.candidates,
        ...(opts.warmPool ? { warmPool: opts.warmPool } : {}),
        timeoutMs: opts.timeoutMs,
        out: dir,
        onProgress: (p) => say(`[${p.stage}] ${p.message}`),
      });
      patch = summary.patch || null;
      say(`${summary.status}: ${summary.message}`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      result.errors.push({ instance_id: id, message });
      say(`error: ${message}`);
    } finally {
      if (!(checkout instanceof Error)) await checkout.cleanup();
    }
    const p: Prediction = { instance_id: id, model_name_or_path: model, model_patch: patch };
    store.put(p);
    return p;
  };

  const queue = [...instances];
  const done = new Map<string, Prediction>();
  const worker = async () => {
    for (let inst = queue.shift(); inst; inst = queue.shift()) done.set(inst.instance_id, await runOne(inst));
  };
  await Promise.all(Array.from({ length: workers }, worker));
  result.predictions = instances.map((i) => done.get(i.instance_id)!);
  return result;
}

function configFor(base: ModelConfig | null, opts: BatchOptions, id: string): ModelConfig {
  if (base) return base;
  const script = join(opts.scriptDir!, `${id}.yaml`);
  if (!existsSync(script))
    throw new DrydockError(
      `no script for ${id} in ${opts.scriptDir}`,
      `write ${script}, or leave the instance out with --instances`,
    );
  return resolveModelConfig({ ...opts.model, script });
}

/**
 * The predictions file, one line per instance in first-written order: a line for an instance
 * that ran before is replaced, never duplicated. Written whole to a temporary file and renamed,
 * so a crash leaves the old or the new file, never half of one.
 */
export class PredictionsFile {
  private readonly lines: Map<string, Prediction>;
  constructor(private readonly path: string) {
    this.lines = existsSync(path) ? parsePredictions(readFileSync(path, 'utf8'), path) : new Map();
  }
  put(p: Prediction): void {
    this.lines.set(p.instance_id, p);
    const text = [...this.lines.values()].map((l) => JSON.stringify(l)).join('\n');
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${text}\n`);
    renameSync(tmp, this.path);
  }
}
