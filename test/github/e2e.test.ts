import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputs, runAction } from '../../src/github/index.js';
import { FakeGitHub } from './fake-github.js';
import { commentEvent, gitFixture, gitIn, labeledEvent, type GitFixture } from './helpers.js';
import { drydockAsync } from '../helpers/cli.js';

/**
 * Acceptance: a labelled issue, the real `drydock fix` with the scripted model, the fake
 * GitHub API and a bare remote. Needs the built CLI with the fix command (issue 8) and the
 * Docker engine with drydock's images (`npm test` builds and runs setup first).
 */
const SCRIPT = fileURLToPath(new URL('../fixtures/github/greet-script.yaml', import.meta.url));
const NO_PATCH_SCRIPT = fileURLToPath(new URL('../fixtures/github/no-patch-script.yaml', import.meta.url));
const KEY = 'sk-e2e-SECRET-31c7d0';
const TOKEN = 'ghs_e2eTokenDrydock4242';

describe('labelled issue → real drydock fix (scripted model) → branch and draft PR', () => {
  let fx: GitFixture;
  let gh: FakeGitHub;
  const logs: string[] = [];
  beforeAll(async () => {
    fx = gitFixture();
    gh = await FakeGitHub.start({ token: TOKEN, permissions: { maintainer: 'write' } });
  });
  afterAll(async () => {
    await gh?.close();
    fx?.cleanup();
  });

  it('a failed run (the model proposes no edit) comments the reason and opens no PR', async () => {
    const failFx = gitFixture();
    const failGh = await FakeGitHub.start({ token: TOKEN, permissions: { maintainer: 'write' } });
    try {
      const r = await runAction({
        eventName: 'issue_comment',
        payload: commentEvent('/drydock fix', 'maintainer'),
        repository: 'Codertocat/Hello-World',
        token: TOKEN,
        apiUrl: failGh.url,
        serverUrl: 'https://github.com',
        workspace: failFx.workspace,
        outDir: failFx.outDir,
        inputs: readInputs({ INPUT_API_KEY: KEY, INPUT_SCRIPT: NO_PATCH_SCRIPT, INPUT_CANDIDATES: '1' }),
        log: (l) => logs.push(l),
      });
      expect(r.outcome, logs.join('\n')).toBe('failed');
      expect(failGh.calls('pulls/create')).toHaveLength(0);
      expect(gitIn(failFx.remote, 'for-each-ref', '--format=%(refname:short)', 'refs/heads')).toBe('main');
      expect(failGh.commentBodies(1).at(-1)!).toMatch(/found no patch for this issue/);
      expect(failGh.violations).toEqual([]);
    } finally {
      await failGh.close();
      failFx.cleanup();
    }
  });

  it('pushes drydock/issue-1, opens a draft PR with the summary, and comments the link', async () => {
    const event = labeledEvent('drydock', 'maintainer') as { issue: { title: string; body: string } };
    event.issue.title = 'greet() misspells Hello';
    event.issue.body = '`greet("Ada")` returns "Helo, Ada"; it should return "Hello, Ada".';
    const r = await runAction({
      eventName: 'issues',
      payload: event,
      repository: 'Codertocat/Hello-World',
      token: TOKEN,
      apiUrl: gh.url,
      serverUrl: 'https://github.com',
      runUrl: 'https://github.com/Codertocat/Hello-World/actions/runs/7',
      workspace: fx.workspace,
      outDir: fx.outDir,
      outputFile: join(fx.root, 'github-output'),
      inputs: readInputs({
        INPUT_API_KEY: KEY,
        INPUT_SCRIPT: SCRIPT,
        INPUT_CANDIDATES: '1',
        'INPUT_TIMEOUT-MINUTES': '10',
      }),
      log: (l) => logs.push(l),
    });
    expect(r.outcome, logs.join('\n')).toBe('resolved');
    expect(gitIn(fx.remote, 'show', 'drydock/issue-1:greet.py')).toContain('"Hello, "');
    const prs = gh.calls('pulls/create');
    expect(prs).toHaveLength(1);
    expect(prs[0]!.body).toMatchObject({ head: 'drydock/issue-1', base: 'main', draft: true });
    const body = String(prs[0]!.body.body);
    expect(body).toMatch(/scripted, not a real model/);
    // the tests that ran and passed (the fixture's tests/ makes drydock pick pytest)
    expect(body).toMatch(/`python -m pytest[^`]*`: [1-9]\d* passed, 0 failed/);
    expect(body).toContain('`greet.py`');
    // The HTML report went into the uploaded folder, and the body says where it is.
    expect(body).toContain('`report.html`');
    expect(existsSync(join(fx.outDir, 'fix', 'report.html'))).toBe(true);
    expect(gh.commentBodies(1).at(-1)!).toContain('https://github.com/Codertocat/Hello-World/pull/100');
    // the tracking comment says where the run's HTML report is
    expect(gh.commentBodies(1).at(-1)!).toContain(
      "The run's report (`report.html`) and trajectory are in the",
    );
    expect(gh.violations).toEqual([]);

    // No secret in any request, log line, output, or file of the run (trajectory included).
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
        d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)],
      );
    expect(files(fx.outDir).some((f) => f.endsWith('.jsonl'))).toBe(true);
    const texts = [
      ...gh.requests.map((q) => `${q.url}${q.body}${JSON.stringify({ ...q.headers, authorization: null })}`),
      logs.join('\n'),
      readFileSync(join(fx.root, 'github-output'), 'utf8'),
      ...files(fx.outDir).map((f) => readFileSync(f, 'utf8')),
      ...(existsSync(join(fx.workspace, '.git/config'))
        ? [readFileSync(join(fx.workspace, '.git/config'), 'utf8')]
        : []),
    ];
    for (const t of texts) {
      expect(t).not.toContain(KEY);
      expect(t).not.toContain(TOKEN);
    }
  }, 600_000);

  it('drydock github run, as action.yml calls it, does the same from the runner environment', async () => {
    const cliFx = gitFixture();
    const cliGh = await FakeGitHub.start({ token: TOKEN, permissions: { maintainer: 'admin' } });
    try {
      const event = join(cliFx.root, 'event.json');
      writeFileSync(event, JSON.stringify(commentEvent('/drydock fix', 'maintainer')));
      const output = join(cliFx.root, 'output');
      writeFileSync(output, '');
      const r = await drydockAsync(['github', 'run', '--out', join(cliFx.root, 'drydock')], {
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: 'issue_comment',
        GITHUB_EVENT_PATH: event,
        GITHUB_REPOSITORY: 'Codertocat/Hello-World',
        GITHUB_TOKEN: TOKEN,
        GITHUB_API_URL: cliGh.url,
        GITHUB_WORKSPACE: cliFx.workspace,
        GITHUB_OUTPUT: output,
        GITHUB_RUN_ID: '7',
        INPUT_API_KEY: KEY,
        INPUT_SCRIPT: SCRIPT,
        INPUT_CANDIDATES: '1',
      });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/::stop-commands::/);
      expect(r.stdout).toMatch(/resolved: opened https:\/\/github.com\/Codertocat\/Hello-World\/pull\/100/);
      const out = readFileSync(output, 'utf8');
      expect(out).toMatch(/^resolved<<DRYDOCK_EOF\ntrue\nDRYDOCK_EOF$/m);
      expect(out).toMatch(/^branch<<DRYDOCK_EOF\ndrydock\/issue-1\nDRYDOCK_EOF$/m);
      expect(out).toContain(join(cliFx.root, 'drydock'));
      expect(String(cliGh.calls('pulls/create')[0]!.body.body)).toContain('actions/runs/7');
      expect(cliGh.violations).toEqual([]);
      for (const t of [r.stdout, r.stderr, out]) {
        expect(t).not.toContain(KEY);
        expect(t).not.toContain(TOKEN);
      }
    } finally {
      await cliGh.close();
      cliFx.cleanup();
    }
  }, 600_000);
});
