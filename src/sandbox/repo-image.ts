import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { pack } from 'tar-fs';
import { DrydockError, silentProgress, type Progress } from '../core/index.js';
import { followBuild, ImageBuildError } from './build-stream.js';
import type { EgressRecord } from './egress-proxy.js';
import { currentRunId, sessionLabels } from './ownership.js';
import { findRepoImageSource, type RepoImageSource } from './repo-image-source.js';
import { RegistriesNetwork } from './registries-network.js';

export { findRepoImageSource, type RepoImageSource };

/** Labels on an environment image built from a repository's own Dockerfile or devcontainer.json. */
export const REPO_IMAGE_LABEL = {
  marker: 'drydock.repo-env',
  source: 'drydock.repo-env.source',
  repo: 'drydock.repo-env.repo',
} as const;

/** Name of a built environment image: the hash of everything the build reads, so a rebuild is skipped. */
export const REPO_IMAGE_NAME = 'drydock-repo-env';

export interface RepoImageOptions {
  /**
   * The build's network: `registries` (default: only the machine's package registries,
   * through drydock's proxy, each connection recorded), `none`, or `bridge`.
   */
  network?: 'registries' | 'none' | 'bridge';
  allowHosts?: string[];
  /** Each of the build's connections when it has ended (registries mode), as `open`'s onEgress. */
  onEgress?: (r: EgressRecord) => void;
  /** Extra labels on the built image (tests: a run id to remove it by). */
  labels?: Record<string, string>;
  progress?: Progress;
}

export interface RepoImage {
  /** The image to open sandboxes from. */
  image: string;
  source: RepoImageSource;
  /** False when an image with the same inputs was already there (or devcontainer.json names one). */
  built: boolean;
  /** The build's network connections (registries mode). */
  egress: EgressRecord[];
  /** The network the build actually had. */
  network: 'registries' | 'none' | 'bridge' | null;
}

/** One .dockerignore line, as a regular expression over slash-separated relative paths. */
function ignoreRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern that names a directory excludes what is under it.
  return new RegExp(`^${re}(?:/.*)?$`);
}

/** `.dockerignore` of a context as a predicate (last matching line wins; `!` re-includes). */
export function dockerIgnore(context: string): (rel: string) => boolean {
  const file = join(context, '.dockerignore');
  if (!existsSync(file)) return () => false;
  const rules = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const p = (negate ? l.slice(1) : l).trim().replace(/^\/+/, '').replace(/\/+$/, '');
      return { negate, re: ignoreRegex(p.replace(/^\.\//, '')) };
    });
  return (rel) => {
    let out = false;
    for (const r of rules) if (r.re.test(rel)) out = !r.negate;
    return out;
  };
}

/** Hash of every file the build context sends (path, mode, content), after .dockerignore. */
function contextHash(context: string, ignored: (rel: string) => boolean, h: ReturnType<typeof createHash>) {
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const rel = relative(context, abs).split(sep).join('/');
      if (ignored(rel)) continue;
      const st = lstatSync(abs);
      h.update(`${rel}\0${st.mode}\0`);
      if (st.isDirectory()) walk(abs);
      else if (st.isSymbolicLink()) h.update(readlinkSync(abs));
      else if (st.isFile()) h.update(readFileSync(abs));
      h.update('\0');
    }
  };
  walk(context);
}

/** Where the Dockerfile goes in the context tar when it lives outside the context. */
const INJECTED_DOCKERFILE = '.drydock-build.Dockerfile';

function contextTar(s: RepoImageSource, ignored: (rel: string) => boolean): NodeJS.ReadableStream {
  const context = s.context!;
  const inside = !relative(context, s.dockerfile!).startsWith('..');
  const ownIgnore = join(context, '.dockerignore');
  const hasIgnore = existsSync(ownIgnore);
  return pack(context, {
    ignore: (abs: string) => {
      const rel = relative(context, abs).split(sep).join('/');
      if (!inside && rel === '.dockerignore') return true; // Sent below, with one line added.
      // The Dockerfile itself is always sent, even when .dockerignore lists it (as docker does).
      return rel !== '' && ignored(rel) && abs !== s.dockerfile;
    },
    ...(inside
      ? {}
      : {
          finalize: false,
          // A Dockerfile outside its context goes into the tar; a .dockerignore line naming it
          // makes the daemon drop it from the context once read, so `COPY .` never copies it.
          // Without a .dockerignore of the repository's, the added one names itself too.
          finish: (p) => {
            const own = hasIgnore ? readFileSync(ownIgnore, 'utf8') : '';
            const lines = hasIgnore
              ? `${own}${own.endsWith('\n') || !own ? '' : '\n'}${INJECTED_DOCKERFILE}\n`
              : `${INJECTED_DOCKERFILE}\n.dockerignore\n`;
            p.entry({ name: INJECTED_DOCKERFILE, mode: 0o644 }, readFileSync(s.dockerfile!));
            p.entry({ name: '.dockerignore', mode: 0o644 }, Buffer.from(lines));
            p.finalize();
          },
        }),
  }) as unknown as NodeJS.ReadableStream;
}

