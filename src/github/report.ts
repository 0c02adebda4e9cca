import type { IssueRef } from './event.js';
import type { FixRun } from './fix-command.js';
import type { FixSummary } from './summary.js';

/** Every text the action writes on GitHub. Pure, so tests read exactly what a user would. */

export const MARKER = '<!-- drydock -->';

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return 'unknown (the model has no price)';
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

function testsLine(s: FixSummary): string {
  if (!s.tests) return 'No test command ran (none was found or given).';
  return `\`${s.tests.command}\`: ${s.tests.passed} passed, ${s.tests.failed} failed.`;
}

/** Files a unified diff touches, with lines added and removed: `path (+a −r)`. */
export function diffStat(patch: string): { path: string; added: number; removed: number }[] {
  const out: { path: string; added: number; removed: number }[] = [];
  let cur: { path: string; added: number; removed: number } | null = null;
  for (const line of patch.split('\n')) {
    const m = /^diff --git a\/(.+) b\/(.+)$/.exec(line);
    if (m) {
      cur = { path: m[2]!, added: 0, removed: 0 };
      out.push(cur);
    } else if (cur && line.startsWith('+') && !line.startsWith('+++ ')) cur.added++;
    else if (cur && line.startsWith('-') && !line.startsWith('--- ')) cur.removed++;
  }
  return out;
}

export function pullRequestTitle(issue: IssueRef): string {
  return `drydock: ${issue.title || `fix #${issue.number}`}`.slice(0, 250);
}

export function pullRequestBody(
  issue: IssueRef,
  s: FixSummary,
  runUrl: string | undefined,
  hasReport = false,
): string {
  const stat = diffStat(s.patch);
  const files = stat.length
    ? stat.map((f) => `- \`${f.path}\` (+${f.added} −${f.removed})`).join('\n')
    : s.files.length
      ? s.files.map((f) => `- \`${f}\``).join('\n')
      : '- (see the diff)';
  const repro = s.reproductionTest
    ? `Reproduction test \`${s.reproductionTest.path}\`: ${s.reproductionTest.kept ? 'kept, passes with the patch' : `not kept (${s.reproductionTest.reason})`}.`
    : 'Reproduction test: none kept.';
  return [
    MARKER,
    `Fixes #${issue.number}. Opened as a draft by drydock: review it before marking it ready.`,
    '',
    '### What changed',
    s.message ? `${s.message}\n` : '',
    files,
    '',
    '### Tests',
    testsLine(s),
    repro,
    '',
    '### Run',
    `| reward | cost | model | model turns |`,
    `| --- | --- | --- | --- |`,
    `| ${s.reward === null ? 'none' : s.reward.toFixed(3)} | ${formatCost(s.costUsd)} | ${s.scripted ? `${s.model} (scripted, not a real model)` : s.model || 'unknown'} | ${s.turns} |`,
    '',
    runUrl
      ? hasReport
        ? `The report (\`report.html\`: stages, localization, every candidate and why it won or lost, each tool call with its policy decision and its time, CPU and memory) and the trajectory are in the \`drydock-trajectory-issue-${issue.number}\` artifact of [this workflow run](${runUrl}).`
        : `The trajectory (every model request, tool call and policy decision) is the \`drydock-trajectory-issue-${issue.number}\` artifact of [this workflow run](${runUrl}).`
      : '',
  ]
    .filter((l, i, a) => !(l === '' && a[i - 1] === ''))
    .join('\n');
}

export function successComment(pr: string, s: FixSummary): string {
  return `${MARKER}\ndrydock opened a draft pull request: ${pr}\n\n${testsLine(s)} Cost: ${formatCost(s.costUsd)}.`;
}

/** Why a run failed, in one paragraph a maintainer can act on. */
export function failureReason(run: FixRun): string {
  const s = run.summary;
  if (!s) return `drydock could not finish: ${run.problem ?? 'unknown error'}.`;
  const spent = `It spent ${formatCost(s.costUsd)} over ${s.turns} model turns.`;
  const detail = s.message ? ` (${s.message.replace(/\s+/g, ' ').trim().replace(/\.$/, '')})` : '';
  switch (s.status) {
    case 'no_patch':
      return `drydock found no patch for this issue${detail}. ${spent} More detail in the issue (where the bug is, how to reproduce it, the expected behaviour) usually helps.`;
    case 'budget_exceeded':
      return `drydock ran out of budget before a patch passed its checks${detail}. ${spent} Raise \`max-cost\` in the workflow to let it go on.`;
    case 'timeout':
      return `drydock ran out of time before a patch passed its checks${detail}. ${spent} Raise \`timeout-minutes\` in the workflow to let it go on.`;
    case 'error':
      return `drydock stopped on an error${detail}. ${spent}`;
    case 'patched':
      return s.patch.trim()
        ? `drydock's best patch still fails tests: ${testsLine(s)} ${spent}`
        : `drydock finished without a patch${detail}. ${spent}`;
  }
}

export function failureComment(run: FixRun, branch: string | null, runUrl: string | undefined): string {
  const parts = [MARKER, failureReason(run)];
  if (branch) parts.push(`\nThe best candidate is on the branch \`${branch}\`; no pull request was opened.`);
  if (runUrl) parts.push(`\nLogs and the trajectory: ${runUrl}`);
  return parts.join('\n');
}

export function notAllowedComment(actor: string, permission: string): string {
  return `${MARKER}\nThanks @${actor}! drydock runs only for people with write access to this repository (yours is \`${permission}\`), or users a maintainer lists in the workflow's \`allow-users\`. Nothing was started; a maintainer can label the issue or comment \`/drydock fix\` to start a run.`;
}
