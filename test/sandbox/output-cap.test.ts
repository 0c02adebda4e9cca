import { describe, expect, it } from 'vitest';
import { HeadTailCapture } from '../../src/sandbox/index.js';
import { DockerFrameParser, LineSplitter } from '../../src/sandbox/docker-frames.js';

describe('HeadTailCapture', () => {
  it('keeps everything under the cap', () => {
    const c = new HeadTailCapture(100);
    c.push(Buffer.from('hello '));
    c.push(Buffer.from('world'));
    expect(c.text()).toBe('hello world');
    expect(c.bytesCut).toBe(0);
    expect(c.exact()?.toString()).toBe('hello world');
  });

  it('keeps the head and the tail and counts the middle, across many small chunks', () => {
    const c = new HeadTailCapture(10);
    const input = Array.from({ length: 100 }, (_, i) => String.fromCharCode(65 + (i % 26))).join('');
    for (const ch of input) c.push(Buffer.from(ch));
    const { head, tail } = c.parts();
    expect(head.toString()).toBe(input.slice(0, 5));
    expect(tail.toString()).toBe(input.slice(-5));
    expect(c.bytesCut).toBe(90);
    expect(c.totalBytes).toBe(100);
    expect(c.exact()).toBeNull();
    expect(c.text()).toContain('cut 90 bytes');
  });

  it('keeps the right tail when chunks wrap the ring or exceed it', () => {
    const c = new HeadTailCapture(8);
    c.push(Buffer.from('0123'));
    c.push(Buffer.from('abc'));
    c.push(Buffer.from('defgh'));
    c.push(Buffer.from('ij'));
    expect(c.parts().tail.toString()).toBe('ghij');
    c.push(Buffer.from('klmnopqrstuvwxyz'));
    expect(c.parts().tail.toString()).toBe('wxyz');
    expect(c.parts().head.toString()).toBe('0123');
  });

  it('does not allocate the cap up front', () => {
    const before = process.memoryUsage().arrayBuffers;
    const caps = Array.from({ length: 20 }, () => new HeadTailCapture(64 * 1024 * 1024));
    for (const c of caps) c.push(Buffer.from('x'));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('DockerFrameParser', () => {
  it('splits stdout and stderr frames, also when a frame spans chunks', () => {
    const frame = (s: number, text: string) => {
      const payload = Buffer.from(text);
      const h = Buffer.alloc(8);
      h[0] = s;
      h.writeUInt32BE(payload.length, 4);
      return Buffer.concat([h, payload]);
    };
    const all = Buffer.concat([frame(1, 'out1'), frame(2, 'err'), frame(1, 'out2')]);
    const got: string[] = [];
    const p = new DockerFrameParser((s, b) => got.push(`${s}:${b.toString()}`));
    for (let i = 0; i < all.length; i += 3) p.push(all.subarray(i, i + 3));
    expect(got).toEqual(['1:out1', '2:err', '1:out2']);
  });

  it('LineSplitter joins partial lines', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push(Buffer.from('P c1 1'));
    s.push(Buffer.from('2\nX c1 0\nR'));
    expect(lines).toEqual(['P c1 12', 'X c1 0']);
  });
});
