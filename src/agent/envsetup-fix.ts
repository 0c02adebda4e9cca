import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DrydockError, WORKSPACE } from '../core/index.js';
import { PolicyEngine } from '../policy/index.js';
import {
  dockerClient,
  imageRef,
  openSandbox,
  shellQuote,
  type NetworkMode,
  type Sandbox,
  type SandboxSpec,
  retryFreeze,
} from '../sandbox/index.js';
import type { RunContext } from './context.js';
import type { Environment } from './environment.js';
import { runSetupSession, scriptOf, type SetupCheck, type SetupSession } from './envsetup.js';
import { nativeToolCalls } from './loop.js';
import { textActions } from './text-format.js';

/** `drydock fix --setup-agent`: never; when the tests cannot start (default of the CLI); always. */
export type SetupAgentMode = 'never' | 'auto' | 'always';

/** What the environment stage did, for the summary and the record. */
export interface EnvironmentSetup {
  /** Wall time from opening the sandbox to an environment whose tests start (or give up). */
  setupMs: number;
  /** The kept image the sandbox started from, when one was reused. */
  reused: string | null;
  /** The kept image written at the end of this setup, when one was. */
  kept: string | null;
  /** Whether the setup agent ran, how it ended, and the script of what mattered. */
  agent: { outcome: string; turns: number; script: string; refused: string[] } | null;
  /** Why the tests could not start before the agent (null: they started, or were not probed). */
  cannotStart: string | null;
  /** The network the setup had, and what the tests have (`none` after a registries setup). */
  network: { setup: NetworkMode; tests: NetworkMode };
}

/** Labels of a kept environment image (not `drydock=1`: `sandbox gc` must not take it). */
export const ENV_IMAGE_LABEL = 'drydock.env';
export const ENV_IMAGE_REPO = 'drydock/env';
/** Inside a kept image: the repository's files when it was kept, so a later copy can drop deleted ones. */
const FILE_LIST = '/var/lib/drydock-env/files';

/**
 * Files whose content decides what a repository's environment needs. Their hash, with the base
 * image and the setup command, keys the kept image: change one and the environment is rebuilt.
 */
const DEPENDENCY_FILE =
  /^(requirements[^/]*\.(txt|in)|constraints[^/]*\.txt|pyproject\.toml|setup\.py|setup\.cfg|Pipfile(\.lock)?|poetry\.lock|uv\.lock|tox\.ini|environment\.ya?ml|package\.json|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|pnpm-workspace\.yaml|\.npmrc|pom\.xml|build\.gradle(\.kts)?|settings\.gradle(\.kts)?|gradle\.properties|go\.(mod|sum)|Cargo\.(toml|lock)|drydock\.yaml|[^/]+\.whl)$/;

/** The repository's files (relative, `.git` and `node_modules` left out), sorted. */
export function repositoryFiles(repo: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === '.git' || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(relative(repo, p));
    }
  };
  walk(repo);
  return out.sort();
}

/** The key of a repository's kept environment: base image, setup command and dependency files. */
export function environmentKey(repo: string, image: string, setup: string | null): string {
  const h = createHash('sha256').update(`image ${image}\nsetup ${setup ?? ''}\n`);
  for (const f of repositoryFiles(repo)) {
    const name = f.split('/').pop()!;
    if (!DEPENDENCY_FILE.test(name) || f.split('/').length > 4) continue;
    h.update(`file ${f}\n`)
      .update(readFileSync(join(repo, f)))
      .update('\n');
  }
  return h.digest('hex').slice(0, 16);
}

const MISSING_MODULE = /(?:ModuleNotFoundError|ImportError): No module named '?([A-Za-z0-9_.]+)'?/;
const NO_MODULE_RUNNER = /\/?(?:python[0-9.]*|bin\/python[0-9.]*): No module named ([A-Za-z0-9_.]+)/;
const NODE_MISSING =
  /(?:Cannot find module|Cannot find package|ERR_MODULE_NOT_FOUND[^\n]*?package) '([^']+)'/;
const NODE_NO_ENTRY =
  /Cannot find module '([^']+)'\. Please verify that the package\.json has a valid "main" entry/;
const NOT_FOUND = /(?:^|\n)(?:sh|bash|\/bin\/sh)(?:: line \d+|: \d+)?: ([^\s:]+): (?:command )?not found/;

/**
 * Why a test run could not start, read from its output: a module that cannot be imported (not
 * one of the repository's own: that is the code's problem, not the environment's), a missing
 * test runner. null when nothing says so. Pure.
 */
