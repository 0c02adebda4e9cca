// Fault benchmark (issue 18): whole `drydock fix` runs (runFix, the agent entry; real Docker
// sandboxes, policy, tests) of the bundled examples against the scripted OpenAI-compatible
// server, with faults injected at random from a seed: HTTP 500, HTTP 429 with Retry-After,
// replies that hang past the client's timeout, connection resets, replies dropped mid-body,
// empty replies, replies cut off (finish_reason length), malformed tool-call JSON (or broken
// edit blocks), replies in the wrong format, and, in every --kill-every'th run, the sandbox's
// container killed (docker kill) while a command runs in it: the run rebuilds its sandbox from the
// repository and the files last written and goes on (src/agent/recovering-sandbox.ts), and its
// trajectory must name the lost container. Fault-free runs (--baseline) give the reference patch.
//
// A run ends cleanly when runFix returns a patch or a no-patch status with its reason, or throws
// a coded one-line error (ModelRequestError, SandboxGoneError ...), within the wall cap; its
// trajectory parses, starts with run.start, ends with run.end, and shows every injected fault
// (a retry or error event for each transport fault, the damaged reply recorded as sent for each
// reply fault); and its cost is within the budget. The answers are SCRIPTED: this measures
// drydock's machinery under faults, not a model's skill.
//
//   npm run bench:faults -- [--runs 100] [--baseline 4] [--workers 2] [--examples calc,ts-range] [--rate 0.25] [--kill-every 5]
//        [--seed 1] [--candidates 3] [--rewards] [--results benchmarks/results/faults.json]
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { runFix, type FixSummary } from '../src/agent/index.js';
import { normalizePatch } from '../src/code/index.js';
import { Budget, FAULT_KINDS, modelConfig, openModel, type FaultKind } from '../src/model/index.js';
import { readTrajectory, TrajectoryWriter, type TrajectoryEvent } from '../src/trajectory/index.js';
import { killMidCall, type Kill } from '../test/helpers/kill-mid-call.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100' },
    examples: { type: 'string', default: 'calc,ts-range' },
    rate: { type: 'string', default: '0.25' },
    'kill-every': { type: 'string', default: '5' },
    baseline: { type: 'string', default: '4' },
    workers: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    candidates: { type: 'string', default: '3' },
    rewards: { type: 'boolean', default: false },
    'max-cost': { type: 'string', default: '0.05' },
    'wall-cap': { type: 'string', default: '3600' },
    results: { type: 'string', default: 'benchmarks/results/faults.json' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: npm run bench:faults -- [--runs N] [--baseline N] [--workers N] [--examples calc,ts-range] [--rate 0..1] [--kill-every K (0: never)]\n' +
      '       [--seed S] [--candidates N] [--rewards] [--max-cost USD] [--wall-cap SECONDS] [--results FILE]\n',
  );
  process.exit(0);
}
const num = (name: string, v: string | undefined, min: number, max = Infinity): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) {
    process.stderr.write(`--${name} must be a number from ${min} to ${max}, got ${v}\n`);
    process.exit(2);
  }
  return n;
};
const RUNS = num('runs', values.runs, 1);
const BASELINE = num('baseline', values.baseline, 0);
const WORKERS = num('workers', values.workers, 1, 8);
const RATE = num('rate', values.rate, 0, 1);
const KILL_EVERY = num('kill-every', values['kill-every'], 0);
const SEED = num('seed', values.seed, 0);
const CANDIDATES = num('candidates', values.candidates, 1);
const MAX_COST = num('max-cost', values['max-cost'], 0);
const WALL_CAP_MS = num('wall-cap', values['wall-cap'], 10) * 1000;
const EXAMPLES_DIR = resolve('examples');
const examples = values.examples!.split(',').map((e) => e.trim());
for (const e of examples)
  try {
    readFileSync(join(EXAMPLES_DIR, e, 'model-script.yaml'));
  } catch {
    process.stderr.write(`unknown example ${e}: no examples/${e}/model-script.yaml\n`);
    process.exit(2);
  }

