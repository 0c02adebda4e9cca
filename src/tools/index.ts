// The tools layer's public surface: what the agent may call, each call policy → sandbox → observation.
export {
  Toolbox,
  ToolFailedError,
  DEFAULT_TOOL_LIMITS,
  type ToolboxOptions,
  type ToolCallResult,
} from './toolbox.js';
export {
  defineTool,
  jsonSchemaOf,
  sandboxPath,
  shownPath,
  type BuildResult,
  type TestCommand,
  type Tool,
  type ToolContext,
  type ToolInvocation,
  type ToolOutcome,
} from './tool.js';
export { bashTool } from './bash.js';
export { viewTool, VIEW_DEFAULT_LINES } from './view.js';
export { editTool, EDIT_DIFF_LINES } from './edit.js';
export { searchTool, rgCommand, SEARCH_MAX_PER_FILE, SYMBOL_MAX_RESULTS } from './search.js';
export { diagnosticsTool } from './diagnostics.js';
export { runTestsTool, TEST_TAIL_LINES, DEFAULT_TEST_TIMEOUT_MS } from './run-tests.js';
export { submitTool, patchFiles } from './submit.js';
export { SandboxSymbols } from './sandbox-symbols.js';
export { execText } from './exec-text.js';
export { parseToolCall, type ParsedToolCall } from './parse-call.js';
export {
  truncateObservation,
  refusalObservation,
  type TruncateLimits,
  type PolicyRefusal,
} from './observations.js';
