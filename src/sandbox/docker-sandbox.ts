import Docker from 'dockerode';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { Readable, type Duplex } from 'node:stream';
import { pack } from 'tar-fs';
import { DrydockError, WORKSPACE } from '../core/index.js';
import { cgroupOfPid, prepareContainerCgroup } from './call-cgroup.js';
import { SandboxClosedError, SandboxGoneError } from './errors.js';
import { detectExecMode, type ExecModeReport } from './exec-mode.js';
import { currentRunId, ownerLabels, POOL_LABEL } from './ownership.js';
import { DockerFrameParser } from './docker-frames.js';
import { INITIAL_SLOTS, RunnerClient, type CallOutcome, type CallRequest } from './runner-client.js';
import { RUNNER_SCRIPT } from './runner-script.js';
import { trackOpen, untrackOpen } from './shutdown.js';
import {
  DEFAULT_LIMITS,
  type ExecLimits,
  type ExecMode,
  type ExecOptions,
  type ExecResult,
  type Sandbox,
  type SandboxSpec,
  type NetworkMode,
  type SpawnOptions,
  type SpawnedProcess,
} from './types.js';
import { UpdateExecutor } from './update-exec.js';
import type { EgressRecord } from './egress-proxy.js';
import { RegistriesNetwork } from './registries-network.js';
import { newHostsFile, removeHostsFile } from './no-network.js';
import { shellQuote } from './bash-text.js';
import { DIFF_SCRIPT } from './diff-script.js';
import { isGitConfigPath, scrubGitConfig } from './git-scrub.js';
import {
  LSP_DIR,
  RUNTIME_BASH,
  RUNTIME_DIR,
  RUNTIME_MISSING_HINT,
  languageServerVolume,
  runtimeSource,
  runtimeVolume,
} from './runtime.js';
import { LANGUAGE_SERVERS_LABEL } from './image-spec.js';
import { applyDeltaScript, collectDelta, deltaTar, fileClockNs, type Delta } from './fork-delta.js';
import { retryFreeze } from './freeze.js';

/**
 * What package installs and test runs need, and nothing more: no NET_RAW (raw
 * sockets), no SYS_ADMIN (mount), no SYS_MODULE, no MKNOD, no SYS_CHROOT.
 */
export const CAPABILITIES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'NET_BIND_SERVICE',
];

/** The whole environment of a sandbox: nothing comes from drydock's own. */
const BASE_ENV: Record<string, string> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
  TERM: 'dumb',
  // The repository's files may belong to another uid than the container's root.
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'safe.directory',
  GIT_CONFIG_VALUE_0: '*',
};

/** How long a failed call waits for the engine to say a killed container has stopped. */
const GONE_SETTLE_MS = 3_000;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const READ_LIMIT = 64 * 1024 * 1024;

export { shellQuote };

let modeCache: Promise<ExecModeReport> | null = null;

/** Opens a sandbox (DESIGN.md's `open(spec)`). */
export function openSandbox(spec: SandboxSpec): Promise<DockerSandbox> {
  return DockerSandbox.open(spec);
}

/** The exec mode sandboxes get on this machine and why (for `drydock doctor`). */
export function sandboxExecMode(docker: Docker = new Docker()): Promise<ExecModeReport> {
  modeCache ??= detectExecMode(docker);
  return modeCache;
}

interface Executor {
  exec(req: CallRequest): Promise<CallOutcome>;
}

/** What a sandbox needs of its pool (`SandboxPool`, pool.ts, which opens sandboxes through this class). */
export interface WarmSource {
  readonly docker: Docker;
  take(spec: SandboxSpec): Promise<DockerSandbox | null>;
  warm(spec: SandboxSpec, count: number, forkImage?: string): void;
  drop(spec: SandboxSpec): Promise<void>;
}

/** How `DockerSandbox.open` opens (beyond the spec). */
export interface DockerOpenOptions {
  docker?: Docker;
  /** Image this sandbox was forked from, removed with the last of its forks. */
  forkImage?: string;
  /** Take a warm sandbox from this pool when one is ready; forks use it too. */
  pool?: WarmSource;
  /** Started ahead of use for a pool (labelled so). */
  warm?: boolean;
}

/** Options of `fork`. */
export interface ForkOptions {
  /**
   * `auto` (default): copy what changed since the last snapshot into forks of that
   * snapshot, or commit a new snapshot when that is much (see README, "fork");
   * `commit`: always `docker commit` the whole container (the old way, the benchmark's baseline).
   */
  via?: 'auto' | 'commit';
}

/** The image forks start from, and when it was taken (changes at or after it are the delta). */
interface Snapshot {
  image: string;
  sinceNs: bigint;
  /** Made by this sandbox's commit (removed at close), not the image it was opened from. */
  committed: boolean;
}

