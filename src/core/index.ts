// The shared vocabulary every layer may use: errors, progress, the workspace path, prompts,
// the conversation's messages and the trajectory's events. Depends on nothing in src.
export { DrydockError, NotBuiltError } from './errors.js';
export { type Progress, stderrProgress, silentProgress } from './progress.js';
export { WORKSPACE, workspacePath, workspaceRelative } from './workspace.js';
export {
  HostCommandError,
  onHostPath,
  pipeFromHost,
  runHost,
  runHostLogged,
  runHostSync,
  startHostDaemon,
  streamHost,
  type HostCommandOptions,
  type HostResult,
} from './host-process.js';
export { renderPrompt, renderTemplate, loadPromptTemplate, DEFAULT_PROMPTS_DIR } from './prompts.js';
export {
  observationMessage,
  type AssistantMessage,
  type ChatMessage,
  type JsonSchemaObject,
  type ToolCall,
  type ToolObservation,
  type ToolSpec,
} from './messages.js';
export type {
  BudgetExceededEvent,
  BudgetLimit,
  CandidateEvent,
  Decision,
  EventEnvelope,
  KilledBy,
  ModelErrorEvent,
  ModelEvent,
  ModelReplyEvent,
  ModelRequestEvent,
  ModelRetryEvent,
  NoteEvent,
  PatchEvent,
  PolicyDecisionEvent,
  RecordedMessage,
  RecordedToolCall,
  ResourceLimits,
  ResourceUsage,
  ResourceUsageRecord,
  RewardEvent,
  RunEndEvent,
  RunStartEvent,
  RunStatus,
  StageEvent,
  TestResultEvent,
  TokenUsage,
  ToolCallEvent,
  TrajectoryEvent,
  TrajectoryEventBody,
  Verdict,
} from './events.js';
