import { readFileSync } from 'node:fs';
import net from 'node:net';
import { Listener } from './listener.js';

/**
 * Where a connection redirected to us (iptables REDIRECT) was going: the
 * original destination from the kernel's connection tracking table, matched on
 * the client's address and port and our port. Node cannot ask the socket
 * (SO_ORIGINAL_DST), so the table is read; null when it is not readable.
 */
export function originalDestination(
  clientIp: string,
  clientPort: number,
  localPort: number,
  table = '/proc/net/nf_conntrack',
): { host: string; port: number } | null {
  let text: string;
  try {
    text = readFileSync(table, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    if (!line.includes(`src=${clientIp} `) || !line.includes(`sport=${clientPort} `)) continue;
    const src = [...line.matchAll(/\bsrc=(\S+)/g)].map((m) => m[1]);
    const dst = [...line.matchAll(/\bdst=(\S+)/g)].map((m) => m[1]);
    const sport = [...line.matchAll(/\bsport=(\d+)/g)].map((m) => Number(m[1]));
    const dport = [...line.matchAll(/\bdport=(\d+)/g)].map((m) => Number(m[1]));
    // Original tuple: client -> destination; reply tuple: us -> client.
    if (src[0] !== clientIp || sport[0] !== clientPort || sport[1] !== localPort) continue;
    if (!dst[0] || !dport[0]) continue;
    return { host: dst[0], port: dport[0] };
  }
  return null;
}

export function directRefusal(host: string, port: number, proxyUrl: string): string {
  return `drydock: direct connection to ${host}:${port} refused: in this sandbox's network mode (registries) only the proxy ${proxyUrl} reaches the allowed package-registry hosts`;
}

const HTTP_REQUEST = /^[A-Z]{3,10} \S+ HTTP\/1\.[01]\r?\n/;

/** What the refuser asks about a redirected connection before refusing it. */
export interface DirectRoute {
  /** The host name the sandbox was given this address for (registries mode's DNS), if any. */
  nameOf?(address: string): string | undefined;
  /**
   * Takes over a connection to an allowed host:port (forwarded and recorded by the proxy);
   * false when the pair is not allowed, and the refuser refuses it.
   */
  pass?(socket: net.Socket, host: string, port: number): boolean;
}

/**
 * Where every TCP connection of a `registries` sandbox that does not go to the
 * proxy ends (redirected by the host's firewall): it is recorded, and refused
 * with a message naming where it was going. An HTTP request gets a 403 whose
 * reason and body say so (what curl, npm, pip and urllib print); anything else
 * gets the same line as text, then the connection closes. A connection to an
 * address the sandbox's DNS gave for a host name is recorded under that name;
 * when that name and port are allowed, it is forwarded (`DirectRoute.pass`).
 */
export class DirectRefuser {
  private constructor(
    private readonly listener: Listener,
    private readonly proxyUrl: () => string,
    private readonly onRefused: (host: string, port: number, bytesUp: number) => void,
    private readonly route: DirectRoute,
  ) {}

  static async start(
    bind: string,
    proxyUrl: () => string,
    onRefused: (host: string, port: number, bytesUp: number) => void,
    route: DirectRoute = {},
  ): Promise<DirectRefuser> {
    const server = net.createServer();
    const listener = new Listener(server);
    const refuser = new DirectRefuser(listener, proxyUrl, onRefused, route);
    server.on('connection', (s) => refuser.refuse(s));
    await listener.listen(bind);
    return refuser;
  }

  get port(): number {
    return this.listener.port;
  }

  private refuse(socket: net.Socket): void {
    socket.on('error', () => undefined);
    const dest = originalDestination(socket.remoteAddress ?? '', socket.remotePort ?? 0, this.port);
    const host = (dest && this.route.nameOf?.(dest.host)) ?? dest?.host ?? 'an unknown host';
    const port = dest?.port ?? 0;
    if (dest && host !== dest.host && this.route.pass?.(socket, host, port)) return;
    const text = directRefusal(host, port, this.proxyUrl());
    let bytesUp = 0;
    let head = Buffer.alloc(0);
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      this.onRefused(host, port, bytesUp);
      if (HTTP_REQUEST.test(head.toString('latin1'))) {
        const body = `${text}\n`;
        socket.end(
          `HTTP/1.1 403 ${text.replace(/[\r\n]/g, ' ')}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      } else {
        socket.end(`${text}\n`);
      }
    };
    // A client that speaks first (HTTP, TLS) is answered once its first line is in; one that
    // waits for the server (SSH, SMTP) gets the text after a moment.
    const timer = setTimeout(answer, 300);
    socket.on('data', (c: Buffer) => {
      bytesUp += c.length;
      if (answered) return;
      head = Buffer.concat([head, c]).subarray(0, 4096);
      if (head.includes(0x0a) || head[0] === 0x16 || head.length >= 4096) answer();
    });
    socket.on('end', answer);
  }

  async close(): Promise<void> {
    await this.listener.close();
  }
}
