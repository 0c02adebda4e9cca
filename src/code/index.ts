// The code layer's public surface: parsing, skeletons, symbol index, retrieval, edits.
export { languageOf, loadGrammar, loadGrammars, type ParsedLanguage } from './languages.js';
export type { CodeSymbol, SymbolKind } from './symbols.js';
export { skeleton, type Skeleton, type SkeletonOptions } from './skeleton.js';
export { findReferences, type Reference } from './references.js';
export { DirectoryAnalysisCache, MemoryAnalysisCache, type AnalysisCache } from './analysis-cache.js';
export {
  buildSymbolIndex,
  gitBlobHash,
  snapshotKey,
  SymbolIndex,
  type BuildOptions,
  type Chunk,
  type Definition,
  type FileAnalysis,
  type IndexedFile,
  type SourceFile,
} from './symbol-index.js';
export {
  retrieve,
  isTestPath,
  type RankedChunk,
  type RankedFile,
  type Retrieval,
  type RetrieveOptions,
} from './retrieve.js';
export { issueMentions, type IssueMentions } from './mentions.js';
export { codeTokens, pathTokens, plainTokens, termFrequencies } from './tokens.js';
export { Bm25Index, type Bm25Options } from './bm25.js';
export {
  applySearchReplace,
  isEmptySearch,
  EditError,
  type ApplyOptions,
  type BlockMatch,
  type EditErrorCode,
  type EditOutcome,
  type EditSuccess,
  type MatchStrategy,
  type SearchReplaceBlock,
} from './search-replace.js';
export {
  parseEditBlocks,
  parseSearchReplaceBlocks,
  describeEditBlockProblems,
  type ParsedEditBlocks,
  type EditBlockProblem,
  type ParseEditBlocksOptions,
} from './edit-blocks.js';
export { editBlocksFromDiff } from './diff-reply.js';
export { unifiedDiff } from './diff.js';
export { syntaxErrors, checkEditSyntax, type SyntaxCheck, type SyntaxProblem } from './syntax.js';
export { isIndexablePath } from './repository-files.js';
export { readWorkingTree } from './working-tree.js';
export { normalizePatch, parsePatch } from './normalize-patch.js';
export {
  LOG_PARSERS,
  END_TEST_OUTPUT,
  START_TEST_OUTPUT,
  SWEBENCH_PARSERS,
  parseSwebenchLog,
  TEST_STATUSES,
  failing,
  outcomes,
  passing,
  parseGoTest,
  parseJasmine,
  parseJestJson,
  parseJestVerbose,
  parseJunitXml,
  parseMochaJson,
  parseMochaSpec,
  parseNodeSpec,
  parseNodeTest,
  parsePytest,
  parseTap,
  parseVitest,
  type LogParser,
  type StatusMap,
  type TestStatus,
} from './test-logs/index.js';
