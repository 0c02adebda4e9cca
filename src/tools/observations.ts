import { renderPrompt, type ToolObservation, type Verdict } from '../core/index.js';

export interface TruncateLimits {
  /** Characters kept in all (default 10 000). */
  maxChars?: number;
}

/**
 * Cuts a long tool output to fit the model's context, keeping the head and the tail (errors
 * and summaries tend to sit at the end) and saying, in the text, how much was left out.
 */
export function truncateObservation(
  text: string,
  limits: TruncateLimits = {},
): { text: string; truncated: boolean } {
  const max = limits.maxChars ?? 10_000;
  if (text.length <= max) return { text, truncated: false };
  const head = Math.floor(max * 0.4);
  const tail = max - head;
  const note = renderPrompt('observations/truncated', { omitted: text.length - max, total: text.length });
  return { text: `${text.slice(0, head)}\n${note}\n${text.slice(text.length - tail)}`, truncated: true };
}

/** A policy decision that stops a call. */
export type PolicyRefusal = Verdict & { decision: 'ask' | 'deny' };

/**
 * What the model is told when policy stops a call: which rule, why, and that nothing ran.
 * In unattended runs `ask` is a denial too, and the model is told no one could approve it.
 */
export function refusalObservation(
  toolCallId: string,
  action: string,
  refusal: PolicyRefusal,
): ToolObservation {
  const prompt = refusal.decision === 'ask' ? 'observations/needs-approval' : 'observations/denied';
  return {
    toolCallId,
    isError: true,
    content: renderPrompt(prompt, {
      action,
      rule: refusal.rule,
      reason: refusal.reason,
    }),
  };
}
