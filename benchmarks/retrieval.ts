/**
 * Retrieval benchmark: for each dataset instance, rank the repository's files
 * at `base_commit` for `problem_statement`, and score recall@1/5/10 of the
 * files the instance's `patch` changes, against plain BM25 over whole files
 * in the same run. Also indexing time and peak memory per repository.
 *
 *   npm run bench:retrieval -- --dataset FILE --repos DIR [--index-repo owner/name|GITDIR[@rev]]... [--repeat N] [--out FILE]
 *
 * DIR holds DIR/<owner>/<name> git repositories (bare or not). Objects are
 * read with `git ls-tree` and `git cat-file --batch`: nothing is checked out
 * and the repositories are never written to. `patch` is used only to score.
 * Each repository is indexed in its own child process, so that its peak RSS
 * is its own. `--index-repo` only indexes a repository, for timing: `--repeat`
 * cold builds (default 3), reported as median and minimum.
 */
import { execFileSync, fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Bm25Index,
  buildSymbolIndex,
  isIndexablePath,
  languageOf,
  loadGrammars,
  MemoryAnalysisCache,
  plainTokens,
  retrieve,
  termFrequencies,
  type SourceFile,
} from '../src/code/index.js';

const K = [1, 5, 10] as const;

interface Instance {
  instance_id: string;
  repo: string;
  base_commit: string;
  problem_statement: string;
  patch: string;
}

type Method = 'ours' | 'baseline';

/** What a child sends back for one instance: a ranking, and how long indexing took. */
interface ChildInstance {
  id: string;
  files: number;
  readMs: number;
  indexMs: number;
  /** CPU time of the whole process (all threads) while indexing: on a busy machine, wall time says less. */
  indexCpuMs: number;
  cachedIndexMs?: number;
  ranking: string[];
}

interface ChildReport {
  method: Method | 'index-only';
  repo: string;
  grammarLoadMs: number;
  instances: ChildInstance[];
  peakRssMb: number;
  /** Peak RSS when the first instance was done (its cold build, a cached rebuild and a ranking), before later builds pile up garbage. */
  firstBuildPeakRssMb: number;
  parsedFiles?: number;
}

function gitDir(repos: string, repo: string): string {
  const dir = join(repos, repo);
  return existsSync(join(dir, '.git')) ? join(dir, '.git') : dir;
}

