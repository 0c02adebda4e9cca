// Oracle benchmark: drydock run-batch driven by a scripted model whose answers come from each
// instance's gold patch, graded with drydock eval. A correct model cannot resolve an instance
// the oracle cannot, so every instance it misses is a bug in drydock, not in a model.
//   npm run bench:oracle -- --dataset FILE --repos DIR [--variants clean,three-candidates,...]
//        [--instances id1,id2] [--workers N] [--test-timeout SECONDS] [--work DIR] [--results FILE] [--scripts-only] [--resume]
// Variants: clean (the gold edits); three-candidates (one that does not parse, one that changes
// nothing, then the correct one); trailing-spaces (SEARCH lines with trailing spaces);
// wrong-indent (SEARCH shifted by four spaces, REPLACE as it should be); blank-search (a new
// file's SEARCH holds one blank line). The answers are SCRIPTED: this measures drydock's
// machinery on real repositories, not a model's skill.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { normalizePatch } from '../src/code/index.js';
import {
  evaluate,
  loadDataset,
  loadPredictions,
  repoSource,
  runBatch,
  type Instance,
} from '../src/harness/index.js';
import { readTrajectory, type TrajectoryEvent } from '../src/trajectory/index.js';
import { oracleScript, toYaml, VARIANTS, type Variant } from './oracle-script.js';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: '../shared/benchmarks/dev.jsonl' },
    repos: { type: 'string' },
    variants: { type: 'string', default: VARIANTS.join(',') },
    instances: { type: 'string' },
    workers: { type: 'string', default: '1' },
    candidates: { type: 'string', default: '3' },
    // Each of the agent's test runs (run-batch --test-timeout): a loaded machine needs more than 300 s.
    'test-timeout': { type: 'string' },
    // Scripts, predictions and per-instance runs hold the repositories' code: kept out of the repo.
    work: { type: 'string', default: join(tmpdir(), 'drydock-oracle') },
    results: { type: 'string', default: 'benchmarks/results/oracle.json' },
    'scripts-only': { type: 'boolean', default: false },
    // Keep each variant's work folder and run only the instances without a finished run there;
    // the grading resumes by its run id. A stopped run goes on from where it was.
    resume: { type: 'boolean', default: false },
  },
});
if (!values.repos) {
  process.stderr.write(
    'usage: npm run bench:oracle -- --dataset FILE --repos DIR [--variants LIST] [--instances IDS] [--workers N] [--test-timeout SECONDS] [--resume]\n',
  );
  process.exit(2);
}
const variants = values.variants!.split(',').map((v) => v.trim()) as Variant[];
for (const v of variants)
  if (!VARIANTS.includes(v)) {
    process.stderr.write(`unknown variant ${v}; known: ${VARIANTS.join(', ')}\n`);
    process.exit(2);
  }
let instances: Instance[] = loadDataset(values.dataset!).instances;
if (values.instances) {
  const wanted = new Set(values.instances.split(','));
  instances = instances.filter((i) => wanted.has(i.instance_id));
}
const outRoot = resolve(values.work!);

interface InstanceFigures {
  instance_id: string;
  variant: Variant;
  scriptProblems: string[];
  resolved: boolean;
  identicalToGold: boolean;
  /** Whether the candidate whose patch is the gold one was selected. */
  correctWon: boolean | null;
  selected: string | null;
  candidates: { id: string; outcome: string }[];
  reproduction: { kept: boolean; reason: string } | null;
  /** What a kept reproduction test failed on before the change (its assertion), from its reason. */
  reproductionFailure: string | null;
  reviewChanged: boolean | null;
  stageMs: Record<string, number>;
  testRuns: Record<string, number>;
  /** Each validate-stage test command, and any test file it names twice. */
  validateCommands: string[];
  duplicateTestFiles: string[];
  wallMs: number;
  error: string | null;
}

