/**
 * Keeps the first and last bytes of a stream and counts what falls between, so a
 * command that prints gigabytes costs drydock at most `maxBytes` of memory.
 */
export class HeadTailCapture {
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  /** Ring buffer of the last `tailLimit` bytes after the head filled; made on first use. */
  private tailBuf: Buffer | null = null;
  private tailStart = 0;
  private tailLength = 0;
  private total = 0;

  constructor(maxBytes: number) {
    const max = Math.max(0, Math.floor(maxBytes));
    this.headLimit = Math.ceil(max / 2);
    this.tailLimit = max - this.headLimit;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    let data = chunk;
    if (this.headLength < this.headLimit) {
      const n = Math.min(this.headLimit - this.headLength, data.length);
      this.headChunks.push(Buffer.from(data.subarray(0, n)));
      this.headLength += n;
      data = data.subarray(n);
    }
    if (data.length === 0 || this.tailLimit === 0) return;
    this.tailBuf ??= Buffer.alloc(this.tailLimit);
    const tail = this.tailBuf;
    if (data.length >= this.tailLimit) {
      data.copy(tail, 0, data.length - this.tailLimit);
      this.tailStart = 0;
      this.tailLength = this.tailLimit;
      return;
    }
    for (let i = 0; i < data.length;) {
      if (this.tailLength < this.tailLimit) {
        // Still filling: the ring starts at 0 until it is full.
        const n = Math.min(data.length - i, this.tailLimit - this.tailLength);
        data.copy(tail, this.tailLength, i, i + n);
        this.tailLength += n;
        i += n;
      } else {
        // Full: overwrite the oldest bytes and move the start along.
        const n = Math.min(data.length - i, this.tailLimit - this.tailStart);
        data.copy(tail, this.tailStart, i, i + n);
        this.tailStart = (this.tailStart + n) % this.tailLimit;
        i += n;
      }
    }
  }

  /** Bytes seen in all. */
  get totalBytes(): number {
    return this.total;
  }

  /** Bytes dropped from the middle. */
  get bytesCut(): number {
    return this.total - this.headLength - this.tailLength;
  }

  /** The kept bytes: head, then tail, in order. */
  parts(): { head: Buffer; tail: Buffer } {
    const head = Buffer.concat(this.headChunks);
    if (!this.tailBuf) return { head, tail: Buffer.alloc(0) };
    const tail = Buffer.concat([
      this.tailBuf.subarray(this.tailStart, Math.min(this.tailLimit, this.tailStart + this.tailLength)),
      this.tailBuf.subarray(0, Math.max(0, this.tailStart + this.tailLength - this.tailLimit)),
    ]);
    return { head, tail };
  }

  /** Head and tail as text, with a marker saying how much was cut between them. */
  text(): string {
    const { head, tail } = this.parts();
    const cut = this.bytesCut;
    if (cut === 0) return Buffer.concat([head, tail]).toString('utf8');
    return `${head.toString('utf8')}\n[... drydock cut ${cut} bytes of output here ...]\n${tail.toString('utf8')}`;
  }

  /** All bytes, or null when some were cut (for callers that need the exact content). */
  exact(): Buffer | null {
    if (this.bytesCut > 0) return null;
    const { head, tail } = this.parts();
    return Buffer.concat([head, tail]);
  }
}