function git(dir: string, args: string[], input?: string): Buffer {
  return execFileSync('git', ['--git-dir', dir, ...args], {
    input,
    maxBuffer: 1 << 30,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** The indexable text files of a commit, straight from the object store. */
function readCommit(dir: string, commit: string): SourceFile[] {
  const entries: { path: string; hash: string }[] = [];
  for (const record of git(dir, ['ls-tree', '-r', '-z', '--long', commit]).toString('utf8').split('\0')) {
    const match = /^(\d+) blob ([0-9a-f]+)\s+(\d+|-)\t(.*)$/s.exec(record);
    if (!match || match[1] === '120000') continue;
    const [, , hash, size, path] = match;
    if (Number(size) > 1_000_000 || !isIndexablePath(path!)) continue;
    entries.push({ path: path!, hash: hash! });
  }
  const out = git(dir, ['cat-file', '--batch'], entries.map((e) => `${e.hash}\n`).join(''));
  const files: SourceFile[] = [];
  let at = 0;
  for (const entry of entries) {
    const headerEnd = out.indexOf(10, at);
    const size = Number(out.subarray(at, headerEnd).toString('latin1').split(' ')[2]);
    const body = out.subarray(headerEnd + 1, headerEnd + 1 + size);
    at = headerEnd + 1 + size + 1;
    if (body.includes(0)) continue;
    files.push({ path: entry.path, hash: entry.hash, source: body.toString('utf8') });
  }
  return files;
}

function rssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Plain BM25 over whole files: path and content as one text, lowercase word tokens, nothing else. */
function baselineRanking(files: SourceFile[], query: string): string[] {
  const bm25 = new Bm25Index();
  for (const file of files) bm25.add(termFrequencies(plainTokens(`${file.path}\n${file.source}`)));
  const scores = bm25.score(termFrequencies(plainTokens(query)));
  return [...scores.keys()]
    .filter((i) => scores[i]! > 0)
    .sort((a, b) => scores[b]! - scores[a]!)
    .slice(0, Math.max(...K))
    .map((i) => files[i]!.path);
}

async function child(
  method: ChildReport['method'],
  dir: string,
  repo: string,
  jobs: { id: string; commit: string; query: string }[],
): Promise<ChildReport> {
  const started = performance.now();
  if (method !== 'baseline') await loadGrammars();
  const grammarLoadMs = Math.round(performance.now() - started);
  const instances: ChildInstance[] = [];
  let parsedFiles: number | undefined;
  let firstBuildPeakRssMb = 0;
  for (const job of jobs) {
    if (instances.length === 1) firstBuildPeakRssMb = rssMb();
    const readStart = performance.now();
    const files = readCommit(dir, job.commit);
    const readMs = Math.round(performance.now() - readStart);
    const indexStart = performance.now();
    let ranking: string[];
    let cachedIndexMs: number | undefined;
    if (method === 'baseline') {
      ranking = baselineRanking(files, job.query);
    } else {
      // Cold: a fresh cache per instance, so every instance pays full indexing.
      const cache = new MemoryAnalysisCache();
      const cpuStart = process.cpuUsage();
      const index = await buildSymbolIndex(files, { cache });
      const indexMs = performance.now() - indexStart;
      const cpu = process.cpuUsage(cpuStart);
      const indexCpuMs = Math.round((cpu.user + cpu.system) / 1000);
      const warmStart = performance.now();
      await buildSymbolIndex(files, { cache });
      cachedIndexMs = Math.round(performance.now() - warmStart);
      ranking =
        method === 'ours' ? retrieve(job.query, index, { k: Math.max(...K) }).files.map((f) => f.path) : [];
      parsedFiles = files.filter((f) => languageOf(f.path) !== null).length;
      instances.push({
        id: job.id,
        files: files.length,
        readMs,
        indexMs: Math.round(indexMs),
        indexCpuMs,
        cachedIndexMs,
        ranking,
      });
      continue;
    }
    instances.push({
      id: job.id,
      files: files.length,
      readMs,
      indexMs: Math.round(performance.now() - indexStart),
      indexCpuMs: 0,
      ranking,
    });
  }
  return {
    method,
    repo,
    grammarLoadMs,
    instances,
    peakRssMb: rssMb(),
    firstBuildPeakRssMb: firstBuildPeakRssMb || rssMb(),
    ...(parsedFiles !== undefined ? { parsedFiles } : {}),
  };
}

interface ChildJob {
  method: ChildReport['method'];
  dir: string;
  repo: string;
  jobs: { id: string; commit: string; query: string }[];
}

function runChild(args: ChildJob): Promise<ChildReport> {
  return new Promise((resolvePromise, reject) => {
    const worker = fork(fileURLToPath(import.meta.url), ['--child'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    worker.once('message', (report) => resolvePromise(report as ChildReport));
    worker.once('error', reject);
    worker.once(
      'exit',
      (code) =>
        code !== 0 && reject(new Error(`child for ${JSON.stringify(args).slice(0, 80)} exited with ${code}`)),
    );
    worker.send(args);
  });
}

/** Files a patch changes that exist before it: a retriever cannot rank a file the fix creates. */
function goldFiles(dir: string, instance: Instance): { existing: string[]; created: string[] } {
  const paths = [...new Set([...instance.patch.matchAll(/^diff --git a\/(\S+) b\//gm)].map((m) => m[1]!))];
  const existing: string[] = [];
  const created: string[] = [];
  for (const path of paths) {
    try {
      git(dir, ['cat-file', '-e', `${instance.base_commit}:${path}`]);
      existing.push(path);
    } catch {
      created.push(path);
    }
  }
  return { existing, created };
}

function recall(ranking: string[], gold: string[], k: number): number {
  const top = new Set(ranking.slice(0, k));
  return gold.filter((g) => top.has(g)).length / gold.length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

function mean(values: number[]): number {
  return values.length === 0
    ? 0
    : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 1000) / 1000;
}

function parseArgs(argv: string[]): {
  dataset: string;
  repos: string;
  out: string;
  indexRepos: string[];
  repeat: number;
} {
  let repeat = 3;
  let dataset = '';
  let repos = '';
  let out = 'benchmarks/results/retrieval.json';
  const indexRepos: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--dataset') dataset = value;
    else if (flag === '--repos') repos = value;
    else if (flag === '--out') out = value;
    else if (flag === '--index-repo') indexRepos.push(value);
    else if (flag === '--repeat') repeat = Math.max(1, Number(value) || 1);
    else throw new Error(`unknown flag ${flag}`);
    i++;
  }
  if (!dataset || !repos)
    throw new Error(
      'usage: bench:retrieval -- --dataset FILE --repos DIR [--index-repo owner/name|GITDIR[@rev]]... [--repeat N] [--out FILE]',
    );
  return { dataset, repos, out, indexRepos, repeat };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const instances = readFileSync(args.dataset, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Instance);
  const byRepo = new Map<string, Instance[]>();
  for (const instance of instances)
    byRepo.set(instance.repo, [...(byRepo.get(instance.repo) ?? []), instance]);

  const reports: ChildReport[] = [];
  for (const [repo, list] of byRepo) {
    const dir = resolve(gitDir(args.repos, repo));
    // Only the id, commit and problem statement go to the children: the patch stays here, for scoring.
    const jobs = list.map((i) => ({ id: i.instance_id, commit: i.base_commit, query: i.problem_statement }));
    for (const method of ['ours', 'baseline'] as const)
      reports.push(await runChild({ method, dir, repo, jobs }));
  }
  const indexOnly: ChildReport[] = [];
  for (const spec of args.indexRepos) {
    const [repo, rev = 'HEAD'] = spec.split('@') as [string, string?];
    // owner/name under --repos, or the path of a git directory anywhere.
    const dir = resolve(existsSync(join(args.repos, repo)) ? gitDir(args.repos, repo) : repo);
    indexOnly.push(
      await runChild({
        method: 'index-only',
        dir,
        repo,
        // Timing on a shared machine is noisy: several cold builds, reported as median and minimum.
        jobs: Array.from({ length: args.repeat }, () => ({ id: `${repo}@${rev}`, commit: rev, query: '' })),
      }),
    );
  }

  const rows = instances.map((instance) => {
    const ours = reports
      .find((r) => r.method === 'ours' && r.repo === instance.repo)!
      .instances.find((i) => i.id === instance.instance_id)!;
    const base = reports
      .find((r) => r.method === 'baseline' && r.repo === instance.repo)!
      .instances.find((i) => i.id === instance.instance_id)!;
    const gold = goldFiles(resolve(gitDir(args.repos, instance.repo)), instance);
    const score = (ranking: string[]) =>
      Object.fromEntries(
        K.map((k) => [`at${k}`, gold.existing.length ? recall(ranking, gold.existing, k) : 0]),
      );
    return {
      id: instance.instance_id,
      repo: instance.repo,
      files: ours.files,
      indexMs: ours.indexMs,
      cachedIndexMs: ours.cachedIndexMs,
      gold: gold.existing,
      createdByPatch: gold.created,
      ours: score(ours.ranking),
      baseline: score(base.ranking),
      oursTop5: ours.ranking.slice(0, 5),
      baselineTop5: base.ranking.slice(0, 5),
    };
  });
  const scored = rows.filter((r) => r.gold.length > 0);
  const repoRows = [...byRepo.keys()].map((repo) => {
    const ours = reports.find((r) => r.method === 'ours' && r.repo === repo)!;
    const base = reports.find((r) => r.method === 'baseline' && r.repo === repo)!;
    return {
      repo,
      files: Math.max(...ours.instances.map((i) => i.files)),
      maxIndexMs: Math.max(...ours.instances.map((i) => i.indexMs)),
      maxIndexCpuMs: Math.max(...ours.instances.map((i) => i.indexCpuMs)),
      maxCachedIndexMs: Math.max(...ours.instances.map((i) => i.cachedIndexMs ?? 0)),
      grammarLoadMs: ours.grammarLoadMs,
      peakRssMb: ours.firstBuildPeakRssMb,
      peakRssMbAllInstances: ours.peakRssMb,
      baselineMaxIndexMs: Math.max(...base.instances.map((i) => i.indexMs)),
      baselinePeakRssMb: base.firstBuildPeakRssMb,
    };
  });
  const indexOnlyRows = indexOnly.map((r) => ({
    repo: r.instances[0]!.id,
    files: r.instances[0]!.files,
    parsedFiles: r.parsedFiles ?? 0,
    builds: r.instances.length,
    indexMs: median(r.instances.map((i) => i.indexMs)),
    minIndexMs: Math.min(...r.instances.map((i) => i.indexMs)),
    allIndexMs: r.instances.map((i) => i.indexMs),
    allIndexCpuMs: r.instances.map((i) => i.indexCpuMs),
    indexCpuMs: median(r.instances.map((i) => i.indexCpuMs)),
    cachedIndexMs: median(r.instances.map((i) => i.cachedIndexMs ?? 0)),
    grammarLoadMs: r.grammarLoadMs,
    peakRssMb: r.firstBuildPeakRssMb,
    peakRssMbAllBuilds: r.peakRssMb,
  }));

  const pct = (x: number) => `${Math.round(x * 100)}%`.padStart(5);
  console.log(
    'instance                        files  index ms  gold  | ours @1  @5   @10  | bm25 @1  @5   @10',
  );
  for (const r of rows) {
    console.log(
      `${r.id.padEnd(30)} ${String(r.files).padStart(6)} ${String(r.indexMs).padStart(9)} ${String(r.gold.length).padStart(5)}  | ` +
        `${pct(r.ours.at1!)}${pct(r.ours.at5!)}${pct(r.ours.at10!)}  | ${pct(r.baseline.at1!)}${pct(r.baseline.at5!)}${pct(r.baseline.at10!)}`,
    );
  }
  const summary = {
    instances: scored.length,
    recallAt1: mean(scored.map((r) => r.ours.at1!)),
    recallAt5: mean(scored.map((r) => r.ours.at5!)),
    recallAt10: mean(scored.map((r) => r.ours.at10!)),
    baselineRecallAt1: mean(scored.map((r) => r.baseline.at1!)),
    baselineRecallAt5: mean(scored.map((r) => r.baseline.at5!)),
    baselineRecallAt10: mean(scored.map((r) => r.baseline.at10!)),
    maxIndexMs: Math.max(...repoRows.map((r) => r.maxIndexMs), ...indexOnlyRows.map((r) => r.indexMs)),
  };
  console.log(
    `${'mean'.padEnd(30)} ${''.padStart(6)} ${''.padStart(9)} ${''.padStart(5)}  | ${pct(summary.recallAt1)}${pct(summary.recallAt5)}${pct(summary.recallAt10)}  | ${pct(summary.baselineRecallAt1)}${pct(summary.baselineRecallAt5)}${pct(summary.baselineRecallAt10)}`,
  );
  console.log('');
  console.log(
    'repository                      files  index ms (cold, max)  cpu ms  cached ms  peak RSS MB  | bm25 index ms  peak RSS MB',
  );
  for (const r of repoRows) {
    console.log(
      `${r.repo.padEnd(30)} ${String(r.files).padStart(6)} ${String(r.maxIndexMs).padStart(21)} ${String(r.maxIndexCpuMs).padStart(7)} ${String(r.maxCachedIndexMs).padStart(10)} ${String(r.peakRssMb).padStart(12)}  | ${String(r.baselineMaxIndexMs).padStart(13)} ${String(r.baselinePeakRssMb).padStart(12)}`,
    );
  }
  for (const r of indexOnlyRows) {
    console.log(
      `${r.repo.padEnd(30)} ${String(r.files).padStart(6)} ${String(r.indexMs).padStart(21)} ${String(r.indexCpuMs).padStart(7)} ${String(r.cachedIndexMs).padStart(10)} ${String(r.peakRssMb).padStart(12)}  | (index only, ${r.parsedFiles} parsed files; median of ${r.builds}, min ${r.minIndexMs} ms)`,
    );
  }
  mkdirSync(dirname(args.out), { recursive: true });
  const result = {
    ...summary,
    dataset: args.dataset,
    node: process.version,
    cores: availableParallelism(),
    loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    repositories: repoRows,
    indexOnly: indexOnlyRows,
    perInstance: rows,
  };
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(summary));
}

if (process.argv.includes('--child')) {
  process.once('message', (args: ChildJob) => {
    child(args.method, args.dir, args.repo, args.jobs)
      .then((report) => process.send!(report, () => process.exit(0)))
      .catch((err: unknown) => {
        console.error(err);
        process.exit(1);
      });
  });
} else {
  main().catch((err: unknown) => {
    console.error(`bench:retrieval: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
