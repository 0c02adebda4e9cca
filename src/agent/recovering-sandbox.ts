import { posix } from 'node:path';
import { WORKSPACE } from '../core/index.js';
import type { ExecOptions, ExecResult, Sandbox, SpawnedProcess, SpawnOptions } from '../sandbox/index.js';

/** What one recovery did, for the trajectory and the summary. */
export interface SandboxRecovery {
  /** The container that went away, and the one that replaced it. */
  lost: string;
  replacement: string;
  /** The call that was in flight (or about to be made) when it went. */
  during: string;
  /** What the new sandbox was rebuilt from: the repository, plus these files as last written. */
  restored: string[];
  /** The base sandbox or a candidate's fork. */
  kind: 'base' | 'fork';
  attempt: number;
  max: number;
}

/** Shared by a base sandbox and its forks: one run's recoveries count against one limit. */
export class RecoveryBudget {
  /** Recoveries begun (a fork's may begin its parent's inside it) and finished. */
  used = 0;
  done = 0;
  constructor(
    readonly max: number,
    readonly onRecovered: (r: SandboxRecovery) => void,
  ) {}
}

const isGone = (err: unknown): boolean => (err as { code?: string } | null)?.code === 'SANDBOX_GONE';

/**
 * A sandbox that survives its container going away mid-call (killed, OOM-killed whole, an engine
 * restart): the call that met `SANDBOX_GONE` is made again in a new sandbox rebuilt from the last
 * known state — the repository as prepared (`reopen`: copy, setup, base commit), then every file
 * written through this sandbox since, as last written (a candidate's files, a review's edits),
 * minus those removed again by `rm -f -- PATH` (the reproduction test). Changes a command made
 * in the old container by other means (a `sed -i` in review) are not carried over. Each
 * recovery is reported (`onRecovered`) and counted against one limit for the run; past it,
 * `SANDBOX_GONE` is thrown as before. A fork reopens as a new fork of its parent (itself
 * reopened first when it is gone too) with the fork's own writes replayed.
 */
export class RecoveringSandbox implements Sandbox {
  private current: Sandbox;
  /** Absolute path → content, in first-write order; the last known state above the repository. */
  private readonly written = new Map<string, string | Buffer>();
  private closed = false;

  constructor(
    first: Sandbox,
    private readonly reopen: () => Promise<Sandbox>,
    private readonly budget: RecoveryBudget,
    private readonly kind: 'base' | 'fork' = 'base',
  ) {
    this.current = first;
  }

  get id(): string {
    return this.current.id;
  }

  get mode(): Sandbox['mode'] {
    return this.current.mode;
  }

  /** The network mode of the sandbox inside, now (its policy decisions depend on it). */
  get networkMode(): Sandbox['networkMode'] {
    return this.current.networkMode;
  }

  /** The files written since the repository was prepared (the state a recovery restores). */
  get restoredPaths(): string[] {
    return [...this.written.keys()];
  }

  async exec(command: string, opts?: ExecOptions): Promise<ExecResult> {
    const r = await this.call(`exec ${command}`, (s) => s.exec(command, opts));
    this.forgetRemoved(command, opts?.cwd, r.exitCode);
    return r;
  }

  readFile(path: string): Promise<string> {
    return this.call(`readFile ${path}`, (s) => s.readFile(path));
  }

  async writeFile(path: string, content: string | Buffer): Promise<void> {
    await this.call(`writeFile ${path}`, (s) => s.writeFile(path, content));
    this.written.delete(path);
    this.written.set(path, content);
  }

  diff(): Promise<string> {
    return this.call('diff', (s) => s.diff());
  }

  spawn(command: string | string[], opts?: SpawnOptions): Promise<SpawnedProcess> {
    const what = Array.isArray(command) ? command.join(' ') : command;
    return this.call(`spawn ${what}`, (s) => s.spawn(command, opts));
  }

  async fork(n: number): Promise<Sandbox[]> {
    const forks = await this.call('fork', (s) => s.fork(n), true);
    return forks.map(
      (f) =>
        new RecoveringSandbox(
          f,
          async () => {
            const [again] = await this.fork(1);
            return (again as RecoveringSandbox).detach();
          },
          this.budget,
          'fork',
        ),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.current.close();
  }

  /** The sandbox inside, no longer wrapped (a reopened fork's replacement). */
  private detach(): Sandbox {
    this.closed = true;
    return this.current;
  }

  private async call<T>(what: string, f: (s: Sandbox) => Promise<T>, probe = false): Promise<T> {
    for (;;) {
      try {
        return await f(this.current);
      } catch (err) {
        let gone = isGone(err);
        // Committing a stopped container fails with the engine's own error, not SANDBOX_GONE.
        if (!gone && probe && !this.closed)
          gone = await this.current.exec('true', { timeoutMs: 30_000 }).then(
            () => false,
            (e: unknown) => isGone(e),
          );
        if (!gone || this.closed || this.budget.used >= this.budget.max) throw err;
        await this.recover(what);
      }
    }
  }

  private async recover(during: string): Promise<void> {
    this.budget.used += 1;
    const lost = this.current.id;
    await this.current.close().catch(() => {});
    const next = await this.reopen();
    for (const [path, content] of this.written) await next.writeFile(path, content);
    this.current = next;
    this.budget.onRecovered({
      lost: lost.slice(0, 12),
      replacement: next.id.slice(0, 12),
      during: during.replace(/\s+/g, ' ').slice(0, 160),
      restored: [...this.written.keys()],
      kind: this.kind,
      attempt: ++this.budget.done,
      max: this.budget.max,
    });
  }

  /** `rm -f -- 'a' 'b'` that succeeded: those files are no longer part of the state. */
  private forgetRemoved(command: string, cwd: string | undefined, exitCode: number): void {
    const m = /^rm -f -- (.+)$/.exec(command.trim());
    if (!m || exitCode !== 0) return;
    const base = cwd ?? WORKSPACE;
    for (const q of m[1]!.match(/'(?:[^']|'\\'')*'|\S+/g) ?? []) {
      const raw = q.startsWith("'") ? q.slice(1, -1).replace(/'\\''/g, "'") : q;
      this.written.delete(posix.resolve(base, raw));
    }
  }
}
