import { workspacePath } from '../core/index.js';
import { dirname } from 'node:path';
import { checkEditSyntax, isTestPath } from '../code/index.js';
import { DiagnosticsSession, serverForFile } from '../lsp/index.js';
import type { Sandbox } from '../sandbox/index.js';
import { fencedBlock, type RunContext } from './context.js';
import { PYTEST, type Environment } from './environment.js';
import { numbered } from './localize.js';
import type { Prepared } from './prepare.js';
import { narrowedCommand, relatedTests, runTests } from './tests.js';
import type { Candidate, Location, TestRun } from './types.js';

export interface ReproductionTest {
  path: string;
  content: string;
  command: string;
  kept: boolean;
  reason: string;
  /** The project's variables the test runs with (the test command's, e.g. PYTHONPATH). */
  vars: Record<string, string>;
  /** The assertion it failed on before the change, as the runner reported it. */
  failure?: string;
}

export interface Validation {
  /** Every candidate as validation left it, in the order given (rejected ones say why). */
  readonly candidates: readonly Candidate[];
  readonly baseline: TestRun | null;
  /** Tests that passed before any change. */
  readonly passingBefore: readonly string[];
  /** The regression tests the candidates were held to (union over candidates). */
  readonly regressionTests: readonly string[];
  readonly reproduction: ReproductionTest | null;
}

/**
 * Stage 4. Cheap checks first, on the host (the edit applied in repair; here: does it still
 * parse). Then in the base sandbox, before any change: which tests pass, and whether the
 * model's reproduction test fails (it is kept only if it does). Then each surviving candidate
 * in a fork of its own: the language server's reward, the regression tests, the reproduction
 * test. Every fork is closed, whatever happens. The candidates given are not changed: the
 * result holds new values, and `onRecorded` hears each one as its record is written, so a run
 * that ends early still knows what was validated.
 */
export async function validate(
  ctx: RunContext,
  p: Prepared,
  given: readonly Candidate[],
  sets: readonly Location[][],
  onRecorded: (c: Candidate) => void = () => {},
): Promise<Validation> {
  // Said first, so that the syntax checks and the run before any change count as this stage's.
  ctx.stage('validate', `validating ${given.filter((c) => !c.rejected).length} candidate(s)`);
  const checked: Candidate[] = [];
  for (const c of given) {
    const next = c.rejected ? c : await syntaxChecked(c);
    if (next.rejected && !c.rejected) {
      record(ctx, next);
      onRecorded(next);
    }
    checked.push(next);
  }

  let baseline: TestRun | null = null;
  if (p.env.test) {
    baseline = await runTests(p.sandbox, p.env.test, p.env);
    testEvent(ctx, baseline);
    ctx.stage(
      'validate',
      `before any change: ${baseline.passed.length} passed, ${baseline.failed.length} failed (exit ${baseline.exitCode})`,
    );
  }
  const passingBefore = baseline?.passed ?? [];
  const reproduction = await reproductionTest(ctx, p, sets[0] ?? []);
  const base = { baseline, passingBefore, reproduction };

  const live = checked.filter((c) => !c.rejected);
  const done = new Map<string, { candidate: Candidate; related: string[] }>();
  const width = Math.max(1, ctx.opts.parallel ?? 2);
  for (let i = 0; i < live.length; i += width) {
    if (ctx.timedOut()) {
      for (const c of live.slice(i))
        done.set(c.id, {
          candidate: { ...c, rejected: 'not validated: the run reached its time limit' },
          related: [],
        });
      break;
    }
    const batch = live.slice(i, i + width);
    const forks = await p.sandbox.fork(batch.length);
    try {
      await Promise.all(
        batch.map(async (c, j) => {
          const r = await validateIn(ctx, p, forks[j]!, c, base);
          record(ctx, r.candidate);
          onRecorded(r.candidate);
          done.set(c.id, r);
        }),
      );
    } finally {
      await Promise.all(forks.map((f) => f.close().catch(() => {})));
    }
    ctx.stage('validate', `validated ${Math.min(i + width, live.length)}/${live.length} candidate(s)`);
  }
  // In the order the candidates were validated, as the set was filled before.
  const regression = new Set(live.flatMap((c) => done.get(c.id)?.related ?? []));
  return {
    candidates: checked.map((c) => done.get(c.id)?.candidate ?? c),
    ...base,
    regressionTests: [...regression].sort(),
  };
}

