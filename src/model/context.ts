import type { ChatMessage, ToolSpec } from './types.js';
import { estimateTokens } from './wire.js';

/**
 * Token counting and compaction against a model's context window. Counts are estimates
 * (characters / 4, as for missing usage): no tokenizer is shipped for every model, and the
 * estimate errs on the side of the window by keeping a margin.
 */
export function estimateRequestTokens(
  messages: readonly ChatMessage[],
  tools: readonly ToolSpec[] = [],
): number {
  let chars = 0;
  for (const m of messages) {
    chars += 16 + (m.content?.length ?? 0);
    if (m.role === 'assistant')
      for (const c of m.toolCalls ?? []) chars += c.name.length + c.arguments.length + 24;
  }
  return Math.ceil(chars / 4) + (tools.length ? estimateTokens(JSON.stringify(tools)) : 0);
}

/** An endpoint's way of saying the request is longer than the model's context. */
export function isContextLengthError(message: string): boolean {
  return /context[_ ]length|context window|maximum context|too many tokens|prompt is too long|input is too long|reduce the length|max_?tokens.*exceed|exceeds? .*context/i.test(
    message,
  );
}

function shorten(text: string, keep: number): string {
  if (text.length <= keep + 120) return text;
  const head = Math.floor(keep * 0.4);
  const tail = keep - head;
  return (
    `${text.slice(0, head)}\n[shortened by drydock to fit the model's context window: ` +
    `${text.length - keep} of ${text.length} characters left out]\n${text.slice(text.length - tail)}`
  );
}

/**
 * Shortens messages until the estimate is at most `target` tokens: first the oldest
 * observations and turns (everything but the system prompt, the task and the last four
 * messages), then, if that is not enough, every message but the system prompt and the task,
 * the newest last. The conversation's shape (roles, tool-call ids) never changes.
 */
export function compactMessages(
  messages: readonly ChatMessage[],
  target: number,
  tools: readonly ToolSpec[] = [],
): { messages: ChatMessage[]; shortened: number } {
  const out = messages.map((m) => ({ ...m })) as ChatMessage[];
  const firstUser = out.findIndex((m) => m.role === 'user');
  const protectedIdx = new Set([...out.keys()].filter((i) => out[i]!.role === 'system' || i === firstUser));
  const changed = new Set<number>();
  const pass = (indices: number[], keep: number) => {
    for (const i of indices) {
      if (estimateRequestTokens(out, tools) <= target) return;
      const m = out[i]!;
      if (m.content === null || m.content.length <= keep + 120) continue;
      out[i] = { ...m, content: shorten(m.content, keep) } as ChatMessage;
      changed.add(i);
    }
  };
  const old = [...out.keys()].filter((i) => !protectedIdx.has(i) && i < out.length - 4);
  const recent = [...out.keys()].filter((i) => !protectedIdx.has(i) && i >= out.length - 4);
  pass(old, 2000);
  pass(old, 400);
  pass(recent, 4000);
  pass(recent, 1000);
  // Last resort: the task itself, keeping its head and tail.
  pass(
    [firstUser].filter((i) => i >= 0),
    4000,
  );
  return { messages: out, shortened: changed.size };
}
