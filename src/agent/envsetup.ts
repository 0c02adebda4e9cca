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
import type { PolicyGate } from '../policy/index.js';
import type { EgressRecord, Sandbox } from '../sandbox/index.js';
import { Toolbox, type ToolCallResult } from '../tools/index.js';
import { runLoop, type ActionFormat, type LoopOptions } from './loop.js';

/** One command the session ran: the baseline's or the model's, with what became of it. */
export interface SetupStep {
  source: 'baseline' | 'model';
  command: string;
  /** null: the policy refused it (nothing ran), or it was killed. */
  exitCode: number | null;
  /** The policy's decision and rule when it was not allowed. */
  denied?: { decision: string; rule: string };
  /** Connections the sandbox's registries proxy refused while this command ran (`host:port`). */
  refusedHosts?: string[];
  /** Part of the written script. */
  kept: boolean;
}

/** What the session's check found: whether it passes, one line for progress, the text the model reads. */
export interface SetupCheck {
  passes: boolean;
  summary: string;
  text: string;
}

/** One connection through the sandbox's registries proxy, as `DockerSandbox.egressLog()` lists it. */
export type EgressEntry = EgressRecord;

export interface SetupSessionOptions {
  /** The sandbox to work in (its network is the caller's choice: `registries` for installs). */
  sandbox: Sandbox;
  policy: PolicyGate;
  model: LoopOptions['model'];
  format?: ActionFormat;
  /** The rule-based commands run first, each its own call through the policy. */
  baseline: string[];
  /** The check the session must pass: the evaluation's (EnvBench) or "the tests start" (`drydock fix`). */
  check: () => Promise<SetupCheck>;
  /** Filled into the prompts: the language, and what `check` does in words. */
  language: string;
  checkDescription: string;
  /** Model turns (default 30). */
  maxSteps?: number;
  /** Epoch ms after which the loop stops. */
  deadline: number;
  /** Wall time of one command (default 15 min: installs are slow). */
  commandTimeoutMs?: number;
  /** Variables every command gets (the project's test variables). */
  env?: Record<string, string>;
  trajectory?: { append(event: TrajectoryEventBody): unknown };
  progress?: Progress;
}

export interface SetupSession {
  steps: SetupStep[];
  /** `baseline_passed` (the model was not asked), `check_passed`, or how the loop ended. */
  outcome: string;
  turns: number;
  baselinePassed: boolean;
  passed: boolean;
  /** Connections the proxy refused during the session (registries mode), in order. */
  refused: EgressEntry[];
  /** Every connection the proxy saw during the session. */
  egress: EgressEntry[];
}

const CHECK_SPEC: ToolSpec = {
  name: 'check',
  description:
    'Run the check in the sandbox as it is now (what it checks is said in the instructions). Passing ends the session.',
  parameters: { type: 'object', properties: {}, additionalProperties: false },
};

/** The tools the model is offered: the Toolbox's reading and shell tools, and `check`. */
const OFFERED = ['bash', 'view', 'search'];

/**
 * The environment-setup agent's session, shared by `drydock envbench setup` and `drydock fix`:
 * the baseline's commands run first in the given sandbox, through the same Toolbox (policy →
 * sandbox → trajectory) as the model's; then the check. If it fails, the model works in the same
 * sandbox in the named loop (`runLoop`) with `bash`, `view`, `search` and `check` until the check
 * passes or its turns or time end. Every command is a `SetupStep`; `scriptOf` turns the ones
 * that mattered into a script. The caller owns the sandbox (opens, replays, closes).
 */
