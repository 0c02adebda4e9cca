import { describe, expect, it } from 'vitest';
import { drydock } from '../helpers/cli.js';
import { DockerSandbox } from '../../src/sandbox/index.js';
import { engineReady, testImage } from './helpers.js';

const ready = await engineReady();

describe.skipIf(!ready)('drydock sandbox run', () => {
  it('prints the ExecResult as JSON and exits with the command status', () => {
    const r = drydock([
      'sandbox',
      'run',
      '--image',
      testImage(),
      '--memory',
      '128m',
      '--timeout',
      '20s',
      '--json',
      '--',
      'bash',
      '-c',
      'echo "$1"; exit 3',
      'x',
      'hello world',
    ]);
    expect(r.status).toBe(3);
    const result = JSON.parse(r.stdout.trim()) as Record<string, unknown>;
    expect(result).toMatchObject({ exitCode: 3, stdout: 'hello world\n', killedBy: null, truncated: false });
    expect(['per-call-cgroup', 'container-update']).toContain(result.mode);
  });

  it('reports a timeout in the human summary', () => {
    const r = drydock(['sandbox', 'run', '--image', testImage(), '--timeout', '1s', '--', 'sleep', '30']);
    expect(r.status).toBe(137);
    expect(r.stderr).toMatch(/killed by timeout/);
  });

  it('refuses a bad flag value with one line', () => {
    const r = drydock(['sandbox', 'run', '--network', 'host', '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/unknown network mode: host/);
  });
});

describe.skipIf(!ready)('opening a sandbox', () => {
  it('names a missing image with a fix', async () => {
    await expect(DockerSandbox.open({ image: 'drydock/no-such-image:never' })).rejects.toMatchObject({
      code: 'IMAGE_MISSING',
      fix: expect.stringMatching(/drydock setup/),
    });
  });
});
