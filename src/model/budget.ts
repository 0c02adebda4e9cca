import { BudgetExceededError } from './errors.js';
import type { Usage } from './types.js';

export interface BudgetLimits {
  maxCostUsd?: number;
  maxTokens?: number;
  /** Model requests (one request with n samples is one turn). */
  maxTurns?: number;
}

export interface BudgetSpent {
  costUsd: number;
  /** True when some reply had no price, so costUsd is a lower bound. */
  costUnknown: boolean;
  tokens: number;
  turns: number;
  /** Requests that failed and were tried again (429, 5xx, timeouts, dropped connections). */
  retries: number;
}

/**
 * What a run may spend on the model. Checked before each request: a reply that is already
 * paid for is never thrown away, and the request after the limit is reached is refused.
 */
export class Budget {
  readonly spent: BudgetSpent = { costUsd: 0, costUnknown: false, tokens: 0, turns: 0, retries: 0 };

  constructor(readonly limits: BudgetLimits = {}) {}

  /** Throws BudgetExceededError when one more request would go over a limit. */
  checkBeforeRequest(): void {
    const { maxCostUsd, maxTokens, maxTurns } = this.limits;
    if (maxTurns !== undefined && this.spent.turns >= maxTurns)
      throw new BudgetExceededError('turns', maxTurns, this.spent.turns);
    if (maxTokens !== undefined && this.spent.tokens >= maxTokens)
      throw new BudgetExceededError('tokens', maxTokens, this.spent.tokens);
    if (maxCostUsd !== undefined && this.spent.costUsd >= maxCostUsd)
      throw new BudgetExceededError('cost', maxCostUsd, this.spent.costUsd);
  }

  startTurn(): number {
    this.spent.turns += 1;
    return this.spent.turns;
  }

  charge(usage: Usage, costUsd: number | null): void {
    this.spent.tokens += usage.totalTokens;
    if (costUsd === null) this.spent.costUnknown = true;
    else this.spent.costUsd += costUsd;
  }
}
