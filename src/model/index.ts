// The model layer's public surface: an OpenAI-compatible client with retries and a budget,
// prompt templates, tool-call checking, and the scripted model.
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
export { observationMessage } from './types.js';
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
} from './events.js';
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
export { renderPrompt, renderTemplate, loadPromptTemplate, DEFAULT_PROMPTS_DIR } from './prompts.js';
export { parseToolCall, type ParsedToolCall } from './tool-calls.js';
export { parseTextToolCalls } from './text-tool-calls.js';
export {
  truncateObservation,
  refusalObservation,
  type TruncateLimits,
  type PolicyRefusal,
} from './observations.js';
export { ScriptedModelServer, type ScriptedServerOptions, type RecordedRequest } from './scripted/server.js';
export { parseScript, loadScript, type Script, type ScriptInput } from './scripted/script.js';
export { openModel, type OpenModel } from './open.js';
