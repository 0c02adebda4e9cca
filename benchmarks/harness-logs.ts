// Parser and grading fidelity against the official SWE-bench harness's own output.
//
// Published agent runs keep, per instance, the harness's `test_output.txt` next to the
// `report.json` it graded from it. This benchmark parses each log with drydock's port of
// SWE-bench's per-repository parsers, grades it with drydock's grading, and compares with
// the report: every graded test's bucket (success / failure in FAIL_TO_PASS, PASS_TO_PASS,
// FAIL_TO_FAIL, PASS_TO_FAIL) and the resolved verdict.
//
//   npm run bench:harness-logs -- fetch --git SRC [--git SRC …] --out DIR
//       SRC: a git URL (cloned with full history) or a local git directory (e.g. a mirror from
//       the search tool's `fetch`). Every commit that added a test_output.txt or report.json is
//       read; each directory holding both (a harness log dir `<…>/<instance_id>/`) is written to
//       DIR/<owner+name>/<path>/ with its source (repository, commit, path, blob ids) in
//       DIR/sources.jsonl. Nothing fetched goes into this repository: their licences differ.
//   npm run bench:harness-logs -- --logs DIR [--out FILE]
//       Every directory under DIR with both files is one pair. Writes
//       benchmarks/results/harness-logs.json (default) and prints the table.
//
// The test lists come from the report itself (its buckets' union), since the published runs do
// not ship their dataset rows; a test SKIPPED in the official run appears in no bucket there and
// so is not compared. The repository comes from the instance id (`owner__name-N`).
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSwebenchLog, SWEBENCH_PARSERS } from '../src/code/index.js';
import { gradeTests, type InstanceReport, type TestsStatus } from '../src/harness/grade.js';
import type { Instance } from '../src/harness/dataset.js';

const BUCKETS = ['FAIL_TO_PASS', 'PASS_TO_PASS', 'FAIL_TO_FAIL', 'PASS_TO_FAIL'] as const;
const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
const gitBytes = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, ...args], { maxBuffer: 1 << 30 });

// ---------------------------------------------------------------- fetch

