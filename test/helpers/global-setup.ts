import Docker from 'dockerode';

/**
 * Fails the run if tests left a drydock container or a dangling image behind.
 * Containers are counted only if created after the run started, so an
 * unrelated sandbox on a developer's machine does not fail the suite.
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
    if (problems.length) throw new Error(`tests leaked Docker resources: ${problems.join('; ')}`);
  };
}
