import { describe, expect, it } from 'vitest';
import {
  asksDrydock,
  decideTrigger,
  parseUserList,
  readInputs,
  type TriggerConfig,
} from '../../src/github/index.js';
import { commentEvent, example, labeledEvent } from './helpers.js';

const opts: TriggerConfig = { label: 'drydock', phrase: '/drydock', mention: null, assignee: null };
const all: TriggerConfig = {
  label: 'drydock',
  phrase: '/drydock',
  mention: 'drydock-bot',
  assignee: 'drydock-bot',
};
const none: TriggerConfig = { label: null, phrase: null, mention: null, assignee: null };

type Obj = Record<string, Record<string, unknown>>;

function onPullRequest(body: string, sender: string): Obj {
  const e = commentEvent(body, sender) as Obj;
  e.issue!.pull_request = { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1' };
  return e;
}

function reviewComment(body: string, sender: string, action = 'created'): Obj {
  const e = example('pull_request_review_comment', action) as Obj;
  e.comment!.body = body;
  (e.comment!.user as Record<string, unknown>).login = sender;
  e.sender!.login = sender;
  return e;
}

function review(body: string | null, sender: string): Obj {
  const e = example('pull_request_review', 'submitted') as Obj;
  e.review!.body = body;
  (e.review!.user as Record<string, unknown>).login = sender;
  e.sender!.login = sender;
  return e;
}

function assigned(to: string, sender: string): Obj {
  const e = example('issues', 'assigned') as Obj;
  (e.assignee as Record<string, unknown>).login = to;
  e.sender!.login = sender;
  return e;
}

describe('triggers (payloads from GitHub webhook examples)', () => {
  it('runs on an issue labelled with the configured label, for the labelling user', () => {
    const t = decideTrigger('issues', labeledEvent('drydock', 'maintainer'), opts);
    expect(t).toMatchObject({ kind: 'run', via: 'label', actor: 'maintainer', issue: { number: 1 } });
    if (t.kind === 'run') expect(t.issue.title).toBe('Spelling error in the README file');
  });

  it('ignores other labels, and honours a configured label', () => {
    expect(decideTrigger('issues', labeledEvent('bug', 'm'), opts).kind).toBe('ignore');
    expect(decideTrigger('issues', labeledEvent('fix-me', 'm'), { ...opts, label: 'fix-me' }).kind).toBe(
      'run',
    );
  });

  it('ignores other issue actions', () => {
    expect(decideTrigger('issues', example('issues', 'opened'), opts)).toMatchObject({ kind: 'ignore' });
    expect(decideTrigger('issues', example('issues', 'unlabeled'), opts)).toMatchObject({ kind: 'ignore' });
  });

  it('runs on a new comment whose first line starts with the phrase (/drydock fix included)', () => {
    expect(decideTrigger('issue_comment', commentEvent('/drydock fix', 'm'), opts)).toMatchObject({
      kind: 'run',
      via: 'phrase',
      actor: 'm',
    });
    expect(decideTrigger('issue_comment', commentEvent('  /drydock please\nthanks', 'm'), opts).kind).toBe(
      'run',
    );
    expect(decideTrigger('issue_comment', commentEvent('/drydock', 'm'), opts).kind).toBe('run');
    expect(
      decideTrigger('issue_comment', commentEvent('/bot go', 'm'), { ...opts, phrase: '/bot' }).kind,
    ).toBe('run');
  });

  it('ignores comments that only contain the phrase, or a longer word', () => {
    expect(decideTrigger('issue_comment', commentEvent('try /drydock fix', 'm'), opts).kind).toBe('ignore');
    expect(decideTrigger('issue_comment', commentEvent('/drydockery', 'm'), opts).kind).toBe('ignore');
  });

  it('runs on an @-mention of the configured handle, and only of it', () => {
    expect(
      decideTrigger('issue_comment', commentEvent('hey @drydock-bot can you fix this?', 'm'), all),
    ).toMatchObject({
      kind: 'run',
      via: 'mention',
    });
    for (const body of [
      'mail me at me@drydock-bot.example', // an address
      'ask @drydock-bot-two', // a longer handle
      '@drydock-bot/team please', // a team
      '> @drydock-bot fix\nquoted, not asked', // a quote
    ])
      expect(decideTrigger('issue_comment', commentEvent(body, 'm'), all).kind, body).toBe('ignore');
    expect(decideTrigger('issue_comment', commentEvent('@drydock-bot fix', 'm'), opts).kind).toBe('ignore'); // off
  });

  it('runs when an issue is assigned to the configured user, not to anyone else', () => {
    expect(decideTrigger('issues', assigned('drydock-bot', 'boss'), all)).toMatchObject({
      kind: 'run',
      via: 'assignee',
      actor: 'boss',
    });
    expect(decideTrigger('issues', assigned('Codertocat', 'boss'), all).kind).toBe('ignore');
    expect(decideTrigger('issues', assigned('drydock-bot', 'boss'), opts).kind).toBe('ignore'); // off
  });

  it('does nothing for a trigger that is turned off', () => {
    expect(decideTrigger('issues', labeledEvent('drydock', 'm'), none).kind).toBe('ignore');
    expect(decideTrigger('issue_comment', commentEvent('/drydock fix', 'm'), none).kind).toBe('ignore');
    expect(decideTrigger('pull_request_review_comment', reviewComment('/drydock fix', 'm'), none).kind).toBe(
      'ignore',
    );
  });

  it('never triggers on an edited comment, a bot comment or drydock tracking comment', () => {
    const edited = example('issue_comment', 'edited') as Obj;
    edited.comment!.body = '/drydock fix';
    expect(decideTrigger('issue_comment', edited, all).kind).toBe('ignore');
    expect(
      decideTrigger('pull_request_review_comment', reviewComment('/drydock', 'm', 'edited'), all).kind,
    ).toBe('ignore');
    const bot = commentEvent('/drydock fix', 'github-actions[bot]') as Obj;
    (bot.comment!.user as Record<string, unknown>).type = 'Bot';
    expect(decideTrigger('issue_comment', bot, all)).toMatchObject({ kind: 'ignore', reason: /bot/ });
    const tracking = commentEvent('/drydock fix\n<!-- drydock -->\n- [x] Localize', 'someone');
    expect(decideTrigger('issue_comment', tracking, all)).toMatchObject({
      kind: 'ignore',
      reason: /drydock's own/,
    });
  });

  it('asks for a follow-up on a pull-request comment, a review comment and a submitted review', () => {
    expect(decideTrigger('issue_comment', onPullRequest('/drydock rename x to y', 'm'), opts)).toMatchObject({
      kind: 'follow-up',
      pullRequest: 1,
      feedback: { kind: 'comment', body: '/drydock rename x to y' },
    });
    expect(
      decideTrigger(
        'pull_request_review_comment',
        reviewComment('@drydock-bot use a constant here', 'm'),
        all,
      ),
    ).toMatchObject({
      kind: 'follow-up',
      via: 'mention',
      pullRequest: 2,
      headRef: 'changes',
      sameRepository: true,
      feedback: { kind: 'review_comment', path: 'README.md' },
    });
    expect(
      decideTrigger('pull_request_review', review('/drydock please add a test', 'm'), opts),
    ).toMatchObject({
      kind: 'follow-up',
      feedback: { kind: 'review' },
    });
    expect(decideTrigger('pull_request_review', review(null, 'm'), opts).kind).toBe('ignore');
  });

  it('refuses pull_request_target from a fork, ignores it from the same repository', () => {
    const same = example('pull_request', 'opened');
    expect(decideTrigger('pull_request_target', same, opts).kind).toBe('ignore');
    const fork = example('pull_request', 'opened') as {
      pull_request: { head: { repo: Record<string, unknown> } };
    };
    fork.pull_request.head.repo.fork = true;
    fork.pull_request.head.repo.full_name = 'someone/Hello-World';
    expect(decideTrigger('pull_request_target', fork, opts)).toMatchObject({
      kind: 'refuse',
      reason: expect.stringMatching(/fork/),
    });
  });

  it('ignores events that are not triggers', () => {
    expect(decideTrigger('push', example('workflow_dispatch', undefined), opts).kind).toBe('ignore');
    expect(decideTrigger('issues', example('issues', 'labeled'), opts).kind).toBe('ignore'); // label "bug"
  });
});

describe('inputs', () => {
  it('reads INPUT_ names with hyphens or underscores, and flags win', () => {
    const i = readInputs(
      {
        'INPUT_ALLOW-USERS': '@alice, dependabot[bot]\nbob',
        INPUT_MAX_COST: '2.5',
        INPUT_CANDIDATES: '3',
        INPUT_LABEL: '',
        'INPUT_MAX-TURNS': '12',
        INPUT_TOOLS: 'tests-only',
      },
      { candidates: '5' },
    );
    expect(i).toMatchObject({
      allowUsers: ['alice', 'dependabot[bot]', 'bob'],
      maxCost: 2.5,
      candidates: 5,
      label: 'drydock',
      timeoutMinutes: 30,
      maxTurns: 12,
      tools: 'tests-only',
      triggers: { label: 'drydock', phrase: '/drydock', mention: null, assignee: null },
    });
  });

  it('turns triggers off and on from inputs', () => {
    const i = readInputs({
      INPUT_LABEL: 'off',
      'INPUT_TRIGGER-PHRASE': 'false',
      INPUT_MENTION: '@my-bot',
      INPUT_ASSIGNEE: 'my-bot',
    });
    expect(i.triggers).toEqual({ label: null, phrase: null, mention: 'my-bot', assignee: 'my-bot' });
  });

  it('refuses a number input that is not one, and an unknown tools preset, naming the input', () => {
    expect(() => readInputs({ INPUT_CANDIDATES: '2.5' })).toThrow(/candidates/);
    expect(() => readInputs({ 'INPUT_TIMEOUT-MINUTES': 'soon' })).toThrow(/timeout-minutes/);
    expect(() => readInputs({ INPUT_TOOLS: 'everything' })).toThrow(/tools/);
    expect(() => readInputs({ 'INPUT_MAX-TURNS': '0' })).toThrow(/max-turns/);
  });

  it('parses user lists and trigger phrases', () => {
    expect(parseUserList(' a,,b  c ')).toEqual(['a', 'b', 'c']);
    expect(asksDrydock('/drydock fix', opts)).toBe('phrase');
    expect(asksDrydock(null, all)).toBe(null);
  });
});
