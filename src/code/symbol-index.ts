import { createHash } from 'node:crypto';
import { Bm25Index } from './bm25.js';
import { languageOf, loadGrammars, parseWith, type ParsedLanguage } from './languages.js';
import { countLines } from './skeleton.js';
import { extractSymbols, type CodeSymbol, type SymbolKind } from './symbols.js';
import { codeTokens, pathTokens, termFrequencies } from './tokens.js';

/** A file to index. `hash` is its git blob id when the caller has it (saves hashing). */
export interface SourceFile {
  path: string;
  source: string;
  hash?: string;
}

/** A retrievable piece of a file: one symbol's own lines (children excluded), or a window of other lines. */
export interface Chunk {
  path: string;
  /** The symbol's qualified name; absent for module-level windows. */
  symbol?: string;
  kind: SymbolKind | 'module';
  startLine: number;
  endLine: number;
}

/** What indexing learns from one file's content; cached by content hash, so it holds no path. */
export interface FileAnalysis {
  language: ParsedLanguage | 'text';
  lineCount: number;
  symbols: CodeSymbol[];
  /** `symbol` is an index into `symbols`, or -1 for a module-level window. */
  chunks: { symbol: number; startLine: number; endLine: number; terms: [string, number][] }[];
}

export interface AnalysisCache {
  get(key: string): FileAnalysis | undefined;
  set(key: string, analysis: FileAnalysis): void;
}

/** An in-memory cache of analyses keyed by content hash; the oldest go first past `maxEntries`. */
export class MemoryAnalysisCache implements AnalysisCache {
  private readonly entries = new Map<string, FileAnalysis>();
  constructor(private readonly maxEntries = 50_000) {}
  get(key: string): FileAnalysis | undefined {
    return this.entries.get(key);
  }
  set(key: string, analysis: FileAnalysis): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, analysis);
  }
  get size(): number {
    return this.entries.size;
  }
}

export interface IndexedFile {
  path: string;
  hash: string;
  source: string;
  language: ParsedLanguage | 'text';
  lineCount: number;
  symbols: CodeSymbol[];
}

export interface Definition {
  path: string;
  symbol: CodeSymbol;
}

export interface Reference {
  path: string;
  line: number;
  text: string;
}

export interface BuildOptions {
  cache?: AnalysisCache;
  /** Files larger than this are left out (generated or vendored code). Default 1 MB. */
  maxFileBytes?: number;
  /** Lines per window for code outside any symbol and for plain-text files. Default 50. */
  windowLines?: number;
}

const ANALYSIS_VERSION = 1;
const PATH_WEIGHT = 3;
const SYMBOL_NAME_WEIGHT = 2;

/** Git's blob id of a text, so that hashes from `git ls-tree` and from here agree. */
export function gitBlobHash(source: string): string {
  const bytes = Buffer.from(source, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** One key for a whole snapshot: the same paths with the same contents give the same key. */
export function snapshotKey(files: readonly { path: string; hash: string }[]): string {
  const hash = createHash('sha1');
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : 1)))
    hash.update(`${file.path}\0${file.hash}\n`);
  return hash.digest('hex');
}

/**
 * A repository's definitions and references by name, and the BM25 indexes
 * that retrieval ranks with. Immutable once built.
 */
export class SymbolIndex {
  private readonly byName = new Map<string, Definition[]>();
  private readonly referenceMemo = new Map<string, Reference[]>();

  constructor(
    readonly files: readonly IndexedFile[],
    readonly chunks: readonly Chunk[],
    /** Documents are files, in the order of `files`: content plus weighted path tokens. */
    readonly fileBm25: Bm25Index,
    /** Documents are chunks, in the order of `chunks`. */
    readonly chunkBm25: Bm25Index,
    readonly skipped: readonly { path: string; reason: string }[],
    readonly snapshot: string,
  ) {
    for (const file of files) {
      for (const symbol of file.symbols) {
        const keys = new Set([
          symbol.name,
          symbol.qualifiedName,
          `${moduleName(file.path)}.${symbol.qualifiedName}`,
        ]);
        for (const key of keys) {
          let list = this.byName.get(key);
          if (!list) this.byName.set(key, (list = []));
          list.push({ path: file.path, symbol });
        }
      }
    }
  }

  /** Where `name` is defined: by simple name, qualified name (`Foo.bar`) or module path (`validators.in_`). */
  definitions(name: string): Definition[] {
    return this.byName.get(name) ?? [];
  }

  /** Every defined name, for matching against issue text. */
  definedNames(): IterableIterator<string> {
    return this.byName.keys();
  }

  /**
   * Lines that use `name` as a whole word, other than its definitions.
   * Text-based: it also finds the word in comments and strings, and cannot
   * tell two symbols of the same name apart.
   */
  references(name: string): Reference[] {
    const memo = this.referenceMemo.get(name);
    if (memo) return memo;
    const simple = name.slice(name.lastIndexOf('.') + 1);
    const definitionLines = new Set(this.definitions(name).map((d) => `${d.path}:${d.symbol.startLine}`));
    const pattern = new RegExp(`(?<![\\w$])${simple.replace(/[$]/g, '\\$')}(?![\\w$])`);
    const found: Reference[] = [];
    for (const file of this.files) {
      if (!file.source.includes(simple)) continue;
      file.source.split('\n').forEach((text, i) => {
        if (pattern.test(text) && !definitionLines.has(`${file.path}:${i + 1}`)) {
          found.push({ path: file.path, line: i + 1, text: text.trim() });
        }
      });
    }
    this.referenceMemo.set(name, found);
    return found;
  }

