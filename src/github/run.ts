import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DrydockError } from '../core/index.js';
import {
  GitHubClient,
  parseRepository,
  type IssueComment,
  type Permission,
  type ReviewComment,
} from './api.js';
import { asksDrydock, decideTrigger, type IssueRef, type Trigger, type TriggerConfig } from './event.js';
import { runFixCommand, readFixOutput, type FixCommandOptions, type FixRun } from './fix-command.js';
import {
  checkoutBranchTip,
  checkoutDefaultBranch,
  commitAndPush,
  commitOnTop,
  commitsByOthers,
  diffAgainstBase,
  removePersistedCredentials,
  type PushAuth,
} from './git.js';
import type { ActionInputs } from './inputs.js';
import { redact, scrubDir } from './redact.js';
import {
  MARKER,
  failureComment,
  failureReason,
  followUpReply,
  notAllowedComment,
  pullRequestBody,
  pullRequestTitle,
  successComment,
} from './report.js';
import { isResolved } from './summary.js';
import { TrackingComment } from './tracking.js';

export interface ActionContext {
  eventName: string;
  payload: unknown;
  /** owner/name (GITHUB_REPOSITORY). */
  repository: string;
  token: string;
  apiUrl: string;
  serverUrl: string;
  /** The workflow run's page, linked from comments. */
  runUrl?: string;
  /** The checked-out repository (GITHUB_WORKSPACE). */
  workspace: string;
  /** Where the issue text and `drydock fix --out` go; uploaded as the trajectory artifact. */
  outDir: string;
  /** GITHUB_OUTPUT, when set. */
  outputFile?: string;
  inputs: ActionInputs;
  log: (line: string) => void;
  /**
   * On a GitHub runner: fence the agent's output with ::stop-commands:: so a line it prints
   * (which may echo the issue or the repository) cannot act as a workflow command.
   */
  fenceWorkflowCommands?: boolean;
}

export interface ActionOutputs {
  'pull-request-url': string;
  branch: string;
  resolved: 'true' | 'false';
  cost: string;
  /** For the workflow's artifact step: the issue number and the directory to upload. */
  issue: string;
  'out-dir': string;
  /** `true` once the trigger and the actor pass (what --check-only answers). */
  allowed: 'true' | 'false';
}

export interface ActionResult {
  outcome: 'ignored' | 'not-allowed' | 'allowed' | 'resolved' | 'followed-up' | 'failed';
  reason: string;
  outputs: ActionOutputs;
}

export interface ActionDeps {
  runFix: (o: FixCommandOptions) => Promise<FixRun>;
  /** Stop once the trigger and the actor are checked (the action's first step, before the slow setup). */
  checkOnly?: boolean;
}

const WRITE: Permission[] = ['admin', 'maintain', 'write'];

export function branchFor(issue: number): string {
  return `drydock/issue-${issue}`;
}

/** Comments that are discussion: not drydock's own, not a bot's, not a request to drydock. */
function discussion<T extends { body: string; userType: string }>(
  comments: T[],
  triggers: TriggerConfig,
): T[] {
  return comments.filter(
    (c) =>
      !c.body.includes(MARKER) &&
      c.userType !== 'Bot' &&
      !asksDrydock(c.body, { ...triggers, mention: null }),
  );
}

/** The issue as `drydock fix` reads it: title, body, then the discussion (drydock's own comments and commands left out). */
export function issueText(
  issue: IssueRef,
  comments: IssueComment[],
  triggers: TriggerConfig = { label: null, phrase: '/drydock', mention: null, assignee: null },
): string {
  const said = discussion(comments, triggers);
  const parts = [`# ${issue.title}`, '', issue.body.trim() || '(no description)'];
  if (said.length) {
    parts.push('', '## Comments');
    for (const c of said) parts.push('', `**@${c.user}**:`, '', c.body.trim());
  }
  return `${parts.join('\n')}\n`;
}

