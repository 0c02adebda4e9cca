import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, PYRIGHT, type ServerSpec } from '../../src/lsp/index.js';
import { DrydockError } from '../../src/core/index.js';
import { imageRef, openSandbox, type DockerSandbox } from '../../src/sandbox/index.js';
import { imagesPresent } from '../helpers/containers.js';

const IMAGE = imageRef('base');

const fake = (argv: string[]): ServerSpec => ({ ...PYRIGHT, argv });

describe('LspClient against servers that misbehave', async () => {
  const present = await imagesPresent(IMAGE);
  let sb: DockerSandbox;
  beforeAll(async () => {
    if (present) sb = await openSandbox({ image: IMAGE, runId: `test-lsp-${process.pid}` });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it.runIf(present)(
    'times out instead of hanging when the server never answers, and leaves no process',
    async () => {
      const client = new LspClient(sb, fake(['sleep', '600']), { requestTimeoutMs: 1500 });
      const t0 = Date.now();
      const err = await client.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DrydockError);
      expect((err as DrydockError).code).toBe('LSP_TIMEOUT');
      expect(Date.now() - t0).toBeLessThan(10_000);
      const left = await sb.exec('pgrep -x sleep || true');
      expect(left.stdout.trim()).toBe('');
      await client.close();
    },
  );

  it.runIf(present)('says the server did not start when it exits at once', async () => {
    const client = new LspClient(sb, fake(['sh', '-c', 'echo no such server >&2; exit 3']), {
      requestTimeoutMs: 5000,
    });
    const err = await client.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DrydockError);
    expect((err as DrydockError).code).toBe('LSP_START');
    await client.close();
  });
});
