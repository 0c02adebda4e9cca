import {
  observationMessage,
  renderPrompt,
  silentProgress,
  WORKSPACE,
  type ChatMessage,
  type Progress,
  type ToolCall,
  type ToolSpec,
  type TrajectoryEventBody,
} from '../core/index.js';
import type { Completion, CompletionRequest } from '../model/index.js';
import { runLoop, type ActionFormat } from '../agent/index.js';
import {
  baselineScript,
  checkCommand,
  checkScript,
  detectLanguage,
  envImage,
  readCheck,
  type CheckResult,
  type EnvLanguage,
  type EnvResult,
} from './envbench.js';
import { PolicyEngine } from '../policy/index.js';
import { openSandbox, type Sandbox } from '../sandbox/index.js';
import { Toolbox, type ToolCallResult } from '../tools/index.js';

/** One command the session ran: the baseline's or the model's, with what became of it. */
export interface SetupStep {
  source: 'baseline' | 'model';
  command: string;
  /** null: the policy refused it (nothing ran), or it was killed. */
  exitCode: number | null;
  /** The policy's decision and rule when it was not allowed. */
  denied?: { decision: string; rule: string };
  /** Part of the written script. */
  kept: boolean;
}

export interface EnvSetupOptions {
  /** The repository (a directory; copied into each sandbox, never written). */
  repo: string;
  model: { complete(request: CompletionRequest): Promise<Completion> };
  /** The model is the scripted one: every report says SCRIPTED. */
  scripted: boolean;
  modelName: string;
  /** Decides every command (default: the built-in policy, unattended). */
  policy?: Pick<PolicyEngine, 'decide'>;
  /** Model turns (default 30). */
  maxSteps?: number;
  /** Wall time of the whole session, both sandboxes included (default 60 min). */
  timeoutMs?: number;
  /** Wall time of one command (default 15 min: installs are slow). */
  commandTimeoutMs?: number;
  /** Network of both sandboxes (default bridge; see the README for the registries gap). */
  network?: 'none' | 'bridge';
  /** Variables both sandboxes get (e.g. PIP_FIND_LINKS for a package mirror). */
  env?: Record<string, string>;
  format?: ActionFormat;
  trajectory?: { append(event: TrajectoryEventBody): unknown };
  progress?: Progress;
  /** Names the repository in the replay's record (default: the directory). */
  repoName?: string;
}

export interface EnvSetupResult {
  language: EnvLanguage;
  baseline: string;
  /** The script the session distilled (written only when `replay.success`). */
  script: string;
  /** Did the check pass in the working sandbox at the end of the session. */
  passedInSession: boolean;
  /** Did the baseline alone pass (then the model was not asked). */
  baselinePassed: boolean;
  /** The script sourced in a second fresh sandbox and checked, as `envbench eval` does. */
  replay: EnvResult;
  /** How the model's loop ended (`baseline_passed` when it did not run). */
  outcome: string;
  turns: number;
  steps: SetupStep[];
  scripted: boolean;
  model: string;
  /** Wall time of the session and the replay. */
  wallMs: number;
}

const CHECK_SPEC: ToolSpec = {
  name: 'check',
  description:
    'Run the evaluation check in the sandbox as it is now: for Python, pyright over the repository, ' +
    'listing every unresolved import (reportMissingImports); for JVM, the compile. Passing ends the session.',
  parameters: { type: 'object', properties: {}, additionalProperties: false },
};

/** The tools the model is offered: the Toolbox's reading and shell tools, and `check`. */
const OFFERED = ['bash', 'view', 'search'];

/**
 * The environment-setup agent (`drydock envbench setup --model`). It starts from the rule-based
 * baseline: the baseline's commands run first in a fresh sandbox of the repository, through the
 * same Toolbox (policy → sandbox) as the model's, then the evaluation's check runs. If that
 * fails, the model works in the same sandbox in the named loop (`runLoop`) with `bash`, `view`,
 * `search` and `check` until the check passes or its turns, budget or time end. The script is
 * the commands that mattered: allowed, exited 0, and not read-only, in order. It is sourced in a
 * second fresh sandbox and checked exactly as `envbench eval` checks; the caller writes it only
 * when that passes.
 */
