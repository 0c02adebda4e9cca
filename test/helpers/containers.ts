import Docker from 'dockerode';
import { PassThrough } from 'node:stream';

export const docker = new Docker();

/** Labels that mark a container as started by a test, so leaks can be traced and removed. */
export const TEST_LABELS: Record<string, string> = {
  drydock: '1',
  'drydock.test': String(process.pid),
  // The suite's session (set in global-setup): the leak check counts only what carries it.
  ...(process.env.DRYDOCK_SESSION ? { 'drydock.session': process.env.DRYDOCK_SESSION } : {}),
};

export interface RunResult {
  exitCode: number;
  output: string;
}

/**
 * Runs one command in a throwaway container and always removes it, even when
 * the command or the test fails.
 */
export async function runInImage(
  image: string,
  command: string,
  opts: { network?: 'none' | 'bridge'; timeoutMs?: number } = {},
): Promise<RunResult> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['bash', '-lc', command],
    Labels: TEST_LABELS,
    HostConfig: { NetworkMode: opts.network ?? 'none', AutoRemove: false },
  });
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const out = new PassThrough();
    let output = '';
    out.on('data', (d: Buffer) => (output += d.toString()));
    container.modem.demuxStream(stream, out, out);
    await container.start();
    const timeout = opts.timeoutMs ?? 120_000;
    const result = (await Promise.race([
      container.wait(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`timed out after ${timeout} ms: ${command}`)), timeout),
      ),
    ])) as { StatusCode: number };
    return { exitCode: result.StatusCode, output };
  } finally {
    await container.remove({ force: true }).catch(() => {});
  }
}

/**
 * Whether the images a test file needs are built. Outside CI a file may skip
 * when they are not (a developer without `drydock setup`); under CI=true
 * `npm test` has run setup, so a missing image is a failure, never a skip.
 */
export async function imagesPresent(...refs: string[]): Promise<boolean> {
  for (const ref of refs) {
    try {
      await docker.getImage(ref).inspect();
    } catch {
      if (process.env.CI)
        throw new Error(`image ${ref} is missing: npm test runs drydock setup before the suite`);
      return false;
    }
  }
  return true;
}
