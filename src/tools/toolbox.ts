import {
  DrydockError,
  observationMessage,
  renderPrompt,
  WORKSPACE,
  type ChatMessage,
  type ResourceUsageRecord,
  type ToolCall,
  type ToolCallEvent,
  type ToolObservation,
  type ToolSpec,
  type TrajectoryEventBody,
} from '../core/index.js';
import type { DiagnosticsSession, ProcessReward } from '../lsp/index.js';
import {
  listEntries,
  MAX_UNPACK_BYTES,
  toAuditEvent,
  type Action,
  type Entry,
  type NetworkMode,
  type PolicyDecision,
  type PolicyGate,
} from '../policy/index.js';
import { DEFAULT_LIMITS, shellQuote, type ExecLimits, type Sandbox } from '../sandbox/index.js';
import { bashTool } from './bash.js';
import { hostDecompress } from './decompress.js';
import { diagnosticsTool } from './diagnostics.js';
import { editTool } from './edit.js';
import { refusalObservation, truncateObservation } from './observations.js';
import { parseToolCall } from './parse-call.js';
import { excludedTools, type ToolPreset } from './presets.js';
import { runTestsTool } from './run-tests.js';
import { SandboxSymbols } from './sandbox-symbols.js';
import { searchTool } from './search.js';
import { submitTool } from './submit.js';
import type { TestCommand, Tool, ToolContext, ToolOutcome } from './tool.js';
import { viewTool } from './view.js';

/** Limits for the model's own commands unless the caller gives others. */
export const DEFAULT_TOOL_LIMITS: ExecLimits = { timeoutMs: 120_000, maxOutputBytes: 256 * 1024 };

/**
 * Environment of the commands tools run. Python's bytecode caches would otherwise land in
 * the final patch of a repository whose .gitignore does not list them (the diff includes
 * untracked files).
 */
export const TOOL_ENV: Record<string, string> = { PYTHONDONTWRITEBYTECODE: '1' };

/** A name looked up as a login shell and an interactive one would find it too (their profiles may add to PATH). */
const LOGIN_LOOKUP = `bash -lc 'type -t -- "$1"' _ "$n" >/dev/null 2>&1 || bash -ic 'type -t -- "$1"' _ "$n" >/dev/null 2>&1`;

export interface ToolboxOptions {
  sandbox: Sandbox;
  /** Decides every shell command, edit and read before it runs (an `ApprovalSession` may ask a person). */
  policy: PolicyGate;
  /** Where `policy.decision`, `tool.call` (and `reward`, `patch`) events go; anything with `append`. */
  trajectory?: { append(event: TrajectoryEventBody): unknown };
  /** Attached: `diagnostics` is offered and every edit of a served file gets a process reward. */
  diagnostics?: DiagnosticsSession;
  /** Given: `run_tests` is offered and runs this command. */
  testCommand?: TestCommand;
  /** Per-call limits for `bash` and `search` (default 120 s, 256 KiB of output per stream). */
  limits?: ExecLimits;
  /** Characters of one observation the model sees (default 10 000); the cut is said. */
  maxObservationChars?: number;
  /** Variables every command gets on top of the defaults (the project's test environment, e.g. PYTHONPATH). */
  env?: Record<string, string>;
  /** Refuse edits that add syntax errors (default true). */
  rejectSyntaxErrors?: boolean;
  /** Narrows the tools offered; a call to a tool it removes is refused (default: every tool). */
  preset?: ToolPreset;
  /** The sandbox's network mode, given to the policy with every shell command (a decision input). */
  network?: NetworkMode;
}

export interface ToolCallResult {
  observation: ToolObservation;
  /** The `tool` message to append to the conversation. */
  message: ChatMessage;
  event: ToolCallEvent;
  decision: PolicyDecision | null;
  reward?: ProcessReward;
  /** Set when the model called `submit` with changes: the run ends on this patch. */
  submitted?: { patch: string; files: string[] };
}

/**
 * A tool call from a sandbox or the host failed for a reason that is not the model's
 * (the code threw something unexpected). Sandbox and language-server failures keep their own
 * typed errors.
 */
