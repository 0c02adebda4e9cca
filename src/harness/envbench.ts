import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DrydockError, type Progress, silentProgress, WORKSPACE, workspaceRelative } from '../core/index.js';
import { imageRef, LANGUAGE_SERVER_BIN, openSandbox, type Sandbox } from '../sandbox/index.js';
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

/**
 * EnvBench's exit codes for failures outside the script (`evaluation/conf/config.yaml` in
 * JetBrains-Research/EnvBench), kept so a results file reads the same as theirs.
 */
export const ENVBENCH_EXIT_CODES = {
  timeout: -127,
  unknown_failure: -999,
  docker_failure: -888,
  create_container_failure: -777,
  download_failure: -666,
  script_failure: -555,
} as const;

/**
 * One entry of results.json, exactly as EnvBench writes it: `evaluation/main.py`'s `json_result`
 * (`exit_code`, `execution_time`, `repo_name`, `commit_sha`, `container_logs`, `issues_count`)
 * merged with what the build script writes to `build_output/results.json`: for Python
 * `pyright` (pyright's `--outputjson` object, `{}` when the check did not run); for JVM
 * `build_tool` and `diagnostic_log` (the failing lines). Success, as their analysis counts it,
 * is `exit_code == 0 && issues_count == 0`.
 */
export interface EnvBenchRecord {
  exit_code: number | null;
  execution_time: number;
  repo_name: string;
  commit_sha: string;
  container_logs: string | null;
  issues_count: number;
  pyright?: PyrightJson | Record<string, never>;
  build_tool?: string;
  diagnostic_log?: string[];
}

/** A record with what drydock knows besides (never written into results.json). */
export interface EnvResult {
  record: EnvBenchRecord;
  language: EnvLanguage;
  success: boolean;
  /** The missing imports (`path: message`) or the failing build lines. */
  issues: string[];
  /** Why the check could not judge, said in one line (e.g. dependencies could not be downloaded). */
  note?: string;
}

export interface PyrightJson {
  generalDiagnostics?: { rule?: string; file?: string; message?: string; severity?: string }[];
  summary?: Record<string, unknown>;
  [key: string]: unknown;
}

/** EnvBench's success rule (their analysis: `exit_code == 0 and issues_count == 0`). */
export const envSucceeded = (r: EnvBenchRecord): boolean => r.exit_code === 0 && r.issues_count === 0;

/**
 * EnvBench's `remove_bad_commands`: lines that start a build or the tests (`mvn compile`,
 * `./gradlew build`, ...) are dropped from a script before it runs, so a script cannot pass by
 * compiling for the check.
 */
export function removeBadCommands(script: string): string {
  const bad = [
    'mvn compile',
    './mvnw compile',
    'mvn test',
    './mvnw test',
    'gradle build',
    './gradlew build',
    'gradle test',
    './gradlew test',
  ];
  return script
    .split('\n')
    .filter((l) => !bad.some((b) => l.trim().startsWith(b)))
    .join('\n');
}

/** The image a language's scripts and check run in. */
export function envImage(language: EnvLanguage): string {
  return language === 'python' ? imageRef('python') : JVM_IMAGE;
}
/** drydock/jvm (Debian's JDK and Maven): built on demand by `drydock setup --jvm` (`buildJvmImage`, envbench-jvm.ts). */
export const JVM_IMAGE = 'drydock/jvm:latest';

const CHECK_DIR = '/tmp/drydock/check';

/**
 * The check EnvBench's build scripts run (`evaluation/scripts/python_build.sh`,
 * `jvm_build.sh`), as one bash snippet writing into /tmp/drydock/check: Python, pyright
 * `--level error --outputjson` over the repository (drydock's pinned pyright, on the
 * interpreter first on PATH); JVM, `./gradlew build -x test` / `gradle build -x test` /
 * `./mvnw compile -DskipTests -B` / `mvn compile -DskipTests -B`, whichever the repository has.
 * The setup agent's `check` tool runs the same snippet, so the agent is judged as the evaluation
 * will judge it.
 */
