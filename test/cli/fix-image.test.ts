import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagesPresent } from '../helpers/containers.js';
import { drydockAsync, scriptedFixArgs, calcRepoIn } from '../helpers/cli.js';
import { repoImage } from '../../src/sandbox/index.js';
import { userPythonImage } from '../sandbox/foreign-images.js';
import { docker, engineReady, removeRun, testRunId } from '../sandbox/helpers.js';

/**
 * `drydock fix` on the bundled calc example (scripted model) in an image drydock did not
 * build, given with --image, and in the image a repository's own Dockerfile defines. The
 * user's image must come out unchanged and nothing drydock made may be left.
 */
const ready = (await engineReady()) && (await imagesPresent('drydock/python:latest'));
const runId = testRunId('fix-image');
const root = mkdtempSync(join(tmpdir(), 'drydock-fix-image-'));

interface Event {
  type: string;
  message?: string;
  source?: string;
}
const events = (out: string): Event[] =>
  readFileSync(join(out, 'trajectory.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Event);

/** Containers, images and networks labelled with a drydock session id (the CLI run's own). */
async function leftBy(session: string): Promise<string[]> {
  const filters = { label: [`drydock.session=${session}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const images = await docker.listImages({ filters });
  const networks = await docker.listNetworks({ filters });
  return [
    ...containers.map((c) => `container ${c.Id.slice(0, 12)}`),
    // The environment image built from the repository's Dockerfile is a cache, kept on purpose.
    ...images.filter((i) => !i.Labels?.['drydock.repo-env']).map((i) => `image ${i.Id.slice(7, 19)}`),
    ...networks.map((n) => `network ${n.Name}`),
  ];
}

describe.skipIf(!ready)('drydock fix in an image drydock did not build', { timeout: 600_000 }, () => {
  let user: string;
  const built: string[] = [];
  beforeAll(async () => {
    user = await userPythonImage(runId);
  });
  afterAll(async () => {
    for (const ref of built)
      await docker
        .getImage(ref)
        .remove({ force: true })
        .catch(() => undefined);
    await removeRun(runId);
    rmSync(root, { recursive: true, force: true });
  });

  async function fix(repo: string, out: string, args: string[] = []) {
    const session = `test-fix-image-${randomBytes(4).toString('hex')}`;
    const r = await drydockAsync([...scriptedFixArgs(repo), '--out', out, '--json', ...args], {
      DRYDOCK_SESSION: session,
    });
    return { ...r, session };
  }

  it('--image IMG runs the example end to end; the image keeps its id and tags, nothing of drydock is left', async () => {
    const before = await docker.getImage(user).inspect();
    const repo = calcRepoIn(root, 'with-image');
    const out = join(root, 'with-image-out');
    const r = await fix(repo, out, ['--image', user]);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { status: string; patch: string };
    expect(summary.status).toBe('patched');
    expect(summary.patch).toContain('+    return total / len(values)');
    const ev = events(out);
    expect(ev.some((e) => e.type === 'stage' && e.message?.includes(`image ${user}`))).toBe(true);
    // Language servers came in from drydock's volume: candidates got rewards in this image.
    expect(
      ev.filter((e) => e.type === 'reward' && e.source?.startsWith('candidate:')).length,
    ).toBeGreaterThan(0);
    const after = await docker.getImage(user).inspect();
    expect(after.Id).toBe(before.Id);
    expect(after.RepoTags).toEqual(before.RepoTags);
    expect(await leftBy(r.session)).toEqual([]);
  });

  it("a repository's own Dockerfile is built (named by its inputs, labelled), used, and reused", async () => {
    const repo = calcRepoIn(root, 'with-dockerfile', {
      Dockerfile: `FROM ${user}\nRUN echo from-the-repository > /etc/calc-env\n`,
    });
    const out = join(root, 'with-dockerfile-out');
    const r = await fix(repo, out);
    expect(r.status, r.stderr).toBe(0);
    const stages = events(out).filter((e) => e.type === 'stage');
    const ref = stages
      .map((e) => /image (drydock-repo-env:[0-9a-f]{16})/.exec(e.message ?? '')?.[1])
      .find(Boolean);
    expect(ref, JSON.stringify(stages.slice(0, 2))).toBeDefined();
    built.push(ref!);
    const img = await docker.getImage(ref!).inspect();
    expect(img.Config.Labels?.['drydock.repo-env.source']).toBe('Dockerfile');
    expect((JSON.parse(r.stdout) as { status: string }).status).toBe('patched');
    expect(await leftBy(r.session)).toEqual([]);

    // Same inputs: the image is reused, not rebuilt.
    const again = await repoImage(docker, repo);
    expect(again).toMatchObject({ image: ref, built: false });
  });
});