export class ToolFailedError extends DrydockError {
  override readonly name = 'ToolFailedError';
  constructor(
    readonly tool: string,
    override readonly cause: unknown,
  ) {
    super(
      `the ${tool} tool failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      'this is not the model’s mistake: see the trajectory and the error above, and report it if it repeats',
      'TOOL_FAILED',
    );
  }
}

/**
 * The tools the model may call, and the one path every call takes: parse the call, check
 * its arguments against the tool's zod schema, ask the policy, run it in the sandbox, cut the
 * observation (saying so), record it. A model's mistake (bad JSON, unknown tool, wrong
 * arguments, a denied command, a SEARCH that does not match) comes back as an observation;
 * only infrastructure failures throw.
 */
export class Toolbox {
  readonly tools: readonly Tool[];
  readonly specs: readonly ToolSpec[];
  private readonly context: ToolContext;
  private readonly maxChars: number;
  private readonly excluded: readonly string[];

  constructor(private readonly opts: ToolboxOptions) {
    const tools: Tool[] = [bashTool, viewTool, editTool, searchTool];
    if (opts.diagnostics) tools.push(diagnosticsTool);
    if (opts.testCommand) tools.push(runTestsTool(opts.testCommand));
    tools.push(submitTool);
    this.excluded = excludedTools(opts.preset);
    this.tools = tools.filter((t) => !this.excluded.includes(t.name));
    this.specs = this.tools.map((t) => t.spec);
    this.maxChars = opts.maxObservationChars ?? 10_000;
    this.context = {
      sandbox: opts.sandbox,
      limits: opts.limits ?? DEFAULT_TOOL_LIMITS,
      env: { ...TOOL_ENV, ...opts.env },
      diagnostics: opts.diagnostics ?? null,
      symbols: new SandboxSymbols(opts.sandbox),
      rejectSyntaxErrors: opts.rejectSyntaxErrors ?? true,
    };
  }

  async run(call: ToolCall): Promise<ToolCallResult> {
    const started = Date.now();
    if (this.excluded.includes(call.name)) {
      const decision: PolicyDecision = {
        decision: 'deny',
        rule: `tools-preset:${this.opts.preset}`,
        reason: `the ${this.opts.preset} tools preset does not allow ${call.name}; the tools you may call are ${this.tools.map((t) => t.name).join(', ')}`,
        parts: [],
      };
      this.record(toAuditEvent(`tool ${call.name}`, decision));
      const refusal = refusalObservation(call.id, call.name, {
        decision: 'deny',
        rule: decision.rule,
        reason: decision.reason,
      });
      return this.finish(call, call.arguments, decision, null, refusal.content, true);
    }
    const parsed = parseToolCall(call, this.specs);
    if (!parsed.ok) return this.finish(call, call.arguments, null, null, parsed.observation.content, true);

    const tool = this.tools.find((t) => t.name === parsed.name)!;
    const built = tool.build(parsed.args);
    if (!built.ok) {
      const problems = built.problems.map((p) => `- \`${p.field}\`: ${p.message}`).join('\n');
      const text = renderPrompt('tools/invalid-arguments', { name: tool.name, problems });
      return this.finish(call, parsed.args, null, null, text, true);
    }

    const { invocation } = built;
    let decision: PolicyDecision | null = null;
    for (const action of invocation.actions) {
      decision = await this.opts.policy.decide(await this.withEntries(action));
      this.record(toAuditEvent(actionText(action), decision));
      if (decision.decision !== 'allow') {
        const refusal = refusalObservation(call.id, invocation.describe, {
          decision: decision.decision,
          rule: decision.rule,
          reason: decision.reason,
        });
        return this.finish(call, parsed.args, decision, null, refusal.content, true);
      }
    }

