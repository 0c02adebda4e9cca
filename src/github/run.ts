import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DrydockError } from '../core/index.js';
import { GitHubClient, parseRepository, type IssueComment, type Permission } from './api.js';
import { decideTrigger, isFixCommand, type IssueRef } from './event.js';
import { runFixCommand, readFixOutput, type FixCommandOptions, type FixRun } from './fix-command.js';
import { checkoutDefaultBranch, commitAndPush, removePersistedCredentials, type PushAuth } from './git.js';
import type { ActionInputs } from './inputs.js';
import { redact, scrubDir } from './redact.js';
import {
  MARKER,
  failureComment,
  failureReason,
  notAllowedComment,
  pullRequestBody,
  pullRequestTitle,
  successComment,
} from './report.js';
import { isResolved } from './summary.js';

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
  outcome: 'ignored' | 'not-allowed' | 'allowed' | 'resolved' | 'failed';
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

/** The issue as `drydock fix` reads it: title, body, then the discussion (drydock's own comments and commands left out). */
export function issueText(issue: IssueRef, comments: IssueComment[]): string {
  const discussion = comments.filter((c) => !c.body.includes(MARKER) && !isFixCommand(c.body));
  const parts = [`# ${issue.title}`, '', issue.body.trim() || '(no description)'];
  if (discussion.length) {
    parts.push('', '## Comments');
    for (const c of discussion) parts.push('', `**@${c.user}**:`, '', c.body.trim());
  }
  return `${parts.join('\n')}\n`;
}

/** Writes outputs in GITHUB_OUTPUT's multi-line form, which no value can break out of. */
export function writeOutputs(file: string, outputs: ActionOutputs): void {
  let text = '';
  for (const [k, v] of Object.entries(outputs)) text += `${k}<<DRYDOCK_EOF\n${v}\nDRYDOCK_EOF\n`;
  appendFileSync(file, text);
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

  const trigger = decideTrigger(ctx.eventName, ctx.payload, { label: ctx.inputs.label });
  if (trigger.kind === 'refuse')
    throw new DrydockError(
      trigger.reason,
      'trigger drydock on issues or issue_comment events',
      'REFUSED_EVENT',
    );
  if (trigger.kind === 'ignore') return finish({ outcome: 'ignored', reason: trigger.reason, outputs });
  const { issue, actor } = trigger;
  outputs.issue = String(issue.number);

  const repo = parseRepository(ctx.repository);
  const api = new GitHubClient(
    repo,
    ctx.token,
    ctx.apiUrl,
    secrets.filter((s): s is string => !!s),
  );

  const listed = ctx.inputs.allowUsers.some((u) => u.toLowerCase() === actor.toLowerCase());
  if (!listed) {
    const permission = actor ? await api.permission(actor) : 'none';
    if (!WRITE.includes(permission)) {
      await api.comment(issue.number, notAllowedComment(actor, permission));
      return finish({
        outcome: 'not-allowed',
        reason: `@${actor} has ${permission} permission and is not in allow-users`,
        outputs,
      });
    }
  }
  outputs.allowed = 'true';
  log(`drydock: #${issue.number} "${issue.title}" (${trigger.via} by @${actor})`);
  if (deps.checkOnly) return finish({ outcome: 'allowed', reason: `@${actor} may start a run`, outputs });

  const auth: PushAuth = { token: ctx.token, serverUrl: ctx.serverUrl };
  const branch = branchFor(issue.number);
  let run: FixRun | null = null;
  try {
    const defaultBranch = await api.defaultBranch();
    const removed = await removePersistedCredentials(ctx.workspace);
    if (removed.length)
      log(
        `drydock: removed a persisted token from .git/config (${removed.join(', ')}) before the sandbox copies the repository; use persist-credentials: false`,
      );
    const base = await checkoutDefaultBranch(ctx.workspace, defaultBranch, auth);
    log(`drydock: starting from ${defaultBranch} at ${base.slice(0, 12)}`);

    mkdirSync(ctx.outDir, { recursive: true });
    outputs['out-dir'] = ctx.outDir;
    const issueFile = join(ctx.outDir, 'issue.md');
    writeFileSync(issueFile, redact(issueText(issue, await api.issueComments(issue.number)), secrets));
    // File inputs are paths in the repository (the workflow's view); drydock fix runs elsewhere.
    const inRepo = (p: string | undefined) => (p ? resolve(ctx.workspace, p) : p);
    const inputs = { ...ctx.inputs, policy: inRepo(ctx.inputs.policy), script: inRepo(ctx.inputs.script) };
    const fence = randomUUID();
    if (ctx.fenceWorkflowCommands) ctx.log(`::stop-commands::${fence}`);
    run = await deps
      .runFix({
        repo: ctx.workspace,
        issueFile,
        outDir: join(ctx.outDir, 'fix'),
        inputs,
        log,
      })
      .finally(() => {
        if (ctx.fenceWorkflowCommands) ctx.log(`::${fence}::`);
      });
    const scrubbed = scrubDir(ctx.outDir, secrets);
    if (scrubbed.length)
      log(`drydock: masked a secret in ${scrubbed.length} file(s) of the run's output before upload`);
    const s = run.summary;
    outputs.cost = s?.costUsd === null || s?.costUsd === undefined ? '' : String(s.costUsd);

    let patchFile = run.patchFile;
    if (!patchFile && s?.patch.trim()) {
      patchFile = join(run.outDir, 'patch.diff');
      writeFileSync(patchFile, redact(s.patch.endsWith('\n') ? s.patch : `${s.patch}\n`, secrets));
    }

    if (s && isResolved(s) && patchFile) {
      await commitAndPush({
        dir: ctx.workspace,
        base,
        branch,
        patchFile,
        message: redact(`drydock: fix #${issue.number}\n\n${issue.title}\n\n${s.message}`.trim(), secrets),
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
          body: pullRequestBody(issue, s, ctx.runUrl, run.report !== null),
        }));
      outputs['pull-request-url'] = pr.url;
      outputs.resolved = 'true';
      await api.comment(issue.number, successComment(pr.url, s));
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
    await api.comment(issue.number, failureComment(run, outputs.branch || null, ctx.runUrl));
    return finish({ outcome: 'failed', reason: failureReason(run), outputs });
  } catch (e) {
    // The run started, so the issue hears about the failure, whatever it was.
    const why =
      e instanceof DrydockError && e.fix
        ? `${e.message.replace(/\.$/, '')} (fix: ${e.fix})`
        : e instanceof Error
          ? e.message
          : String(e);
    const failed = run ?? readFixOutput(join(ctx.outDir, 'fix'), null);
    const text = failed.summary ? failureReason(failed) : `drydock could not finish: ${why}.`;
    await api
      .comment(
        issue.number,
        `${MARKER}\n${text}${failed.summary ? `\n\nThen: ${why}` : ''}${ctx.runUrl ? `\n\nLogs: ${ctx.runUrl}` : ''}`,
      )
      .catch((ce: Error) => log(`drydock: could not comment on #${issue.number}: ${ce.message}`));
    if (ctx.outputFile) writeOutputs(ctx.outputFile, outputs);
    throw e;
  }
}
