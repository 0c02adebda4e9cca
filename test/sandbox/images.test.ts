import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  HOST_CA_DIR,
  IMAGE_NAMES,
  imageRef,
  imageStatuses,
  LANGUAGE_SERVER_BIN,
  LANGUAGE_SERVERS,
} from '../../src/sandbox/index.js';
import { drydock } from '../helpers/cli.js';
import { docker, runInImage } from '../helpers/containers.js';

// `npm test` runs `drydock setup` before the suite; this makes the file runnable alone too.
beforeAll(() => {
  const r = drydock(['setup']);
  if (r.status !== 0) throw new Error(`drydock setup failed:\n${r.stderr}`);
});

describe('sandbox images', () => {
  it('tags each image with the hash of its inputs and labels it', async () => {
    const statuses = await imageStatuses(docker);
    expect(statuses.map((s) => s.name)).toEqual([...IMAGE_NAMES]);
    for (const s of statuses) {
      expect(s.present, `${s.ref} should be current`).toBe(true);
      const latest = await docker.getImage(imageRef(s.name)).inspect();
      const hashed = await docker.getImage(s.ref).inspect();
      expect(latest.Id).toBe(hashed.Id);
      expect(latest.Config.Labels).toMatchObject({
        drydock: '1',
        'drydock.image': s.name,
        'drydock.inputs': s.hash,
      });
    }
  });

  it('a second setup rebuilds nothing and says every image is up to date', () => {
    const r = drydock(['setup']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/every image up to date/);
    for (const name of IMAGE_NAMES) expect(r.stderr).toMatch(new RegExp(`image drydock/${name}: up to date`));
    expect(r.stderr).not.toMatch(/building|debootstrap/);
  });

  it('changing an input (an extra CA certificate) changes the base hash and every hash built on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-cert-'));
    const key = join(dir, 'k.pem');
    const cert = join(dir, 'extra.crt');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=drydock-test',
      ],
      { stdio: 'ignore' },
    );
    const current = await imageStatuses(docker);
    const withCert = await imageStatuses(docker, { caCerts: [cert] });
    for (let i = 0; i < IMAGE_NAMES.length; i++) {
      expect(withCert[i]!.hash).not.toBe(current[i]!.hash);
      expect(withCert[i]!.present).toBe(false);
    }
  });

  it("drydock/base reaches Debian's archive: apt-get update succeeds", async () => {
    const r = await runInImage(imageRef('base'), 'apt-get update', { network: 'bridge', timeoutMs: 180_000 });
    expect(r.output).not.toMatch(/^(E|Err):/m);
    expect(r.exitCode).toBe(0);
  });

  it('drydock/base has the tools every sandbox needs', async () => {
    const r = await runInImage(
      imageRef('base'),
      'for t in bash git patch ps rg update-ca-certificates; do command -v $t || exit 1; done; pwd',
    );
    expect(r.exitCode).toBe(0);
    expect(r.output.trim().split('\n').pop()).toBe('/testbed');
  });

  it('drydock/node runs the requested Node major and reaches the npm registry: npm view is-number version', async () => {
    const r = await runInImage(imageRef('node'), 'node --version && npm view is-number version', {
      network: 'bridge',
      timeoutMs: 180_000,
    });
    expect(r.exitCode, r.output).toBe(0);
    const [nodeVersion, isNumber] = r.output.trim().split('\n');
    expect(nodeVersion).toMatch(/^v22\./);
    expect(isNumber).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('drydock/python has python pointing at python3, pip, venv and pytest', async () => {
    const r = await runInImage(
      imageRef('python'),
      'readlink -f "$(command -v python)"; python -m pip --version >/dev/null && python -m venv /tmp/v && python -m pytest --version 2>&1',
    );
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toMatch(/python3/);
    expect(r.output).toMatch(/pytest \d+/);
  });

  it("the pinned language servers run in both language images, with no node on the project's PATH in drydock/python", async () => {
    for (const name of ['python', 'node'] as const) {
      const r = await runInImage(
        imageRef(name),
        `${LANGUAGE_SERVER_BIN}/pyright --version && ${LANGUAGE_SERVER_BIN}/typescript-language-server --version && (command -v node || echo no-node)`,
      );
      expect(r.exitCode, r.output).toBe(0);
      const lines = r.output.trim().split('\n');
      expect(lines[0]).toBe(`pyright ${LANGUAGE_SERVERS.pyright}`);
      expect(lines[1]).toBe(LANGUAGE_SERVERS['typescript-language-server']);
      expect(lines[2]).toBe(name === 'python' ? 'no-node' : '/usr/local/bin/node');
    }
  });

  const hostCerts = (() => {
    try {
      return readdirSync(HOST_CA_DIR).filter((f) => f.endsWith('.crt'));
    } catch {
      return [];
    }
  })();
  it.skipIf(hostCerts.length === 0)(
    "the host's extra CA certificates are trusted inside the images",
    async () => {
      const r = await runInImage(
        imageRef('base'),
        'cat /etc/ssl/certs/ca-certificates.crt; echo; env | grep -E "^(NODE_EXTRA_CA_CERTS|PIP_CERT)="',
      );
      const bundle = r.output.replace(/\r/g, '');
      for (const f of hostCerts) {
        const pem = readFileSync(join(HOST_CA_DIR, f), 'utf8').trim().split('\n').slice(1, 3).join('\n');
        expect(bundle, f).toContain(pem);
      }
      expect(bundle).toMatch(/NODE_EXTRA_CA_CERTS=\/etc\/ssl\/certs\/ca-certificates.crt/);
    },
  );
});