function stageFigures(events: TrajectoryEvent[]) {
  const stageMs: Record<string, number> = {};
  const testRuns: Record<string, number> = {};
  const validateCommands: string[] = [];
  let stage = 'prepare';
  let since = events[0] ? Date.parse(events[0].ts) : 0;
  for (const e of events) {
    const at = Date.parse(e.ts);
    if (e.type === 'stage' && e.stage !== stage) {
      stageMs[stage] = (stageMs[stage] ?? 0) + (at - since);
      stage = e.stage;
      since = at;
    }
    if (e.type === 'test.result') {
      testRuns[stage] = (testRuns[stage] ?? 0) + 1;
      if (stage === 'validate') validateCommands.push(e.command);
    }
    if (e.type === 'run.end') stageMs[stage] = (stageMs[stage] ?? 0) + (at - since);
  }
  const duplicateTestFiles = validateCommands.flatMap((c) => {
    const words = c.split(/\s+/).map((w) => w.replace(/^'|'$/g, ''));
    const files = words.filter((w) => /\.(py|[cm]?[jt]sx?)$/.test(w));
    return [...new Set(files.filter((f, i) => files.indexOf(f) !== i))];
  });
  return { stageMs, testRuns, validateCommands, duplicateTestFiles };
}

const all: InstanceFigures[] = [];
for (const variant of variants) {
  const dir = join(outRoot, variant);
  if (!values.resume) rmSync(dir, { recursive: true, force: true });
  const scriptDir = join(dir, 'scripts');
  mkdirSync(scriptDir, { recursive: true });
  const problems = new Map<string, string[]>();
  const run: Instance[] = [];
  for (const inst of instances) {
    const s = await oracleScript(repoSource(inst.repo, values.repos), inst, variant);
    if (!s.applicable) continue;
    problems.set(inst.instance_id, s.problems);
    writeFileSync(join(scriptDir, `${inst.instance_id}.yaml`), toYaml(s.script));
    run.push(inst);
    if (values['scripts-only'])
      process.stdout.write(
        `${variant} ${inst.instance_id}: ${s.problems.length ? s.problems.join('; ') : 'rebuilds the gold patch'}\n`,
      );
  }
  if (values['scripts-only']) continue;
  if (run.length === 0) {
    process.stderr.write(`${variant}: applies to none of these instances\n`);
    continue;
  }
  process.stderr.write(`${variant}: ${run.length} instance(s)\n`);
  const predictionsPath = join(dir, 'predictions.jsonl');
  const t0 = Date.now();
  const runsDir = join(dir, 'predictions.runs');
  const finished = existsSync(predictionsPath) ? loadPredictions(predictionsPath, run) : new Map();
  const todo = run.filter(
    (i) =>
      !values.resume ||
      !finished.has(i.instance_id) ||
      !existsSync(join(runsDir, i.instance_id, 'summary.json')),
  );
  if (todo.length < run.length)
    process.stderr.write(
      `${variant}: ${run.length - todo.length} instance(s) already run there, kept (--resume)\n`,
    );
  const batch =
    todo.length === 0
      ? { runsDir, errors: [] as { instance_id: string; message: string }[] }
      : await runBatch({
          dataset: values.dataset!,
          reposDir: values.repos,
          out: predictionsPath,
          scriptDir,
          instances: todo.map((i) => i.instance_id),
          model: {},
          candidates: Number(values.candidates),
          workers: Number(values.workers),
          ...(values['test-timeout'] ? { testTimeoutMs: Number(values['test-timeout']) * 1000 } : {}),
          progress: (line) => process.stderr.write(`  ${variant} ${line}\n`),
        });
  const batchMs = Date.now() - t0;
  const predictions = loadPredictions(predictionsPath, run);
  const graded = await evaluate(run, predictions, {
    runId: `oracle-${variant}`,
    out: join(dir, 'eval'),
    reposDir: values.repos,
    workers: Number(values.workers),
  });
  const outcome = new Map(graded.results.map((r) => [r.instance_id, r.outcome]));
  for (const inst of run) {
    const id = inst.instance_id;
    const gold = normalizePatch(inst.patch);
    const patch = predictions.get(id)?.model_patch ?? '';
    const summaryPath = join(batch.runsDir, id, 'summary.json');
    const trajectoryPath = join(batch.runsDir, id, 'trajectory.jsonl');
    const summary = existsSync(summaryPath)
      ? (JSON.parse(readFileSync(summaryPath, 'utf8')) as {
          selected: string | null;
          candidates: { id: string; outcome: string }[];
          reproductionTest: { kept: boolean; reason: string } | null;
          review: { changed: boolean };
          wallMs: number;
        })
      : null;
    const events = existsSync(trajectoryPath) ? readTrajectory(trajectoryPath).events : [];
    const goldCandidate = events.find(
      (e) =>
        e.type === 'candidate' && typeof e.patch === 'string' && e.patch && normalizePatch(e.patch) === gold,
    );
    all.push({
      instance_id: id,
      variant,
      scriptProblems: problems.get(id) ?? [],
      resolved: outcome.get(id) === 'resolved',
      identicalToGold: patch !== '' && normalizePatch(patch) === gold,
      correctWon:
        summary && goldCandidate && goldCandidate.type === 'candidate'
          ? summary.selected === goldCandidate.id
          : null,
      selected: summary?.selected ?? null,
      candidates: summary?.candidates.map((c) => ({ id: c.id, outcome: c.outcome })) ?? [],
      reproduction: summary?.reproductionTest ?? null,
      reproductionFailure:
        /\(exit \d+: (.*)\): kept$/.exec(summary?.reproductionTest?.reason ?? '')?.[1] ?? null,
      reviewChanged: summary?.review.changed ?? null,
      ...stageFigures(events),
      wallMs: summary?.wallMs ?? 0,
      error: batch.errors.find((e) => e.instance_id === id)?.message ?? null,
    });
  }
  process.stderr.write(`${variant}: run-batch ${Math.round(batchMs / 1000)} s\n`);
  // Written after every variant, so a stopped run keeps what it measured (complete: false).
  writeResults(false);
}