export function testsCannotStart(output: string, exitCode: number, ownModules: string[] = []): string | null {
  const own = (m: string) => ownModules.includes(m.split('.')[0]!) || m.startsWith('.');
  const runner = NO_MODULE_RUNNER.exec(output);
  if (runner && !own(runner[1]!)) return `the test runner is missing: No module named ${runner[1]}`;
  for (const m of output.matchAll(new RegExp(MISSING_MODULE, 'g')))
    if (!own(m[1]!)) return `a module cannot be imported: No module named '${m[1]}'`;
  const entry = NODE_NO_ENTRY.exec(output);
  if (entry) return `a package's entry file is missing (is it built?): ${entry[1]}`;
  const node = NODE_MISSING.exec(output);
  if (node && !node[1]!.startsWith('.') && !node[1]!.startsWith('/'))
    return `a module cannot be found: '${node[1]}'`;
  const nf = NOT_FOUND.exec(output);
  if (nf || exitCode === 127) return `a program of the test command is missing${nf ? `: ${nf[1]}` : ''}`;
  return null;
}

/** The repository's top-level module names (directories and `.py` files at the root and in `src/`). */
export function ownModules(repo: string): string[] {
  const names = new Set<string>();
  for (const dir of [repo, join(repo, 'src')]) {
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) names.add(e.name);
      else if (e.name.endsWith('.py')) names.add(e.name.slice(0, -3));
    }
  }
  return [...names];
}

/**
 * The command that tells whether the tests can start, cheaply: pytest's collection (it imports
 * every test module) for pytest, else the test command itself.
 */
export function startProbe(test: string): string {
  if (/(^|\s)(python[0-9.]*\s+-m\s+)?pytest(\s|$)/.test(test) && !/--collect-only/.test(test))
    return `${test} --collect-only -q`;
  return test;
}

/**
 * Stage 1's environment: a sandbox of the repository whose tests can start. With a kept image for
 * this repository's dependency files (`drydock/env:<key>`) it starts from it; else from the
 * detected image, runs the detected setup, probes whether the tests start and, when they
 * cannot (`auto`) or always (`always`), runs the setup agent in the same sandbox until they do.
 * A working environment is kept as an image keyed by the dependency files. Setup has the
 * `registries` network (only this machine's package registries, through drydock's proxy); the
 * tests afterwards have none.
 */
