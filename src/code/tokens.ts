/**
 * Code-aware tokens for retrieval: identifiers are split at camelCase and
 * snake_case boundaries and also kept whole, dotted paths are kept as one
 * token besides their parts, words are lowercased and lightly stemmed so
 * that `parsing`, `parse` and `parsed` meet.
 */

const WORD = /[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/g;
const SUBWORD = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

const STOP = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its ' +
    'me my no not of on or our she so than that the their them then there these they this those to too was we were what ' +
    'when where which while who why will with would you your also just only should may might must now out up use used using ' +
    // keywords that every file has
    'def self cls return function const let var import export default new true false none null undefined ' +
    'elif else try except finally raise pass lambda yield async await class'
  ).split(' '),
);

/** A light suffix stemmer; precision matters less than making inflections meet. */
export function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

function pushWord(out: string[], word: string): void {
  const lower = word.toLowerCase();
  if (lower.length < 2 || STOP.has(lower)) return;
  out.push(stem(lower));
}

// Identifiers repeat a lot within a repository; their tokens are memoized.
const memo = new Map<string, readonly string[]>();
const MEMO_LIMIT = 200_000;

/** Appends the tokens of one identifier (no dots) to `out`. */
function pushIdentifier(out: string[], identifier: string): void {
  let tokens = memo.get(identifier);
  if (!tokens) {
    const fresh: string[] = [];
    splitIdentifier(fresh, identifier);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(identifier, (tokens = fresh));
  }
  for (const token of tokens) out.push(token);
}

function splitIdentifier(out: string[], identifier: string): void {
  const trimmed = identifier.replace(/^[_$]+|[_$]+$/g, '');
  if (!trimmed) return;
  const parts = trimmed.match(SUBWORD) ?? [];
  if (parts.length > 1) {
    // The whole identifier is the rarer, more telling token.
    const whole = trimmed.toLowerCase().replace(/[_$]/g, '');
    if (!STOP.has(whole)) out.push(whole);
    for (const part of parts) if (!/^[0-9]+$/.test(part)) pushWord(out, part);
  } else if (parts.length === 1 && !/^[0-9]+$/.test(parts[0]!)) {
    pushWord(out, parts[0]!);
  }
}

/** The code-aware tokens of a text, in order, with repeats. */
export function codeTokens(text: string, out: string[] = []): string[] {
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    if (word.includes('.')) {
      const parts = word.split('.');
      const meaningful = parts.filter((p) => p.length > 0);
      // `validators.in_` as one token; not `e.g`.
      if (meaningful.length > 1 && word.length > 4) out.push(word.toLowerCase());
      for (const part of meaningful) pushIdentifier(out, part);
    } else {
      pushIdentifier(out, word);
    }
  }
  return out;
}

/** Tokens of a repository path: directories, file stem and extension, split like identifiers. */
export function pathTokens(path: string): string[] {
  const out: string[] = [];
  for (const segment of path.split(/[/\\]/)) {
    for (const piece of segment.split(/[.-]/)) pushIdentifier(out, piece);
  }
  return out;
}

/** The tokenizer of the plain BM25 baseline: lowercase runs of word characters. */
export function plainTokens(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9_]+/g) ?? [];
}

/** Counts tokens into a map. */
export function termFrequencies(
  tokens: readonly string[],
  into: Map<string, number> = new Map(),
  weight = 1,
): Map<string, number> {
  for (const token of tokens) into.set(token, (into.get(token) ?? 0) + weight);
  return into;
}
