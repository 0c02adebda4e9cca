import { Command, InvalidArgumentError } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { deliveryOf, fixIssue, formatSummary, type FixSummary, type Progress } from '../../agent/index.js';
import { ApprovalSession, PolicyEngine, type PolicyGate } from '../../policy/index.js';
import { DrydockError } from '../../core/index.js';
import { resolveModelConfig } from '../../model/index.js';
import { dockerClient, parseDuration, repoImage } from '../../sandbox/index.js';
import { TOOL_PRESETS, isToolPreset, type ToolPreset } from '../../tools/index.js';
import { isAttended, terminalApprover } from '../approve.js';
import { addModelOptions } from './model.js';

export interface FixFlags {
  repo: string;
  issue: string;
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  script?: string;
  config?: string;
  timeoutMs?: number;
  maxRetries?: number;
  candidates: number;
  actionFormat?: 'native' | 'text';
  maxCost?: number;
  maxTurns?: number;
  tools?: ToolPreset;
  timeout?: string;
  setup?: string;
  setupAgent?: 'never' | 'auto' | 'always';
  testCmd?: string;
  testTimeout?: string;
  out?: string;
  apply?: boolean;
  branch?: string;
  json?: boolean;
  runsDir?: string;
  policy?: string[];
  report?: boolean;
  image?: string;
  /** false with --no-repo-env: ignore the repository's Dockerfile / devcontainer.json. */
  repoEnv?: boolean;
  /** --warm-pool N: sandboxes started ahead for forks and reopens (0: off). */
  warmPool?: number;
  unattended?: boolean;
  yes?: boolean;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 16)
    throw new InvalidArgumentError('expected a whole number from 0 to 16');
  return n;
}

function usd(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected an amount in USD, like 0.50');
  return n;
}

export function registerFixCommand(program: Command): void {
  const cmd = program
    .command('fix')
    .description(
      'fix an issue in a repository: localize, sample candidate patches, validate each in its own forked sandbox (syntax, language-server reward, regression tests, a reproduction test), select, then run-review-fix; prints the patch and leaves the repository unchanged unless --apply or --branch',
    )
    .requiredOption('--repo <path>', 'the git repository to fix (only read unless --apply/--branch)')
    .requiredOption('--issue <file|text>', 'the issue: a file to read, or the text itself')
    .option('--candidates <n>', 'candidate patches to sample and validate', positive, 3)
    .option(
      '--action-format <format>',
      'how the model acts with tools: native (function calls; the default) or text (one ```bash block or a <tool_call> in the reply, for models without reliable function calling); config: model.action_format',
      (v: string) => {
        if (v !== 'native' && v !== 'text') throw new InvalidArgumentError('expected native or text');
        return v;
      },
    )
    .option(
      '--max-cost <usd>',
      'stop when the model has cost this much (USD); the best validated patch so far is kept',
      usd,
    )
    .option(
      '--max-turns <n>',
      'stop after this many model requests (all stages together); the best validated patch so far is kept',
      positive,
    )
    .option(
      '--tools <preset>',
      'what the model may call in review: default (every tool; the policy decides), tests-only (no shell commands besides the test command), read-only (no edits, no shell commands)',
      (v: string) => {
        if (!isToolPreset(v))
          throw new InvalidArgumentError(`expected one of ${Object.keys(TOOL_PRESETS).join(', ')}`);
        return v;
      },
    )
    .option(
      '--timeout <duration>',
      'wall time for the whole run, like 20m; then the best validated patch so far is kept',
    )
    .option(
      '--image <ref>',
      "run in this Docker image (yours, a benchmark's, any Linux image: it is not changed) instead of the repository's own or the detected drydock image",
    )
    .option(
      '--no-repo-env',
      "ignore the repository's .devcontainer/devcontainer.json and Dockerfile (by default the first one found is built and used)",
    )
    .option(
      '--warm-pool <n>',
      'keep up to N sandboxes started ahead, so forks of the validated snapshot and a reopened sandbox do not wait for a container start (0: off, the default; more containers at once); they are removed at the end, and by `drydock sandbox gc` after a killed run',
      count,
      0,
    )
    .option('--setup <cmd>', "setup command run in the sandbox first (default: drydock.yaml's, or detected)")
    .option(
      '--setup-agent <when>',
      "the environment-setup agent before the run: auto (when the tests cannot start: a module or the test runner is missing; the default), always, or never; except with never, a working environment is kept as a docker image (drydock/env:KEY, label drydock.env) keyed by the repository's dependency files and reused by the next run",
      (v: string) => {
        if (v !== 'never' && v !== 'auto' && v !== 'always')
          throw new InvalidArgumentError('expected never, auto or always');
        return v;
      },
    )
    .option('--test-cmd <cmd>', "the repository's test command (default: drydock.yaml's, or detected)")
    .option('--test-timeout <duration>', 'wall time of each test run, like 10m (default 5m)')
    .option('--out <dir>', 'write patch.diff, summary.json and trajectory.jsonl here')
    .option('--apply', "apply the patch to the repository's working tree at the end")
    .option(
      '--branch <name>',
      'commit the patch on a new branch NAME (the checked-out branch, index and files are not touched)',
    )
    .option(
      '--policy <file>',
      'a policy rule file on top of the built-in one (repeatable; tier from the file, default project)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option(
      '--unattended',
      'never stop to ask: an action the policy asks about is denied, and the model is told so (the default when stdin is not a terminal)',
    )
    .option('-y, --yes', 'the same as --unattended: no questions (the policy is never loosened by a flag)')
    .option('--json', 'print only the final summary, as JSON')
    .option('--report', 'also write an HTML report of the run (into --out, else beside the trajectory)');
  addModelOptions(cmd).action(async (flags: FixFlags) => {
    const summary = await fixCommand(flags);
    process.exitCode = summary.status === 'patched' ? 0 : summary.patch ? 0 : 2;
  });
}

