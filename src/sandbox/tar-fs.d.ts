declare module 'tar-fs' {
  import type { Readable } from 'node:stream';
  interface Header {
    name: string;
    uid?: number;
    gid?: number;
    uname?: string;
    gname?: string;
  }
  /** The tar-stream pack tar-fs writes into; `finish` may add entries before finalizing. */
  interface TarPack extends Readable {
    entry(
      header: { name: string; mode?: number; uid?: number; gid?: number; uname?: string; gname?: string },
      body: Buffer,
    ): void;
    finalize(): void;
  }
  export function pack(
    dir: string,
    opts?: {
      entries?: string[];
      map?: (h: Header) => Header;
      ignore?: (name: string) => boolean;
      finalize?: boolean;
      finish?: (pack: TarPack) => void;
    },
  ): Readable;
}
