import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fixEnv,
  readFixOutput,
  readInputs,
  runAction,
  type ActionContext,
  type FixCommandOptions,
  type FixRun,
} from '../../src/github/index.js';
import { DrydockError } from '../../src/core/index.js';
import { FakeGitHub } from './fake-github.js';
import { execFileSync } from 'node:child_process';
import {
  FIXTURE_PATCH,
  commentEvent,
  example,
  gitFixture,
  gitIn,
  labeledEvent,
  type GitFixture,
} from './helpers.js';

/**
 * The action's host side against a fake GitHub and a bare git remote. These tests do not run
 * the agent: where a run is needed, `drydock fix` is replaced by a step that writes a
 * summary.json fixture (the publish stage's input). The run with the real `drydock fix` is
 * e2e.test.ts.
 */

const KEY = 'sk-test-drydock-SECRET-4f1c9a';
const TOKEN = 'ghs_testTokenDrydock0123456789';

interface SummaryFixture {
  status: 'patched' | 'no_patch' | 'budget_exceeded' | 'timeout' | 'error';
  message?: string;
  patch?: string;
  tests?: { command: string; passed: number; failed: number } | null;
  costUsd?: number | null;
}

function summary(f: SummaryFixture) {
  return {
    status: f.status,
    message: f.message ?? '',
    scripted: true,
    model: 'scripted:fixture',
    runId: 'r1',
    patch: f.patch ?? '',
    files: f.patch ? ['greet.py'] : [],
    candidates: [],
    selected: null,
    reproductionTest: null,
    regressionTests: [],
    tests: f.tests === undefined ? { command: 'python -m pytest -q', passed: 1, failed: 0 } : f.tests,
    review: { rounds: 1, approved: true, changed: false },
    reward: 0.75,
    costUsd: f.costUsd === undefined ? 0.0123 : f.costUsd,
    turns: 7,
    tokens: 1234,
    wallMs: 1000,
    applied: false,
    branch: null,
    trajectory: '',
  };
}

interface FixCall {
  options: FixCommandOptions;
  env: NodeJS.ProcessEnv;
  gitConfig: string;
  issueText: string;
}

let fx: GitFixture;
let gh: FakeGitHub;
let logs: string[];
let calls: FixCall[];

beforeEach(async () => {
  fx = gitFixture();
  gh = await FakeGitHub.start({
    token: TOKEN,
    permissions: { maintainer: 'write', owner: 'admin', reader: 'read', helper: 'maintain' },
  });
  logs = [];
  calls = [];
});
afterEach(async () => {
  await gh.close();
  fx.cleanup();
});

function context(eventName: string, payload: unknown, env: Record<string, string> = {}): ActionContext {
  return {
    eventName,
    payload,
    repository: 'Codertocat/Hello-World',
    token: TOKEN,
    apiUrl: gh.url,
    serverUrl: 'https://github.com',
    runUrl: 'https://github.com/Codertocat/Hello-World/actions/runs/42',
    workspace: fx.workspace,
    outDir: fx.outDir,
    outputFile: join(fx.root, 'github-output'),
    inputs: readInputs({ INPUT_API_KEY: KEY, INPUT_MODEL: 'gpt-test', 'INPUT_MAX-COST': '1', ...env }),
    log: (l) => logs.push(l),
  };
}

/** Stands in for `drydock fix`: records what it was given and leaves `s` (and its patch) in --out. */
function fixWritingSummary(s: ReturnType<typeof summary> | null, exitCode = 0) {
  return async (o: FixCommandOptions): Promise<FixRun> => {
    calls.push({
      options: o,
      env: fixEnv(o.inputs, { PATH: process.env.PATH, GITHUB_TOKEN: TOKEN, ACTIONS_RUNTIME_TOKEN: TOKEN }),
      gitConfig: readFileSync(join(fx.workspace, '.git/config'), 'utf8'),
      issueText: readFileSync(o.issueFile, 'utf8'),
    });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(o.outDir, { recursive: true });
    if (s) {
      writeFileSync(join(o.outDir, 'summary.json'), JSON.stringify(s));
      if (s.patch) writeFileSync(join(o.outDir, 'patch.diff'), s.patch);
    }
    return readFixOutput(o.outDir, exitCode, s ? '' : 'drydock: the sandbox could not start');
  };
}

