import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { DrydockError, stderrProgress } from '../../core/index.js';
import {
  baselineScript,
  describeResult,
  envScriptFile,
  evalEnvScripts,
  loadEnvDataset,
  loadScripts,
  runEnvBench,
  runEnvSetup,
  type EnvRunSummary,
  type EnvTask,
} from '../../harness/index.js';
import { Budget, openModel, resolveModelConfig } from '../../model/index.js';
import { PolicyEngine } from '../../policy/index.js';
import { parseDuration } from '../../sandbox/index.js';
import { engineFlag } from './eval.js';
import { addModelOptions } from './model.js';

interface SetupFlags {
  repo: string;
  out?: string;
  maxSteps: number;
  timeout: string;
  network: string;
  allowHost?: string[];
  env?: Record<string, string>;
  json?: boolean;
  model?: string;
  script?: string;
  baseUrl?: string;
  apiKey?: string;
  config?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** `--env NAME=VALUE`, repeatable. */
export function collectEnv(
  value: string,
  previous: Record<string, string> | undefined,
): Record<string, string> {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
  if (!m) throw new InvalidArgumentError(`expected NAME=VALUE, got ${value}`);
  return { ...previous, [m[1]!]: m[2]! };
}

export function networkFlag(value: string): 'none' | 'registries' | 'bridge' {
  if (value !== 'bridge' && value !== 'none' && value !== 'registries')
    throw new DrydockError(
      `--network must be registries, none or bridge, not ${value}`,
      undefined,
      'BAD_FLAG',
    );
  return value;
}

/** `--allow-host HOST[:PORT]`, repeatable: beyond the machine's registries in `registries` mode. */
const collectHost = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Says what the sandboxes can reach, once per run. */
function sayNetwork(network: string): void {
  process.stderr.write(
    network === 'registries'
      ? "drydock: network: registries (only this machine's package registries; other hosts are refused and recorded)\n"
      : network === 'bridge'
        ? 'drydock: network: bridge (asked for: the sandboxes can reach any host)\n'
        : 'drydock: network: none\n',
  );
}

interface RunFlags extends Omit<SetupFlags, 'repo' | 'out'> {
  dataset: string;
  repos: string;
  out: string;
  workers: number;
  scriptDir?: string;
  engine?: string;
  placement?: string[];
}

function sayRates(summary: EnvRunSummary, json?: boolean): void {
  const who = summary.mode === 'agent' ? `agent${summary.scripted ? ' (SCRIPTED model)' : ''}` : 'baseline';
  if (!json)
    process.stdout.write(
      `${who}: ${summary.succeeded}/${summary.total} succeeded (${summary.total ? ((100 * summary.succeeded) / summary.total).toFixed(1) : '0.0'}%); results in ${summary.path}\n`,
    );
}

/**
 * `envbench run --engine swarm`: each repository a Swarm job running the drydock worker, with the
 * baseline or the SCRIPTED model (--script-dir); a model endpoint would need its key sent to the
 * workers as a swarm secret, which is not built (as for run-batch).
 */
async function runOnSwarm(flags: RunFlags, tasks: EnvTask[], network: 'none' | 'registries' | 'bridge') {
  if (flags.model || flags.script || flags.baseUrl || flags.apiKey)
    throw new DrydockError(
      'envbench run --engine swarm runs the baseline or --script-dir (SCRIPTED answers) only so far',
      'a model endpoint needs its API key sent to the workers as a swarm secret, which is not built; run with --engine local',
      'NOT_BUILT',
    );
  const { runEnvBenchOnSwarm } = await import('../../cluster/index.js');
  if (flags.scriptDir)
    process.stderr.write(
      `drydock: NOTE: the model is SCRIPTED: answers are read from ${flags.scriptDir}/<owner>__<name>.yaml\n`,
    );
  const summary = await runEnvBenchOnSwarm(tasks, flags.repos, {
    out: flags.out,
    network,
    allowHosts: flags.allowHost,
    env: flags.env,
    timeoutMs: parseDuration(flags.timeout),
    maxSteps: flags.maxSteps,
    scriptDir: flags.scriptDir,
    constraints: flags.placement,
    progress: stderrProgress,
  });
  sayRates(summary, flags.json);
  return summary;
}

/** The SCRIPTED model of one repository, from its script file (a local run and a swarm worker open it alike). */
export async function scriptedEnvModel(file: string, configPath?: string) {
  const config = resolveModelConfig({ script: file, config: configPath });
  const m = await openModel(config, { budget: new Budget(config.budget) });
  return {
    client: m.client,
    scripted: true,
    name: m.scriptedServer?.model ?? 'scripted',
    close: () => m.close(),
  };
}

/** `envbench run`: the model per repository (one shared client, or a scripted one each), the run, the rates. */
export async function runCommand(flags: RunFlags) {
  const engine = engineFlag(flags.engine ?? 'local');
  const network = networkFlag(flags.network);
  const tasks = loadEnvDataset(flags.dataset);
  if (!existsSync(flags.repos))
    throw new DrydockError(
      `no such directory: ${flags.repos}`,
      'pass --repos DIR (a local mirror)',
      'REPOS_NOT_FOUND',
    );
  if (flags.scriptDir && !existsSync(flags.scriptDir))
    throw new DrydockError(
      `no such directory: ${flags.scriptDir}`,
      'pass --script-dir DIR',
      'SCRIPT_DIR_NOT_FOUND',
    );
  if (engine === 'swarm') return runOnSwarm(flags, tasks, network);
  const wantsModel = Boolean(
    flags.model || flags.script || flags.scriptDir || flags.baseUrl || flags.apiKey || flags.config,
  );
  let shared: Awaited<ReturnType<typeof openModel>> | null = null;
  let model: Parameters<typeof runEnvBench>[2]['model'];
  if (flags.scriptDir) {
    const dir = flags.scriptDir;
    process.stderr.write(
      `drydock: NOTE: the model is SCRIPTED: answers are read from ${dir}/<owner>__<name>.yaml\n`,
    );
    model = async (task) => {
      const file = envScriptFile(dir, task.repository);
      if (!file)
        throw new DrydockError(`no script for ${task.repository} in ${dir}`, undefined, 'SCRIPT_NOT_FOUND');
      return scriptedEnvModel(file, flags.config);
    };
  } else if (wantsModel) {
    const config = resolveModelConfig({
      baseUrl: flags.baseUrl,
      apiKey: flags.apiKey,
      model: flags.model,
      script: flags.script,
      config: flags.config,
      timeoutMs: flags.timeoutMs,
      maxRetries: flags.maxRetries,
    });
    if (!config.script && !config.baseURL && !config.apiKey)
      throw new DrydockError(
        'no model is configured',
        'pass --base-url URL (and --model), set OPENAI_BASE_URL / OPENAI_API_KEY, or use --script/--script-dir',
        'NO_MODEL',
      );
    const m = await openModel(config, { budget: new Budget(config.budget) });
    shared = m;
    if (m.scriptedServer)
      process.stderr.write(
        `drydock: NOTE: the model is SCRIPTED: its answers are read from ${config.script}\n`,
      );
    model = async () => ({
      client: m.client,
      scripted: m.scriptedServer !== null,
      name: m.scriptedServer?.model ?? config.model,
      close: async () => {},
    });
  }
  sayNetwork(network);
  try {
    const summary = await runEnvBench(tasks, flags.repos, {
      out: flags.out,
      workers: flags.workers,
      network,
      allowHosts: flags.allowHost,
      env: flags.env,
      timeoutMs: parseDuration(flags.timeout),
      maxSteps: flags.maxSteps,
      model,
      policy: model ? await PolicyEngine.create({ unattended: true }) : undefined,
      progress: stderrProgress,
    });
    sayRates(summary, flags.json);
    return summary;
  } finally {
    await shared?.close();
  }
}

/** `envbench setup` with a model: the agent, its replay, and the script written only if the replay passes. */
async function setupWithAgent(flags: SetupFlags): Promise<void> {
  const network = networkFlag(flags.network);
  const timeoutMs = parseDuration(flags.timeout);
  const config = resolveModelConfig({
    baseUrl: flags.baseUrl,
    apiKey: flags.apiKey,
    model: flags.model,
    script: flags.script,
    config: flags.config,
    timeoutMs: flags.timeoutMs,
    maxRetries: flags.maxRetries,
  });
  if (!config.script && !config.baseURL && !config.apiKey)
    throw new DrydockError(
      'no model is configured',
      'pass --base-url URL (and --model), set OPENAI_BASE_URL / OPENAI_API_KEY, or use --script FILE for the scripted model',
      'NO_MODEL',
    );
  const policy = await PolicyEngine.create({ unattended: true });
  const model = await openModel(config, { budget: new Budget(config.budget) });
  const scripted = model.scriptedServer !== null;
  const modelName = model.scriptedServer?.model ?? config.model;
  if (scripted)
    process.stderr.write(
      `drydock: NOTE: the model is SCRIPTED: its answers are read from ${config.script}, not produced by a model.\n`,
    );
  sayNetwork(network);
  try {
    const repo = resolve(flags.repo);
    const r = await runEnvSetup({
      repo,
      repoName: basename(repo),
      model: model.client,
      scripted,
      modelName,
      policy,
      maxSteps: flags.maxSteps,
      timeoutMs,
      network,
      allowHosts: flags.allowHost,
      env: flags.env,
      progress: stderrProgress,
    });
    for (const e of r.refused)
      process.stderr.write(`drydock: refused by the registries proxy: ${e.method} ${e.host}:${e.port}\n`);
    const verdict = `replay in a fresh sandbox: ${describeResult(r.replay)}`;
    if (flags.json)
      process.stdout.write(
        `${JSON.stringify({ ...r, replay: { ...r.replay, record: { ...r.replay.record, pyright: undefined } } }, null, 2)}\n`,
      );
    if (!r.replay.success) {
      process.stderr.write(`drydock: ${verdict}\n`);
      for (const i of r.replay.issues.slice(0, 20)) process.stderr.write(`  ${i}\n`);
      throw new DrydockError(
        `the setup script did not pass in a fresh sandbox (${r.outcome} after ${r.turns} model turns${scripted ? ', SCRIPTED' : ''}); nothing written`,
        'see the issues above; raise --max-steps or --timeout, or check the network',
        'SETUP_FAILED',
      );
    }
    process.stderr.write(
      `drydock: ${verdict}; ${r.steps.filter((s) => s.kept).length} of ${r.steps.length} commands kept, ${r.turns} model turns${scripted ? ' (SCRIPTED)' : ''}\n`,
    );
    if (flags.out) writeFileSync(flags.out, r.script);
    else if (!flags.json) process.stdout.write(r.script);
  } finally {
    await model.close();
  }
}

export function registerEnvbenchCommand(program: Command): void {
  const env = program.command('envbench').description('EnvBench: write and grade environment setup scripts');
  addModelOptions(
    env
      .command('setup')
      .description(
        'Write a bash setup script for a repository. With no model: the rule-based baseline (package.json, ' +
          'pyproject.toml, setup.py, setup.cfg, requirements files, Maven/Gradle). With a model (--model, --base-url, ' +
          '--script for the scripted one): the agent runs the baseline in a fresh sandbox, then works until the ' +
          "evaluation's check passes (pyright's missing imports; the JVM compile); the script of the commands that " +
          'mattered is replayed in a second fresh sandbox and written only if it passes there.',
      )
      .requiredOption('--repo <path>', 'the repository (a directory)')
      .option('--out <file>', 'write the script here instead of stdout')
      .option('--max-steps <n>', 'model turns (agent only)', positiveInt, 30)
      .option('--timeout <duration>', 'wall time of the whole setup, replay included (agent only)', '60m')
      .option(
        '--network <mode>',
        "network of the setup sandboxes: registries (only this machine's package registries), none or bridge (agent only)",
        'registries',
      )
      .option(
        '--allow-host <host[:port]>',
        'in registries mode, also allow this host (repeatable)',
        collectHost,
      )
      .option(
        '--env <NAME=VALUE>',
        'a variable for both sandboxes, e.g. a package mirror (repeatable)',
        collectEnv,
      )
      .option('--json', 'print the result (script, steps, replay) as JSON'),
  ).action(async (flags: SetupFlags) => {
    if (!existsSync(flags.repo) || !statSync(flags.repo).isDirectory())
      throw new DrydockError(
        `no such repository: ${flags.repo}`,
        'pass --repo PATH to a directory',
        'REPO_NOT_FOUND',
      );
    if (!(flags.model || flags.script || flags.baseUrl || flags.apiKey || flags.config)) {
      const script = baselineScript(flags.repo);
      if (flags.out) writeFileSync(flags.out, script);
      else process.stdout.write(script);
      return;
    }
    await setupWithAgent(flags);
  });
  addModelOptions(
    env
      .command('run')
      .description(
        'Setup then evaluation for every repository of an EnvBench dataset: the agent with a model (--model, ' +
          '--base-url, --script or --script-dir for the SCRIPTED one), else the rule-based baseline. Resumable ' +
          "(a repository with a record in <out>/results/ is skipped); writes <out>/results.json in EnvBench's shape.",
      )
      .requiredOption('--dataset <file>', 'JSONL (or a JSON list) of {repository, revision}')
      .requiredOption('--repos <dir>', 'local mirror: DIR/<owner>/<name> is a git repository (bare or not)')
      .option('--out <dir>', 'where results go', 'envbench-run')
      .option('--workers <n>', 'repositories at once', positiveInt, 1)
      .option(
        '--engine <engine>',
        'local (this machine) or swarm (one Swarm job per repository; run on a manager; --network none or bridge, the baseline or --script-dir)',
        'local',
      )
      .option(
        '--placement <constraint>',
        'with --engine swarm: a Swarm placement constraint (repeatable)',
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option('--script-dir <dir>', 'the SCRIPTED model per repository: DIR/<owner>__<name>.yaml')
      .option('--max-steps <n>', 'model turns per repository', positiveInt, 30)
      .option('--timeout <duration>', 'wall time per repository (setup and evaluation)', '60m')
      .option(
        '--network <mode>',
        "network of the sandboxes: registries (only this machine's package registries), none or bridge",
        'registries',
      )
      .option(
        '--allow-host <host[:port]>',
        'in registries mode, also allow this host (repeatable)',
        collectHost,
      )
      .option(
        '--env <NAME=VALUE>',
        'a variable for every sandbox, e.g. a package mirror (repeatable)',
        collectEnv,
      )
      .option('--json', 'print the summary as JSON'),
  ).action(async (flags: RunFlags) => {
    const summary = await runCommand(flags);
    process.exitCode = 0;
    if (flags.json) process.stdout.write(`${JSON.stringify({ ...summary, results: undefined })}\n`);
  });
  env
    .command('eval')
    .description(
      'Source each setup script in a fresh sandbox on its repository, then check: Python, zero pyright ' +
        'reportMissingImports; JVM, a clean compile. Success is exit 0 and zero issues. Writes <out>/results.json.',
    )
    .requiredOption('--scripts <file>', 'JSONL (or a JSON list) of {repository, revision, script}')
    .requiredOption('--repos <dir>', 'local mirror: DIR/<owner>/<name> is a git repository (bare or not)')
    .option('--out <dir>', 'where results.json goes', 'envbench-results')
    .option('--timeout <duration>', 'wall time for each script and its check', '30m')
    .option(
      '--network <mode>',
      "network for the scripts: registries (only this machine's package registries), none or bridge",
      'registries',
    )
    .option(
      '--allow-host <host[:port]>',
      'in registries mode, also allow this host (repeatable)',
      collectHost,
    )
    .option(
      '--env <NAME=VALUE>',
      'a variable for every sandbox, e.g. a package mirror (repeatable)',
      collectEnv,
    )
    .option('--json', 'print the results as one JSON line')
    .action(
      async (flags: {
        scripts: string;
        repos: string;
        out: string;
        timeout: string;
        network: string;
        allowHost?: string[];
        env?: Record<string, string>;
        json?: boolean;
      }) => {
        const network = networkFlag(flags.network);
        sayNetwork(network);
        const { results, path } = await evalEnvScripts(loadScripts(flags.scripts), flags.repos, {
          out: flags.out,
          timeoutMs: parseDuration(flags.timeout),
          network,
          allowHosts: flags.allowHost,
          env: flags.env,
          progress: stderrProgress,
        });
        const ok = results.filter((r) => r.success).length;
        if (flags.json)
          process.stdout.write(
            `${JSON.stringify(results.map(({ record: { container_logs: _c, pyright: _p, ...r }, success, issues }) => ({ ...r, success, issues })))}\n`,
          );
        else process.stdout.write(`${ok}/${results.length} succeeded; results in ${path}\n`);
      },
    );
}
