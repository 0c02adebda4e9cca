import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Event payloads from GitHub's published webhook examples (@octokit/webhooks-examples), adapted per test. */
interface ExampleGroup {
  name: string;
  examples: Record<string, unknown>[];
}
const require = createRequire(import.meta.url);
const groups = require('@octokit/webhooks-examples') as ExampleGroup[];

export function example(event: string, action: string | undefined): Record<string, unknown> {
  const found = groups.find((g) => g.name === event)?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no published example for ${event}.${action}`);
  return structuredClone(found);
}

type Obj = Record<string, Record<string, unknown>>;

/** issues.labeled from the published example, with the label and the sender changed. */
export function labeledEvent(label: string, sender: string): Record<string, unknown> {
  const e = example('issues', 'labeled') as Obj;
  e.label!.name = label;
  e.sender!.login = sender;
  return e;
}

/** issue_comment.created from the published example, with the comment body and sender changed. */
export function commentEvent(body: string, sender: string): Record<string, unknown> {
  const e = example('issue_comment', 'created') as Obj;
  e.comment!.body = body;
  (e.comment!.user as Record<string, unknown>).login = sender;
  e.sender!.login = sender;
  return e;
}

export function gitIn(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();
}

export interface GitFixture {
  root: string;
  /** The bare repository standing for the GitHub remote. */
  remote: string;
  /** The job's checkout (origin = remote). */
  workspace: string;
  outDir: string;
  cleanup(): void;
}

/** A small repository with one bug, pushed to a local bare remote and checked out as a job would. */
export function gitFixture(): GitFixture {
  const root = mkdtempSync(join(tmpdir(), 'drydock-gh-'));
  const remote = join(root, 'remote.git');
  const seed = join(root, 'seed');
  const workspace = join(root, 'workspace');
  gitIn(root, 'init', '-q', '--bare', '-b', 'main', remote);
  mkdirSync(seed);
  gitIn(seed, 'init', '-q', '-b', 'main');
  writeFileSync(join(seed, 'greet.py'), 'def greet(name):\n    return "Helo, " + name\n');
  mkdirSync(join(seed, 'tests'));
  writeFileSync(
    join(seed, 'tests', 'test_greet.py'),
    'from greet import greet\n\n\ndef test_greet():\n    assert greet("Ada") == "Hello, Ada"\n',
  );
  gitIn(seed, 'add', '-A');
  gitIn(seed, 'commit', '-qm', 'initial');
  gitIn(seed, 'push', '-q', remote, 'main');
  gitIn(root, 'clone', '-q', remote, workspace);
  return {
    root,
    remote,
    workspace,
    outDir: join(root, 'out'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The fix for the fixture's bug, as a unified diff (what a summary's patch looks like). */
export const FIXTURE_PATCH = `diff --git a/greet.py b/greet.py
--- a/greet.py
+++ b/greet.py
@@ -1,2 +1,2 @@
 def greet(name):
-    return "Helo, " + name
+    return "Hello, " + name
`;
