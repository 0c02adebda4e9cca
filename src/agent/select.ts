import type { Candidate } from './types.js';

export interface Selection {
  selected: Candidate | null;
  /** Every other candidate, with why it lost. */
  others: { candidate: Candidate; reason: string }[];
}

/**
 * Stage 5, pure. Rejected candidates (do not apply, do not parse or compile) cannot win.
 * Breaking tests that passed before does not reject a candidate (the issue may change what a
 * test pins; a flaky test was rerun in validation): it ranks it. Among the rest: the
 * reproduction test passing first, then fewer regression failures, then the language server's reward; the majority vote over normalized patches
 * (how many samples gave the same patch) breaks ties, then the order they were produced in.
 */
export function select(candidates: Candidate[]): Selection {
  const ranked = candidates.filter((c) => !c.rejected).sort(compare);
  const selected = ranked[0] ?? null;
  const others = candidates
    .filter((c) => c !== selected)
    .map((c) => ({
      candidate: c,
      reason: c.rejected ?? (selected ? whyLost(c, selected) : 'no candidate won'),
    }));
  return { selected, others };
}

function compare(a: Candidate, b: Candidate): number {
  return (
    repro(b) - repro(a) ||
    (a.regressions?.length ?? 0) - (b.regressions?.length ?? 0) ||
    (b.reward ?? -Infinity) - (a.reward ?? -Infinity) ||
    b.votes - a.votes ||
    order(a) - order(b)
  );
}

const repro = (c: Candidate) => (c.reproduces === true ? 1 : 0);
const order = (c: Candidate) => Number(c.id.replace(/\D/g, '')) || 0;

function whyLost(c: Candidate, w: Candidate): string {
  if (repro(c) < repro(w)) return `the reproduction test fails with it and passes with ${w.id}`;
  if ((c.regressions?.length ?? 0) > (w.regressions?.length ?? 0))
    return `more regression failures than ${w.id}`;
  if ((c.reward ?? -Infinity) < (w.reward ?? -Infinity))
    return `lower language-server reward (${c.reward?.toFixed(3) ?? 'none'}) than ${w.id} (${w.reward?.toFixed(3) ?? 'none'})`;
  if (c.votes < w.votes) return `fewer votes (${c.votes}) than ${w.id} (${w.votes})`;
  return `tied with ${w.id}, which came first`;
}
