import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from 'tar-fs';
import { silentProgress, type Progress } from '../core/index.js';
import { aptInstall } from './engine.js';

/**
 * What drydock needs inside any image, brought in read-only from drydock's side:
 * a static bash (the runner and `exec`'s commands are bash source) and a static
 * busybox standing in for the few programs drydock's own calls use (mkfifo, cat,
 * mkdir, ...). They live in a Docker volume mounted read-only at RUNTIME_DIR, and
 * RUNTIME_DIR/bin is *appended* to PATH, so an image's own programs always win
 * and the user's image is never changed (see README, "Any image").
 */
export const RUNTIME_DIR = '/run/drydock-runtime';
export const RUNTIME_BASH = `${RUNTIME_DIR}/bin/bash`;

/** Programs drydock's own calls use; taken from busybox when the image has none. */
const APPLETS = ['sh', 'mkfifo', 'cat', 'mkdir', 'dirname', 'mktemp', 'rm', 'cp', 'tar', 'kill', 'sleep'];

/** Where the static binaries are found on the host: Debian's bash-static and busybox-static. */
function hostBinary(envName: string, candidates: string[]): string | null {
  const fromEnv = process.env[envName];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return candidates.find((p) => existsSync(p)) ?? null;
}

export interface RuntimeSource {
  bash: string;
  busybox: string | null;
}

export function runtimeSource(): RuntimeSource | null {
  const bash = hostBinary('DRYDOCK_STATIC_BASH', ['/bin/bash-static', '/usr/bin/bash-static']);
  if (!bash) return null;
  return { bash, busybox: hostBinary('DRYDOCK_STATIC_BUSYBOX', ['/bin/busybox', '/usr/bin/busybox']) };
}

/**
 * Makes sure the static bash and busybox are on the host: as root on a Debian-like system
 * (what `drydock setup` may change) they are installed from Debian's archive when missing.
 * Returns what is missing afterwards (empty when nothing is).
 */
export function ensureRuntimeSource(opts: { allowInstall: boolean; progress?: Progress }): string[] {
  const missing = () => {
    const src = runtimeSource();
    return [...(src ? [] : ['bash-static']), ...(src?.busybox ? [] : ['busybox-static'])];
  };
  const need = missing();
  const canInstall = opts.allowInstall && process.getuid?.() === 0 && existsSync('/etc/debian_version');
  if (!need.length || !canInstall) return need;
  const progress = opts.progress ?? silentProgress;
  progress.step(`installing ${need.join(' and ')} (apt-get install), for sandboxes in images without bash`);
  aptInstall(need, progress);
  return missing();
}

export const RUNTIME_MISSING_HINT =
  'install Debian/Ubuntu `bash-static` (and `busybox-static`) on the machine running drydock, or set DRYDOCK_STATIC_BASH to a statically linked bash';

/** Written into the volume after its content, so a complete fill can be told from a partial one. */
const FILLED_MARKER = '.filled';

async function hasFile(container: Docker.Container, path: string): Promise<boolean> {
  try {
    const stream = await container.getArchive({ path });
    (stream as NodeJS.ReadableStream & { resume(): void }).resume();
    return true;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw e;
  }
}

