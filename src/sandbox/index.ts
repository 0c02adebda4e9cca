export { detectCgroupHost, type CgroupHost } from './cgroup-host.js';

// Sandbox runtime (issue 3): DockerSandbox, per-call limits and accounting, gc.
export {
  DockerSandbox,
  openSandbox,
  CAPABILITIES,
  WORKSPACE,
  sandboxExecMode,
  shellQuote,
} from './docker-sandbox.js';
export { detectExecMode, type ExecModeReport } from './exec-mode.js';
export { gcSandboxes, ownerLabels, ownerAlive, currentRunId, LABEL, type GcReport } from './ownership.js';
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
} from './types.js';