/** Writes outputs in GITHUB_OUTPUT's multi-line form, which no value can break out of. */
export function writeOutputs(file: string, outputs: ActionOutputs): void {
  let text = '';
  for (const [k, v] of Object.entries(outputs)) text += `${k}<<DRYDOCK_EOF\n${v}\nDRYDOCK_EOF\n`;
  appendFileSync(file, text);
}

/**
 * The task of a follow-up run: the issue, what the pull request changes now, the review
 * feedback, and what the person who asked wants done.
 */
export function followUpText(o: {
  issue: IssueRef;
  pullRequest: number;
  diff: string;
  reviewComments: ReviewComment[];
  conversation: IssueComment[];
  request: string;
  triggers: TriggerConfig;
}): string {
  const parts = [
    `# Follow-up on pull request #${o.pullRequest} for issue #${o.issue.number}: ${o.issue.title}`,
    '',
    'The pull request already changes the code as shown below (those changes are in the working tree now).',
    'Change it further as the feedback asks; keep what the feedback does not question.',
    '',
    '## The issue',
    '',
    o.issue.body.trim() || '(no description)',
    '',
    '## What the pull request changes now',
    '',
    '```diff',
    o.diff.trimEnd() || '(no changes)',
    '```',
  ];
  const review = o.reviewComments.filter((c) => c.userType !== 'Bot' && !c.body.includes(MARKER));
  const talk = discussion(o.conversation, o.triggers);
  if (review.length || talk.length) parts.push('', '## Review feedback');
  for (const c of review) {
    parts.push('', `**@${c.user}** on \`${c.path}\`${c.line ? ` line ${c.line}` : ''}:`);
    if (c.diffHunk) parts.push('', '```diff', c.diffHunk, '```');
    parts.push('', c.body.trim());
  }
  for (const c of talk) parts.push('', `**@${c.user}**:`, '', c.body.trim());
  parts.push('', '## What to do now', '', o.request.trim() || '(address the review feedback above)');
  return `${parts.join('\n')}\n`;
}

/** The request in a triggering comment, without the phrase that triggered it. */
function requestOf(body: string, triggers: TriggerConfig): string {
  let text = body.trim();
  if (triggers.phrase && text.toLowerCase().startsWith(triggers.phrase.toLowerCase()))
    text = text.slice(triggers.phrase.length).replace(/^\s*fix\b/i, '');
  return text.trim();
}

function describeError(e: unknown): string {
  return e instanceof DrydockError && e.fix
    ? `${e.message.replace(/\.$/, '')} (fix: ${e.fix})`
    : e instanceof Error
      ? e.message
      : String(e);
}

export async function runAction(
  ctx: ActionContext,
  deps: ActionDeps = { runFix: runFixCommand },
): Promise<ActionResult> {
  const secrets = [ctx.inputs.apiKey, ctx.token];
  const log = (line: string) => ctx.log(redact(line, secrets));
  const outputs: ActionOutputs = {
    'pull-request-url': '',
    branch: '',
    resolved: 'false',
    cost: '',
    issue: '',
    'out-dir': '',
    allowed: 'false',
  };
  const finish = (r: ActionResult): ActionResult => {
    log(`drydock: ${r.outcome}: ${r.reason}`);
    if (ctx.outputFile) writeOutputs(ctx.outputFile, r.outputs);
    return r;
  };

  const trigger = decideTrigger(ctx.eventName, ctx.payload, ctx.inputs.triggers);
  if (trigger.kind === 'refuse')
    throw new DrydockError(
      trigger.reason,
      'trigger drydock on issues, issue comments or review comments',
      'REFUSED_EVENT',
    );
  if (trigger.kind === 'ignore') return finish({ outcome: 'ignored', reason: trigger.reason, outputs });

  const repo = parseRepository(ctx.repository);
  const api = new GitHubClient(
    repo,
    ctx.token,
    ctx.apiUrl,
    secrets.filter((s): s is string => !!s),
  );
  const session: Session = { ctx, deps, api, log, outputs, finish, secrets };
  if (trigger.kind === 'follow-up') return followUp(session, trigger);
  return issueRun(session, trigger);
}

