import { createHash } from 'node:crypto';
import { ANALYSIS_VERSION } from './analysis.js';
import type { AnalysisCache } from './analysis-cache.js';
import { Bm25Index, bm25Idf, bm25Term } from './bm25.js';
import { languageOf, type ParsedLanguage } from './languages.js';
import { analyzeInParallel } from './parallel-analysis.js';
import { findReferences, type Reference } from './references.js';
import { skeletonText, type Skeleton, type SkeletonOptions } from './skeleton.js';
import type { CodeSymbol, SymbolKind } from './symbols.js';
import { pathTokens, termFrequencies } from './tokens.js';

export type { FileAnalysis } from './analysis.js';

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

export interface BuildOptions {
  cache?: AnalysisCache;
  /** Files larger than this are left out (generated or vendored code). Default 1 MB. */
  maxFileBytes?: number;
  /** Lines per window for code outside any symbol and for plain-text files. Default 50. */
  windowLines?: number;
  /** Threads to parse on when there is much to parse. Default: cores, at most 4; 1 keeps it on this thread. */
  threads?: number;
}

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
  /** For each chunk, the number of its file; and each file's length in terms. */
  private readonly chunkFile: Int32Array;
  private readonly fileLengths: Float64Array;
  private readonly referenceMemo = new Map<string, Promise<Reference[]>>();

  constructor(
    readonly files: readonly IndexedFile[],
    readonly chunks: readonly Chunk[],
    /** Documents are files' paths, split into tokens, in the order of `files`. */
    readonly pathBm25: Bm25Index,
    /** Documents are chunks, in the order of `chunks`. */
    readonly chunkBm25: Bm25Index,
    readonly skipped: readonly { path: string; reason: string }[],
    readonly snapshot: string,
  ) {
    const fileNumber = new Map(files.map((f, i) => [f.path, i]));
    this.chunkFile = Int32Array.from(chunks, (c) => fileNumber.get(c.path)!);
    this.fileLengths = new Float64Array(files.length);
    chunks.forEach((_, c) => (this.fileLengths[this.chunkFile[c]!]! += chunkBm25.lengthOf(c)));
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

  /**
   * BM25 over whole files' contents, in the order of `files`. A file's term
   * counts are its chunks' summed, so this is computed from the chunk
   * postings at query time instead of keeping a second index.
   */
  fileContentScores(query: ReadonlyMap<string, number>): Float64Array {
    const n = this.files.length;
    const scores = new Float64Array(n);
    if (n === 0) return scores;
    let total = 0;
    for (const length of this.fileLengths) total += length;
    const average = total / n || 1;
    const tf = new Float64Array(n);
    const touched: number[] = [];
    for (const [term, queryTf] of query) {
      const list = this.chunkBm25.postingsOf(term);
      if (!list) continue;
      touched.length = 0;
      for (let i = 0; i < list.doc.length; i++) {
        const f = this.chunkFile[list.doc[i]!]!;
        if (tf[f] === 0) touched.push(f);
        tf[f]! += list.tf[i]!;
      }
      const weight = bm25Idf(n, touched.length) * (1 + Math.log(queryTf));
      for (const f of touched) {
        scores[f]! += bm25Term(
          weight,
          tf[f]!,
          this.fileLengths[f]!,
          average,
          this.chunkBm25.k1,
          this.chunkBm25.b,
        );
        tf[f] = 0;
      }
    }
    return scores;
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
   * Where `name` is used, other than where it is defined: identifier nodes
   * in parsed files (not comments or strings), whole words in other files.
   * By name only: scopes and imports are not resolved. Parses the files
   * that contain the name, once per name (memoized).
   */
  references(name: string): Promise<Reference[]> {
    let found = this.referenceMemo.get(name);
    if (!found) {
      const definitionLines = new Set(this.definitions(name).map((d) => `${d.path}:${d.symbol.startLine}`));
      found = findReferences(this.files, name, definitionLines);
      this.referenceMemo.set(name, found);
    }
    return found;
  }

  file(path: string): IndexedFile | undefined {
    return this.files.find((f) => f.path === path);
  }

  /** A file's skeleton from the index, without parsing it again; undefined for a path not indexed. */
  skeleton(path: string, options: SkeletonOptions = {}): Skeleton | undefined {
    const file = this.file(path);
    if (!file) return undefined;
    const text = skeletonText(file.symbols, file.lineCount, file.source, options);
    return { path, language: file.language, symbols: file.symbols, lineCount: file.lineCount, text };
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
  const maxBytes = options.maxFileBytes ?? 1_000_000;
  const windowLines = options.windowLines ?? 50;
  const skipped: { path: string; reason: string }[] = [];
  const kept: { file: SourceFile; hash: string; language: ParsedLanguage | null; key: string }[] = [];
  for (const file of files) {
    if (file.source.length > maxBytes)
      skipped.push({ path: file.path, reason: `larger than ${maxBytes} bytes` });
    else if (file.source.includes('\0')) skipped.push({ path: file.path, reason: 'binary' });
    else {
      const hash = file.hash ?? gitBlobHash(file.source);
      const language = languageOf(file.path);
      kept.push({
        file,
        hash,
        language,
        key: `${ANALYSIS_VERSION}:${language ?? 'text'}:${windowLines}:${hash}`,
      });
    }
  }

  const analyses = kept.map((k) => options.cache?.get(k.key));
  const missing = kept.flatMap((k, i) => (analyses[i] ? [] : [i]));
  const fresh = await analyzeInParallel(
    missing.map((i) => ({ source: kept[i]!.file.source, language: kept[i]!.language })),
    windowLines,
    options.threads,
  );
  missing.forEach((i, j) => {
    analyses[i] = fresh[j]!;
    options.cache?.set(kept[i]!.key, fresh[j]!);
  });

  const indexed: IndexedFile[] = [];
  const chunks: Chunk[] = [];
  const pathBm25 = new Bm25Index();
  const chunkBm25 = new Bm25Index();
  kept.forEach(({ file, hash }, i) => {
    const analysis = analyses[i]!;
    indexed.push({
      path: file.path,
      hash,
      source: file.source,
      language: analysis.language,
      lineCount: analysis.lineCount,
      symbols: analysis.symbols,
    });
    pathBm25.add(termFrequencies(pathTokens(file.path)));
    for (const chunk of analysis.chunks) {
      const symbol = chunk.symbol >= 0 ? analysis.symbols[chunk.symbol] : undefined;
      chunks.push({
        path: file.path,
        ...(symbol ? { symbol: symbol.qualifiedName } : {}),
        kind: symbol?.kind ?? 'module',
        startLine: chunk.startLine,
        endLine: chunk.endLine,
      });
      chunkBm25.addTerms(splitTerms(chunk.terms), chunk.counts);
    }
  });
  return new SymbolIndex(indexed, chunks, pathBm25, chunkBm25, skipped, snapshotKey(indexed));
}

function splitTerms(terms: string): string[] {
  return terms === '' ? [] : terms.split(' ');
}