export async function prepareEnvironment(
  ctx: RunContext,
  env: Environment,
  mode: SetupAgentMode,
  /** A rebuild of a lost sandbox: the first setup, whose kept image or agent script is used again (no probe, no model). */
  again?: EnvironmentSetup,
): Promise<{ sandbox: Sandbox; setup: EnvironmentSetup }> {
  const { opts } = ctx;
  // A rebuild says what it does in notes, not as stage lines.
  const say = (m: string, data?: Record<string, unknown>) =>
    again ? ctx.note(`reopened sandbox: ${m}`) : ctx.stage('prepare', m, data);
  const started = Date.now();
  const image = opts.image ?? imageRef(env.image);
  const key = environmentKey(opts.repo, image, env.setup);
  const keptRef = again?.kept ?? again?.reused ?? `${ENV_IMAGE_REPO}:${key}`;
  const setup: EnvironmentSetup = {
    setupMs: 0,
    reused: null,
    kept: null,
    agent: null,
    cannotStart: null,
    network: { setup: 'none', tests: 'none' },
  };
  const reuse = mode !== 'never' && opts.image === undefined && (await imageExists(keptRef));
  const wantsNetwork =
    !reuse && (env.setup !== null || (mode !== 'never' && !again) || Boolean(again?.agent));
  let network: NetworkMode = wantsNetwork ? 'registries' : 'none';
  let sandbox: Sandbox;
  // Through the run's warm pool when it has one (a registries sandbox is never pooled: it opens cold).
  const open = (spec: SandboxSpec) => (opts.sandboxPool ? opts.sandboxPool.open(spec) : openSandbox(spec));
  try {
    sandbox = await open({
      image: reuse ? keptRef : image,
      repo: opts.repo,
      network,
      runId: opts.trajectory.runId,
    });
  } catch (err) {
    // Without root or iptables there is no registries mode; setup then needs the open network.
    const code = (err as { code?: string }).code;
    if (network !== 'registries' || (code !== 'NETWORK_SETUP' && code !== 'NO_REGISTRIES')) throw err;
    say(`network: registries is not available here (${(err as Error).message}); setup runs with bridge`);
    network = 'bridge';
    sandbox = await open({ image, repo: opts.repo, network, runId: opts.trajectory.runId });
  }
  setup.network.setup = network;
  try {
    if (reuse) {
      setup.reused = keptRef;
      // The copy went over the kept tree: drop the files the repository no longer has.
      await dropDeletedFiles(sandbox, opts.repo);
      say(`environment: reusing the kept image ${keptRef} (setup skipped)`);
    } else if (env.setup) {
      const r = await sandbox.exec(`${env.setup} 2>&1`, {
        timeoutMs: 900_000,
        memoryBytes: 4 * 1024 ** 3,
        env: env.vars,
      });
      say(`setup \`${env.setup}\` exited ${r.exitCode} (network ${network})`);
      if (r.exitCode !== 0 && mode === 'never')
        throw new DrydockError(
          `the setup command \`${env.setup}\` failed (exit ${r.exitCode}): ${r.stdout.trim().split('\n').slice(-3).join(' | ')}`,
          'pass a working --setup, write `setup:` in drydock.yaml, or let the setup agent try (--setup-agent auto)',
          'SETUP_FAILED',
        );
      if (r.exitCode !== 0) setup.cannotStart = `the setup command failed (exit ${r.exitCode})`;
    }

    if (again?.agent && !reuse) {
      // The first setup's agent script, replayed without the model.
      await sandbox.writeFile('/tmp/drydock-setup.sh', again.agent.script);
      const r = await sandbox.exec('bash /tmp/drydock-setup.sh 2>&1', { timeoutMs: 900_000, env: env.vars });
      say(`the setup agent's script exited ${r.exitCode}`);
    }
    let startsNow = true;
    if (mode !== 'never' && env.test && !again) {
      const probe = await testsStartCheck(sandbox, env, opts.repo);
      setup.cannotStart = probe.passes ? setup.cannotStart : probe.summary;
      startsNow = probe.passes && setup.cannotStart === null;
      say(`tests ${probe.passes ? 'start' : `cannot start: ${probe.summary}`}`);
    }
    if (!again && (mode === 'always' || (mode === 'auto' && !startsNow))) {
      if (network === 'none' && (await setNetwork(sandbox, 'registries')))
        network = setup.network.setup = 'registries';
      setup.agent = await runAgent(ctx, sandbox, env);
      startsNow = setup.agent.outcome === 'check_passed' || setup.agent.outcome === 'baseline_passed';
    }
    // Kept only when something was installed and the tests start in it.
    if (
      mode !== 'never' &&
      !again &&
      !reuse &&
      startsNow &&
      (env.setup || setup.agent) &&
      opts.image === undefined
    ) {
      setup.kept = await keepEnvironment(sandbox, keptRef, key, opts.repo, image);
      say(`environment kept as ${keptRef} (the next run on these dependency files starts from it)`);
    }
    // The tests and everything after them run with no network at all.
    if (network === 'registries' && (await setNetwork(sandbox, 'none'))) setup.network.tests = 'none';
    else setup.network.tests = network;
  } catch (err) {
    await sandbox.close();
    throw err;
  }
  setup.setupMs = Date.now() - started;
  say(
    `environment ready in ${(setup.setupMs / 1000).toFixed(1)} s (${
      setup.reused
        ? `reused ${setup.reused}`
        : setup.agent
          ? `setup agent: ${setup.agent.outcome}`
          : 'detected setup'
    }; tests run with network ${setup.network.tests})`,
    {
      setupMs: setup.setupMs,
      reused: setup.reused,
      kept: setup.kept,
      agent: setup.agent,
      cannotStart: setup.cannotStart,
    },
  );
  return { sandbox, setup };
}

/** The setup agent's check in `drydock fix`: the start probe, read by `testsCannotStart`. */
export async function testsStartCheck(sandbox: Sandbox, env: Environment, repo: string): Promise<SetupCheck> {
  const command = startProbe(env.test!);
  const r = await sandbox.exec(`cd ${WORKSPACE} && ${command} 2>&1`, {
    timeoutMs: 600_000,
    memoryBytes: 4 * 1024 ** 3,
    env: env.vars,
    maxOutputBytes: 256 * 1024,
  });
  const why = testsCannotStart(r.stdout + r.stderr, r.exitCode, ownModules(repo));
  const tail = (r.stdout + r.stderr).trim().split('\n').slice(-40).join('\n');
  if (why === null)
    return {
      passes: true,
      summary: `the tests start (\`${command}\` exit ${r.exitCode})`,
      text: `The tests start: \`${command}\` exited ${r.exitCode} with no import or missing-program errors.\n${tail}`,
    };
  return {
    passes: false,
    summary: why,
    text: `The tests cannot start: ${why}.\n\`${command}\` exited ${r.exitCode}; the end of its output:\n${tail}`,
  };
}

