import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { DrydockError, HostCommandError, runHostSync } from '../core/index.js';
import type { FixSummary } from './types.js';

/** `--out DIR`: patch.diff, summary.json and the trajectory. */
export function writeOutputs(dir: string, summary: FixSummary): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'patch.diff'), summary.patch);
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  if (existsSync(summary.trajectory)) copyFileSync(summary.trajectory, join(dir, 'trajectory.jsonl'));
}

/** `--apply`: the patch onto the user's working tree, on the host, only at the very end. */
export function applyToWorkingTree(repo: string, patch: string): void {
  try {
    runHostSync('git', ['apply', '--check', '-'], { cwd: repo, input: patch });
    runHostSync('git', ['apply', '-'], { cwd: repo, input: patch });
  } catch (err) {
    const why = err instanceof HostCommandError ? err.stderr.trim() || err.message : String(err);
    throw new DrydockError(
      `the patch does not apply to ${repo}: ${why}`,
      'the working tree changed during the run; apply the patch from --out DIR by hand',
      'APPLY_FAILED',
    );
  }
}

/**
 * `--branch NAME`: a commit of HEAD plus the patch, on a new branch, built through a scratch
 * index so the user's checked-out branch, index and working tree are not touched.
 */
export async function commitOnBranch(
  repo: string,
  name: string,
  patch: string,
  message: string,
): Promise<string> {
  const git = simpleGit(repo);
  const exists = await git.raw(['branch', '--list', name]);
  if (exists.trim())
    throw new DrydockError(
      `branch ${name} already exists in ${repo}`,
      'pick a new --branch name',
      'BRANCH_EXISTS',
    );
  const scratch = mkdtempSync(join(tmpdir(), 'drydock-branch-'));
  try {
    const patchFile = join(scratch, 'patch.diff');
    writeFileSync(patchFile, patch);
    const identity = (await git.raw(['config', '--get', 'user.email']).catch(() => '')).trim()
      ? {}
      : {
          GIT_AUTHOR_NAME: 'drydock',
          GIT_AUTHOR_EMAIL: 'drydock@localhost',
          GIT_COMMITTER_NAME: 'drydock',
          GIT_COMMITTER_EMAIL: 'drydock@localhost',
        };
    const g = simpleGit(repo).env({ ...process.env, ...identity, GIT_INDEX_FILE: join(scratch, 'index') });
    await g.raw(['read-tree', 'HEAD']);
    try {
      await g.raw(['apply', '--cached', patchFile]);
    } catch (err) {
      throw new DrydockError(
        `the patch does not apply to HEAD of ${repo}: ${(err as Error).message.trim()}`,
        'commit or stash your uncommitted changes to the patched files, then apply patch.diff by hand',
        'APPLY_FAILED',
      );
    }
    const tree = (await g.raw(['write-tree'])).trim();
    const commit = (await g.raw(['commit-tree', tree, '-p', 'HEAD', '-m', message])).trim();
    await git.raw(['update-ref', `refs/heads/${name}`, commit, '']);
    return commit;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The printed summary. Pure. */
export function formatSummary(s: FixSummary): string {
  const out: string[] = [];
  if (s.scripted)
    out.push('NOTE: the model answers in this run were SCRIPTED (read from a file), not from a model.');
  out.push(`drydock fix: ${s.status} — ${s.message}`);
  for (const f of s.fallbacks ?? []) out.push(`not understood: ${f}`);
  for (const r of s.sandboxRecoveries ?? [])
    out.push(
      `sandbox lost in ${r.stage} (${r.lost}, during \`${r.during}\`): rebuilt as ${r.replacement}, run went on`,
    );
  if (s.files.length) out.push(`changed: ${s.files.join(', ')}`);
  for (const c of s.candidates)
    out.push(
      `  ${c.id === s.selected ? '*' : ' '} ${c.id} votes ${c.votes}, reward ${c.reward?.toFixed(3) ?? '-'}: ${c.outcome}`,
    );
  if (s.reproductionTest) out.push(`reproduction test: ${s.reproductionTest.reason}`);
  if (s.tests) out.push(`tests (${s.tests.command}): ${s.tests.passed} passed, ${s.tests.failed} failed`);
  if (s.regressionTests.length)
    out.push(
      `regression tests: ${s.regressionTests.length} (${s.regressionTests.slice(0, 5).join(', ')}${s.regressionTests.length > 5 ? ', ...' : ''})`,
    );
  out.push(
    `review: ${s.review.rounds} round(s), ${s.review.approved ? 'approved' : 'not approved'}${s.review.changed ? ', changed the patch' : ''}${s.review.denied.length ? `; refused by the policy: ${s.review.denied.join(', ')}` : ''}`,
  );
  out.push(
    `reward ${s.reward?.toFixed(3) ?? '-'}; cost ${s.costUsd === null ? 'unknown' : `$${s.costUsd.toFixed(4)}`}, ${s.turns} model turns, ${s.tokens} tokens; ${(s.wallMs / 1000).toFixed(1)} s`,
  );
  if (s.patch) out.push('', s.patch.trimEnd(), '');
  out.push(
    s.applied
      ? 'the patch was applied to the working tree'
      : s.branch
        ? `committed on branch ${s.branch}`
        : 'your repository was not changed (use --apply or --branch NAME)',
  );
  out.push(`trajectory: ${s.trajectory}`);
  if (s.scripted) out.push('NOTE: the model answers above were SCRIPTED, not from a model.');
  return out.join('\n');
}
