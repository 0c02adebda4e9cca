declare module 'tar-fs' {
  import type { Readable } from 'node:stream';
  interface Header {
    name: string;
    uid?: number;
    gid?: number;
    uname?: string;
    gname?: string;
  }
  export function pack(dir: string, opts?: { entries?: string[]; map?: (h: Header) => Header }): Readable;
}
