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
  const message: AssistantMessage = {
    role: 'assistant',
    content: choice.message.content ?? null,
    ...(calls.length ? { toolCalls: calls } : {}),
    ...reasoningOf(choice.message as unknown as Record<string, unknown>),
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
