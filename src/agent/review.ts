import { workspacePath } from '../core/index.js';
import { normalizePatch } from '../code/index.js';
import { DiagnosticsSession, serverForFile } from '../lsp/index.js';
import { renderPrompt, type ChatMessage } from '../model/index.js';
import { PolicyEngine } from '../policy/index.js';
import { Toolbox } from '../tools/index.js';
import { isBudgetError, type RunContext } from './context.js';
import type { Prepared } from './prepare.js';
import { runTests } from './tests.js';
import type { Candidate } from './types.js';
import type { Validation } from './validate.js';

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
 * server's diagnostics, and may fix with the tools (every call through the policy). Repeats
 * while the tests fail or the review asks for changes, up to the round limit. If the review
 * leaves the tests worse than the selected patch did, or the budget runs out mid-review, the
 * selected (validated) patch is what comes out.
 */
export async function review(
  ctx: RunContext,
  p: Prepared,
  winner: Candidate,
  v: Validation,
): Promise<Review> {
  const sandbox = p.sandbox;
  for (const f of winner.files) await sandbox.writeFile(workspacePath(f.path), f.after);
  const policy = ctx.opts.policy ?? (await PolicyEngine.create({ unattended: true }));
  const touched = winner.files.map((f) => f.path);
  const lsp =
    (ctx.opts.rewards ?? true) && touched.some((f) => serverForFile(f))
      ? new DiagnosticsSession(sandbox)
      : undefined;
  const toolbox = new Toolbox({
    sandbox,
    policy,
    trajectory: ctx.trajectory,
    diagnostics: lsp,
    testCommand: p.env.test ? { command: p.env.test } : undefined,
    env: p.env.vars,
  });
  const failedBefore = new Set(v.baseline?.failed ?? []);
  const check = async () => {
    if (!p.env.test) return null;
    const run = await runTests(sandbox, p.env.test, p.env);
    let reproOk = true;
    let reproOut = '';
    const repro = v.reproduction;
    if (repro?.kept) {
      await sandbox.writeFile(workspacePath(repro.path), repro.content);
      const r = await runTests(sandbox, repro.command, { format: 'exit-code', vars: p.env.vars });
      await sandbox.exec(`rm -f -- '${repro.path}'`);
      reproOk = r.exitCode === 0;
      reproOut = `\n--- reproduction test (${repro.path}): ${reproOk ? 'passes' : 'FAILS'}\n${tail(r.output, 20)}`;
    }
    const ok =
      reproOk &&
      (run.exitCode === 0 || (run.failed.every((t) => failedBefore.has(t)) && run.failed.length > 0));
    ctx.trajectory.append({
      type: 'test.result',
      command: run.command,
      passed: run.passed.length,
      failed: run.failed.length,
    });
    return {
      ok,
      summary: `${run.passed.length} passed, ${run.failed.length} failed, exit ${run.exitCode}${repro?.kept ? `, reproduction test ${reproOk ? 'passes' : 'fails'}` : ''}`,
      output: tail(run.output, TAIL) + reproOut,
      counts: { command: run.command, passed: run.passed.length, failed: run.failed.length, ok },
    };
  };
  const diagnostics = async (): Promise<string> => {
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
  };

  const result: Review = {
    patch: winner.patch,
    rounds: 0,
    approved: false,
    changed: false,
    denied: [],
    tests: null,
    budgetMessage: null,
  };
  const maxRounds = ctx.opts.reviewRounds ?? 2;
  const maxSteps = ctx.opts.reviewSteps ?? 8;
  const messages: ChatMessage[] = [{ role: 'system', content: renderPrompt('agent/system') }];
  let state = await check();
  const startOk = state?.ok ?? true;
  result.tests = state?.counts ?? null;
  try {
    for (let round = 1; round <= maxRounds && !ctx.timedOut(); round++) {
      result.rounds = round;
      const diff = await sandbox.diff();
      const vars = {
        issue: ctx.opts.issue,
        diff,
        tests: state?.summary ?? 'no test command',
        output: state?.output ?? '',
      };
      messages.push({
        role: 'user',
        content:
          round === 1
            ? renderPrompt('agent/review', { ...vars, diagnostics: await diagnostics() })
            : renderPrompt('agent/review-again', { ...vars, round }),
      });
      let approved = false;
      for (let step = 0; step < maxSteps; step++) {
        const c = await ctx.opts.model.complete({ messages, tools: [...toolbox.specs] });
        const msg = c.choices[0]!.message;
        messages.push(msg);
        if (!msg.toolCalls?.length) {
          approved = /\bAPPROVE\b/.test(msg.content ?? '');
          break;
        }
        let submitted = false;
        for (const call of msg.toolCalls) {
          const r = await toolbox.run(call);
          messages.push(r.message);
          if (r.decision && r.decision.decision !== 'allow')
            result.denied.push(
              `${call.name} ${call.arguments.slice(0, 100)} (${r.decision.decision} by rule ${r.decision.rule ?? '-'})`,
            );
          if (r.submitted) submitted = true;
        }
        if (submitted) break;
      }
      // An approval that changed nothing needs no second test run: the tests saw this very tree.
      if (!(approved && (await sandbox.diff()) === diff)) state = await check();
      result.tests = state?.counts ?? null;
      result.approved = approved;
      ctx.stage(
        'review',
        `round ${round}: ${approved ? 'approved' : 'changes made or asked for'}; tests: ${state?.summary ?? 'none'}`,
      );
      if (approved && (state?.ok ?? true)) break;
    }
  } catch (err) {
    if (!isBudgetError(err)) throw err;
    result.budgetMessage = err.message;
    ctx.note(`review: ${err.message}; keeping the selected, validated patch`);
    result.patch = winner.patch;
    return result;
  } finally {
    await lsp?.close().catch(() => {});
  }
  const final = await sandbox.diff();
  if (startOk && state && !state.ok) {
    ctx.note(
      'review: the tests are worse after the review than with the selected patch; keeping the selected patch',
    );
    return { ...result, patch: winner.patch, approved: false };
  }
  result.changed = final.trim() !== '' && normalizePatch(final) !== normalizePatch(winner.patch);
  // Unchanged in substance: the selected patch as validated, not git's rewrite of it.
  result.patch = result.changed ? final : winner.patch;
  return result;
}

function tail(text: string, lines: number): string {
  const all = text.trimEnd().split('\n');
  return (
    all.length > lines ? [`[... ${all.length - lines} earlier lines not shown]`, ...all.slice(-lines)] : all
  ).join('\n');
}