const noRun = async (): Promise<FixRun> => {
  throw new Error('drydock fix must not start');
};

function remoteBranches(): string[] {
  return gitIn(fx.remote, 'for-each-ref', '--format=%(refname:short)', 'refs/heads')
    .split('\n')
    .filter(Boolean);
}

function outputs(): Record<string, string> {
  const file = join(fx.root, 'github-output');
  const out: Record<string, string> = {};
  if (!existsSync(file)) return out;
  for (const m of readFileSync(file, 'utf8').matchAll(/^([\w-]+)<<DRYDOCK_EOF\n([\s\S]*?)\nDRYDOCK_EOF$/gm))
    out[m[1]!] = m[2]!;
  return out;
}

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

/** Everything the action sent or wrote: no API key anywhere; the token only in the Authorization header. */
function expectNoSecrets() {
  const texts: [string, string][] = [
    ...gh.requests.map((r): [string, string] => {
      const { authorization: _auth, ...headers } = r.headers;
      return [`request ${r.method} ${r.url}`, `${r.url}\n${JSON.stringify(headers)}\n${r.body}`];
    }),
    ...gh.requests.map((r): [string, string] => [
      `authorization of ${r.url}`,
      String(r.headers.authorization).replace(TOKEN, ''),
    ]),
    ['logs', logs.join('\n')],
    ...[...allFiles(fx.outDir), join(fx.root, 'github-output'), join(fx.workspace, '.git/config')]
      .filter(existsSync)
      .map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
    ...calls.map((c): [string, string] => [
      'drydock fix argv',
      JSON.stringify(c.options.inputs.apiKey ? { ...c.options, inputs: null } : c.options),
    ]),
    ...calls.map((c): [string, string] => [
      'drydock fix env (less OPENAI_API_KEY)',
      JSON.stringify({ ...c.env, OPENAI_API_KEY: null }),
    ]),
  ];
  expect(texts.length).toBeGreaterThan(3);
  for (const [where, text] of texts) {
    expect(text.includes(KEY), `API key in ${where}`).toBe(false);
    expect(text.includes(TOKEN), `token in ${where}`).toBe(false);
  }
}

describe('who may start a run', () => {
  it('a comment by a user with read access starts nothing and gets an explanatory comment', async () => {
    const r = await runAction(context('issue_comment', commentEvent('/drydock fix', 'reader')), {
      runFix: noRun,
    });
    expect(r.outcome).toBe('not-allowed');
    const comments = gh.calls('issues/create-comment');
    expect(comments).toHaveLength(1);
    expect(comments[0]!.url).toBe('/repos/Codertocat/Hello-World/issues/1/comments');
    expect(String(comments[0]!.body.body)).toMatch(/@reader.*write access.*`read`.*allow-users/s);
    expect(gh.calls('pulls/create')).toHaveLength(0);
    expect(remoteBranches()).toEqual(['main']);
    expect(outputs()).toMatchObject({ resolved: 'false', 'pull-request-url': '', allowed: 'false' });
    expect(gh.violations).toEqual([]);
    expectNoSecrets();
  });

  it('a user who is no collaborator (404) is refused the same way', async () => {
    const r = await runAction(context('issues', labeledEvent('drydock', 'stranger')), { runFix: noRun });
    expect(r.outcome).toBe('not-allowed');
    expect(String(gh.calls('issues/create-comment')[0]!.body.body)).toMatch(/`none`/);
    expect(gh.violations).toEqual([]);
  });

  it('allow-users lets a listed user (or bot) through without write access', async () => {
    const r = await runAction(
      context('issue_comment', commentEvent('/drydock fix', 'Reader'), {
        'INPUT_ALLOW-USERS': 'reader, dependabot[bot]',
      }),
      { runFix: fixWritingSummary(summary({ status: 'no_patch' })) },
    );
    expect(calls).toHaveLength(1);
    expect(r.outcome).toBe('failed');
    // listed users skip the permission lookup
    expect(gh.calls('repos/get-collaborator-permission-level')).toHaveLength(0);
  });

  it('--check-only stops after the checks: allowed=true, nothing else happens', async () => {
    const r = await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: noRun,
      checkOnly: true,
    });
    expect(r.outcome).toBe('allowed');
    expect(outputs()).toMatchObject({ allowed: 'true', issue: '1' });
    expect(gh.requests.map((q) => q.operationId)).toEqual(['repos/get-collaborator-permission-level']);
  });

  it('maintain counts as write', async () => {
    await runAction(context('issues', labeledEvent('drydock', 'helper')), {
      runFix: fixWritingSummary(summary({ status: 'no_patch' })),
    });
    expect(calls).toHaveLength(1);
  });

  it('events that are not triggers make no request at all', async () => {
    const r = await runAction(context('issues', labeledEvent('bug', 'maintainer')), { runFix: noRun });
    expect(r.outcome).toBe('ignored');
    expect(gh.requests).toHaveLength(0);
  });

  it('refuses pull_request_target from a fork before any request', async () => {
    const { example } = await import('./helpers.js');
    const pr = example('pull_request', 'opened') as {
      pull_request: { head: { repo: Record<string, unknown> } };
    };
    pr.pull_request.head.repo.fork = true;
    await expect(runAction(context('pull_request_target', pr), { runFix: noRun })).rejects.toThrow(/fork/);
    expect(gh.requests).toHaveLength(0);
  });
});