/** Beyond this much changed since the snapshot, a fork commits a new one (later forks are cheap again). */
const DELTA_MAX_BYTES = 32 * 1024 * 1024;
const DELTA_MAX_ENTRIES = 20_000;

function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

/** A Docker container holding a task's repository at /testbed, with per-call limits. */
export class DockerSandbox implements Sandbox {
  private closed = false;
  private spec_: SandboxSpec;
  private pool: WarmSource | null = null;
  private snapshot: Snapshot | null = null;
  /** The host file bound at /etc/hosts of a `NetworkDisabled` sandbox (no-network.ts). */
  private hostsFile: string | null = null;

  private constructor(
    readonly docker: Docker,
    readonly container: Docker.Container,
    spec: SandboxSpec,
    readonly runId: string,
    readonly mode: ExecMode,
    readonly modeReason: string,
    private readonly executor: Executor,
    private readonly runner: RunnerClient,
    private readonly forkImage: string | undefined,
    private readonly registries: RegistriesNetwork | null = null,
  ) {
    this.spec_ = spec;
    this.networkMode = spec.network ?? 'none';
    if (forkImage) holdImage(forkImage);
    trackOpen(this);
  }

  /** What this sandbox was opened with (a warm one takes its caller's spec when handed out). */
  get spec(): SandboxSpec {
    return this.spec_;
  }

  /** The network mode in force now (`setNetwork` changes it). */
  networkMode: NetworkMode;

  /**
   * Changes the network mode of a live sandbox, for the next call on: a sandbox
   * opened in `registries` mode can go to `none` (setup done, tests next) and back.
   * Other changes refuse (a container without network cannot join one later).
   */
  async setNetwork(mode: NetworkMode): Promise<void> {
    if (this.closed) throw new SandboxClosedError();
    if (mode === this.networkMode) return;
    if (!this.registries || mode === 'bridge') {
      throw new DrydockError(
        `this sandbox cannot change its network from ${this.networkMode} to ${mode}`,
        'open it with network registries to switch between registries and none',
        'NETWORK_MODE',
      );
    }
    const net = this.docker.getNetwork(this.registries.name);
    if (mode === 'none') await net.disconnect({ Container: this.id, Force: true });
    else {
      await net.connect({ Container: this.id });
      await this.registries.routeContainer((await this.container.inspect()).State.Pid);
    }
    this.networkMode = mode;
  }

  /** Every connection the sandbox asked drydock's proxy for (registries mode), in order. */
  egressLog(): EgressRecord[] {
    return this.registries ? this.registries.proxy.records.map((r) => ({ ...r })) : [];
  }

  /** Proxy variables every call gets while the mode is `registries`. */
  private proxyEnv(): Record<string, string> {
    if (!this.registries || this.networkMode !== 'registries') return {};
    const url = this.registries.proxyUrl;
    return {
      HTTP_PROXY: url,
      HTTPS_PROXY: url,
      http_proxy: url,
      https_proxy: url,
      npm_config_proxy: url,
      npm_config_https_proxy: url,
      NO_PROXY: '',
      no_proxy: '',
    };
  }

  get id(): string {
    return this.container.id;
  }

  static async open(spec: SandboxSpec, opts: DockerOpenOptions = {}): Promise<DockerSandbox> {
    const pool = opts.pool;
    if (pool) {
      const warm = await pool.take(spec);
      let sb: DockerSandbox;
      if (warm) {
        try {
          await warm.adopt(spec);
          sb = warm;
        } catch (err) {
          await warm.close().catch(() => undefined);
          throw err;
        }
      } else {
        sb = await DockerSandbox.open(spec, { ...opts, pool: undefined, docker: opts.docker ?? pool.docker });
      }
      sb.pool = pool;
      // The next open of the same kind finds one ready.
      pool.warm(spec, 1, opts.forkImage);
      return sb;
    }
    const docker = opts.docker ?? new Docker();
    const runId = spec.runId ?? currentRunId();
    if (spec.repo !== undefined) {
      let isDir = false;
      try {
        isDir = statSync(spec.repo).isDirectory();
      } catch {
        // Reported below.
      }
      if (!isDir) throw new DrydockError(`repository ${spec.repo} is not a directory`, 'pass a checkout');
    }
    const phases = openPhases();
    // Independent engine questions, asked together (the mode and volumes are cached per process).
    const [detected, image] = await Promise.all([
      spec.mode
        ? Promise.resolve<ExecModeReport>({ mode: spec.mode, reason: 'chosen by the caller' })
        : sandboxExecMode(docker),
      inspectImage(docker, spec.image),
    ]);
    phases.mark('inspect');
    const registries =
      spec.network === 'registries'
        ? await RegistriesNetwork.create(docker, runId, spec.allowHosts ?? [], spec.onEgress)
        : null;
    try {
      const sb = await DockerSandbox.openOn(docker, spec, opts, runId, detected, image, registries, phases);
      phases.done();
      return sb;
    } catch (err) {
      await registries?.remove();
      throw err;
    }
  }