async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/**
 * The environment image a repository defines for itself, built when needed: its
 * devcontainer.json (a `build.dockerfile`, or an `image` used as is), else a root
 * `Dockerfile`. Null when it defines none. The image is named by the hash of all
 * the build reads (`drydock-repo-env:<hash>`), so the same inputs reuse it; it is
 * labelled `drydock.repo-env` and kept (removed by `drydock sandbox gc --repo-images`).
 * Nothing of drydock goes into it: drydock's runtime comes in at open, read-only.
 */
export async function repoImage(
  docker: Docker,
  repoDir: string,
  opts: RepoImageOptions = {},
): Promise<RepoImage | null> {
  const source = findRepoImageSource(repoDir);
  if (!source) return null;
  const progress = opts.progress ?? silentProgress;
  for (const k of source.ignored)
    progress.detail(`${source.file}: "${k}" is not supported by drydock and is ignored`);
  if (source.image) return { image: source.image, source, built: false, egress: [], network: null };

  const ignored = dockerIgnore(source.context!);
  const h = createHash('sha256');
  h.update(
    JSON.stringify({
      dockerfile: readFileSync(source.dockerfile!, 'utf8'),
      args: source.args,
      target: source.target ?? null,
    }),
  );
  contextHash(source.context!, ignored, h);
  const ref = `${REPO_IMAGE_NAME}:${h.digest('hex').slice(0, 16)}`;
  if (await imageExists(docker, ref)) {
    progress.step(`using ${ref}, built earlier from the repository's ${source.file}`);
    return { image: ref, source, built: false, egress: [], network: null };
  }

  let network: RepoImage['network'] = opts.network ?? 'registries';
  let registries: RegistriesNetwork | null = null;
  if (network === 'registries') {
    try {
      registries = await RegistriesNetwork.create(
        docker,
        currentRunId(),
        opts.allowHosts ?? [],
        opts.onEgress,
      );
    } catch (err) {
      if (!(err instanceof DrydockError)) throw err;
      progress.detail(`the build gets no network: ${err.message}`);
      network = 'none';
    }
  }
  const proxy = registries?.proxyUrl;
  const proxyArgs: Record<string, string> = proxy
    ? { HTTP_PROXY: proxy, HTTPS_PROXY: proxy, http_proxy: proxy, https_proxy: proxy }
    : {};
  const inside = !relative(source.context!, source.dockerfile!).startsWith('..');
  progress.step(
    `building ${ref} from the repository's ${source.file} (network: ${network}; docker's layer cache applies)`,
  );
  try {
    const stream = await docker.buildImage(contextTar(source, ignored), {
      t: ref,
      dockerfile: inside
        ? relative(source.context!, source.dockerfile!).split(sep).join('/')
        : INJECTED_DOCKERFILE,
      buildargs: { ...source.args, ...proxyArgs },
      labels: {
        [REPO_IMAGE_LABEL.marker]: '1',
        [REPO_IMAGE_LABEL.source]: source.file,
        [REPO_IMAGE_LABEL.repo]: basename(repoDir),
        ...sessionLabels(),
        ...(opts.labels ?? {}),
      },
      ...(source.target ? { target: source.target } : {}),
      networkmode: registries ? registries.name : network,
      rm: true,
      forcerm: true,
      pull: false,
    });
    await followBuild(docker, stream, (line) => progress.detail(line));
  } catch (err) {
    const tail = err instanceof ImageBuildError ? err.tail.slice(-3).join(' | ') : '';
    throw new DrydockError(
      `building the repository's ${source.file} failed: ${(err as Error).message}${tail ? ` (${tail})` : ''}`,
      network === 'registries' || network === 'none'
        ? 'fix the Dockerfile (the build reaches only package registries), or pass --image IMAGE'
        : 'fix the Dockerfile, or pass --image IMAGE',
      'REPO_IMAGE_BUILD',
    );
  } finally {
    await registries?.remove();
  }
  return {
    image: ref,
    source,
    built: true,
    egress: registries ? [...registries.proxy.records] : [],
    network,
  };
}

/** Removes the environment images built from repositories (they are a cache). */
export async function removeRepoImages(docker: Docker): Promise<string[]> {
  const removed: string[] = [];
  for (const img of await docker.listImages({ filters: { label: [REPO_IMAGE_LABEL.marker] } })) {
    try {
      await docker.getImage(img.Id).remove({ force: false });
      removed.push(img.RepoTags?.[0] ?? img.Id.replace(/^sha256:/, '').slice(0, 12));
    } catch {
      // In use by a sandbox (or a fork image built on it): kept.
    }
  }
  return removed;
}