export async function runEnvSetup(opts: EnvSetupOptions): Promise<EnvSetupResult> {
  const started = performance.now();
  const progress = opts.progress ?? silentProgress;
  const language = detectLanguage(opts.repo);
  const baseline = baselineScript(opts.repo);
  const deadline = Date.now() + (opts.timeoutMs ?? 60 * 60_000);
  const steps: SetupStep[] = [];
  const policy = opts.policy ?? (await PolicyEngine.create({ unattended: true }));
  let outcome = 'baseline_passed';
  let turns = 0;
  let passedInSession = false;
  let baselinePassed = false;

  progress.step(`setup (${language}): baseline in a fresh sandbox (${envImage(language)})`);
  const sb = await openSandbox({
    image: envImage(language),
    repo: opts.repo,
    network: opts.network ?? 'bridge',
    env: opts.env,
  });
  try {
    const toolbox = new Toolbox({
      sandbox: sb,
      policy,
      trajectory: opts.trajectory,
      limits: { timeoutMs: opts.commandTimeoutMs ?? 15 * 60_000, maxOutputBytes: 256 * 1024 },
    });
    const record = (source: SetupStep['source'], command: string, r: ToolCallResult) => {
      const d = r.decision;
      const step: SetupStep = {
        source,
        command,
        exitCode: r.event.exitCode ?? null,
        kept: false,
        ...(d && d.decision !== 'allow' ? { denied: { decision: d.decision, rule: d.rule } } : {}),
      };
      steps.push(step);
      if (step.denied) progress.detail(`refused by the policy (${step.denied.rule}): ${oneLine(command)}`);
      else progress.detail(`$ ${oneLine(command)} → exit ${step.exitCode}`);
      return step;
    };

    // 1. The baseline's commands, each through the policy, each its own call.
    const observed: string[] = [];
    for (const [i, command] of baselineCommands(baseline).entries()) {
      const r = await toolbox.run({
        id: `baseline-${i + 1}`,
        name: 'bash',
        arguments: JSON.stringify({ command }),
      });
      const step = record('baseline', command, r);
      observed.push(
        `$ ${command}\n${step.denied ? `refused by the policy (${step.denied.rule})` : `exit ${step.exitCode}`}\n${tail(r.observation.content, 15)}`,
      );
    }
    let check = await runCheck(sb, language, opts.commandTimeoutMs);
    progress.step(`baseline: ${checkSummary(check)}`);
    baselinePassed = passedInSession = passes(check);

    // 2. The model, in the same sandbox, until the check passes.
    if (!passedInSession) {
      const tools = {
        specs: [...toolbox.specs.filter((s) => OFFERED.includes(s.name)), CHECK_SPEC],
        run: async (call: ToolCall): Promise<ToolCallResult> => {
          if (call.name === 'check') {
            const t0 = Date.now();
            check = await runCheck(sb, language, opts.commandTimeoutMs);
            passedInSession = passes(check);
            progress.step(`check: ${checkSummary(check)}`);
            return checkResult(call, check, Date.now() - t0, opts.trajectory);
          }
          if (!OFFERED.includes(call.name)) return unknownTool(call, opts.trajectory);
          const r = await toolbox.run(call);
          if (call.name === 'bash') {
            const command = commandOf(call);
            if (command !== null) record('model', command, r);
          }
          return r;
        },
      };
      const files = (
        await sb.exec(`cd ${WORKSPACE} && (git ls-files 2>/dev/null || find . -type f) | head -300`)
      ).stdout;
      const start: ChatMessage[] = [
        { role: 'system', content: renderPrompt('envsetup/system') },
        {
          role: 'user',
          content: renderPrompt('envsetup/start', {
            language,
            limit: 300,
            files: files.trim(),
            baseline: baseline.trim(),
            steps: observed.join('\n\n') || '(no commands)',
            check: checkText(check),
          }),
        },
      ];
      const loop = await runLoop(start, {
        model: opts.model,
        tools,
        format: opts.format,
        maxSteps: opts.maxSteps ?? 30,
        timedOut: () => Date.now() > deadline,
      });
      turns = loop.steps;
      outcome = passedInSession ? 'check_passed' : loop.outcome.kind;
      progress.step(`session ended: ${outcome} after ${turns} model turns`);
    }
  } finally {
    await sb.close().catch(() => {});
  }

  // 3. The steps that mattered, replayed in a second fresh sandbox and checked.
  for (const s of steps) s.kept = mattered(s);
  const script = scriptOf(steps, { language, model: opts.modelName, scripted: opts.scripted });
  progress.step(
    `replaying ${steps.filter((s) => s.kept).length} of ${steps.length} steps in a fresh sandbox`,
  );
  const replay = await checkScript(
    opts.repo,
    script,
    { repo_name: opts.repoName ?? opts.repo, commit_sha: 'HEAD' },
    {
      language,
      network: opts.network ?? 'bridge',
      env: opts.env,
      timeoutMs: Math.max(60_000, deadline - Date.now()),
    },
  );
  return {
    language,
    baseline,
    script,
    passedInSession,
    baselinePassed,
    replay,
    outcome,
    turns,
    steps,
    scripted: opts.scripted,
    model: opts.modelName,
    wallMs: Math.round(performance.now() - started),
  };
}

