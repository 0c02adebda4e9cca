import type { ApprovalAnswer, ApprovalRecord } from '../core/index.js';
import type { Action, PartVerdict, PolicyDecision, Verdict } from './types.js';
import { clip } from './walk.js';

export type { ApprovalAnswer, ApprovalRecord };

/** What a person is shown before they answer: the action, the parts that ask and their rules. */
export interface ApprovalRequest {
  action: Action;
  /** The command line (or `edit PATH`). */
  command: string;
  /** The engine's decision (`ask`). */
  decision: PolicyDecision;
  /** The parts that ask, each with its rule and reason. */
  asking: PartVerdict[];
  /** The rules that ask, once each, in order: what "allow for the run" allows. */
  rules: string[];
}

/** Who answers: a terminal prompt in the CLI, or a test. Never called concurrently. */
export type Approver = (request: ApprovalRequest) => Promise<ApprovalAnswer>;

/** The part of an engine an approval session needs. */
export interface Decider {
  decide(action: Action): PolicyDecision;
  unpackInputs?(command: string): string[];
  commandNames?(command: string): string[];
}

/**
 * Approvals for one run: the engine decides (attended, so it may answer `ask`); an `ask` goes
 * to the approver, unless every part that asks was allowed for the run by an earlier answer.
 * "For the run" covers the same rule with the same finding (its reason), not the rule's every
 * finding: allowing `sort --foo` must not allow `sort --compress-program=sh` later, though both
 * ask by `program:sort`; a rule whose reason names no detail (`network-clients`) is covered whole.
 * `allow` and `deny` pass through unchanged: a person is never asked to overrule a `deny`.
 * Questions are asked one at a time, in the order the actions came.
 */
export class ApprovalSession {
  private readonly forRun = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly engine: Decider,
    private readonly approver: Approver,
  ) {}

  unpackInputs(command: string): string[] {
    return this.engine.unpackInputs?.(command) ?? [];
  }

  commandNames(command: string): string[] {
    return this.engine.commandNames?.(command) ?? [];
  }

  decide(action: Action): Promise<PolicyDecision> {
    const next = this.queue.then(() => this.settle(action));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async settle(action: Action): Promise<PolicyDecision> {
    const decision = this.engine.decide(action);
    if (decision.decision !== 'ask') return decision;
    const asking = decision.parts.filter((p) => p.decision === 'ask');
    const askingParts: Verdict[] = asking.length ? asking : [decision];
    const rules = [...new Set(askingParts.map((p) => p.rule))];
    const keys = askingParts.map((p) => `${p.rule}\u0000${p.reason}`);
    if (keys.every((k) => this.forRun.has(k)))
      return {
        ...decision,
        decision: 'allow',
        reason: `${decision.reason} (allowed: a person allowed rule ${rules.join(', ')} for this run)`,
        approval: { answer: 'run', by: 'run', rules },
      };
    const command = action.kind === 'shell' ? action.command : `${action.kind} ${action.path}`;
    const answer = await this.approver({ action, command, decision, asking, rules });
    if (answer === 'deny')
      return {
        ...decision,
        decision: 'deny',
        reason: `${decision.reason} (rule ${rules.join(', ')} asked for approval and the person at the terminal denied \`${clip(command, 200)}\`: do not retry it; find another way or say what you need)`,
        approval: { answer, by: 'person', rules },
      };
    if (answer === 'run') for (const k of keys) this.forRun.add(k);
    return {
      ...decision,
      decision: 'allow',
      reason: `${decision.reason} (allowed ${answer === 'run' ? `for this run: rule ${rules.join(', ')}` : 'once'} by the person at the terminal)`,
      approval: { answer, by: 'person', rules },
    };
  }
}
