import http from 'node:http';
import net from 'node:net';
import { Listener } from './listener.js';

/** One connection the sandbox asked the proxy for. */
export interface EgressRecord {
  /** ISO time the request arrived. */
  at: string;
  host: string;
  port: number;
  /** CONNECT (HTTPS tunnel), the HTTP method of a plain request, or DIRECT (one that bypassed the proxy). */
  method: string;
  allowed: boolean;
  /** Bytes sandbox → host and host → sandbox (0 when refused). */
  bytesUp: number;
  bytesDown: number;
  /** Why it failed or was refused. */
  error?: string;
}

/** host:port pairs the proxy lets through; a host given without port allows 80 and 443. */
export class AllowList {
  private readonly pairs = new Set<string>();
  constructor(entries: Iterable<string>) {
    for (const e of entries) this.add(e);
  }
  add(entry: string): void {
    const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(entry.trim().toLowerCase());
    if (!m?.[1]) return;
    const host = m[1];
    if (m[2]) this.pairs.add(`${host}:${m[2]}`);
    else for (const p of ['80', '443']) this.pairs.add(`${host}:${p}`);
  }
  allows(host: string, port: number): boolean {
    return this.pairs.has(`${host.toLowerCase()}:${port}`);
  }
  get entries(): string[] {
    return [...this.pairs].sort();
  }
}

function refusal(host: string, port: number): string {
  return `drydock: connection to ${host}:${port} refused: not an allowed package-registry host in this sandbox's network mode (registries)\n`;
}

/**
 * The allow-listing HTTP proxy of `registries` mode: CONNECT tunnels and plain
 * HTTP requests to allowed host:port pairs only; everything else gets a 403 whose
 * text names the host. Every request is recorded.
 */
export class EgressProxy {
  readonly records: EgressRecord[] = [];

  private readonly finished = new WeakSet<EgressRecord>();

  private constructor(
    private readonly listener: Listener,
    readonly allow: AllowList,
    /** Called once per record, when its connection has ended (refused ones at once). */
    private readonly onRecord?: (r: EgressRecord) => void,
  ) {}

  static async start(
    allow: AllowList,
    bind: string,
    onRecord?: (r: EgressRecord) => void,
  ): Promise<EgressProxy> {
    const server = http.createServer();
    const listener = new Listener(server);
    const proxy = new EgressProxy(listener, allow, onRecord);
    server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) =>
      proxy.tunnel(req, client, head),
    );
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => proxy.forward(req, res));
    await listener.listen(bind);
    return proxy;
  }

  get port(): number {
    return this.listener.port;
  }

  private record(r: Omit<EgressRecord, 'at' | 'bytesUp' | 'bytesDown'>): EgressRecord {
    const rec: EgressRecord = { at: new Date().toISOString(), bytesUp: 0, bytesDown: 0, ...r };
    this.records.push(rec);
    return rec;
  }

  /** The record is final: hand a copy to the listener, once (a listener's error is not the proxy's). */
  private done(rec: EgressRecord): void {
    if (this.finished.has(rec)) return;
    this.finished.add(rec);
    try {
      this.onRecord?.({ ...rec });
    } catch {
      // The sandbox's connection goes on whatever the listener does.
    }
  }

  /**
   * A connection that bypassed the proxy (redirected to drydock by the host's
   * firewall, see registries-network.ts) and was refused: recorded like the rest
   * (`host` is the name the sandbox asked its DNS for, when it connected by name).
   */
  recordDirect(host: string, port: number, bytesUp: number): void {
    const rec = this.record({
      host,
      port,
      method: 'DIRECT',
      allowed: false,
      error: 'direct connection, not through the proxy',
    });
    rec.bytesUp = bytesUp;
    this.done(rec);
  }

  /**
   * A direct connection (not through the proxy) to a host the sandbox named, on an allowed
   * port: forwarded to that host as it is (TLS stays end to end) and recorded like a tunnel.
   * False, untouched, when host:port is not allowed.
   */
  passDirect(client: net.Socket, host: string, port: number): boolean {
    if (!this.allow.allows(host, port)) return false;
    client.on('error', () => undefined);
    const rec = this.record({ host, port, method: 'DIRECT', allowed: true });
    client.pause();
    const upstream = net.connect(port, host, () => {
      client.on('data', (c: Buffer) => (rec.bytesUp += c.length));
      upstream.on('data', (c: Buffer) => (rec.bytesDown += c.length));
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    this.listener.track(upstream);
    this.listener.track(client);
    upstream.on('close', () => client.end());
    upstream.on('error', (e) => {
      rec.error = e.message;
      client.destroy();
    });
    client.on('close', () => {
      upstream.destroy();
      this.done(rec);
    });
    return true;
  }

  private tunnel(req: http.IncomingMessage, client: net.Socket, head: Buffer): void {
    client.on('error', () => undefined);
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
    const host = m?.[1] ?? req.url ?? '';
    const port = Number(m?.[2] ?? 0);
    const allowed = m !== null && this.allow.allows(host, port);
    const rec = this.record({ host, port, method: 'CONNECT', allowed });
    if (!allowed) {
      this.done(rec);
      const text = refusal(host, port);
      client.end(
        `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
      );
      return;
    }
    const upstream = net.connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) {
        rec.bytesUp += head.length;
        upstream.write(head);
      }
      client.on('data', (c: Buffer) => (rec.bytesUp += c.length));
      upstream.on('data', (c: Buffer) => (rec.bytesDown += c.length));
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this.listener.track(upstream);
    upstream.on('error', (e) => {
      rec.error = e.message;
      if (client.writable && rec.bytesDown === 0) client.end(`HTTP/1.1 502 Bad Gateway\r\n\r\n`);
      else client.destroy();
    });
    client.on('close', () => {
      upstream.destroy();
      this.done(rec);
    });
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('drydock: not a proxy request\n');
      return;
    }
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const allowed = url.protocol === 'http:' && this.allow.allows(host, port);
    const rec = this.record({ host, port, method: req.method ?? 'GET', allowed });
    if (!allowed) {
      this.done(rec);
      res.writeHead(403, { 'content-type': 'text/plain' }).end(refusal(host, port));
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const up = http.request(
      { host, port, method: req.method, path: `${url.pathname}${url.search}`, headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.on('data', (c: Buffer) => (rec.bytesDown += c.length));
        r.pipe(res);
      },
    );
    up.on('error', (e) => {
      rec.error = e.message;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`drydock: ${host}:${port} failed: ${e.message}\n`);
    });
    req.on('data', (c: Buffer) => (rec.bytesUp += c.length));
    res.on('close', () => this.done(rec));
    req.pipe(up);
  }

  async close(): Promise<void> {
    await this.listener.close(() => {
      // Connections cut by the close are final now.
      for (const r of this.records) this.done(r);
    });
  }
}