async function runAgent(
  ctx: RunContext,
  sandbox: Sandbox,
  env: Environment,
): Promise<NonNullable<EnvironmentSetup['agent']>> {
  const { opts } = ctx;
  ctx.stage('prepare', 'setup agent: working until the tests start');
  const session: SetupSession = await runSetupSession({
    sandbox,
    policy: opts.policy ?? (await PolicyEngine.create({ unattended: true })),
    model: opts.model,
    format: opts.actionFormat === 'text' ? textActions() : nativeToolCalls,
    baseline: [],
    check: () => testsStartCheck(sandbox, env, opts.repo),
    language: env.language,
    checkDescription: `the repository's tests must be able to start: \`${startProbe(env.test ?? 'true')}\` runs with no import error and no missing program`,
    maxSteps: opts.setupSteps ?? 20,
    deadline: opts.timeoutMs ? ctx.started + opts.timeoutMs : Date.now() + 30 * 60_000,
    env: env.vars,
    trajectory: opts.trajectory,
    progress: {
      step: (m) => ctx.stage('prepare', `setup agent: ${m}`),
      detail: (m) => ctx.note(`setup agent: ${m}`),
    },
  });
  const script = scriptOf(session.steps, {
    language: env.language,
    model: opts.modelName ?? 'model',
    scripted: opts.scripted,
    title: 'drydock fix setup agent',
  });
  return {
    outcome: session.outcome,
    turns: session.turns,
    script,
    refused: session.refused.map((e) => `${e.host}:${e.port}`),
  };
}

async function imageExists(ref: string): Promise<boolean> {
  try {
    await dockerClient().getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

async function setNetwork(sandbox: Sandbox, mode: NetworkMode): Promise<boolean> {
  const set = (sandbox as { setNetwork?: (m: NetworkMode) => Promise<void> }).setNetwork;
  if (typeof set !== 'function') return false;
  await set.call(sandbox, mode);
  return true;
}

/** Deletes, in a sandbox opened from a kept image, the files its repository had then and has no more. */
async function dropDeletedFiles(sandbox: Sandbox, repo: string): Promise<void> {
  const now = new Set(repositoryFiles(repo));
  const then = (
    await sandbox.exec(`cat ${FILE_LIST} 2>/dev/null`, { maxOutputBytes: 64 * 1024 * 1024 })
  ).stdout
    .split('\n')
    .filter(Boolean);
  const gone = then.filter((f) => !now.has(f));
  for (let i = 0; i < gone.length; i += 200)
    await sandbox.exec(
      `cd ${WORKSPACE} && rm -f -- ${gone
        .slice(i, i + 200)
        .map(shellQuote)
        .join(' ')}`,
    );
}

/**
 * Commits the sandbox's container as `drydock/env:<key>`, labelled `drydock.env=<key>` (and
 * `drydock=env`, so `sandbox gc`, which takes `drydock=1` images of dead runs, leaves it). It
 * holds the repository's files of now; `dropDeletedFiles` trims them on reuse.
 */
async function keepEnvironment(
  sandbox: Sandbox,
  ref: string,
  key: string,
  repo: string,
  base: string,
): Promise<string> {
  await sandbox.exec(`mkdir -p ${FILE_LIST.replace(/\/[^/]+$/, '')} && cat > ${FILE_LIST}`, {
    stdin: repositoryFiles(repo).join('\n') + '\n',
  });
  const [name, tag] = ref.split(':') as [string, string];
  const labels = {
    drydock: 'env',
    [ENV_IMAGE_LABEL]: key,
    'drydock.env.base': base,
    'drydock.env.repo': repo,
    'drydock.env.created': new Date().toISOString(),
  };
  // Tried again when the cgroup v1 freezer gives up (sandbox/freeze.ts), as a fork's commit is.
  await retryFreeze(() =>
    dockerClient()
      .getContainer(sandbox.id)
      .commit({
        repo: name,
        tag,
        pause: true,
        changes: `LABEL ${Object.entries(labels)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(' ')}`,
      }),
  );
  return ref;
}