/** Does each changed file still parse? A candidate whose edit adds syntax errors is rejected. */
async function syntaxChecked(c: Candidate): Promise<Candidate> {
  let parses = c.parses;
  for (const f of c.files) {
    const check = await checkEditSyntax(f.path, f.before, f.after);
    if (check.ok === false) {
      const at = check.problems[0];
      return {
        ...c,
        parses: false,
        rejected: `syntax error in ${f.path}${at ? ` at line ${at.line}` : ''} (${check.after} error node(s), ${check.before} before)`,
      };
    }
    if (check.ok) parses = true;
  }
  return { ...c, parses };
}

async function validateIn(
  ctx: RunContext,
  p: Prepared,
  fork: Sandbox,
  c: Candidate,
  v: Pick<Validation, 'baseline' | 'passingBefore' | 'reproduction'>,
): Promise<{ candidate: Candidate; related: string[] }> {
  let reward = c.reward;
  const served = c.files.filter((f) => serverForFile(f.path) !== null);
  if ((ctx.opts.rewards ?? true) && served.length > 0) {
    const session = new DiagnosticsSession(fork, { trajectory: ctx.trajectory });
    try {
      const r = await session.reward(
        { files: c.files.map((f) => ({ path: f.path, content: f.after })) },
        { appliedExactly: c.exact, parses: c.parses !== false, confidence: c.confidence },
      );
      reward = r.reward.reward;
      ctx.trajectory.append({
        type: 'reward',
        value: r.reward.reward,
        source: `candidate:${c.id}`,
        components: { dBefore: r.reward.dBefore, dAfter: r.reward.dAfter, s: r.reward.s, c: r.reward.c },
      });
    } catch (err) {
      ctx.note(`candidate ${c.id}: no language-server reward (${(err as Error).message})`);
    } finally {
      await session.close().catch(() => {});
    }
  }
  // Written again whether or not the reward wrote them: the same content, so harmless.
  for (const f of c.files) await fork.writeFile(workspacePath(f.path), f.after);
  const compileError = await pythonCompileError(fork, c, p.env.vars);
  if (compileError)
    return {
      candidate: { ...c, reward, parses: false, rejected: `does not compile: ${compileError}` },
      related: [],
    };

  let regressions = c.regressions;
  let related: string[] = [];
  if (p.env.test) {
    const testFiles = new Map(p.files.map((f) => [f.path, f.source]));
    related = relatedTests(
      [...v.passingBefore],
      c.files.map((f) => f.path),
      testFiles,
    );
    const command = narrowedCommand(p.env.test, p.env.format, related);
    const newlyFailing = (run: TestRun): string[] => {
      if (p.env.format === 'exit-code')
        return v.baseline?.exitCode === 0 && run.exitCode !== 0 ? [p.env.test!] : [];
      const passed = new Set(run.passed);
      return related.filter((t) => !passed.has(t));
    };
    const run = await runTests(fork, command, p.env);
    testEvent(ctx, run);
    regressions = newlyFailing(run);
    if (regressions.length > 0) {
      // Once more: a test that passes the second time is flaky, not broken by this candidate.
      const again = await runTests(fork, command, p.env);
      testEvent(ctx, again);
      const still = new Set(newlyFailing(again));
      const flaky = regressions.filter((t) => !still.has(t));
      if (flaky.length) ctx.note(`candidate ${c.id}: flaky on a rerun, not counted: ${flaky.join(', ')}`);
      regressions = regressions.filter((t) => still.has(t));
    }
    // Regressions rank candidates (select.ts) but never reject one alone: the issue may change
    // the very behaviour an existing test pins, and nothing better may exist.
    if (regressions.length > 0)
      ctx.note(`candidate ${c.id}: tests that passed before fail with it: ${regressions.join(', ')}`);
  }
  let reproduces = c.reproduces;
  const repro = v.reproduction;
  if (repro?.kept) {
    const r = await runReproduction(fork, repro, p.env.testTimeoutMs);
    reproduces = r.exitCode === 0;
  }
  return { candidate: { ...c, reward, regressions, reproduces }, related };
}