async function markerTar(): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-runtime-'));
  try {
    writeFileSync(join(dir, FILLED_MARKER), '');
    const chunks: Buffer[] = [];
    for await (const c of pack(dir, {
      entries: [FILLED_MARKER],
      map: (h) => ({ ...h, uid: 0, gid: 0, uname: 'root', gname: 'root' }),
    }))
      chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The volume's content as a tar, made from a scratch directory (removed after). */
async function runtimeTar(src: RuntimeSource): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-runtime-'));
  try {
    mkdirSync(join(dir, 'bin'));
    copyFileSync(src.bash, join(dir, 'bin/bash'));
    if (src.busybox) {
      copyFileSync(src.busybox, join(dir, 'bin/busybox'));
      for (const a of APPLETS) symlinkSync('busybox', join(dir, 'bin', a));
    }
    const stream = pack(dir, {
      map: (h) => ({ ...h, uid: 0, gid: 0, uname: 'root', gname: 'root' }),
    });
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ready = new Map<string, Promise<string>>();

/**
 * The name of the runtime volume, made and filled once per drydock process (the
 * fill is idempotent, so a volume left half-filled by a crash is repaired).
 * `helperImage` is only used to create a never-started container through which
 * the volume is filled; nothing is written into it.
 */
function runtimeVolumeName(src: RuntimeSource): string {
  const content = `${src.bash}\0${src.busybox ?? ''}\0${readFileSync(src.bash).length}`;
  return `drydock-runtime-${createHash('sha256').update(content).digest('hex').slice(0, 12)}`;
}

export function runtimeVolume(docker: Docker, helperImage: string, src: RuntimeSource): Promise<string> {
  const name = runtimeVolumeName(src);
  let p = ready.get(name);
  if (!p) {
    p = fill(docker, helperImage, src, name);
    ready.set(name, p);
    p.catch(() => ready.delete(name));
  }
  return p;
}

async function fill(docker: Docker, image: string, src: RuntimeSource, name: string): Promise<string> {
  await docker.createVolume({ Name: name, Labels: { 'drydock.runtime': '1' } });
  const helper = await docker.createContainer({
    Image: image,
    Entrypoint: [RUNTIME_BASH],
    Cmd: [],
    Labels: { drydock: '1', 'drydock.runtime': '1' },
    NetworkDisabled: true,
    HostConfig: { Mounts: [{ Type: 'volume', Source: name, Target: RUNTIME_DIR }], NetworkMode: 'none' },
  });
  try {
    // A volume another drydock process already filled is left alone: writing its bash again
    // while a sandbox of that process runs it fails their exec with "Text file busy". The
    // marker goes in only after the whole fill, so a half-filled volume is filled again.
    if (await hasFile(helper, `${RUNTIME_DIR}/${FILLED_MARKER}`)) return name;
    await helper.putArchive(await runtimeTar(src), { path: RUNTIME_DIR });
    await helper.putArchive(await markerTar(), { path: RUNTIME_DIR });
  } finally {
    await helper.remove({ force: true, v: false }).catch(() => undefined);
  }
  return name;
}

/** Where drydock's images keep the language servers and their Node.js (LANGUAGE_SERVER_BIN's parent). */
export const LSP_DIR = '/opt/drydock';
/** The image the language-server volume is filled from. */
const LSP_SOURCE_IMAGE = 'drydock/base:latest';

const lspReady = new Map<string, Promise<string | null>>();

/**
 * A read-only volume holding drydock/base's /opt/drydock (the pinned language
 * servers and their Node.js), mounted at LSP_DIR in images drydock did not build,
 * so rewards can run there too: Docker copies an image's content into an empty
 * named volume when a container is created with it, so filling it is one
 * never-started container. Named by drydock/base's image id, so a rebuilt image
 * gets a new volume. Null when drydock/base is not on the engine (the servers
 * then say they are unavailable, and why). Those servers need glibc: in a musl or
 * busybox-only image they cannot start, and the reward says so.
 */
export function languageServerVolume(docker: Docker): Promise<string | null> {
  const key = 'lsp';
  let p = lspReady.get(key);
  if (!p) {
    p = fillLsp(docker);
    lspReady.set(key, p);
    p.catch(() => lspReady.delete(key));
  }
  return p;
}

async function fillLsp(docker: Docker): Promise<string | null> {
  let id: string;
  try {
    id = (await docker.getImage(LSP_SOURCE_IMAGE).inspect()).Id.replace(/^sha256:/, '');
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
  const name = `drydock-lsp-${id.slice(0, 12)}`;
  // The daemon copies the image's /opt/drydock into the volume inside the create call when
  // the volume is empty, so once a create returned the volume is whole; a second create sees
  // it non-empty and copies nothing.
  await docker.createVolume({ Name: name, Labels: { 'drydock.runtime': '1' } });
  const helper = await docker.createContainer({
    Image: LSP_SOURCE_IMAGE,
    Entrypoint: ['true'],
    Cmd: [],
    Labels: { drydock: '1', 'drydock.runtime': '1' },
    NetworkDisabled: true,
    HostConfig: { Mounts: [{ Type: 'volume', Source: name, Target: LSP_DIR }], NetworkMode: 'none' },
  });
  await helper.remove({ force: true, v: false }).catch(() => undefined);
  return name;
}

/**
 * Removes runtime and language-server volumes this machine's drydock would no longer use
 * (another static bash, a rebuilt drydock/base). One still mounted by a container is kept
 * (the engine refuses); the current ones are always kept.
 */
export async function gcRuntimeVolumes(docker: Docker): Promise<string[]> {
  const keep = new Set<string>();
  const src = runtimeSource();
  if (src) keep.add(runtimeVolumeName(src));
  try {
    const id = (await docker.getImage(LSP_SOURCE_IMAGE).inspect()).Id.replace(/^sha256:/, '');
    keep.add(`drydock-lsp-${id.slice(0, 12)}`);
  } catch {
    // No drydock/base: no language-server volume is current.
  }
  const removed: string[] = [];
  const { Volumes } = await docker.listVolumes({ filters: { label: ['drydock.runtime=1'] } });
  for (const v of Volumes ?? []) {
    if (keep.has(v.Name) || !/^drydock-(runtime|lsp)-[0-9a-f]{12}$/.test(v.Name)) continue;
    try {
      await docker.getVolume(v.Name).remove();
      removed.push(v.Name);
      ready.delete(v.Name);
    } catch (err) {
      const code = (err as { statusCode?: number }).statusCode;
      if (code !== 404 && code !== 409) throw err;
    }
  }
  return removed;
}
