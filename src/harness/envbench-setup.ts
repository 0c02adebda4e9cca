import { silentProgress, type Progress, type TrajectoryEventBody } from '../core/index.js';
import type { Completion, CompletionRequest } from '../model/index.js';
import {
  baselineCommands,
  runSetupSession,
  scriptOf,
  type ActionFormat,
  type EgressEntry,
  type SetupSession,
  type SetupStep,
} from '../agent/index.js';
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

export { baselineCommands, mattered, readOnly, scriptOf, type SetupStep } from '../agent/index.js';

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
  /**
   * Network of both sandboxes (default `registries`: only this machine's package registries,
   * through drydock's proxy, every other host refused and recorded).
   */
  network?: 'none' | 'registries' | 'bridge';
  /** Hosts `registries` allows beyond the configured registries (`--allow-host`). */
  allowHosts?: string[];
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
  /** The network both sandboxes had. */
  network: 'none' | 'registries' | 'bridge';
  /** Connections the registries proxy refused during the session, in order. */
  refused: EgressEntry[];
  scripted: boolean;
  model: string;
  /** Wall time of the session and the replay. */
  wallMs: number;
}

/** What the check does, in the prompts' words. */
const CHECK_DESCRIPTION: Record<EnvLanguage, string> = {
  python:
    "EnvBench's evaluation check, pyright over the whole repository listing every unresolved import (reportMissingImports); it passes with zero",
  jvm: "EnvBench's evaluation check, the project's compile (Gradle or Maven, tests skipped); it passes when the build succeeds",
};

/**
 * The environment-setup agent (`drydock envbench setup --model`): the shared setup session
 * (`runSetupSession`, src/agent/envsetup.ts) in a fresh sandbox of the repository, judged by the
 * evaluation's own check (the snippet `envbench eval` runs). The script is the commands that
 * mattered; it is sourced in a second fresh sandbox and checked exactly as `envbench eval`
 * checks; the caller writes it only when that passes. Both sandboxes use `registries` by
 * default: only this machine's package registries are reachable, every other host is refused
 * by the proxy and recorded (`refused`).
 */
export async function runEnvSetup(opts: EnvSetupOptions): Promise<EnvSetupResult> {
  const started = performance.now();
  const progress = opts.progress ?? silentProgress;
  const language = detectLanguage(opts.repo);
  const baseline = baselineScript(opts.repo);
  const deadline = Date.now() + (opts.timeoutMs ?? 60 * 60_000);
  const policy = opts.policy ?? (await PolicyEngine.create({ unattended: true }));
  const network = opts.network ?? 'registries';

  progress.step(
    `setup (${language}): baseline in a fresh sandbox (${envImage(language)}, network ${network})`,
  );
  const sb = await openSandbox({
    image: envImage(language),
    repo: opts.repo,
    network,
    allowHosts: opts.allowHosts,
    env: opts.env,
  });
  let session: SetupSession;
  try {
    session = await runSetupSession({
      sandbox: sb,
      policy,
      model: opts.model,
      format: opts.format,
      baseline: baselineCommands(baseline),
      check: async () => {
        const c = await runCheck(sb, language, opts.commandTimeoutMs);
        return { passes: passes(c), summary: checkSummary(c), text: checkText(c) };
      },
      language,
      checkDescription: CHECK_DESCRIPTION[language],
      maxSteps: opts.maxSteps,
      deadline,
      commandTimeoutMs: opts.commandTimeoutMs,
      trajectory: opts.trajectory,
      progress,
    });
  } finally {
    await sb.close().catch(() => {});
  }

  // The steps that mattered, replayed in a second fresh sandbox and checked.
  const { steps } = session;
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
      network,
      allowHosts: opts.allowHosts,
      env: opts.env,
      timeoutMs: Math.max(60_000, deadline - Date.now()),
    },
  );
  return {
    language,
    baseline,
    script,
    passedInSession: session.passed,
    baselinePassed: session.baselinePassed,
    replay,
    outcome: session.outcome,
    turns: session.turns,
    steps,
    refused: session.refused,
    network,
    scripted: opts.scripted,
    model: opts.modelName,
    wallMs: Math.round(performance.now() - started),
  };
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
