/**
 * The model layer's own message types. They mirror OpenAI chat completions but stay small and
 * provider-neutral; conversion to the wire format lives in client.ts only.
 */

export interface ToolCall {
  id: string;
  name: string;
  /** Raw argument text as the model sent it: it may not be valid JSON (see parseToolCall). */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | {
      role: 'assistant';
      content: string | null;
      toolCalls?: ToolCall[];
      /** The model's reasoning as the endpoint returned it (`reasoning_content`, `reasoning`); kept for the record, never sent back. */
      reasoning?: string;
    }
  | { role: 'tool'; toolCallId: string; content: string };

export type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;

/** A tool the model may call: name, description, and a JSON Schema for its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchemaObject;
}

export interface JsonSchemaObject {
  type: 'object';
  properties?: Record<string, { type?: string; description?: string; [k: string]: unknown }>;
  required?: string[];
  [k: string]: unknown;
}

export type { TokenUsage as Usage } from './events.js';
import type { TokenUsage as Usage } from './events.js';

export interface CompletionRequest {
  messages: ChatMessage[];
  tools?: ToolSpec[];
  /** Samples wanted (default 1). Sent as `n` when the endpoint honours it, else parallel requests. */
  n?: number;
  temperature?: number;
  maxTokens?: number;
  toolChoice?: 'auto' | 'none' | 'required';
}

export interface Choice {
  message: AssistantMessage;
  finishReason: string | null;
}

export interface Completion {
  choices: Choice[];
  usage: Usage;
  /** USD, or null when the price table has no entry for the model. */
  costUsd: number | null;
  /** The model name the endpoint reported (for the scripted model: `scripted:<file>`). */
  model: string;
  scripted: boolean;
  /** HTTP attempts this completion took (over all parallel requests). */
  attempts: number;
  latencyMs: number;
  turn: number;
}

/**
 * What a tool call produced, as the model will see it. The tools layer builds these; the
 * model layer turns them into `tool` messages.
 */
export interface ToolObservation {
  toolCallId: string;
  /** Text for the model; already truncated by the tool, with the truncation said in it. */
  content: string;
  /** True when the call did not do what was asked (bad arguments, denied, failed). */
  isError: boolean;
}

export function observationMessage(obs: ToolObservation): ChatMessage {
  return { role: 'tool', toolCallId: obs.toolCallId, content: obs.content };
}
