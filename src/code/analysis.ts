import { loadGrammars, parseWith, type LoadedGrammar, type ParsedLanguage } from './languages.js';
import { countLines } from './skeleton.js';
import { extractSymbols, type CodeSymbol } from './symbols.js';
import { codeTokens } from './tokens.js';

/** Terms and their counts, compactly: cheap to send between threads and to store. */
export interface Terms {
  /** Distinct terms joined by single spaces (terms never contain spaces). */
  terms: string;
  counts: number[];
}

/** What indexing learns from one file's content. Keyed by content hash, so it holds no path. */
export interface FileAnalysis {
  language: ParsedLanguage | 'text';
  lineCount: number;
  symbols: CodeSymbol[];
  /** `symbol` indexes `symbols`, or is -1 for a window of module-level lines. */
  chunks: (Terms & { symbol: number; startLine: number; endLine: number })[];
}

export const ANALYSIS_VERSION = 3;

/** Analyses a file on this thread; `grammars` from loadGrammars(). */
export function analyzeFile(
  source: string,
  language: ParsedLanguage | null,
  grammars: Map<ParsedLanguage, LoadedGrammar>,
  windowLines: number,
): FileAnalysis {
  let symbols: CodeSymbol[] = [];
  if (language) {
    const grammar = grammars.get(language)!;
    symbols = parseWith(grammar, source, (tree) => extractSymbols(tree, grammar, language, source));
  }
  return chunkFile(source, language ?? 'text', symbols, windowLines);
}

export async function analyzeFiles(
  jobs: readonly { source: string; language: ParsedLanguage | null }[],
  windowLines: number,
): Promise<FileAnalysis[]> {
  const languages = new Set(jobs.flatMap((job) => (job.language ? [job.language] : [])));
  const grammars = await loadGrammars([...languages]);
  return jobs.map((job) => analyzeFile(job.source, job.language, grammars, windowLines));
}

function compact(frequencies: Map<string, number>): Terms {
  return { terms: [...frequencies.keys()].join(' '), counts: [...frequencies.values()] };
}

/** Splits a file into chunks: each line belongs to its innermost symbol, or to a window of module-level lines. */
function chunkFile(
  source: string,
  language: ParsedLanguage | 'text',
  symbols: CodeSymbol[],
  windowLines: number,
): FileAnalysis {
  const lines = source.split('\n');
  const owner = new Int32Array(lines.length).fill(-1);
  symbols.forEach((symbol, s) => {
    for (let line = symbol.startLine - 1; line < symbol.endLine && line < owner.length; line++)
      owner[line] = s;
  });
  type Open = { symbol: number; startLine: number; endLine: number; terms: Map<string, number> };
  const bySymbol = new Map<number, Open>();
  const windows = new Map<number, Open>();
  const chunkOf = (i: number): Open => {
    const s = owner[i]!;
    if (s >= 0) return bySymbol.get(s)!;
    const id = Math.floor(i / windowLines);
    let chunk = windows.get(id);
    if (!chunk) windows.set(id, (chunk = { symbol: -1, startLine: i + 1, endLine: i + 1, terms: new Map() }));
    chunk.endLine = i + 1;
    return chunk;
  };
  // A symbol's own name counts in its chunk besides its text.
  for (const [s, symbol] of symbols.entries()) {
    const terms = new Map<string, number>();
    for (const token of codeTokens(symbol.qualifiedName)) terms.set(token, (terms.get(token) ?? 0) + 1);
    bySymbol.set(s, { symbol: s, startLine: symbol.startLine, endLine: symbol.endLine, terms });
  }
  // Consecutive lines of one chunk are tokenized as one text: far fewer regex runs than line by line.
  const tokens: string[] = [];
  let run: Open | undefined;
  let runOffset = 0;
  let offset = 0;
  const flush = () => {
    if (!run) return;
    tokens.length = 0;
    codeTokens(source.slice(runOffset, offset), tokens);
    for (const token of tokens) run.terms.set(token, (run.terms.get(token) ?? 0) + 1);
  };
  for (let i = 0; i < lines.length; i++) {
    const chunk = chunkOf(i);
    if (chunk !== run) {
      flush();
      run = chunk;
      runOffset = offset;
    }
    offset += lines[i]!.length + 1;
  }
  flush();
  const chunks: FileAnalysis['chunks'] = [];
  for (const chunk of [...bySymbol.values(), ...windows.values()]) {
    if (chunk.terms.size > 0)
      chunks.push({
        symbol: chunk.symbol,
        startLine: chunk.startLine,
        endLine: chunk.endLine,
        ...compact(chunk.terms),
      });
  }
  return { language, lineCount: countLines(source), symbols, chunks };
}