  file(path: string): IndexedFile | undefined {
    return this.files.find((f) => f.path === path);
  }
}

function moduleName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.indexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  // `pkg/__init__.py` and `plugin/index.js` are named after their folder.
  if (stem === '__init__' || stem === 'index') {
    const parts = path.split('/');
    return parts[parts.length - 2] ?? stem;
  }
  return stem;
}

/** Builds the index of a repository snapshot. Reuses cached analyses for unchanged contents. */
export async function buildSymbolIndex(
  files: readonly SourceFile[],
  options: BuildOptions = {},
): Promise<SymbolIndex> {
  const grammars = await loadGrammars();
  const maxBytes = options.maxFileBytes ?? 1_000_000;
  const windowLines = options.windowLines ?? 50;
  const indexed: IndexedFile[] = [];
  const chunks: Chunk[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const fileBm25 = new Bm25Index();
  const chunkBm25 = new Bm25Index();

  for (const file of files) {
    if (file.source.length > maxBytes) {
      skipped.push({ path: file.path, reason: `larger than ${maxBytes} bytes` });
      continue;
    }
    if (file.source.includes('\0')) {
      skipped.push({ path: file.path, reason: 'binary' });
      continue;
    }
    const hash = file.hash ?? gitBlobHash(file.source);
    const language = languageOf(file.path);
    const key = `${ANALYSIS_VERSION}:${language ?? 'text'}:${windowLines}:${hash}`;
    let analysis = options.cache?.get(key);
    if (!analysis) {
      let symbols: CodeSymbol[] = [];
      if (language) {
        const grammar = grammars.get(language)!;
        symbols = parseWith(grammar, file.source, (tree) =>
          extractSymbols(tree, grammar, language, file.source),
        );
      }
      analysis = analyze(file.source, language ?? 'text', symbols, windowLines);
      options.cache?.set(key, analysis);
    }
    indexed.push({
      path: file.path,
      hash,
      source: file.source,
      language: analysis.language,
      lineCount: analysis.lineCount,
      symbols: analysis.symbols,
    });

    const paths = pathTokens(file.path);
    const fileTerms = termFrequencies(paths, new Map(), PATH_WEIGHT);
    for (const chunk of analysis.chunks) {
      const symbol = chunk.symbol >= 0 ? analysis.symbols[chunk.symbol] : undefined;
      const chunkTerms = termFrequencies(paths);
      if (symbol) termFrequencies(codeTokens(symbol.qualifiedName), chunkTerms, SYMBOL_NAME_WEIGHT);
      for (const [term, tf] of chunk.terms) {
        chunkTerms.set(term, (chunkTerms.get(term) ?? 0) + tf);
        fileTerms.set(term, (fileTerms.get(term) ?? 0) + tf);
      }
      chunks.push({
        path: file.path,
        ...(symbol ? { symbol: symbol.qualifiedName } : {}),
        kind: symbol?.kind ?? 'module',
        startLine: chunk.startLine,
        endLine: chunk.endLine,
      });
      chunkBm25.add(chunkTerms);
    }
    fileBm25.add(fileTerms);
  }
  return new SymbolIndex(indexed, chunks, fileBm25, chunkBm25, skipped, snapshotKey(indexed));
}

/** Splits a file into chunks: each line belongs to its innermost symbol, or to a window of module-level lines. */
function analyze(
  source: string,
  language: ParsedLanguage | 'text',
  symbols: CodeSymbol[],
  windowLines: number,
): FileAnalysis {
  const lines = source.split('\n');
  const lineCount = countLines(source);
  const owner = new Int32Array(lines.length).fill(-1);
  symbols.forEach((symbol, s) => {
    for (let line = symbol.startLine - 1; line < symbol.endLine && line < owner.length; line++)
      owner[line] = s;
  });
  const bySymbol = new Map<number, { startLine: number; endLine: number; terms: Map<string, number> }>();
  const windows = new Map<number, { startLine: number; endLine: number; terms: Map<string, number> }>();
  const tokens: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const s = owner[i]!;
    const group = s >= 0 ? bySymbol : windows;
    const id = s >= 0 ? s : Math.floor(i / windowLines);
    let chunk = group.get(id);
    if (!chunk)
      group.set(
        id,
        (chunk = { startLine: s >= 0 ? symbols[s]!.startLine : i + 1, endLine: i + 1, terms: new Map() }),
      );
    chunk.endLine = s >= 0 ? symbols[s]!.endLine : i + 1;
    tokens.length = 0;
    termFrequencies(codeTokens(lines[i]!, tokens), chunk.terms);
  }
  const chunks: FileAnalysis['chunks'] = [];
  for (const [s, chunk] of bySymbol)
    chunks.push({ symbol: s, startLine: chunk.startLine, endLine: chunk.endLine, terms: [...chunk.terms] });
  for (const chunk of windows.values()) {
    if (chunk.terms.size > 0)
      chunks.push({
        symbol: -1,
        startLine: chunk.startLine,
        endLine: chunk.endLine,
        terms: [...chunk.terms],
      });
  }
  return { language, lineCount, symbols, chunks };
}
