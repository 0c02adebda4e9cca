/**
 * Events the model client reports as they happen. The trajectory layer records them as they
 * are (its event union includes these), so the client needs no knowledge of files or runs.
 */
import type { BudgetLimit } from './errors.js';

export interface RecordedToolCall {
  id: string;
  name: string;
  /** The raw argument text exactly as the model sent it (it may not be valid JSON). */
  arguments: string;
}

export interface RecordedMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  toolCalls?: RecordedToolCall[];
  toolCallId?: string;
  /** An assistant message's reasoning (`reasoning_content` and the like), as the endpoint sent it. */
  reasoning?: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** True when the endpoint sent no `usage` and the counts are estimates (characters / 4). */
  estimated?: boolean;
}

export interface ModelRequestEvent {
  type: 'model.request';
  turn: number;
  model: string;
  /** Messages in the request. */
  messageCount: number;
  /**
   * How many leading messages are the same as in this client's previous request and are not
   * repeated here; `messages` holds the rest. Replay: previous.slice(0, prefix) + messages.
   */
  prefix: number;
  messages: RecordedMessage[];
  tools: string[];
  n: number;
}

export interface ModelRetryEvent {
  type: 'model.retry';
  turn: number;
  attempt: number;
  reason: string;
  status: number | null;
  delayMs: number;
  /** Where the delay came from: the endpoint's Retry-After header or our own backoff. */
  delaySource: 'retry-after' | 'backoff';
}

export interface ModelReplyEvent {
  type: 'model.reply';
  turn: number;
  model: string;
  scripted: boolean;
  choices: { message: RecordedMessage; finishReason: string | null }[];
  usage: TokenUsage;
  /** USD, or null when the price table has no entry for the model. */
  costUsd: number | null;
  latencyMs: number;
  attempts: number;
}

export interface ModelErrorEvent {
  type: 'model.error';
  turn: number;
  code: string;
  message: string;
  attempts: number;
}

/** Old turns or long observations were shortened to keep a request inside the context window. */
export interface ModelCompactedEvent {
  type: 'model.compacted';
  turn: number;
  /** `window`: the estimate was over the limit before sending; `context-error`: the endpoint said so. */
  reason: 'window' | 'context-error';
  /** Estimated prompt tokens (characters / 4) before and after, and the window. */
  before: number;
  after: number;
  window: number | null;
  /** Messages whose text was shortened. */
  shortened: number;
}

export interface BudgetExceededEvent {
  type: 'budget.exceeded';
  limit: BudgetLimit;
  max: number;
  used: number;
  message: string;
}

export type ModelEvent =
  | ModelRequestEvent
  | ModelRetryEvent
  | ModelReplyEvent
  | ModelErrorEvent
  | ModelCompactedEvent
  | BudgetExceededEvent;
