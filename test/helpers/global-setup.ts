import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';

/**
 * Fails the run if tests left a drydock container or a dangling image behind.
 * Only what this run made counts: the run sets DRYDOCK_SESSION, which the test
 * processes and the drydock processes they start inherit, and everything drydock
 * makes carries it as the `drydock.session` label; other drydock runs on the same
 * engine carry another session (or none), so they cannot fail this check. Under CI
 * (CI=true) a leak fails the run; elsewhere it is a warning.
 */
export default async function setup() {
  const docker = new Docker();
  const session = (process.env.DRYDOCK_SESSION ??= `test-${randomBytes(6).toString('hex')}`);
  const ours = { label: [`drydock.session=${session}`] };
  const started = Math.floor(Date.now() / 1000) - 1;
  let danglingBefore: Set<string> | null = null;
  try {
    danglingBefore = new Set((await docker.listImages({ filters: { dangling: ['true'] } })).map((i) => i.Id));
  } catch {
    // No engine: the engine tests will fail on their own, with a clearer message.
  }
  return async () => {
    if (!danglingBefore) return;
    const leftContainers = (await docker.listContainers({ all: true, filters: ours })).filter(
      (c) => c.Created >= started,
    );
    const newDangling = (
      await docker.listImages({ filters: { dangling: ['true'], label: ours.label } })
    ).filter((i) => !danglingBefore.has(i.Id));
    const problems: string[] = [];
    if (leftContainers.length)
      problems.push(
        `containers left behind: ${leftContainers.map((c) => `${c.Id.slice(0, 12)} (${c.Image})`).join(', ')}`,
      );
    if (newDangling.length)
      problems.push(`dangling images left behind: ${newDangling.map((i) => i.Id.slice(7, 19)).join(', ')}`);
    if (!problems.length) return;
    const message = `tests leaked Docker resources: ${problems.join('; ')}`;
    if (process.env.CI) throw new Error(message);
    console.warn(`warning: ${message} (fails under CI=true)`);
  };
}
