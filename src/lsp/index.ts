// Language-server process rewards (issue 5): pyright and typescript-language-server
// running inside the sandbox, diagnostics before and after each edit, their delta,
// and r = α(D_before − D_after) + β·S − γ(1 − c).
export { LspClient, type LspClientOptions, type WaitResult } from './client.js';
export { LanguageServerUnavailableError } from './availability.js';
export { compareDiagnostics, type DiagnosticsByFile, type LspDiagnostic } from './diagnostic.js';
export { relPath, toUri } from './uri.js';
export {
  diagnosticsDelta,
  hunksOf,
  mapLine,
  parseUnifiedDiff,
  type DiagnosticsDelta,
  type EditShape,
  type FileDelta,
  type LineHunk,
} from './delta.js';
export { findImporters, importName, missingImports, type MissingImportsReport } from './imports.js';
export {
  DEFAULT_WEIGHTS,
  errorCount,
  processReward,
  type EditSafety,
  type ProcessReward,
  type RewardWeights,
} from './reward.js';
export {
  startServerProcess,
  hasContainer,
  type ServerProcess,
  type ContainerSandbox,
} from './server-process.js';
export {
  PYRIGHT,
  SERVERS,
  TYPESCRIPT,
  configHash,
  languageId,
  serverForFile,
  type ServerIdentity,
  type ServerName,
  type ServerSpec,
} from './servers.js';
export {
  DiagnosticsSession,
  type AppliedEdit,
  type DiagnosticsResult,
  type Edit,
  type RewardResult,
  type SessionOptions,
} from './session.js';