describe('a resolved run (publish stage, fixture summary)', () => {
  it('pushes drydock/issue-1, opens a draft PR with the summary, and links it on the issue', async () => {
    gh.state.comments[1] = [
      { id: 1, body: 'It also happens on the website.', user: { login: 'reporter', type: 'User' } },
      {
        id: 2,
        body: '<!-- drydock -->\nold drydock comment',
        user: { login: 'github-actions[bot]', type: 'Bot' },
      },
    ];
    const r = await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: fixWritingSummary(
        summary({ status: 'patched', patch: FIXTURE_PATCH, message: 'Fixed the greeting typo.' }),
      ),
    });
    expect(r.outcome).toBe('resolved');

    // the issue as drydock fix read it: title, body, the human discussion only
    expect(calls[0]!.issueText).toMatch(/^# Spelling error in the README file/);
    expect(calls[0]!.issueText).toContain('It also happens on the website.');
    expect(calls[0]!.issueText).not.toContain('old drydock comment');
    expect(calls[0]!.options.repo).toBe(fx.workspace);

    // the branch on the remote carries the patch, on top of main, by the Actions bot
    expect(remoteBranches().sort()).toEqual(['drydock/issue-1', 'main']);
    expect(gitIn(fx.remote, 'show', 'drydock/issue-1:greet.py')).toContain('"Hello, "');
    expect(gitIn(fx.remote, 'rev-parse', 'drydock/issue-1~1')).toBe(gitIn(fx.remote, 'rev-parse', 'main'));
    expect(gitIn(fx.remote, 'log', '-1', '--format=%an', 'drydock/issue-1')).toBe('github-actions[bot]');

    const prs = gh.calls('pulls/create');
    expect(prs).toHaveLength(1);
    expect(prs[0]!.body).toMatchObject({ head: 'drydock/issue-1', base: 'main', draft: true });
    const body = String(prs[0]!.body.body);
    expect(body).toContain('Fixes #1');
    expect(body).toContain('Fixed the greeting typo.');
    expect(body).toContain('- `greet.py` (+1 −1)');
    expect(body).toContain('`python -m pytest -q`: 1 passed, 0 failed');
    expect(body).toMatch(/\| 0\.750 \| \$0\.0123 \|/);
    expect(body).toContain('actions/runs/42');

    // one tracking comment, created at the start and edited to the outcome
    expect(gh.calls('issues/create-comment')).toHaveLength(1);
    expect(gh.commentBodies(1).at(-1)).toContain('https://github.com/Codertocat/Hello-World/pull/100');
    expect(gh.commentBodies(1).at(-1)).toMatch(/✅/);
    expect(outputs()).toMatchObject({
      'pull-request-url': 'https://github.com/Codertocat/Hello-World/pull/100',
      branch: 'drydock/issue-1',
      resolved: 'true',
      cost: '0.0123',
      issue: '1',
    });
    expect(gh.violations).toEqual([]);
    expectNoSecrets();
  });

  it('a re-run updates the branch and reuses the open pull request', async () => {
    const run = () =>
      runAction(context('issue_comment', commentEvent('/drydock fix', 'owner')), {
        runFix: fixWritingSummary(summary({ status: 'patched', patch: FIXTURE_PATCH })),
      });
    await run();
    await run();
    expect(gh.calls('pulls/create')).toHaveLength(1);
    expect(gh.calls('issues/create-comment')).toHaveLength(2); // one tracking comment per run
    expect(gh.violations).toEqual([]);
  });

  it('starts from the remote default branch even when the checkout is elsewhere', async () => {
    gitIn(fx.workspace, 'checkout', '-q', '-b', 'elsewhere');
    writeFileSync(join(fx.workspace, 'greet.py'), 'local change\n');
    gitIn(fx.workspace, 'commit', '-qam', 'local');
    await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: fixWritingSummary(summary({ status: 'patched', patch: FIXTURE_PATCH })),
    });
    expect(gitIn(fx.remote, 'rev-parse', 'drydock/issue-1~1')).toBe(gitIn(fx.remote, 'rev-parse', 'main'));
  });
});

