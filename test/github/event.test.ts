import { describe, expect, it } from 'vitest';
import { decideTrigger, isFixCommand, parseUserList, readInputs } from '../../src/github/index.js';
import { commentEvent, example, labeledEvent } from './helpers.js';

const opts = { label: 'drydock' };

describe('triggers (payloads from GitHub webhook examples)', () => {
  it('runs on an issue labelled with the configured label, for the labelling user', () => {
    const t = decideTrigger('issues', labeledEvent('drydock', 'maintainer'), opts);
    expect(t).toMatchObject({ kind: 'run', via: 'label', actor: 'maintainer', issue: { number: 1 } });
    if (t.kind === 'run') expect(t.issue.title).toBe('Spelling error in the README file');
  });

  it('ignores other labels, and honours a configured label', () => {
    expect(decideTrigger('issues', labeledEvent('bug', 'm'), opts).kind).toBe('ignore');
    expect(decideTrigger('issues', labeledEvent('fix-me', 'm'), { label: 'fix-me' }).kind).toBe('run');
  });

  it('ignores other issue actions', () => {
    expect(decideTrigger('issues', example('issues', 'opened'), opts)).toMatchObject({ kind: 'ignore' });
    expect(decideTrigger('issues', example('issues', 'unlabeled'), opts)).toMatchObject({ kind: 'ignore' });
  });

  it('runs on a new comment whose first line is /drydock fix', () => {
    expect(decideTrigger('issue_comment', commentEvent('/drydock fix', 'm'), opts)).toMatchObject({
      kind: 'run',
      via: 'comment',
      actor: 'm',
    });
    expect(
      decideTrigger('issue_comment', commentEvent('  /drydock fix please\nthanks', 'm'), opts).kind,
    ).toBe('run');
  });

  it('ignores comments that only mention the command, edited comments and comments on pull requests', () => {
    expect(decideTrigger('issue_comment', commentEvent('try /drydock fix', 'm'), opts).kind).toBe('ignore');
    expect(decideTrigger('issue_comment', commentEvent('/drydock fixed it', 'm'), opts).kind).toBe('ignore');
    const edited = example('issue_comment', 'edited') as Record<string, Record<string, unknown>>;
    edited.comment!.body = '/drydock fix';
    expect(decideTrigger('issue_comment', edited, opts).kind).toBe('ignore');
    const onPr = commentEvent('/drydock fix', 'm') as Record<string, Record<string, unknown>>;
    onPr.issue!.pull_request = { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1' };
    expect(decideTrigger('issue_comment', onPr, opts)).toMatchObject({
      kind: 'ignore',
      reason: expect.stringMatching(/pull request/),
    });
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
      },
      { candidates: '5' },
    );
    expect(i).toMatchObject({
      allowUsers: ['alice', 'dependabot[bot]', 'bob'],
      maxCost: 2.5,
      candidates: 5,
      label: 'drydock',
      timeoutMinutes: 30,
    });
  });

  it('refuses a number input that is not one, naming the input', () => {
    expect(() => readInputs({ INPUT_CANDIDATES: '2.5' })).toThrow(/candidates/);
    expect(() => readInputs({ 'INPUT_TIMEOUT-MINUTES': 'soon' })).toThrow(/timeout-minutes/);
  });

  it('parses user lists and command lines', () => {
    expect(parseUserList(' a,,b  c ')).toEqual(['a', 'b', 'c']);
    expect(isFixCommand('/drydock fix')).toBe(true);
    expect(isFixCommand(null)).toBe(false);
  });
});
