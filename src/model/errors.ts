import { DrydockError, type BudgetLimit } from '../core/index.js';

/** The endpoint could not give an answer (after retries where retrying made sense). */
export class ModelRequestError extends DrydockError {
  override readonly name = 'ModelRequestError';
  constructor(
    message: string,
    fix: string | undefined,
    code: string,
    /** HTTP status of the last attempt, or null for network errors and timeouts. */
    readonly status: number | null,
    readonly attempts: number,
  ) {
    super(message, fix, code);
  }
}

export type { BudgetLimit };

/** The run spent its budget. The controller catches this to end the run cleanly. */
export class BudgetExceededError extends DrydockError {
  override readonly name = 'BudgetExceededError';
  constructor(
    readonly limit: BudgetLimit,
    readonly max: number,
    readonly used: number,
  ) {
    const what =
      limit === 'cost'
        ? `cost budget of $${max} spent ($${used.toFixed(6)} used)`
        : limit === 'tokens'
          ? `token budget of ${max} spent (${used} used)`
          : `turn budget of ${max} model requests spent`;
    super(
      `budget exhausted: ${what}`,
      `raise the limit (--max-${limit === 'cost' ? 'cost' : limit}) or budget.max_${limit === 'cost' ? 'cost_usd' : limit} in the config`,
      'BUDGET_EXCEEDED',
    );
  }
}
