// The harness layer's public surface: datasets, images, evaluation, reports (see README.md).
export {
  loadDataset,
  loadTaskDirs,
  parseDatasetText,
  normalizeInstance,
  formatIssue,
  type Dataset,
  type DatasetIssue,
  type EnvImage,
  type Instance,
  type RowShape,
} from './dataset.js';
export { loadPredictions, parsePredictions, type Prediction } from './predictions.js';
export { checkoutRepo, repoSource } from './repos.js';
export {
  ensureImages,
  holdImage,
  HOLD_LABEL,
  isTransientBuildError,
  planImages,
  removeImage,
  CACHE_LEVELS,
  ENV_REPO,
  INSTANCE_REPO,
  type CacheLevel,
} from './images.js';
export { isPythonParser, runPythonParser } from './pyparser.js';
export {
  gradeTests,
  summarize,
  type InstanceReport,
  type ReportJson,
  type RunSummary,
  type Outcome,
} from './grade.js';
export {
  evaluate,
  evaluateInstance,
  finished,
  finishRun,
  instanceDir,
  admittedWorkers,
  DEFAULT_RESOURCES,
  instanceResources,
  commandScript,
  diffFiles,
  modelDirName,
  type EvalOptions,
  type EvalRun,
  type InstanceResult,
} from './evaluate.js';
export {
  baselineScript,
  checkCommand,
  checkScript,
  describeResult,
  detectLanguage,
  envImage,
  envSucceeded,
  evalEnvScripts,
  loadScripts,
  readCheck,
  removeBadCommands,
  writeResults,
  ENVBENCH_EXIT_CODES,
  JVM_IMAGE,
  type CheckResult,
  type EnvBenchRecord,
  type EnvLanguage,
  type EnvResult,
  type EnvScript,
  type EnvEvalOptions,
  type PyrightJson,
} from './envbench.js';
export {
  baselineCommands,
  mattered,
  readOnly,
  runEnvSetup,
  scriptOf,
  type EnvSetupOptions,
  type EnvSetupResult,
  type SetupStep,
} from './envbench-setup.js';
export { buildJvmImage } from './envbench-jvm.js';
export {
  envScriptFile,
  finishEnvRun,
  loadEnvDataset,
  pendingEnvTasks,
  resultKey,
  runEnvBench,
  writeEnvRunResults,
  type EnvRunOptions,
  type EnvRunSummary,
  type EnvTask,
} from './envbench-run.js';
export { evaluateRepeated, type FlakyInstance, type RepeatRun } from './repeat.js';
export {
  loadResourceOverrides,
  readResources,
  resourcesFor,
  runAdmitted,
  type PartialResources,
  type ResolvedResources,
  type Resources,
} from './resources.js';
export {
  swebenchImage,
  swebenchLiveImage,
  swebenchCommands,
  testDirectives,
  withNamespace,
} from './published.js';
export { ensurePulled, ImageMissingError, isTransient } from './pull.js';
export { SWEBENCH_SPECS, type SwebenchSpec } from './swebench-specs.js';
export {
  runBatch,
  instanceTests,
  predictionModelName,
  PredictionsFile,
  type BatchOptions,
  type BatchResult,
} from './batch.js';
