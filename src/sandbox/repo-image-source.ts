import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { DrydockError } from '../core/index.js';

/**
 * Where a repository says its development environment comes from: its
 * `.devcontainer/devcontainer.json` (or `.devcontainer.json`), else a
 * `Dockerfile` at its root. Pure: reads files, decides nothing about Docker.
 */
export interface RepoImageSource {
  kind: 'devcontainer' | 'dockerfile';
  /** The file that said so, relative to the repository. */
  file: string;
  /** devcontainer.json's `image`: an image to use as is (nothing to build). */
  image?: string;
  /** Absolute build context directory. */
  context?: string;
  /** Absolute path of the Dockerfile (may lie outside the context). */
  dockerfile?: string;
  args: Record<string, string>;
  target?: string;
  /** devcontainer.json's `containerEnv`. */
  env: Record<string, string>;
  /** What the file asks for that drydock does not do (said, not silently dropped). */
  ignored: string[];
}

const DEVCONTAINER_FILES = ['.devcontainer/devcontainer.json', '.devcontainer.json'];

/** JSON with comments and trailing commas (devcontainer.json's dialect) to plain JSON. */
export function stripJsonc(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += ch;
      i++;
    }
  }
  // Trailing commas; strings are untouched since a comma inside one is followed by more string.
  return out.replace(/,(\s*[}\]])/g, '$1');
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v))
    for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function devcontainer(repo: string, file: string): RepoImageSource {
  const path = join(repo, file);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(stripJsonc(readFileSync(path, 'utf8'))) as Record<string, unknown>;
  } catch (err) {
    throw new DrydockError(
      `${file} is not valid JSON: ${(err as Error).message}`,
      'fix the file, or pass --image IMAGE to use another environment',
      'REPO_IMAGE_INVALID',
    );
  }
  if (doc.dockerComposeFile !== undefined)
    throw new DrydockError(
      `${file} uses dockerComposeFile, which drydock does not run`,
      'pass --image IMAGE (the service image), or add a Dockerfile-based devcontainer',
      'REPO_IMAGE_UNSUPPORTED',
    );
  const ignored = ['features', 'postCreateCommand', 'onCreateCommand', 'mounts', 'runArgs'].filter(
    (k) => doc[k] !== undefined,
  );
  const base = dirname(path);
  const build = (doc.build && typeof doc.build === 'object' ? doc.build : {}) as Record<string, unknown>;
  const df = (build.dockerfile ?? doc.dockerFile ?? doc.dockerfile) as unknown;
  const env = stringMap(doc.containerEnv);
  if (typeof df === 'string') {
    const ctx = (build.context ?? doc.context ?? '.') as unknown;
    const context = resolve(base, typeof ctx === 'string' ? ctx : '.');
    const source: RepoImageSource = {
      kind: 'devcontainer',
      file,
      context,
      dockerfile: resolve(base, df),
      args: stringMap(build.args),
      env,
      ignored,
    };
    if (typeof build.target === 'string') source.target = build.target;
    return checkPaths(repo, source);
  }
  if (typeof doc.image === 'string')
    return { kind: 'devcontainer', file, image: doc.image, args: {}, env, ignored };
  throw new DrydockError(
    `${file} names neither an image nor a build.dockerfile`,
    'add "image" or "build": {"dockerfile": ...}, or pass --image IMAGE',
    'REPO_IMAGE_INVALID',
  );
}

/** The context and Dockerfile must exist and stay inside the repository (it is all drydock reads). */
function checkPaths(repo: string, s: RepoImageSource): RepoImageSource {
  for (const p of [s.context!, s.dockerfile!]) {
    const rel = relative(repo, p);
    if (rel.startsWith('..') || resolve(repo, rel) !== p)
      throw new DrydockError(
        `${s.file} points outside the repository (${p})`,
        'keep the build context and Dockerfile inside the repository, or pass --image IMAGE',
        'REPO_IMAGE_INVALID',
      );
  }
  if (!existsSync(s.dockerfile!) || !statSync(s.dockerfile!).isFile())
    throw new DrydockError(
      `${s.file} names a Dockerfile that does not exist (${relative(repo, s.dockerfile!)})`,
      'fix the path, or pass --image IMAGE',
      'REPO_IMAGE_INVALID',
    );
  if (!existsSync(s.context!) || !statSync(s.context!).isDirectory())
    throw new DrydockError(
      `${s.file} names a build context that is not a directory (${relative(repo, s.context!) || '.'})`,
      'fix the path, or pass --image IMAGE',
      'REPO_IMAGE_INVALID',
    );
  return s;
}

/** The repository's own environment definition, or null when it has none. */
export function findRepoImageSource(repoDir: string): RepoImageSource | null {
  const repo = resolve(repoDir);
  for (const f of DEVCONTAINER_FILES) if (existsSync(join(repo, f))) return devcontainer(repo, f);
  const df = join(repo, 'Dockerfile');
  if (existsSync(df) && statSync(df).isFile())
    return {
      kind: 'dockerfile',
      file: 'Dockerfile',
      context: repo,
      dockerfile: df,
      args: {},
      env: {},
      ignored: [],
    };
  return null;
}
