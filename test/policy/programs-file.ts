import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

let dir: string | null = null;
let count = 0;

/**
 * Writes `text` as a programs.yaml of its own (for `loadProgramFacts(path)`) and returns its path.
 * The files live in one temporary directory per test file, removed after its tests.
 */
export function programsFile(text: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'drydock-programs-file-'));
  const sub = join(dir, String(count++));
  mkdirSync(sub);
  const file = join(sub, 'programs.yaml');
  writeFileSync(file, text);
  return file;
}

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});
