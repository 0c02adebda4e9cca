import {
  BudgetExceededError,
  type AssistantMessage,
  type ChatMessage,
  type Completion,
  type CompletionRequest,
  type ToolCall,
  type ToolSpec,
} from '../model/index.js';
import type { ToolCallResult } from '../tools/index.js';
import { nativeToolCalls, type ActionFormat } from './action-format.js';
import { asFinalAnswer } from './final-answer.js';
import { textActions } from './text-format.js';

export { nativeToolCalls, type ActionFormat, type ParsedReply } from './action-format.js';

/**
 * The model ↔ tools conversation, in the shape of mini-swe-agent's `agents/default.py`:
 * `runLoop → step → query → execute`. It knows nothing of what the conversation is for
 * (review, environment setup, ...): the caller brings the messages so far, the model, the tools
 * and the limits, and gets back a typed outcome, the whole conversation and every action run.
 *
 * The loop ends with one of:
 * - `submitted`: a tool call (`submit`) produced the final patch;
 * - `answered`: the model replied without an action (its text is the answer);
 * - `step_limit`: `maxSteps` model turns were taken without either;
 * - `budget_spent`: the budget refused the next model request;
 * - `time_limit`: `timedOut()` said so before a model turn.
 * Any other error (a tool's infrastructure failure, a model request that failed) is thrown.
 */
export async function runLoop(start: readonly ChatMessage[], options: LoopOptions): Promise<LoopResult> {
  const opts: ResolvedLoopOptions = {
    ...options,
    format: options.format ?? actionFormat(options.model.actionFormat),
  };
  const state: LoopState = { messages: withInstructions(start, opts), actions: [], steps: 0 };
  for (;;) {
    const outcome = await step(state, opts);
    if (outcome) return { outcome, ...state };
  }
}

/** One turn: check the limits, ask the model, run what it asked for. An outcome ends the loop. */
async function step(state: LoopState, opts: ResolvedLoopOptions): Promise<LoopOutcome | null> {
  if (state.steps >= opts.maxSteps) return { kind: 'step_limit', limit: opts.maxSteps };
  if (opts.timedOut?.()) return { kind: 'time_limit' };
  let reply: AssistantMessage;
  try {
    reply = await query(state, opts);
  } catch (err) {
    if (err instanceof BudgetExceededError) return { kind: 'budget_spent', error: err };
    throw err;
  }
  const parsed = opts.format.parse(reply);
  switch (parsed.kind) {
    case 'answer':
      return { kind: 'answered', text: parsed.text };
    case 'format_error':
      state.messages.push({ role: 'user', content: parsed.feedback });
      return null;
    case 'actions':
      return execute(state, opts, parsed.calls);
  }
}

/** The model's next reply, appended to the conversation. */
async function query(state: LoopState, opts: ResolvedLoopOptions): Promise<AssistantMessage> {
  const c = await opts.model.complete({
    messages: state.messages,
    tools: opts.format.tools(opts.tools.specs),
  });
  state.steps += 1;
  const reply = c.choices[0]!.message;
  state.messages.push(reply);
  return reply;
}

/** Every action of one reply, in order; their results go back into the conversation. */
async function execute(
  state: LoopState,
  opts: ResolvedLoopOptions,
  calls: ToolCall[],
): Promise<LoopOutcome | null> {
  let submitted: { patch: string; files: string[] } | null = null;
  const names = opts.tools.specs.map((s) => s.name);
  // A final answer written as a shell command (SWE-agent's `submit`, mini-swe-agent's echo) is one.
  for (const call of calls.map((c) => asFinalAnswer(c, names))) {
    const result = await opts.tools.run(call);
    state.messages.push(opts.format.observation(result));
    state.actions.push({ call, result });
    if (result.submitted) submitted = result.submitted;
  }
  return submitted ? { kind: 'submitted', ...submitted } : null;
}

export interface LoopOptions {
  /** `actionFormat`: the model's configured format (a `ModelClient` has it), used when `format` is not given. */
  model: { complete(request: CompletionRequest): Promise<Completion>; actionFormat?: 'native' | 'text' };
  /** What runs the actions: a `Toolbox` (policy → sandbox), or anything with its `specs` and `run`. */
  tools: { readonly specs: readonly ToolSpec[]; run(call: ToolCall): Promise<ToolCallResult> };
  /**
   * How replies become actions and results go back. Absent: the model's configured format
   * (`model.action_format` / `--action-format`), else native tool calls (`actionFormat()`).
   */
  format?: ActionFormat;
  /** Model turns this run may take. */
  maxSteps: number;
  /** Checked before each model turn; true ends the loop with `time_limit`. */
  timedOut?: () => boolean;
}

export type LoopOutcome =
  | { kind: 'submitted'; patch: string; files: string[] }
  | { kind: 'answered'; text: string }
  | { kind: 'step_limit'; limit: number }
  | { kind: 'budget_spent'; error: BudgetExceededError }
  | { kind: 'time_limit' };

export interface LoopResult {
  outcome: LoopOutcome;
  /** The whole conversation: the messages given, then every reply and observation. */
  messages: ChatMessage[];
  /** Every action run, in order, with its result (policy decision included). */
  actions: { call: ToolCall; result: ToolCallResult }[];
  /** Model turns taken. */
  steps: number;
}

type ResolvedLoopOptions = LoopOptions & { format: ActionFormat };

/**
 * The format's own instructions (a text format says how to write an action), added once to the
 * last user message of the conversation given, so every caller of the loop gets them.
 */
function withInstructions(start: readonly ChatMessage[], opts: ResolvedLoopOptions): ChatMessage[] {
  const messages = [...start];
  const text = opts.format.instructions?.(opts.tools.specs);
  if (!text || messages.some((m) => typeof m.content === 'string' && m.content.includes(text)))
    return messages;
  const i = messages.findLastIndex((m) => m.role === 'user');
  if (i < 0) messages.push({ role: 'user', content: text });
  else messages[i] = { ...messages[i]!, content: `${messages[i]!.content ?? ''}\n\n${text}` } as ChatMessage;
  return messages;
}

interface LoopState {
  messages: ChatMessage[];
  actions: { call: ToolCall; result: ToolCallResult }[];
  steps: number;
}

/**
 * The format a name stands for: `text` (actions written in the reply, `text-format.ts`) or
 * `native` (the default). What `--action-format` and `model.action_format` choose.
 */
export function actionFormat(name: 'native' | 'text' | undefined): ActionFormat {
  return name === 'text' ? textActions() : nativeToolCalls;
}