    let outcome: ToolOutcome;
    try {
      outcome = await invocation.execute(this.context);
    } catch (err) {
      const error = err instanceof DrydockError ? err : new ToolFailedError(tool.name, err);
      this.record({
        type: 'tool.call',
        callId: call.id,
        tool: tool.name,
        args: parsed.args,
        policy: decision && policyRecord(decision),
        resources: { wallMs: Date.now() - started },
        observation: `(infrastructure failure, nothing returned to the model: ${error.message})`,
        isError: true,
      });
      throw error;
    }
    const resources: ResourceUsageRecord = outcome.exec
      ? {
          wallMs: outcome.exec.wallMs,
          cpuMs: outcome.exec.cpuMs,
          peakMemoryBytes: outcome.exec.peakMemoryBytes,
          killedBy: outcome.exec.killedBy,
          mode: outcome.exec.mode,
          limits: callLimits(outcome.limits),
        }
      : { wallMs: Date.now() - started };
    return this.finish(call, parsed.args, decision, resources, outcome.text, outcome.isError, outcome);
  }

  private finish(
    call: ToolCall,
    args: unknown,
    decision: PolicyDecision | null,
    resources: ResourceUsageRecord | null,
    text: string,
    isError: boolean,
    outcome?: ToolOutcome,
  ): ToolCallResult {
    const cut = truncateObservation(text, { maxChars: this.maxChars });
    const observation: ToolObservation = { toolCallId: call.id, content: cut.text, isError };
    const event: ToolCallEvent = {
      type: 'tool.call',
      callId: call.id,
      tool: call.name,
      args,
      policy: decision && policyRecord(decision),
      resources,
      ...(outcome?.exec ? { exitCode: outcome.exec.exitCode } : {}),
      observation: cut.text,
      ...(cut.truncated ? { observationTruncated: true } : {}),
      isError,
    };
    this.record(event);
    if (outcome?.reward) {
      const r = outcome.reward;
      this.record({
        type: 'reward',
        value: r.reward,
        source: `edit:${call.id}`,
        components: { dBefore: r.dBefore, dAfter: r.dAfter, s: r.s, c: r.c, ...r.terms },
      });
    }
    if (outcome?.submitted)
      this.record({ type: 'patch', diff: outcome.submitted.patch, files: outcome.submitted.files });
    return {
      observation,
      message: observationMessage(observation),
      event,
      decision,
      ...(outcome?.reward ? { reward: outcome.reward } : {}),
      ...(outcome?.submitted ? { submitted: outcome.submitted } : {}),
    };
  }

  /**
   * A shell command is decided with what the sandbox knows of it: the names no rule covers,
   * looked up there (`lookUp`), and, for a command that extracts an archive or applies a patch,
   * what it contains: each such file is read from the sandbox (a fixed command, up to
   * MAX_UNPACK_BYTES) and its entries listed; what cannot be read is given as unknown, so the
   * policy asks.
   */
  private async withEntries(action: Action): Promise<Action> {
    if (action.kind !== 'shell') return action;
    // The mode given, else the sandbox's mode now (it changes during a run: registries for the
    // setup, none for the tests), so every command is decided knowing what it could reach.
    const network = this.opts.network ?? this.opts.sandbox.networkMode;
    if (network) action = { ...action, network };
    const programs = await this.lookUp(this.opts.policy.commandNames?.(action.command) ?? []);
    if (programs) action = { ...action, programs };
    const paths = this.opts.policy.unpackInputs?.(action.command) ?? [];
    if (!paths.length) return action;
    const entries: Record<string, Entry[] | null> = {};
    for (const path of paths) {
      const q = shellQuote(path);
      const r = await this.opts.sandbox.exec(
        `[ -f ${q} ] && [ "$(stat -c %s -- ${q})" -le ${MAX_UNPACK_BYTES} ] && base64 -w0 -- ${q}`,
        { timeoutMs: 30_000, maxOutputBytes: Math.ceil((MAX_UNPACK_BYTES * 4) / 3) + 1024 },
      );
      entries[path] =
        r.exitCode === 0 && !r.truncated
          ? listEntries(Buffer.from(r.stdout.trim(), 'base64'), hostDecompress)
          : null;
    }
    return { ...action, entries };
  }

  /**
   * Whether the sandbox's shell resolves each name (`type -t`: a program on its PATH, a builtin,
   * a function), in one fixed command run as the agent's commands are; null when it could not be
   * looked up (the names then stay unknown, and the policy asks as before). A login or an
   * interactive shell may add to PATH (`bash -lc x` runs what its profile finds), so a name is
   * missing only when none of the three shells finds it.
   */
  private async lookUp(names: string[]): Promise<Record<string, boolean> | null> {
    if (!names.length) return null;
    const quoted = names.map(shellQuote).join(' ');
    const r = await this.opts.sandbox.exec(
      `for n in ${quoted}; do type -t -- "$n" >/dev/null 2>&1 || ${LOGIN_LOOKUP} || printf '%s\\n' "$n"; done`,
      { timeoutMs: 30_000, maxOutputBytes: 64 * 1024, cwd: WORKSPACE, env: this.context.env },
    );
    if (r.exitCode !== 0 || r.truncated) return null;
    const missing = new Set(r.stdout.split('\n').filter(Boolean));
    return Object.fromEntries(names.map((n) => [n, !missing.has(n)]));
  }

  private record(event: TrajectoryEventBody): void {
    this.opts.trajectory?.append(event);
  }
}

/** What a decision was about, as the policy engine's own audit events name it. */
function actionText(action: Action): string {
  return action.kind === 'shell' ? action.command : `${action.kind} ${action.path}`;
}

function policyRecord(d: PolicyDecision): ToolCallEvent['policy'] {
  return { decision: d.decision, rule: d.rule, reason: d.reason };
}

/**
 * The limits a call ran under, for the record: what it asked for, the sandbox layer's defaults
 * for the rest (the agent opens its sandboxes without limits of their own).
 */
function callLimits(asked: ExecLimits | undefined): ResourceUsageRecord['limits'] {
  const l = { ...DEFAULT_LIMITS, ...asked };
  return { memoryBytes: l.memoryBytes, cpus: l.cpus, pids: l.pids, timeoutMs: l.timeoutMs };
}
