/**
 * The trajectory's event vocabulary is defined in src/core (every layer reports in it);
 * this layer adds the line format's version and writes, reads and prints the events.
 */
export type {
  BudgetExceededEvent,
  CandidateEvent,
  EventEnvelope,
  ModelCompactedEvent,
  ModelErrorEvent,
  ModelReplyEvent,
  ModelRequestEvent,
  ModelRetryEvent,
  NoteEvent,
  PatchEvent,
  PolicyDecisionEvent,
  RecordedMessage,
  RecordedToolCall,
  ResourceUsageRecord,
  RewardEvent,
  RunEndEvent,
  RunStartEvent,
  RunStatus,
  StageEvent,
  TestResultEvent,
  TokenUsage,
  ToolCallEvent,
  LspProcessEvent,
  TrajectoryEvent,
  TrajectoryEventBody,
} from '../core/index.js';

export const TRAJECTORY_FORMAT_VERSION = 1;
