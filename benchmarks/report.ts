import { mkdirSync, writeFileSync } from 'node:fs';

/**
 * The end of a benchmark run: a table of figures with their goals, the figures
 * written to benchmarks/results/<name>.json, and one JSON line last.
 */
export function reportFigures(
  name: string,
  figures: Record<string, unknown>,
  goals: Record<string, string>,
): void {
  const keyWidth = Math.max(6, ...Object.keys(figures).map((k) => k.length)) + 1;
  const valueWidth = Math.max(5, ...Object.values(figures).map((v) => String(v).length)) + 1;
  console.log(`${'figure'.padEnd(keyWidth)} ${'value'.padEnd(valueWidth)} goal`);
  for (const [k, v] of Object.entries(figures)) {
    console.log(`${k.padEnd(keyWidth)} ${String(v).padEnd(valueWidth)} ${goals[k] ?? ''}`);
  }
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.json`, dir), `${JSON.stringify(figures, null, 2)}\n`);
  console.log(JSON.stringify(figures));
}
