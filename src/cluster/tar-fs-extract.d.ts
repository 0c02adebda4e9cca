// tar-fs's `extract`, which src/sandbox/tar-fs.d.ts (pack only) does not declare; declarations merge.
declare module 'tar-fs' {
  import type { Writable } from 'node:stream';
  export function extract(dir: string, opts?: { strip?: number }): Writable;
}
