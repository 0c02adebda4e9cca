import {
  parseTextToolCalls,
  renderPrompt,
  type AssistantMessage,
  type ChatMessage,
  type ToolSpec,
} from '../model/index.js';
import type { ActionFormat } from './action-format.js';

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
  if (!msg.toolCalls?.length) {
    const written = parseTextToolCalls(msg.content, ['approve', 'request_changes']);
    if (written.length > 0) return verdictOf({ ...msg, toolCalls: written });
  }
  const last = finalLine(msg.content ?? '');
  if (last === 'APPROVE') return { verdict: 'approve', how: 'final-line' };
  if (last === 'REQUEST_CHANGES' || last === 'REQUEST CHANGES')
    return { verdict: 'request_changes', how: 'final-line' };
  return { verdict: null, how: null };
}

/**
 * The review's action format: the base format (native tool calls) with the verdict tools added.
 * A verdict call ends the loop as the answer; a tool call written as text instead of sent
 * natively is not run: the model is told how to call it, and the review goes on.
 */
export function reviewFormat(base: ActionFormat): ActionFormat {
  const verdictNames = new Set(VERDICT_TOOLS.map((t) => t.name));
  let toolNames: string[] = [];
  return {
    name: `${base.name}+verdict`,
    tools: (specs) => {
      toolNames = [...specs, ...VERDICT_TOOLS].map((t) => t.name);
      const native = base.tools(specs);
      // A text format sends no tools: the verdict is its final line (or a written approve call).
      return native ? [...native, ...VERDICT_TOOLS] : undefined;
    },
    parse: (reply) => {
      const calls = reply.toolCalls ?? [];
      const verdict = verdictOf(reply);
      if (verdict.how === 'tool') {
        const others = calls.filter((c) => !verdictNames.has(c.name));
        if (others.length > 0) return { kind: 'actions', calls: others };
        return { kind: 'answer', text: reply.content ?? verdict.verdict ?? '' };
      }
      const parsed = base.parse(reply);
      if (parsed.kind === 'actions') {
        const others = parsed.calls.filter((c) => !verdictNames.has(c.name));
        if (others.length > 0) return { kind: 'actions', calls: others };
        // Only a written approve/request_changes: the answer (verdictOf reads it as a call below).
        return { kind: 'answer', text: reply.content ?? '' };
      }
      if (
        parsed.kind === 'answer' &&
        calls.length === 0 &&
        !verdict.verdict &&
        base.tools([]) !== undefined
      ) {
        const written = parseTextToolCalls(reply.content, toolNames);
        if (written.length > 0)
          return {
            kind: 'format_error',
            feedback: renderPrompt('agent/text-tool-call', {
              names: [...new Set(written.map((w) => w.name))].join(', '),
            }),
          };
      }
      return parsed;
    },
    observation: (result) => base.observation(result),
    // The verdict tools are named in the review prompt; the base format says how to act.
    ...(base.instructions
      ? { instructions: (specs: readonly ToolSpec[]) => base.instructions!([...specs, ...VERDICT_TOOLS]) }
      : {}),
  };
}

/**
 * Tool calls of the conversation's last reply that got no result (a verdict call ends the loop
 * before any is written): answered, so the next round's request is well formed.
 */
export function answerOpenCalls(messages: ChatMessage[]): void {
  const last = messages.at(-1);
  if (last?.role !== 'assistant') return;
  for (const call of last.toolCalls ?? [])
    messages.push({ role: 'tool', toolCallId: call.id, content: `${call.name}: recorded` });
}
