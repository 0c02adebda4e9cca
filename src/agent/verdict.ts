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
  /** How it was given: a tool call, a verdict object, the strict final line, or not at all. */
  how: 'tool' | 'object' | 'final-line' | null;
  reason?: string;
}

/**
 * The verdict words, exactly as a whole value (a final line, or a verdict object's field), never
 * found inside a sentence. Beside drydock's own words, the ones real reviewers are asked for
 * elsewhere: LGTM / LBTM (MetaGPT's code review), approved / changes_required / blocked /
 * rejected (a reviewer's JSON verdict, as AgentMarshal asks for one), GitHub's review states.
 */
const APPROVE_WORDS = new Set(['APPROVE', 'APPROVED', 'LGTM', 'ACCEPT', 'ACCEPTED']);
const CHANGES_WORDS = new Set([
  'REQUEST_CHANGES',
  'REQUEST CHANGES',
  'CHANGES_REQUESTED',
  'CHANGES REQUESTED',
  'CHANGES_REQUIRED',
  'CHANGES REQUIRED',
  'LBTM',
  'REJECT',
  'REJECTED',
  'BLOCKED',
]);

function verdictWord(word: string): Verdict['verdict'] {
  if (APPROVE_WORDS.has(word)) return 'approve';
  if (CHANGES_WORDS.has(word)) return 'request_changes';
  return null;
}

/**
 * A short label before the verdict word: at most three words ending in verdict, decision, result
 * or final answer ("Verdict:", "Final decision:", "Code Review Result:"), none of them a negation,
 * so "I cannot give a verdict: APPROVE" or "Not my verdict: APPROVE" stay sentences.
 */
const VERDICT_LABEL =
  /^(?:(?!(?:not|no|never|cannot|can't|won't|don't|isn't)\b)[A-Za-z]+\s+){0,3}(?:verdict|decision|result|final answer)\s*:\s*/i;

/**
 * The final line with markdown emphasis, backticks, a heading mark, a closing full stop and a
 * label ending in verdict / decision / result / final answer ("Verdict:", "## Code Review
 * Result:") removed. A fence line or a verdict object's sentinel line is not a final line.
 */
function finalLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^`{3,}[\w-]*$/.test(l));
  return (lines.at(-1) ?? '')
    .replace(/^#{1,6}\s+/, '')
    .replace(/^[*_`"']+|[*_`"']+$/g, '')
    .replace(VERDICT_LABEL, '')
    .replace(/^[*_`"']+|[*_`"']+$/g, '')
    .replace(/[.!]$/, '')
    .trim();
}

/**
 * A verdict written as a JSON object on lines of its own (bare, in a ```json fence, or between
 * sentinel lines such as AgentMarshal's AGENTMARSHAL_VERDICT_BEGIN/END) with a `verdict` or
 * `decision` field holding a verdict word, or an `approved` field that is true or false. Objects
 * inside a fence of another language are quoted
 * code, not the reviewer's verdict. Several objects that disagree, or a value that is not a
 * verdict word, give no verdict: nothing is guessed.
 */
function verdictObject(text: string): Verdict['verdict'] | undefined {
  const lines = text.split('\n');
  const found: Verdict['verdict'][] = [];
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const opening = /^(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (opening) {
      if (fence === null) fence = opening[2]!.toLowerCase();
      else if (/^(`{3,}|~{3,})\s*$/.test(line)) fence = null;
      continue;
    }
    if (fence !== null && fence !== '' && fence !== 'json') continue;
    if (!line.startsWith('{')) continue;
    for (let j = i; j < Math.min(lines.length, i + 200); j++) {
      if (!lines[j]!.trim().endsWith('}')) continue;
      let value: unknown;
      try {
        value = JSON.parse(lines.slice(i, j + 1).join('\n'));
      } catch {
        continue;
      }
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const fields = value as Record<string, unknown>;
        const flag = Object.keys(fields).find((k) => /^(approved?|lgtm)$/i.test(k));
        if (flag !== undefined && typeof fields[flag] === 'boolean')
          found.push(fields[flag] ? 'approve' : 'request_changes');
        const key = Object.keys(fields).find((k) => /^(verdict|decision)$/i.test(k));
        if (key !== undefined)
          found.push(
            typeof fields[key] === 'string'
              ? verdictWord((fields[key] as string).trim().toUpperCase())
              : null,
          );
        i = j;
      }
      break;
    }
  }
  if (found.length === 0) return undefined;
  return found.every((v) => v === found[0]) ? found[0]! : null;
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
  const content = msg.content ?? '';
  const object = verdictObject(content);
  if (object !== undefined) return object ? { verdict: object, how: 'object' } : { verdict: null, how: null };
  const word = verdictWord(finalLine(content));
  if (word) return { verdict: word, how: 'final-line' };
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
