import { parsePatch } from '../code/index.js';
import { isBudgetError, RunContext } from './context.js';
import { localize } from './localize.js';
import { applyToWorkingTree, commitOnBranch, writeOutputs } from './output.js';
import { prepare, type Prepared } from './prepare.js';
import { repair } from './repair.js';
import { review, type Review } from './review.js';
import { select, type Selection } from './select.js';
import { writeStageFile } from './stage-files.js';
import { finalPatch, summarize, type RunValues } from './summary.js';
import type { Candidate, FixOptions, FixStatus, FixSummary, Stage } from './types.js';
import { validate, type Validation } from './validate.js';

/**
 * What happens to the patch at the end: nothing (it is printed and recorded), `--apply`, or
 * `--branch NAME`; never both, by type here and, for flags, by `deliveryOf` (run.ts).
 */
export type Delivery =
  | { apply?: false; branch?: undefined }
  | { apply: true; branch?: undefined }
  | { apply?: false; branch: string };

export type FixRunOptions = FixOptions & Delivery & { out?: string };

class RunTimeout extends Error {}

/**
 * `drydock fix`, top to bottom: prepare → localize → repair → validate → select →
 * run-review-fix → output. Each stage returns a value the later ones take, and each value is
 * written to `stages/<n>-<stage>.json` beside the trajectory. The budget or the clock running
 * out ends the run with the best validated patch so far (or none), and says which. The user's
 * repository is only read, until `--apply` or `--branch` at the very end.
 */
export async function runFix(opts: FixRunOptions): Promise<FixSummary> {
  const ctx = new RunContext(opts);
  recordStart(ctx);
  const so = new SoFar(ctx);
  let ending: Ending;
  try {
    try {
      const p = so.prepared(await prepare(ctx));
      clock(ctx);
      const locations = so.keep('localize', await localize(ctx, p));
      clock(ctx);
      const candidates = so.keep('repair', await repair(ctx, p, locations));
      clock(ctx);
      const validation = so.keep('validate', await validate(ctx, p, candidates, locations, so.recorded));
      clock(ctx);
      const selection = so.keep('select', choose(ctx, validation.candidates));
      const reviewed = selection.selected
        ? so.keep('review', await review(ctx, p, selection.selected, validation))
        : null;
      ending = finished(validation, selection, reviewed);
    } catch (err) {
      if (!isBudgetError(err) && !(err instanceof RunTimeout)) throw err;
      ending = endedEarly(ctx, so, err);
    }
  } catch (err) {
    opts.trajectory.endWithError(err as Error, totals(opts));
    throw err;
  } finally {
    await so.sandbox?.close().catch(() => {});
    if (opts.sandboxPool) {
      const { warm, cold } = opts.sandboxPool.stats();
      ctx.note(
        `warm pool (up to ${opts.sandboxPool.size}): ${warm} of ${warm + cold} sandbox opens and forks through it were warm`,
      );
    }
  }
  return output(ctx, opts, ending);
}

/** How the stages ended: what the summary and the output are made of. */
interface Ending {
  status: FixStatus;
  message: string;
  candidates: readonly Candidate[];
  validation: Validation | null;
  selection: Selection | null;
  review: Review | null;
}

/** The stages ran to the end. */
function finished(validation: Validation, selection: Selection, reviewed: Review | null): Ending {
  const values = { candidates: validation.candidates, validation, selection, review: reviewed };
  const winner = selection.selected;
  if (!winner || !reviewed)
    return {
      ...values,
      status: 'no_patch',
      message: `none of ${validation.candidates.length} candidate(s) survived validation`,
    };
  if (reviewed.budgetMessage)
    return {
      ...values,
      status: 'budget_exceeded',
      message: `${reviewed.budgetMessage}; the patch is the selected, validated candidate ${winner.id}`,
    };
  return {
    ...values,
    status: 'patched',
    message: `candidate ${winner.id} selected${reviewed.changed ? ' and changed in review' : ''}`,
  };
}

/** The budget or the clock ran out mid-run: the best candidate validated so far, or none. */
function endedEarly(ctx: RunContext, so: SoFar, err: Error): Ending {
  const selection = so.keep('select', choose(ctx, so.validated()));
  const winner = selection.selected;
  const message = `${err.message}; ${winner ? `the best validated patch so far is ${winner.id}` : 'no validated patch so far, so no patch'}`;
  ctx.note(message);
  return {
    status: isBudgetError(err) ? 'budget_exceeded' : 'timeout',
    message,
    candidates: so.candidates(),
    validation: so.validation,
    selection,
    review: null,
  };
}

