import type Docker from 'dockerode';
import { DrydockError, type Progress, silentProgress } from '../core/index.js';

/** The image cannot be had: the registry does not have it, or refuses it. Not retried. */
export class ImageMissingError extends DrydockError {
  constructor(
    readonly ref: string,
    why: string,
  ) {
    super(
      `image ${ref} cannot be had: ${why}`,
      'check the image name, or pass --namespace REGISTRY/NAMESPACE to pull from a mirror',
      'IMAGE_MISSING',
    );
  }
}

const MISSING =
  /manifest unknown|not found|does not exist|pull access denied|repository name must|invalid reference format|unauthorized|denied/i;

/** A failure worth another try: the network or the registry, not the name. */
export const isTransient = (message: string) =>
  !MISSING.test(message) &&
  /timeout|timed out|ECONNRESET|ECONNREFUSED|EAI_AGAIN|EPIPE|socket hang up|TLS handshake|connection reset|unexpected EOF|50[0-4]|too many requests|429|i\/o timeout|temporar/i.test(
    message,
  );

interface PullEvent {
  id?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  progressDetail?: { current?: number; total?: number };
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** Follows one pull, reporting bytes, layers and time left at most every `everyMs`. */
async function pullOnce(docker: Docker, ref: string, progress: Progress, everyMs: number): Promise<void> {
  const stream = await docker.pull(ref);
  const layers = new Map<string, { current: number; total: number; done: boolean }>();
  const t0 = performance.now();
  let last = 0;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, out: PullEvent[]) => {
        const bad = out?.find((e) => e.error);
        if (err) reject(err);
        else if (bad) reject(new Error(bad.errorDetail?.message ?? bad.error));
        else resolve();
      },
      (e: PullEvent) => {
        if (e.error) return;
        // "Pulling from NAME" carries the tag as its id: not a layer.
        if (e.id && e.status && !e.status.startsWith('Pulling from')) {
          const l = layers.get(e.id) ?? { current: 0, total: 0, done: false };
          if (e.progressDetail?.total) {
            l.total = e.progressDetail.total;
            if (e.status === 'Downloading') l.current = e.progressDetail.current ?? l.current;
          }
          if (/Download complete|Pull complete|Already exists/.test(e.status)) {
            l.done = true;
            l.current = l.total;
          }
          if (e.status !== 'Pulling fs layer' || !layers.has(e.id)) layers.set(e.id, l);
        }
        const now = performance.now();
        if (layers.size === 0 || now - last < everyMs) return;
        last = now;
        const all = [...layers.values()];
        const got = all.reduce((s, l) => s + l.current, 0);
        const total = all.reduce((s, l) => s + l.total, 0);
        const rate = got / Math.max(1, now - t0);
        const left = total > got && rate > 0 ? ` ~${Math.round((total - got) / rate / 1000)}s left` : '';
        progress.detail(
          `pulling ${ref}: ${all.filter((l) => l.done).length}/${all.length} layers, ${mib(got)}${total ? ` of ${mib(total)}` : ''}${left}`,
        );
      },
    );
  });
  // The last report may be up to `everyMs` old: say what the pull came to.
  const all = [...layers.values()];
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  progress.detail(
    all.length
      ? `pulled ${ref}: ${all.length} layers, ${mib(all.reduce((s, l) => s + l.total, 0))} downloaded in ${secs} s`
      : `pulled ${ref}: every layer was already here (${secs} s)`,
  );
}

export interface PullOptions {
  progress?: Progress;
  /** Tries for transient failures (default 3), with 1 s, 2 s, 4 s … between them. */
  attempts?: number;
  backoffMs?: number;
  progressEveryMs?: number;
}

const inflight = new Map<string, Promise<boolean>>();

/**
 * Makes sure `ref` is on the engine: reused when present, else pulled with progress and retried
 * on transient failures. Returns whether it was pulled. Throws ImageMissingError when the
 * registry does not have it. Concurrent callers for one image share one pull.
 */
export function ensurePulled(docker: Docker, ref: string, opts: PullOptions = {}): Promise<boolean> {
  let p = inflight.get(ref);
  if (!p) {
    p = pullWithRetry(docker, ref, opts).finally(() => inflight.delete(ref));
    inflight.set(ref, p);
  }
  return p;
}

async function pullWithRetry(docker: Docker, ref: string, opts: PullOptions): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return false;
  } catch {
    // not here: pull it
  }
  const progress = opts.progress ?? silentProgress;
  const attempts = opts.attempts ?? 3;
  for (let i = 1; ; i++) {
    try {
      progress.detail(`pulling ${ref}${i > 1 ? ` (try ${i} of ${attempts})` : ''}`);
      await pullOnce(docker, ref, progress, opts.progressEveryMs ?? 2000);
      return true;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || MISSING.test(msg)) throw new ImageMissingError(ref, msg.split('\n')[0]!);
      if (!isTransient(msg) || i >= attempts)
        throw new DrydockError(
          `pulling ${ref} failed${i > 1 ? ` after ${i} tries` : ''}: ${msg.split('\n')[0]}`,
          'check the engine can reach the registry (or pass --namespace for a mirror), then run again: finished instances are kept',
          'IMAGE_PULL_FAILED',
        );
      await new Promise((r) => setTimeout(r, (opts.backoffMs ?? 1000) * 2 ** (i - 1)));
    }
  }
}