function fetchFrom(src: string, out: string): number {
  let dir = src;
  let repo = src;
  if (!existsSync(src)) {
    dir = mkdtempSync(join(tmpdir(), 'drydock-logs-src-'));
    process.stderr.write(`cloning ${src} …\n`);
    execFileSync('git', ['clone', '--mirror', '--quiet', src, dir], { stdio: 'inherit' });
    repo = src
      .replace(/\.git$/, '')
      .split('/')
      .slice(-2)
      .join('/');
  } else {
    // A mirror from the search tool is /work/.mirror/<owner>+<name>/repo.
    const m = /([^/]+)\+([^/]+)\/repo\/?$/.exec(src);
    repo = m ? `${m[1]}/${m[2]}` : basename(src);
    try {
      const url = git(dir, 'config', '--get', 'remote.origin.url').trim();
      if (url)
        repo = url
          .replace(/\.git$/, '')
          .split('/')
          .slice(-2)
          .join('/');
    } catch {
      /* no remote: keep the folder's name */
    }
  }
  const slug = repo.replace('/', '+');
  const commits = git(
    dir,
    'log',
    '--all',
    '--format=%H',
    '--diff-filter=A',
    '--',
    '*test_output.txt',
    '*report.json',
  )
    .split('\n')
    .filter(Boolean);
  const seen = new Set<string>();
  const licences = new Set<string>();
  let n = 0;
  for (const c of commits) {
    const licence = licenceAt(dir, c);
    const files = new Map<string, { report?: string; log?: string }>();
    for (const line of git(dir, 'ls-tree', '-r', c).split('\n')) {
      const m = /^\d+ blob ([0-9a-f]+)\t(.*\/)(test_output\.txt|report\.json)$/.exec(line);
      if (!m) continue;
      const e = files.get(m[2]!) ?? {};
      if (m[3] === 'report.json') e.report = m[1];
      else e.log = m[1];
      files.set(m[2]!, e);
    }
    for (const [path, e] of files) {
      if (!e.report || !e.log) continue;
      const key = `${path}\0${e.report}\0${e.log}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // The same path with other contents in a later commit is another pair: keep both.
      const target = join(out, slug, seen.has(path) ? `${path.replace(/\/$/, '')}@${c.slice(0, 8)}` : path);
      seen.add(path);
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, 'report.json'), gitBytes(dir, 'cat-file', 'blob', e.report));
      writeFileSync(join(target, 'test_output.txt'), gitBytes(dir, 'cat-file', 'blob', e.log));
      appendFileSync(
        join(out, 'sources.jsonl'),
        JSON.stringify({
          dir: relative(out, target),
          repo,
          commit: c,
          path,
          licence,
          report_blob: e.report,
          log_blob: e.log,
        }) + '\n',
      );
      licences.add(licence);
      n++;
    }
  }
  process.stderr.write(
    `${repo}: ${n} pairs from ${commits.length} commits (licences: ${[...licences].join('; ')})\n`,
  );
  return n;
}

/** The first line of the commit's top-level licence file: the terms the logs were published under. */
function licenceAt(dir: string, commit: string): string {
  for (const f of ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'COPYING']) {
    try {
      return execFileSync('git', ['-C', dir, 'show', `${commit}:${f}`], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      })
        .split('\n')
        .find((l) => l.trim())!
        .trim();
    } catch {
      /* try the next name */
    }
  }
  return 'none found';
}

// ---------------------------------------------------------------- compare

interface PairResult {
  dir: string;
  instance_id: string;
  repo: string;
  compared: boolean;
  reason?: string;
  tests: number;
  testsAgree: number;
  officialResolved?: boolean;
  drydockResolved?: boolean;
  disagreements: { test: string; bucket: string; official: string; drydock: string }[];
}

function findPairs(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    const names = readdirSync(d);
    if (names.includes('report.json') && names.includes('test_output.txt')) out.push(d);
    for (const n of names) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(root);
  return out.sort();
}

/** `owner__name-123` → `owner/name`, as SWE-bench's own get_logs_eval did. */
export function repoOfInstance(id: string): string {
  return id.replace('__', '/').split('-').slice(0, -1).join('-');
}

function where(ts: TestsStatus, test: string, bucket: (typeof BUCKETS)[number]): string {
  const b = ts[bucket];
  if (b.success.includes(test)) return 'success';
  if (b.failure.includes(test)) return 'failure';
  return 'neither';
}

function comparePair(dir: string, root: string): PairResult {
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, InstanceReport>;
  const id = Object.keys(report)[0] ?? basename(dir);
  const r = report[id]!;
  const repo = repoOfInstance(id);
  const base: PairResult = {
    dir: relative(root, dir),
    instance_id: id,
    repo,
    compared: false,
    tests: 0,
    testsAgree: 0,
    disagreements: [],
  };
  if (!SWEBENCH_PARSERS[repo]) return { ...base, reason: `no SWE-bench parser for ${repo}` };
  if (!r.patch_successfully_applied || !r.tests_status)
    return { ...base, reason: 'patch not applied: no tests graded' };
  const official = { ...emptyStatus(), ...r.tests_status };
  const lists = Object.fromEntries(
    BUCKETS.map((b) => [b, [...(official[b]?.success ?? []), ...(official[b]?.failure ?? [])]]),
  ) as Record<(typeof BUCKETS)[number], string[]>;
  const inst = { instance_id: id, repo, shape: 'swe-bench', ...lists } as unknown as Instance;
  const map = parseSwebenchLog(repo, readFileSync(join(dir, 'test_output.txt'), 'latin1'));
  const mine = gradeTests(inst, map);
  const res: PairResult = {
    ...base,
    compared: true,
    officialResolved: r.resolved,
    drydockResolved: mine.resolved,
  };
  for (const b of BUCKETS)
    for (const t of lists[b]) {
      res.tests++;
      const o = where(official, t, b);
      const d = where(mine.tests_status, t, b);
      if (o === d) res.testsAgree++;
      else
        res.disagreements.push({ test: t, bucket: b, official: o, drydock: `${d} (${map[t] ?? 'absent'})` });
    }
  return res;
}

function emptyStatus(): TestsStatus {
  return {
    FAIL_TO_PASS: { success: [], failure: [] },
    PASS_TO_PASS: { success: [], failure: [] },
    FAIL_TO_FAIL: { success: [], failure: [] },
    PASS_TO_FAIL: { success: [], failure: [] },
  };
}

function compareAll(root: string, outFile: string) {
  const pairs = findPairs(root);
  if (!pairs.length) {
    process.stderr.write(`no test_output.txt + report.json pairs under ${root}\n`);
    process.exit(2);
  }
  const results = pairs.map((p) => comparePair(p, root));
  const compared = results.filter((r) => r.compared);
  const byRepo = new Map<string, PairResult[]>();
  for (const r of compared) byRepo.set(r.repo, [...(byRepo.get(r.repo) ?? []), r]);
  const row = (rs: PairResult[]) => {
    const tests = rs.reduce((a, r) => a + r.tests, 0);
    const agree = rs.reduce((a, r) => a + r.testsAgree, 0);
    return {
      pairs: rs.length,
      instances: new Set(rs.map((r) => r.instance_id)).size,
      pairsExact: rs.filter((r) => r.tests === r.testsAgree).length,
      tests,
      testsAgree: agree,
      verdicts: rs.length,
      verdictsAgree: rs.filter((r) => r.officialResolved === r.drydockResolved).length,
      officialResolved: rs.filter((r) => r.officialResolved).length,
    };
  };
  const perRepo = Object.fromEntries([...byRepo].sort().map(([k, v]) => [k, row(v)]));
  // The first folder under DIR is the source (`owner+name`, as `fetch` writes it): a figure per
  // published run, so agreement on data never looked at while fixing is visible on its own.
  const bySource = new Map<string, PairResult[]>();
  for (const r of compared) {
    const src = r.dir.split('/')[0]!.replace('+', '/');
    bySource.set(src, [...(bySource.get(src) ?? []), r]);
  }
  const perSource = Object.fromEntries(
    [...bySource]
      .sort()
      .map(([k, v]) => [k, { ...row(v), repositories: new Set(v.map((r) => r.repo)).size }]),
  );
  const total = row(compared);
  // Each published run named with its licence and the commits the pairs came from.
  const sources: { repo: string; licence: string; commits: string[]; pairs: number }[] = [];
  if (existsSync(join(root, 'sources.jsonl')))
    for (const l of readFileSync(join(root, 'sources.jsonl'), 'utf8').split('\n').filter(Boolean)) {
      const e = JSON.parse(l) as { repo: string; licence: string; commit: string };
      let s = sources.find((x) => x.repo === e.repo);
      if (!s) sources.push((s = { repo: e.repo, licence: e.licence, commits: [], pairs: 0 }));
      if (!s.commits.includes(e.commit)) s.commits.push(e.commit);
      s.pairs++;
    }
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(
    `${'repository'.padEnd(28)}${pad('pairs', 7)}${pad('inst', 6)}${pad('exact', 7)}${pad('tests', 8)}${pad('agree', 8)}${pad('verdicts', 10)}${pad('agree', 7)}`,
  );
  for (const [k, v] of Object.entries({ ...perRepo, TOTAL: total }))
    console.log(
      `${k.padEnd(28)}${pad(v.pairs, 7)}${pad(v.instances, 6)}${pad(v.pairsExact, 7)}${pad(v.tests, 8)}${pad(v.testsAgree, 8)}${pad(v.verdicts, 10)}${pad(v.verdictsAgree, 7)}`,
    );
  console.log(
    `${'source'.padEnd(34)}${pad('pairs', 7)}${pad('repos', 7)}${pad('tests', 8)}${pad('agree', 8)}${pad('verdicts', 10)}${pad('agree', 7)}`,
  );
  for (const [k, v] of Object.entries(perSource))
    console.log(
      `${k.padEnd(34)}${pad(v.pairs, 7)}${pad(v.repositories, 7)}${pad(v.tests, 8)}${pad(v.testsAgree, 8)}${pad(v.verdicts, 10)}${pad(v.verdictsAgree, 7)}`,
    );
  const skipped = results.filter((r) => !r.compared);
  if (skipped.length) {
    const why = new Map<string, number>();
    for (const r of skipped) why.set(r.reason!, (why.get(r.reason!) ?? 0) + 1);
    console.log(`not compared: ${[...why].map(([k, v]) => `${v} × ${k}`).join('; ')}`);
  }
  const bad = compared.filter((r) => r.disagreements.length || r.officialResolved !== r.drydockResolved);
  for (const r of bad.slice(0, 20))
    console.log(
      `DISAGREE ${r.dir}: verdict official=${r.officialResolved} drydock=${r.drydockResolved}; ` +
        r.disagreements
          .slice(0, 3)
          .map((d) => `${d.bucket} ${d.test}: ${d.official} vs ${d.drydock}`)
          .join('; '),
    );
  const summary = {
    benchmark: 'harness-logs',
    what: "drydock's SWE-bench log parsers + grading vs the official harness's report.json, on published test_output.txt",
    sources,
    pairsFound: pairs.length,
    pairsCompared: compared.length,
    notCompared: skipped.map((r) => ({ dir: r.dir, reason: r.reason })),
    total,
    testAgreement: total.tests ? total.testsAgree / total.tests : null,
    verdictAgreement: total.verdicts ? total.verdictsAgree / total.verdicts : null,
    perRepo,
    perSource,
    disagreements: bad.map((r) => ({
      dir: r.dir,
      officialResolved: r.officialResolved,
      drydockResolved: r.drydockResolved,
      tests: r.disagreements,
    })),
  };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(summary, null, 2) + '\n');
  console.log(
    JSON.stringify({
      benchmark: 'harness-logs',
      pairs: compared.length,
      repositories: byRepo.size,
      testAgreement: summary.testAgreement,
      verdictAgreement: summary.verdictAgreement,
    }),
  );
}

// ---------------------------------------------------------------- main

const usage =
  'usage: npm run bench:harness-logs -- fetch --git SRC [--git SRC …] --out DIR\n' +
  '       npm run bench:harness-logs -- --logs DIR [--out FILE]\n';
const args = process.argv.slice(2);
if (args[0] === 'fetch') {
  const { values } = parseArgs({
    args: args.slice(1),
    options: { git: { type: 'string', multiple: true }, out: { type: 'string' } },
  });
  if (!values.git?.length || !values.out) {
    process.stderr.write(usage);
    process.exit(2);
  }
  mkdirSync(values.out, { recursive: true });
  let n = 0;
  for (const src of values.git) n += fetchFrom(src, values.out);
  process.stderr.write(`${n} pairs written to ${values.out}\n`);
} else {
  const { values } = parseArgs({
    args,
    options: {
      logs: { type: 'string' },
      out: { type: 'string', default: 'benchmarks/results/harness-logs.json' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.logs) {
    process.stderr.write(usage);
    process.exit(values.help ? 0 : 2);
  }
  compareAll(values.logs, values.out!);
}