async function reproductionTest(
  ctx: RunContext,
  p: Prepared,
  set: Location[],
): Promise<ReproductionTest | null> {
  if (p.env.language === 'other') return null;
  const known = new Map(p.files.map((f) => [f.path, f.source]));
  const { path, command } = reproductionPlace(
    p.env,
    p.files.map((f) => f.path),
  );
  const [reply] = await ctx.ask('agent/reproduction-test', {
    issue: ctx.opts.issue,
    code: set.map((l) => numbered(known.get(l.path) ?? '', l, 5)).join('\n\n'),
    path,
    command,
  });
  const content = `${fencedBlock(reply ?? '')}\n`;
  const test: ReproductionTest = { path, content, command, kept: false, reason: '', vars: p.env.vars };
  const before = await runReproduction(p.sandbox, test, p.env.testTimeoutMs);
  const cannotRun = CANNOT_RUN.exec(before.output);
  if (before.exitCode === 0) {
    test.reason = 'it passes before the change, so it does not reproduce the issue: discarded';
  } else if (cannotRun) {
    test.reason = `it cannot run (${lineAt(before.output, cannotRun.index)}), so its failure says nothing about the issue: discarded`;
  } else {
    test.kept = true;
    test.failure = failureLines(before.output);
    test.reason = `it fails before the change (exit ${before.exitCode}${test.failure ? `: ${test.failure}` : ''}): kept`;
  }
  ctx.note(`reproduction test ${path}: ${test.reason}`);
  ctx.stage('validate', `reproduction test ${test.kept ? 'kept' : 'discarded'}: ${test.reason}`, {
    reproduction: { path, kept: test.kept, reason: test.reason },
  });
  return test;
}

