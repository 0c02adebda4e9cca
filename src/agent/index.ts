// The agent layer's public surface: `drydock fix`'s controller and its stages.
export { runFix, type Delivery, type FixRunOptions } from './controller.js';
export type {
  Candidate,
  FixOptions,
  FixStatus,
  FixSummary,
  Location,
  Progress,
  Stage,
  TestReading,
} from './types.js';
export { detectEnvironment, PYTEST, type Environment, type TestFormat } from './environment.js';
export { parseTestOutput, relatedTests, narrowedCommand, runTests } from './tests.js';
export { reproductionPlace } from './validate.js';
export { select, type Selection } from './select.js';
export { candidateFrom, repair } from './repair.js';
export { RunContext } from './context.js';
export { textActions, textActionInstructions } from './text-format.js';
export { asFinalAnswer, isSubmissionCommand } from './final-answer.js';
export { verdictOf, reviewFormat, answerOpenCalls, VERDICT_TOOLS, type Verdict } from './verdict.js';
export { parseFiles, parseLocations, readElements, type NamedElement } from './localize.js';
export { formatSummary, writeOutputs, applyToWorkingTree, commitOnBranch } from './output.js';
export {
  runLoop,
  nativeToolCalls,
  actionFormat,
  type ActionFormat,
  type LoopOptions,
  type LoopOutcome,
  type LoopResult,
  type ParsedReply,
} from './loop.js';
export { summarize, finalPatch, type RunValues } from './summary.js';
export { writeStageFile } from './stage-files.js';
export type { Validation, ReproductionTest } from './validate.js';
export type { Review } from './review.js';
export { fixIssue, deliveryOf, type FixRunRequest, type FixRunStart } from './run.js';
export {
  runSetupSession,
  baselineCommands,
  mattered,
  readOnly,
  scriptOf,
  egressOf,
  type SetupCheck,
  type SetupSession,
  type SetupSessionOptions,
  type SetupStep,
  type EgressEntry,
} from './envsetup.js';
export {
  prepareEnvironment,
  environmentKey,
  testsCannotStart,
  startProbe,
  testsStartCheck,
  repositoryFiles,
  ENV_IMAGE_LABEL,
  ENV_IMAGE_REPO,
  type EnvironmentSetup,
  type SetupAgentMode,
} from './envsetup-fix.js';
