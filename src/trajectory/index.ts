// The trajectory layer's public surface: one JSONL event stream per run.
export * from './events.js';
export {
  TrajectoryWriter,
  type TrajectoryWriterOptions,
  newRunId,
  trajectoryPath,
  DEFAULT_RUNS_DIR,
  TRAJECTORY_FILE,
} from './writer.js';
export {
  parseTrajectory,
  readTrajectory,
  listRuns,
  resolveRun,
  type TrajectoryReadResult,
  type SkippedLine,
} from './reader.js';
export { formatTranscript } from './transcript.js';
