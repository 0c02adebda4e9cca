/**
 * The trajectory's event vocabulary: what every layer may report about a run. The model
 * client emits the model events, the policy engine its decisions, the toolbox tool calls
 * with their resource usage, the agent stages, candidates and tests; the trajectory layer
 * writes them as JSONL with an envelope. Payloads are plain data so a report, a replay or a
 * person with `jq` can read them without this code.
 */

// ---- run ------------------------------------------------------------------------------

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

export type RunStatus = 'success' | 'failed' | 'budget_exceeded' | 'error' | 'cancelled';

export interface RunEndEvent {
  type: 'run.end';
  status: RunStatus;
  reason: string;
  errorCode?: string;
  totals?: { turns: number; tokens: number; costUsd: number | null };
}

// ---- model ----------------------------------------------------------------------------

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

/** Which of a run's budgets ran out. */
export type BudgetLimit = 'cost' | 'tokens' | 'turns';

export interface BudgetExceededEvent {
  type: 'budget.exceeded';
  limit: BudgetLimit;
  max: number;
  used: number;
  message: string;
}

/** Everything the model client reports as it happens. */
export type ModelEvent =
  | ModelRequestEvent
  | ModelRetryEvent
  | ModelReplyEvent
  | ModelErrorEvent
  | ModelCompactedEvent
  | BudgetExceededEvent;

// ---- policy ---------------------------------------------------------------------------

export type Decision = 'allow' | 'ask' | 'deny';

/** A policy decision: what, by which rule, and why. */
export interface Verdict {
  decision: Decision;
  /** Rule id (`default` when no rule matched; `shell:*` for parser findings). */
  rule: string;
  reason: string;
}

/** What a person may answer when the policy asks: allow this once, allow the rule(s) for the run, deny. */
export type ApprovalAnswer = 'once' | 'run' | 'deny';

/** How an `ask` was settled in an attended run; the event's decision is the outcome. */
export interface ApprovalRecord {
  answer: ApprovalAnswer;
  /** `person`: asked now; `run`: a person allowed these rules earlier in the run. */
  by: 'person' | 'run';
  /** The rules that asked. */
  rules: string[];
}

/** One decision of the policy engine, with a verdict for each part of the command. */
export interface PolicyDecisionEvent extends Verdict {
  type: 'policy.decision';
  command: string;
  parts: Array<{ part: string; kind: string } & Verdict>;
  /** Present when the engine asked and a person answered (attended runs only). */
  approval?: ApprovalRecord;
  /** The sandbox's network mode the command was decided under, when the caller gave it. */
  network?: 'none' | 'registries' | 'bridge';
}

// ---- tool calls and their resources ---------------------------------------------------

export type KilledBy = 'oom' | 'timeout' | 'pids';

/** What one sandbox call used, as the sandbox measured it. */
export interface ResourceUsage {
  wallMs: number;
  cpuMs: number;
  peakMemoryBytes: number;
  /** What the kernel or the sandbox ended the call for; null when it ended by itself. */
  killedBy: KilledBy | null;
}

/** The kernel-enforced limits of one sandbox call. */
export interface ResourceLimits {
  /** Memory (RSS + page cache) the call's processes may use together, in bytes. */
  memoryBytes?: number;
  /** CPU time per wall second, in cores (0.5 = half a core). */
  cpus?: number;
  /** Processes and threads the call may have alive at once. */
  pids?: number;
  /** Wall-clock time before the call's whole process tree is killed, in ms. */
  timeoutMs?: number;
}

/** A tool call's resources as recorded: wall time always, the rest when a sandbox call ran. */
export interface ResourceUsageRecord extends Partial<ResourceUsage> {
  wallMs: number;
  /** How the sandbox enforced the call's limits (`per-call-cgroup` or `container-update`). */
  mode?: string;
  /** The limits the call ran under (a report draws usage against them). */
  limits?: ResourceLimits;
}

export interface ToolCallEvent {
  type: 'tool.call';
  callId: string;
  tool: string;
  /** Parsed arguments, or the raw text when they did not parse. */
  args: unknown;
  policy: Verdict | null;
  resources: ResourceUsageRecord | null;
  exitCode?: number | null;
  observation: string;
  observationTruncated?: boolean;
  isError: boolean;
}

/**
 * One language-server process's life (written when it ends). Where the sandbox spawns it in a
 * cgroup of its own (per-call-cgroup mode) the usage and limits are that cgroup's; elsewhere
 * (container-update mode, HostSandbox) it is read from `/proc` just before drydock ends it.
 */
export interface LspProcessEvent {
  type: 'lsp.process';
  /** Server kind (`pyright`, `typescript-language-server`) and its pinned version. */
  server: string;
  version?: string;
  /** ISO-8601 time the process was started. */
  startedAt: string;
  wallMs: number;
  /** How it ended: shut down by drydock, killed by drydock, or died on its own (crash, OOM). */
  ended: 'closed' | 'killed' | 'crashed';
  /** CPU time of the server and its child processes; null when it could not be read. */
  cpuMs: number | null;
  /**
   * Sum of each process's own peak resident memory (`VmHWM`) in the server's process tree
   * when it was read: an upper bound of the tree's peak. null when it could not be read.
   */
  peakMemoryBytes: number | null;
  /** Processes in the tree when read (/proc readings only). */
  processes?: number;
  /** What ended it, when its own cgroup's limit did (spawned servers). */
  killedBy?: KilledBy | null;
  /** How it ended, in the sandbox's words (spawned servers): e.g. "killed by its own memory limit (64 MiB)". */
  endReason?: string;
  /** How the usage was measured, or why it was not. */
  measured: string;
  /** The limits it ran under: its own cgroup's, or the container's where it has none. */
  limits?: ResourceLimits;
}

export interface RewardEvent {
  type: 'reward';
  value: number;
  source: string;
  components?: Record<string, number>;
}

export interface PatchEvent {
  type: 'patch';
  diff: string;
  files: string[];
}

// ---- agent: stages, candidates, tests -------------------------------------------------

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

export interface TestResultEvent {
  type: 'test.result';
  command: string;
  passed: number;
  failed: number;
  errored?: number;
  tests?: { name: string; status: 'pass' | 'fail' | 'error' | 'skip' }[];
}

/**
 * One connection a sandbox in `registries` mode asked drydock's proxy for (sandbox
 * layer's EgressRecord), written when it has ended: allowed or refused, bytes both ways.
 */
export interface EgressEvent {
  type: 'egress';
  host: string;
  port: number;
  /** CONNECT (HTTPS tunnel) or the HTTP method of a plain request. */
  method: string;
  allowed: boolean;
  bytesUp: number;
  bytesDown: number;
  /** When the request arrived (the envelope's ts is when it ended). */
  at: string;
  error?: string;
  /** The sandbox (container id, 12 hex) it came from. */
  sandbox?: string;
}

export interface NoteEvent {
  type: 'note';
  message: string;
}

// ---- the union ------------------------------------------------------------------------

export type TrajectoryEventBody =
  | RunStartEvent
  | ModelEvent
  | PolicyDecisionEvent
  | ToolCallEvent
  | LspProcessEvent
  | RewardEvent
  | TestResultEvent
  | PatchEvent
  | NoteEvent
  | EgressEvent
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
