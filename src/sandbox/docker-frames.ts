/**
 * Splits Docker's multiplexed attach/exec stream (no TTY) into stdout and stderr:
 * each frame is [stream, 0, 0, 0, size (u32 big-endian)] then `size` bytes.
 */
export class DockerFrameParser {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: 1 | 2, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const stream = buf[0] === 2 ? 2 : 1;
      this.onFrame(stream, buf.subarray(8, 8 + size));
      buf = buf.subarray(8 + size);
    }
    // Copy so a small remainder does not pin a large chunk in memory.
    this.pending = Buffer.from(buf);
  }
}

/** Collects newline-terminated lines from a byte stream. */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const text = this.partial + chunk.toString('utf8');
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }
}
