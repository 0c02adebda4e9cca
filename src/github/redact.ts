/** Replaces every secret in `text` with ***. Secrets shorter than 4 characters are left alone (they would mask everything). */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}