describe('a failed run comments why and opens no pull request', () => {
  it('no patch: the reason, no branch, no PR', async () => {
    const r = await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: fixWritingSummary(summary({ status: 'no_patch', message: 'no location matched the issue' })),
    });
    expect(r.outcome).toBe('failed');
    expect(gh.calls('pulls/create')).toHaveLength(0);
    expect(remoteBranches()).toEqual(['main']);
    const text = gh.commentBodies(1).at(-1)!;
    expect(text).toMatch(/found no patch for this issue \(no location matched the issue\)/);
    expect(text).toMatch(/\$0\.0123 over 7 model turns/);
    expect(outputs()).toMatchObject({
      resolved: 'false',
      branch: '',
      'pull-request-url': '',
      cost: '0.0123',
    });
    expect(gh.violations).toEqual([]);
    expectNoSecrets();
  });

  it('budget spent with a best candidate: the candidate goes to a branch, still no PR', async () => {
    await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: fixWritingSummary(summary({ status: 'budget_exceeded', patch: FIXTURE_PATCH, tests: null })),
    });
    expect(gh.calls('pulls/create')).toHaveLength(0);
    expect(remoteBranches()).toContain('drydock/issue-1');
    const text = gh.commentBodies(1).at(-1)!;
    expect(text).toMatch(/ran out of budget/);
    expect(text).toMatch(/max-cost/);
    expect(text).toMatch(/best candidate is on the branch `drydock\/issue-1`/);
    expect(outputs()).toMatchObject({ resolved: 'false', branch: 'drydock/issue-1' });
  });

  it('a failed re-run leaves the open PR from an earlier run alone and pushes its candidate beside it', async () => {
    await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: fixWritingSummary(summary({ status: 'patched', patch: FIXTURE_PATCH })),
    });
    const before = gitIn(fx.remote, 'rev-parse', 'drydock/issue-1');
    const other = FIXTURE_PATCH.replace('"Hello, "', '"Hi, "');
    await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: fixWritingSummary(summary({ status: 'timeout', patch: other, tests: null })),
    });
    expect(gitIn(fx.remote, 'rev-parse', 'drydock/issue-1')).toBe(before);
    expect(gitIn(fx.remote, 'show', 'drydock/issue-1-candidate:greet.py')).toContain('"Hi, "');
    expect(gh.commentBodies(1).at(-1)!).toMatch(/ran out of time.*`drydock\/issue-1-candidate`/s);
    expect(gh.calls('pulls/create')).toHaveLength(1);
  });

  it('a patch whose tests fail is not resolved', async () => {
    await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: fixWritingSummary(
        summary({
          status: 'patched',
          patch: FIXTURE_PATCH,
          tests: { command: 'pytest', passed: 3, failed: 2 },
        }),
      ),
    });
    expect(gh.calls('pulls/create')).toHaveLength(0);
    expect(gh.commentBodies(1).at(-1)!).toMatch(/still fails tests: `pytest`: 3 passed, 2 failed/);
  });

  it('a run that leaves no summary says so', async () => {
    const r = await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: fixWritingSummary(null, 1),
    });
    expect(r.outcome).toBe('failed');
    expect(gh.commentBodies(1).at(-1)!).toMatch(
      /could not finish: drydock fix ended \(exit code 1\) without writing summary\.json: drydock: the sandbox could not start/,
    );
    expect(gh.calls('pulls/create')).toHaveLength(0);
  });

  it('a repository that forbids Actions to open PRs: the error names the setting, and the issue hears of it', async () => {
    gh.state.failCreatePull = {
      status: 403,
      message: 'GitHub Actions is not permitted to create or approve pull requests.',
    };
    const err: unknown = await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: fixWritingSummary(summary({ status: 'patched', patch: FIXTURE_PATCH })),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DrydockError);
    expect((err as DrydockError).message).toMatch(/answered 403/);
    expect((err as DrydockError).fix).toMatch(/Allow GitHub Actions to create and approve pull requests/);
    expect(gh.calls('issues/create-comment')).toHaveLength(1);
    expect(gh.commentBodies(1)[0]).toMatch(
      /not permitted to create or approve pull requests.*fix: enable Settings/s,
    );
    expect(gh.commentBodies(1)[0]).toMatch(/❌/);
    expect(gh.violations).toEqual([]);
    expectNoSecrets();
  });
});

