// The OpenAI wire format, kept in this one file: conversions to and from the layer's own types.
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { RecordedMessage } from '../core/index.js';
import type { AssistantMessage, ChatMessage, Choice, Usage } from './types.js';

export function toWire(m: ChatMessage): ChatCompletionMessageParam {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: m.content,
        ...(m.toolCalls?.length
          ? {
              tool_calls: m.toolCalls.map((c) => ({
                id: c.id,
                type: 'function' as const,
                function: { name: c.name, arguments: c.arguments },
              })),
            }
          : {}),
      };
  }
}

export function recordMessage(m: ChatMessage): RecordedMessage {
  switch (m.role) {
    case 'tool':
      return { role: 'tool', content: m.content, toolCallId: m.toolCallId };
    case 'assistant':
      return {
        role: 'assistant',
        content: m.content,
        ...(m.toolCalls?.length ? { toolCalls: m.toolCalls } : {}),
        ...(m.reasoning ? { reasoning: m.reasoning } : {}),
      };
    default:
      return { role: m.role, content: m.content };
  }
}

export function fromWire(choice: ChatCompletion.Choice, turn: number, index: number): Choice {
  const calls = (choice.message.tool_calls ?? []).flatMap((c, i) =>
    c.type === 'function'
      ? [
          {
            // Some local servers omit ids; the tool message must still name its call.
            id: c.id || `call_${turn}_${index}_${i}`,
            name: c.function.name,
            arguments: c.function.arguments ?? '',
          },
        ]
      : [],
  );
  const field = reasoningOf(choice.message as unknown as Record<string, unknown>);
  const inline = splitInlineReasoning(choice.message.content ?? null);
  const reasoning = field.reasoning ?? inline.reasoning;
  const message: AssistantMessage = {
    role: 'assistant',
    content: inline.content,
    ...(calls.length ? { toolCalls: calls } : {}),
    ...(reasoning ? { reasoning } : {}),
  };
  return { message, finishReason: choice.finish_reason ?? null };
}

/** DeepSeek and vLLM send `reasoning_content`; OpenRouter and Ollama `reasoning`; some `thinking`. */
function reasoningOf(m: Record<string, unknown>): { reasoning?: string } {
  for (const key of ['reasoning_content', 'reasoning', 'thinking']) {
    const v = m[key];
    if (typeof v === 'string' && v !== '') return { reasoning: v };
    if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string')
      return { reasoning: (v as { content: string }).content };
  }
  return {};
}

/** `<think>`, `<thinking>` or `<reasoning>` opening a reply, and its closing tag. */
const OPEN_REASONING = /^\s*<(think|thinking|reasoning)>/i;

/**
 * A reasoning model served without a reasoning parser (vLLM or SGLang without
 * `--reasoning-parser`, some Ollama and OpenRouter routes) writes its thinking into the content:
 * `<think>…</think>` before the answer, or only `…</think>` when the chat template already
 * opened the tag. The thinking holds drafts (half-written edit blocks, file names considered and
 * dropped), not the answer, so it is moved to `reasoning`, where an endpoint that parses it puts
 * it. A reply cut off inside its thinking has no answer yet: its content is empty.
 */
export function splitInlineReasoning(content: string | null): { content: string | null; reasoning?: string } {
  if (!content) return { content };
  const open = OPEN_REASONING.exec(content);
  if (open) {
    const start = open[0].length;
    const close = content.toLowerCase().indexOf(`</${open[1]!.toLowerCase()}>`, start);
    if (close < 0) return { content: '', reasoning: content.slice(start).trim() };
    return {
      content: content.slice(close + open[1]!.length + 3).replace(/^\s*\n/, ''),
      reasoning: content.slice(start, close).trim(),
    };
  }
  // The template opened the tag: only the closing one is in the reply.
  const close = content.indexOf('</think>');
  if (close >= 0 && !content.slice(0, close).includes('<think>'))
    return {
      content: content.slice(close + 8).replace(/^\s*\n/, ''),
      reasoning: content.slice(0, close).trim(),
    };
  return { content };
}

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function usageOf(c: ChatCompletion, request: ChatCompletionCreateParamsNonStreaming): Usage {
  if (c.usage) {
    const promptTokens = c.usage.prompt_tokens ?? 0;
    const completionTokens = c.usage.completion_tokens ?? 0;
    return {
      promptTokens,
      completionTokens,
      totalTokens: c.usage.total_tokens ?? promptTokens + completionTokens,
    };
  }
  const promptTokens = estimateTokens(JSON.stringify(request.messages));
  const completionTokens = estimateTokens(JSON.stringify(c.choices.map((ch) => ch.message)));
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    ...(a.estimated || b.estimated ? { estimated: true } : {}),
  };
}
