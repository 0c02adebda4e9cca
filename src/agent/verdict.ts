import type { AssistantMessage, ToolSpec } from '../model/index.js';

/**
 * The review's verdict as structured output: an `approve` or `request_changes` tool call, or,
 * for a model that answers in text, a final line that is the verdict word and nothing else.
 * Never a substring: "I cannot APPROVE this" approves nothing.
 */
export const VERDICT_TOOLS: ToolSpec[] = [
  {
    name: 'approve',
    description: 'The change is correct and complete: approve it as it is. Ends the review.',
    parameters: {
      type: 'object',
      properties: { summary: { type: 'string', description: 'One line: why it is correct.' } },
      required: [],
    },
  },
  {
    name: 'request_changes',
    description:
      'The change is wrong or incomplete and you will not fix it yourself now: say what is wrong. Ends this round.',
    parameters: {
      type: 'object',
      properties: { reason: { type: 'string', description: 'What is wrong with the change.' } },
      required: ['reason'],
    },
  },
];

export interface Verdict {
  verdict: 'approve' | 'request_changes' | null;
  /** How it was given: a tool call, the strict final line, or not at all. */
  how: 'tool' | 'final-line' | null;
  reason?: string;
}

/** The final line with markdown emphasis, backticks and a closing full stop removed. */
function finalLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^`{3,}$/.test(l));
  return (lines.at(-1) ?? '')
    .replace(/^(?:verdict|decision|final answer)\s*:\s*/i, '')
    .replace(/^[*_`"']+|[*_`"']+$/g, '')
    .replace(/[.!]$/, '')
    .trim();
}

export function verdictOf(msg: AssistantMessage): Verdict {
  for (const call of msg.toolCalls ?? []) {
    if (call.name === 'approve') return { verdict: 'approve', how: 'tool' };
    if (call.name === 'request_changes') {
      let reason: string | undefined;
      try {
        const args = JSON.parse(call.arguments || '{}') as { reason?: unknown };
        if (typeof args.reason === 'string') reason = args.reason;
      } catch {
        reason = call.arguments;
      }
      return { verdict: 'request_changes', how: 'tool', ...(reason ? { reason } : {}) };
    }
  }
  const last = finalLine(msg.content ?? '');
  if (last === 'APPROVE') return { verdict: 'approve', how: 'final-line' };
  if (last === 'REQUEST_CHANGES' || last === 'REQUEST CHANGES')
    return { verdict: 'request_changes', how: 'final-line' };
  return { verdict: null, how: null };
}