describe('token errors say what to change', () => {
  it('a rejected token fails with the input to fix, before anything runs', async () => {
    gh.state.badCredentials = true;
    const err: unknown = await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: noRun,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DrydockError);
    expect(err).toMatchObject({
      code: 'GITHUB_TOKEN_REJECTED',
      message: expect.stringMatching(/answered 401: Bad credentials/),
    });
    expect((err as DrydockError).fix).toMatch(/github-token/);
  });

  it('a missing token is named as such', async () => {
    const ctx = { ...context('issues', labeledEvent('drydock', 'maintainer')), token: '' };
    await expect(runAction(ctx, { runFix: noRun })).rejects.toMatchObject({ code: 'GITHUB_TOKEN_MISSING' });
    expect(gh.requests).toHaveLength(0);
  });
});

describe('the workflow log', () => {
  it("on a runner, the agent's output is fenced so it cannot issue workflow commands", async () => {
    const ctx = { ...context('issues', labeledEvent('drydock', 'maintainer')), fenceWorkflowCommands: true };
    const write = fixWritingSummary(summary({ status: 'no_patch' }));
    await runAction(ctx, {
      runFix: async (o) => {
        o.log?.('::add-mask::something from the issue');
        return write(o);
      },
    });
    const start = logs.findIndex((l) => l.startsWith('::stop-commands::'));
    const agent = logs.indexOf('::add-mask::something from the issue');
    const token = logs[start]!.slice('::stop-commands::'.length);
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    const end = logs.indexOf(`::${token}::`);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(start < agent && agent < end).toBe(true);
  });
});

describe('secrets', () => {
  it('a token persisted by actions/checkout is gone from .git/config before drydock fix starts', async () => {
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
    gitIn(fx.workspace, 'config', '--local', 'http.https://github.com/.extraheader', header);
    await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: fixWritingSummary(summary({ status: 'patched', patch: FIXTURE_PATCH })),
    });
    expect(calls[0]!.gitConfig).not.toMatch(/extraheader/);
    expect(logs.join('\n')).toMatch(/removed a persisted token/);
    expectNoSecrets();
  });

  it('file inputs are paths in the repository', async () => {
    await runAction(
      context('issues', labeledEvent('drydock', 'maintainer'), {
        INPUT_SCRIPT: '.github/model.yaml',
        INPUT_POLICY: '/abs/p.yaml',
      }),
      { runFix: fixWritingSummary(summary({ status: 'no_patch' })) },
    );
    expect(calls[0]!.options.inputs).toMatchObject({
      script: join(fx.workspace, '.github/model.yaml'),
      policy: '/abs/p.yaml',
    });
  });

  it('the key reaches drydock fix only as OPENAI_API_KEY; GitHub and runner tokens never', async () => {
    await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: fixWritingSummary(summary({ status: 'no_patch' })),
    });
    expect(calls[0]!.env.OPENAI_API_KEY).toBe(KEY);
    expect(Object.keys(calls[0]!.env).sort()).toEqual(['DRYDOCK_MODEL', 'OPENAI_API_KEY', 'PATH']);
  });

  it('a secret that reaches a comment or a log line is masked', async () => {
    await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: fixWritingSummary(summary({ status: 'error', message: `endpoint said: bad key ${KEY}` })),
    });
    expect(gh.commentBodies(1).at(-1)!).toContain('bad key ***');
    expectNoSecrets();
  });
});

