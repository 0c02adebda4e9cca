import Docker from 'dockerode';
import { trackOpen, untrackOpen } from './shutdown.js';
import type { SandboxSpec } from './types.js';
import { DockerSandbox } from './docker-sandbox.js';

export interface PoolOptions {
  /** Most warm sandboxes kept at once, over all keys (default 4). */
  size?: number;
  docker?: Docker;
}

/**
 * What a container must share with the sandbox it is handed out as: the fields
 * fixed when a container is created. Per-call limits are not among them (each call
 * gets its own cgroup), nor is the repository (copied in at hand-out).
 */
export function warmKey(spec: SandboxSpec): string | null {
  // registries mode has a network and a proxy per sandbox: not pooled.
  if (spec.network === 'registries') return null;
  return JSON.stringify([
    spec.image,
    spec.network ?? 'none',
    spec.workspaceBytes ?? null,
    spec.mode ?? null,
    spec.runId ?? null,
    Object.entries(spec.env ?? {}).sort(),
  ]);
}

interface Shelf {
  spec: SandboxSpec;
  forkImage: string | undefined;
  want: number;
  ready: DockerSandbox[];
  filling: Promise<void> | null;
  /** The warm start under way for this shelf, if any (a taker waits for it rather than start cold). */
  starting: Promise<void> | null;
}

/** How a pool's hand-outs went (for a run's record: did the pool help?). */
export interface PoolStats {
  /** Opens and forks answered by a warm sandbox (ready, or whose start was already under way). */
  warm: number;
  /** Opens and forks that found none and started cold. */
  cold: number;
}

/**
 * Warm sandboxes (issue 16, "open from a warm pool"): containers created, started
 * and with their runner ready before anyone asks, per key (`warmKey`), refilled in
 * the background one at a time (a 2-core machine should not start eight at once),
 * bounded by `size` over all keys. Opt-in: only sandboxes opened through a pool, and
 * their forks, use it. Every warm container carries the owner labels and
 * `drydock.pool=1`, so `drydock sandbox gc` removes what a killed drydock left, and
 * its runner exits when drydock does, as for any sandbox. `close()` removes them.
 */
export class SandboxPool {
  readonly size: number;
  readonly docker: Docker;
  private readonly shelves = new Map<string, Shelf>();
  private closed = false;
  /** Warm starts under way: they count against `size` before they are ready. */
  private starting = 0;
  private readonly counts: PoolStats = { warm: 0, cold: 0 };

  constructor(opts: PoolOptions = {}) {
    this.size = Math.max(0, Math.floor(opts.size ?? 4));
    this.docker = opts.docker ?? new Docker();
    trackOpen(this);
  }

  private get held(): number {
    // Starts under way count too: two shelves filling at once must not both see room.
    let n = this.starting;
    for (const s of this.shelves.values()) n += s.ready.length;
    return n;
  }

  /**
   * Keeps `count` sandboxes of `spec` warm (the repository is not part of it).
   * Returns at once; `whenWarm` waits for the filling.
   */
  warm(spec: SandboxSpec, count: number, forkImage?: string): void {
    const key = warmKey(spec);
    if (key === null || this.closed || this.size === 0) return;
    const base: SandboxSpec = { ...spec };
    delete base.repo;
    delete base.onEgress;
    const shelf = this.shelves.get(key) ?? {
      spec: base,
      forkImage,
      want: 0,
      ready: [],
      filling: null,
      starting: null,
    };
    shelf.want = Math.min(this.size, Math.max(shelf.want, count));
    this.shelves.set(key, shelf);
    this.fill(shelf);
  }

  /** Resolves when no shelf is filling (every key has what it wants, or the pool is full). */
  async whenWarm(): Promise<void> {
    for (;;) {
      const busy = [...this.shelves.values()].flatMap((s) => (s.filling ? [s.filling] : []));
      if (!busy.length) return;
      await Promise.all(busy);
    }
  }

  /** Opens a sandbox: a warm one when ready (its repository copied in), else a cold one. */
  open(spec: SandboxSpec): Promise<DockerSandbox> {
    return DockerSandbox.open(spec, { pool: this });
  }

  /**
   * A warm sandbox for `spec` (then refilled in the background): one that is ready, else the
   * one whose start is already under way (it is ready sooner than a cold start begun now);
   * null when the pool holds none of `spec` and starts none.
   */
  async take(spec: SandboxSpec): Promise<DockerSandbox | null> {
    const key = warmKey(spec);
    for (;;) {
      const shelf = key === null ? undefined : this.shelves.get(key);
      const sb = shelf?.ready.shift();
      if (shelf && sb) {
        this.counts.warm++;
        this.fill(shelf);
        return sb;
      }
      if (!shelf?.starting || this.closed) {
        this.counts.cold++;
        return null;
      }
      // Another taker may get it first: then look again (a new start is under way or none is).
      await shelf.starting;
    }
  }

  /** How many opens and forks through this pool were warm, and how many cold. */
  stats(): PoolStats {
    return { ...this.counts };
  }

  /** Stops keeping sandboxes of `spec` (e.g. forks of a snapshot that was replaced) and closes them. */
  async drop(spec: SandboxSpec): Promise<void> {
    const key = warmKey(spec);
    const shelf = key === null ? undefined : this.shelves.get(key);
    if (!shelf) return;
    this.shelves.delete(key!);
    shelf.want = 0;
    await shelf.filling;
    await Promise.allSettled(shelf.ready.splice(0).map((s) => s.close()));
  }

  private fill(shelf: Shelf): void {
    if (shelf.filling) return;
    shelf.filling = (async () => {
      while (!this.closed && shelf.ready.length < shelf.want && this.held < this.size) {
        this.starting++;
        const attempt = (async () => {
          try {
            const sb = await DockerSandbox.open(shelf.spec, {
              docker: this.docker,
              forkImage: shelf.forkImage,
              warm: true,
            });
            shelf.ready.push(sb);
            return true;
          } catch {
            // A failed warm start is not an error of anyone's open: that open starts cold.
            return false;
          } finally {
            this.starting--;
          }
        })();
        // Settles after the sandbox is on the shelf, so a waiting taker finds it there.
        shelf.starting = attempt.then(() => undefined);
        const ok = await attempt;
        shelf.starting = null;
        if (!ok) break;
      }
    })().finally(() => {
      shelf.filling = null;
    });
  }

  /** Removes every warm container; sandboxes already handed out are their owners' to close. */
  async close(): Promise<void> {
    this.closed = true;
    untrackOpen(this);
    const shelves = [...this.shelves.values()];
    await Promise.allSettled(shelves.map((s) => s.filling));
    await Promise.allSettled(shelves.flatMap((s) => s.ready.splice(0).map((sb) => sb.close())));
  }
}