/** The fix command's work, shared with `drydock demo`. Prints as the flags say; returns the summary. */
export async function fixCommand(
  flags: FixFlags,
  write = (s: string) => process.stdout.write(s),
): Promise<FixSummary> {
  const repo = resolve(flags.repo);
  if (!existsSync(repo) || !statSync(repo).isDirectory())
    throw new DrydockError(
      `--repo ${flags.repo} is not a directory`,
      'point --repo at a git checkout',
      'NO_REPO',
    );
  // Refused before the issue is read or anything is loaded.
  const delivery = deliveryOf(flags);
  const issue =
    existsSync(flags.issue) && statSync(flags.issue).isFile()
      ? readFileSync(flags.issue, 'utf8')
      : flags.issue;
  if (!issue.trim()) throw new DrydockError('the issue is empty', 'pass --issue FILE or --issue "text"');
  const timeoutMs = flags.timeout ? parseDuration(flags.timeout) : undefined;
  // Loaded before anything runs, so a bad rule file is refused in one line up front.
  // In a terminal a person answers what the policy asks; otherwise `ask` is `deny`.
  const attended = isAttended(flags);
  const engine = await PolicyEngine.create({ files: flags.policy ?? [], unattended: !attended });
  const policy: PolicyGate = attended ? new ApprovalSession(engine, terminalApprover()) : engine;

  const config = resolveModelConfig({
    baseUrl: flags.baseUrl,
    apiKey: flags.apiKey,
    model: flags.model,
    script: flags.script,
    config: flags.config,
    timeoutMs: flags.timeoutMs,
    maxRetries: flags.maxRetries,
    maxCost: flags.maxCost,
    maxTurns: flags.maxTurns,
  });
  if (!config.script && !config.baseURL && !config.apiKey)
    throw new DrydockError(
      'no model is configured',
      'pass --base-url URL (and --model), set OPENAI_BASE_URL / OPENAI_API_KEY, or use --script FILE for the scripted model',
      'NO_MODEL',
    );
  // Never write the record into the repository being fixed: that would change its working tree.
  const inside = !relative(repo, process.cwd()).startsWith('..');
  const runsDir = flags.runsDir ?? (inside ? join(homedir(), '.drydock', 'runs') : undefined);
  const say = (s: string) => {
    if (!flags.json) write(`${s}\n`);
  };
  const progress = (p: Progress) => {
    if (flags.json) return;
    const cost = p.costUsd === null ? 'cost unknown' : `$${p.costUsd.toFixed(4)}`;
    process.stderr.write(`[${p.stage}] ${p.message} (${p.turns} model turns, ${cost})\n`);
  };
  const image = flags.image ?? (flags.repoEnv === false ? undefined : await repoEnvImage(repo, flags.json));
  let trajectory: string | null = null;
  try {
    const summary = await fixIssue({
      ...(image ? { image } : {}),
      modelConfig: config,
      runsDir,
      repo,
      issue,
      candidates: flags.candidates,
      actionFormat: flags.actionFormat,
      setup: flags.setup,
      setupAgent: flags.setupAgent ?? 'auto',
      ...(flags.warmPool ? { warmPool: flags.warmPool } : {}),
      testCommand: flags.testCmd,
      ...(flags.testTimeout ? { testTimeoutMs: parseDuration(flags.testTimeout) } : {}),
      timeoutMs,
      out: flags.out,
      ...delivery,
      onProgress: progress,
      policy,
      tools: flags.tools,
      onStart: (run) => {
        trajectory = run.trajectory;
        if (run.scripted)
          say(
            `NOTE: the model is SCRIPTED: its answers are read from ${config.script}, not produced by a model.`,
          );
      },
    });
    if (flags.json) write(`${JSON.stringify(summary, null, 2)}\n`);
    else say(formatSummary(summary));
    return summary;
  } finally {
    // Also after a failed run: its page says where it stopped.
    if (flags.report && trajectory) await writeFixReport(trajectory, flags, write);
  }
}

/** The image the repository's own devcontainer.json or Dockerfile defines, built when needed. */
async function repoEnvImage(repo: string, quiet?: boolean): Promise<string | undefined> {
  const progress = {
    step: (m: string) => {
      if (!quiet) process.stderr.write(`[prepare] ${m}\n`);
    },
    detail: () => {},
  };
  const env = await repoImage(dockerClient(), repo, { progress });
  if (!env) return undefined;
  const refused = env.egress.filter((r) => !r.allowed);
  for (const r of refused) progress.step(`the build's connection to ${r.host}:${r.port} was refused`);
  progress.step(`environment image ${env.image} (from the repository's ${env.source.file})`);
  return env.image;
}

async function writeFixReport(
  trajectory: string,
  flags: FixFlags,
  write: (s: string) => void,
): Promise<void> {
  const { writeRunReport } = await import('../../report/index.js');
  try {
    const r = await writeRunReport(trajectory, {
      out: flags.out ? join(flags.out, 'report.html') : undefined,
    });
    if (flags.json) process.stderr.write(`report: ${r.path}\n`);
    else write(`report: ${r.path}\n`);
  } catch (err) {
    process.stderr.write(`drydock: the report was not written: ${(err as Error).message}\n`);
  }
}
