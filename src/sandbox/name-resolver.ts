import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

/**
 * The DNS of a `registries` sandbox (issue 16: direct connections by host name are
 * recorded with the name). A sandbox resolves nothing real: every name gets an
 * address of its own from a block no real host uses (198.18.0.0/15, RFC 2544's
 * benchmarking range), remembered here, so a direct connection to that address
 * (redirected to drydock's refuser like every direct connection) is recorded and
 * refused, or for an allowed host:port forwarded, under the *name* the sandbox
 * asked for. IPv6 (AAAA) and other record types get an empty answer, so clients
 * use the IPv4 address. Nothing of the outside is looked up: which names exist
 * outside stays unknown to the sandbox.
 */
export class NameResolver {
  private readonly byName = new Map<string, string>();
  private readonly byAddress = new Map<string, string>();
  private next = 1;

  private constructor(private readonly socket: dgram.Socket) {}

  static async start(bind: string): Promise<NameResolver> {
    const socket = dgram.createSocket('udp4');
    const r = new NameResolver(socket);
    socket.on('message', (msg, from) => {
      const answer = r.answer(msg);
      if (answer) socket.send(answer, from.port, from.address);
    });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, bind, () => resolve());
    });
    return r;
  }

  get port(): number {
    return (this.socket.address() as AddressInfo).port;
  }

  /** The name a sandbox was given this address for, if it was. */
  nameOf(address: string): string | undefined {
    return this.byAddress.get(address);
  }

  /** The address a name gets (the same each time it is asked for). */
  addressOf(name: string): string {
    const key = name.toLowerCase().replace(/\.$/, '');
    let addr = this.byName.get(key);
    if (!addr) {
      // 198.18.0.1 .. 198.19.255.254: 131 070 names per sandbox, then the block wraps.
      const n = this.next;
      this.next = this.next >= 131_070 ? 1 : this.next + 1;
      addr = `198.${18 + (n >> 16)}.${(n >> 8) & 0xff}.${n & 0xff}`;
      const old = this.byAddress.get(addr);
      if (old) this.byName.delete(old);
      this.byName.set(key, addr);
      this.byAddress.set(addr, key);
    }
    return addr;
  }

  /** The reply to one DNS query (RFC 1035), or null when it is not one. */
  answer(query: Buffer): Buffer | null {
    const q = parseQuery(query);
    if (!q) return null;
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // id
    // QR=1, opcode 0, RD copied, RA=1; rcode 0 (NOERROR) or 4 (NOTIMP) for another opcode.
    const opcode = (query[2]! >> 3) & 0x0f;
    header[2] = 0x80 | (query[2]! & 0x01);
    header[3] = 0x80 | (opcode === 0 ? 0 : 4);
    header.writeUInt16BE(1, 4); // one question
    const question = query.subarray(12, q.end);
    const isA = opcode === 0 && q.type === 1 && q.klass === 1 && q.name !== '';
    if (!isA) return Buffer.concat([header, question]);
    header.writeUInt16BE(1, 6); // one answer
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(1, 2); // A
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(60, 6); // TTL
    rr.writeUInt16BE(4, 10);
    const parts = this.addressOf(q.name).split('.').map(Number);
    for (let i = 0; i < 4; i++) rr[12 + i] = parts[i]!;
    return Buffer.concat([header, question, rr]);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** The first question of a DNS message: its name, type, class and where it ends. */
export function parseQuery(msg: Buffer): { name: string; type: number; klass: number; end: number } | null {
  if (msg.length < 12 || msg[2]! & 0x80 || msg.readUInt16BE(4) < 1) return null;
  const labels: string[] = [];
  let i = 12;
  for (;;) {
    if (i >= msg.length) return null;
    const len = msg[i]!;
    if (len === 0) break;
    // A question's name is never compressed; a label is at most 63 bytes.
    if (len > 63 || i + 1 + len > msg.length) return null;
    labels.push(msg.toString('latin1', i + 1, i + 1 + len));
    i += 1 + len;
  }
  if (i + 5 > msg.length) return null;
  return {
    name: labels.join('.').toLowerCase(),
    type: msg.readUInt16BE(i + 1),
    klass: msg.readUInt16BE(i + 3),
    end: i + 5,
  };
}
