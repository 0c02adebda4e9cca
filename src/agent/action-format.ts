import type { AssistantMessage, ChatMessage, ToolCall, ToolSpec } from '../model/index.js';
import type { ToolCallResult } from '../tools/index.js';

/**
 * The seam for action formats: how a model's reply becomes actions, and how an action's result
 * goes back to the model. Native tool calls are one; a text format (actions written in the
 * reply's content) is another.
 */
export interface ActionFormat {
  readonly name: string;
  /** The request's `tools`: native tool calls send the specs; a text format may send none. */
  tools(specs: readonly ToolSpec[]): ToolSpec[] | undefined;
  /** The reply as actions, as a final answer (no action), or as a format error to tell the model. */
  parse(reply: AssistantMessage): ParsedReply;
  /** The message that carries one action's result back to the model. */
  observation(result: ToolCallResult): ChatMessage;
  /** What the model must be told to act in this format (added to the first turn by `runLoop`). */
  instructions?(specs: readonly ToolSpec[]): string | undefined;
}

export type ParsedReply =
  | { kind: 'actions'; calls: ToolCall[] }
  | { kind: 'answer'; text: string }
  /** The reply could not be read as actions; `feedback` goes back as a user turn, the loop goes on. */
  | { kind: 'format_error'; feedback: string };

/** OpenAI-style function calling: `tool_calls` on the reply, a `tool` message per result. */
export const nativeToolCalls: ActionFormat = {
  name: 'native',
  tools: (specs) => [...specs],
  parse: (reply) =>
    reply.toolCalls?.length
      ? { kind: 'actions', calls: reply.toolCalls }
      : { kind: 'answer', text: reply.content ?? '' },
  observation: (result) => result.message,
};