interface Session {
  ctx: ActionContext;
  deps: ActionDeps;
  api: GitHubClient;
  log: (line: string) => void;
  outputs: ActionOutputs;
  finish: (r: ActionResult) => ActionResult;
  secrets: (string | undefined)[];
}

/** The actor's permission, or null when they may start a run. */
async function refusedPermission(s: Session, actor: string): Promise<Permission | null> {
  if (s.ctx.inputs.allowUsers.some((u) => u.toLowerCase() === actor.toLowerCase())) return null;
  const permission = actor ? await s.api.permission(actor) : 'none';
  return WRITE.includes(permission) ? null : permission;
}

/** Runs `drydock fix` on the workspace as it is, with the tracking comment following its stages. */
async function runAgent(
  s: Session,
  task: string,
  tracking: TrackingComment,
): Promise<{ run: FixRun; patchFile: string | null }> {
  const { ctx, log, secrets } = s;
  mkdirSync(ctx.outDir, { recursive: true });
  s.outputs['out-dir'] = ctx.outDir;
  const issueFile = join(ctx.outDir, 'issue.md');
  writeFileSync(issueFile, redact(task, secrets));
  // File inputs are paths in the repository (the workflow's view); drydock fix runs elsewhere.
  const inRepo = (p: string | undefined) => (p ? resolve(ctx.workspace, p) : p);
  const inputs = { ...ctx.inputs, policy: inRepo(ctx.inputs.policy), script: inRepo(ctx.inputs.script) };
  const fence = randomUUID();
  if (ctx.fenceWorkflowCommands) ctx.log(`::stop-commands::${fence}`);
  const run = await s.deps
    .runFix({
      repo: ctx.workspace,
      issueFile,
      outDir: join(ctx.outDir, 'fix'),
      inputs,
      log: (line) => {
        log(line);
        tracking.onLine(line);
      },
    })
    .finally(() => {
      if (ctx.fenceWorkflowCommands) ctx.log(`::${fence}::`);
    });
  const scrubbed = scrubDir(ctx.outDir, secrets);
  if (scrubbed.length)
    log(`drydock: masked a secret in ${scrubbed.length} file(s) of the run's output before upload`);
  const sum = run.summary;
  s.outputs.cost = sum?.costUsd === null || sum?.costUsd === undefined ? '' : String(sum.costUsd);
  let patchFile = run.patchFile;
  if (!patchFile && sum?.patch.trim()) {
    patchFile = join(run.outDir, 'patch.diff');
    writeFileSync(patchFile, redact(sum.patch.endsWith('\n') ? sum.patch : `${sum.patch}\n`, secrets));
  }
  return { run, patchFile };
}

/** Where the run's HTML report and trajectory are: the artifact action.yml uploads. */
function artifactLine(run: FixRun, issue: number): string {
  const name = `\`drydock-trajectory-issue-${issue}\``;
  return run.report
    ? `The run's report (\`report.html\`) and trajectory are in the ${name} artifact of the workflow run.`
    : `The run's trajectory is in the ${name} artifact of the workflow run.`;
}

/** After the run started: the failure goes to the tracking comment (or a new comment), then the step fails. */
async function reportCrash(
  s: Session,
  e: unknown,
  target: number,
  tracking: TrackingComment | null,
): Promise<never> {
  const why = describeError(e);
  const failed = readFixOutput(join(s.ctx.outDir, 'fix'), null);
  const text = failed.summary
    ? `${failureReason(failed)}\n\nThen: ${why}`
    : `drydock could not finish: ${why}.`;
  if (tracking) await tracking.finish(false, text);
  else
    await s.api
      .comment(target, `${MARKER}\n${text}${s.ctx.runUrl ? `\n\nLogs: ${s.ctx.runUrl}` : ''}`)
      .catch((ce: Error) => s.log(`drydock: could not comment on #${target}: ${ce.message}`));
  if (s.ctx.outputFile) writeOutputs(s.ctx.outputFile, s.outputs);
  throw e;
}

