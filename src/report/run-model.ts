import type {
  CandidateEvent,
  LspProcessEvent,
  ModelReplyEvent,
  ModelRequestEvent,
  PatchEvent,
  RunEndEvent,
  TestResultEvent,
  ToolCallEvent,
} from '../core/index.js';
import type { TrajectoryEvent, TrajectoryReadResult } from '../trajectory/index.js';

/**
 * What a fix run's page shows, derived from its trajectory alone (pure), so a crashed run,
 * a run of an older drydock, or a generated one render the same way.
 */
export interface RunModel {
  runId: string;
  model: string;
  scripted: boolean;
  task: string;
  /** The first user message the model saw (the issue inside drydock's prompt). */
  issuePrompt: string | null;
  settings: Record<string, unknown>;
  startedAt: string | null;
  /** Milliseconds from the first to the last event. */
  durationMs: number;
  end: { status: RunEndEvent['status']; reason: string; totals: RunEndEvent['totals'] | null } | null;
  /** Set when the trajectory has no `run.end`: where it stopped (`stage`: the last milestone's). */
  crash: { lastSeq: number; lastType: string; lastTs: string; stage: string | null; detail: string } | null;
  skipped: { line: number; reason: string }[];
  stages: StageSpan[];
  localization: Localization;
  candidates: CandidateRow[];
  tests: TestRow[];
  review: ReviewRound[];
  toolCalls: ToolCallRow[];
  /** Language-server processes (recorded since `lsp.process` was added; older runs have none). */
  lspProcesses: LspProcessRow[];
  patch: { diff: string; files: string[] } | null;
  notes: { ts: number; message: string }[];
  totals: { turns: number; promptTokens: number; completionTokens: number; costUsd: number | null };
}

export interface StageSpan {
  name: string;
  /** Milliseconds since the run started. */
  startMs: number;
  endMs: number;
  messages: string[];
  turns: number;
  promptTokens: number;
  completionTokens: number;
  /** null when a reply's cost was unknown. */
  costUsd: number | null;
  /** The stage had begun but the trajectory ends inside it. */
  unfinished: boolean;
}

export interface Localization {
  ranking: { path: string; score: number; reasons: string[] }[];
  chunks: { path: string; symbol?: string; start: number; end: number; score: number }[];
  files: string[];
  elements: { path: string; start: number; end: number }[];
  locations: { path: string; start: number; end: number }[][];
}

export type CandidateOutcome = 'selected' | 'rejected' | 'not selected' | 'validated' | 'not validated';

export interface CandidateRow {
  id: string;
  outcome: CandidateOutcome;
  /** Why it won or lost, in the agent's words. */
  reason: string;
  votes: number | null;
  parses: boolean | null;
  reward: number | null;
  regressions: string[] | null;
  reproduces: boolean | null;
  patch: string;
}

export interface TestRow {
  ms: number;
  stage: string;
  command: string;
  passed: number;
  failed: number;
  errored: number;
  tests: { name: string; status: string }[];
}

export interface ToolCallRow {
  /** 0-based order in the run. */
  index: number;
  callId: string;
  tool: string;
  args: string;
  stage: string;
  /** Review round, when the call came from one. */
  round: number | null;
  startMs: number;
  endMs: number;
  wallMs: number | null;
  cpuMs: number | null;
  peakMemoryBytes: number | null;
  memoryLimitBytes: number | null;
  cpuLimit: number | null;
  timeoutMs: number | null;
  killedBy: string | null;
  decision: 'allow' | 'ask' | 'deny' | null;
  rule: string | null;
  policyReason: string | null;
  exitCode: number | null;
  isError: boolean;
  observation: string;
  observationTruncated: boolean;
}

export interface LspProcessRow {
  index: number;
  server: string;
  version: string | null;
  stage: string;
  startMs: number;
  endMs: number;
  wallMs: number;
  cpuMs: number | null;
  peakMemoryBytes: number | null;
  memoryLimitBytes: number | null;
  cpuLimit: number | null;
  processes: number | null;
  ended: LspProcessEvent['ended'];
  killedBy: string | null;
  endReason: string | null;
  measured: string;
}

export interface ReviewRound {
  round: number;
  summary: string | null;
  /** The model's words in this round (tool calls are listed apart). */
  replies: string[];
  toolCalls: number[];
}

const at = (ts: string) => Date.parse(ts);

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
}

/**
 * Each event belongs to the stage of the next `stage` event: the agent writes a stage's
 * milestone after its work (localize's model calls come before "files: …"). What follows the
 * last milestone belongs to the stage after it, or to none when the run ended there.
 */
function stageOf(events: TrajectoryEvent[]): (string | null)[] {
  const out: (string | null)[] = new Array<string | null>(events.length).fill(null);
  let next: string | null = null;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === 'stage') next = e.stage;
    out[i] = next;
  }
  return out;
}

function emptyLocalization(): Localization {
  return { ranking: [], chunks: [], files: [], elements: [], locations: [] };
}