/** The commands of a baseline script: its lines without the shebang, comments, `set -e` and the `cd`. */
export function baselineCommands(script: string): string[] {
  return script
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && l !== 'set -e' && l !== `cd ${WORKSPACE}`);
}

/**
 * Whether a step goes into the script: the policy allowed it, it exited 0, and it is not only
 * reading (listing, printing, searching, asking pip or git what is there).
 */
export function mattered(s: Pick<SetupStep, 'denied' | 'exitCode' | 'command'>): boolean {
  return !s.denied && s.exitCode === 0 && !readOnly(s.command);
}

const READ_ONLY = new Set([
  'ls',
  'cat',
  'head',
  'tail',
  'less',
  'grep',
  'egrep',
  'rg',
  'find',
  'pwd',
  'echo',
  'printf',
  'which',
  'type',
  'tree',
  'wc',
  'file',
  'stat',
  'env',
  'printenv',
  'true',
  'du',
  'df',
  'sort',
  'uniq',
  'cut',
  'awk',
  'sed',
  'jq',
  'diff',
  'basename',
  'dirname',
  'realpath',
  'readlink',
  'id',
  'whoami',
  'uname',
  'date',
  'cd',
  'test',
  '[',
]);
const READ_ONLY_SUB: Record<string, string[]> = {
  pip: ['show', 'list', 'freeze', 'check', 'index', 'search', 'debug', '--version', 'help'],
  git: ['status', 'log', 'diff', 'show', 'ls-files', 'grep', 'branch', 'remote', 'rev-parse'],
  'apt-cache': ['search', 'show', 'policy', 'depends', 'madison'],
  mvn: ['--version', '-v', 'help:effective-pom'],
  java: ['-version', '--version'],
  python: ['--version', '-V'],
};

/** A command that only reads: every part of it (split at `&&`, `||`, `;`, `|`) is a reader and nothing is written by redirection. */
export function readOnly(command: string): boolean {
  if (/\n/.test(command.trim())) return false;
  // `sed -i` writes; a redirection into anything but /dev/null or another descriptor writes.
  if (/(^|\s)sed\s+(-[a-zA-Z]*i|--in-place)/.test(command)) return false;
  if (/(^|[^0-9&])>>?\s*(?!\/dev\/null|&)/.test(command.replace(/\d?>&\d/g, ''))) return false;
  return command
    .split(/&&|\|\||;|\|/)
    .map((p) =>
      p
        .trim()
        .split(/\s+/)
        .filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)),
    )
    .every((words) => {
      if (words.length === 0) return true;
      let [cmd, ...rest] = words as [string, ...string[]];
      cmd = cmd.replace(/^.*\//, '');
      if (/^python[0-9.]*$/.test(cmd) && rest[0] === '-m' && rest[1] === 'pip') {
        cmd = 'pip';
        rest = rest.slice(2);
      } else if (/^pip[0-9.]*$/.test(cmd)) cmd = 'pip';
      else if (/^python[0-9.]*$/.test(cmd)) cmd = 'python';
      if (READ_ONLY.has(cmd)) return true;
      const sub = READ_ONLY_SUB[cmd];
      return sub !== undefined && rest[0] !== undefined && sub.includes(rest[0]);
    });
}

/**
 * The setup script: the kept steps in order, after `set -e` and `cd /testbed`. A step that
 * changes directory or the shell's state runs in a subshell of its own, as it ran in the
 * session (each call a fresh shell), so the next step starts where it started.
 */