describe('the tracking comment', () => {
  it('is created once, edited as each stage starts, and ends with the outcome', async () => {
    const stages = ['prepare', 'localize', 'repair', 'validate', 'select', 'review', 'output'];
    const inner = fixWritingSummary(summary({ status: 'patched', patch: FIXTURE_PATCH }));
    await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: async (o) => {
        for (const st of stages) o.log?.(`[${st}] working (3 model turns, $0.0010)`);
        return inner(o);
      },
    });
    expect(gh.calls('issues/create-comment')).toHaveLength(1);
    const id = gh.state.comments[1]![0]!.id;
    const edits = gh.state.commentEdits.filter((e) => e.id === id).map((e) => e.body);
    // one edit per step (localize, candidates, validation, review, result) and one for the outcome
    expect(edits.length).toBeGreaterThanOrEqual(6);
    expect(edits[0]).toMatch(/- \[ \] Localize[^\n]*in progress/);
    expect(edits[1]).toMatch(/- \[x\] Localize[\s\S]*- \[ \] Write candidate patches[^\n]*in progress/);
    expect(edits[3]).toMatch(/- \[ \] Review[^\n]*in progress/);
    expect(edits.at(-1)).toMatch(
      /✅ drydock opened a draft pull request: https:\/\/github.com\/Codertocat\/Hello-World\/pull\/100/,
    );
    expect(edits.at(-1)).not.toMatch(/in progress/);
    expect(edits.at(-1)).toContain('actions/runs/42');
    // where the report and trajectory are (the stand-in for drydock fix writes no report.html)
    expect(edits.at(-1)).toContain("The run's trajectory is in the `drydock-trajectory-issue-1` artifact");
    expect(gh.violations).toEqual([]);
  });

  it('says why in the same comment when the run fails, marking where it stopped', async () => {
    const inner = fixWritingSummary(summary({ status: 'budget_exceeded', tests: null }));
    await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: async (o) => {
        o.log?.('[localize] reading the repository (1 model turns, $0.0010)');
        o.log?.('[repair] sampling 3 candidates (2 model turns, $0.0020)');
        return inner(o);
      },
    });
    expect(gh.calls('issues/create-comment')).toHaveLength(1);
    const last = gh.commentBodies(1)[0]!;
    expect(last).toMatch(/❌ drydock ran out of budget/);
    expect(last).toMatch(/- \[ \] Write candidate patches ✗ \*stopped here\*/);
  });

  it('never triggers a run itself', async () => {
    await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: fixWritingSummary(summary({ status: 'no_patch' })),
    });
    const tracking = gh.commentBodies(1)[0]!;
    const r = await runAction(context('issue_comment', commentEvent(tracking, 'owner')), { runFix: noRun });
    expect(r.outcome).toBe('ignored');
  });
});

