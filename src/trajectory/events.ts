/**
 * The trajectory's event vocabulary. One JSON object per line; every event carries the
 * envelope (`v`, `seq`, `ts`, `type`). Payloads are plain data so a report, a replay or a
 * person with `jq` can read them without this code.
 */

import type {
  BudgetExceededEvent,
  ModelCompactedEvent,
  ModelErrorEvent,
  ModelReplyEvent,
  ModelRequestEvent,
  ModelRetryEvent,
} from '../model/index.js';

export type {
  BudgetExceededEvent,
  ModelCompactedEvent,
  ModelErrorEvent,
  ModelReplyEvent,
  ModelRequestEvent,
  ModelRetryEvent,
  RecordedMessage,
  RecordedToolCall,
  TokenUsage,
} from '../model/index.js';

export const TRAJECTORY_FORMAT_VERSION = 1;

export interface RunStartEvent {
  type: 'run.start';
  runId: string;
  model: string;
  /** True when the replies come from a scripted model, not a real one. */
  scripted: boolean;
  task?: string;
  /** Settings worth keeping with the record (never secrets such as API keys). */
  settings?: Record<string, unknown>;
}

export interface PolicyDecisionRecord {
  decision: 'allow' | 'ask' | 'deny';
  rule: string | null;
  reason: string;
}

export interface ResourceUsageRecord {
  wallMs: number;
  cpuMs?: number;
  peakMemoryBytes?: number;
  killedBy?: 'oom' | 'timeout' | 'pids' | null;
  /** How the sandbox enforced the call's limits (`per-call-cgroup` or `container-update`). */
  mode?: string;
  /** The limits the call ran under (a report draws usage against them). */
  limits?: { memoryBytes?: number; cpus?: number; pids?: number; timeoutMs?: number };
}

export interface ToolCallEvent {
  type: 'tool.call';
  callId: string;
  tool: string;
  /** Parsed arguments, or the raw text when they did not parse. */
  args: unknown;
  policy: PolicyDecisionRecord | null;
  resources: ResourceUsageRecord | null;
  exitCode?: number | null;
  observation: string;
  observationTruncated?: boolean;
  isError: boolean;
}

export interface RewardEvent {
  type: 'reward';
  value: number;
  source: string;
  components?: Record<string, number>;
}

export interface TestResultEvent {
  type: 'test.result';
  command: string;
  passed: number;
  failed: number;
  errored?: number;
  tests?: { name: string; status: 'pass' | 'fail' | 'error' | 'skip' }[];
}

export interface PatchEvent {
  type: 'patch';
  diff: string;
  files: string[];
}

export interface NoteEvent {
  type: 'note';
  message: string;
}

/** A milestone of the agent's controller (`src/agent`): which stage, what it found. */
export interface StageEvent {
  type: 'stage';
  stage: string;
  message: string;
  data?: Record<string, unknown>;
}

/** A candidate patch's outcome in validation or selection, with the reason. */
export interface CandidateEvent {
  type: 'candidate';
  id: string;
  status: 'validated' | 'rejected' | 'selected' | 'not_selected';
  reason: string;
  votes?: number;
  parses?: boolean | null;
  reward?: number | null;
  regressions?: string[] | null;
  reproduces?: boolean | null;
  patch?: string;
}

export type RunStatus = 'success' | 'failed' | 'budget_exceeded' | 'error' | 'cancelled';

export interface RunEndEvent {
  type: 'run.end';
  status: RunStatus;
  reason: string;
  errorCode?: string;
  totals?: { turns: number; tokens: number; costUsd: number | null };
}

export type TrajectoryEventBody =
  | RunStartEvent
  | ModelRequestEvent
  | ModelRetryEvent
  | ModelReplyEvent
  | ModelErrorEvent
  | ModelCompactedEvent
  | BudgetExceededEvent
  | ToolCallEvent
  | RewardEvent
  | TestResultEvent
  | PatchEvent
  | NoteEvent
  | StageEvent
  | CandidateEvent
  | RunEndEvent;

export interface EventEnvelope {
  /** Format version of the line. */
  v: number;
  /** 0, 1, 2, ... in write order: a gap means a line was lost. */
  seq: number;
  /** ISO-8601 UTC time the event was written. */
  ts: string;
}

export type TrajectoryEvent = TrajectoryEventBody & EventEnvelope;
