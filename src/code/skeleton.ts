import { languageOf, withTree, type ParsedLanguage } from './languages.js';
import { extractSymbols, type CodeSymbol } from './symbols.js';

/** A file compressed to its definitions, as a model is shown it during localization. */
export interface Skeleton {
  path: string;
  /** `text` when no grammar covers the file: then `text` is the numbered source. */
  language: ParsedLanguage | 'text';
  symbols: CodeSymbol[];
  lineCount: number;
  /** The rendered skeleton (or numbered text), ready to put in a prompt. */
  text: string;
}

export interface SkeletonOptions {
  /** For plain-text files and files without definitions: how many lines to show. Default 400. */
  maxTextLines?: number;
}

/**
 * The skeleton of one file: classes, functions and methods with their
 * signatures, docstring first lines and line ranges, bodies elided
 * (Agentless's compressed form, plus line numbers so later stages can ask
 * for exact ranges).
 */
export async function skeleton(
  path: string,
  source: string,
  options: SkeletonOptions = {},
): Promise<Skeleton> {
  const language = languageOf(path);
  const lineCount = countLines(source);
  if (!language) {
    return {
      path,
      language: 'text',
      symbols: [],
      lineCount,
      text: numberedText(source, options.maxTextLines ?? 400),
    };
  }
  const symbols = await withTree(language, source, (tree, grammar) =>
    extractSymbols(tree, grammar, language, source),
  );
  return { path, language, symbols, lineCount, text: skeletonText(symbols, lineCount, source, options) };
}

export function countLines(source: string): number {
  if (source === '') return 0;
  let lines = 1;
  for (let i = source.indexOf('\n'); i >= 0 && i < source.length - 1; i = source.indexOf('\n', i + 1))
    lines++;
  return lines;
}

/** The rendered skeleton; a file without definitions (a script, a config) is shown as numbered text instead. */
export function skeletonText(
  symbols: readonly CodeSymbol[],
  lineCount: number,
  source: string,
  options: SkeletonOptions = {},
): string {
  return symbols.length > 0
    ? renderSkeleton(symbols, lineCount)
    : numberedText(source, options.maxTextLines ?? 400);
}

/** One line per symbol, `start-end | header`, doc line under it, bodies as `...`. */
export function renderSkeleton(symbols: readonly CodeSymbol[], lineCount: number): string {
  const width = String(lineCount).length * 2 + 1;
  const gutter = (label: string) => `${label.padStart(width)} | `;
  const out: string[] = [];
  symbols.forEach((symbol, i) => {
    const indent = '    '.repeat(symbol.depth);
    const next = symbols[i + 1];
    const hasChildren = next !== undefined && next.depth > symbol.depth;
    const range =
      symbol.startLine === symbol.endLine ? `${symbol.startLine}` : `${symbol.startLine}-${symbol.endLine}`;
    out.push(`${gutter(range)}${indent}${symbol.signature}${hasChildren || symbol.doc ? '' : ' ...'}`);
    if (symbol.doc)
      out.push(`${gutter('')}${indent}    ${JSON.stringify(symbol.doc)}${hasChildren ? '' : ' ...'}`);
  });
  return out.join('\n');
}

/** The source with 1-based line numbers, cut after `maxLines` with a note. */
export function numberedText(source: string, maxLines: number): string {
  const lines = source.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const width = String(lines.length).length;
  const shown = lines.slice(0, maxLines).map((line, i) => `${String(i + 1).padStart(width)} | ${line}`);
  if (lines.length > maxLines) shown.push(`… ${lines.length - maxLines} more lines not shown`);
  return shown.join('\n');
}