  private static async openOn(
    docker: Docker,
    spec: SandboxSpec,
    opts: DockerOpenOptions,
    runId: string,
    detected: ExecModeReport,
    image: Docker.ImageInspectInfo,
    registries: RegistriesNetwork | null,
    phases: OpenPhases,
  ): Promise<DockerSandbox> {
    const source = runtimeSource();
    // Images drydock did not build get its language servers read-only too (runtime.ts).
    const [runtime, lsp] = await Promise.all([
      source ? runtimeVolume(docker, spec.image, source) : null,
      image.Config?.Labels?.[LANGUAGE_SERVERS_LABEL] ? null : languageServerVolume(docker),
    ]);
    phases.mark('volumes');
    const mounts: Docker.MountSettings[] = [];
    if (runtime) mounts.push({ Type: 'volume', Source: runtime, Target: RUNTIME_DIR, ReadOnly: true });
    if (lsp) mounts.push({ Type: 'volume', Source: lsp, Target: LSP_DIR, ReadOnly: true });
    // Room for the requests of the calls in flight (runner-script.ts); only what is used counts.
    const tmpfs: Record<string, string> = { '/run/drydock': 'rw,exec,mode=755,size=64m' };
    if (spec.workspaceBytes !== undefined) {
      tmpfs[WORKSPACE] = `rw,exec,mode=755,size=${Math.floor(spec.workspaceBytes)}`;
    }
    // No network at all: no libnetwork hook at start (no-network.ts), on a local engine.
    const hosts =
      !registries && (spec.network ?? 'none') === 'none' && detected.mode === 'per-call-cgroup'
        ? noneHostsOrNull()
        : null;
    if (hosts) mounts.push({ Type: 'bind', Source: hosts, Target: '/etc/hosts' });
    let container: Docker.Container;
    try {
      container = await docker.createContainer({
        Image: spec.image,
        // The runner starts its first slots' workers at once (per-call mode only: runner-script.ts).
        Entrypoint: [
          runtime ? RUNTIME_BASH : 'bash',
          '-c',
          RUNNER_SCRIPT,
          'drydock-runner',
          String(detected.mode === 'per-call-cgroup' ? INITIAL_SLOTS : 0),
        ],
        Cmd: [],
        Env: Object.entries({ ...BASE_ENV, PATH: sandboxPath(image, runtime), ...(spec.env ?? {}) }).map(
          ([k, v]) => `${k}=${v}`,
        ),
        WorkingDir: WORKSPACE,
        Labels: { ...ownerLabels(runId), ...(opts.warm ? { [POOL_LABEL]: '1' } : {}) },
        OpenStdin: true,
        // The runner's stdin closes when drydock's attach ends, even by SIGKILL: it exits then.
        StdinOnce: true,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        ...(hosts ? { NetworkDisabled: true } : {}),
        HostConfig: {
          Init: true,
          NetworkMode: registries ? registries.name : (spec.network ?? 'none'),
          // Docker's embedded DNS asks drydock's resolver on the gateway (registries-network.ts).
          ...(registries ? { Dns: [registries.gateway] } : {}),
          Privileged: false,
          CapDrop: ['ALL'],
          CapAdd: CAPABILITIES,
          SecurityOpt: ['no-new-privileges:true'],
          Tmpfs: tmpfs,
          Mounts: mounts,
          PidsLimit: 4096,
        },
      });
    } catch (err) {
      if (hosts) removeHostsFile(hosts);
      if (statusOf(err) === 404) {
        throw new DrydockError(`image ${spec.image} not found`, 'run `drydock setup`', 'IMAGE_MISSING');
      }
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES') {
        throw new DrydockError(
          `no Docker engine answers (${(err as Error).message})`,
          'run `drydock setup`, or point DOCKER_HOST at a running engine',
          'ENGINE_UNREACHABLE',
        );
      }
      throw err;
    }
    phases.mark('create');
    try {
      if (spec.repo !== undefined && spec.workspaceBytes === undefined) {
        await container.putArchive(repoTar(spec.repo, 'testbed/'), { path: '/' });
        phases.mark('repository');
      }
      const stream = (await container.attach({
        stream: true,
        stdin: true,
        stdout: true,
        stderr: true,
        hijack: true,
      })) as unknown as Duplex;
      const runner = new RunnerClient(stream, container.id.slice(0, 12));
      runner.onGone = (e) => new SandboxGoneError(container.id, e.message);
      runner.defaultLimits = cgroupLimits(spec);
      phases.mark('attach');
      try {
        await container.start();
      } catch (err) {
        throw startFailed(spec.image, runtime, err as Error);
      }
      phases.mark('start');
      // The runner gets ready while the engine says where the container is.
      const ready = runner.waitReady(30_000).then(
        () => null,
        (err: Error) => err,
      );
      const pid = (await container.inspect()).State.Pid;
      phases.mark('inspect container');
      if (registries) await registries.routeContainer(pid);
      let mode = detected.mode;
      let reason = detected.reason;
      let executor: Executor;
      if (mode === 'per-call-cgroup') {
        try {
          const cg = cgroupOfPid(pid);
          prepareContainerCgroup(cg);
          runner.attachHost(`/proc/${pid}/root`, cg);
        } catch (err) {
          mode = 'container-update';
          reason = `this container's cgroup is not reachable from drydock (${(err as Error).message}); limits are set on the container before each call`;
        }
      }
      const notReady = await ready;
      if (notReady) throw await runnerFailed(container, spec.image, runtime, notReady);
      phases.mark('runner ready');
      if (mode === 'per-call-cgroup') {
        runner.openControl();
        executor = runner;
      } else executor = new UpdateExecutor(docker, container);
      const sandbox = new DockerSandbox(
        docker,
        container,
        spec,
        runId,
        mode,
        reason,
        executor,
        runner,
        opts.forkImage,
        registries,
      );
      sandbox.snapshot = { image: image.Id, sinceNs: 0n, committed: false };
      sandbox.hostsFile = hosts;
      if (spec.repo !== undefined && spec.workspaceBytes !== undefined) {
        await sandbox.untar(repoTar(spec.repo, ''));
      }
      return sandbox;
    } catch (err) {
      await container.remove({ force: true, v: true }).catch(() => undefined);
      if (hosts) removeHostsFile(hosts);
      throw err;
    }
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return (await this.run(command, opts)).result;
  }

  private async run(
    command: string,
    opts: Omit<ExecOptions, 'stdin'> & { stdin?: string | Buffer | Readable },
  ): Promise<CallOutcome> {
    if (this.closed) throw new SandboxClosedError();
    const limits = { ...DEFAULT_LIMITS, ...this.spec.limits, ...definedOnly(opts) };
    for (const name of Object.keys(opts.env ?? {})) {
      if (!ENV_NAME.test(name)) throw new DrydockError(`invalid environment variable name: ${name}`);
    }
    const req: CallRequest = {
      command,
      cwd: opts.cwd ?? WORKSPACE,
      env: { ...(opts.env ?? {}), ...this.proxyEnv() },
      memoryBytes: limits.memoryBytes,
      cpus: limits.cpus,
      pids: limits.pids,
      timeoutMs: limits.timeoutMs,
      maxOutputBytes: limits.maxOutputBytes,
      ...(opts.stdin !== undefined
        ? { stdin: typeof opts.stdin === 'string' ? Buffer.from(opts.stdin) : opts.stdin }
        : {}),
    };
    let outcome: CallOutcome;
    try {
      outcome = await this.executor.exec(req);
    } catch (err) {
      // A call in flight when the sandbox closes settles with that, whatever its executor saw.
      if (this.closed) throw new SandboxClosedError();
      if (err instanceof DrydockError) throw err;
      // The container may have gone from under the call: say so, typed.
      if (await this.stoppedAfter()) throw new SandboxGoneError(this.id, (err as Error).message);
      throw err;
    }
    if (this.closed) throw new SandboxClosedError();
    return outcome;
  }

  /**
   * Whether the container has stopped, asked after a call failed in a way the executor could not
   * type. The engine marks a killed container stopped a moment after its processes are gone (a
   * call can meet the missing `/proc/PID/root` first, with `Running` still true), so this looks
   * again for up to GONE_SETTLE_MS; in per-call-cgroup mode the init process's host pid missing
   * from /proc already says so.
   */
  private async stoppedAfter(): Promise<boolean> {
    const until = performance.now() + GONE_SETTLE_MS;
    for (;;) {
      const state = await this.container
        .inspect()
        .then((i) => i.State)
        .catch(() => null);
      if (!state?.Running) return true;
      if (this.mode === 'per-call-cgroup' && state.Pid > 0 && !existsSync(`/proc/${state.Pid}/root`))
        return true;
      if (performance.now() >= until) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * A long-lived process under its own cgroup (per-call-cgroup mode only: in
   * container-update mode the limits belong to the whole container, so a process
   * cannot have its own; that refuses rather than run unlimited).
   */
  async spawn(command: string | string[], opts: SpawnOptions = {}): Promise<SpawnedProcess> {
    if (this.closed) throw new SandboxClosedError();
    if (this.mode !== 'per-call-cgroup') {
      throw new DrydockError(
        `spawn needs per-call cgroups, and this sandbox runs in ${this.mode} mode (${this.modeReason})`,
        'run drydock as root on the Docker host (see `drydock doctor`)',
        'SANDBOX_UNSUPPORTED',
      );
    }
    for (const name of Object.keys(opts.env ?? {})) {
      if (!ENV_NAME.test(name)) throw new DrydockError(`invalid environment variable name: ${name}`);
    }
    if (Array.isArray(command) && command.length === 0) throw new DrydockError('spawn needs a command');
    const limits = { ...DEFAULT_LIMITS, ...this.spec.limits, ...definedOnly(opts) };
    return this.runner.spawn({
      command: Array.isArray(command) ? `exec ${command.map(shellQuote).join(' ')}` : command,
      cwd: opts.cwd ?? WORKSPACE,
      env: { ...(opts.env ?? {}), ...this.proxyEnv() },
      memoryBytes: limits.memoryBytes,
      cpus: limits.cpus,
      pids: limits.pids,
      // No wall-time limit for a server unless asked for.
      timeoutMs: opts.timeoutMs ?? 0,
    });
  }

  async readFile(path: string): Promise<string> {
    const { result, stdout } = await this.run(`cat -- ${shellQuote(path)}`, {
      maxOutputBytes: READ_LIMIT,
      timeoutMs: 60_000,
    });
    if (result.exitCode !== 0) {
      throw new DrydockError(`cannot read ${path} in the sandbox: ${result.stderr.trim()}`);
    }
    const bytes = stdout.exact();
    if (!bytes) throw new DrydockError(`${path} is larger than ${READ_LIMIT} bytes`);
    return bytes.toString('utf8');
  }

  async writeFile(path: string, content: string | Buffer): Promise<void> {
    const q = shellQuote(path);
    const result = await this.exec(`mkdir -p -- "$(dirname -- ${q})" && cat > ${q}`, {
      stdin: content,
      timeoutMs: 60_000,
    });
    if (result.exitCode !== 0) {
      throw new DrydockError(`cannot write ${path} in the sandbox: ${result.stderr.trim()}`);
    }
  }

  /**
   * The workspace's changes against its HEAD commit, new files included, as a
   * patch. A scratch index keeps the agent's own staging untouched. The copy
   * keeps the index's mtime (`cp -p`): git trusts an entry's cached stat only
   * when the file is older than the index, so a copy stamped "now" made a
   * same-size rewrite in the second of the last commit invisible (racy git).
   */
  async diff(): Promise<string> {
    const { result, stdout } = await this.run(DIFF_SCRIPT, {
      maxOutputBytes: READ_LIMIT,
      timeoutMs: 120_000,
    });
    if (result.exitCode !== 0) {
      throw new DrydockError(
        `git diff failed in the sandbox: ${result.stderr.trim()}`,
        `the repository at ${WORKSPACE} needs git and a commit`,
      );
    }
    const bytes = stdout.exact();
    if (!bytes) throw new DrydockError(`the diff is larger than ${READ_LIMIT} bytes`);
    return bytes.toString('utf8');
  }

  /**
   * A warm sandbox (started ahead of use by a pool) becomes the caller's: their
   * spec (same creation-time fields, see `warmKey`), their repository copied in.
   */
  private async adopt(spec: SandboxSpec): Promise<void> {
    this.spec_ = spec;
    // Workers prepared from now on get the new defaults; the ready ones are set per call.
    this.runner.defaultLimits = cgroupLimits(spec);
    this.networkMode = spec.network ?? 'none';
    if (spec.repo === undefined) return;
    if (spec.workspaceBytes !== undefined) await this.untar(repoTar(spec.repo, ''));
    else await this.container.putArchive(repoTar(spec.repo, 'testbed/'), { path: '/' });
  }

  /**
   * n sandboxes with this one's filesystem (installed packages included). Each
   * fork starts from the last snapshot (at first the image this sandbox was opened
   * from) and gets what changed since, read from the container's writable layer
   * (`fork-delta.ts`); when that is more than DELTA_MAX_BYTES, or the engine is not
   * overlay2 on this host, the container is committed to a new snapshot image
   * instead, which later forks start from. Forks come from the pool when this
   * sandbox was opened through one, which then warms the next forks' containers.
   */
  async fork(n: number, opts: ForkOptions = {}): Promise<DockerSandbox[]> {
    if (this.closed) throw new SandboxClosedError();
    if (!Number.isInteger(n) || n < 1) throw new DrydockError(`fork needs a positive count, got ${n}`);
    let delta: { delta: Delta; tar: Buffer } | null = null;
    if (opts.via !== 'commit' && this.snapshot && this.mode === 'per-call-cgroup') {
      delta = await this.captureDelta(this.snapshot.sinceNs);
    }
    let snap = this.snapshot!;
    if (!delta) snap = await this.commitSnapshot();
    const spec = this.forkSpec(snap);
    const forkImage = snap.committed ? snap.image : undefined;
    let workspaceTar: Buffer | null = null;
    if (this.spec.workspaceBytes !== undefined) {
      // A tmpfs workspace is in neither the layer nor a commit: carry it over as a tar.
      const { result, stdout } = await this.run(`tar -C ${WORKSPACE} -cf - .`, {
        maxOutputBytes: 2 * this.spec.workspaceBytes + 1024 * 1024,
        timeoutMs: 300_000,
      });
      workspaceTar = stdout.exact();
      if (result.exitCode !== 0 || !workspaceTar) {
        throw new DrydockError(`cannot copy the workspace for fork: ${result.stderr.trim()}`);
      }
    }
    const pool = this.pool;
    const opened = await Promise.allSettled(
      Array.from({ length: n }, async () => {
        const f =
          (await pool?.take(spec)) ?? (await DockerSandbox.open(spec, { docker: this.docker, forkImage }));
        f.pool = pool;
        return f;
      }),
    );
    const forks = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      const failed = opened.find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      await Promise.all(
        forks.map(async (f) => {
          if (delta) await f.applyDelta(delta.delta, delta.tar);
          if (workspaceTar) await f.untar(workspaceTar);
        }),
      );
    } catch (err) {
      await Promise.allSettled(forks.map((f) => f.close()));
      throw err;
    }
    // The next fork of this snapshot finds its containers started.
    pool?.warm(spec, n, forkImage);
    return forks;
  }

  /** What a fork of `snap` is opened with (and its key in the pool). */
  private forkSpec(snap: Snapshot): SandboxSpec {
    const spec: SandboxSpec = {
      ...this.spec,
      image: snap.image,
      mode: this.mode,
      runId: this.runId,
      // A fork has the network in force now: a sandbox that went from registries to none
      // (setup done, tests next) forks into sandboxes with no network at all.
      network: this.networkMode,
    };
    delete spec.repo;
    return spec;
  }

  /**
   * Through a pool: starts n containers of the current snapshot now, so a later
   * `fork(n)` (of a small change since) finds them warm instead of starting them
   * on its path. Without a pool, or in container-update mode, nothing.
   */
  warmForks(n: number): void {
    if (!this.pool || this.closed || !this.snapshot || this.mode !== 'per-call-cgroup') return;
    const snap = this.snapshot;
    this.pool.warm(this.forkSpec(snap), n, snap.committed ? snap.image : undefined);
  }

  /** Commits the container as the new snapshot; the old one (if this sandbox made it) goes. */
  private async commitSnapshot(): Promise<Snapshot> {
    // Marked before the commit: a change in between is in both (harmless), none in neither.
    const sinceNs = fileClockMark();
    // The image keeps the container's labels, so gc finds it like the container.
    const image = (await retryFreeze(() => this.container.commit({ pause: true }))) as { Id: string };
    holdImage(image.Id);
    const old = this.snapshot;
    this.snapshot = { image: image.Id, sinceNs, committed: true };
    if (old?.committed) void this.dropSnapshot(old);
    return this.snapshot;
  }

  private async dropSnapshot(snap: Snapshot): Promise<void> {
    // Forks of it were opened with the network in force at the time: drop the shelves of either.
    for (const network of new Set([this.networkMode, this.spec.network ?? 'none'])) {
      const spec: SandboxSpec = {
        ...this.spec,
        image: snap.image,
        mode: this.mode,
        runId: this.runId,
        network,
      };
      await this.pool?.drop(spec);
    }
    await releaseImage(this.docker, snap.image);
  }

  /**
   * What changed since `sinceNs`, with the container paused so the copy is one
   * moment's state; null when it cannot be read here or is too much to copy.
   */
  private async captureDelta(sinceNs: bigint): Promise<{ delta: Delta; tar: Buffer } | null> {
    const info = await this.container.inspect();
    const driver = info.GraphDriver as { Name?: string; Data?: { UpperDir?: string } } | undefined;
    const upper = driver?.Name === 'overlay2' ? driver.Data?.UpperDir : undefined;
    if (!upper || !existsSync(upper)) return null;
    await retryFreeze(() => this.container.pause());
    try {
      const delta = collectDelta(upper, `/proc/${info.State.Pid}/root`, sinceNs, mountPoints(info));
      if (delta.bytes > DELTA_MAX_BYTES || delta.entries.length > DELTA_MAX_ENTRIES) return null;
      return { delta, tar: await readAll(deltaTar(upper, delta)) };
    } finally {
      await this.container.unpause();
    }
  }

  /** Applies a parent's delta in this fork, through an ordinary call in its own namespaces. */
  private async applyDelta(delta: Delta, tar: Buffer): Promise<void> {
    const { result } = await this.run(applyDeltaScript(delta), {
      stdin: tar,
      timeoutMs: 600_000,
      memoryBytes: 2 * 1024 * 1024 * 1024,
    });
    if (result.exitCode !== 0) {
      throw new DrydockError(`copying the parent's changes into a fork failed: ${result.stderr.trim()}`);
    }
  }

  /**
   * Unpacks a tar into the workspace through an ordinary call, so it lands on a
   * tmpfs workspace too (Docker's archive API does not reach into tmpfs mounts).
   */
  private async untar(tar: Readable | Buffer): Promise<void> {
    const { result } = await this.run(`tar -C ${WORKSPACE} -xf - --no-same-owner`, {
      stdin: tar,
      timeoutMs: 600_000,
      memoryBytes: 2 * 1024 * 1024 * 1024,
    });
    if (result.exitCode !== 0) {
      throw new DrydockError(`copying files into the sandbox failed: ${result.stderr.trim()}`);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    untrackOpen(this);
    this.runner.close();
    await this.container.remove({ force: true, v: true }).catch((err) => {
      if (statusOf(err) !== 404) throw err;
    });
    if (this.hostsFile) removeHostsFile(this.hostsFile);
    await this.registries?.remove();
    if (this.snapshot?.committed) await this.dropSnapshot(this.snapshot);
    if (this.forkImage) await releaseImage(this.docker, this.forkImage);
  }
}

/** Where an image that drydock did not build comes from, for error hints. */
function imageHint(image: string): string {
  return image.startsWith('drydock/')
    ? 'run `drydock setup`'
    : `pull or build it first (\`docker pull ${image}\` or \`docker build -t ${image} .\`)`;
}

/** A hosts file for a `NetworkDisabled` sandbox, or null (then the engine's `none` set-up is used). */
function noneHostsOrNull(): string | null {
  try {
    return newHostsFile();
  } catch {
    return null;
  }
}

const HOST_ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
};

