import { describe, expect, it } from 'vitest';
import { drydock } from '../helpers/cli.js';

describe('drydock --help', () => {
  it('lists every command, and each command and subcommand has help of its own', () => {
    const commandsIn = (help: string) =>
      [...(help.split(/^Commands:$/m)[1] ?? '').matchAll(/^ {2}(\w[\w-]*)\b/gm)]
        .map((m) => m[1]!)
        .filter((c) => c !== 'help');
    const top = drydock(['--help']);
    expect(top.status).toBe(0);
    const commands = commandsIn(top.stdout);
    expect(commands).toEqual(expect.arrayContaining(['setup', 'doctor', 'demo', 'sandbox', 'policy']));
    const seen: string[] = [];
    const walk = (path: string[]) => {
      const r = drydock([...path, '--help']);
      expect(r.status, path.join(' ')).toBe(0);
      expect(r.stdout, path.join(' ')).toMatch(new RegExp(`^Usage: drydock ${path.join(' ')}`));
      seen.push(path.join(' '));
      for (const sub of commandsIn(r.stdout)) walk([...path, sub]);
    };
    for (const c of commands) walk([c]);
    expect(seen).toEqual(
      expect.arrayContaining(['sandbox run', 'sandbox gc', 'policy check', 'model serve-scripted']),
    );
  });

  it('rejects an unknown command and a bad option value with one line and exit code 1', () => {
    const unknown = drydock(['frobnicate']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    const bad = drydock(['setup', '--base-source', 'floppy']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/Allowed choices are auto, registry, debootstrap/);
  });

  it('refuses a --ca-cert that is not a PEM certificate, naming the file', () => {
    const r = drydock(['doctor', '--ca-cert', '/etc/hostname']);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      'drydock: /etc/hostname is not a PEM certificate (no BEGIN CERTIFICATE line).',
    );
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace without --debug
  });
});

describe('drydock doctor --json', () => {
  it('prints one entry per check with name, ok, detail and fix, and exits 0 when required checks pass', () => {
    const r = drydock(['doctor', '--json']);
    const report = JSON.parse(r.stdout) as Record<
      string,
      { name: string; ok: boolean; required: boolean; detail: string; fix: string | null }
    >;
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining([
        'node',
        'docker-engine',
        'cgroups',
        'image:base',
        'image:python',
        'image:node',
        'language-servers',
        'model-endpoint',
      ]),
    );
    for (const [key, c] of Object.entries(report)) {
      expect(c.name).toBe(key);
      expect(typeof c.ok).toBe('boolean');
      expect(c.detail.length).toBeGreaterThan(0);
      if (c.ok) expect(c.fix).toBeNull();
      else expect(c.fix).toMatch(/\w/);
    }
    expect(report['docker-engine']!.ok).toBe(true);
    const requiredFailed = Object.values(report).some((c) => c.required && !c.ok);
    expect(r.status).toBe(requiredFailed ? 1 : 0);
    expect(requiredFailed).toBe(false); // npm test ran setup first
  });

  it('reports an engine that does not answer, with a fix, and exits 1', () => {
    const r = drydock(['doctor', '--json'], { DOCKER_HOST: 'tcp://127.0.0.1:9' });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as Record<
      string,
      { ok: boolean; fix: string | null; detail: string }
    >;
    expect(report['docker-engine']).toMatchObject({ ok: false });
    expect(report['docker-engine']!.detail).toMatch(/tcp:\/\/127\.0\.0\.1:9/);
    expect(report['docker-engine']!.fix).toMatch(/DOCKER_HOST/);
  });
});
