import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FakeGitHub } from './fake-github.js';
import { commentEvent, gitFixture, type GitFixture } from './helpers.js';
import { drydockAsync } from '../helpers/cli.js';

/** `drydock github run` as action.yml calls it: everything from the runner's environment. */
const TOKEN = 'ghs_cliTokenDrydock000';
const KEY = 'sk-cli-SECRET-9d2e';
let fx: GitFixture;
let gh: FakeGitHub;
beforeEach(async () => {
  fx = gitFixture();
  gh = await FakeGitHub.start({ token: TOKEN, permissions: { reader: 'read' } });
});
afterEach(async () => {
  await gh.close();
  fx.cleanup();
});

it('drydock github run reads the runner environment, comments on a refused actor and writes GITHUB_OUTPUT', async () => {
  const event = join(fx.root, 'event.json');
  writeFileSync(event, JSON.stringify(commentEvent('/drydock fix', 'reader')));
  const output = join(fx.root, 'output');
  writeFileSync(output, '');
  const env = {
    GITHUB_EVENT_NAME: 'issue_comment',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'Codertocat/Hello-World',
    GITHUB_TOKEN: TOKEN,
    GITHUB_API_URL: gh.url,
    GITHUB_WORKSPACE: fx.workspace,
    GITHUB_OUTPUT: output,
    RUNNER_TEMP: fx.root,
    INPUT_API_KEY: KEY,
  };
  const r = await drydockAsync(['github', 'run'], env, 60_000);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/not-allowed: @reader has read permission/);
  expect(gh.calls('issues/create-comment')).toHaveLength(1);
  expect(readFileSync(output, 'utf8')).toMatch(/^resolved<<DRYDOCK_EOF\nfalse\nDRYDOCK_EOF$/m);
  expect(gh.violations).toEqual([]);
  for (const text of [r.stdout, r.stderr, readFileSync(output, 'utf8')]) {
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(TOKEN);
  }
});
