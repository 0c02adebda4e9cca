import { issueMentions, type IssueMentions } from './mentions.js';
import type { Chunk, SymbolIndex } from './symbol-index.js';
import { codeTokens, termFrequencies } from './tokens.js';

export interface RankedFile {
  path: string;
  score: number;
  /** Why it ranks: `bm25` (content), `path` (path words), `named path`, `stack frame`, `defines X`, `folder X`. */
  reasons: string[];
}

export interface RankedChunk extends Chunk {
  score: number;
}

export interface Retrieval {
  files: RankedFile[];
  chunks: RankedChunk[];
  mentions: IssueMentions;
}

export interface RetrieveOptions {
  /** How many files to return. Default 10. */
  k?: number;
  /** How many symbol-level chunks to return. Default 20. */
  chunks?: number;
  /** Score multiplier for test files that the issue does not name: an issue's fix is rarely in its tests. Default 0.6. */
  testFileWeight?: number;
  /**
   * Score multiplier for documentation (Markdown, reStructuredText, plain text, `docs/`, changelogs) that
   * the issue does not name, unless the issue speaks of documentation. Default 0.5.
   */
  docFileWeight?: number;
  /** Score multiplier for type stubs (`.d.ts`, `.pyi`): the behaviour lives next to them. Default 0.8. */
  stubFileWeight?: number;
}

// Weights of the score's parts; each part is normalized to at most 1 first.
const PATH_WEIGHT = 0.5;
const CHUNK_WEIGHT = 0.5;
const NAMED_PATH = 1.0;
const STACK_FRAME = 1.0;
const DEFINES_NAMED = 0.6;
const NAMED_FOLDER = 0.5;

const TEST_PATH =
  /(^|\/)(tests?|__tests__|spec|testing)\/|(^|\/)test_[^/]*$|_test\.[^/]+$|\.(test|spec)\.[^/]+$/;

const DOC_PATH =
  /(^|\/)(docs?|documentation|changelog\.d|changes)\/|\.(md|markdown|rst|txt|adoc)$|(^|\/)(changelog|changes|history|news|authors|contributors)(\.[^/]*)?$/i;
const STUB_PATH = /\.d\.[cm]?ts$|\.pyi$/;
const SPEAKS_OF_DOCS = /\b(docs?|documentation|docstrings?|readme|changelog|typos?)\b/i;

export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}

/** What a file is for, as far as its path tells. */
export function fileRole(path: string): 'test' | 'doc' | 'stub' | 'source' {
  if (TEST_PATH.test(path)) return 'test';
  if (STUB_PATH.test(path)) return 'stub';
  if (DOC_PATH.test(path)) return 'doc';
  return 'source';
}

/**
 * Ranks a repository's files and symbol-level chunks for an issue: BM25 over
 * code-aware tokens of file contents, file paths and symbol-level chunks, plus
 * boosts for what the issue names exactly. No embeddings, no network.
 */
export function retrieve(issueText: string, index: SymbolIndex, options: RetrieveOptions = {}): Retrieval {
  const k = options.k ?? 10;
  const chunkCount = options.chunks ?? 20;
  const testWeight = options.testFileWeight ?? 0.6;
  const query = termFrequencies(codeTokens(issueText));
  const mentions = issueMentions(issueText);

  const fileBm25 = normalized(index.fileContentScores(query));
  const pathBm25 = normalized(index.pathBm25.score(query));
  const chunkBm25 = normalized(index.chunkBm25.score(query));
  const fileNumber = new Map(index.files.map((f, i) => [f.path, i]));
  const scores = fileBm25.map((content, f) => content + PATH_WEIGHT * pathBm25[f]!);
  const reasons: string[][] = index.files.map((_, f) => [
    ...(fileBm25[f]! > 0 ? ['bm25'] : []),
    ...(pathBm25[f]! > 0 ? ['path'] : []),
  ]);

  const bestChunk = new Float64Array(index.files.length);
  index.chunks.forEach((chunk, c) => {
    const f = fileNumber.get(chunk.path)!;
    if (chunkBm25[c]! > bestChunk[f]!) bestChunk[f] = chunkBm25[c]!;
  });
  bestChunk.forEach((value, f) => (scores[f]! += CHUNK_WEIGHT * value));

  const boost = (f: number, amount: number, reason: string) => {
    scores[f]! += amount;
    if (!reasons[f]!.includes(reason)) reasons[f]!.push(reason);
  };
  for (const path of mentions.paths) {
    const matches = filesEndingWith(index, path);
    for (const f of matches) boost(f, NAMED_PATH / Math.sqrt(matches.length), 'named path');
  }
  const frameLines = new Map<number, number[]>();
  for (const frame of mentions.frames) {
    for (const f of filesEndingWith(index, frame.path)) {
      boost(f, STACK_FRAME, 'stack frame');
      frameLines.set(f, [...(frameLines.get(f) ?? []), frame.line]);
    }
  }
  const namedSymbols = new Set<string>();
  for (const identifier of mentions.identifiers) {
    const definitions = definitionsOf(index, identifier);
    if (definitions.length === 0) {
      folderBoost(index, identifier, boost);
      continue;
    }
    for (const d of definitions) namedSymbols.add(`${d.path}\0${d.symbol.qualifiedName}`);
    const definingFiles = new Set(definitions.map((d) => d.path));
    for (const path of definingFiles)
      boost(fileNumber.get(path)!, DEFINES_NAMED / Math.sqrt(definingFiles.size), `defines ${identifier}`);
  }

  // Priors by role, for files the issue does not point at by path or stack frame.
  const weights = {
    test: testWeight,
    doc: SPEAKS_OF_DOCS.test(issueText) ? 1 : (options.docFileWeight ?? 0.5),
    stub: options.stubFileWeight ?? 0.8,
    source: 1,
  };
  index.files.forEach((file, f) => {
    const pointed = reasons[f]!.includes('named path') || reasons[f]!.includes('stack frame');
    if (!pointed) scores[f]! *= weights[fileRole(file.path)];
  });

  const order = [...scores.keys()].filter((f) => scores[f]! > 0).sort((a, b) => scores[b]! - scores[a]!);
  const files = order
    .slice(0, k)
    .map((f) => ({ path: index.files[f]!.path, score: round(scores[f]!), reasons: reasons[f]! }));

  const inFrames = framedChunks(index, fileNumber, frameLines);
  const chunkScores = index.chunks.map((chunk, c) => {
    const f = fileNumber.get(chunk.path)!;
    let score = chunkBm25[c]! + 0.5 * (scores[f]! / (scores[order[0] ?? 0] || 1));
    if (chunk.symbol && namedSymbols.has(`${chunk.path}\0${chunk.symbol}`)) score += DEFINES_NAMED;
    if (inFrames.has(c)) score += STACK_FRAME;
    return score;
  });
  const chunkOrder = [...chunkScores.keys()]
    .filter((c) => chunkScores[c]! > 0)
    .sort((a, b) => chunkScores[b]! - chunkScores[a]!);
  const chunks = chunkOrder
    .slice(0, chunkCount)
    .map((c) => ({ ...index.chunks[c]!, score: round(chunkScores[c]!) }));
  return { files, chunks, mentions };
}