/** The image's config; a missing image or one for another CPU is one clear error. */
async function inspectImage(docker: Docker, image: string): Promise<Docker.ImageInspectInfo> {
  let info: Docker.ImageInspectInfo;
  try {
    info = await docker.getImage(image).inspect();
  } catch (err) {
    if (statusOf(err) === 404) {
      throw new DrydockError(
        `image ${image} not found on this Docker engine`,
        imageHint(image),
        'IMAGE_MISSING',
      );
    }
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES') {
      throw new DrydockError(
        `no Docker engine answers (${(err as Error).message})`,
        'run `drydock setup`, or point DOCKER_HOST at a running engine',
        'ENGINE_UNREACHABLE',
      );
    }
    throw err;
  }
  const want = HOST_ARCH[process.arch];
  if (info.Architecture && want && info.Architecture !== want) {
    throw new DrydockError(
      `image ${image} cannot run here: it is built for ${info.Architecture}, this machine runs ${want}`,
      `use an image built for ${want} (docker build --platform linux/${want})`,
      'IMAGE_CANNOT_RUN',
    );
  }
  return info;
}

/** The image's own PATH (a user's image may put tools anywhere), drydock's runtime appended. */
function sandboxPath(image: Docker.ImageInspectInfo, runtime: string | null): string {
  const own = (image.Config?.Env ?? []).find((e) => e.startsWith('PATH='))?.slice(5) ?? BASE_ENV.PATH!;
  const parts = own.split(':').filter((p) => p && p !== `${RUNTIME_DIR}/bin`);
  if (runtime) parts.push(`${RUNTIME_DIR}/bin`);
  return parts.join(':');
}

