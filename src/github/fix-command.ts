import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { streamHost } from '../core/index.js';
import type { ActionInputs } from './inputs.js';
import { parseSummary, type FixSummary } from './summary.js';

/**
 * The one adapter between the action and the agent: `drydock fix` as a child process.
 * The action never imports the agent; it reads what the command leaves in --out.
 */

/** The drydock of this installation (the action's pinned version), not whatever is on PATH. */
export const DRYDOCK_BIN = fileURLToPath(new URL('../../bin/drydock.js', import.meta.url));

/** Host variables a `drydock fix` run needs; everything else (GITHUB_TOKEN, ACTIONS_*, INPUT_*) stays out. */
const PASSED_ENV = [
  'PATH',
  'HOME',
  'TMPDIR',
  'LANG',
  'LC_ALL',
  'DOCKER_HOST',
  'DOCKER_CONFIG',
  'XDG_CONFIG_HOME',
  'CI',
];

export interface FixRun {
  /** Parsed summary.json, or why there is none. */
  summary: FixSummary | null;
  problem: string | null;
  exitCode: number | null;
  outDir: string;
  /** The patch file when the run left a non-empty one. */
  patchFile: string | null;
  /** The trajectory file(s) for the artifact, when present. */
  trajectory: string | null;
  /** The HTML report (`--report`) in the output directory, when it was written. */
  report: string | null;
  stderrTail: string;
}

export interface FixCommandOptions {
  repo: string;
  issueFile: string;
  outDir: string;
  inputs: ActionInputs;
  /** Defaults to `node <DRYDOCK_BIN>`; tests give a recorder. */
  command?: string[];
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/** argv for `drydock fix`: never the API key (a flag shows in `ps`); it travels in the environment. */
export function fixArgs(o: Pick<FixCommandOptions, 'repo' | 'issueFile' | 'outDir' | 'inputs'>): string[] {
  const i = o.inputs;
  // No --json: its progress lines then reach the workflow log; summary.json is what is read.
  // --report: report.html beside summary.json, uploaded with the trajectory.
  const args = ['fix', '--repo', o.repo, '--issue', o.issueFile, '--out', o.outDir, '--report'];
  if (i.model) args.push('--model', i.model);
  if (i.candidates !== undefined) args.push('--candidates', String(i.candidates));
  if (i.maxCost !== undefined) args.push('--max-cost', String(i.maxCost));
  args.push('--timeout', `${i.timeoutMinutes}m`);
  if (i.maxTurns !== undefined) args.push('--max-turns', String(i.maxTurns));
  if (i.tools !== 'default') args.push('--tools', i.tools);
  if (i.policy) args.push('--policy', i.policy);
  if (i.script) args.push('--script', i.script);
  return args;
}

/** The child's environment, built from an allow-list: the key goes in as OPENAI_API_KEY and nothing else secret does. */
export function fixEnv(inputs: ActionInputs, host: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of PASSED_ENV) if (host[k] !== undefined) env[k] = host[k];
  if (inputs.apiKey) env.OPENAI_API_KEY = inputs.apiKey;
  if (inputs.baseUrl) env.OPENAI_BASE_URL = inputs.baseUrl;
  if (inputs.model) env.DRYDOCK_MODEL = inputs.model;
  return env;
}

/** Runs `drydock fix` from this installation and reads back what it left in --out. */
export async function runFixCommand(o: FixCommandOptions): Promise<FixRun> {
  mkdirSync(o.outDir, { recursive: true });
  const [cmd, ...pre] = o.command ?? [process.execPath, DRYDOCK_BIN];
  const args = [...pre, ...fixArgs(o)];
  // The agent stops itself at --timeout; this is the backstop for a run that cannot.
  const hardLimitMs = (o.inputs.timeoutMinutes + 5) * 60_000;
  // drydock fix keeps its run records under the working directory when that is outside the
  // repository; a scratch directory keeps them out of the caller's tree (--out has the copy).
  const cwd = mkdtempSync(join(tmpdir(), 'drydock-fix-'));
  const { exitCode, stderrTail: stderr } = await streamHost(cmd!, args, {
    cwd,
    env: o.env ?? fixEnv(o.inputs),
    timeoutMs: hardLimitMs,
    onLine: o.log,
  }).finally(() => rmSync(cwd, { recursive: true, force: true }));
  return readFixOutput(o.outDir, exitCode, stderr);
}

/**
 * The error a drydock command printed last: its `drydock: ...` line with the `fix: ...` line
 * under it (the CLI's error format), else the last non-empty line.
 */
export function lastError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i]!.startsWith('drydock: ')) continue;
    const fix = lines[i + 1]?.trim().startsWith('fix: ') ? ` (${lines[i + 1]!.trim()})` : '';
    return `${lines[i]}${fix}`;
  }
  return lines.at(-1)?.trim() ?? '';
}

/** Reads what `drydock fix --out DIR` left: summary.json, patch.diff, the trajectory. */
export function readFixOutput(outDir: string, exitCode: number | null, stderr = ''): FixRun {
  const run: FixRun = {
    summary: null,
    problem: null,
    exitCode,
    outDir,
    patchFile: null,
    trajectory: null,
    report: existsSync(join(outDir, 'report.html')) ? join(outDir, 'report.html') : null,
    stderrTail: stderr.trim().split('\n').slice(-3).join('\n'),
  };
  const summaryFile = join(outDir, 'summary.json');
  if (!existsSync(summaryFile)) {
    const said = lastError(stderr);
    run.problem = `drydock fix ended (exit code ${exitCode ?? 'none'}) without writing summary.json${said ? `: ${said}` : ''}`;
  } else {
    let parsed: ReturnType<typeof parseSummary>;
    try {
      parsed = parseSummary(JSON.parse(readFileSync(summaryFile, 'utf8')));
    } catch (e) {
      parsed = { error: (e as Error).message };
    }
    if ('error' in parsed) run.problem = `summary.json does not read: ${parsed.error}`;
    else run.summary = parsed;
  }
  const patchFile = join(outDir, 'patch.diff');
  if (existsSync(patchFile) && readFileSync(patchFile, 'utf8').trim()) run.patchFile = patchFile;
  const traj = run.summary?.trajectory;
  if (traj && existsSync(traj)) run.trajectory = traj;
  else if (existsSync(join(outDir, 'trajectory.jsonl'))) run.trajectory = join(outDir, 'trajectory.jsonl');
  return run;
}
