import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { NameResolver, parseQuery } from '../../src/sandbox/name-resolver.js';

/** A DNS query (RFC 1035) for `name`, type `type` (1 = A, 28 = AAAA), with an EDNS record after it. */
function query(name: string, type: number, id = 0x1234): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const header = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1]);
  const tail = Buffer.from([0, type >> 8, type & 0xff, 0, 1]);
  const opt = Buffer.from([0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, ...labels, tail, opt]);
}

function ask(r: NameResolver, name: string, type: number): Promise<Buffer> {
  const s = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    s.on('message', (m) => {
      s.close();
      resolve(m);
    });
    s.on('error', reject);
    s.send(query(name, type), r.port, '127.0.0.1');
  });
}

describe('NameResolver (registries mode DNS)', () => {
  it('answers A queries with a placeholder address per name, remembered both ways', async () => {
    const r = await NameResolver.start('127.0.0.1');
    try {
      const a = await ask(r, 'Registry.Example.org', 1);
      expect(a.readUInt16BE(0)).toBe(0x1234);
      expect(a[2]! & 0x80).toBe(0x80); // a response
      expect(a[3]! & 0x0f).toBe(0); // NOERROR
      expect(a.readUInt16BE(6)).toBe(1); // one answer
      const addr = [...a.subarray(a.length - 4)].join('.');
      expect(addr).toMatch(/^198\.1[89]\./);
      expect(r.nameOf(addr)).toBe('registry.example.org');
      // The same name, the same address; another name, another.
      expect(r.addressOf('registry.example.org.')).toBe(addr);
      expect(r.addressOf('other.example')).not.toBe(addr);
      // A response is not a query: never answered (no loops between resolvers).
      expect(parseQuery(a)).toBeNull();
    } finally {
      await r.close();
    }
  });

  it('gives IPv6 and other types an empty answer, and ignores what is not a query', async () => {
    const r = await NameResolver.start('127.0.0.1');
    try {
      const aaaa = await ask(r, 'registry.example.org', 28);
      expect(aaaa[3]! & 0x0f).toBe(0);
      expect(aaaa.readUInt16BE(6)).toBe(0);
      expect(r.answer(Buffer.from('not dns'))).toBeNull();
      const truncated = query('x.example', 1).subarray(0, 15);
      expect(r.answer(truncated)).toBeNull();
    } finally {
      await r.close();
    }
  });
});
