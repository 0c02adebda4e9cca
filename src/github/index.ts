// The github layer's public surface: the Action's host-side code (issue → drydock fix → pull request).
export {
  decideTrigger,
  asksDrydock,
  isOff,
  MARKER,
  DEFAULT_PHRASE,
  type Trigger,
  type TriggerConfig,
  type IssueRef,
  type Feedback,
} from './event.js';
export { TrackingComment, trackingBody, stepOfLine, TRACKING_STEPS } from './tracking.js';
export {
  readInputs,
  readInput,
  parseUserList,
  TOOL_PRESETS,
  type ActionInputs,
  type ToolPreset,
} from './inputs.js';
export { GitHubClient, parseRepository, type Permission, type RepoRef } from './api.js';
export {
  runFixCommand,
  readFixOutput,
  fixArgs,
  fixEnv,
  DRYDOCK_BIN,
  type FixRun,
  type FixCommandOptions,
} from './fix-command.js';
export { parseSummary, isResolved, type FixSummary } from './summary.js';
export {
  runAction,
  issueText,
  followUpText,
  branchFor,
  writeOutputs,
  type ActionContext,
  type ActionResult,
  type ActionOutputs,
} from './run.js';
export { actionContextFromEnv } from './context.js';
export { redact } from './redact.js';
