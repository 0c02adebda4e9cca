// Harness benchmark: gold evaluation of a dataset with warm images, and the harness's
// overhead against the bare test commands, both measured in this one run.
//   npm run bench:harness -- --repos DIR [--dataset FILE]   (default: ../shared/benchmarks/dev.jsonl)
// Figures per instance:
//   harnessMs  evaluateInstance end to end (image check, container open, patches, commands,
//              parse, grade, files written)
//   cmdsMs     the rebuild/test/print commands' own wall time, in that same container
//   bareMs     the same patches and commands run by hand: one plain container from the
//              instance image (create, start, wait, remove), no harness
// overheadVsCmds = sum(harnessMs) / sum(cmdsMs) - 1; overheadVsBare = sum(harnessMs) / sum(bareMs) - 1.
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  diffFiles,
  evaluate,
  evaluateInstance,
  loadDataset,
  loadPredictions,
  type Instance,
} from '../src/harness/index.js';

const { values } = parseArgs({
  options: {
    repos: { type: 'string' },
    dataset: { type: 'string', default: '../shared/benchmarks/dev.jsonl' },
  },
});
if (!values.repos) {
  process.stderr.write('usage: npm run bench:harness -- --repos DIR [--dataset FILE]\n');
  process.exit(2);
}
const docker = new Docker();
const ds = loadDataset(values.dataset!);
const preds = loadPredictions('gold', ds.instances);
const out = mkdtempSync(join(tmpdir(), 'drydock-bench-harness-'));
const tag = randomBytes(3).toString('hex');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return Math.round((s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2) * 1000) / 1000;
}

async function bare(inst: Instance, image: string): Promise<{ ms: number; exit: number }> {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const files = diffFiles(inst.test_patch).map(q).join(' ');
  const script = [
    'cd /testbed',
    `printf '%s' ${q(inst.patch)} > /tmp/gold.patch && git apply /tmp/gold.patch`,
    `printf '%s' ${q(inst.test_patch)} > /tmp/test.patch`,
    files
      ? `for f in ${files}; do git cat-file -e ${inst.base_commit}:"$f" 2>/dev/null && git checkout -q ${inst.base_commit} -- "$f"; done`
      : 'true',
    'git apply /tmp/test.patch',
    ...inst.rebuild_cmds,
    ...inst.test_cmds,
    ...inst.print_cmds,
  ].join('\n');
  const t = performance.now();
  const c = await docker.createContainer({
    Image: image,
    Cmd: ['bash', '-c', `{\n${script}\n} > /tmp/out.txt 2>&1; echo done`],
    Labels: { drydock: '1', 'drydock.bench': tag },
    HostConfig: { NetworkMode: 'none', Memory: 3 * 1024 ** 3 },
  });
  try {
    await c.start();
    const r = (await c.wait()) as { StatusCode: number };
    return { ms: performance.now() - t, exit: r.StatusCode };
  } finally {
    await c.remove({ force: true });
  }
}

try {
  process.stderr.write('warming images (gold run)...\n');
  const warm = await evaluate(ds.instances, preds, {
    runId: `warm-${tag}`,
    out,
    reposDir: values.repos,
    workers: 2,
  });
  const rows: { id: string; resolved: boolean; harnessMs: number; cmdsMs: number; bareMs: number }[] = [];
  for (const inst of ds.instances) {
    const r = await evaluateInstance(inst, preds.get(inst.instance_id)!, {
      runId: `bench-${tag}`,
      out,
      reposDir: values.repos,
    });
    const b = r.images ? await bare(inst, r.images.instance) : { ms: NaN, exit: -1 };
    rows.push({
      id: inst.instance_id,
      resolved: r.outcome === 'resolved',
      harnessMs: r.timings.totalMs,
      cmdsMs: Math.round(r.timings.cmdsMs),
      bareMs: Math.round(b.ms),
    });
  }
  const sum = (k: 'harnessMs' | 'cmdsMs' | 'bareMs') => rows.reduce((a, r) => a + r[k], 0);
  const result = {
    instances: rows.length,
    resolved: rows.filter((r) => r.resolved).length,
    warmResolved: warm.summary.resolved_instances,
    imagesBuiltInWarmup: warm.results.filter((r) => r.images?.instanceBuilt).length,
    harnessMs: sum('harnessMs'),
    cmdsMs: sum('cmdsMs'),
    bareMs: sum('bareMs'),
    overheadVsCmds: Math.round((sum('harnessMs') / sum('cmdsMs') - 1) * 1000) / 1000,
    overheadVsBare: Math.round((sum('harnessMs') / sum('bareMs') - 1) * 1000) / 1000,
    // per instance, the middle one: short test runs pay the ~0.3 s container open relatively more
    overheadVsCmdsMedian: median(rows.map((r) => r.harnessMs / r.cmdsMs - 1)),
    goalOverhead: 0.2,
  };
  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  process.stdout.write(
    `${pad('instance', 28)}${pad('resolved', 10)}${pad('harness ms', 12)}${pad('cmds ms', 10)}${pad('bare ms', 10)}\n`,
  );
  for (const r of rows)
    process.stdout.write(
      `${pad(r.id, 28)}${pad(String(r.resolved), 10)}${pad(r.harnessMs, 12)}${pad(r.cmdsMs, 10)}${pad(r.bareMs, 10)}\n`,
    );
  process.stdout.write(
    `\nresolved ${result.resolved}/${result.instances}; overhead vs the commands: ${(result.overheadVsCmds * 100).toFixed(1)}%` +
      `, vs a bare container: ${(result.overheadVsBare * 100).toFixed(1)}% (goal <= 20%);` +
      ` per-instance median vs the commands: ${(result.overheadVsCmdsMedian * 100).toFixed(1)}%\n`,
  );
  mkdirSync('benchmarks/results', { recursive: true });
  writeFileSync(
    'benchmarks/results/harness.json',
    JSON.stringify({ ...result, rows, measuredAt: new Date().toISOString() }, null, 2) + '\n',
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