export function scriptOf(
  steps: Pick<SetupStep, 'command' | 'kept' | 'source'>[],
  about: { language: EnvLanguage; model: string; scripted: boolean },
): string {
  const kept = steps.filter((s) => s.kept);
  const lines = [
    '#!/bin/bash',
    `# drydock envbench setup (${about.language}): ${kept.length} of ${steps.length} commands kept;` +
      ` model ${about.model}${about.scripted ? ' (SCRIPTED: a script, not a language model)' : ''}`,
    'set -e',
    `cd ${WORKSPACE}`,
  ];
  for (const s of kept) {
    const cmd = s.command.trim();
    if (
      /(^|[\s;&|(])(cd|source|export|\.|pushd|popd|set|unset|shopt|alias)\s/.test(cmd) ||
      cmd.includes('\n')
    )
      lines.push(`(\n${cmd}\n)`);
    else lines.push(cmd);
  }
  return lines.join('\n') + '\n';
}

async function runCheck(sb: Sandbox, language: EnvLanguage, timeoutMs?: number): Promise<CheckResult> {
  await sb.exec(checkCommand(language), { timeoutMs: timeoutMs ?? 15 * 60_000, maxOutputBytes: 64 * 1024 });
  return readCheck(sb, language);
}

const passes = (c: CheckResult) => c.ran && c.issues_count === 0;

function checkSummary(c: CheckResult): string {
  if (!c.ran) return `the check could not run: ${c.note ?? 'unknown'}`;
  return `${c.issues_count === 0 ? 'passes' : `${c.issues_count} issue(s)`}${c.note ? ` (${c.note})` : ''}`;
}

function checkText(c: CheckResult): string {
  if (!c.ran) return `The check could not run: ${c.note ?? 'unknown reason'}.`;
  if (c.issues_count === 0) return `The check passes (0 issues).${c.note ? ` Note: ${c.note}` : ''}`;
  const shown = c.issues.slice(0, 60);
  return [
    `The check fails: ${c.issues_count} issue(s).`,
    ...shown,
    ...(c.issues.length > shown.length ? [`... and ${c.issues.length - shown.length} more`] : []),
    ...(c.note ? [`Note: ${c.note}`] : []),
  ].join('\n');
}

function checkResult(
  call: ToolCall,
  c: CheckResult,
  wallMs: number,
  trajectory: EnvSetupOptions['trajectory'],
): ToolCallResult {
  const content = checkText(c);
  const ok = passes(c);
  const observation = { toolCallId: call.id, content, isError: !ok };
  const event = {
    type: 'tool.call' as const,
    callId: call.id,
    tool: 'check',
    args: {},
    policy: null,
    resources: { wallMs },
    exitCode: ok ? 0 : 1,
    observation: content,
    isError: !ok,
  };
  trajectory?.append(event);
  // A passing check ends the loop: the loop's `submitted` outcome, with no patch (nothing is edited).
  return {
    observation,
    message: observationMessage(observation),
    event,
    decision: null,
    ...(ok ? { submitted: { patch: '', files: [] } } : {}),
  };
}

function unknownTool(call: ToolCall, trajectory: EnvSetupOptions['trajectory']): ToolCallResult {
  const content = `There is no tool \`${call.name}\` here. The tools are: ${[...OFFERED, 'check'].join(', ')}. Nothing ran.`;
  const observation = { toolCallId: call.id, content, isError: true };
  const event = {
    type: 'tool.call' as const,
    callId: call.id,
    tool: call.name,
    args: call.arguments,
    policy: null,
    resources: null,
    observation: content,
    isError: true,
  };
  trajectory?.append(event);
  return { observation, message: observationMessage(observation), event, decision: null };
}

function commandOf(call: ToolCall): string | null {
  try {
    const a = JSON.parse(call.arguments) as { command?: unknown };
    return typeof a.command === 'string' ? a.command : null;
  } catch {
    return null;
  }
}

const oneLine = (s: string) => (s.length > 160 ? `${s.slice(0, 157)}...` : s).replace(/\s*\n\s*/g, ' ⏎ ');
const tail = (s: string, n: number) => s.split('\n').slice(-n).join('\n');
