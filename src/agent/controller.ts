import { DrydockError } from '../core/index.js';
import { parsePatch } from '../code/index.js';
import { isBudgetError, RunContext } from './context.js';
import { localize } from './localize.js';
import { applyToWorkingTree, commitOnBranch, writeOutputs } from './output.js';
import { prepare, type Prepared } from './prepare.js';
import { repair } from './repair.js';
import { review, type Review } from './review.js';
import { select } from './select.js';
import type { Candidate, FixOptions, FixStatus, FixSummary } from './types.js';
import { validate, type Validation } from './validate.js';

export interface FixRunOptions extends FixOptions {
  out?: string;
  apply?: boolean;
  branch?: string;
}

class RunTimeout extends Error {}

/**
 * `drydock fix`, top to bottom: prepare → localize → repair → validate → select →
 * run-review-fix → output. The budget or the clock running out ends the run with the best
 * validated patch so far (or none), and says which. The user's repository is only read, until
 * `--apply` or `--branch` at the very end.
 */
export async function runFix(opts: FixRunOptions): Promise<FixSummary> {
  if (opts.apply && opts.branch)
    throw new DrydockError('--apply and --branch cannot be used together', 'pick one');
  const ctx = new RunContext(opts);
  const t = opts.trajectory;
  t.append({
    type: 'run.start',
    runId: t.runId,
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
  const clock = () => {
    if (ctx.timedOut())
      throw new RunTimeout(`the run reached its time limit (${Math.round((opts.timeoutMs ?? 0) / 1000)} s)`);
  };

  let p: Prepared | null = null;
  let candidates: Candidate[] = [];
  const validated: Candidate[] = [];
  let validation: Validation | null = null;
  let reviewed: Review | null = null;
  let winner: Candidate | null = null;
  const reasons = new Map<string, string>();
  let status: FixStatus = 'no_patch';
  let message = '';
  try {
    try {
      p = await prepare(ctx);
      clock();
      const sets = await localize(ctx, p);
      clock();
      candidates = await repair(ctx, p, sets);
      clock();
      validation = await validate(ctx, p, candidates, sets, (c) => {
        if (!c.rejected) validated.push(c);
      });
      clock();
      winner = chooseAndRecord(ctx, candidates, reasons);
      if (winner) {
        reviewed = await review(ctx, p, winner, validation);
        status = reviewed.budgetMessage ? 'budget_exceeded' : 'patched';
        message = reviewed.budgetMessage
          ? `${reviewed.budgetMessage}; the patch is the selected, validated candidate ${winner.id}`
          : `candidate ${winner.id} selected${reviewed.changed ? ' and changed in review' : ''}`;
      } else {
        message = `none of ${candidates.length} candidate(s) survived validation`;
      }
    } catch (err) {
      if (!isBudgetError(err) && !(err instanceof RunTimeout)) throw err;
      status = isBudgetError(err) ? 'budget_exceeded' : 'timeout';
      winner = chooseAndRecord(ctx, validated, reasons);
      message = `${err.message}; ${winner ? `the best validated patch so far is ${winner.id}` : 'no validated patch so far, so no patch'}`;
      ctx.note(message);
    }
  } catch (err) {
    t.endWithError(err as Error, totals(opts));
    throw err;
  } finally {
    await p?.sandbox.close().catch(() => {});
  }

  const patch = reviewed?.patch ?? winner?.patch ?? '';
  const summary: FixSummary = {
    status,
    message,
    ...(ctx.fallbacks.length ? { fallbacks: [...ctx.fallbacks] } : {}),
    scripted: opts.scripted,
    model: opts.modelName ?? (opts.scripted ? 'scripted' : 'unknown'),
    runId: t.runId,
    patch,
    files: patch ? parsePatch(patch).map((f) => f.path) : [],
    candidates: candidates.map((c) => ({
      id: c.id,
      votes: c.votes,
      rejected: c.rejected,
      outcome: reasons.get(c.id) ?? c.rejected ?? 'not validated',
      parses: c.parses,
      reward: c.reward,
      regressions: c.regressions,
      reproduces: c.reproduces,
    })),
    selected: winner?.id ?? null,
    reproductionTest: validation?.reproduction
      ? {
          path: validation.reproduction.path,
          kept: validation.reproduction.kept,
          reason: validation.reproduction.reason,
        }
      : null,
    regressionTests: validation?.regressionTests ?? [],
    tests: reviewed?.tests ?? null,
    review: {
      rounds: reviewed?.rounds ?? 0,
      approved: reviewed?.approved ?? false,
      changed: reviewed?.changed ?? false,
      denied: reviewed?.denied ?? [],
    },
    reward: winner?.reward ?? null,
    costUsd: opts.budget.spent.costUnknown ? null : opts.budget.spent.costUsd,
    turns: opts.budget.spent.turns,
    tokens: opts.budget.spent.tokens,
    wallMs: Date.now() - ctx.started,
    applied: false,
    branch: null,
    trajectory: t.path,
  };
  if (patch) t.append({ type: 'patch', diff: patch, files: summary.files });
  try {
    if (patch && opts.apply) {
      applyToWorkingTree(opts.repo, patch);
      summary.applied = true;
    } else if (patch && opts.branch) {
      await commitOnBranch(
        opts.repo,
        opts.branch,
        patch,
        `drydock: ${opts.issue.split('\n')[0]!.slice(0, 72)}`,
      );
      summary.branch = opts.branch;
    }
  } catch (err) {
    t.endWithError(err as Error, totals(opts));
    if (opts.out) writeOutputs(opts.out, summary);
    throw err;
  }
  ctx.stage('output', message);
  t.append({
    type: 'run.end',
    status: status === 'patched' ? 'success' : status === 'budget_exceeded' ? 'budget_exceeded' : 'failed',
    reason: message,
    totals: totals(opts),
  });
  if (opts.out) writeOutputs(opts.out, summary);
  return summary;
}

function chooseAndRecord(
  ctx: RunContext,
  candidates: Candidate[],
  reasons: Map<string, string>,
): Candidate | null {
  const { selected, others } = select(candidates);
  for (const o of others) reasons.set(o.candidate.id, o.reason);
  if (selected) reasons.set(selected.id, 'selected');
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
  return selected;
}

function totals(opts: FixOptions) {
  const s = opts.budget.spent;
  return { turns: s.turns, tokens: s.tokens, costUsd: s.costUnknown ? null : s.costUsd };
}
