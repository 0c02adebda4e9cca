// The cluster layer's public surface: running the harness across a Docker Swarm (see README.md).
export { encodeFrames, decodeFrames, safeName, FrameError, type FramePayload } from './frames.js';
export { CLUSTER_LABEL, clusterLabels, jobServiceName } from './labels.js';
export { swarmInfo, listNodes, defaultConstraints, type NodeView, type SwarmInfo } from './swarm.js';
export {
  buildRegistryImage,
  ensureRegistry,
  pushToRegistry,
  removeRegistry,
  registryPort,
  REGISTRY_IMAGE,
  DEFAULT_REGISTRY_PORT,
  type RegistryAddress,
} from './registry.js';
export { buildWorkerImage, workerImageRef, workerVersion, WORKER_REPO } from './worker-image.js';
export { inputChunks, submitJob, removeJob, type WorkerInput, type SubmitJob } from './job.js';
export { runJobs, serviceLog, demux, type Job, type JobLoopOptions } from './jobs.js';
export {
  evaluateOnSwarm,
  prepareSwarm,
  writeEvalFiles,
  eventsPath,
  EVAL_FILES,
  type SwarmOptions,
} from './eval.js';
export { runWorker, readInput } from './worker.js';
export { clusterStatus, formatStatus, type ClusterStatus } from './status.js';
export { gcRuns, gcSwarm, sweepNode, sweepNodes, runSweep, type SwarmGcReport } from './gc.js';
export { runBatchOnSwarm } from './batch.js';
export { runEnvBenchOnSwarm, writeEnvbenchFiles, ENVBENCH_FILES, type EnvSwarmOptions } from './envbench.js';
export { type WorkerHooks } from './envbench-worker.js';
