import Docker from 'dockerode';

/**
 * Fails the run if tests left a drydock container or a dangling image behind.
 * Only what was created after the run started counts. Under CI (CI=true)
 * nothing else uses the engine, so a leak fails the run; on a developer's
 * machine other drydock runs may be building at the same time, so it is a
 * warning there.
 */
export default async function setup() {
  const docker = new Docker();
  const started = Math.floor(Date.now() / 1000) - 1;
  let danglingBefore: Set<string> | null = null;
  try {
    danglingBefore = new Set((await docker.listImages({ filters: { dangling: ['true'] } })).map((i) => i.Id));
  } catch {
    // No engine: the engine tests will fail on their own, with a clearer message.
  }
  return async () => {
    if (!danglingBefore) return;
    const leftContainers = (
      await docker.listContainers({ all: true, filters: { label: ['drydock=1'] } })
    ).filter((c) => c.Created >= started);
    const newDangling = (await docker.listImages({ filters: { dangling: ['true'] } })).filter(
      (i) => !danglingBefore.has(i.Id),
    );
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
    console.warn(
      `warning: ${message} (fails under CI=true; other drydock runs on this machine may explain it)`,
    );
  };
}