export function checkCommand(language: EnvLanguage): string {
  const prep = `mkdir -p ${CHECK_DIR} && rm -f ${CHECK_DIR}/* && cd ${WORKSPACE}`;
  if (language === 'python')
    return `${prep} && { ${LANGUAGE_SERVER_BIN}/pyright ${WORKSPACE} --level error --outputjson > ${CHECK_DIR}/pyright.json 2> ${CHECK_DIR}/pyright.err; echo "$?" > ${CHECK_DIR}/exit; }`;
  return [
    `${prep} && {`,
    'if [ -f gradlew ]; then chmod +x gradlew; t=gradle; ./gradlew build -x test --console=plain;',
    'elif [ -f build.gradle ] || [ -f build.gradle.kts ]; then t=gradle; gradle build -x test --console=plain;',
    'elif [ -f mvnw ]; then chmod +x mvnw; t=maven; ./mvnw compile -DskipTests -B;',
    'elif [ -f pom.xml ]; then t=maven; mvn compile -DskipTests -B;',
    'else t=none; echo "No supported build tool found"; false; fi',
    `> ${CHECK_DIR}/build.log 2>&1; echo "$?" > ${CHECK_DIR}/exit; echo "$t" > ${CHECK_DIR}/tool; }`,
  ].join(' ');
}

/** What the check found, read back from the sandbox it ran in. */
export interface CheckResult {
  ran: boolean;
  issues_count: number;
  issues: string[];
  pyright?: PyrightJson;
  build_tool?: string;
  diagnostic_log?: string[];
  note?: string;
}

const DOWNLOAD_FAILED =
  /Could not (resolve|transfer|download)|Could not GET|UnknownHostException|Network is unreachable|Temporary failure in name resolution|Connection refused|unable to (find valid certification path|download)/i;

export async function readCheck(sb: Sandbox, language: EnvLanguage): Promise<CheckResult> {
  const read = async (f: string) => (await sb.exec(`cat ${CHECK_DIR}/${f} 2>/dev/null`)).stdout;
  const exit = (await read('exit')).trim();
  if (!exit) return { ran: false, issues_count: 0, issues: [], note: 'the check did not run' };
  if (language === 'python') {
    let pj: PyrightJson;
    try {
      pj = JSON.parse(await read('pyright.json')) as PyrightJson;
    } catch {
      const err = (await read('pyright.err')).trim().split('\n').slice(-3).join(' ');
      return { ran: false, issues_count: 0, issues: [], note: `pyright gave no JSON (exit ${exit}): ${err}` };
    }
    const issues = (pj.generalDiagnostics ?? [])
      .filter((d) => d.rule === 'reportMissingImports')
      .map((d) => `${workspaceRelative(d.file ?? '')}: ${d.message ?? ''}`);
    return { ran: true, issues_count: issues.length, issues, pyright: pj };
  }
  const tool = (await read('tool')).trim();
  const log = await read('build.log');
  const lines = log.split('\n');
  const failing = lines.filter((l) => (tool === 'gradle' ? l.includes('FAILURE') : l.includes('[ERROR]')));
  let issues_count = failing.length;
  let note: string | undefined;
  const downloads = lines.filter((l) => DOWNLOAD_FAILED.test(l));
  if (downloads.length)
    note = `dependencies or build plugins could not be downloaded: ${downloads[0]!.trim().slice(0, 300)}`;
  if (tool === 'none') note = 'no supported build tool found (gradlew, build.gradle, mvnw, pom.xml)';
  // EnvBench counts only FAILURE / [ERROR] lines; a build that fails without one (the build
  // tool missing, killed) would pass there. drydock counts it as one issue and says why.
  if (exit !== '0' && issues_count === 0) {
    issues_count = 1;
    failing.push(`the build exited ${exit} without an error line: ${lines.slice(-3).join(' ').trim()}`);
  }
  return {
    ran: true,
    issues_count,
    issues: failing,
    build_tool: tool,
    diagnostic_log: failing,
    ...(note ? { note } : {}),
  };
}

export interface EnvEvalOptions {
  out?: string;
  timeoutMs?: number;
  memoryBytes?: number;
  /**
   * `registries` (default): only this machine's package registries, through drydock's proxy;
   * `none`; `bridge` (every host).
   */
  network?: 'none' | 'registries' | 'bridge';
  /** Hosts `registries` allows beyond the configured registries. */
  allowHosts?: string[];
  /** Variables every script and check gets (e.g. PIP_FIND_LINKS for a package mirror). */
  env?: Record<string, string>;
  progress?: Progress;
}

/**
 * Sources `script` in a fresh sandbox of the repository at `dir` under `set -e`, as EnvBench's
 * build script does (a failing command ends it), then runs the check in the same shell, so a
 * venv the script activates is the one checked.
 */
