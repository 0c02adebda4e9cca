import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, PYRIGHT, type ServerSpec } from '../../src/lsp/index.js';
import { DrydockError } from '../../src/core/index.js';
import { HostSandbox, imageRef, openSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { imagesPresent } from '../helpers/containers.js';

const IMAGE = imageRef('base');

const fake = (argv: string[]): ServerSpec => ({ ...PYRIGHT, argv });

/**
 * The client's handling of servers that misbehave needs no language server and no kernel
 * limits: it runs against a HostSandbox always (no engine needed), and against a Docker
 * sandbox too when the engine and the image answer.
 */
const implementations: { name: string; open: () => Promise<Sandbox>; present: boolean }[] = [
  { name: 'HostSandbox', open: () => HostSandbox.open(), present: true },
  {
    name: 'DockerSandbox',
    open: () => openSandbox({ image: IMAGE, runId: `test-lsp-${process.pid}` }),
    present: await imagesPresent(IMAGE),
  },
];

for (const impl of implementations) {
  describe(`LspClient against servers that misbehave (${impl.name})`, () => {
    let sb: Sandbox;
    beforeAll(async () => {
      if (impl.present) sb = await impl.open();
    });
    afterAll(async () => {
      await sb?.close();
    });

    it.runIf(impl.present)(
      'times out instead of hanging when the server never answers, and leaves no process',
      async () => {
        // An argument no other process on the host has, so the check below sees only this one.
        const marker = `6${String(process.pid).slice(-4)}.25`;
        const client = new LspClient(sb, fake(['sleep', marker]), { requestTimeoutMs: 1500 });
        const t0 = Date.now();
        const err = await client.start().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DrydockError);
        expect((err as DrydockError).code).toBe('LSP_TIMEOUT');
        expect(Date.now() - t0).toBeLessThan(10_000);
        await client.close();
        // `[s]leep` so that the shell running pgrep does not match itself.
        const left = await sb.exec(`pgrep -f '[s]leep ${marker}' || true`);
        expect(left.stdout.trim()).toBe('');
      },
    );

    it.runIf(impl.present)('says the server did not start when it exits at once', async () => {
      const client = new LspClient(sb, fake(['sh', '-c', 'echo no such server >&2; exit 3']), {
        requestTimeoutMs: 5000,
      });
      const err = await client.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DrydockError);
      expect((err as DrydockError).code).toBe('LSP_START');
      await client.close();
    });
  });
}