/**
 * Snapshot images in use by this process: the sandbox that committed one (while it
 * is its snapshot), its forks and the pool's warm containers of it. The last to let
 * go removes it (a fork may outlive its parent, and the parent's next fork needs
 * the image after its forks are gone).
 */
const imageHolds = new Map<string, number>();

function holdImage(id: string): void {
  imageHolds.set(id, (imageHolds.get(id) ?? 0) + 1);
}

async function releaseImage(docker: Docker, id: string): Promise<void> {
  const left = (imageHolds.get(id) ?? 1) - 1;
  if (left > 0) {
    imageHolds.set(id, left);
    return;
  }
  imageHolds.delete(id);
  await docker
    .getImage(id)
    .remove()
    .catch(() => undefined);
}

/** A container that would not start: one line saying which image and what to do. */
function startFailed(image: string, runtime: string | null, err: Error): DrydockError {
  // The engine's message: "OCI runtime create failed: ...: exec: \"bash\": executable file not found ...".
  const why = (err.message.split('\n')[0] ?? '').replace(/^\(HTTP code \d+\)[^-]*- /, '').trim();
  const interpreter = runtime ? RUNTIME_BASH : 'bash';
  if (!runtime && /executable file not found|no such file|not found/i.test(why)) {
    return new DrydockError(
      `image ${image} has no bash to run drydock's runner, and drydock has no static bash to bring in (${why})`,
      RUNTIME_MISSING_HINT,
      'IMAGE_NO_SHELL',
    );
  }
  return new DrydockError(
    `drydock's runner (${interpreter}) cannot start in image ${image}: ${why}`,
    runtime
      ? 'check DRYDOCK_STATIC_BASH points at a statically linked bash for this machine (Debian `bash-static`), and that the image runs here (`docker run --rm IMAGE true`)'
      : 'install bash in the image, or `bash-static` on this machine so drydock brings its own',
    'IMAGE_CANNOT_RUN',
  );
}

