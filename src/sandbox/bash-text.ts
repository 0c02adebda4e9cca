/**
 * Tag for bash source kept in TypeScript: the text is taken raw, and `\${` (needed
 * so TypeScript does not interpolate) becomes bash's `${`.
 */
export function bash(strings: TemplateStringsArray): string {
  return strings.raw.join('').replace(/\\\$\{/g, '${');
}

/** One bash word holding exactly `s`. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
