import type { Usage } from './types.js';

/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
}

/**
 * Model name → price. Keys are exact names, or a prefix ending in `*` (`gpt-4o*`); the
 * longest matching key wins, so a specific entry beats a family one.
 */
export type PriceTable = Record<string, Price>;

export function findPrice(model: string, table: PriceTable): Price | null {
  if (table[model]) return table[model];
  let best: { len: number; price: Price } | null = null;
  for (const [key, price] of Object.entries(table)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (model.startsWith(prefix) && (!best || prefix.length > best.len)) best = { len: prefix.length, price };
  }
  return best?.price ?? null;
}

/** Cost in USD of one reply, or null when the model has no price. */
export function costOf(model: string, usage: Usage, table: PriceTable): number | null {
  const price = findPrice(model, table);
  if (!price) return null;
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}
