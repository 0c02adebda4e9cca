import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { drydock } from '../helpers/cli.js';

const fixture = new URL('../fixtures/harness/bad-rows.jsonl', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'dd-harness-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('harness CLI', () => {
  it('run-batch refuses in one line, before any work, when no model is configured', () => {
    const r = drydock(['run-batch', '--dataset', fixture, '--out', join(out, 'p.jsonl')], {
      OPENAI_BASE_URL: '',
      OPENAI_API_KEY: '',
      DRYDOCK_MODEL: '',
      XDG_CONFIG_HOME: '/nonexistent',
    });
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^drydock: no model (is )?configured/);
  });

  it('eval --json: bad rows are reported by line and field, and the last line is the run summary', () => {
    const r = drydock([
      'eval',
      '--dataset',
      fixture,
      '--predictions',
      'empty',
      '--run-id',
      'cli',
      '--out',
      out,
      '--json',
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`${fixture}:2: field base_commit`);
    const last = r.stdout.trim().split('\n').at(-1)!;
    const s = JSON.parse(last) as Record<string, unknown>;
    expect(s).toMatchObject({ total_instances: 2, empty_patch_instances: 2, schema_version: 2 });
  });
});