// Fast clocks, so a fault costs seconds, not minutes: the client gives up on a reply after 3 s
// (a `timeout` fault hangs for 4 s), and backs off from 50 ms.
const CLIENT = { timeoutMs: 3_000, maxRetries: 4, retryBaseDelayMs: 50, retryMaxDelayMs: 2_000 };
const HANG_MS = 4_000;
// Scripted replies are free unless priced; a price makes "cost within the budget" a real check.
const PRICES = { 'scripted:*': { input: 1, output: 4 } };

const work = mkdtempSync(join(tmpdir(), 'drydock-faults-'));

/** The example as a user's repository: a copy with one commit. */
function repoOf(example: string): string {
  const dir = mkdtempSync(join(work, `${example}-`));
  const skip = new Set(['ISSUE.md', 'README.md', 'model-script.yaml']);
  cpSync(join(EXAMPLES_DIR, example), dir, {
    recursive: true,
    filter: (p) => !skip.has(p.split('/').pop()!),
  });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'example');
  return dir;
}

/** The example's script with a `faults` section (or none). */
function scriptFor(example: string, seed: number | null): string {
  const script = parseYaml(readFileSync(join(EXAMPLES_DIR, example, 'model-script.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  if (seed !== null) script.faults = { seed, rate: RATE, kinds: [...FAULT_KINDS], hang_ms: HANG_MS };
  const file = join(work, `${example}-${seed ?? 'clean'}.yaml`);
  writeFileSync(file, toYaml(script));
  return file;
}

const TRANSPORT: FaultKind[] = ['http_500', 'http_429', 'timeout', 'reset', 'drop'];

/** What the trajectory shows of each kind of fault; a fault is visible when its count is covered. */
function traces(events: TrajectoryEvent[]) {
  const t: Record<string, number> = { transport: 0, empty: 0, truncated: 0, malformed: 0, wrong_format: 0 };
  for (const e of events) {
    // The client asks again after an empty reply: a retry that says so.
    if (e.type === 'model.retry') t[/^empty reply/.test(e.reason) ? 'empty' : 'transport']! += 1;
    if (e.type === 'model.error') t.transport! += 1;
    if (e.type !== 'model.reply') continue;
    // One damaged reply per faulty request: every choice of it carries the same damage.
    const c = e.choices[0];
    if (!c) continue;
    const text = c.message.content ?? '';
    const calls = c.message.toolCalls ?? [];
    if (text === '' && calls.length === 0) t.empty! += 1;
    if (c.finishReason === 'length') t.truncated! += 1;
    const fences = (text.match(/^```/gm) ?? []).length;
    if (
      calls.some((k) => !parses(k.arguments)) ||
      (/^=======$/m.test(text) && !/^>>>>>>> REPLACE$/m.test(text)) ||
      fences % 2 === 1 ||
      // Plain prose has nothing to break: the fault sends it as it is.
      (calls.length === 0 && fences === 0 && !/^=======$/m.test(text))
    )
      t.malformed! += 1;
    if (/^I looked at the code\. The fix is to correct the calculation/.test(text)) t.wrong_format! += 1;
  }
  return t;
}
function parses(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

interface RunFigures {
  example: string;
  seed: number | null;
  faults: FaultKind[];
  kill: Kill | null;
  /** Sandboxes rebuilt after a kill (summary.sandboxRecoveries). */
  recoveries: number;
  ending:
    'patched' | 'no_patch' | 'budget_exceeded' | 'timeout' | 'error' | 'script_exhausted' | 'crash' | 'hang';
  reason: string;
  correct: boolean;
  patchKey: string | null;
  trajectoryComplete: boolean;
  faultsVisible: boolean;
  withinBudget: boolean;
  costUsd: number | null;
  retries: number;
  wallMs: number;
  clean: boolean;
}

async function oneRun(example: string, seed: number | null, kill: boolean): Promise<RunFigures> {
  const repo = repoOf(example);
  const budget = new Budget({ maxCostUsd: MAX_COST });
  const trajectory = TrajectoryWriter.create({ runsDir: join(work, 'runs'), fsync: false });
  const model = await openModel(
    modelConfig({ model: 'scripted', script: scriptFor(example, seed), prices: PRICES, ...CLIENT }),
    { budget, onEvent: (e) => trajectory.append(e) },
  );
  const killer = kill ? killMidCall(trajectory.runId, { afterMs: 2_000 + ((seed ?? 0) % 7) * 1_500 }) : null;
  const t0 = Date.now();
  let summary: FixSummary | null = null;
  let ending: RunFigures['ending'];
  let reason: string;
  const cap = new Promise<'hang'>((r) => setTimeout(() => r('hang'), WALL_CAP_MS).unref());
  try {
    const r = await Promise.race([
      runFix({
        repo,
        issue: readFileSync(join(EXAMPLES_DIR, example, 'ISSUE.md'), 'utf8'),
        model: model.client,
        budget,
        scripted: true,
        modelName: model.client.model,
        trajectory,
        candidates: CANDIDATES,
        rewards: values.rewards,
      }),
      cap,
    ]);
    if (r === 'hang') {
      ending = 'hang';
      reason = `no ending within ${WALL_CAP_MS / 1000} s`;
    } else {
      summary = r;
      ending = r.status;
      reason = r.message;
    }
  } catch (err) {
    const e = err as Error & { code?: unknown };
    const oneLine = !e.message.includes('\n') && e.message.length > 0;
    // A coded error with a one-line message is a clear ending; anything else is a crash.
    ending = typeof e.code === 'string' && oneLine ? 'error' : 'crash';
    // Faults can change the conversation's course (an extra review round after an unusable
    // reply) past what the example's script holds; a real model would answer. A clear error
    // all the same, but counted apart so it is not mistaken for drydock's own.
    if (ending === 'error' && /no turn left in the script/.test(e.message)) ending = 'script_exhausted';
    reason = `${typeof e.code === 'string' ? `${e.code}: ` : `${e.name}: `}${e.message.split('\n')[0]}`;
  }
  const wallMs = Date.now() - t0;
  const killed = killer ? await killer.stop() : null;
  const injected = model.scriptedServer!.injected.map((f) => f.kind);
  await model.close();
  trajectory.close();

  let events: TrajectoryEvent[] = [];
  let parsed = true;
  try {
    events = readTrajectory(trajectory.path).events;
  } catch {
    parsed = false;
  }
  const complete =
    parsed && events[0]?.type === 'run.start' && events.at(-1)?.type === 'run.end' && ending !== 'hang';
  const seen = traces(events);
  const count = (kinds: FaultKind[]) => injected.filter((k) => kinds.includes(k)).length;
  // A killed container is named where the run met it: a rebuild (a stage event with
  // sandboxRecovery naming the lost container) or the run's SANDBOX_GONE ending.
  const killSeen =
    !killed ||
    events.some(
      (e) =>
        (e.type === 'stage' &&
          (e.data?.sandboxRecovery as { lost?: string } | undefined)?.lost === killed.container) ||
        (e.type === 'run.end' && e.errorCode === 'SANDBOX_GONE'),
    );
  const visible =
    killSeen &&
    seen.transport! >= count(TRANSPORT) &&
    seen.empty! >= count(['empty']) &&
    seen.truncated! >= count(['truncated']) &&
    seen.malformed! + seen.truncated! >= count(['malformed_tool_json']) &&
    seen.wrong_format! >= count(['wrong_format']);
  const costUsd = budget.spent.costUsd;
  const withinBudget = costUsd <= MAX_COST + 1e-9;
  const patchKey = summary?.patch ? normalizePatch(summary.patch) : null;
  const clean = ending !== 'crash' && ending !== 'hang' && complete && visible && withinBudget;
  rmSync(repo, { recursive: true, force: true });
  return {
    example,
    seed,
    faults: injected,
    kill: killed,
    recoveries: summary?.sandboxRecoveries?.length ?? 0,
    ending,
    reason,
    correct: false,
    patchKey,
    trajectoryComplete: complete,
    faultsVisible: visible,
    withinBudget,
    costUsd,
    retries: budget.spent.retries,
    wallMs,
    clean,
  };
}

/** The figures so far (written after every run, so a stopped benchmark still leaves its record). */
function summarize(complete: boolean) {
  // Correct: the same patch as the fault-free run of the same example found (when that run patched).
  const reference = new Map<string, string>();
  for (const b of baseline) if (b.patchKey && b.ending === 'patched') reference.set(b.example, b.patchKey);
  for (const r of [...baseline, ...faulted])
    r.correct = r.patchKey !== null && r.patchKey === reference.get(r.example);

  const share = (rs: RunFigures[], f: (r: RunFigures) => boolean) => rs.filter(f).length;
  const endings = (rs: RunFigures[]) =>
    Object.fromEntries(
      [...new Set(rs.map((r) => r.ending))].map((e) => [e, rs.filter((r) => r.ending === e).length]),
    );
  const faultCounts = Object.fromEntries(
    FAULT_KINDS.map((k) => [k, faulted.reduce((n, r) => n + r.faults.filter((f) => f === k).length, 0)]),
  );
  return {
    complete,
    benchmark: 'faults',
    scripted: true,
    note: 'SCRIPTED answers: drydock machinery under injected faults, not a measure of any model',
    conditions: {
      runs: RUNS,
      runsDone: faulted.length,
      examples,
      rate: RATE,
      killEvery: KILL_EVERY,
      baselineRuns: BASELINE,
      workers: WORKERS,
      seeds: [SEED, SEED + RUNS - 1],
      candidates: CANDIDATES,
      rewards: values.rewards,
      maxCostUsd: MAX_COST,
      client: CLIENT,
      hangMs: HANG_MS,
      wallCapS: WALL_CAP_MS / 1000,
    },
    faulted: {
      runs: faulted.length,
      clean: share(faulted, (r) => r.clean),
      completionRate: share(faulted, (r) => r.clean) / faulted.length,
      correct: share(faulted, (r) => r.correct),
      endings: endings(faulted),
      faultsInjected: faultCounts,
      runsWithFaults: share(faulted, (r) => r.faults.length > 0),
      containersKilled: share(faulted, (r) => r.kill !== null),
      // Killed runs that rebuilt their sandbox and still ended with a patch or a no-patch reason.
      killedAndRecovered: share(faulted, (r) => r.kill !== null && r.recoveries > 0 && r.ending !== 'error'),
      killedEndings: endings(faulted.filter((r) => r.kill !== null)),
      retries: faulted.reduce((n, r) => n + r.retries, 0),
      medianWallMs: median(faulted.map((r) => r.wallMs)),
    },
    withoutFaults: {
      runs: baseline.length,
      clean: share(baseline, (r) => r.clean),
      completionRate: share(baseline, (r) => r.clean) / baseline.length,
      correct: share(baseline, (r) => r.correct),
      endings: endings(baseline),
      medianWallMs: median(baseline.map((r) => r.wallMs)),
    },
    notClean: faulted
      .filter((r) => !r.clean)
      .map((r) => ({
        example: r.example,
        seed: r.seed,
        faults: r.faults,
        kill: r.kill,
        ending: r.ending,
        reason: r.reason,
        trajectoryComplete: r.trajectoryComplete,
        faultsVisible: r.faultsVisible,
        withinBudget: r.withinBudget,
      })),
    runs: faulted.map((r) => ({
      example: r.example,
      seed: r.seed,
      faults: r.faults,
      killed: r.kill?.during ?? null,
      recoveries: r.recoveries,
      ending: r.ending,
      reason: r.reason.slice(0, 200),
      correct: r.correct,
      clean: r.clean,
      costUsd: r.costUsd,
      wallMs: r.wallMs,
    })),
    wallS: Math.round((Date.now() - t0) / 1000),
  };
}

function save(f: ReturnType<typeof summarize>): void {
  mkdirSync(resolve(values.results!, '..'), { recursive: true });
  writeFileSync(values.results!, `${JSON.stringify(f, null, 2)}\n`);
}

// The fault-free runs: their patch is what "correct" means for each example (the scripted
// answers hold one correct fix, asserted by test/agent/fix.test.ts). Without faults the scripted
// model answers the same way every time, so every seed's fault-free run is the same run: it is
// measured --baseline times (spread over the examples), not once per seed.
const baseline: RunFigures[] = [];
const faulted: RunFigures[] = [];
const t0 = Date.now();
for (let i = 0; i < BASELINE; i++) {
  const example = examples[i % examples.length]!;
  const clean = await oneRun(example, null, false);
  baseline.push(clean);
  process.stderr.write(
    `[baseline ${i + 1}/${BASELINE}] ${example}: ${clean.ending}${clean.clean ? '' : ' NOT CLEAN'} (${Math.round(clean.wallMs / 1000)} s)\n`,
  );
}
// Runs go --workers at a time (each its own repository copy, scripted server and sandboxes);
// the record keeps seed order.
const slots: (RunFigures | undefined)[] = new Array(RUNS);
let next = 0;
let done = 0;
async function worker(): Promise<void> {
  while (next < RUNS) {
    const i = next++;
    const example = examples[i % examples.length]!;
    const seed = SEED + i;
    const kill = KILL_EVERY > 0 && i % KILL_EVERY === KILL_EVERY - 1;
    const f = await oneRun(example, seed, kill);
    slots[i] = f;
    faulted.splice(0, faulted.length, ...slots.filter((r): r is RunFigures => r !== undefined));
    done += 1;
    process.stderr.write(
      `[${done}/${RUNS}] ${example} seed ${seed}: ${f.faults.length} fault(s) [${f.faults.join(' ')}]` +
        `${f.kill ? ` + container killed during "${f.kill.during.slice(0, 40)}"` : ''} → ${f.ending}` +
        `${f.clean ? '' : ' NOT CLEAN'}${f.ending === 'patched' || f.ending === 'no_patch' ? '' : `: ${f.reason.slice(0, 100)}`} (${Math.round(f.wallMs / 1000)} s)\n`,
    );
    save(summarize(false));
  }
}
await Promise.all(Array.from({ length: Math.min(WORKERS, RUNS) }, worker));
if (BASELINE === 0)
  process.stderr.write(
    'no fault-free runs (--baseline 0): "correct" cannot be judged, every run counts as not correct\n',
  );
const figures = summarize(true);
save(figures);
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
process.stdout.write(
  [
    'fault benchmark (SCRIPTED model: machinery under faults, not a model measure)',
    `conditions: ${RUNS} seeded runs of ${examples.join(', ')}, fault rate ${RATE} per request, container killed every ${KILL_EVERY || 'never'}th run, ${CANDIDATES} candidate(s), budget $${MAX_COST}`,
    '',
    '| runs | ended cleanly | correct patch | endings | median wall |',
    '| --- | --- | --- | --- | --- |',
    `| with faults | ${figures.faulted.clean}/${RUNS} (${pct(figures.faulted.completionRate)}) | ${figures.faulted.correct}/${RUNS} | ${JSON.stringify(figures.faulted.endings)} | ${(figures.faulted.medianWallMs / 1000).toFixed(1)} s |`,
    `| without faults | ${figures.withoutFaults.clean}/${BASELINE} (${pct(figures.withoutFaults.completionRate)}) | ${figures.withoutFaults.correct}/${BASELINE} | ${JSON.stringify(figures.withoutFaults.endings)} | ${(figures.withoutFaults.medianWallMs / 1000).toFixed(1)} s |`,
    '',
    `faults injected: ${JSON.stringify(figures.faulted.faultsInjected)}; containers killed mid-call: ${figures.faulted.containersKilled} (rebuilt and went on: ${figures.faulted.killedAndRecovered}; endings ${JSON.stringify(figures.faulted.killedEndings)}); retries: ${figures.faulted.retries}`,
    ...figures.notClean.map((r) => `not clean: ${r.example} seed ${r.seed} ${r.ending}: ${r.reason}`),
    '',
  ].join('\n'),
);
const { runs: _runs, ...headline } = figures;
void _runs;
process.stdout.write(`${JSON.stringify({ ...headline, notClean: figures.notClean.length })}\n`);
if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