/** A host timestamp on the clock the kernel stamps file ctimes with. */
function fileClockMark(): bigint {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-mark-'));
  try {
    writeFileSync(join(dir, 'm'), '');
    return fileClockNs(join(dir, 'm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where the container has something mounted (volumes, tmpfs): not part of its layer. */
function mountPoints(info: Docker.ContainerInspectInfo): string[] {
  const tmpfs = Object.keys((info.HostConfig as { Tmpfs?: Record<string, string> }).Tmpfs ?? {});
  return [...info.Mounts.map((m) => m.Destination), ...tmpfs];
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Why the runner did not start, in one line: usually no bash in the image and none brought in. */
async function runnerFailed(
  container: Docker.Container,
  image: string,
  runtime: string | null,
  err: Error,
): Promise<DrydockError> {
  const logs = await container
    .logs({ stdout: true, stderr: true, tail: 5 })
    .then((b) => {
      // The log is multiplexed (no TTY): frame headers must not leak into the message.
      const parts: string[] = [];
      new DockerFrameParser((_s, payload) => parts.push(payload.toString('utf8'))).push(b);
      return parts.join('').trim().split('\n').filter(Boolean).slice(-2).join('; ');
    })
    .catch(() => '');
  return startFailed(image, runtime, new Error(logs || err.message));
}

/** The cgroup limits a sandbox's calls get unless they ask otherwise. */
function cgroupLimits(spec: SandboxSpec): { memoryBytes: number; cpus: number; pids: number } {
  const l = { ...DEFAULT_LIMITS, ...definedOnly(spec.limits ?? {}) };
  return { memoryBytes: l.memoryBytes, cpus: l.cpus, pids: l.pids };
}

function definedOnly(o: ExecLimits): Partial<typeof DEFAULT_LIMITS> {
  const out: Partial<typeof DEFAULT_LIMITS> = {};
  for (const k of Object.keys(DEFAULT_LIMITS) as (keyof typeof DEFAULT_LIMITS)[]) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * The repository as a tar, names under `prefix`, owned by root (the container's user); its git
 * configuration files, wherever they are in the tree (`isGitConfigPath`), without the credentials
 * a checkout may carry (`git-scrub.ts`): each is scrubbed as it is packed.
 */
function repoTar(dir: string, prefix: string): Readable {
  const owner = { uid: 0, gid: 0, uname: 'root', gname: 'root' };
  const scrubbed = new Map<string, Buffer>();
  return pack(dir, {
    map: (h) => {
      if (h.type === 'file' && isGitConfigPath(h.name)) {
        let text: string | null = null;
        try {
          text = readFileSync(join(dir, h.name), 'utf8');
        } catch {
          text = null;
        }
        const clean = text === null ? null : scrubGitConfig(text);
        if (clean !== null && clean !== text) {
          const body = Buffer.from(clean);
          scrubbed.set(h.name, body);
          h.size = body.length;
        }
      }
      return { ...h, name: `${prefix}${h.name}`, ...owner };
    },
    mapStream: (file, h) => {
      const body = scrubbed.get(h.name.slice(prefix.length));
      if (body === undefined) return file;
      file.destroy();
      return Readable.from([body]);
    },
  });
}

/** Where the time of an open went, for the benchmark (`lastOpenPhases`). */
export interface OpenPhases {
  mark(name: string): void;
  done(): void;
}

let lastPhases: [string, number][] = [];

/** The phases (name, ms since the previous mark) of the last cold open that succeeded. */
export function lastOpenPhases(): [string, number][] {
  return lastPhases.map(([n, ms]) => [n, ms]);
}

function openPhases(): OpenPhases {
  const out: [string, number][] = [];
  let at = performance.now();
  return {
    mark(name) {
      const now = performance.now();
      out.push([name, now - at]);
      at = now;
    },
    done() {
      lastPhases = out;
    },
  };
}
