// The report layer's public surface: one self-contained HTML page per fix run or evaluation run.
export {
  buildRunModel,
  type RunModel,
  type CandidateRow,
  type CandidateOutcome,
  type ToolCallRow,
  type StageSpan,
} from './run-model.js';
export {
  loadEval,
  compareEvals,
  BUCKETS,
  type Bucket,
  type EvalModel,
  type InstanceRow,
  type OutcomeChange,
} from './eval-model.js';
export { batchOf, loadBatch, renderBatchPage, type BatchModel, type BatchRow } from './batch.js';
export { renderRunPage } from './run-page.js';
export { renderEvalPage } from './eval-page.js';
export { secretValues, redactText, MASK } from './redact.js';
export {
  writeReport,
  writeRunReport,
  writeEvalReport,
  writeBatchReport,
  isRunRef,
  REPORT_FILE,
  type ReportOptions,
  type WrittenReport,
} from './write.js';