async function issueRun(s: Session, trigger: Extract<Trigger, { kind: 'run' }>): Promise<ActionResult> {
  const { ctx, api, log, outputs, finish, secrets } = s;
  const { issue, actor } = trigger;
  outputs.issue = String(issue.number);
  const refused = await refusedPermission(s, actor);
  if (refused) {
    await api.comment(issue.number, notAllowedComment(actor, refused));
    return finish({
      outcome: 'not-allowed',
      reason: `@${actor} has ${refused} permission and is not in allow-users`,
      outputs,
    });
  }
  outputs.allowed = 'true';
  log(`drydock: #${issue.number} "${issue.title}" (${trigger.via} by @${actor})`);
  if (s.deps.checkOnly) return finish({ outcome: 'allowed', reason: `@${actor} may start a run`, outputs });

  const auth: PushAuth = { token: ctx.token, serverUrl: ctx.serverUrl };
  const branch = branchFor(issue.number);
  let tracking: TrackingComment | null = null;
  try {
    tracking = new TrackingComment(api, issue.number, `working on #${issue.number}`, ctx.runUrl, log);
    await tracking.start();
    const defaultBranch = await api.defaultBranch();
    const removed = await removePersistedCredentials(ctx.workspace);
    if (removed.length)
      log(
        `drydock: removed a persisted token from .git/config (${removed.join(', ')}) before the sandbox copies the repository; use persist-credentials: false`,
      );
    const base = await checkoutDefaultBranch(ctx.workspace, defaultBranch, auth);
    log(`drydock: starting from ${defaultBranch} at ${base.slice(0, 12)}`);
    const text = issueText(issue, await api.issueComments(issue.number), ctx.inputs.triggers);
    const { run, patchFile } = await runAgent(s, text, tracking);
    const sum = run.summary;

    if (sum && isResolved(sum) && patchFile) {
      // The branch is drydock's and a re-run replaces it, unless a person added commits to it.
      const theirs = await commitsByOthers(ctx.workspace, branch, base, auth);
      if (theirs.length)
        throw new DrydockError(
          `${branch} has ${theirs.length} commit(s) by people (${theirs[0]!.slice(0, 12)}…), which a new run would overwrite`,
          `comment ${ctx.inputs.triggers.phrase ?? '/drydock'} on its pull request to have drydock follow up on top of them, or delete the branch to start over`,
          'BRANCH_HAS_OTHERS_COMMITS',
        );
      await commitAndPush({
        dir: ctx.workspace,
        base,
        branch,
        patchFile,
        message: redact(`drydock: fix #${issue.number}\n\n${issue.title}\n\n${sum.message}`.trim(), secrets),
        auth,
      });
      outputs.branch = branch;
      const existing = await api.openPullRequestFor(branch);
      const pr =
        existing ??
        (await api.createDraftPullRequest({
          title: pullRequestTitle(issue),
          head: branch,
          base: defaultBranch,
          body: pullRequestBody(issue, sum, ctx.runUrl, run.report !== null),
        }));
      outputs['pull-request-url'] = pr.url;
      outputs.resolved = 'true';
      await tracking.finish(
        true,
        `${successComment(pr.url, sum).replace(`${MARKER}\n`, '')}\n\n${artifactLine(run, issue.number)}`,
      );
      return finish({
        outcome: 'resolved',
        reason: existing ? `updated ${pr.url}` : `opened ${pr.url}`,
        outputs,
      });
    }

    if (patchFile) {
      // An open PR from an earlier, resolved run keeps its branch; the candidate goes beside it.
      const target = (await api.openPullRequestFor(branch)) ? `${branch}-candidate` : branch;
      await commitAndPush({
        dir: ctx.workspace,
        base,
        branch: target,
        patchFile,
        message: redact(
          `drydock: best candidate for #${issue.number} (not resolved)\n\n${failureReason(run)}`,
          secrets,
        ),
        auth,
      });
      outputs.branch = target;
    }
    await tracking.finish(
      false,
      `${failureComment(run, outputs.branch || null, undefined).replace(`${MARKER}\n`, '')}\n\n${artifactLine(run, issue.number)}`,
    );
    return finish({ outcome: 'failed', reason: failureReason(run), outputs });
  } catch (e) {
    return reportCrash(s, e, issue.number, tracking);
  }
}

