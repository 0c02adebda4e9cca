declare module 'tar-fs' {
  import type { Readable } from 'node:stream';
  interface Header {
    name: string;
    /** 'file', 'directory', 'symlink', … */
    type?: string;
    /** The entry's length; `map` may change it when `mapStream` gives other content of that length. */
    size?: number;
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
      /** The content of a file entry (after `map`): a stream of exactly its header's size. */
      mapStream?: (file: Readable, h: Header) => Readable;
      ignore?: (name: string) => boolean;
      finalize?: boolean;
      finish?: (pack: TarPack) => void;
    },
  ): Readable;
}
