import type Docker from 'dockerode';
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { DrydockError } from '../core/index.js';
import { DirectRefuser } from './direct-refusal.js';
import { NameResolver } from './name-resolver.js';
import { AllowList, EgressProxy, type EgressRecord } from './egress-proxy.js';
import { ownerLabels } from './ownership.js';
import { registryHosts } from './registry-hosts.js';

/**
 * What `registries` mode runs for one sandbox: an internal Docker network (no
 * route out), drydock's allow-listing proxy listening on that network's gateway
 * address on the host, and host firewall rules so that, from that network, the
 * proxy's port is the only thing on the host that answers (an internal network
 * still reaches every host service listening on all addresses otherwise).
 * Every other TCP connection from the network, to the host or (through the
 * default route `routeContainer` gives the sandbox) anywhere, is redirected to
 * drydock's refuser, which records it and refuses it naming its destination.
 * The sandbox's DNS (Docker's embedded resolver, told to ask the gateway) is
 * drydock's `NameResolver`: every name gets a placeholder address, so a direct
 * connection by name is recorded, and refused or (allowed host:port) forwarded,
 * under that name.
 */
export class RegistriesNetwork {
  private constructor(
    private readonly docker: Docker,
    readonly name: string,
    readonly bridge: string,
    readonly gateway: string,
    readonly proxy: EgressProxy,
    private readonly refuser: DirectRefuser,
    private readonly resolver: NameResolver,
    private readonly rules: string[][],
  ) {}

  /**
   * Gives the container a default route through the gateway (an internal network
   * gives none), so a direct connection to any address reaches the host's redirect
   * and is recorded, instead of failing inside with "network unreachable" unseen.
   * Best effort: without nsenter/ip such a connection still fails, unrecorded.
   */
  async routeContainer(pid: number): Promise<void> {
    await execa(
      'nsenter',
      ['-t', String(pid), '-n', 'ip', 'route', 'replace', 'default', 'via', this.gateway],
      {
        reject: false,
      },
    ).catch(() => undefined);
  }

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
    let refuser: DirectRefuser | null = null;
    let resolver: NameResolver | null = null;
    try {
      const info = (await network.inspect()) as {
        Id: string;
        IPAM?: { Config?: { Gateway?: string }[] };
        Options?: Record<string, string>;
      };
      const gateway = info.IPAM?.Config?.[0]?.Gateway;
      if (!gateway) throw new Error('the network has no gateway address');
      const bridge = info.Options?.['com.docker.network.bridge.name'] ?? `br-${info.Id.slice(0, 12)}`;
      const p = await EgressProxy.start(new AllowList(hosts), gateway, onRecord);
      proxy = p;
      const names = await NameResolver.start(gateway);
      resolver = names;
      refuser = await DirectRefuser.start(
        gateway,
        () => `http://${gateway}:${p.port}`,
        (host, port, bytes) => p.recordDirect(host, port, bytes),
        {
          nameOf: (address) => names.nameOf(address),
          pass: (socket, host, port) => p.passDirect(socket, host, port),
        },
      );
      const tag = ['-m', 'comment', '--comment', `drydock ${name}`];
      const toProxy = ['-p', 'tcp', '-d', gateway, '--dport', String(proxy.port)];
      // Each is inserted at the top of its chain, so the last inserted comes first:
      // nat: proxy traffic passes, every other TCP connection goes to the refuser;
      // filter: the proxy and the refuser are accepted, everything else is rejected.
      for (const rule of [
        [
          'nat',
          'PREROUTING',
          '-i',
          bridge,
          '-p',
          'tcp',
          ...tag,
          '-j',
          'REDIRECT',
          '--to-ports',
          String(refuser.port),
        ],
        ['nat', 'PREROUTING', '-i', bridge, ...toProxy, ...tag, '-j', 'RETURN'],
        // DNS queries (Docker's embedded resolver asks the gateway: `Dns` at create) go to drydock's.
        [
          'nat',
          'PREROUTING',
          '-i',
          bridge,
          '-p',
          'udp',
          '--dport',
          '53',
          ...tag,
          '-j',
          'REDIRECT',
          '--to-ports',
          String(names.port),
        ],
        ['filter', 'INPUT', '-i', bridge, ...tag, '-j', 'REJECT'],
        [
          'filter',
          'INPUT',
          '-i',
          bridge,
          '-p',
          'udp',
          '-d',
          gateway,
          '--dport',
          String(names.port),
          ...tag,
          '-j',
          'ACCEPT',
        ],
        [
          'filter',
          'INPUT',
          '-i',
          bridge,
          '-p',
          'tcp',
          '-d',
          gateway,
          '--dport',
          String(refuser.port),
          ...tag,
          '-j',
          'ACCEPT',
        ],
        ['filter', 'INPUT', '-i', bridge, ...toProxy, ...tag, '-j', 'ACCEPT'],
      ]) {
        await execa('iptables', ['-w', '-t', rule[0]!, '-I', rule[1]!, '1', ...rule.slice(2)]);
        rules.push(rule);
      }
      return new RegistriesNetwork(docker, name, bridge, gateway, proxy, refuser, names, rules);
    } catch (err) {
      for (const rule of rules) await deleteRule(rule);
      await refuser?.close();
      await resolver?.close();
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
    for (const rule of this.rules) await deleteRule(rule);
    await this.refuser.close();
    await this.resolver.close();
    await this.proxy.close();
    await this.docker
      .getNetwork(this.name)
      .remove()
      .catch(() => undefined);
  }
}

async function deleteRule(rule: string[]): Promise<void> {
  await execa('iptables', ['-w', '-t', rule[0]!, '-D', ...rule.slice(1)], { reject: false }).catch(
    () => undefined,
  );
}
