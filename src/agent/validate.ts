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
  baseline: TestRun | null;
  /** Tests that passed before any change. */
  passingBefore: string[];
  /** The regression tests the candidates were held to (union over candidates). */
  regressionTests: string[];
  reproduction: ReproductionTest | null;
}

/**
 * Stage 4. Cheap checks first, on the host (the edit applied in repair; here: does it still
 * parse). Then in the base sandbox, before any change: which tests pass, and whether the
 * model's reproduction test fails (it is kept only if it does). Then each surviving candidate
 * in a fork of its own: the language server's reward, the regression tests, the reproduction
 * test. Every fork is closed, whatever happens.
 */
export async function validate(
  ctx: RunContext,
  p: Prepared,
  candidates: Candidate[],
  sets: Location[][],
  onValidated: (c: Candidate) => void = () => {},
): Promise<Validation> {
  for (const c of candidates.filter((c) => !c.rejected)) {
    for (const f of c.files) {
      const check = await checkEditSyntax(f.path, f.before, f.after);
      if (check.ok === false) {
        const at = check.problems[0];
        c.parses = false;
        c.rejected = `syntax error in ${f.path}${at ? ` at line ${at.line}` : ''} (${check.after} error node(s), ${check.before} before)`;
        break;
      }
      if (check.ok) c.parses = true;
    }
    if (c.rejected) record(ctx, c);
  }

  const v: Validation = { baseline: null, passingBefore: [], regressionTests: [], reproduction: null };
  if (p.env.test) {
    v.baseline = await runTests(p.sandbox, p.env.test, p.env);
    v.passingBefore = v.baseline.passed;
    testEvent(ctx, v.baseline);
    ctx.stage(
      'validate',
      `before any change: ${v.baseline.passed.length} passed, ${v.baseline.failed.length} failed (exit ${v.baseline.exitCode})`,
    );
  }
  v.reproduction = await reproductionTest(ctx, p, sets[0] ?? []);

  const live = candidates.filter((c) => !c.rejected);
  const width = Math.max(1, ctx.opts.parallel ?? 2);
  const regression = new Set<string>();
  for (let i = 0; i < live.length; i += width) {
    if (ctx.timedOut()) {
      for (const c of live.slice(i)) c.rejected = 'not validated: the run reached its time limit';
      break;
    }
    const batch = live.slice(i, i + width);
    const forks = await p.sandbox.fork(batch.length);
    try {
      await Promise.all(
        batch.map(async (c, j) => {
          await validateIn(ctx, p, forks[j]!, c, v, regression);
          record(ctx, c);
          onValidated(c);
        }),
      );
    } finally {
      await Promise.all(forks.map((f) => f.close().catch(() => {})));
    }
    ctx.stage('validate', `validated ${Math.min(i + width, live.length)}/${live.length} candidate(s)`);
  }
  v.regressionTests = [...regression].sort();
  return v;
}

async function validateIn(
  ctx: RunContext,
  p: Prepared,
  fork: Sandbox,
  c: Candidate,
  v: Validation,
  regression: Set<string>,
): Promise<void> {
  const served = c.files.filter((f) => serverForFile(f.path) !== null);
  if ((ctx.opts.rewards ?? true) && served.length > 0) {
    const session = new DiagnosticsSession(fork);
    try {
      const r = await session.reward(
        { files: c.files.map((f) => ({ path: f.path, content: f.after })) },
        { appliedExactly: c.exact, parses: c.parses !== false, confidence: c.confidence },
      );
      c.reward = r.reward.reward;
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
  for (const f of c.files) await fork.writeFile(`/testbed/${f.path}`, f.after);
  const compileError = await pythonCompileError(fork, c, p.env.vars);
  if (compileError) {
    c.parses = false;
    c.rejected = `does not compile: ${compileError}`;
    return;
  }

  if (p.env.test) {
    const testFiles = new Map(p.files.map((f) => [f.path, f.source]));
    const related = relatedTests(
      v.passingBefore,
      c.files.map((f) => f.path),
      testFiles,
    );
    related.forEach((t) => regression.add(t));
    const command = narrowedCommand(p.env.test, p.env.format, related);
    const newlyFailing = (run: TestRun) => {
      if (p.env.format === 'exit-code')
        return v.baseline?.exitCode === 0 && run.exitCode !== 0 ? [p.env.test!] : [];
      const passed = new Set(run.passed);
      return related.filter((t) => !passed.has(t));
    };
    const run = await runTests(fork, command, p.env);
    testEvent(ctx, run);
    c.regressions = newlyFailing(run);
    if (c.regressions.length > 0) {
      // Once more: a test that passes the second time is flaky, not broken by this candidate.
      const again = await runTests(fork, command, p.env);
      testEvent(ctx, again);
      const still = new Set(newlyFailing(again));
      const flaky = c.regressions.filter((t) => !still.has(t));
      if (flaky.length) ctx.note(`candidate ${c.id}: flaky on a rerun, not counted: ${flaky.join(', ')}`);
      c.regressions = c.regressions.filter((t) => still.has(t));
    }
    // Regressions rank candidates (select.ts) but never reject one alone: the issue may change
    // the very behaviour an existing test pins.
    if (c.regressions.length > 0)
      ctx.note(`candidate ${c.id}: tests that passed before fail with it: ${c.regressions.join(', ')}`);
  }
  const repro = v.reproduction;
  if (repro?.kept) {
    const r = await runReproduction(fork, repro);
    c.reproduces = r.exitCode === 0;
  }
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
  const before = await runReproduction(p.sandbox, test);
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
async function runReproduction(sandbox: Sandbox, t: ReproductionTest): Promise<TestRun> {
  await sandbox.writeFile(workspacePath(t.path), t.content);
  try {
    return await runTests(sandbox, t.command, { format: 'exit-code', vars: t.vars });
  } finally {
    await sandbox.exec(`rm -f -- '${t.path.replace(/'/g, `'\\''`)}'`);
  }
}

function testEvent(ctx: RunContext, run: TestRun): void {
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
    reason: c.rejected ?? 'applies, parses and passes its regression tests',
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
    const before = await fork.exec(`${py} ${code} /dev/stdin 2>&1`, {
      timeoutMs: 60_000,
      env: vars,
      stdin: f.before,
    });
    if (before.exitCode !== 0) continue;
    const last = r.stdout.trim().split('\n').pop() ?? '';
    return `${f.path}: ${last.slice(0, 200)}`;
  }
  return null;
}
