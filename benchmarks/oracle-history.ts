// Oracle scripts over a repository's own history: every recent non-merge commit that changes
// text files becomes a pseudo-instance (base = its parent, gold patch = its diff), and the oracle
// script for each variant (clean, trailing-spaces, wrong-indent, blank-search) must rebuild the
// commit's post-image through drydock's own edit parser and applier. Nothing runs in a container:
// this measures, over hundreds of real changes no one chose, whether the edit format can carry
// what real fixes change (tabs, CRLF, no final newline, unicode, repeated lines, new files), the
// first thing an oracle run on an unseen instance depends on.
//   npm run bench:oracle-history -- --repos DIR [--commits 200] [--max-files 8] [--results FILE]
// DIR holds <owner>/<name> git directories (the search tool's `fetch`), as bench:oracle's --repos.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Instance } from '../src/harness/index.js';
import { FINAL_NEWLINE, oracleScript, type Variant } from './oracle-script.js';

const { values } = parseArgs({
  options: {
    repos: { type: 'string' },
    commits: { type: 'string', default: '200' },
    'max-files': { type: 'string', default: '8' },
    results: { type: 'string', default: 'benchmarks/results/oracle-history.json' },
  },
});
if (!values.repos || !existsSync(values.repos)) {
  process.stderr.write(
    'usage: npm run bench:oracle-history -- --repos DIR [--commits N] [--max-files N] [--results FILE] (DIR/<owner>/<name> git directories)\n',
  );
  process.exit(2);
}
const perRepo = Number(values.commits);
const maxFiles = Number(values['max-files']);
const VARIANTS: Variant[] = ['clean', 'trailing-spaces', 'wrong-indent', 'blank-search'];

const git = (gitDir: string, args: string[]) =>
  execFileSync('git', ['--git-dir', gitDir, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 ** 2,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** The git directory of a fetched repository: a bare mirror or a work tree's .git. */
function gitDirOf(path: string): string | null {
  if (existsSync(join(path, '.git'))) return join(path, '.git');
  if (existsSync(join(path, 'HEAD')) && existsSync(join(path, 'objects'))) return path;
  return null;
}

const isTest = (p: string) =>
  /(^|\/)(tests?|__tests__|spec|testing)\//.test(p) ||
  /(^|\/)test_[^/]*\.py$|_test\.py$|[._-](test|spec)\.[cm]?[jt]sx?$/.test(p);

interface Row {
  repo: string;
  commit: string;
  files: number;
  variant: Variant;
  outcome: 'rebuilds' | 'not-expressible' | 'problem' | 'not-applicable';
  problems: string[];
}

const rows: Row[] = [];
const root = resolve(values.repos);
const repos: { name: string; gitDir: string }[] = [];
for (const owner of readdirSync(root))
  for (const name of readdirSync(join(root, owner))) {
    const g = gitDirOf(join(root, owner, name));
    if (g) repos.push({ name: `${owner}/${name}`, gitDir: g });
  }
if (repos.length === 0) {
  process.stderr.write(`${root}: no <owner>/<name> git directories found; fetch some first\n`);
  process.exit(2);
}

const started = performance.now();
for (const { name, gitDir } of repos) {
  const commits = git(gitDir, ['log', '--no-merges', '--format=%H %P', '-n', String(perRepo * 3), 'HEAD'])
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .filter((p) => p.length === 2) as [string, string][];
  let taken = 0;
  for (const [commit, parent] of commits) {
    if (taken >= perRepo) break;
    // Text files only (numstat says '-' for binary), no renames: a rename is a delete and an add.
    const stat = git(gitDir, ['diff', '--no-renames', '--numstat', parent, commit])
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
    const text = stat.filter(([a]) => a !== '-').map((s) => s[2]!);
    const source = text.filter((p) => !isTest(p));
    if (source.length === 0 || source.length > maxFiles || text.length !== stat.length) continue;
    const patch = git(gitDir, ['diff', '--no-renames', '--no-color', parent, commit, '--', ...source]);
    const testPaths = text.filter(isTest);
    const testPatch = testPaths.length
      ? git(gitDir, ['diff', '--no-renames', '--no-color', parent, commit, '--', ...testPaths])
      : '';
    taken++;
    const inst = {
      instance_id: `${name.replace('/', '__')}-${commit.slice(0, 8)}`,
      repo: name,
      base_commit: parent,
      patch,
      test_patch: testPatch,
      FAIL_TO_PASS: [],
      PASS_TO_PASS: [],
    } as unknown as Instance;
    for (const variant of VARIANTS) {
      let outcome: Row['outcome'] = 'rebuilds';
      let problems: string[] = [];
      try {
        const s = await oracleScript(gitDir, inst, variant);
        problems = s.problems;
        if (!s.applicable) outcome = 'not-applicable';
        else if (
          problems.length &&
          problems.every((p) => /deleting a file cannot be written/.test(p) || p.endsWith(FINAL_NEWLINE))
        )
          outcome = 'not-expressible';
        else if (problems.length) outcome = 'problem';
      } catch (e) {
        outcome = 'problem';
        problems = [
          `oracle script failed: ${(e as Error).message.split('\n')[0]} ${String((e as { stderr?: unknown }).stderr ?? '').split('\n')[0]}`,
        ];
      }
      rows.push({ repo: name, commit, files: source.length, variant, outcome, problems });
    }
  }
  process.stderr.write(`${name}: ${taken} commits\n`);
}

const byVariant: Record<string, Record<string, number>> = {};
for (const r of rows) {
  const v = (byVariant[r.variant] ??= { rebuilds: 0, 'not-expressible': 0, problem: 0, 'not-applicable': 0 });
  v[r.outcome]!++;
}
const problems = rows
  .filter((r) => r.outcome === 'problem')
  .map((r) => `${r.variant} ${r.repo}@${r.commit.slice(0, 10)}: ${r.problems.join('; ')}`);
for (const [v, c] of Object.entries(byVariant))
  process.stdout.write(
    `${v}: ${c.rebuilds} rebuild the commit, ${c.problem} problems, ${c['not-expressible']} delete a file or change only its final newline (not expressible as SEARCH/REPLACE), ${c['not-applicable']} not applicable\n`,
  );
for (const p of problems) process.stdout.write(`  ${p}\n`);
const out = {
  benchmark: 'oracle-history',
  scripted: true,
  at: new Date().toISOString(),
  repos: repos.map((r) => r.name),
  commitsPerRepo: perRepo,
  maxFiles,
  seconds: Math.round((performance.now() - started) / 100) / 10,
  byVariant,
  problems,
  commits: [...new Set(rows.map((r) => `${r.repo}@${r.commit}`))],
};
mkdirSync(dirname(values.results!), { recursive: true });
writeFileSync(values.results!, `${JSON.stringify(out, null, 2)}\n`);
process.stdout.write(`${JSON.stringify({ benchmark: 'oracle-history', byVariant })}\n`);