describe('follow-ups on drydock pull requests', () => {
  const FOLLOW_UP_PATCH = `diff --git a/greet.py b/greet.py
--- a/greet.py
+++ b/greet.py
@@ -1,2 +1,5 @@
+GREETING = "Hello, "
+
+
 def greet(name):
-    return "Hello, " + name
+    return GREETING + name
`;

  /** drydock's branch with its fix, a commit a person pushed on top, and the draft PR #100 from it. */
  function draftPullRequest(): string {
    gitIn(fx.workspace, 'checkout', '-q', '-b', 'drydock/issue-1');
    writeFileSync(join(fx.workspace, 'greet.py'), 'def greet(name):\n    return "Hello, " + name\n');
    execGit(
      ['commit', '-qam', 'drydock: fix #1'],
      'github-actions[bot]',
      '41898282+github-actions[bot]@users.noreply.github.com',
    );
    writeFileSync(join(fx.workspace, 'NOTES.md'), 'a note a person added\n');
    gitIn(fx.workspace, 'add', 'NOTES.md');
    gitIn(fx.workspace, 'commit', '-qm', 'a person adds a note');
    const personal = gitIn(fx.workspace, 'rev-parse', 'HEAD');
    gitIn(fx.workspace, 'push', '-q', 'origin', 'drydock/issue-1');
    gitIn(fx.workspace, 'checkout', '-q', 'main');
    gh.state.issues[1] = {
      title: 'Spelling error in the README file',
      body: 'greet says Helo',
      user: 'reporter',
    };
    gh.state.pulls.push({
      number: 100,
      title: 'drydock: Spelling error',
      head: 'drydock/issue-1',
      base: 'main',
      body: '<!-- drydock -->',
      draft: true,
      html_url: 'https://github.com/Codertocat/Hello-World/pull/100',
    });
    gh.state.reviewComments[100] = [
      {
        id: 77,
        body: '/drydock use a constant for the greeting',
        user: { login: 'maintainer', type: 'User' },
        path: 'greet.py',
        line: 2,
        diff_hunk:
          '@@ -1,2 +1,2 @@\n def greet(name):\n-    return "Helo, " + name\n+    return "Hello, " + name',
      },
    ];
    return personal;
  }

  function execGit(args: string[], name: string, email: string) {
    execFileSync('git', args, {
      cwd: fx.workspace,
      env: {
        PATH: process.env.PATH,
        HOME: fx.root,
        GIT_AUTHOR_NAME: name,
        GIT_AUTHOR_EMAIL: email,
        GIT_COMMITTER_NAME: name,
        GIT_COMMITTER_EMAIL: email,
      },
    });
  }

  function reviewCommentEvent(sender: string): Record<string, unknown> {
    const e = example('pull_request_review_comment', 'created') as Record<string, Record<string, unknown>>;
    e.comment!.id = 77;
    e.comment!.body = '/drydock use a constant for the greeting';
    (e.comment!.user as Record<string, unknown>).login = sender;
    e.sender!.login = sender;
    const pr = e.pull_request as { number: number; head: { ref: string; repo: Record<string, unknown> } };
    pr.number = 100;
    pr.head.ref = 'drydock/issue-1';
    return e;
  }

  it("a review comment by a collaborator: one new commit on the branch, the person's commit kept, a reply in the thread", async () => {
    const personal = draftPullRequest();
    const r = await runAction(context('pull_request_review_comment', reviewCommentEvent('maintainer')), {
      runFix: fixWritingSummary(
        summary({ status: 'patched', patch: FOLLOW_UP_PATCH, message: 'Used a constant.' }),
      ),
    });
    expect(r.outcome, logs.join('\n')).toBe('followed-up');
    // the task: the issue, the current diff, the review comment
    const task = calls[0]!.issueText;
    expect(task).toMatch(/^# Follow-up on pull request #100 for issue #1/);
    expect(task).toContain('+    return "Hello, " + name');
    expect(task).toContain('a note a person added');
    expect(task).toMatch(/\*\*@maintainer\*\* on `greet.py` line 2/);
    expect(task).toMatch(/## What to do now\n\nuse a constant for the greeting/);
    // the agent ran on the branch's tip
    expect(calls[0]!.options.repo).toBe(fx.workspace);
    // exactly one new commit, on top of the person's, not a force push
    expect(gitIn(fx.remote, 'rev-parse', 'drydock/issue-1~1')).toBe(personal);
    expect(gitIn(fx.remote, 'show', 'drydock/issue-1:greet.py')).toContain('return GREETING + name');
    expect(gitIn(fx.remote, 'show', 'drydock/issue-1:NOTES.md')).toContain('a note a person added');
    // the reply in the same thread
    const replies = gh.calls('pulls/create-reply-for-review-comment');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.url).toBe('/repos/Codertocat/Hello-World/pulls/100/comments/77/replies');
    expect(String(replies[0]!.body.body)).toMatch(
      /pushed [0-9a-f]{12} to `drydock\/issue-1`: Used a constant\./,
    );
    expect(String(replies[0]!.body.body)).toContain('- `greet.py` (+4 −1)');
    expect(String(replies[0]!.body.body)).toContain('`python -m pytest -q`: 1 passed, 0 failed');
    // the tracking comment lives on the pull request
    expect(gh.commentBodies(100).at(-1)).toMatch(/✅ drydock pushed/);
    expect(gh.calls('pulls/create')).toHaveLength(0);
    expect(gh.violations).toEqual([]);
    expectNoSecrets();
  });

  it('someone without write access gets a polite reply and nothing else', async () => {
    draftPullRequest();
    const before = gitIn(fx.remote, 'rev-parse', 'drydock/issue-1');
    const r = await runAction(context('pull_request_review_comment', reviewCommentEvent('reader')), {
      runFix: noRun,
    });
    expect(r.outcome).toBe('not-allowed');
    const replies = gh.calls('pulls/create-reply-for-review-comment');
    expect(replies).toHaveLength(1);
    expect(String(replies[0]!.body.body)).toMatch(/Thanks @reader!.*write access/s);
    expect(gh.calls('issues/create-comment')).toHaveLength(0);
    expect(gitIn(fx.remote, 'rev-parse', 'drydock/issue-1')).toBe(before);
    expect(gh.violations).toEqual([]);
  });

  it('a pull-request comment asking drydock is answered on the pull request', async () => {
    draftPullRequest();
    const e = commentEvent('/drydock use a constant', 'maintainer') as Record<
      string,
      Record<string, unknown>
    >;
    e.issue!.number = 100;
    e.issue!.pull_request = { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/100' };
    const r = await runAction(context('issue_comment', e), {
      runFix: fixWritingSummary(summary({ status: 'patched', patch: FOLLOW_UP_PATCH })),
    });
    expect(r.outcome, logs.join('\n')).toBe('followed-up');
    expect(gh.commentBodies(100).some((b) => /pushed [0-9a-f]{12}/.test(b) && !b.includes('- [x]'))).toBe(
      true,
    );
  });

  it("a pull request that is not drydock's is left alone", async () => {
    gh.state.pulls.push({
      number: 7,
      title: "a person's PR",
      head: 'feature',
      base: 'main',
      body: '',
      draft: false,
      html_url: 'https://github.com/Codertocat/Hello-World/pull/7',
    });
    const e = reviewCommentEvent('maintainer') as { pull_request: { number: number; head: { ref: string } } };
    e.pull_request.number = 7;
    e.pull_request.head.ref = 'feature';
    const r = await runAction(context('pull_request_review_comment', e), { runFix: noRun });
    expect(r.outcome).toBe('ignored');
    expect(r.reason).toMatch(/not a drydock pull request/);
    expect(gh.requests.filter((q) => q.method !== 'GET')).toHaveLength(0);
  });

  it("a new labelled run refuses to force-push over commits a person added to drydock's branch", async () => {
    const personal = draftPullRequest();
    const err = await runAction(context('issues', labeledEvent('drydock', 'maintainer')), {
      runFix: fixWritingSummary(summary({ status: 'patched', patch: FIXTURE_PATCH })),
    }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(DrydockError);
    expect((err as DrydockError).message).toMatch(/commit\(s\) by people/);
    expect(gitIn(fx.remote, 'rev-parse', 'drydock/issue-1')).toBe(personal);
    expect(gh.commentBodies(1).at(-1)).toMatch(/❌[\s\S]*by people/);
  });
});

describe('limits reach drydock fix', () => {
  it('max-turns and a tools preset become flags of drydock fix', async () => {
    await runAction(
      context('issues', labeledEvent('drydock', 'maintainer'), {
        'INPUT_MAX-TURNS': '9',
        INPUT_TOOLS: 'read-only',
      }),
      { runFix: fixWritingSummary(summary({ status: 'no_patch' })) },
    );
    const { fixArgs } = await import('../../src/github/index.js');
    const args = fixArgs(calls[0]!.options);
    expect(args.join(' ')).toMatch(/--max-turns 9/);
    expect(args.join(' ')).toMatch(/--tools read-only/);
  });
});
