import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DrydockError } from '../core/index.js';
import { DEFAULT_RUNS_DIR, readTrajectory, resolveRun, TRAJECTORY_FILE } from '../trajectory/index.js';
import { batchOf, loadBatch, renderBatchPage, type BatchModel } from './batch.js';
import { compareEvals, loadEval, type EvalModel, type OutcomeChange } from './eval-model.js';
import { renderEvalPage } from './eval-page.js';
import { esc, scriptJson } from './html.js';
import { redactDeep, redactText, secretValues } from './redact.js';
import { buildRunModel, type RunModel } from './run-model.js';
import { renderRunPage } from './run-page.js';

export const REPORT_FILE = 'report.html';

export interface ReportOptions {
  /** The HTML file to write; default beside the run (see README). */
  out?: string;
  /** Another evaluation run to compare with (evaluation reports only). */
  compare?: string;
  /** Where run ids are looked up. */
  runsDir?: string;
  /** Environment whose secret-looking values are kept off the page (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface WrittenReport {
  kind: 'run' | 'eval' | 'batch';
  path: string;
  bytes: number;
  /** The run's model (run reports), for the caller's summary line. */
  run?: RunModel;
  eval?: EvalModel;
  batch?: BatchModel;
  changes?: OutcomeChange[];
}

/** The last guard: a secret in any form it can take on the page (raw, HTML-, JSON-escaped). */
function scrubPage(html: string, secrets: string[]): string {
  const forms = secrets.flatMap((s) => [s, esc(s), scriptJson(s).slice(1, -1)]);
  return redactText(
    html,
    [...new Set(forms)].sort((a, b) => b.length - a.length),
  );
}

/** A fix run's page: `ref` is a run id, a run directory or a trajectory file. */
export async function writeRunReport(ref: string, opts: ReportOptions = {}): Promise<WrittenReport> {
  const path = resolveRun(ref, opts.runsDir ?? DEFAULT_RUNS_DIR);
  const secrets = secretValues(opts.env);
  const model = redactDeep(buildRunModel(readTrajectory(path)), secrets);
  const html = scrubPage(await renderRunPage(model), secrets);
  const out = resolve(opts.out ?? join(dirname(path), REPORT_FILE));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, html);
  return { kind: 'run', path: out, bytes: Buffer.byteLength(html), run: model };
}

/** An evaluation run's page, and with `compare`, which instances changed outcome. */
export async function writeEvalReport(dir: string, opts: ReportOptions = {}): Promise<WrittenReport> {
  const secrets = secretValues(opts.env);
  const model = redactDeep(loadEval(dir), secrets);
  const other = opts.compare ? redactDeep(loadEval(opts.compare), secrets) : undefined;
  const changes = other ? compareEvals(other, model) : undefined;
  const out = resolve(
    opts.out ?? join(dir, other ? `report-vs-${other.runId.replace(/[^\w.-]/g, '_')}.html` : REPORT_FILE),
  );
  const html = scrubPage(await renderEvalPage(model, { pageDir: dirname(out), other, changes }), secrets);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, html);
  return { kind: 'eval', path: out, bytes: Buffer.byteLength(html), eval: model, changes };
}

/**
 * A run-batch's page (`<runs dir>/report.html` unless `out`), and each instance's own fix-run
 * page (`<instance>/report.html`, rewritten when older than its trajectory), linked from it.
 */
export async function writeBatchReport(
  batch: { predictions: string | null; runsDir: string },
  opts: ReportOptions & { progress?: (line: string) => void } = {},
): Promise<WrittenReport> {
  const secrets = secretValues(opts.env);
  const model = redactDeep(loadBatch(batch), secrets);
  const reports = new Map<string, string>();
  for (const r of model.rows) {
    if (!r.trajectory || !r.dir) continue;
    const out = join(r.dir, REPORT_FILE);
    const fresh = existsSync(out) && statSync(out).mtimeMs >= statSync(r.trajectory).mtimeMs;
    if (!fresh) {
      opts.progress?.(`report of ${r.id}`);
      await writeRunReport(r.trajectory, { out, env: opts.env });
    }
    reports.set(r.id, out);
  }
  const out = resolve(opts.out ?? join(batch.runsDir, REPORT_FILE));
  const html = scrubPage(renderBatchPage(model, { pageDir: dirname(out), reports }), secrets);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, html);
  return { kind: 'batch', path: out, bytes: Buffer.byteLength(html), batch: model };
}

/** True when `ref` names a fix run (a trajectory, a run directory, a run id), not an eval folder. */
export function isRunRef(ref: string, runsDir: string = DEFAULT_RUNS_DIR): boolean {
  if (existsSync(ref)) {
    const st = statSync(ref);
    return st.isFile() || existsSync(join(ref, TRAJECTORY_FILE));
  }
  return existsSync(join(runsDir, ref, TRAJECTORY_FILE));
}

/** `drydock report REF`: a fix run's page or an evaluation run's page, whichever REF names. */
export async function writeReport(
  ref: string,
  opts: ReportOptions & { progress?: (line: string) => void } = {},
): Promise<WrittenReport> {
  const batch = batchOf(ref);
  if (batch) {
    if (opts.compare)
      throw new DrydockError(
        '--compare works on evaluation runs, and this is a run-batch output',
        'evaluate the predictions (drydock eval), then compare the two evaluation folders',
        'BAD_FLAG',
      );
    return writeBatchReport(batch, opts);
  }
  if (isRunRef(ref, opts.runsDir)) {
    if (opts.compare)
      throw new DrydockError(
        '--compare works on evaluation runs, and this is a fix run',
        'pass two drydock eval output folders: drydock report EVAL_DIR --compare OTHER_EVAL_DIR',
        'BAD_FLAG',
      );
    return writeRunReport(ref, opts);
  }
  // Neither a run nor a folder: resolveRun's error names the recent runs.
  if (!existsSync(ref)) resolveRun(ref, opts.runsDir ?? DEFAULT_RUNS_DIR);
  return writeEvalReport(ref, opts);
}
