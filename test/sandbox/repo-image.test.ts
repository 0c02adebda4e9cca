import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrydockError } from '../../src/core/index.js';
import {
  DockerSandbox,
  findRepoImageSource,
  gcSandboxes,
  LABEL,
  repoImage,
} from '../../src/sandbox/index.js';
import { dockerIgnore } from '../../src/sandbox/repo-image.js';
import { stripJsonc } from '../../src/sandbox/repo-image-source.js';
import { docker, engineReady, removeRun, testRunId } from './helpers.js';

const dirs: string[] = [];
function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-repo-image-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("a repository's own environment definition", () => {
  it('reads devcontainer.json with comments and trailing commas; it wins over a Dockerfile', () => {
    const dir = repo({
      Dockerfile: 'FROM scratch\n',
      '.devcontainer/Dockerfile': 'FROM scratch\n',
      '.devcontainer/devcontainer.json': `{
        // the dev image
        "name": "x // not a comment",
        "build": { "dockerfile": "Dockerfile", "context": "..", "args": { "V": "1", }, "target": "dev" },
        /* block */ "containerEnv": { "A": "b" },
        "features": {},
      }`,
    });
    const s = findRepoImageSource(dir)!;
    expect(s).toMatchObject({
      kind: 'devcontainer',
      file: '.devcontainer/devcontainer.json',
      context: dir,
      dockerfile: join(dir, '.devcontainer/Dockerfile'),
      args: { V: '1' },
      target: 'dev',
      env: { A: 'b' },
      ignored: ['features'],
    });
    expect(JSON.parse(stripJsonc('{"a": "x // y", "b": [1,2,],}'))).toEqual({ a: 'x // y', b: [1, 2] });
  });

  it('a root Dockerfile, an image named in devcontainer.json, or nothing', () => {
    expect(findRepoImageSource(repo({ Dockerfile: 'FROM scratch\n' }))).toMatchObject({ kind: 'dockerfile' });
    expect(findRepoImageSource(repo({ '.devcontainer.json': '{"image": "mine:1"}' }))).toMatchObject({
      image: 'mine:1',
    });
    expect(findRepoImageSource(repo({ 'a.py': '' }))).toBeNull();
  });

  it('refuses in one line what it cannot build', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ '.devcontainer/devcontainer.json': '{"dockerComposeFile": "x.yml"}' }, /dockerComposeFile/],
      [
        { '.devcontainer/devcontainer.json': '{"build": {"dockerfile": "../../x"}}' },
        /outside the repository/,
      ],
      [{ '.devcontainer/devcontainer.json': '{"build": {"dockerfile": "nope"}}' }, /does not exist/],
      [{ '.devcontainer/devcontainer.json': '{"name": 1' }, /not valid JSON/],
      [{ '.devcontainer/devcontainer.json': '{"name": "x"}' }, /neither an image nor/],
    ];
    for (const [files, re] of cases) {
      const err = (() => {
        try {
          return findRepoImageSource(repo(files));
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(DrydockError);
      expect((err as DrydockError).message).toMatch(re);
      expect((err as DrydockError).message).not.toContain('\n');
      expect((err as DrydockError).fix).toMatch(/--image/);
    }
  });

  it('.dockerignore: last match wins, ! re-includes, a directory takes its contents', () => {
    const dir = repo({ '.dockerignore': '# c\nnode_modules\n*.log\n!keep.log\n/build/\n**/*.tmp\n' });
    const ig = dockerIgnore(dir);
    expect(
      ['node_modules', 'node_modules/a/b.js', 'x.log', 'build/out', 'a/b/c.tmp'].filter(ig),
    ).toHaveLength(5);
    expect(['keep.log', 'src/x.log', 'src/build', 'main.py'].filter(ig)).toEqual([]);
  });
});

const ready = await engineReady();
const runId = testRunId('repo-image');

