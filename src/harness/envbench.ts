import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DrydockError, type Progress, silentProgress, WORKSPACE, workspaceRelative } from '../core/index.js';
import {
  imageRef,
  LANGUAGE_SERVER_BIN,
  openSandbox,
  type ImageName,
  type Sandbox,
} from '../sandbox/index.js';
import { checkoutRepo } from './repos.js';

export type EnvLanguage = 'python' | 'jvm';

/** Which check applies to a repository: JVM when it has a Maven or Gradle build, else Python. */
export function detectLanguage(repoDir: string): EnvLanguage {
  const has = (f: string) => existsSync(join(repoDir, f));
  if (
    has('pom.xml') ||
    has('build.gradle') ||
    has('build.gradle.kts') ||
    has('settings.gradle') ||
    has('settings.gradle.kts')
  )
    return 'jvm';
  return 'python';
}

/**
 * The rule-based baseline: a bash setup script from the repository's manifests
 * (package.json, pyproject.toml, setup.py, setup.cfg, requirements files,
 * Maven/Gradle). It is what `drydock envbench setup` writes when no model is set.
 */
export function baselineScript(repoDir: string): string {
  const has = (f: string) => existsSync(join(repoDir, f));
  const lines = [
    '#!/bin/bash',
    '# drydock envbench baseline: derived from the manifests only',
    'set -e',
    `cd ${WORKSPACE}`,
  ];
  if (has('package.json')) {
    if (has('package-lock.json') || has('npm-shrinkwrap.json')) lines.push('npm ci --no-audit --no-fund');
    else if (has('yarn.lock')) lines.push('corepack enable && yarn install --frozen-lockfile');
    else if (has('pnpm-lock.yaml')) lines.push('corepack enable && pnpm install --frozen-lockfile');
    else lines.push('npm install --no-audit --no-fund');
  }
  const reqs = readdirSync(repoDir)
    .filter((f) => /^requirements.*\.txt$/.test(f))
    .sort();
  if (has('requirements')) {
    for (const f of readdirSync(join(repoDir, 'requirements')).sort())
      if (f.endsWith('.txt')) reqs.push(`requirements/${f}`);
  }
  for (const f of reqs) lines.push(`python3 -m pip install -r ${f}`);
  const pyproject = has('pyproject.toml') ? readFileSync(join(repoDir, 'pyproject.toml'), 'utf8') : '';
  if (/\[tool\.poetry\]/.test(pyproject) && !/\[project\]/.test(pyproject))
    lines.push(
      'python3 -m pip install poetry',
      'poetry config virtualenvs.create false',
      'poetry install --no-interaction',
    );
  else if (pyproject || has('setup.py') || has('setup.cfg')) lines.push('python3 -m pip install -e .');
  if (has('pom.xml')) lines.push('mvn -B -q -DskipTests dependency:resolve');
  else if (has('gradlew')) lines.push('chmod +x gradlew && ./gradlew --no-daemon dependencies');
  return lines.join('\n') + '\n';
}

/** One script to evaluate, as EnvBench's scripts are keyed: repository and revision. */
export interface EnvScript {
  repository: string;
  revision: string;
  script: string;
}

/** One entry of results.json (EnvBench's evaluation record). */
export interface EnvResult {
  repo_name: string;
  commit_sha: string;
  language: EnvLanguage;
  /** Exit code of the sourced setup script (null if it was killed). */
  exit_code: number | null;
  /** reportMissingImports diagnostics (Python) or compile errors (JVM); null when the check could not run. */
  issues_count: number | null;
  execution_time: number;
  success: boolean;
  container_logs: string;
  issues?: string[];
}

/** Reads a scripts file: JSONL or a JSON list of {repository|repo, revision|base_commit|commit, script}. */
export function loadScripts(path: string): EnvScript[] {
  if (!existsSync(path))
    throw new DrydockError(
      `scripts file not found: ${path}`,
      'pass --scripts FILE (JSONL)',
      'SCRIPTS_NOT_FOUND',
    );
  const text = readFileSync(path, 'utf8').trim();
  const rows: unknown[] = text.startsWith('[')
    ? (JSON.parse(text) as unknown[])
    : text
        .split('\n')
        .filter((l) => l.trim())
        .map((l, i) => {
          try {
            return JSON.parse(l) as unknown;
          } catch {
            throw new DrydockError(`${path}:${i + 1}: not valid JSON`, undefined, 'BAD_SCRIPTS');
          }
        });
  return rows.map((r, i) => {
    const o = r as Record<string, unknown>;
    const repository = o.repository ?? o.repo;
    const revision = o.revision ?? o.base_commit ?? o.commit ?? 'HEAD';
    const script = o.script;
    if (typeof repository !== 'string' || typeof revision !== 'string' || typeof script !== 'string')
      throw new DrydockError(
        `${path}: entry ${i + 1}: needs repository, revision and script strings`,
        undefined,
        'BAD_SCRIPTS',
      );
    return { repository, revision, script };
  });
}

interface PyrightJson {
  generalDiagnostics?: { rule?: string; file?: string; message?: string; severity?: string }[];
}

