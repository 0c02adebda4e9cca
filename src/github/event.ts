/**
 * What a GitHub event asks drydock to do. Pure: the payload in, a decision out.
 * The payload fields read here are the ones GitHub's published webhook examples carry.
 */

/** Marks every comment drydock writes, so none of them is read as a request or as discussion. */
export const MARKER = '<!-- drydock -->';

/** The default trigger phrase: a comment starting with it asks for a run (`/drydock fix` included). */
export const DEFAULT_PHRASE = '/drydock';

/** Which triggers are on; `null` turns one off. */
export interface TriggerConfig {
  /** Adding this label to an issue starts a run. */
  label: string | null;
  /** A comment whose first line starts with this phrase. */
  phrase: string | null;
  /** A comment that mentions `@handle` (without the `@`). */
  mention: string | null;
  /** Assigning an issue to this user. */
  assignee: string | null;
}

export interface IssueRef {
  number: number;
  title: string;
  body: string;
  /** The issue's author, for the record only; who may start a run is the actor. */
  author: string;
}

export type Via = 'label' | 'phrase' | 'mention' | 'assignee';

/** A comment on a pull request that asks drydock to act on it. */
export interface Feedback {
  kind: 'review_comment' | 'comment' | 'review';
  id: number;
  body: string;
  /** Review comments: the file and the diff hunk the comment sits on. */
  path?: string;
  diffHunk?: string;
}

export type Trigger =
  | { kind: 'run'; via: Via; issue: IssueRef; actor: string; commentId?: number }
  | {
      kind: 'follow-up';
      via: 'phrase' | 'mention';
      pullRequest: number;
      /** The head branch when the event carries it (review events); comment events need a look-up. */
      headRef?: string;
      /** False when the event says the head lives in another repository (a fork). */
      sameRepository?: boolean;
      feedback: Feedback;
      actor: string;
    }
  | { kind: 'ignore'; reason: string }
  | { kind: 'refuse'; reason: string };

interface User {
  login?: string;
  type?: string;
}
interface Payload {
  action?: string;
  label?: { name?: string };
  assignee?: User | null;
  issue?: { number?: number; title?: string; body?: string | null; user?: User; pull_request?: unknown };
  comment?: {
    id?: number;
    body?: string | null;
    user?: User;
    path?: string;
    diff_hunk?: string;
  };
  review?: { id?: number; body?: string | null; user?: User };
  sender?: User;
  pull_request?: {
    number?: number;
    head?: { ref?: string; repo?: { full_name?: string; fork?: boolean } | null };
    base?: { repo?: { full_name?: string } };
  };
  repository?: { full_name?: string };
}

/** An input that turns a trigger off. */
export function isOff(text: string | undefined): boolean {
  return text !== undefined && /^(off|false|none|no|disabled?)$/i.test(text.trim());
}

/**
 * True when the comment asks drydock: its first line starts with the phrase (as a whole word:
 * `/drydock` and `/drydock fix`, not `/drydockery`), or a line outside quotes mentions `@handle`.
 */
export function asksDrydock(
  body: string | null | undefined,
  cfg: TriggerConfig,
): 'phrase' | 'mention' | null {
  const text = body ?? '';
  if (cfg.phrase) {
    const first = text.trimStart().split('\n', 1)[0]!.trimEnd();
    const rest = first.slice(cfg.phrase.length);
    if (first.toLowerCase().startsWith(cfg.phrase.toLowerCase()) && (rest === '' || /^\s/.test(rest)))
      return 'phrase';
  }
  if (cfg.mention) {
    const handle = cfg.mention.replace(/^@/, '').toLowerCase();
    for (const line of text.split('\n')) {
      if (line.trimStart().startsWith('>')) continue; // a quote of someone else's words
      const lower = line.toLowerCase();
      let at = lower.indexOf(`@${handle}`);
      while (at >= 0) {
        const before = at === 0 ? '' : lower[at - 1]!;
        const after = lower[at + handle.length + 1] ?? '';
        // `@handle` as a word: not an e-mail address, not a longer handle, not a team (`@handle/x`).
        if (!/[a-z0-9_.-]/.test(before) && !/[a-z0-9_/-]/.test(after)) return 'mention';
        at = lower.indexOf(`@${handle}`, at + 1);
      }
    }
  }
  return null;
}

/** Comments no run may start from: a bot's (drydock's own included) and drydock's tracking comments. */
function fromBotOrDrydock(user: User | undefined, sender: User | undefined, body: string): string | null {
  const bot = (u: User | undefined) => u?.type === 'Bot' || (u?.login ?? '').endsWith('[bot]');
  if (bot(user) || bot(sender)) return 'the comment is from a bot';
  if (body.includes(MARKER)) return "the comment is drydock's own";
  return null;
}