describe.skipIf(!ready)('building it', { timeout: 300_000 }, () => {
  const built: string[] = [];
  beforeAll(() => undefined);
  afterAll(async () => {
    for (const ref of built)
      await docker
        .getImage(ref)
        .remove({ force: true })
        .catch(() => undefined);
    await removeRun(runId);
  });

  it('builds a devcontainer (Dockerfile outside its context, args, .dockerignore), names it by its inputs, reuses it', async () => {
    const dir = repo({
      '.devcontainer/devcontainer.json':
        '{ "build": { "dockerfile": "../Dockerfile.dev", "context": ".", "args": { "GREETING": "hi" } } }',
      '.devcontainer/note.txt': 'in the context\n',
      'Dockerfile.dev':
        'FROM drydock/base:latest\nARG GREETING\nCOPY . /ctx/\nRUN echo "$GREETING" > /greeting\n',
    });
    const first = await repoImage(docker, dir, { labels: { [LABEL.run]: runId } });
    expect(first).toMatchObject({ built: true });
    built.push(first!.image);
    expect(first!.image).toMatch(/^drydock-repo-env:[0-9a-f]{16}$/);
    const info = await docker.getImage(first!.image).inspect();
    expect(info.Config.Labels).toMatchObject({
      'drydock.repo-env': '1',
      'drydock.repo-env.source': '.devcontainer/devcontainer.json',
    });
    const sb = await DockerSandbox.open({ image: first!.image, runId });
    try {
      const r = await sb.exec('cat /greeting; ls -A /ctx');
      // The Dockerfile drydock added to the context (and the .dockerignore that drops it) are
      // not COPY'd: only what the context holds.
      expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['devcontainer.json', 'hi', 'note.txt']);
    } finally {
      await sb.close();
    }
    // Same inputs: reused. A changed input: a new name.
    expect(await repoImage(docker, dir)).toMatchObject({ image: first!.image, built: false });
    writeFileSync(join(dir, '.devcontainer/note.txt'), 'changed\n');
    const changed = await repoImage(docker, dir, { labels: { [LABEL.run]: runId } });
    built.push(changed!.image);
    expect(changed!.image).not.toBe(first!.image);
  });

  it('.dockerignore keeps files out of the build and out of its name', async () => {
    const dir = repo({
      Dockerfile: 'FROM drydock/base:latest\nCOPY . /ctx/\n',
      'a.txt': 'a\n',
      'secret.txt': 's\n',
      '.dockerignore': 'secret.txt\n',
    });
    const first = await repoImage(docker, dir, { labels: { [LABEL.run]: runId } });
    built.push(first!.image);
    const sb = await DockerSandbox.open({ image: first!.image, runId });
    try {
      expect((await sb.exec('ls -A /ctx')).stdout.split('\n').filter(Boolean).sort()).toEqual([
        '.dockerignore',
        'Dockerfile',
        'a.txt',
      ]);
    } finally {
      await sb.close();
    }
    writeFileSync(join(dir, 'secret.txt'), 'other\n');
    expect((await repoImage(docker, dir))!.image).toBe(first!.image);
  });

  it('`sandbox gc` removes a stale runtime volume, keeps the current ones', async () => {
    const stale = 'drydock-lsp-000000000000';
    await docker.createVolume({ Name: stale, Labels: { 'drydock.runtime': '1' } });
    try {
      const report = await gcSandboxes(docker);
      expect(report.volumesRemoved).toContain(stale);
      const names = ((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name);
      expect(names).not.toContain(stale);
      const base = (await docker.getImage('drydock/base:latest').inspect()).Id.slice(7, 19);
      expect(report.volumesRemoved).not.toContain(`drydock-lsp-${base}`);
    } finally {
      await docker
        .getVolume(stale)
        .remove()
        .catch(() => undefined);
    }
  });

  it('a failing build is one line naming the file, with what to do', async () => {
    const dir = repo({ Dockerfile: 'FROM drydock/base:latest\nRUN exit 7\n' });
    const err = await repoImage(docker, dir, { labels: { [LABEL.run]: runId } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DrydockError);
    expect((err as DrydockError).code).toBe('REPO_IMAGE_BUILD');
    expect((err as DrydockError).message).toMatch(/^building the repository's Dockerfile failed: /);
    expect((err as DrydockError).message).not.toContain('\n');
  });
});