export async function checkScript(
  dir: string,
  script: string,
  ids: { repo_name: string; commit_sha: string },
  opts: EnvEvalOptions & { language?: EnvLanguage } = {},
): Promise<EnvResult> {
  const language = opts.language ?? detectLanguage(dir);
  const t0 = performance.now();
  const record: EnvBenchRecord = {
    exit_code: null,
    execution_time: 0,
    repo_name: ids.repo_name,
    commit_sha: ids.commit_sha,
    container_logs: null,
    issues_count: 0,
    ...(language === 'python' ? { pyright: {} } : {}),
  };
  let sb: Sandbox | undefined;
  let issues: string[] = [];
  let note: string | undefined;
  try {
    try {
      sb = await openSandbox({
        image: envImage(language),
        repo: dir,
        network: opts.network ?? 'registries',
        allowHosts: opts.allowHosts,
        env: opts.env,
        limits: {
          memoryBytes: opts.memoryBytes ?? 4 * 1024 ** 3,
          cpus: 2,
          pids: 2048,
          timeoutMs: opts.timeoutMs ?? 30 * 60_000,
          maxOutputBytes: 4 * 1024 * 1024,
        },
      });
    } catch (err) {
      record.exit_code = ENVBENCH_EXIT_CODES.docker_failure;
      record.container_logs = err instanceof Error ? err.message : String(err);
      return { record, language, success: false, issues, note: record.container_logs };
    }
    await sb.exec('mkdir -p /tmp/drydock');
    await sb.writeFile('/tmp/drydock/setup.sh', removeBadCommands(script));
    const run = await sb.exec(
      `cd ${WORKSPACE}\nset -e\nsource /tmp/drydock/setup.sh > /tmp/drydock/setup.log 2>&1\nset +e\n${checkCommand(language)}\n`,
    );
    const log = (await sb.exec('cat /tmp/drydock/setup.log 2>/dev/null')).stdout;
    record.container_logs = log.slice(-20_000);
    if (run.killedBy === 'timeout') record.exit_code = ENVBENCH_EXIT_CODES.timeout;
    else if (run.killedBy) record.exit_code = ENVBENCH_EXIT_CODES.unknown_failure;
    else record.exit_code = run.exitCode;
    if (record.exit_code === 0) {
      const check = await readCheck(sb, language);
      note = check.note;
      if (!check.ran) record.exit_code = 1;
      record.issues_count = check.issues_count;
      issues = check.issues;
      if (language === 'python') record.pyright = check.pyright ?? {};
      else {
        record.build_tool = check.build_tool ?? 'none';
        record.diagnostic_log = check.diagnostic_log ?? [];
      }
    } else if (language === 'jvm') {
      record.build_tool = 'none';
      record.diagnostic_log = [];
    }
    if (note) record.container_logs = `${record.container_logs}\n[drydock] ${note}`;
  } finally {
    record.execution_time = Math.round(performance.now() - t0) / 1000;
    if (sb) await sb.close().catch(() => {});
  }
  return { record, language, success: envSucceeded(record), issues, ...(note ? { note } : {}) };
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
    const r = await evalOne(s, reposDir, opts);
    results.push(r);
    progress.step(`${results.length}/${scripts.length} ${s.repository}: ${describeResult(r)}`);
  }
  let path: string | undefined;
  if (opts.out) path = writeResults(opts.out, results);
  return { results, path };
}

async function evalOne(s: EnvScript, reposDir: string, opts: EnvEvalOptions): Promise<EnvResult> {
  const ids = { repo_name: s.repository, commit_sha: s.revision };
  let co: Awaited<ReturnType<typeof checkoutRepo>>;
  try {
    co = await checkoutRepo(s.repository, s.revision, reposDir);
  } catch (err) {
    const record: EnvBenchRecord = {
      exit_code: ENVBENCH_EXIT_CODES.download_failure,
      execution_time: 0,
      ...ids,
      container_logs: err instanceof Error ? err.message : String(err),
      issues_count: 0,
    };
    return { record, language: 'python', success: false, issues: [] };
  }
  try {
    return await checkScript(co.dir, s.script, ids, opts);
  } finally {
    co.cleanup();
  }
}

/** One line: success or failure, the exit code, the issues, and the check's note. */
export function describeResult(r: EnvResult): string {
  return (
    `${r.success ? 'success' : 'failure'} (exit ${r.record.exit_code}, issues ${r.record.issues_count})` +
    (r.note ? `: ${r.note}` : '')
  );
}

/** Writes `<out>/results.json`: the EnvBench records, a JSON list. */
export function writeResults(out: string, results: EnvResult[]): string {
  mkdirSync(out, { recursive: true });
  const path = join(out, 'results.json');
  writeFileSync(
    path,
    JSON.stringify(
      results.map((r) => r.record),
      null,
      2,
    ),
  );
  return path;
}
