/**
 * Secrets never belong on a page. The trajectory is written without them, but a command's
 * output or an endpoint's error can echo one; so every string the page is built from is
 * scrubbed of the values of secret-looking environment variables, and the finished page is
 * checked once more.
 */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|SESSION)/i;
/** Shorter values would mask ordinary words. */
const MIN_LENGTH = 8;
export const MASK = '[redacted]';

/** The values of secret-looking variables in `env`, longest first. */
export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const values = Object.entries(env)
    .filter(([name, v]) => SECRET_NAME.test(name) && typeof v === 'string' && v.length >= MIN_LENGTH)
    .map(([, v]) => v as string);
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/** A copy of plain data with every string scrubbed. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
