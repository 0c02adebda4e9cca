/**
 * What a GitHub event asks drydock to do. Pure: the payload in, a decision out.
 * The payload fields read here are the ones GitHub's published webhook examples carry.
 */

export const COMMAND_PHRASE = '/drydock fix';

export interface IssueRef {
  number: number;
  title: string;
  body: string;
  /** The issue's author, for the record only; who may start a run is the actor. */
  author: string;
}

export type Trigger =
  | { kind: 'run'; via: 'label' | 'comment'; issue: IssueRef; actor: string; commentId?: number }
  | { kind: 'ignore'; reason: string }
  | { kind: 'refuse'; reason: string };

interface User {
  login?: string;
}
interface Payload {
  action?: string;
  label?: { name?: string };
  issue?: { number?: number; title?: string; body?: string | null; user?: User; pull_request?: unknown };
  comment?: { id?: number; body?: string | null; user?: User };
  sender?: User;
  pull_request?: {
    head?: { repo?: { full_name?: string; fork?: boolean } | null };
    base?: { repo?: { full_name?: string } };
  };
  repository?: { full_name?: string };
}

/** True when the comment asks for a run: its first line is `/drydock fix`, optionally followed by words. */
export function isFixCommand(body: string | null | undefined): boolean {
  const first = (body ?? '').trimStart().split('\n', 1)[0]!.trimEnd();
  return first === COMMAND_PHRASE || first.startsWith(`${COMMAND_PHRASE} `);
}

export function decideTrigger(eventName: string, payload: unknown, opts: { label: string }): Trigger {
  const p = (payload ?? {}) as Payload;
  if (eventName === 'pull_request_target') {
    const head = p.pull_request?.head?.repo;
    const fromFork = !head || head.fork === true || head.full_name !== p.pull_request?.base?.repo?.full_name;
    if (fromFork)
      return {
        kind: 'refuse',
        reason:
          'drydock does not run on pull_request_target events from forks: that event runs with write access and secrets on code the fork controls',
      };
    return { kind: 'ignore', reason: 'drydock runs on issues, not on pull_request_target events' };
  }
  if (eventName !== 'issues' && eventName !== 'issue_comment')
    return { kind: 'ignore', reason: `event ${eventName} is not a drydock trigger (issues, issue_comment)` };
  const issue = p.issue;
  if (!issue || typeof issue.number !== 'number')
    return { kind: 'ignore', reason: 'the event carries no issue' };
  if (issue.pull_request)
    return { kind: 'ignore', reason: `#${issue.number} is a pull request; drydock fixes issues` };
  const ref: IssueRef = {
    number: issue.number,
    title: issue.title ?? '',
    body: issue.body ?? '',
    author: issue.user?.login ?? '',
  };
  const actor = p.sender?.login ?? '';
  if (eventName === 'issues') {
    if (p.action !== 'labeled') return { kind: 'ignore', reason: `issues.${p.action} is not a trigger` };
    if (p.label?.name !== opts.label)
      return { kind: 'ignore', reason: `label "${p.label?.name ?? ''}" is not "${opts.label}"` };
    return { kind: 'run', via: 'label', issue: ref, actor };
  }
  if (p.action !== 'created') return { kind: 'ignore', reason: `issue_comment.${p.action} is not a trigger` };
  if (!isFixCommand(p.comment?.body))
    return { kind: 'ignore', reason: `the comment does not start with ${COMMAND_PHRASE}` };
  return { kind: 'run', via: 'comment', issue: ref, actor, commentId: p.comment?.id };
}
