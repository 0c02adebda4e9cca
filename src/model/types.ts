/**
 * The model layer's request and completion types. The messages and tool specs they carry are
 * core's (shared with the tools); conversion to the wire format lives in client.ts only.
 */

export type {
  AssistantMessage,
  ChatMessage,
  JsonSchemaObject,
  ToolCall,
  ToolObservation,
  ToolSpec,
} from '../core/index.js';
export type { TokenUsage as Usage } from '../core/index.js';
import type { AssistantMessage, ChatMessage, TokenUsage as Usage, ToolSpec } from '../core/index.js';

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