const PY_CHECK = `cd ${WORKSPACE} && ${LANGUAGE_SERVER_BIN}/pyright --outputjson . > /tmp/drydock/pyright.json 2>/tmp/drydock/pyright.err; echo "$?" > /tmp/drydock/check.exit`;
const JVM_CHECK = [
  `cd ${WORKSPACE}`,
  'if [ -f pom.xml ]; then mvn -B -q -DskipTests compile; ',
  'elif [ -x gradlew ]; then ./gradlew --no-daemon compileJava compileTestJava; ',
  'else gradle --no-daemon compileJava compileTestJava; fi > /tmp/drydock/compile.log 2>&1; echo "$?" > /tmp/drydock/check.exit',
].join('');

/**
 * Sources `script` in a fresh sandbox on the repository, then runs the check in
 * the same shell (so a venv the script activates is the one checked).
 */
async function evalOne(s: EnvScript, reposDir: string, opts: EnvEvalOptions): Promise<EnvResult> {
  const co = await checkoutRepo(s.repository, s.revision, reposDir);
  const t0 = performance.now();
  const language = detectLanguage(co.dir);
  const image: ImageName = language === 'python' ? 'python' : 'base';
  let sb: Sandbox | undefined;
  try {
    sb = await openSandbox({
      image: imageRef(image),
      repo: co.dir,
      network: opts.network ?? 'bridge',
      limits: {
        memoryBytes: opts.memoryBytes ?? 4 * 1024 ** 3,
        cpus: 2,
        pids: 2048,
        timeoutMs: opts.timeoutMs ?? 30 * 60_000,
        maxOutputBytes: 4 * 1024 * 1024,
      },
    });
    await sb.exec('mkdir -p /tmp/drydock');
    await sb.writeFile('/tmp/drydock/setup.sh', s.script);
    const run = await sb.exec(
      `cd ${WORKSPACE}\nset +e\nsource /tmp/drydock/setup.sh > /tmp/drydock/setup.log 2>&1\necho "$?" > /tmp/drydock/setup.exit\nset +e\n${language === 'python' ? PY_CHECK : JVM_CHECK}\n`,
    );
    const read = async (p: string) => (await sb!.exec(`cat ${p} 2>/dev/null`)).stdout;
    const setupLog = await read('/tmp/drydock/setup.log');
    const setupExit = (await read('/tmp/drydock/setup.exit')).trim();
    // The script may `exit` the shell it is sourced in: then its exit is the call's.
    const exit_code = run.killedBy ? null : setupExit ? Number(setupExit) : run.exitCode;
    let issues_count: number | null = null;
    let issues: string[] = [];
    const checkRan = (await read('/tmp/drydock/check.exit')).trim() !== '';
    if (checkRan && language === 'python') {
      try {
        const pj = JSON.parse(await read('/tmp/drydock/pyright.json')) as PyrightJson;
        issues = (pj.generalDiagnostics ?? [])
          .filter((d) => d.rule === 'reportMissingImports')
          .map((d) => `${workspaceRelative(d.file ?? '')}: ${d.message ?? ''}`);
        issues_count = issues.length;
      } catch {
        issues_count = null;
      }
    } else if (checkRan) {
      const code = Number((await read('/tmp/drydock/check.exit')).trim());
      const log = await read('/tmp/drydock/compile.log');
      issues = log.split('\n').filter((l) => /\[ERROR\]|error:/.test(l));
      issues_count = code === 0 ? 0 : Math.max(1, issues.length);
    }
    return {
      repo_name: s.repository,
      commit_sha: s.revision,
      language,
      exit_code,
      issues_count,
      execution_time: Math.round(performance.now() - t0) / 1000,
      success: exit_code === 0 && issues_count === 0,
      container_logs: setupLog.slice(-20_000),
      issues,
    };
  } finally {
    if (sb) await sb.close().catch(() => {});
    co.cleanup();
  }
}

export interface EnvEvalOptions {
  out?: string;
  timeoutMs?: number;
  memoryBytes?: number;
  network?: 'none' | 'bridge';
  progress?: Progress;
}

/** Evaluates setup scripts, one fresh sandbox each; writes `<out>/results.json`. */
export async function evalEnvScripts(
  scripts: EnvScript[],
  reposDir: string,
  opts: EnvEvalOptions = {},
): Promise<{ results: EnvResult[]; path?: string }> {
  const progress = opts.progress ?? silentProgress;
  const results: EnvResult[] = [];
  for (const s of scripts) {
    let r: EnvResult;
    try {
      r = await evalOne(s, reposDir, opts);
    } catch (err) {
      r = {
        repo_name: s.repository,
        commit_sha: s.revision,
        language: 'python',
        exit_code: null,
        issues_count: null,
        execution_time: 0,
        success: false,
        container_logs: err instanceof Error ? err.message : String(err),
      };
    }
    results.push(r);
    progress.step(
      `${results.length}/${scripts.length} ${s.repository}: ${r.success ? 'success' : 'failure'} (exit ${r.exit_code}, issues ${r.issues_count})`,
    );
  }
  let path: string | undefined;
  if (opts.out) {
    mkdirSync(opts.out, { recursive: true });
    path = join(opts.out, 'results.json');
    writeFileSync(path, JSON.stringify(results, null, 2));
  }
  return { results, path };
}
