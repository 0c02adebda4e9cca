import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ModelClient, modelConfig } from '../../src/model/index.js';
import { runCli } from '../trajectory/cli-capture.js';
import { scripted } from './helpers.js';

const script = fileURLToPath(new URL('../fixtures/model/two-turns.yaml', import.meta.url));

describe('drydock model', () => {
  it('check: prints model, usage and says that the model was scripted', async () => {
    const r = await runCli(['model', 'check', '--script', script]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^model: +scripted:two-turns +\(SCRIPTED/m);
    expect(r.stdout).toMatch(/usage: +\d+ prompt \+ \d+ completion tokens/);
    expect(r.stdout).toMatch(/api key: +not set/);
  });

  it('check: one clear line and a fix when the endpoint is down; the key is never printed', async () => {
    const s = await scripted({ turns: [{ content: 'x' }] });
    const url = s.server.baseURL;
    await s.close();
    const keys = ['OPENAI_BASE_URL', 'DRYDOCK_MODEL', 'OPENAI_API_KEY'] as const;
    const saved = keys.map((k) => process.env[k]);
    Object.assign(process.env, { OPENAI_BASE_URL: url, DRYDOCK_MODEL: 'm', OPENAI_API_KEY: 'sk-TOPSECRET' });
    try {
      const r = await runCli(['model', 'check', '--max-retries', '0']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^drydock: the model endpoint http:\/\/127\.0\.0\.1:\d+\/v1 failed: connection failed \(ECONNREFUSED\)$/m,
      );
      expect(r.stderr).toMatch(/^ {2}fix: /m);
      expect(r.stdout + r.stderr).not.toContain('TOPSECRET');
    } finally {
      keys.forEach((k, i) => {
        if (saved[i] === undefined) delete process.env[k];
        else process.env[k] = saved[i];
      });
    }
  });

  it('estimates tokens when the endpoint sends no usage, and says they are estimates', async () => {
    const s = await scripted({ turns: [{ content: 'hello there', usage: null }] });
    try {
      const r = await s.client.complete({ messages: [{ role: 'user', content: 'x'.repeat(400) }] });
      expect(r.usage.estimated).toBe(true);
      expect(r.usage.promptTokens).toBeGreaterThanOrEqual(100);
    } finally {
      await s.close();
    }
  });

  it('serve-scripted: prints a base URL a real client can use, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        // The built CLI, as a user runs it (npm test builds first).
        fileURLToPath(new URL('../../bin/drydock.js', import.meta.url)),
        'model',
        'serve-scripted',
        '--script',
        script,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const client = new ModelClient({ config: modelConfig({ model: 'anything', baseURL: url }) });
    const reply = await client.complete({ messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.model).toBe('scripted:two-turns');
    expect(reply.scripted).toBe(true);
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stderr).toMatch(/SCRIPTED model scripted:two-turns/);
    expect(stderr).toMatch(/stopped after 1 request/);
  });
});
