import { DrydockError } from '../core/index.js';

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "256m", "1g", "512k", "1048576" (bytes; binary units as Docker reads them). */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)i?b?$/i.exec(text.trim());
  const unit = SIZE_UNITS[m?.[2]?.toLowerCase() ?? ''];
  if (!m || unit === undefined) {
    throw new DrydockError(`not a size: ${text}`, 'write it like 256m, 1g or 512k');
  }
  return Math.floor(Number(m[1]) * unit);
}

/** "30s", "500ms", "2m", "1h"; a bare number is seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(text.trim());
  if (!m) throw new DrydockError(`not a duration: ${text}`, 'write it like 30s, 500ms or 2m');
  return Math.round(Number(m[1]) * (TIME_UNITS[m[2]?.toLowerCase() ?? 's'] ?? 1000));
}