/** For each stack-frame line, the smallest chunk of its file that holds it: the innermost function. */
function framedChunks(
  index: SymbolIndex,
  fileNumber: Map<string, number>,
  frameLines: Map<number, number[]>,
): Set<number> {
  const best = new Map<string, { chunk: number; size: number }>();
  index.chunks.forEach((chunk, c) => {
    const f = fileNumber.get(chunk.path)!;
    for (const line of frameLines.get(f) ?? []) {
      if (line < chunk.startLine || line > chunk.endLine) continue;
      const size = chunk.endLine - chunk.startLine;
      const key = `${f}:${line}`;
      const current = best.get(key);
      if (!current || size < current.size) best.set(key, { chunk: c, size });
    }
  });
  return new Set([...best.values()].map((b) => b.chunk));
}

function normalized(scores: Float64Array): Float64Array {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max > 0) for (let i = 0; i < scores.length; i++) scores[i]! /= max;
  return scores;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Files whose path is `path` or ends with `/path`; absolute paths from tracebacks match by their tail. */
function filesEndingWith(index: SymbolIndex, path: string): number[] {
  const clean = path.replace(/\\/g, '/').replace(/^\.\//, '');
  const out: number[] = [];
  index.files.forEach((file, f) => {
    if (file.path === clean || clean.endsWith(`/${file.path}`) || file.path.endsWith(`/${clean}`))
      out.push(f);
  });
  if (out.length > 0 || !clean.includes('/')) return out;
  // A path that names a folder: everything under it.
  index.files.forEach((file, f) => {
    if (file.path.startsWith(`${clean}/`) || file.path.includes(`/${clean}/`)) out.push(f);
  });
  return out.length <= 20 ? out : [];
}

/** Definitions of an identifier, trying shorter dotted tails: `attr.validators.in_` → `validators.in_` → `in_`. */
function definitionsOf(index: SymbolIndex, identifier: string) {
  const parts = identifier.split('.');
  for (let i = 0; i < parts.length; i++) {
    const found = index.definitions(parts.slice(i).join('.'));
    if (found.length > 0) return found;
  }
  return [];
}

/** An identifier that names a folder or file stem (`WeekOfYear` → `plugin/weekOfYear/`) boosts the files there. */
function folderBoost(
  index: SymbolIndex,
  identifier: string,
  boost: (f: number, amount: number, reason: string) => void,
): void {
  const name = identifier.slice(identifier.lastIndexOf('.') + 1).toLowerCase();
  if (name.length < 4) return;
  const matches: number[] = [];
  index.files.forEach((file, f) => {
    const segments = file.path.toLowerCase().split('/');
    const stem = segments.pop()!.split('.')[0];
    if (segments.includes(name) || stem === name) matches.push(f);
  });
  if (matches.length === 0 || matches.length > 20) return;
  for (const f of matches) boost(f, NAMED_FOLDER / Math.sqrt(matches.length), `folder ${identifier}`);
}
