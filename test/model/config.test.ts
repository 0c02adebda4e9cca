import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeModelConfig, resolveModelConfig, defaultConfigPaths } from '../../src/model/index.js';

const dirs: string[] = [];
function withFile(text: string): string {
  const d = mkdtempSync(join(tmpdir(), 'drydock-cfg-'));
  dirs.push(d);
  const p = join(d, 'drydock.config.yaml');
  writeFileSync(p, text);
  return p;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const fileText = `
model:
  base_url: http://file.example/v1
  api_key: file-key
  name: file-model
  max_retries: 2
budget:
  max_turns: 30
prices:
  "gpt-x*": { input: 1, output: 2 }
sandbox:
  memory: 2g   # another layer's section is left alone
`;

describe('model config', () => {
  it('takes flags over env over the config file', () => {
    const file = withFile(fileText);
    const env = {
      OPENAI_BASE_URL: 'http://env.example/v1',
      DRYDOCK_MODEL: 'env-model',
      OPENAI_API_KEY: 'env-key',
    };
    const fromFile = resolveModelConfig({}, {}, [file]);
    expect(fromFile).toMatchObject({
      baseURL: 'http://file.example/v1',
      apiKey: 'file-key',
      model: 'file-model',
      maxRetries: 2,
      budget: { maxTurns: 30 },
      sources: { baseURL: 'file', model: 'file' },
      configFile: file,
    });
    const fromEnv = resolveModelConfig({}, env, [file]);
    expect(fromEnv).toMatchObject({
      baseURL: 'http://env.example/v1',
      apiKey: 'env-key',
      model: 'env-model',
    });
    const fromFlags = resolveModelConfig(
      { model: 'flag-model', baseUrl: 'http://flag.example/v1', maxTurns: 3 },
      env,
      [file],
    );
    expect(fromFlags).toMatchObject({
      baseURL: 'http://flag.example/v1',
      apiKey: 'env-key',
      model: 'flag-model',
      budget: { maxTurns: 3 },
      sources: { baseURL: 'flag', apiKey: 'env', model: 'flag' },
    });
  });

  it('uses the first config file found, ./drydock.config.yaml before the user one', () => {
    const paths = defaultConfigPaths('/w', { XDG_CONFIG_HOME: '/x' }, '/h');
    expect(paths).toEqual(['/w/drydock.config.yaml', '/x/drydock/config.yaml']);
    expect(defaultConfigPaths('/w', {}, '/h')[1]).toBe('/h/.config/drydock/config.yaml');
  });

  it('says what to do when no model is configured, and when the file is wrong', () => {
    expect(() => resolveModelConfig({}, {}, [])).toThrow(/no model configured/);
    const bad = withFile('model:\n  nmae: typo\n');
    expect(() => resolveModelConfig({}, {}, [bad])).toThrow(/config file .*model: Unrecognized key/);
    expect(() => resolveModelConfig({ config: '/does/not/exist.yaml' }, {}, [])).toThrow(/does not exist/);
  });

  it('switches to the scripted model for --script and names it so', () => {
    const cfg = resolveModelConfig(
      { script: 'test/fixtures/model/two-turns.yaml' },
      { DRYDOCK_MODEL: 'gpt-x' },
      [],
    );
    expect(cfg.model).toBe('scripted:two-turns.yaml');
    expect(cfg.script).toMatch(/test\/fixtures\/model\/two-turns\.yaml$/);
    expect(cfg.baseURL).toBeUndefined();
  });

  it('reads a script from the config file relative to it, unless the env names an endpoint', () => {
    const file = withFile('model:\n  script: scripts/demo.yaml\n');
    const cfg = resolveModelConfig({}, {}, [file]);
    expect(cfg.script).toBe(join(file, '..', 'scripts', 'demo.yaml'));
    expect(cfg.model).toBe('scripted:demo.yaml');
    const real = resolveModelConfig({}, { OPENAI_BASE_URL: 'http://gpu:8000/v1', DRYDOCK_MODEL: 'qwen' }, [
      file,
    ]);
    expect(real.script).toBeUndefined();
    expect(real.model).toBe('qwen');
  });

  it('never shows the API key', () => {
    const cfg = resolveModelConfig({}, { OPENAI_API_KEY: 'sk-live-SECRET', DRYDOCK_MODEL: 'm' }, []);
    const shown = JSON.stringify(describeModelConfig(cfg));
    expect(shown).not.toContain('SECRET');
    expect(shown).toContain('set (from env)');
  });
});
