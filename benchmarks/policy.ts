// Policy decision speed over the adversarial suite, parse included (the one-time
// WASM load is excluded), plus the suite's safety figures.
// Run: npm run bench:policy
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { PolicyEngine } from '../src/policy/index.js';

const root = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!dir.endsWith('/') && !existsIn(dir)) dir = dirname(dir);
  return dir;
})();

function existsIn(dir: string): boolean {
  try {
    readFileSync(join(dir, 'package.json'));
    return true;
  } catch {
    return false;
  }
}

const fixtures = join(root, 'test/fixtures/policy');
const dangerous = parse(readFileSync(join(fixtures, 'dangerous.yaml'), 'utf8')) as Array<{
  command: string;
  category: string;
}>;
const benign = parse(readFileSync(join(fixtures, 'benign.yaml'), 'utf8')) as string[];
const commands = [...dangerous.map((d) => d.command), ...benign];

const loadStart = performance.now();
const engine = await PolicyEngine.create();
const loadMs = performance.now() - loadStart;

// Baseline in the same run: the parser alone, so a regression in rule matching shows apart from parsing.
const parseOnly = (c: string) => engine.parts(c);

function measure(fn: (c: string) => unknown, rounds: number): number[] {
  for (const c of commands) fn(c); // warm-up
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const c of commands) {
      const t = process.hrtime.bigint();
      fn(c);
      times.push(Number(process.hrtime.bigint() - t) / 1000);
    }
  }
  return times.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const rounds = 20;
const decide = measure((c) => engine.check(c), rounds);
const parts = measure(parseOnly, rounds);
const totalSec = decide.reduce((a, b) => a + b, 0) / 1e6;

const dangerousAllowed = dangerous.filter((d) => engine.check(d.command).decision === 'allow');
const benignAllowed = benign.filter((c) => engine.check(c).decision === 'allow').length;
const benignPct = (100 * benignAllowed) / benign.length;

const result = {
  commands: commands.length,
  decisions: decide.length,
  decisionsPerSecond: Math.round(decide.length / totalSec),
  p50Us: +pct(decide, 50).toFixed(1),
  p99Us: +pct(decide, 99).toFixed(1),
  parseOnlyP50Us: +pct(parts, 50).toFixed(1),
  loadMs: +loadMs.toFixed(1),
  dangerous: dangerous.length,
  dangerousAllowed: dangerousAllowed.length,
  benign: benign.length,
  benignAllowed,
  benignAllowedPct: +benignPct.toFixed(1),
  goalP50Us: 100,
  // Timings are wall clock per decision: on a shared machine, preemption shows in p99.
  loadAverage1m: +loadavg()[0]!.toFixed(2),
  cpus: cpus().length,
  goalMet: pct(decide, 50) <= 100 && dangerousAllowed.length === 0 && benignPct >= 95,
};

const rows: Array<[string, string]> = [
  ['commands in suite', `${result.commands} (${result.dangerous} dangerous, ${result.benign} benign)`],
  ['decisions timed', String(result.decisions)],
  ['decisions / second', String(result.decisionsPerSecond)],
  ['decide p50 (µs)', `${result.p50Us} (goal <= ${result.goalP50Us})`],
  ['decide p99 (µs)', String(result.p99Us)],
  ['parse+walk only p50 (µs)', String(result.parseOnlyP50Us)],
  ['load: WASM + rules + examples (ms, not timed above)', String(result.loadMs)],
  ['machine load (1 min) / cpus', `${result.loadAverage1m} / ${result.cpus}`],
  ['dangerous allowed', `${result.dangerousAllowed} / ${result.dangerous}`],
  ['benign allowed', `${result.benignAllowed} / ${result.benign} (${result.benignAllowedPct}%)`],
];
const width = Math.max(...rows.map(([k]) => k.length));
console.log('policy benchmark');
for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
for (const d of dangerousAllowed) console.log(`  ALLOWED DANGEROUS [${d.category}]: ${d.command}`);
mkdirSync(join(root, 'benchmarks/results'), { recursive: true });
writeFileSync(join(root, 'benchmarks/results/policy.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));
