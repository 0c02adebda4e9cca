import { workspacePath } from '../core/index.js';
import { normalizePatch } from '../code/index.js';
import { DiagnosticsSession, serverForFile } from '../lsp/index.js';
import { renderPrompt, type ChatMessage } from '../model/index.js';
import { PolicyEngine } from '../policy/index.js';
import { Toolbox } from '../tools/index.js';
import type { RunContext } from './context.js';
import { actionFormat, runLoop, type LoopResult } from './loop.js';
import type { Prepared } from './prepare.js';
import { runTests } from './tests.js';
import type { Candidate } from './types.js';
import { answerOpenCalls, reviewFormat, verdictOf } from './verdict.js';
import { testEvent, type Validation } from './validate.js';

export interface Review {
  patch: string;
  rounds: number;
  approved: boolean;
  changed: boolean;
  /** Commands and actions the policy refused during review, with the rule. */
  denied: string[];
  tests: { command: string; passed: number; failed: number; ok: boolean } | null;
  /** Set when the budget ran out during review (the selected patch is kept). */
  budgetMessage: string | null;
}

const TAIL = 60;

/**
 * Stage 6, AutoDev's loop with SWE-agent's review on submit: the selected patch goes into the
 * base sandbox; the tests run; the model reviews the diff with their output and the language
 * server's diagnostics, and may fix with the tools (every call through the policy) in the agent
 * loop (`loop.ts`). Repeats while the tests fail or the review asks for changes, up to the round
 * limit. If the review leaves the tests worse than the selected patch did, or the budget runs
 * out mid-review, the selected (validated) patch is what comes out.
 */
export async function review(
  ctx: RunContext,
  p: Prepared,
  winner: Candidate,
  v: Validation,
): Promise<Review> {
  const sandbox = p.sandbox;
  // Said first, so that the tests run below count as this stage's.
  ctx.stage('review', `reviewing ${winner.id}`);
  for (const f of winner.files) await sandbox.writeFile(workspacePath(f.path), f.after);
  const touched = winner.files.map((f) => f.path);
  const lsp =
    (ctx.opts.rewards ?? true) && touched.some((f) => serverForFile(f))
      ? new DiagnosticsSession(sandbox, { trajectory: ctx.trajectory })
      : undefined;
  const toolbox = new Toolbox({
    sandbox,
    policy: ctx.opts.policy ?? (await PolicyEngine.create({ unattended: true })),
    trajectory: ctx.trajectory,
    diagnostics: lsp,
    testCommand: p.env.test ? { command: p.env.test } : undefined,
    env: p.env.vars,
    preset: ctx.opts.tools,
  });
  const check = () => checkTests(ctx, p, v);
  const maxRounds = ctx.opts.reviewRounds ?? 2;
  const maxSteps = ctx.opts.reviewSteps ?? 8;

  let messages: ChatMessage[] = [{ role: 'system', content: renderPrompt('agent/system') }];
  let state = await check();
  const startOk = state?.ok ?? true;
  let rounds = 0;
  let approved = false;
  const denied: string[] = [];
  try {
    for (let round = 1; round <= maxRounds && !ctx.timedOut(); round++) {
      rounds = round;
      const diff = await sandbox.diff();
      const vars = {
        issue: ctx.opts.issue,
        diff,
        tests: state?.summary ?? 'no test command',
        output: state?.output ?? '',
      };
      const prompt =
        round === 1
          ? renderPrompt('agent/review', { ...vars, diagnostics: await diagnostics(lsp, touched) })
          : renderPrompt('agent/review-again', { ...vars, round });
      // A text format's instructions are added by the loop (once: round 2 goes on the same conversation).
      const run = await runLoop([...messages, { role: 'user', content: prompt }], {
        model: ctx.opts.model,
        tools: toolbox,
        format: reviewFormat(actionFormat(ctx.opts.actionFormat)),
        maxSteps,
      });
      messages = run.messages;
      answerOpenCalls(messages);
      denied.push(...refusals(run));
      if (run.outcome.kind === 'budget_spent') {
        ctx.note(`review: ${run.outcome.error.message}; keeping the selected, validated patch`);
        return {
          patch: winner.patch,
          rounds,
          approved,
          changed: false,
          denied,
          tests: state?.counts ?? null,
          budgetMessage: run.outcome.error.message,
        };
      }
      // Structured: an approve call or a final line that is the word alone, never a substring.
      const last = run.messages.findLast((m) => m.role === 'assistant');
      const verdict = run.outcome.kind === 'answered' && last?.role === 'assistant' ? verdictOf(last) : null;
      approved = verdict?.verdict === 'approve';
      ctx.note(`review verdict: ${verdict?.verdict ?? 'none'}${verdict?.how ? ` (${verdict.how})` : ''}`);
      // An approval that changed nothing needs no second test run: the tests saw this very tree.
      if (!(approved && (await sandbox.diff()) === diff)) state = await check();
      ctx.stage(
        'review',
        `round ${round}: ${approved ? 'approved' : 'changes made or asked for'}; tests: ${state?.summary ?? 'none'}`,
      );
      if (approved && (state?.ok ?? true)) break;
    }
  } finally {
    await lsp?.close().catch(() => {});
  }
  const result: Review = {
    patch: winner.patch,
    rounds,
    approved,
    changed: false,
    denied,
    tests: state?.counts ?? null,
    budgetMessage: null,
  };
  const final = await sandbox.diff();
  if (startOk && state && !state.ok) {
    ctx.note(
      'review: the tests are worse after the review than with the selected patch; keeping the selected patch',
    );
    return { ...result, approved: false };
  }
  const changed = final.trim() !== '' && normalizePatch(final) !== normalizePatch(winner.patch);
  // Unchanged in substance: the selected patch as validated, not git's rewrite of it.
  return { ...result, changed, patch: changed ? final : winner.patch };
}