/** Stage 7: the patch into the record, then `--apply` or `--branch`, then the summary. */
async function output(ctx: RunContext, opts: FixRunOptions, e: Ending): Promise<FixSummary> {
  const t = opts.trajectory;
  const values: RunValues = {
    ...e,
    fallbacks: [...ctx.fallbacks],
    recoveries: ctx.recoveries.map((r) => ({
      stage: r.stage,
      lost: r.lost,
      replacement: r.replacement,
      during: r.during,
    })),
    scripted: opts.scripted,
    model: opts.modelName ?? (opts.scripted ? 'scripted' : 'unknown'),
    runId: t.runId,
    trajectory: t.path,
    spent: { ...opts.budget.spent },
    wallMs: Date.now() - ctx.started,
    applied: false,
    branch: null,
  };
  const patch = finalPatch(e);
  const files = patch ? parsePatch(patch).map((f) => f.path) : [];
  if (patch) t.append({ type: 'patch', diff: patch, files });
  let delivered: { applied: boolean; branch: string | null };
  try {
    delivered = await deliver(opts, patch);
  } catch (err) {
    t.endWithError(err as Error, totals(opts));
    if (opts.out) writeOutputs(opts.out, summarize(values));
    throw err;
  }
  ctx.stage('output', e.message);
  t.append({
    type: 'run.end',
    status:
      e.status === 'patched' ? 'success' : e.status === 'budget_exceeded' ? 'budget_exceeded' : 'failed',
    reason: e.message,
    totals: totals(opts),
  });
  writeStageFile(t.path, 'output', { status: e.status, message: e.message, patch, files, ...delivered });
  const summary = summarize({ ...values, ...delivered });
  if (opts.out) writeOutputs(opts.out, summary);
  return summary;
}

/** `--apply` or `--branch NAME`, only at the very end, only with a patch. */
async function deliver(
  opts: FixRunOptions,
  patch: string,
): Promise<{ applied: boolean; branch: string | null }> {
  if (patch && opts.apply) {
    applyToWorkingTree(opts.repo, patch);
    return { applied: true, branch: null };
  }
  if (patch && opts.branch) {
    await commitOnBranch(
      opts.repo,
      opts.branch,
      patch,
      `drydock: ${opts.issue.split('\n')[0]!.slice(0, 72)}`,
    );
    return { applied: false, branch: opts.branch };
  }
  return { applied: false, branch: null };
}

/** Stage 5 and its record: the winner, and why each other candidate lost. */
function choose(ctx: RunContext, candidates: readonly Candidate[]): Selection {
  const selection = select([...candidates]);
  const { selected, others } = selection;
  if (selected)
    ctx.trajectory.append({
      type: 'candidate',
      id: selected.id,
      status: 'selected',
      reason: `best by reproduction test, regression tests, reward (${selected.reward?.toFixed(3) ?? 'none'}), votes (${selected.votes})`,
      votes: selected.votes,
      reward: selected.reward,
    });
  for (const o of others)
    ctx.trajectory.append({
      type: 'candidate',
      id: o.candidate.id,
      status: 'not_selected',
      reason: o.reason,
    });
  ctx.stage(
    'select',
    selected ? `selected ${selected.id} of ${candidates.length}` : 'no candidate to select',
  );
  return selection;
}

/**
 * The stage values of a run as they come: each written to its stage file, and kept so that a
 * run the budget or the clock ends early can still say what it had.
 */
class SoFar {
  sandbox: Prepared['sandbox'] | null = null;
  validation: Validation | null = null;
  private repaired: readonly Candidate[] = [];
  /** Candidates validation has recorded (rejected or validated), by id, in the order recorded. */
  private readonly records = new Map<string, Candidate>();

  constructor(private readonly ctx: RunContext) {}

  prepared(p: Prepared): Prepared {
    this.sandbox = p.sandbox;
    this.write('prepare', {
      env: p.env,
      setup: p.setup,
      image: this.ctx.opts.image ?? null,
      files: p.files.map((f) => f.path),
      retrieval: p.retrieval,
    });
    return p;
  }

  keep<T>(stage: Exclude<Stage, 'prepare' | 'output'>, value: T): T {
    if (stage === 'repair') this.repaired = value as readonly Candidate[];
    if (stage === 'validate') this.validation = value as Validation;
    this.write(stage, stage === 'select' ? selectionRecord(value as Selection) : value);
    return value;
  }

  readonly recorded = (c: Candidate): void => {
    this.records.set(c.id, c);
  };

  /** Validated in a fork and not rejected, in the order they were recorded. */
  validated(): Candidate[] {
    return [...this.records.values()].filter((c) => !c.rejected);
  }

  /** Every candidate as last seen: validation's values, or repair's with what was recorded since. */
  candidates(): readonly Candidate[] {
    return this.validation?.candidates ?? this.repaired.map((c) => this.records.get(c.id) ?? c);
  }

  private write(stage: Stage, value: unknown): void {
    writeStageFile(this.ctx.trajectory.path, stage, value);
  }
}

function selectionRecord(s: Selection) {
  return {
    selected: s.selected?.id ?? null,
    others: s.others.map((o) => ({ id: o.candidate.id, reason: o.reason })),
  };
}

function recordStart(ctx: RunContext): void {
  const { opts } = ctx;
  opts.trajectory.append({
    type: 'run.start',
    runId: opts.trajectory.runId,
    model: opts.modelName ?? (opts.scripted ? 'scripted' : 'unknown'),
    scripted: opts.scripted,
    task: opts.issue.split('\n')[0],
    settings: {
      repo: opts.repo,
      candidates: opts.candidates ?? 3,
      setup: opts.setup,
      testCommand: opts.testCommand,
    },
  });
}

function clock(ctx: RunContext): void {
  if (ctx.timedOut())
    throw new RunTimeout(
      `the run reached its time limit (${Math.round((ctx.opts.timeoutMs ?? 0) / 1000)} s)`,
    );
}

function totals(opts: FixOptions) {
  const s = opts.budget.spent;
  return { turns: s.turns, tokens: s.tokens, costUsd: s.costUnknown ? null : s.costUsd };
}
