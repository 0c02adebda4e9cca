import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

const repo = mkdtempSync(join(tmpdir(), 'drydock-locate-'));
afterAll(() => rmSync(repo, { recursive: true, force: true }));
execFileSync('git', ['init', '-q', repo]);
mkdirSync(join(repo, 'src'));
writeFileSync(join(repo, 'src', 'billing.py'), 'def apply_discount(total, rate):\n    return total * rate\n');
writeFileSync(join(repo, 'src', 'shipping.py'), 'def ship(parcel):\n    return parcel\n');
writeFileSync(join(repo, '.gitignore'), 'ignored.py\n');
writeFileSync(join(repo, 'ignored.py'), 'def apply_discount():\n    pass\n');

async function run(...args: string[]): Promise<string> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    await buildProgram()
      .exitOverride()
      .parseAsync(['node', 'drydock', ...args]);
  } finally {
    write.mockRestore();
  }
  return out;
}

describe('drydock locate', () => {
  it('ranks the file that defines what the issue names, and leaves ignored files out', async () => {
    const out = await run(
      'locate',
      '--repo',
      repo,
      '--issue',
      '`apply_discount` rounds the total wrongly',
      '--json',
    );
    const result = JSON.parse(out) as { files: { path: string }[]; chunks: { symbol?: string }[] };
    expect(result.files[0]!.path).toBe('src/billing.py');
    expect(result.files.map((f) => f.path)).not.toContain('ignored.py');
    expect(result.chunks[0]!.symbol).toBe('apply_discount');
  });

  it('refuses to run without an issue', async () => {
    await expect(run('locate', '--repo', repo)).rejects.toThrow('No issue text');
  });
});