/** What the policy refused in one loop run, one line each with the rule. */
function refusals(run: LoopResult): string[] {
  return run.actions
    .filter(({ result }) => result.decision && result.decision.decision !== 'allow')
    .map(
      ({ call, result }) =>
        `${call.name} ${call.arguments.slice(0, 100)} (${result.decision!.decision} by rule ${result.decision!.rule ?? '-'})`,
    );
}

interface TestState {
  ok: boolean;
  summary: string;
  output: string;
  counts: { command: string; passed: number; failed: number; ok: boolean };
}

/**
 * The tests (and the kept reproduction test) in the base sandbox as it is now. Ok when
 * everything passes, or when only tests that already failed before any change still fail.
 */
async function checkTests(ctx: RunContext, p: Prepared, v: Validation): Promise<TestState | null> {
  if (!p.env.test) return null;
  const sandbox = p.sandbox;
  const failedBefore = new Set(v.baseline?.failed ?? []);
  const run = await runTests(sandbox, p.env.test, p.env);
  testEvent(ctx, run);
  // As in validation: a test that newly fails is run once more, and one that passes then is
  // flaky (a timing test on a loaded machine), so it neither fails the round nor, later, makes a
  // review's correct edit look worse than the selected patch.
  const newly = run.failed.filter((t) => !failedBefore.has(t));
  const exitOnly = run.failed.length === 0 && run.exitCode !== 0 && v.baseline?.exitCode === 0;
  let failed = run.failed;
  let exitOk = run.exitCode === 0;
  let flaky: string[] = [];
  if (newly.length > 0 || exitOnly) {
    const again = await runTests(sandbox, p.env.test, p.env);
    testEvent(ctx, again);
    const still = new Set(again.failed);
    flaky = newly.filter((t) => !still.has(t));
    failed = run.failed.filter((t) => !flaky.includes(t));
    if (exitOnly && again.exitCode === 0) flaky = [p.env.test];
    exitOk = exitOnly ? again.exitCode === 0 : run.exitCode === 0;
    if (flaky.length) ctx.note(`review: flaky on a rerun, not counted: ${flaky.join(', ')}`);
  }
  let reproOk = true;
  let reproOut = '';
  const repro = v.reproduction;
  if (repro?.kept) {
    await sandbox.writeFile(workspacePath(repro.path), repro.content);
    const r = await runTests(sandbox, repro.command, {
      format: 'exit-code',
      vars: p.env.vars,
      testTimeoutMs: p.env.testTimeoutMs,
    });
    await sandbox.exec(`rm -f -- '${repro.path}'`);
    reproOk = r.exitCode === 0;
    reproOut = `\n--- reproduction test (${repro.path}): ${reproOk ? 'passes' : 'FAILS'}\n${tail(r.output, 20)}`;
  }
  const ok = reproOk && (exitOk || (failed.every((t) => failedBefore.has(t)) && run.failed.length > 0));
  const passed = run.passed.length + (exitOnly ? 0 : flaky.length);
  const flakyNote = flaky.length ? `\n--- flaky (failed once, passed on a rerun): ${flaky.join(', ')}` : '';
  return {
    ok,
    summary: `${passed} passed, ${failed.length} failed, exit ${run.exitCode}${flaky.length ? `, ${flaky.length} flaky` : ''}${repro?.kept ? `, reproduction test ${reproOk ? 'passes' : 'fails'}` : ''}`,
    output: tail(run.output, TAIL) + flakyNote + reproOut,
    counts: { command: run.command, passed, failed: failed.length, ok },
  };
}

/** The language server's diagnostics of the touched files, for the review prompt. */
async function diagnostics(lsp: DiagnosticsSession | undefined, touched: string[]): Promise<string> {
  if (!lsp) return '(no language server for these files)';
  try {
    const d = await lsp.diagnostics(touched);
    const lines = Object.entries(d.diagnostics).flatMap(([file, ds]) =>
      ds.map(
        (x) => `${file}:${x.range.start.line + 1}: ${x.severity === 1 ? 'error' : 'warning'} ${x.message}`,
      ),
    );
    return lines.length ? lines.slice(0, 40).join('\n') : '(none)';
  } catch (err) {
    return `(the language server gave none: ${(err as Error).message})`;
  }
}

function tail(text: string, lines: number): string {
  const all = text.trimEnd().split('\n');
  return (
    all.length > lines ? [`[... ${all.length - lines} earlier lines not shown]`, ...all.slice(-lines)] : all
  ).join('\n');
}
