import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEnvSetup } from '../../src/harness/index.js';
import { imageRef } from '../../src/sandbox/index.js';
import { TrajectoryWriter } from '../../src/trajectory/index.js';
import { imagesPresent } from '../helpers/containers.js';
import { scripted } from '../model/helpers.js';
import { PIP_ENV, PRIVATE_HOST_SCRIPT, privateHostFixture } from './fixtures.js';

const present = await imagesPresent(imageRef('python'));
const root = process.getuid?.() === 0;
if (!present || !root)
  console.warn(
    `skipping the setup agent's registries test: ${!present ? 'drydock/python is not built (run drydock setup)' : 'registries mode needs root (firewall rules)'}`,
  );

/** This host's first non-internal IPv4 address: where the test's own server listens. */
function hostAddress(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? [])
      if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('172.')) return a.address;
  return '127.0.0.1';
}

const tmp = mkdtempSync(join(tmpdir(), 'dd-envnet-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!present || !root)('the setup agent in registries mode (SCRIPTED model)', () => {
  let server: http.Server;
  let hits = 0;
  let url = '';
  beforeAll(async () => {
    server = http.createServer((_q, s) => {
      hits++;
      s.end('not a wheel\n');
    });
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', () => r()));
    url = `http://${hostAddress()}:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => server?.close());

  it('refuses and records a host that is not a registry; the agent installs from what the repository ships', async () => {
    const fx = privateHostFixture(join(tmp, 'mirror'), url);
    const model = await scripted(PRIVATE_HOST_SCRIPT);
    const trajectory = TrajectoryWriter.create({ runsDir: join(tmp, 'runs') });
    try {
      const r = await runEnvSetup({
        repo: fx.dir,
        repoName: fx.name,
        model: model.client,
        scripted: true,
        modelName: model.server.model,
        env: PIP_ENV,
        maxSteps: 6,
        trajectory,
      });
      trajectory.close();
      const host = new URL(url).host;
      // The baseline's `pip install -r requirements.txt` went to the private host: refused by the proxy.
      const install = r.steps.find(
        (s) => s.source === 'baseline' && s.command.includes('-r requirements.txt'),
      )!;
      expect(install.exitCode).not.toBe(0);
      expect(install.refusedHosts).toContain(host);
      expect(install.kept).toBe(false);
      expect(r.refused.map((e) => `${e.host}:${e.port}`)).toContain(host);
      expect(r.refused.every((e) => !e.allowed)).toBe(true);
      // Nothing reached the host's server, and the refusal is in the run's record.
      expect(hits).toBe(0);
      const notes = readFileSync(trajectory.path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; message?: string })
        .filter((e) => e.type === 'note' && e.message?.includes(host));
      expect(notes.length).toBeGreaterThan(0);
      expect(notes[0]!.message).toMatch(/refused by the registries proxy/);
      // The agent's install from the wheelhouse passes, in the session and in the replay.
      expect(r.network).toBe('registries');
      expect(r.passedInSession).toBe(true);
      expect(r.replay.success).toBe(true);
      expect(r.steps.filter((s) => s.kept).map((s) => s.command)).toEqual(['pip install private-dep']);
    } finally {
      await model.close();
    }
  }, 600_000);
});
