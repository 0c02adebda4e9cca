// Joins records of `npm run bench:faults` shards (runs over disjoint seed ranges, e.g. run side by
// side to share a loaded machine) into one record, recomputing the headline from the per-run
// rows; a seed present in several shards is taken from the first. Runs still going when a shard
// was read (its record says complete: false) are simply absent.
//   npx tsx benchmarks/faults-merge.ts SHARD.json... --out benchmarks/results/faults.json
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { out: { type: 'string' } },
  allowPositionals: true,
});
if (!values.out || positionals.length === 0) {
  process.stderr.write('usage: npx tsx benchmarks/faults-merge.ts SHARD.json... --out FILE\n');
  process.exit(2);
}

interface Row {
  example: string;
  seed: number;
  faults: string[];
  killed: string | null;
  ending: string;
  reason: string;
  correct: boolean;
  clean: boolean;
  costUsd: number;
  wallMs: number;
}
interface Shard {
  complete: boolean;
  conditions: Record<string, unknown> & { runs: number; seeds: [number, number] };
  withoutFaults: {
    runs: number;
    clean: number;
    correct: number;
    endings: Record<string, number>;
    medianWallMs: number;
  };
  runs: Row[];
}
const shards = positionals.map((p) => ({ path: p, ...(JSON.parse(readFileSync(p, 'utf8')) as Shard) }));
const bySeed = new Map<number, Row>();
for (const s of shards) for (const r of s.runs) if (!bySeed.has(r.seed)) bySeed.set(r.seed, r);
const runs = [...bySeed.values()].sort((a, b) => a.seed - b.seed);
const count = (f: (r: Row) => boolean) => runs.filter(f).length;
const tally = (xs: string[]) =>
  Object.fromEntries([...new Set(xs)].map((x) => [x, xs.filter((y) => y === x).length]));
const sorted = runs.map((r) => r.wallMs).sort((a, b) => a - b);
const base = shards.map((s) => s.withoutFaults);
const endingsWithout: Record<string, number> = {};
for (const b of base)
  for (const [k, v] of Object.entries(b.endings)) endingsWithout[k] = (endingsWithout[k] ?? 0) + v;
const { runs: _r, runsDone: _d, seeds: _s, baselineRuns: _b, workers: _w, ...common } = shards[0]!.conditions;
void [_r, _d, _s, _b, _w];
const record = {
  complete: true,
  benchmark: 'faults',
  scripted: true,
  note: 'SCRIPTED answers: drydock machinery under injected faults, not a measure of any model',
  mergedFrom: shards.map((s) => ({
    file: s.path.split('/').pop(),
    seeds: s.conditions.seeds,
    complete: s.complete,
    runsTaken: s.runs.filter((r) => bySeed.get(r.seed) === r).length,
    baselineRuns: s.withoutFaults.runs,
  })),
  conditions: { ...common, runs: runs.length, seeds: runs.map((r) => r.seed) },
  faulted: {
    runs: runs.length,
    clean: count((r) => r.clean),
    completionRate: count((r) => r.clean) / runs.length,
    correct: count((r) => r.correct),
    endings: tally(runs.map((r) => r.ending)),
    faultsInjected: tally(runs.flatMap((r) => r.faults)),
    runsWithFaults: count((r) => r.faults.length > 0),
    containersKilled: count((r) => r.killed !== null),
    medianWallMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
  },
  withoutFaults: {
    runs: base.reduce((n, b) => n + b.runs, 0),
    clean: base.reduce((n, b) => n + b.clean, 0),
    correct: base.reduce((n, b) => n + b.correct, 0),
    endings: endingsWithout,
    medianWallMsPerShard: base.map((b) => b.medianWallMs),
  },
  notClean: runs.filter((r) => !r.clean),
  runs,
};
writeFileSync(values.out, `${JSON.stringify(record, null, 2)}\n`);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
process.stdout.write(
  `${runs.length} faulted runs (seeds ${runs[0]?.seed}–${runs.at(-1)?.seed}): ended cleanly ${record.faulted.clean} (${pct(record.faulted.completionRate)}), correct patch ${record.faulted.correct}; ` +
    `endings ${JSON.stringify(record.faulted.endings)}; containers killed ${record.faulted.containersKilled}\n` +
    `without faults: ${record.withoutFaults.clean}/${record.withoutFaults.runs} clean, ${record.withoutFaults.correct} correct\n`,
);