function candidateRows(events: CandidateEvent[]): CandidateRow[] {
  const rows = new Map<string, CandidateRow>();
  for (const e of events) {
    let row = rows.get(e.id);
    if (!row) {
      row = {
        id: e.id,
        outcome: 'not validated',
        reason: '',
        votes: null,
        parses: null,
        reward: null,
        regressions: null,
        reproduces: null,
        patch: '',
      };
      rows.set(e.id, row);
    }
    if (e.votes !== undefined) row.votes = e.votes;
    if (e.parses !== undefined) row.parses = e.parses;
    if (e.reward !== undefined) row.reward = e.reward;
    if (e.regressions !== undefined) row.regressions = e.regressions;
    if (e.reproduces !== undefined) row.reproduces = e.reproduces;
    if (e.patch) row.patch = e.patch;
    // A later verdict (selection) replaces an earlier one (validation), except that a
    // rejection keeps its own reason when selection only repeats it.
    if (e.status === 'selected') row.outcome = 'selected';
    else if (e.status === 'rejected') row.outcome = 'rejected';
    else if (e.status === 'validated') row.outcome = 'validated';
    else if (e.status === 'not_selected' && row.outcome !== 'rejected') row.outcome = 'not selected';
    if (!(e.status === 'not_selected' && row.outcome === 'rejected' && row.reason)) row.reason = e.reason;
  }
  return [...rows.values()];
}

