/** What an issue names exactly: file paths, code-looking identifiers and stack-trace frames. */
export interface IssueMentions {
  paths: string[];
  identifiers: string[];
  frames: { path: string; line: number; symbol?: string }[];
}

const PY_FRAME = /File "([^"]+)", line (\d+)(?:, in ([\w<>]+))?/g;
const JS_FRAME = /\bat (?:([\w$.<>]+) )?\(?((?:[\w.@~-]+\/)*[\w.@~-]+\.(?:[cm]?[jt]sx?)):(\d+)(?::\d+)?\)?/g;
const PATH =
  /(?<![\w/.-])(?:[\w.@~-]+\/)+[\w.@~-]+|(?<![\w/.-])[\w-]+\.(?:py|pyi|[cm]?[jt]sx?|json|md|rst|txt|toml|cfg|ini|ya?ml|sh)\b/g;
const IDENTIFIER = /[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/g;

/** Looks like code rather than prose: `snake_case`, `camelCase`, `CamelCase`, `a.b`, `.method`, `f(`, or in backticks. */
function codeLike(word: string, before: string, after: string, quoted: boolean): boolean {
  if (quoted || after === '(') return true;
  // ` .diff`: a method named in prose, the dot right before it and a space before the dot.
  if (before === '.' && word.length > 1 && /^[a-z_]/.test(word)) return true;
  if (word.includes('.')) return /[A-Za-z]\.[A-Za-z_]/.test(word) && !/^(e\.g|i\.e|etc)\b/i.test(word);
  if (/[a-z0-9]_[a-z0-9]|^_|_$/i.test(word)) return true;
  return /[a-z][A-Z]/.test(word) || /^[A-Z][a-z0-9]+[A-Z]/.test(word);
}

export function issueMentions(text: string): IssueMentions {
  const frames: IssueMentions['frames'] = [];
  for (const m of text.matchAll(PY_FRAME)) {
    frames.push({
      path: m[1]!,
      line: Number(m[2]),
      ...(m[3] && !m[3].startsWith('<') ? { symbol: m[3] } : {}),
    });
  }
  for (const m of text.matchAll(JS_FRAME)) {
    const symbol = m[1]?.split('.').pop();
    frames.push({
      path: m[2]!,
      line: Number(m[3]),
      ...(symbol && !symbol.startsWith('<') ? { symbol } : {}),
    });
  }
  const paths = new Set<string>();
  for (const m of text.matchAll(PATH)) {
    const path = m[0].replace(/[.:,)]+$/, '');
    if (!/^https?:|^www\./.test(path) && !/^\d+(\.\d+)*$/.test(path)) paths.add(path);
  }
  for (const frame of frames) paths.add(frame.path);

  const quotedSpans: [number, number][] = [];
  for (const m of text.matchAll(/`([^`\n]+)`/g)) quotedSpans.push([m.index!, m.index! + m[0].length]);
  const identifiers = new Set<string>();
  for (const m of text.matchAll(IDENTIFIER)) {
    const start = m.index!;
    const quoted = quotedSpans.some(([a, b]) => start >= a && start < b);
    const word = m[0];
    const before = text[start - 1] ?? '';
    const dotAfterSpace = before === '.' && (start < 2 || /\s/.test(text[start - 2]!));
    if (codeLike(word, dotAfterSpace ? '.' : '', text[start + word.length] ?? '', quoted))
      identifiers.add(word);
  }
  for (const frame of frames) if (frame.symbol) identifiers.add(frame.symbol);
  return { paths: [...paths], identifiers: [...identifiers], frames };
}
