import type Docker from 'dockerode';
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { DrydockError } from '../core/index.js';
import { AllowList, EgressProxy, type EgressRecord } from './egress-proxy.js';
import { ownerLabels } from './ownership.js';
import { registryHosts } from './registry-hosts.js';

/**
 * What `registries` mode runs for one sandbox: an internal Docker network (no
 * route out), drydock's allow-listing proxy listening on that network's gateway
 * address on the host, and host firewall rules so that, from that network, the
 * proxy's port is the only thing on the host that answers (an internal network
 * still reaches every host service listening on all addresses otherwise).
 */
export class RegistriesNetwork {
  private constructor(
    private readonly docker: Docker,
    readonly name: string,
    readonly bridge: string,
    readonly gateway: string,
    readonly proxy: EgressProxy,
    private readonly rules: string[][],
  ) {}

  /** The proxy URL calls get in HTTP(S)_PROXY. */
  get proxyUrl(): string {
    return `http://${this.gateway}:${this.proxy.port}`;
  }

  static async create(
    docker: Docker,
    runId: string,
    allowHosts: string[] = [],
    onRecord?: (r: EgressRecord) => void,
  ): Promise<RegistriesNetwork> {
    const hosts = await registryHosts(allowHosts);
    if (hosts.length === 0) {
      throw new DrydockError(
        'registries mode found no package registry in this machine’s configuration (npm, apt, pip)',
        'configure a registry, or pass --allow-host HOST',
        'NO_REGISTRIES',
      );
    }
    const name = `drydock-reg-${randomBytes(5).toString('hex')}`;
    const network = await docker.createNetwork({
      Name: name,
      Driver: 'bridge',
      Internal: true,
      Labels: ownerLabels(runId),
    });
    const rules: string[][] = [];
    let proxy: EgressProxy | null = null;
    try {
      const info = (await network.inspect()) as {
        Id: string;
        IPAM?: { Config?: { Gateway?: string }[] };
        Options?: Record<string, string>;
      };
      const gateway = info.IPAM?.Config?.[0]?.Gateway;
      if (!gateway) throw new Error('the network has no gateway address');
      const bridge = info.Options?.['com.docker.network.bridge.name'] ?? `br-${info.Id.slice(0, 12)}`;
      proxy = await EgressProxy.start(new AllowList(hosts), gateway, onRecord);
      const tag = ['-m', 'comment', '--comment', `drydock ${name}`];
      // Inserted in this order, the accept ends up above the drop.
      for (const rule of [
        ['INPUT', '-i', bridge, ...tag, '-j', 'DROP'],
        [
          'INPUT',
          '-i',
          bridge,
          '-p',
          'tcp',
          '-d',
          gateway,
          '--dport',
          String(proxy.port),
          ...tag,
          '-j',
          'ACCEPT',
        ],
      ]) {
        await execa('iptables', ['-w', '-I', ...rule.slice(0, 1), '1', ...rule.slice(1)]);
        rules.push(rule);
      }
      return new RegistriesNetwork(docker, name, bridge, gateway, proxy, rules);
    } catch (err) {
      for (const rule of rules) await execa('iptables', ['-w', '-D', ...rule], { reject: false });
      await proxy?.close();
      await network.remove().catch(() => undefined);
      throw new DrydockError(
        `registries mode could not be set up: ${(err as Error).message.split('\n')[0]}`,
        'it needs drydock running as root on the Docker host, with iptables; use --network none or bridge',
        'NETWORK_SETUP',
      );
    }
  }

  async remove(): Promise<void> {
    for (const rule of this.rules) await execa('iptables', ['-w', '-D', ...rule], { reject: false });
    await this.proxy.close();
    await this.docker
      .getNetwork(this.name)
      .remove()
      .catch(() => undefined);
  }
}
