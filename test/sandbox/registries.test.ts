import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerSandbox, gcSandboxes } from '../../src/sandbox/index.js';
import { readTrajectory, TrajectoryWriter } from '../../src/trajectory/index.js';
import { npmHosts } from '../../src/sandbox/registry-hosts.js';
import { imagesPresent } from '../helpers/containers.js';
import { docker, engineReady, removeRun, testRunId } from './helpers.js';

/** drydock's node image: it has npm, which honours the proxy variables. */
const IMAGE = 'drydock/node:latest';
const ready = (await engineReady()) && (await imagesPresent(IMAGE)) && process.getuid?.() === 0;
const runId = testRunId('registries');

/** This host's first non-internal IPv4 address: where the test's own server listens. */
function hostAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? [])
      if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('172.')) return a.address;
  }
  return '127.0.0.1';
}

/** A request from inside the sandbox with node: through the proxy (`via`) or direct. */
function fetchScript(url: string, how: 'proxy-http' | 'proxy-connect' | 'direct'): string {
  const js = `
const http = require('http');
const u = new URL(${JSON.stringify(url)});
const p = process.env.HTTP_PROXY ? new URL(process.env.HTTP_PROXY) : null;
const how = ${JSON.stringify(how)};
const done = (s) => { console.log(s); process.exit(0); };
let req;
if (how === 'proxy-http') req = http.request({ host: p.hostname, port: p.port, path: u.href }, (r) => { let b = ''; r.on('data', (c) => b += c); r.on('end', () => done(r.statusCode + ' ' + b.trim())); });
else if (how === 'proxy-connect') { req = http.request({ host: p.hostname, port: p.port, method: 'CONNECT', path: u.host }); req.on('connect', (r, s, h) => { let b = h.toString(); s.on('data', (c) => b += c); s.on('end', () => done(r.statusCode + ' ' + b.trim())); }); }
else req = http.request(u, (r) => { let b = ''; r.on('data', (c) => b += c); r.on('end', () => done(r.statusCode + ' ' + (b.includes('secret') ? 'reached' : b.trim()))); });
req.setTimeout(4000, () => done('timeout'));
req.on('error', (e) => done('error ' + e.code + ' ' + e.message));
req.end();`;
  return `node -e '${js.replace(/'/g, `'\\''`)}'`;
}

describe.skipIf(!ready)('network mode registries', () => {
  let server: http.Server;
  let hits = 0; // requests that reached the host's server: none may
  let target = '';
  let registry = '';
  beforeAll(async () => {
    server = http.createServer((_q, s) => {
      hits++;
      s.end('secret\n');
    });
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', () => r()));
    target = `http://${hostAddress()}:${(server.address() as AddressInfo).port}/`;
    registry = (await npmHosts())[0] ?? '';
  });
  afterAll(async () => {
    server?.close();
    await removeRun(runId);
  });

  it('installs from the configured npm registry, refuses other hosts by name, records both, and switches to none', async () => {
    expect(registry).not.toBe('');
    // Every connection lands in a trajectory, as the agent writes it (onEgress -> an egress event).
    const dir = mkdtempSync(join(tmpdir(), 'drydock-egress-'));
    const trajectory = TrajectoryWriter.atPath(join(dir, 'trajectory.jsonl'), runId);
    let logged: ReturnType<DockerSandbox['egressLog']> = [];
    const sb = await DockerSandbox.open({
      image: IMAGE,
      runId,
      network: 'registries',
      onEgress: (r) => trajectory.append({ type: 'egress', ...r }),
    });
    try {
      const install = await sb.exec(
        'mkdir -p /tmp/p && cd /tmp/p && npm init -y >/dev/null && npm install --no-audit --no-fund is-number@7.0.0 && cat node_modules/is-number/package.json',
        { timeoutMs: 120_000 },
      );
      expect(install.stderr + install.stdout).toContain('"version": "7.0.0"');
      expect(install.exitCode).toBe(0);

      const host = new URL(target).host;
      const viaHttp = await sb.exec(fetchScript(target, 'proxy-http'));
      expect(viaHttp.stdout).toContain(`403 drydock: connection to ${host} refused`);
      const viaConnect = await sb.exec(fetchScript(target, 'proxy-connect'));
      expect(viaConnect.stdout).toContain(`403 drydock: connection to ${host} refused`);
      // A direct connection (no proxy) is redirected to drydock, recorded, and refused naming
      // where it was going; it never reaches the server (checked below: no request arrived).
      const direct = await sb.exec(fetchScript(target, 'direct'));
      expect(direct.stdout).toContain(`403 drydock: direct connection to ${host} refused`);
      // Not HTTP: the same line as text.
      const [ip, port] = host.split(':');
      const raw = await sb.exec(
        `node -e 'const s = require("net").connect(${port}, "${ip}"); s.on("data", (d) => process.stdout.write(d)); s.on("error", (e) => console.log("error", e.message))'`,
        { timeoutMs: 30_000 },
      );
      expect(raw.stdout).toContain(`drydock: direct connection to ${host} refused`);
      // The proxy's own address on the host answers nothing but the proxy.
      const gw = new URL((await sb.exec('echo $HTTP_PROXY')).stdout.trim()).hostname;
      const viaGateway = `${gw}:${(server.address() as AddressInfo).port}`;
      const hostServerViaGateway = await sb.exec(fetchScript(`http://${viaGateway}/`, 'direct'));
      expect(hostServerViaGateway.stdout).toContain(
        `403 drydock: direct connection to ${viaGateway} refused`,
      );
      expect(hits).toBe(0);

      const log = sb.egressLog();
      const reg = log.filter((r) => r.host === registry.split(':')[0]);
      expect(reg.length).toBeGreaterThan(0);
      expect(reg.every((r) => r.allowed)).toBe(true);
      expect(reg.some((r) => r.bytesDown > 0)).toBe(true);
      const refused = log.filter((r) => `${r.host}:${r.port}` === host);
      expect(refused.map((r) => [r.method, r.allowed])).toEqual([
        ['GET', false],
        ['CONNECT', false],
        ['DIRECT', false],
        ['DIRECT', false],
      ]);
      expect(log.filter((r) => `${r.host}:${r.port}` === viaGateway).map((r) => r.method)).toEqual([
        'DIRECT',
      ]);

      // Setup done: the next call has no network at all.
      await sb.setNetwork('none');
      const before = sb.egressLog().length;
      const offline = await sb.exec(
        'cd /tmp/p && npm view left-pad version --fetch-retries=0 --fetch-timeout=5000 --prefer-online',
        {
          timeoutMs: 60_000,
        },
      );
      expect(offline.exitCode).not.toBe(0);
      expect((await sb.exec('echo "[$HTTPS_PROXY]"')).stdout).toBe('[]\n');
      expect(sb.egressLog().length).toBe(before);
      await sb.setNetwork('registries');
      const back = await sb.exec(fetchScript(target, 'proxy-http'));
      expect(back.stdout).toContain(`403 drydock: connection to ${host} refused`);
      logged = sb.egressLog();
    } finally {
      await sb.close();
      trajectory.close();
    }
    // Connections are written when they end (close ends the last ones): the same, each once.
    try {
      const events = readTrajectory(join(dir, 'trajectory.jsonl')).events.flatMap((e) =>
        e.type === 'egress' ? [e] : [],
      );
      expect(events.length).toBe(logged.length);
      const reg = logged.filter((r) => r.host === registry.split(':')[0]);
      const regEvents = events.filter((e) => e.host === registry.split(':')[0]);
      expect(regEvents.length).toBe(reg.length);
      expect(regEvents.every((e) => e.allowed && e.port > 0)).toBe(true);
      expect(regEvents.reduce((n, e) => n + e.bytesDown, 0)).toBeGreaterThan(0);
      const host = new URL(target).host;
      expect(events.filter((e) => `${e.host}:${e.port}` === host).map((e) => [e.method, e.allowed])).toEqual([
        ['GET', false],
        ['CONNECT', false],
        ['DIRECT', false],
        ['DIRECT', false],
        ['GET', false],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const left = await docker.listNetworks({ filters: { label: [`drydock.run=${runId}`] } });
    expect(left).toEqual([]);
  }, 180_000);

  it('direct connections by host name are recorded under the name: refused, or forwarded when allowed', async () => {
    // Two servers of the test on the host; the sandbox reaches them by this machine's name,
    // which only drydock's DNS answers inside (with a placeholder address).
    const name = hostname().toLowerCase();
    let allowedHits = 0;
    let otherHits = 0;
    const allowedServer = http.createServer((_q, s) => {
      allowedHits++;
      s.end('secret\n');
    });
    const otherServer = http.createServer((_q, s) => {
      otherHits++;
      s.end('secret\n');
    });
    for (const srv of [allowedServer, otherServer])
      await new Promise<void>((r) => srv.listen(0, '0.0.0.0', () => r()));
    const allowedAt = `${name}:${(allowedServer.address() as AddressInfo).port}`;
    const otherAt = `${name}:${(otherServer.address() as AddressInfo).port}`;
    const dir = mkdtempSync(join(tmpdir(), 'drydock-egress-name-'));
    const trajectory = TrajectoryWriter.atPath(join(dir, 'trajectory.jsonl'), runId);
    const sb = await DockerSandbox.open({
      image: IMAGE,
      runId,
      network: 'registries',
      allowHosts: [allowedAt],
      onEgress: (r) => trajectory.append({ type: 'egress', ...r }),
    });
    try {
      const refused = await sb.exec(fetchScript(`http://${otherAt}/`, 'direct'));
      expect(refused.stdout).toContain(`403 drydock: direct connection to ${otherAt} refused`);
      const raw = await sb.exec(
        `node -e 'const s = require("net").connect(${otherAt.split(':')[1]}, "${name}"); s.on("data", (d) => process.stdout.write(d)); s.on("error", (e) => console.log("error", e.message))'`,
        { timeoutMs: 30_000 },
      );
      expect(raw.stdout).toContain(`drydock: direct connection to ${otherAt} refused`);
      const passed = await sb.exec(fetchScript(`http://${allowedAt}/`, 'direct'));
      expect(passed.stdout).toContain('200 reached');
    } finally {
      await sb.close();
      trajectory.close();
      for (const srv of [allowedServer, otherServer]) srv.close();
    }
    try {
      const events = readTrajectory(join(dir, 'trajectory.jsonl')).events.flatMap((e) =>
        e.type === 'egress' ? [e] : [],
      );
      expect(
        events.map((e) => [`${e.host}:${e.port}`, e.method, e.allowed, e.allowed ? e.bytesDown > 0 : true]),
      ).toEqual([
        [otherAt, 'DIRECT', false, true],
        [otherAt, 'DIRECT', false, true],
        [allowedAt, 'DIRECT', true, true],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(otherHits).toBe(0);
    expect(allowedHits).toBe(1);
  }, 120_000);

  it('`gc` removes the network and firewall rules a SIGKILLed drydock left', async () => {
    const fixture = fileURLToPath(
      new URL('../fixtures/sandbox/open-registries-and-hang.ts', import.meta.url),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, IMAGE, runId], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => resolve());
        child.on('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const nets = await docker.listNetworks({ filters: { label: [`drydock.run=${runId}`] } });
      expect(nets.length).toBe(1);
      const name = nets[0]!.Name;
      const rules = () =>
        execFileSync('iptables', ['-w', '-S', 'INPUT'], { encoding: 'utf8' }) +
        execFileSync('iptables', ['-w', '-t', 'nat', '-S', 'PREROUTING'], { encoding: 'utf8' });
      expect(rules()).toContain(`drydock ${name}`);
      expect(rules()).toContain(`REDIRECT`);
      const report = await gcSandboxes(docker, { runId });
      expect(report.networksRemoved).toEqual([name]);
      expect(rules()).not.toContain(`drydock ${name}`);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);

  it('a sandbox opened without network cannot switch to registries (one clear error)', async () => {
    const sb = await DockerSandbox.open({ image: IMAGE, runId });
    try {
      await expect(sb.setNetwork('registries')).rejects.toMatchObject({ code: 'NETWORK_MODE' });
    } finally {
      await sb.close();
    }
  }, 60_000);
});
