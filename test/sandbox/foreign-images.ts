import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from 'tar-fs';
import { LABEL, followBuild } from '../../src/sandbox/index.js';
import { docker } from './helpers.js';

/**
 * Images drydock did not build, made in the test from a local directory (no
 * registry): labelled with the test's run id, so removeRun(runId) removes them.
 */
async function build(tag: string, runId: string, files: (dir: string) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-foreign-image-'));
  try {
    files(dir);
    const stream = await docker.buildImage(pack(dir) as unknown as NodeJS.ReadableStream, {
      t: tag,
      labels: { drydock: '1', [LABEL.run]: runId, 'drydock.test': '1' },
      rm: true,
      forcerm: true,
    });
    await followBuild(docker, stream);
    return tag;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Debian's busybox-static, when the host has it (`apt-get install busybox-static`). */
export function hostBusybox(): string | null {
  return ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p)) ?? null;
}

/**
 * An image whose only shell is busybox `sh`: a root filesystem of one static
 * busybox and its applets (no bash, no git, no libc), built FROM scratch.
 */
export function busyboxImage(runId: string): Promise<string> {
  const busybox = hostBusybox();
  if (!busybox) throw new Error('busybox-static is not installed on this host');
  return build(`drydock-test-busybox:${runId}`, runId, (dir) => {
    const root = join(dir, 'rootfs');
    for (const d of ['bin', 'tmp', 'etc', 'root']) mkdirSync(join(root, d), { recursive: true });
    copyFileSync(busybox, join(root, 'bin/busybox'));
    const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const a of applets) if (a !== 'busybox') symlinkSync('busybox', join(root, 'bin', a));
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(
      join(dir, 'Dockerfile'),
      'FROM scratch\nCOPY rootfs/ /\nENV PATH=/bin\nWORKDIR /\nCMD ["/bin/sh"]\n',
    );
  });
}

/** An image with a repository already at /testbed (SWE-bench-Live's layout), from `base`. */
export function testbedImage(runId: string, base: string, files: Record<string, string>): Promise<string> {
  return build(`drydock-test-testbed:${runId}`, runId, (dir) => {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(dir, 'repo', name, '..'), { recursive: true });
      writeFileSync(join(dir, 'repo', name), content);
    }
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${base}\nCOPY repo/ /testbed/\nWORKDIR /testbed\n`);
  });
}

/**
 * A user's own glibc image, standing in for one drydock did not build (no registry is
 * reachable here): Debian with Python and pytest from drydock/python, but without
 * drydock's language servers (/opt/drydock removed) and without its label, so drydock
 * treats it as any foreign image. One layer of deletions: cheap to build.
 */
export function userPythonImage(runId: string, base = 'drydock/python:latest'): Promise<string> {
  return build(`drydock-test-user-python:${runId}`, runId, (dir) => {
    writeFileSync(
      join(dir, 'Dockerfile'),
      `FROM ${base}\nRUN rm -rf /opt/drydock\nENV DRYDOCK_LSP_BIN=\nLABEL drydock.language-servers="" drydock.image="" drydock.inputs=""\n`,
    );
  });
}
