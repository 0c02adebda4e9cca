import { parsePatch } from '../code/index.js';
import type { BudgetSpent } from '../model/index.js';
import type { Review } from './review.js';
import type { Selection } from './select.js';
import type { Candidate, FixStatus, FixSummary } from './types.js';
import type { Validation } from './validate.js';

/** Everything a run's summary is made of: the stage values, how the run ended, and its record. */
export interface RunValues {
  status: FixStatus;
  message: string;
  /** What the run did instead of what it was asked, when a stage fell back (RunContext.fallbacks). */
  fallbacks: readonly string[];
  /** Sandboxes lost and rebuilt (RunContext.recoveries). */
  recoveries?: readonly { stage: string; lost: string; replacement: string; during: string }[];
  scripted: boolean;
  model: string;
  runId: string;
  trajectory: string;
  /** Every candidate as last seen (validation's values when it finished). */
  candidates: readonly Candidate[];
  validation: Validation | null;
  selection: Selection | null;
  review: Review | null;
  spent: BudgetSpent;
  wallMs: number;
  applied: boolean;
  branch: string | null;
}

/** The patch a run ends with: the reviewed one, else the selected candidate's, else none. */
export function finalPatch(v: Pick<RunValues, 'review' | 'selection'>): string {
  return v.review?.patch ?? v.selection?.selected?.patch ?? '';
}

/** The run's summary. Pure: the same values give the same summary. */
export function summarize(v: RunValues): FixSummary {
  const patch = finalPatch(v);
  const winner = v.selection?.selected ?? null;
  const outcome = (c: Candidate): string =>
    c.id === winner?.id
      ? 'selected'
      : (v.selection?.others.find((o) => o.candidate.id === c.id)?.reason ?? c.rejected ?? 'not validated');
  return {
    status: v.status,
    message: v.message,
    ...(v.fallbacks.length ? { fallbacks: [...v.fallbacks] } : {}),
    ...(v.recoveries?.length ? { sandboxRecoveries: v.recoveries.map((r) => ({ ...r })) } : {}),
    scripted: v.scripted,
    model: v.model,
    runId: v.runId,
    patch,
    files: patch ? parsePatch(patch).map((f) => f.path) : [],
    candidates: v.candidates.map((c) => ({
      id: c.id,
      votes: c.votes,
      rejected: c.rejected,
      outcome: outcome(c),
      parses: c.parses,
      reward: c.reward,
      regressions: c.regressions,
      reproduces: c.reproduces,
    })),
    selected: winner?.id ?? null,
    reproductionTest: v.validation?.reproduction
      ? {
          path: v.validation.reproduction.path,
          kept: v.validation.reproduction.kept,
          reason: v.validation.reproduction.reason,
        }
      : null,
    regressionTests: [...(v.validation?.regressionTests ?? [])],
    tests: v.review?.tests ?? null,
    review: {
      rounds: v.review?.rounds ?? 0,
      approved: v.review?.approved ?? false,
      changed: v.review?.changed ?? false,
      denied: v.review?.denied ?? [],
    },
    reward: winner?.reward ?? null,
    costUsd: v.spent.costUnknown ? null : v.spent.costUsd,
    turns: v.spent.turns,
    tokens: v.spent.tokens,
    wallMs: v.wallMs,
    applied: v.applied,
    branch: v.branch,
    trajectory: v.trajectory,
  };
}