export function decideTrigger(eventName: string, payload: unknown, cfg: TriggerConfig): Trigger {
  const p = (payload ?? {}) as Payload;
  const actor = p.sender?.login ?? '';
  if (eventName === 'pull_request_target') {
    const head = p.pull_request?.head?.repo;
    const fromFork = !head || head.fork === true || head.full_name !== p.pull_request?.base?.repo?.full_name;
    if (fromFork)
      return {
        kind: 'refuse',
        reason:
          'drydock does not run on pull_request_target events from forks: that event runs with write access and secrets on code the fork controls',
      };
    return {
      kind: 'ignore',
      reason: 'drydock runs on issues and comments, not on pull_request_target events',
    };
  }

  if (eventName === 'pull_request_review_comment' || eventName === 'pull_request_review') {
    const review = eventName === 'pull_request_review';
    const wanted = review ? 'submitted' : 'created';
    if (p.action !== wanted) return { kind: 'ignore', reason: `${eventName}.${p.action} is not a trigger` };
    const c = review ? p.review : p.comment;
    const body = c?.body ?? '';
    const why = fromBotOrDrydock(c?.user, p.sender, body);
    if (why) return { kind: 'ignore', reason: why };
    const via = asksDrydock(body, cfg);
    if (!via)
      return { kind: 'ignore', reason: `the ${review ? 'review' : 'review comment'} does not ask drydock` };
    const pr = p.pull_request;
    if (typeof pr?.number !== 'number')
      return { kind: 'ignore', reason: 'the event carries no pull request' };
    return {
      kind: 'follow-up',
      via,
      pullRequest: pr.number,
      headRef: pr.head?.ref,
      sameRepository:
        !!pr.head?.repo && pr.head.repo.full_name === (pr.base?.repo?.full_name ?? p.repository?.full_name),
      feedback: {
        kind: review ? 'review' : 'review_comment',
        id: c?.id ?? 0,
        body,
        path: review ? undefined : p.comment?.path,
        diffHunk: review ? undefined : p.comment?.diff_hunk,
      },
      actor,
    };
  }

  if (eventName !== 'issues' && eventName !== 'issue_comment')
    return {
      kind: 'ignore',
      reason: `event ${eventName} is not a drydock trigger (issues, issue_comment, pull_request_review_comment, pull_request_review)`,
    };
  const issue = p.issue;
  if (!issue || typeof issue.number !== 'number')
    return { kind: 'ignore', reason: 'the event carries no issue' };
  const ref: IssueRef = {
    number: issue.number,
    title: issue.title ?? '',
    body: issue.body ?? '',
    author: issue.user?.login ?? '',
  };

  if (eventName === 'issues') {
    if (issue.pull_request)
      return { kind: 'ignore', reason: `#${issue.number} is a pull request; drydock fixes issues` };
    if (p.action === 'labeled') {
      if (!cfg.label) return { kind: 'ignore', reason: 'the label trigger is off' };
      if (p.label?.name !== cfg.label)
        return { kind: 'ignore', reason: `label "${p.label?.name ?? ''}" is not "${cfg.label}"` };
      return { kind: 'run', via: 'label', issue: ref, actor };
    }
    if (p.action === 'assigned') {
      if (!cfg.assignee) return { kind: 'ignore', reason: 'the assignee trigger is off' };
      const to = p.assignee?.login ?? '';
      if (to.toLowerCase() !== cfg.assignee.replace(/^@/, '').toLowerCase())
        return { kind: 'ignore', reason: `#${issue.number} was assigned to @${to}, not @${cfg.assignee}` };
      return { kind: 'run', via: 'assignee', issue: ref, actor };
    }
    return { kind: 'ignore', reason: `issues.${p.action} is not a trigger` };
  }

  if (p.action !== 'created') return { kind: 'ignore', reason: `issue_comment.${p.action} is not a trigger` };
  const body = p.comment?.body ?? '';
  const why = fromBotOrDrydock(p.comment?.user, p.sender, body);
  if (why) return { kind: 'ignore', reason: why };
  const via = asksDrydock(body, cfg);
  if (!via) return { kind: 'ignore', reason: 'the comment does not ask drydock' };
  if (issue.pull_request)
    return {
      kind: 'follow-up',
      via,
      pullRequest: issue.number,
      feedback: { kind: 'comment', id: p.comment?.id ?? 0, body },
      actor,
    };
  return { kind: 'run', via, issue: ref, actor, commentId: p.comment?.id };
}
