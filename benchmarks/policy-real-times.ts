/**
 * `npm run bench:policy-real -- [FILE…]`: how long real agents' commands of up to 4,096
 * characters (the ones decided on the calling thread) take to decide, against the CPU share the
 * calling thread gives a decision (60% of the 10 ms limit), and whether that share changes any
 * decision. FILE: a stream's `commands.jsonl` (one `{"command": …}` per line: the committed first
 * stream by default; the other streams' extractors write theirs, see src/policy/README.md).
 * Commands are only decided, never run. Prints a table and one JSON line; writes
 * results/policy-real-times.json.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { PolicyEngine } from '../src/policy/index.js';
import { DEFAULT_BUDGET_MS, DEFAULT_OFFLOAD_FROM, WORK_SHARE } from '../src/policy/engine.js';
import { cpuMs } from '../src/policy/budget.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = here.endsWith('dist-bench/benchmarks') ? join(here, '..', '..') : join(here, '..');
const files = process.argv.slice(2).filter((a) => a !== '--');
if (files.length === 0) files.push(join(root, 'test/fixtures/policy/agent-stream/commands.jsonl'));

const commands = new Set<string>();
for (const f of files) {
  let text: string;
  try {
    text = readFileSync(f, 'utf8');
  } catch {
    console.error(`bench:policy-real: cannot read ${f}; give a stream's commands.jsonl`);
    process.exit(2);
  }
  for (const line of text.trim().split('\n')) {
    const c = (JSON.parse(line) as { command?: unknown }).command;
    if (typeof c === 'string' && c.length <= DEFAULT_OFFLOAD_FROM) commands.add(c);
  }
}

// No limit: the time each decision needs. Default limit: what the calling thread decides.
const full = await PolicyEngine.create({ unattended: true, offloadFrom: Infinity, budgetMs: Infinity });
const limited = await PolicyEngine.create({ unattended: true, offloadFrom: Infinity });
const share = DEFAULT_BUDGET_MS * WORK_SHARE;
const times: Array<{ ms: number; chars: number; command: string }> = [];
let differ = 0;
const changed: string[] = [];
let done = 0;
for (const c of commands) {
  full.check(c);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t = cpuMs();
    full.check(c);
    best = Math.min(best, cpuMs() - t);
  }
  times.push({ ms: best, chars: c.length, command: c });
  const a = limited.check(c);
  const b = full.check(c);
  if (a.decision !== b.decision) {
    differ++;
    changed.push(
      `${b.decision} → ${a.decision} (${a.rule}), ${c.length} chars: ${c.slice(0, 60).replace(/\n/g, '⏎')}`,
    );
  }
  if (++done % 5000 === 0) console.error(`  ${done} of ${commands.size} decided`);
}
full.close();
limited.close();
times.sort((a, b) => b.ms - a.ms);
const maxMs = times[0]?.ms ?? 0;
const result = {
  files,
  commands: times.length,
  maxCpuMs: +maxMs.toFixed(2),
  over: Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`${n}ms`, times.filter((t) => t.ms > n).length])),
  callingThreadShareMs: share,
  maxToShareRatio: +(maxMs / share).toFixed(2),
  decidedOtherwiseWithTheLimit: differ,
  changed: changed.slice(0, 10),
  slowest: times
    .slice(0, 5)
    .map((t) => `${t.ms.toFixed(2)} ms, ${t.chars} chars: ${t.command.slice(0, 60).replace(/\n/g, '⏎')}`),
  loadAverage1m: +loadavg()[0]!.toFixed(2),
  cpus: cpus().length,
};
console.log(`distinct commands of up to ${DEFAULT_OFFLOAD_FROM} characters: ${result.commands}`);
console.log(
  `max CPU per decision (best of 3, warm): ${result.maxCpuMs} ms = ${result.maxToShareRatio} of the calling thread's share (${share} ms)`,
);
console.log(`over 1/2/3/4/5 ms: ${Object.values(result.over).join(' / ')}`);
console.log(`decided otherwise with the limit: ${differ}`);
for (const c of changed.slice(0, 10)) console.log(`  ${c}`);
for (const s of result.slowest) console.log(`  ${s}`);
mkdirSync(join(root, 'benchmarks/results'), { recursive: true });
writeFileSync(
  join(root, 'benchmarks/results/policy-real-times.json'),
  `${JSON.stringify(result, null, 2)}\n`,
);
console.log(JSON.stringify(result));
process.exit(0);
