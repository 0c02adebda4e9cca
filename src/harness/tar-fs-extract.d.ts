// tar-fs's extract (the package ships no types; src/sandbox/tar-fs.d.ts declares pack).
declare module 'tar-fs' {
  import type { Writable } from 'node:stream';
  export function extract(dir: string, opts?: { readable?: boolean; writable?: boolean }): Writable;
}