async function followUp(s: Session, t: Extract<Trigger, { kind: 'follow-up' }>): Promise<ActionResult> {
  const { ctx, api, log, outputs, finish, secrets } = s;
  const pr = await api.pullRequest(t.pullRequest);
  const m = /^drydock\/issue-(\d+)$/.exec(pr.headRef);
  if (!m || pr.headRepository !== ctx.repository)
    return finish({
      outcome: 'ignored',
      reason: `#${pr.number} is not a drydock pull request (its branch is ${pr.headRepository ?? '?'}:${pr.headRef}); drydock follows up only on its own`,
      outputs,
    });
  const issueNumber = Number(m[1]);
  outputs.issue = String(issueNumber);
  const reply = (body: string) =>
    t.feedback.kind === 'review_comment'
      ? api.replyToReviewComment(pr.number, t.feedback.id, body)
      : api.comment(pr.number, body);
  const refused = await refusedPermission(s, t.actor);
  if (refused) {
    await reply(notAllowedComment(t.actor, refused));
    return finish({
      outcome: 'not-allowed',
      reason: `@${t.actor} has ${refused} permission and is not in allow-users`,
      outputs,
    });
  }
  outputs.allowed = 'true';
  log(`drydock: follow-up on #${pr.number} (${t.feedback.kind} ${t.via} by @${t.actor})`);
  if (s.deps.checkOnly) return finish({ outcome: 'allowed', reason: `@${t.actor} may start a run`, outputs });

  const auth: PushAuth = { token: ctx.token, serverUrl: ctx.serverUrl };
  let tracking: TrackingComment | null = null;
  try {
    tracking = new TrackingComment(api, pr.number, `following up on @${t.actor}'s feedback`, ctx.runUrl, log);
    await tracking.start();
    const removed = await removePersistedCredentials(ctx.workspace);
    if (removed.length) log(`drydock: removed a persisted token from .git/config (${removed.join(', ')})`);
    const tip = await checkoutBranchTip(ctx.workspace, pr.headRef, auth);
    const diff = await diffAgainstBase(ctx.workspace, pr.baseRef, tip, auth);
    await checkoutBranchTip(ctx.workspace, pr.headRef, auth);
    log(`drydock: starting from ${pr.headRef} at ${tip.slice(0, 12)}`);
    const issue = await api.issue(issueNumber);
    const text = followUpText({
      issue,
      pullRequest: pr.number,
      diff,
      reviewComments: await api.reviewComments(pr.number),
      conversation: await api.issueComments(pr.number),
      request: requestOf(t.feedback.body, ctx.inputs.triggers),
      triggers: ctx.inputs.triggers,
    });
    const { run, patchFile } = await runAgent(s, text, tracking);
    const sum = run.summary;
    if (sum && isResolved(sum) && patchFile) {
      const sha = await commitOnTop({
        dir: ctx.workspace,
        tip,
        branch: pr.headRef,
        patchFile,
        message: redact(`drydock: follow-up on #${pr.number}\n\n${sum.message}`.trim(), secrets),
        auth,
      });
      outputs.branch = pr.headRef;
      outputs['pull-request-url'] = pr.url;
      outputs.resolved = 'true';
      const said = followUpReply(sum, sha, pr.headRef);
      await reply(said);
      await tracking.finish(true, `${said.replace(`${MARKER}\n`, '')}\n\n${artifactLine(run, issueNumber)}`);
      return finish({
        outcome: 'followed-up',
        reason: `pushed ${sha.slice(0, 12)} to ${pr.headRef}`,
        outputs,
      });
    }
    const why = failureReason(run);
    await reply(`${MARKER}\n${why}\n\nNothing was pushed to \`${pr.headRef}\`.`);
    await tracking.finish(false, `${why}\n\n${artifactLine(run, issueNumber)}`);
    return finish({ outcome: 'failed', reason: why, outputs });
  } catch (e) {
    return reportCrash(s, e, pr.number, tracking);
  }
}
