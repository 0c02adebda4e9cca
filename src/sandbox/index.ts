export { detectCgroupHost, type CgroupHost } from './cgroup-host.js';
export {
  APT_LOG,
  DOCKERD_LOG,
  dockerClient,
  engineAddress,
  ensureEngine,
  pingEngine,
  type EngineInfo,
  type EnsureEngineOptions,
} from './engine.js';
export { buildImages, imageStatuses } from './images.js';
export {
  IMAGE_NAMES,
  LANGUAGE_SERVER_BIN,
  LANGUAGE_SERVERS,
  LANGUAGE_SERVERS_LABEL,
  imageRef,
  type BaseSource,
  type ImageName,
  type ImageOptions,
  type ImageStatus,
} from './image-spec.js';
export { HOST_CA_DIR, readCaCerts } from './ca-certs.js';
export { isFreezeFailure, retryFreeze } from './freeze.js';

// Sandbox runtime (issue 3): DockerSandbox, per-call limits and accounting, gc.
export {
  DockerSandbox,
  openSandbox,
  CAPABILITIES,
  sandboxExecMode,
  shellQuote,
  lastOpenPhases,
  type DockerOpenOptions,
  type ForkOptions,
} from './docker-sandbox.js';
export { SandboxPool, warmKey, type PoolOptions } from './pool.js';
export { ensureRuntimeSource, RUNTIME_MISSING_HINT } from './runtime.js';
export { HostSandbox, SandboxUnsupportedError, type HostSandboxSpec } from './host-sandbox.js';
export { detectExecMode, type ExecModeReport } from './exec-mode.js';
export { gcSandboxes } from './gc.js';
export {
  ownerLabels,
  ownerAlive,
  currentRunId,
  sessionLabels,
  LABEL,
  POOL_LABEL,
  type GcReport,
} from './ownership.js';
export { SandboxGoneError, SandboxClosedError } from './errors.js';
export { HeadTailCapture } from './output-cap.js';
export { parseSize, parseDuration } from './units.js';
export {
  DEFAULT_LIMITS,
  type ExecLimits,
  type ExecOptions,
  type ExecResult,
  type ExecMode,
  type KilledBy,
  type NetworkMode,
  type Sandbox,
  type SandboxSpec,
  type SpawnExit,
  type SpawnOptions,
  type SpawnedProcess,
} from './types.js';
export { followBuild, ImageBuildError } from './build-stream.js';
export { hasImage } from './image-docker.js';
export {
  repoImage,
  removeRepoImages,
  findRepoImageSource,
  REPO_IMAGE_LABEL,
  REPO_IMAGE_NAME,
  type RepoImage,
  type RepoImageOptions,
  type RepoImageSource,
} from './repo-image.js';
export type { EgressRecord } from './egress-proxy.js';