const s = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(0)}`);
const rows = all.map((f) =>
  [
    f.variant,
    f.instance_id,
    f.resolved ? 'yes' : 'NO',
    f.identicalToGold ? 'yes' : 'no',
    f.correctWon === null ? '-' : f.correctWon ? 'yes' : 'no',
    f.reproduction ? (f.reproduction.kept ? 'kept' : 'discarded') : '-',
    f.reviewChanged ? 'changed' : 'same',
    ['localize', 'repair', 'validate', 'review'].map((st) => s(f.stageMs[st])).join('/'),
    ['validate', 'review'].map((st) => f.testRuns[st] ?? 0).join('/'),
    s(f.wallMs),
  ].join(' | '),
);
const header =
  'variant | instance | resolved | = gold | correct won | repro test | review | s localize/repair/validate/review | test runs validate/review | s total';
process.stdout.write(`${header}\n${rows.join('\n')}\n`);
for (const f of all) {
  if (f.scriptProblems.length)
    process.stdout.write(`${f.variant} ${f.instance_id} script: ${f.scriptProblems.join('; ')}\n`);
  if (f.duplicateTestFiles.length)
    process.stdout.write(
      `${f.variant} ${f.instance_id}: a validation names ${f.duplicateTestFiles.join(', ')} twice\n`,
    );
  if (f.reproduction?.kept)
    process.stdout.write(
      `${f.variant} ${f.instance_id}: reproduction test fails before the fix on ${f.reproductionFailure ?? 'NO ASSERTION (exit code only)'}\n`,
    );
  if (f.error) process.stdout.write(`${f.variant} ${f.instance_id} error: ${f.error}\n`);
}
function figuresByVariant() {
  return Object.fromEntries(
    variants.map((v) => {
      const rs = all.filter((f) => f.variant === v);
      return [
        v,
        {
          resolved: rs.filter((f) => f.resolved).length,
          total: rs.length,
          identical: rs.filter((f) => f.identicalToGold).length,
        },
      ];
    }),
  );
}
function writeResults(complete: boolean): void {
  if (values['scripts-only']) return;
  const result = {
    benchmark: 'oracle',
    scripted: true,
    complete,
    dataset: values.dataset,
    at: new Date().toISOString(),
    byVariant: figuresByVariant(),
    instances: all,
  };
  mkdirSync(dirname(resolve(values.results!)), { recursive: true });
  writeFileSync(resolve(values.results!), `${JSON.stringify(result, null, 2)}\n`);
}
const byVariant = figuresByVariant();
writeResults(true);
process.stdout.write(
  `${Object.entries(byVariant)
    .map(([v, r]) => `${v}: ${r.resolved}/${r.total} resolved, ${r.identical}/${r.total} identical to gold`)
    .join('\n')}\n`,
);
process.stdout.write(`${JSON.stringify({ benchmark: 'oracle', byVariant })}\n`);