export async function runSetupSession(opts: SetupSessionOptions): Promise<SetupSession> {
  const progress = opts.progress ?? silentProgress;
  const sb = opts.sandbox;
  const steps: SetupStep[] = [];
  const egressStart = egressOf(sb).length;
  let seen = egressStart;
  const toolbox = new Toolbox({
    sandbox: sb,
    policy: opts.policy,
    trajectory: opts.trajectory,
    env: opts.env,
    limits: { timeoutMs: opts.commandTimeoutMs ?? 15 * 60_000, maxOutputBytes: 256 * 1024 },
  });
  const record = (source: SetupStep['source'], command: string, r: ToolCallResult) => {
    const d = r.decision;
    const log = egressOf(sb);
    const refusedNow = log.slice(seen).filter((e) => !e.allowed);
    seen = log.length;
    const step: SetupStep = {
      source,
      command,
      exitCode: r.event.exitCode ?? null,
      kept: false,
      ...(d && d.decision !== 'allow' ? { denied: { decision: d.decision, rule: d.rule } } : {}),
      ...(refusedNow.length ? { refusedHosts: refusedNow.map((e) => `${e.host}:${e.port}`) } : {}),
    };
    steps.push(step);
    if (step.denied) progress.detail(`refused by the policy (${step.denied.rule}): ${oneLine(command)}`);
    else progress.detail(`$ ${oneLine(command)} → exit ${step.exitCode}`);
    for (const e of refusedNow) {
      const message = `network: ${e.method} ${e.host}:${e.port} refused by the registries proxy (not an allowed registry host) during: ${oneLine(command)}`;
      progress.detail(message);
      opts.trajectory?.append({ type: 'note', message });
    }
    return step;
  };

  // 1. The baseline's commands, each through the policy, each its own call.
  const observed: string[] = [];
  for (const [i, command] of opts.baseline.entries()) {
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
  let check = await opts.check();
  progress.step(`baseline: ${check.summary}`);
  const baselinePassed = check.passes;
  let passed = check.passes;
  let outcome = 'baseline_passed';
  let turns = 0;

  // 2. The model, in the same sandbox, until the check passes.
  if (!passed) {
    const tools = {
      specs: [...toolbox.specs.filter((s) => OFFERED.includes(s.name)), CHECK_SPEC],
      run: async (call: ToolCall): Promise<ToolCallResult> => {
        if (call.name === 'check') {
          const t0 = Date.now();
          check = await opts.check();
          passed = check.passes;
          progress.step(`check: ${check.summary}`);
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
    const vars = { language: opts.language, check_description: opts.checkDescription };
    const start: ChatMessage[] = [
      { role: 'system', content: renderPrompt('envsetup/system', vars) },
      {
        role: 'user',
        content: renderPrompt('envsetup/start', {
          ...vars,
          limit: 300,
          files: files.trim(),
          baseline: opts.baseline.join('\n') || '(no commands)',
          steps: observed.join('\n\n') || '(no commands)',
          check: check.text,
        }),
      },
    ];
    const loop = await runLoop(start, {
      model: opts.model,
      tools,
      // Absent: the model's configured format (`--action-format`, `model.action_format`).
      format: opts.format,
      maxSteps: opts.maxSteps ?? 30,
      timedOut: () => Date.now() > opts.deadline,
    });
    turns = loop.steps;
    outcome = passed ? 'check_passed' : loop.outcome.kind;
    progress.step(`session ended: ${outcome} after ${turns} model turns`);
  }
  for (const s of steps) s.kept = mattered(s);
  const egress = egressOf(sb).slice(egressStart);
  return { steps, outcome, turns, baselinePassed, passed, egress, refused: egress.filter((e) => !e.allowed) };
}

/** The proxy's log when the sandbox has one (a DockerSandbox in `registries` mode), else nothing. */
export function egressOf(sb: Sandbox): EgressEntry[] {
  const log = (sb as { egressLog?: () => EgressEntry[] }).egressLog;
  return typeof log === 'function' ? log.call(sb) : [];
}

/** The commands of a setup script: its lines without the shebang, comments, `set -e` and the `cd`. */
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
  npm: ['ls', 'list', 'view', 'info', 'help', '--version', '-v', 'outdated', 'explain', 'why'],
  'apt-cache': ['search', 'show', 'policy', 'depends', 'madison'],
  mvn: ['--version', '-v', 'help:effective-pom'],
  java: ['-version', '--version'],
  node: ['--version', '-v'],
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
  about: { language: string; model: string; scripted: boolean; title?: string },
): string {
  const kept = steps.filter((s) => s.kept);
  const lines = [
    '#!/bin/bash',
    `# ${about.title ?? 'drydock envbench setup'} (${about.language}): ${kept.length} of ${steps.length} commands kept;` +
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

function checkResult(
  call: ToolCall,
  c: SetupCheck,
  wallMs: number,
  trajectory: SetupSessionOptions['trajectory'],
): ToolCallResult {
  const content = c.text;
  const ok = c.passes;
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

function unknownTool(call: ToolCall, trajectory: SetupSessionOptions['trajectory']): ToolCallResult {
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

export const oneLine = (s: string) =>
  (s.length > 160 ? `${s.slice(0, 157)}...` : s).replace(/\s*\n\s*/g, ' ⏎ ');
const tail = (s: string, n: number) => s.split('\n').slice(-n).join('\n');
