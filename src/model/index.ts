// The model layer's public surface: an OpenAI-compatible client with retries and a budget,
// and the scripted model. Messages, tool specs, prompts and events are core's vocabulary.
export type {
  ChatMessage,
  AssistantMessage,
  ToolCall,
  ToolSpec,
  JsonSchemaObject,
  Usage,
  CompletionRequest,
  Choice,
  Completion,
  ToolObservation,
} from './types.js';
export { observationMessage } from '../core/index.js';
export type {
  ModelEvent,
  ModelRequestEvent,
  ModelRetryEvent,
  ModelReplyEvent,
  ModelErrorEvent,
  ModelCompactedEvent,
  BudgetExceededEvent,
  RecordedMessage,
  RecordedToolCall,
  TokenUsage,
} from '../core/index.js';
export { ModelRequestError, BudgetExceededError, type BudgetLimit } from './errors.js';
export { Budget, type BudgetLimits, type BudgetSpent } from './budget.js';
export { type Price, type PriceTable, findPrice, costOf } from './pricing.js';
export {
  type ModelConfig,
  type ModelFlags,
  type SamplesMode,
  resolveModelConfig,
  describeModelConfig,
  defaultConfigPaths,
  loadConfigFile,
  modelConfig,
} from './config.js';
export { parseRetryAfter, classifyFailure, backoffMs } from './retry.js';
export { ModelClient, type ModelClientOptions } from './client.js';
export { recordMessage } from './wire.js';
// Defined in core (the tools layer renders prompts too); also exported here for the model's callers.
export { renderPrompt, renderTemplate, loadPromptTemplate, DEFAULT_PROMPTS_DIR } from '../core/index.js';
export { parseTextToolCalls } from './text-tool-calls.js';
export { ScriptedModelServer, type ScriptedServerOptions, type RecordedRequest } from './scripted/server.js';
export {
  parseScript,
  loadScript,
  FAULT_KINDS,
  type FaultKind,
  type Script,
  type ScriptInput,
} from './scripted/script.js';
export type { InjectedFault } from './scripted/server.js';
export { openModel, type OpenModel } from './open.js';
