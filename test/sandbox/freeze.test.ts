import { describe, expect, it } from 'vitest';
import { isFreezeFailure, retryFreeze } from '../../src/sandbox/freeze.js';

// The engine's answer when runc's cgroup v1 freezer gave up, as CI got it from a fork's commit.
const FROZE = new Error(
  '(HTTP code 500) server error - Cannot pause container e9f14249b6c1: OCI runtime pause failed: unable to freeze: unknown',
);

describe('pausing a container again when the freezer gives up', () => {
  it('tries again after each wait while the freezer gives up, then returns what the call gives', async () => {
    let calls = 0;
    const retried: number[] = [];
    const r = await retryFreeze(
      async () => {
        if (++calls < 3) throw FROZE;
        return 'image-id';
      },
      [1, 1, 1],
      (_e, attempt) => retried.push(attempt),
    );
    expect(r).toBe('image-id');
    expect(calls).toBe(3);
    expect(retried).toEqual([1, 2]);
  });

  it('gives the freezer failure back once the waits are used up', async () => {
    let calls = 0;
    await expect(
      retryFreeze(async () => {
        calls++;
        throw FROZE;
      }, [1, 1]),
    ).rejects.toBe(FROZE);
    expect(calls).toBe(3);
  });

  it('gives any other error back at once', async () => {
    let calls = 0;
    const gone = new Error('(HTTP code 404) no such container - No such container: e9f14249b6c1');
    await expect(
      retryFreeze(async () => {
        calls++;
        throw gone;
      }, [1, 1]),
    ).rejects.toBe(gone);
    expect(calls).toBe(1);
    expect(isFreezeFailure(gone)).toBe(false);
    expect(isFreezeFailure(FROZE)).toBe(true);
  });
});