/** The run as its page shows it. Pure: a trajectory in, plain data out. */
export function buildRunModel(read: TrajectoryReadResult): RunModel {
  const events = read.events;
  const t0 = events.length ? at(events[0]!.ts) : 0;
  const rel = (ts: string) => Math.max(0, at(ts) - t0);
  const stages = stageOf(events);
  const start = events.find((e) => e.type === 'run.start');
  const end = events.find((e): e is TrajectoryEvent & RunEndEvent => e.type === 'run.end');
  const localization = emptyLocalization();
  const spans: StageSpan[] = [];
  const candidateEvents: CandidateEvent[] = [];
  const tests: TestRow[] = [];
  const toolCalls: ToolCallRow[] = [];
  const lspProcesses: LspProcessRow[] = [];
  const notes: RunModel['notes'] = [];
  const review: ReviewRound[] = [];
  const totals: RunModel['totals'] = { turns: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
  let patch: RunModel['patch'] = null;
  let issuePrompt: string | null = null;
  let round: ReviewRound | null = null;
  let lastEnd = 0;

  const span = (name: string, ms: number): StageSpan => {
    let s = spans.at(-1);
    if (!s || s.name !== name) {
      s = {
        name,
        startMs: lastEnd,
        endMs: ms,
        messages: [],
        turns: 0,
        promptTokens: 0,
        completionTokens: 0,
        costUsd: 0,
        unfinished: false,
      };
      spans.push(s);
    }
    s.endMs = Math.max(s.endMs, ms);
    lastEnd = s.endMs;
    return s;
  };
  const reviewRound = (): ReviewRound => {
    if (!round) {
      round = { round: review.length + 1, summary: null, replies: [], toolCalls: [] };
      review.push(round);
    }
    return round;
  };

  events.forEach((e, i) => {
    const ms = rel(e.ts);
    const stageName = stages[i] ?? (end ? 'output' : 'unfinished');
    const s = e.type === 'run.start' ? null : span(stageName, ms);
    switch (e.type) {
      case 'stage': {
        s!.messages.push(e.message);
        const d = (e.data ?? {}) as Record<string, unknown>;
        if (Array.isArray(d.ranking)) localization.ranking = d.ranking as Localization['ranking'];
        if (Array.isArray(d.chunks)) localization.chunks = d.chunks as Localization['chunks'];
        if (e.stage === 'localize') {
          if (Array.isArray(d.files)) localization.files = d.files as string[];
          if (Array.isArray(d.elements)) localization.elements = d.elements as Localization['elements'];
          if (Array.isArray(d.locations)) localization.locations = d.locations as Localization['locations'];
        }
        if (e.stage === 'review') {
          reviewRound().summary = e.message;
          round = null;
        }
        break;
      }
      case 'model.request': {
        const req = e as TrajectoryEvent & ModelRequestEvent;
        if (issuePrompt === null) {
          const user = req.messages.find((m) => m.role === 'user');
          if (user?.content) issuePrompt = user.content;
        }
        break;
      }
      case 'model.reply': {
        const r = e as TrajectoryEvent & ModelReplyEvent;
        s!.turns++;
        s!.promptTokens += r.usage.promptTokens;
        s!.completionTokens += r.usage.completionTokens;
        totals.turns++;
        totals.promptTokens += r.usage.promptTokens;
        totals.completionTokens += r.usage.completionTokens;
        if (r.costUsd === null) {
          s!.costUsd = null;
          totals.costUsd = null;
        } else {
          if (s!.costUsd !== null) s!.costUsd += r.costUsd;
          if (totals.costUsd !== null) totals.costUsd += r.costUsd;
        }
        if (stageName === 'review') {
          const words = r.choices.map((c) => c.message.content ?? '').filter((t) => t.trim() !== '');
          reviewRound().replies.push(...words);
        }
        break;
      }
      case 'candidate':
        candidateEvents.push(e as TrajectoryEvent & CandidateEvent);
        break;
      case 'test.result': {
        const t = e as TrajectoryEvent & TestResultEvent;
        tests.push({
          ms,
          stage: stageName,
          command: t.command,
          passed: t.passed,
          failed: t.failed,
          errored: t.errored ?? 0,
          tests: t.tests ?? [],
        });
        break;
      }
      case 'tool.call': {
        const c = e as TrajectoryEvent & ToolCallEvent;
        const r = c.resources;
        const wall = num(r?.wallMs);
        const row: ToolCallRow = {
          index: toolCalls.length,
          callId: c.callId,
          tool: c.tool,
          args: str(c.args),
          stage: stageName,
          round: stageName === 'review' ? reviewRound().round : null,
          // The event is written when the call ends; it began wallMs before.
          startMs: Math.max(0, ms - (wall ?? 0)),
          endMs: ms,
          wallMs: wall,
          cpuMs: num(r?.cpuMs),
          peakMemoryBytes: num(r?.peakMemoryBytes),
          memoryLimitBytes: num(r?.limits?.memoryBytes),
          cpuLimit: num(r?.limits?.cpus),
          timeoutMs: num(r?.limits?.timeoutMs),
          killedBy: r?.killedBy ?? null,
          decision: c.policy?.decision ?? null,
          rule: c.policy?.rule ?? null,
          policyReason: c.policy?.reason ?? null,
          exitCode: c.exitCode ?? null,
          isError: c.isError,
          observation: c.observation,
          observationTruncated: c.observationTruncated === true,
        };
        toolCalls.push(row);
        if (row.round !== null) reviewRound().toolCalls.push(row.index);
        break;
      }
      case 'lsp.process': {
        const l = e as TrajectoryEvent & LspProcessEvent;
        const wall = num(l.wallMs) ?? 0;
        const began = Date.parse(l.startedAt);
        // The event is written when the process ends; its start is recorded too.
        const startMs = Number.isFinite(began) ? Math.max(0, began - t0) : Math.max(0, ms - wall);
        lspProcesses.push({
          index: lspProcesses.length,
          server: str(l.server),
          version: typeof l.version === 'string' ? l.version : null,
          stage: stageName,
          startMs,
          endMs: Math.max(startMs, ms),
          wallMs: wall,
          cpuMs: num(l.cpuMs),
          peakMemoryBytes: num(l.peakMemoryBytes),
          memoryLimitBytes: num(l.limits?.memoryBytes),
          cpuLimit: num(l.limits?.cpus),
          processes: num(l.processes),
          ended: l.ended,
          killedBy: l.killedBy ?? null,
          endReason: typeof l.endReason === 'string' ? l.endReason : null,
          measured: str(l.measured),
        });
        break;
      }
      case 'patch': {
        const p = e as TrajectoryEvent & PatchEvent;
        patch = { diff: p.diff, files: p.files };
        break;
      }
      case 'note':
        notes.push({ ts: ms, message: e.message });
        break;
      default:
        break;
    }
  });

  const last = events.at(-1);
  let crash: RunModel['crash'] = null;
  if (!end) {
    const lastSpan = spans.at(-1);
    if (lastSpan) lastSpan.unfinished = true;
    const lastStage = [...events].reverse().find((e) => e.type === 'stage');
    crash = {
      lastSeq: last?.seq ?? -1,
      lastType: last?.type ?? 'none',
      lastTs: last?.ts ?? '',
      stage: lastStage && lastStage.type === 'stage' ? lastStage.stage : null,
      detail: read.truncatedTail
        ? 'the last line was cut off while it was being written (the process died mid-write)'
        : 'no run.end event: the run was killed, crashed, or is still going',
    };
  }
  const startEvent = start && start.type === 'run.start' ? start : null;
  return {
    runId: startEvent?.runId ?? 'unknown',
    model: startEvent?.model ?? 'unknown',
    scripted: startEvent?.scripted ?? events.some((e) => e.type === 'model.reply' && e.scripted),
    task: startEvent?.task ?? '',
    issuePrompt,
    settings: startEvent?.settings ?? {},
    startedAt: events[0]?.ts ?? null,
    durationMs: last ? rel(last.ts) : 0,
    end: end ? { status: end.status, reason: end.reason, totals: end.totals ?? null } : null,
    crash,
    skipped: read.skipped,
    stages: spans,
    localization,
    candidates: candidateRows(candidateEvents),
    tests,
    review,
    toolCalls,
    lspProcesses,
    patch,
    notes,
    totals,
  };
}