/** Writes the test, runs it, removes it: it never becomes part of a patch. */
async function runReproduction(
  sandbox: Sandbox,
  t: ReproductionTest,
  testTimeoutMs: number | undefined,
): Promise<TestRun> {
  await sandbox.writeFile(workspacePath(t.path), t.content);
  try {
    return await runTests(sandbox, t.command, { format: 'exit-code', vars: t.vars, testTimeoutMs });
  } finally {
    await sandbox.exec(`rm -f -- '${t.path.replace(/'/g, `'\\''`)}'`);
  }
}

/** A test run into the trajectory, with every test's outcome. */
export function testEvent(ctx: RunContext, run: TestRun): void {
  ctx.trajectory.append({
    type: 'test.result',
    command: run.command,
    passed: run.passed.length,
    failed: run.failed.length,
    tests: [
      ...run.passed.map((name) => ({ name, status: 'pass' as const })),
      ...run.failed.map((name) => ({ name, status: 'fail' as const })),
    ],
  });
}

export function record(ctx: RunContext, c: Candidate): void {
  ctx.trajectory.append({
    type: 'candidate',
    id: c.id,
    status: c.rejected ? 'rejected' : 'validated',
    reason:
      c.rejected ??
      (c.regressions?.length
        ? `applies and parses; breaks ${c.regressions.length} test(s) that passed before (ranked lower)`
        : 'applies, parses and passes its regression tests'),
    votes: c.votes,
    parses: c.parses,
    reward: c.reward,
    regressions: c.regressions,
    reproduces: c.reproduces,
    patch: c.patch,
  });
}

/** Output that says the test never ran: an import or syntax error, nothing collected. */
const CANNOT_RUN =
  /ModuleNotFoundError|ImportError while importing|errors? during collection|^E\s+SyntaxError|Cannot find module|SyntaxError: |no tests ran|collected 0 items|No tests found/m;

function lineAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text
    .slice(start, end < 0 ? undefined : end)
    .trim()
    .slice(0, 200);
}

/** The first lines that say what was asserted (pytest's `E ` lines, jest's Expected/Received). */
function failureLines(output: string): string | undefined {
  const lines = output
    .split('\n')
    .filter((l) => /^E\s+\S|AssertionError|^\s*(Expected|Received)\b|expect\(/.test(l))
    .slice(0, 3)
    .map((l) => l.trim());
  return lines.length ? lines.join(' | ').slice(0, 300) : undefined;
}

/**
 * Where the reproduction test goes and how it runs: beside the test file the test command
 * names (else the folder most tests live in), named as the project's tests are, and run with
 * the project's own test command (its variables and runner), the named test files swapped for it.
 */
export function reproductionPlace(
  env: Pick<Environment, 'language' | 'test' | 'testFiles' | 'format'>,
  paths: string[],
): { path: string; command: string } {
  const python = env.language === 'python';
  const own = env.testFiles.find((f) => (python ? f.endsWith('.py') : !f.endsWith('.py')));
  const tests = paths.filter(
    (f) => isTestPath(f) && (python ? f.endsWith('.py') : /\.[cm]?[jt]sx?$/.test(f)),
  );
  const byDir = new Map<string, number>();
  for (const f of tests) byDir.set(dirname(f), (byDir.get(dirname(f)) ?? 0) + 1);
  const dir = own ? dirname(own) : ([...byDir].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '.');
  const ext = own ? /\.[cm]?[jt]sx?$/.exec(own)?.[0] : tests.some((f) => f.endsWith('.ts')) ? '.ts' : '.mjs';
  const name = python ? 'test_drydock_reproduction.py' : `drydock-reproduction.test${ext ?? '.mjs'}`;
  const path = dir === '.' ? name : `${dir}/${name}`;
  const quoted = `'${path.replace(/'/g, `'\\''`)}'`;
  let command: string;
  if (env.test && env.testFiles.length) {
    let c = env.test;
    for (const f of env.testFiles) c = c.split(f).join(' ');
    command = `${c.replace(/\s+$/, '').replace(/ {2,}/g, ' ')} ${quoted}`;
  } else if (python)
    command = env.format === 'pytest' && env.test ? `${env.test} ${quoted}` : `${PYTEST} ${quoted}`;
  else if (env.test && /\b(jest|vitest|mocha)\b/.test(env.test)) command = `${env.test} ${quoted}`;
  else if (env.test && /^npm (run )?test\b/.test(env.test)) command = `${env.test} -- ${quoted}`;
  else command = `node --test ${quoted}`;
  return { path, command };
}

/**
 * Python's own compiler on the candidate's Python files, in the sandbox: tree-sitter accepts
 * some text Python refuses (an indentation error). Nothing is written (no .pyc). A file that
 * did not compile before the change is not held against the candidate; no Python: no check.
 */
async function pythonCompileError(
  fork: Sandbox,
  c: Candidate,
  vars: Record<string, string>,
): Promise<string | null> {
  const files = c.files.filter((f) => f.path.endsWith('.py'));
  if (files.length === 0) return null;
  const py = 'P=$(command -v python3 || command -v python) || exit 0; "$P" -c';
  const code = `'import sys\nfor p in sys.argv[1:]:\n    compile(open(p, "rb").read(), p, "exec")'`;
  for (const f of files) {
    const q = `'${f.path.replace(/'/g, `'\\''`)}'`;
    const r = await fork.exec(`${py} ${code} ${q} 2>&1`, { timeoutMs: 60_000, env: vars });
    if (r.exitCode === 0) continue;
    // The text before the change, from a scratch file (not stdin: a fork's exec may not close it).
    const scratch = '/tmp/drydock-compile-before.py';
    await fork.writeFile(scratch, f.before);
    const before = await fork.exec(`${py} ${code} ${scratch} 2>&1; s=$?; rm -f ${scratch}; exit $s`, {
      timeoutMs: 60_000,
      env: vars,
    });
    if (before.exitCode !== 0) continue;
    const last = r.stdout.trim().split('\n').pop() ?? '';
    return `${f.path}: ${last.slice(0, 200)}`;
  }
  return null;
}
