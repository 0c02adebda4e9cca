import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node.js';
import type {
  ConfigurationParams,
  InitializeParams,
  InitializeResult,
  PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';
import { DrydockError, type ResourceLimits } from '../core/index.js';
import { HostSandbox, type Sandbox } from '../sandbox/index.js';
import { startHostServerProcess } from './host-server-process.js';
import { LanguageServerUnavailableError, unavailableReason } from './availability.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { containerLimits, readTreeUsage } from './process-usage.js';
import type { LspProcessEvent } from '../core/index.js';
import { configHash, languageId, type ServerIdentity, type ServerSpec } from './servers.js';
import { compareDiagnostics, fromLsp, type DiagnosticsByFile, type LspDiagnostic } from './diagnostic.js';
import { withTimeout } from './timeout.js';
import { pullTsserverDiagnostics } from './tsserver.js';
import { relPath, toUri, WORKSPACE_URI } from './uri.js';

type UsageRead = Awaited<ReturnType<typeof readTreeUsage>>;

export interface WaitResult {
  diagnostics: DiagnosticsByFile;
  /** False when the bound ran out before every expected file was published and quiet. */
  settled: boolean;
  waitedMs: number;
}

export interface LspClientOptions {
  /** Per-request bound (initialize, shutdown). */
  requestTimeoutMs?: number;
  /** Diagnostics are settled after this long without a new publish. */
  quietMs?: number;
  /** Upper bound on one wait for diagnostics. */
  settleMaxMs?: number;
  /** Restarts allowed over the client's life before it gives up. */
  maxRestarts?: number;
  /**
   * The server's own limits (memory, cpus, pids) where the sandbox gives each
   * process its own cgroup; SERVER_LIMITS fill the gaps.
   */
  serverLimits?: ResourceLimits;
  /**
   * Where each server process's life is recorded when it ends (`lsp.process`): the run's
   * trajectory writer. Usage: the server's own cgroup when spawned, else /proc before it is ended.
   */
  trajectory?: { append(event: LspProcessEvent): unknown };
}

interface OpenDoc {
  text: string;
  version: number;
  languageId: string;
}

/**
 * One language server inside a sandbox, spoken to in JSON-RPC over a long-lived
 * exec's stdin/stdout. Servers only push diagnostics, so `waitForDiagnostics`
 * waits for a fresh publish of the files that changed, then for a quiet period,
 * within a bound. A crashed server is restarted and its open documents replayed.
 */
export class LspClient {
  private proc: ServerProcess | null = null;
  private conn: MessageConnection | null = null;
  private readonly docs = new Map<string, OpenDoc>();
  private readonly diags = new Map<
    string,
    { diagnostics: LspDiagnostic[]; stamp: number; version?: number }
  >();
  /** Counts publishes; a file's stamp says when it was last published. */
  private publishCount = 0;
  private lastPublishAt = 0;
  /** Files changed since the last wait, with the publish count at their change. */
  private readonly pending = new Map<string, number>();
  private listeners = new Set<() => void>();
  private starting: Promise<void> | null = null;
  private closed = false;
  private generation = 0;
  private everStarted = false;
  private busy = false;
  restarts = 0;
  /** How the last server process ended, when the sandbox said (e.g. killed by its own memory limit). */
  lastEnd: string | null = null;
  private readonly trajectory: LspClientOptions['trajectory'];
  /** `lsp.process` events being written (close waits for them). */
  private readonly records = new Set<Promise<void>>();
  serverInfo: InitializeResult['serverInfo'] | undefined;
  readonly opts: Required<Omit<LspClientOptions, 'trajectory'>>;
  /** How each process is ending, set by drydock before it ends one; absent: it died by itself. */
  private readonly ending = new Map<ServerProcess, { ended: LspProcessEvent['ended']; usage: UsageRead }>();

  constructor(
    readonly sandbox: Sandbox,
    readonly spec: ServerSpec,
    opts: LspClientOptions = {},
  ) {
    this.opts = {
      requestTimeoutMs: opts.requestTimeoutMs ?? 60_000,
      quietMs: opts.quietMs ?? spec.quietMs,
      settleMaxMs: opts.settleMaxMs ?? 30_000,
      maxRestarts: opts.maxRestarts ?? 5,
      serverLimits: opts.serverLimits ?? {},
    };
    this.trajectory = opts.trajectory;
  }

  get identity(): ServerIdentity {
    const id: ServerIdentity = {
      name: this.spec.name,
      version: this.spec.version,
      configHash: configHash(this.spec),
    };
    if (this.serverInfo) id.serverInfo = { ...this.serverInfo };
    return id;
  }

  get alive(): boolean {
    return this.proc?.alive === true && this.conn !== null;
  }

  /** The pid file of the current server process inside the sandbox (tests kill through it). */
  get pidFile(): string | null {
    return this.proc?.pidFile ?? null;
  }

  async start(): Promise<void> {
    if (this.closed) throw new DrydockError('the language-server client is closed');
    if (this.alive) return;
    this.starting ??= this.launch().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async launch(): Promise<void> {
    if (!(this.sandbox instanceof HostSandbox)) {
      const why = await unavailableReason(this.sandbox, this.spec);
      if (why) throw new LanguageServerUnavailableError(this.spec.name, why);
    }
    const gen = ++this.generation;
    this.everStarted = true;
    this.busy = false;
    // A HostSandbox (tests without an engine) runs the server as a host child process.
    const proc =
      this.sandbox instanceof HostSandbox
        ? startHostServerProcess(this.sandbox, this.spec.argv)
        : await startServerProcess(this.sandbox, this.spec.argv, { limits: this.opts.serverLimits });
    if (this.trajectory) {
      const done = proc.exited.then(() => this.record(proc));
      this.records.add(done);
      void done.finally(() => this.records.delete(done));
    }
    const conn = createMessageConnection(
      new StreamMessageReader(proc.stdout),
      new StreamMessageWriter(proc.stdin),
    );
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      if (gen !== this.generation) return;
      const rel = relPath(p.uri);
      this.publishCount++;
      this.lastPublishAt = Date.now();
      this.diags.set(rel, {
        diagnostics: p.diagnostics.map(fromLsp).sort(compareDiagnostics),
        stamp: this.publishCount,
        version: p.version ?? undefined,
      });
      this.notify();
    });
    conn.onRequest('workspace/configuration', (p: ConfigurationParams) =>
      p.items.map((i) =>
        i.section !== undefined ? (this.spec.settings[i.section] ?? null) : this.spec.settings,
      ),
    );
    conn.onRequest('workspace/workspaceFolders', () => [{ uri: WORKSPACE_URI, name: 'testbed' }]);
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('client/unregisterCapability', () => null);
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onRequest('window/showMessageRequest', () => null);
    // pyright says when an analysis pass starts and ends: not settled in between.
    conn.onNotification('pyright/beginProgress', () => {
      if (gen === this.generation) this.busy = true;
    });
    conn.onNotification('pyright/endProgress', () => {
      if (gen !== this.generation) return;
      this.busy = false;
      this.lastPublishAt = Date.now();
      this.notify();
    });
    conn.onNotification(() => undefined);
    conn.onError(() => undefined);
    conn.onClose(() => this.lost(gen));
    void proc.exited.then(() => {
      if (gen === this.generation && proc.endReason) this.lastEnd = proc.endReason;
      this.lost(gen);
    });
    conn.listen();
    this.proc = proc;
    this.conn = conn;
    try {
      const params: InitializeParams = {
        processId: null,
        rootUri: WORKSPACE_URI,
        workspaceFolders: [{ uri: WORKSPACE_URI, name: 'testbed' }],
        initializationOptions: this.spec.initializationOptions,
        capabilities: {
          general: { positionEncodings: ['utf-16'] },
          workspace: {
            configuration: true,
            workspaceFolders: true,
            didChangeConfiguration: { dynamicRegistration: false },
          },
          textDocument: {
            synchronization: { didSave: false, dynamicRegistration: false },
            publishDiagnostics: { relatedInformation: false, versionSupport: true },
          },
        },
      };
      const result = await withTimeout(
        conn.sendRequest<InitializeResult>('initialize', params),
        this.opts.requestTimeoutMs,
        `${this.spec.name} initialize`,
      );
      this.serverInfo = result.serverInfo;
      await conn.sendNotification('initialized', {});
      // Replay what was open before a restart; every replayed file must publish again.
      for (const [rel, doc] of this.docs) {
        await conn.sendNotification('textDocument/didOpen', {
          textDocument: { uri: toUri(rel), languageId: doc.languageId, version: doc.version, text: doc.text },
        });
        this.pending.set(rel, this.publishCount);
      }
    } catch (err) {
      const tail = proc.stderrTail().trim().split('\n').slice(-3).join(' | ');
      // A server its own limit killed during startup says so.
      if (!proc.alive) await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 1000))]);
      const end = proc.alive ? null : proc.endReason;
      await this.teardown();
      if (err instanceof DrydockError) throw err;
      throw new DrydockError(
        `${this.spec.name} did not start: ${(err as Error).message}${end ? `; it was ${end}` : ''}${tail ? ` (${tail})` : ''}`,
        'run `drydock setup` to rebuild the language images',
        'LSP_START',
      );
    }
  }

  private lost(gen: number): void {
    if (gen !== this.generation) return;
    if (this.conn === null && this.proc === null) return;
    const conn = this.conn;
    this.conn = null;
    this.proc = null;
    conn?.dispose();
    this.notify();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  private async ensure(): Promise<MessageConnection> {
    if (this.closed) throw new DrydockError('the language-server client is closed');
    if (!this.alive) {
      if (this.everStarted && !this.starting) {
        if (this.restarts >= this.opts.maxRestarts) {
          throw new DrydockError(
            `${this.spec.name} crashed ${this.restarts + 1} times; giving up${this.lastEnd ? ` (last: ${this.lastEnd})` : ''}`,
            'see the server log with --debug',
            'LSP_CRASHED',
          );
        }
        this.restarts++;
      }
      await this.start();
    }
    return this.conn as MessageConnection;
  }

  isOpen(path: string): boolean {
    return this.docs.has(relPath(path));
  }

  openFiles(): string[] {
    return [...this.docs.keys()].sort();
  }

  textOf(path: string): string | undefined {
    return this.docs.get(relPath(path))?.text;
  }

  /** Opens a document with the given text (or changes it when already open). */
  async open(path: string, text: string): Promise<void> {
    const rel = relPath(path);
    const existing = this.docs.get(rel);
    if (existing) return this.change(rel, text);
    const doc: OpenDoc = { text, version: 1, languageId: languageId(rel) };
    this.docs.set(rel, doc);
    const conn = await this.ensure();
    this.pending.set(rel, this.publishCount);
    await conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: toUri(rel), languageId: doc.languageId, version: doc.version, text },
    });
  }

  /** Replaces an open document's whole text. */
  async change(path: string, text: string): Promise<void> {
    const rel = relPath(path);
    const doc = this.docs.get(rel);
    if (!doc) return this.open(rel, text);
    doc.text = text;
    doc.version++;
    const conn = await this.ensure();
    this.pending.set(rel, this.publishCount);
    if (this.spec.replaceByReopen) {
      // See ServerSpec.replaceByReopen: an edit is not a keystroke.
      await conn.sendNotification('textDocument/didClose', { textDocument: { uri: toUri(rel) } });
      await conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri: toUri(rel), languageId: doc.languageId, version: doc.version, text },
      });
      return;
    }
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: toUri(rel), version: doc.version },
      contentChanges: [{ text }],
    });
  }

  /** Tells the server files changed on disk (1 created, 2 changed, 3 deleted). */
  async filesChanged(changes: { path: string; type: 1 | 2 | 3 }[]): Promise<void> {
    if (changes.length === 0) return;
    const conn = await this.ensure();
    await conn.sendNotification('workspace/didChangeWatchedFiles', {
      changes: changes.map((c) => ({ uri: toUri(c.path), type: c.type })),
    });
  }

  async closeDocument(path: string): Promise<void> {
    const rel = relPath(path);
    if (!this.docs.delete(rel)) return;
    this.pending.delete(rel);
    this.diags.delete(rel);
    if (this.alive)
      await this.conn?.sendNotification('textDocument/didClose', { textDocument: { uri: toUri(rel) } });
  }

  /**
   * Waits until every file changed since the last wait has a fresh publish and
   * no publish arrived for `quietMs`, or `settleMaxMs` passed. Restarts a dead
   * server (replaying open documents) and keeps waiting.
   */
  async waitForDiagnostics(
    paths: string[],
    opts: { quietMs?: number; maxMs?: number } = {},
  ): Promise<WaitResult> {
    if (this.spec.pull === 'tsserver') return this.pullTsserver(paths);
    const quietMs = opts.quietMs ?? this.opts.quietMs;
    const maxMs = opts.maxMs ?? this.opts.settleMaxMs;
    const t0 = Date.now();
    await this.ensure();
    let settled = false;
    for (;;) {
      if (!this.alive) await this.ensure();
      const fresh = [...this.pending].every(([rel, at]) => this.isFresh(rel, at));
      const now = Date.now();
      const quietFor = now - this.lastPublishAt;
      if (fresh && this.alive && !this.busy && quietFor >= quietMs) {
        settled = true;
        break;
      }
      const left = maxMs - (now - t0);
      if (left <= 0) break;
      const sleep = fresh && !this.busy ? Math.min(quietMs - quietFor, left) : left;
      await new Promise<void>((resolve) => {
        const finish = (): void => {
          clearTimeout(timer);
          this.listeners.delete(listener);
          resolve();
        };
        // Every publish, progress report or crash re-checks at once.
        const listener = finish;
        const timer = setTimeout(finish, Math.max(1, sleep));
        this.listeners.add(listener);
      });
    }
    if (settled) this.pending.clear();
    const diagnostics: DiagnosticsByFile = {};
    for (const p of paths) {
      const rel = relPath(p);
      diagnostics[rel] = [...(this.diags.get(rel)?.diagnostics ?? [])];
    }
    return { diagnostics, settled, waitedMs: Date.now() - t0 };
  }

  /**
   * Diagnostics asked of tsserver directly (typescript-language-server's
   * `typescript.tsserverRequest` command, syntactic + semantic, synchronous):
   * ordered after the edits sent before it, so no waiting for pushes and no
   * quiet period. A crash during the pull restarts the server and pulls again.
   */
  private async pullTsserver(paths: string[]): Promise<WaitResult> {
    const t0 = Date.now();
    for (let attempt = 0; ; attempt++) {
      const conn = await this.ensure();
      try {
        const diagnostics: DiagnosticsByFile = {};
        for (const p of paths) {
          const rel = relPath(p);
          if (!this.docs.has(rel)) {
            diagnostics[rel] = [];
            continue;
          }
          diagnostics[rel] = await pullTsserverDiagnostics(
            conn,
            rel,
            this.opts.requestTimeoutMs,
            this.spec.name,
          );
        }
        this.pending.clear();
        return { diagnostics, settled: true, waitedMs: Date.now() - t0 };
      } catch (err) {
        if (this.alive || attempt >= 1) throw err;
      }
    }
  }

  /**
   * Published since `at`, and, for a server that versions its publishes, for the
   * document's current version (a reopen's empty publish for the closed file does not count).
   */
  private isFresh(rel: string, at: number): boolean {
    const d = this.diags.get(rel);
    if (!d || d.stamp <= at) return false;
    const doc = this.docs.get(rel);
    if (!this.spec.replaceByReopen || !doc) return true;
    return d.version !== undefined && d.version >= doc.version;
  }

  /** Reads the process tree's usage before drydock ends it (only when it is recorded). */
  private async markEnding(proc: ServerProcess | null, ended: LspProcessEvent['ended']): Promise<void> {
    if (!proc || !this.trajectory || this.ending.has(proc)) return;
    // A spawned server's own cgroup accounts for it to the end: nothing to read before.
    const usage: UsageRead = proc.accounting
      ? { usage: null, why: 'its own cgroup' }
      : proc.alive
        ? await readTreeUsage(this.sandbox, proc.pidFile)
        : { usage: null, why: 'not measured: the process was gone' };
    this.ending.set(proc, { ended, usage });
  }

  /** Writes the `lsp.process` event of a process that has ended. */
  private async record(proc: ServerProcess): Promise<void> {
    const end = Date.now();
    const mark = this.ending.get(proc) ?? {
      ended: 'crashed' as const,
      usage: { usage: null, why: 'not measured: the process died before drydock read it' },
    };
    this.ending.delete(proc);
    const own = proc.accounting ? await proc.accounting.catch(() => null) : null;
    const limits = own ? own.limits : await containerLimits(this.sandbox);
    const u = mark.usage.usage;
    try {
      this.trajectory?.append({
        type: 'lsp.process',
        server: this.spec.name,
        version: this.spec.version,
        startedAt: proc.startedAt.toISOString(),
        wallMs: own?.wallMs ?? end - proc.startedAt.getTime(),
        ended: mark.ended,
        cpuMs: own?.cpuMs ?? u?.cpuMs ?? null,
        peakMemoryBytes: own?.peakMemoryBytes ?? u?.peakMemoryBytes ?? null,
        ...(u ? { processes: u.processes } : {}),
        ...(own ? { killedBy: own.killedBy } : {}),
        ...(proc.endReason ? { endReason: proc.endReason } : {}),
        measured: own ? "its own cgroup (the sandbox's spawn accounting)" : mark.usage.why,
        ...(limits && Object.keys(limits).length ? { limits } : {}),
      });
    } catch {
      // The run's trajectory was already closed: the record is lost, never the run.
    }
  }

  /** Kills the server process (tests and recovery); the next call restarts it. */
  async kill(): Promise<void> {
    await this.markEnding(this.proc, 'killed');
    await this.proc?.kill();
  }

  private async teardown(): Promise<void> {
    const proc = this.proc;
    const conn = this.conn;
    await this.markEnding(proc, 'killed');
    this.generation++;
    this.conn = null;
    this.proc = null;
    conn?.dispose();
    await proc?.kill();
  }

  /** shutdown + exit, then makes sure the process is gone. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const conn = this.conn;
    const proc = this.proc;
    if (conn && proc?.alive) {
      await this.markEnding(proc, 'closed');
      try {
        await withTimeout(conn.sendRequest('shutdown'), 5000, `${this.spec.name} shutdown`);
        await conn.sendNotification('exit');
        await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 2000))]);
      } catch {
        // Killed below.
      }
    }
    await this.teardown();
    await Promise.all([...this.records]);
  }
}
