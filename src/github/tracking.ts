import type { GitHubClient } from './api.js';
import { MARKER } from './event.js';

/**
 * One comment per run, created when the run starts and edited as its stages finish, so
 * whoever asked sees where the run is without opening the job's log.
 */

export interface TrackingStep {
  key: 'localize' | 'candidates' | 'validation' | 'review' | 'result';
  title: string;
  /** The `drydock fix` stages (its `[stage]` progress lines) that belong to this step. */
  stages: string[];
}

export const TRACKING_STEPS: TrackingStep[] = [
  {
    key: 'localize',
    title: 'Localize the files, functions and lines to change',
    stages: ['prepare', 'localize'],
  },
  { key: 'candidates', title: 'Write candidate patches', stages: ['repair'] },
  {
    key: 'validation',
    title: 'Validate each candidate (syntax, language-server reward, tests, reproduction test)',
    stages: ['validate', 'select'],
  },
  { key: 'review', title: 'Review: run the tests, review the diff, fix', stages: ['review'] },
  { key: 'result', title: 'Result', stages: ['output'] },
];

/** The step a `drydock fix` progress line (`[stage] message (...)`) belongs to, if any. */
export function stepOfLine(line: string): number | null {
  const m = /^\[([a-z]+)\] /.exec(line);
  if (!m) return null;
  const i = TRACKING_STEPS.findIndex((s) => s.stages.includes(m[1]!));
  return i < 0 ? null : i;
}

export interface TrackingState {
  /** What the run is doing, e.g. "Working on #12" or "Following up on review feedback". */
  heading: string;
  runUrl?: string;
  /** Index of the step in progress; -1 before the first; steps before it are done. */
  current: number;
  /** Set when the run is over: the outcome paragraph, and whether it succeeded. */
  final?: { ok: boolean; text: string };
}

export function trackingBody(s: TrackingState): string {
  const lines = [MARKER, `**drydock** — ${s.heading}`, ''];
  TRACKING_STEPS.forEach((step, i) => {
    const done = s.final?.ok ? true : i < s.current;
    const mark = done ? '[x]' : '[ ]';
    const now = !s.final && i === s.current ? ' ⏳ *in progress*' : '';
    const stopped = s.final && !s.final.ok && i === s.current ? ' ✗ *stopped here*' : '';
    lines.push(`- ${mark} ${step.title}${now}${stopped}`);
  });
  if (s.final) lines.push('', s.final.ok ? `✅ ${s.final.text}` : `❌ ${s.final.text}`);
  if (s.runUrl) lines.push('', `[Workflow run](${s.runUrl})`);
  return lines.join('\n');
}

export class TrackingComment {
  private id: number | null = null;
  private readonly state: TrackingState;
  /** Edits go out one after another, in order; a failed edit is logged, never fatal. */
  private chain: Promise<void> = Promise.resolve();
  /** Edits made (tests and the log read it). */
  edits = 0;

  constructor(
    private readonly api: GitHubClient,
    private readonly issue: number,
    heading: string,
    runUrl: string | undefined,
    private readonly log: (line: string) => void,
  ) {
    this.state = { heading, runUrl, current: -1 };
  }

  async start(): Promise<void> {
    const c = await this.api.createComment(this.issue, trackingBody(this.state));
    this.id = c.id;
  }

  /** Feed it every progress line of the run; a line that starts a new step edits the comment. */
  onLine(line: string): void {
    const i = stepOfLine(line);
    if (i === null || i <= this.state.current) return;
    this.state.current = i;
    this.edit();
  }

  /** The run's outcome; ok marks every step done, a failure marks where it stopped. */
  async finish(ok: boolean, text: string): Promise<void> {
    this.state.final = { ok, text };
    if (this.state.current < 0) this.state.current = 0;
    this.edit();
    await this.chain;
  }

  private edit(): void {
    const body = trackingBody(this.state);
    this.chain = this.chain.then(async () => {
      if (this.id === null) return;
      try {
        await this.api.updateComment(this.id, body);
        this.edits++;
      } catch (e) {
        this.log(`drydock: could not update the tracking comment: ${(e as Error).message}`);
      }
    });
  }
}
