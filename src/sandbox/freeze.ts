/**
 * Pausing a container (`docker pause`, and `docker commit`, which pauses it) freezes its processes
 * through the cgroup freezer. On cgroup v1 runc gives up with "unable to freeze" when the freezer
 * has not reached FROZEN after its own retries, and thaws the container again: a busy machine's
 * processes in uninterruptible sleep (heavy disk work beside the run) can keep it from freezing in
 * time. CI saw a fork's commit fail that way while swarm nodes loaded images, and the instance
 * ended without a patch. The failure leaves nothing changed, so the pause is tried again, a few
 * times with a growing wait; any other error is the caller's at once.
 */
export const FREEZE_RETRY_MS = [250, 1_000, 3_000];

/** Whether `err` is the freezer giving up (the container is left running, as before the call). */
export function isFreezeFailure(err: unknown): boolean {
  return /unable to freeze/i.test((err as Error)?.message ?? '');
}

/** `fn` (a pause, or a commit that pauses), tried again after each of `waits` while the freezer gives up. */
export async function retryFreeze<T>(
  fn: () => Promise<T>,
  waits: readonly number[] = FREEZE_RETRY_MS,
  onRetry?: (err: Error, attempt: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= waits.length || !isFreezeFailure(err)) throw err;
      onRetry?.(err as Error, attempt + 1);
      await new Promise((r) => setTimeout(r, waits[attempt]));
    }
  }
}
