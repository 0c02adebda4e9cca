import type net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A host-side TCP server of a sandbox (egress proxy, direct-connection refuser) on a
 * port the kernel picks, which ends its open connections when closed.
 */
export class Listener {
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly server: net.Server) {
    server.on('connection', (s: net.Socket) => this.track(s));
  }

  /** Listens on a free port of `bind`. */
  async listen(bind: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, bind, () => resolve());
    });
  }

  /** Another socket (an upstream connection) that close() ends too. */
  track(s: net.Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Ends every open connection (then calls `cut`), then the server. */
  async close(cut?: () => void): Promise<void> {
    for (const s of this.sockets) s.destroy();
    cut?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
