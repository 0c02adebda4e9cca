import type { Readable, Writable } from 'node:stream';
import type { KilledBy, ResourceLimits, ResourceUsage } from '../core/index.js';
import type { EgressRecord } from './egress-proxy.js';

export type { KilledBy };

/**
 * Limits for one `exec`: core's resource limits (memory, cpus, pids, wall time) and the
 * output cap. Every field is optional; `DEFAULT_LIMITS` fills the gaps.
 */
export interface ExecLimits extends ResourceLimits {
  /** Bytes of stdout and of stderr (each) kept; the rest is cut from the middle. */
  maxOutputBytes?: number;
}

export const DEFAULT_LIMITS: Required<ExecLimits> = {
  memoryBytes: 1024 * 1024 * 1024,
  cpus: 1,
  pids: 256,
  timeoutMs: 120_000,
  maxOutputBytes: 1024 * 1024,
};

export interface ExecOptions extends ExecLimits {
  /** Working directory inside the sandbox; /testbed when absent. */
  cwd?: string;
  /** Extra environment for this call only. */
  env?: Record<string, string>;
  /** Bytes fed to the command's stdin; /dev/null when absent. */
  stdin?: string | Buffer;
}

/**
 * How per-call limits are enforced:
 * - `per-call-cgroup`: each call gets its own cgroup under its container's cgroup.
 * - `container-update`: the container's own limits are set before each call (Docker API).
 * - `host`: HostSandbox (tests only): no limits enforced, no usage measured.
 */
export type ExecMode = 'per-call-cgroup' | 'container-update' | 'host';

/** What a call printed and how it ended, with the usage the sandbox measured (core's `ResourceUsage`). */
export interface ExecResult extends ResourceUsage {
  /** The command's exit code; 128 + signal when a signal ended it. */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Whether stdout or stderr lost bytes to the output cap. */
  truncated: boolean;
  /** Bytes cut from the middle of stdout and stderr. */
  stdoutBytesCut: number;
  stderrBytesCut: number;
  /** The mode that enforced this call's limits. */
  mode: ExecMode;
}

/**
 * `none`: no network. `registries`: only the package registries this machine is
 * configured for, through drydock's allow-listing proxy (every connection recorded).
 * `bridge`: everything, only when asked for.
 */
export type NetworkMode = 'none' | 'registries' | 'bridge';

export interface SandboxSpec {
  /** Docker image to start from. */
  image: string;
  /** A host directory copied (never bound) into the sandbox at /testbed. */
  repo?: string;
  /** `none` (default), `registries` (package installs) or `bridge` (everything). */
  network?: NetworkMode;
  /** Hosts (`name` or `name:port`) `registries` mode allows beyond the machine's configured registries. */
  allowHosts?: string[];
  /**
   * Called once for each connection of `registries` mode when it has ended (refused ones at
   * once): where the agent writes its `egress` trajectory events. `egressLog()` lists the same.
   */
  onEgress?: (record: EgressRecord) => void;
  /** Default limits for this sandbox's calls; each exec may override them. */
  limits?: ExecLimits;
  /**
   * Size limit of the writable workspace /testbed, in bytes. overlay2 on ext4 (this
   * project's usual host) cannot limit a container's layer, so /testbed becomes a
   * size-limited tmpfs; see README.
   */
  workspaceBytes?: number;
  /** Extra environment for every call. Nothing of drydock's own environment is passed. */
  env?: Record<string, string>;
  /** Force a mode (tests and `--mode`); detected when absent. */
  mode?: ExecMode;
  /** Groups this sandbox's containers for `gc` and reports; one id per drydock run. */
  runId?: string;
}

/**
 * Options of `spawn`: the process's own limits (memory, cpus, pids; the sandbox's
 * defaults fill the gaps), and no wall-time limit unless `timeoutMs` is given.
 */
export interface SpawnOptions extends ResourceLimits {
  cwd?: string;
  env?: Record<string, string>;
}

/** How a spawned process ended, with its own cgroup's usage. */
export interface SpawnExit extends ResourceUsage {
  /** 128 + signal when a signal ended it; -1 when its sandbox closed or died first. */
  exitCode: number;
  /** Set when the process ended because its sandbox closed or its container died. */
  sandboxEnded: string | null;
}

/**
 * A long-lived process in a sandbox (a language server, a watcher): its own cgroup
 * with its own limits and usage, stdin/stdout/stderr as streams, killed with the
 * sandbox. Output is not captured: read it or the process blocks on a full pipe.
 */
export interface SpawnedProcess {
  /** Its pid inside the sandbox. */
  readonly pid: number;
  /** Writes after the process died are dropped (its end is reported through `exited`). */
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Settles (never rejects) when the process and everything it started have ended. */
  readonly exited: Promise<SpawnExit>;
  readonly alive: boolean;
  /** Its cgroup's usage so far. */
  usage(): { cpuMs: number; peakMemoryBytes: number };
  /** SIGKILLs the process and everything it started. */
  kill(): Promise<SpawnExit>;
}

/**
 * What other layers (tools, lsp, agent) hold. Implementations: DockerSandbox, and
 * HostSandbox for tests; each passes test/sandbox/conformance.test.ts.
 */
export interface Sandbox {
  readonly id: string;
  readonly mode: ExecMode;
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  readFile(path: string): Promise<string>;
  writeFile(path: string, content: string | Buffer): Promise<void>;
  /** The workspace's changes against HEAD, new files included. */
  diff(): Promise<string>;
  fork(n: number): Promise<Sandbox[]>;
  /**
   * Starts a long-lived process: `command` is bash source, or an argv run as is
   * (exec'd, so the process is the program itself). See SpawnedProcess.
   */
  spawn(command: string | string[], opts?: SpawnOptions): Promise<SpawnedProcess>;
  close(): Promise<void>;
  /**
   * The network mode in force now (it may change during a run: registries for setup, none for
   * the tests); the policy decides each command knowing it. Absent when the sandbox cannot tell.
   */
  readonly networkMode?: NetworkMode;
}
