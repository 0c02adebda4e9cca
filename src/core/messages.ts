/**
 * The conversation's vocabulary, shared by the model (which sends and receives it) and the
 * tools (which answer tool calls). Small and provider-neutral; the wire format lives in
 * src/model only.
 */

export interface ToolCall {
  id: string;
  name: string;
  /** Raw argument text as the model sent it: it may not be valid JSON (the toolbox checks it). */
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

/**
 * What a tool call produced, as the model will see it. The tools layer builds these; a
 * `tool` message carries them back to the model.
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
