import { BudgetExceededError, type ChatMessage, type Choice, type Completion } from '../model/index.js';
import { renderPrompt } from '../model/index.js';
import type { TrajectoryWriter } from '../trajectory/index.js';
import type { SandboxRecovery } from './recovering-sandbox.js';
import type { FixOptions, Stage } from './types.js';

/** What every stage holds: the options, the record, and the clock. */
export class RunContext {
  readonly started = Date.now();
  /** Where a model's answer was not understood and drydock fell back (said in the summary). */
  readonly fallbacks: string[] = [];
  /** Sandboxes lost mid-run and rebuilt (RecoveringSandbox), in order. */
  readonly recoveries: (SandboxRecovery & { stage: Stage })[] = [];
  /** The stage last announced: where a recovery is reported. */
  private current: Stage = 'prepare';
  constructor(readonly opts: FixOptions) {}

  /** A sandbox was lost and rebuilt: said in the current stage, kept for the summary. */
  sandboxRecovered(r: SandboxRecovery): void {
    this.recoveries.push({ ...r, stage: this.current });
    this.stage(
      this.current,
      `sandbox ${r.lost} (${r.kind}) stopped during \`${r.during}\`; reopened as ${r.replacement} from the repository${r.restored.length ? ` and ${r.restored.length} file(s) as last written` : ''} (recovery ${r.attempt} of at most ${r.max})`,
      { sandboxRecovery: { ...r } },
    );
  }

  get trajectory(): TrajectoryWriter {
    return this.opts.trajectory;
  }

  /** A stage's milestone: into the trajectory, and to the terminal. */
  stage(stage: Stage, message: string, data?: Record<string, unknown>): void {
    this.current = stage;
    this.trajectory.append({ type: 'stage', stage, message, ...(data ? { data } : {}) });
    const spent = this.opts.budget.spent;
    this.opts.onProgress?.({
      stage,
      message,
      costUsd: spent.costUnknown ? null : spent.costUsd,
      turns: spent.turns,
    });
  }

  note(message: string): void {
    this.trajectory.append({ type: 'note', message });
  }

  /** True once the run's wall-time limit has passed. */
  timedOut(): boolean {
    return this.opts.timeoutMs !== undefined && Date.now() - this.started > this.opts.timeoutMs;
  }

  /** One prompt file as the user turn after drydock's system prompt; n samples. */
  async ask(prompt: string, vars: Record<string, string | number>, n = 1): Promise<string[]> {
    const { choices } = await this.converse(prompt, vars, n);
    return choices.map((ch) => ch.message.content ?? '');
  }

  /** As `ask`, keeping the conversation and each choice's finish reason, for follow-ups. */
  async converse(
    prompt: string,
    vars: Record<string, string | number>,
    n = 1,
  ): Promise<{ messages: ChatMessage[]; choices: Choice[] }> {
    const messages: ChatMessage[] = [
      { role: 'system', content: renderPrompt('agent/system') },
      { role: 'user', content: renderPrompt(prompt, vars) },
    ];
    const c: Completion = await this.opts.model.complete({ messages, n, temperature: n > 1 ? 0.8 : 0 });
    return { messages, choices: c.choices };
  }

  /** One more turn of a conversation (a follow-up after a cut-off or unreadable reply). */
  async followUp(messages: ChatMessage[]): Promise<Choice> {
    const c: Completion = await this.opts.model.complete({ messages, temperature: 0 });
    return c.choices[0] ?? { message: { role: 'assistant', content: '' }, finishReason: null };
  }
}

export function isBudgetError(err: unknown): err is BudgetExceededError {
  return err instanceof BudgetExceededError;
}

/** The text of the first fenced block, or the whole text when there is none. */
export function fencedBlock(text: string): string {
  const m = /```[^\n]*\n([\s\S]*?)```/.exec(text);
  return (m ? m[1]! : text).replace(/\n$/, '');
}
