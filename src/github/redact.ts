import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Replaces every secret in `text` with ***. Secrets shorter than 4 characters are left alone (they would mask everything). */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}

/**
 * Rewrites every file under `dir` that contains a secret, with the secret masked; returns the
 * files changed. Run over `drydock fix --out` before it is uploaded as an artifact, so even a
 * key an endpoint echoed into an error message does not leave the runner.
 */
export function scrubDir(dir: string, secrets: readonly (string | undefined)[]): string[] {
  const changed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return changed;
  }
  for (const name of entries) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) changed.push(...scrubDir(p, secrets));
    else if (st.isFile()) {
      const text = readFileSync(p, 'latin1');
      const clean = redact(
        text,
        secrets.map((s) => (s ? Buffer.from(s).toString('latin1') : s)),
      );
      if (clean !== text) {
        writeFileSync(p, clean, 'latin1');
        changed.push(p);
      }
    }
  }
  return changed;
}
