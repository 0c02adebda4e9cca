import {
  buildSymbolIndex,
  readWorkingTree,
  retrieve,
  type Retrieval,
  type SourceFile,
  type SymbolIndex,
} from '../code/index.js';
import { DrydockError } from '../core/index.js';
import { imageRef, type Sandbox } from '../sandbox/index.js';
import type { RunContext } from './context.js';
import { RecoveringSandbox, RecoveryBudget } from './recovering-sandbox.js';
import { detectEnvironment, type Environment } from './environment.js';
import { prepareEnvironment, type EnvironmentSetup } from './envsetup-fix.js';

export interface Prepared {
  sandbox: Sandbox;
  env: Environment;
  files: SourceFile[];
  index: SymbolIndex;
  retrieval: Retrieval;
  /** How the environment was made: setup time, kept image reused or written, the setup agent. */
  setup: EnvironmentSetup;
}

const GIT = 'git -c user.name=drydock -c user.email=drydock@localhost -c commit.gpgsign=false';

/**
 * Stage 1. The repository is read on the host (git ls-files, file contents) and copied into a
 * sandbox; nothing on the host is written. In the sandbox, the setup command runs and the tree
 * as given (uncommitted changes too) becomes a commit, so every later diff is against it.
 */
export async function prepare(ctx: RunContext): Promise<Prepared> {
  const { opts } = ctx;
  const env = detectEnvironment(opts.repo, {
    setup: opts.setup,
    test: opts.testCommand,
    reading: opts.testReading,
    testTimeoutMs: opts.testTimeoutMs,
  });
  const files = readWorkingTree(opts.repo);
  if (files.length === 0)
    throw new DrydockError(
      `no source files found in ${opts.repo}`,
      'point --repo at a repository with code',
      'EMPTY_REPO',
    );
  ctx.stage(
    'prepare',
    `environment: ${env.language} (${env.source}), image ${opts.image ?? imageRef(env.image)}`,
    {
      setup: env.setup,
      test: env.test,
    },
  );

  const index = await buildSymbolIndex(files);
  const retrieval = retrieve(opts.issue, index, { k: 10, chunks: 20 });
  ctx.stage(
    'prepare',
    `indexed ${files.length} files; top: ${retrieval.files
      .slice(0, 3)
      .map((f) => f.path)
      .join(', ')}`,
    {
      ranking: retrieval.files.map((f) => ({ path: f.path, score: f.score, reasons: f.reasons })),
      chunks: retrieval.chunks
        .slice(0, 10)
        .map((c) => ({ path: c.path, symbol: c.symbol, start: c.startLine, end: c.endLine, score: c.score })),
    },
  );

  const budget = new RecoveryBudget(ctx.opts.sandboxRecoveries ?? 2, (r) => ctx.sandboxRecovered(r));
  const first = await firstBase(ctx, env, budget);
  const sandbox = new RecoveringSandbox(
    first.sandbox,
    async () => (await openBase(ctx, env, first.setup)).sandbox,
    budget,
  );
  return { sandbox, env, files, index, retrieval, setup: first.setup };
}

/** The base sandbox, opened again when its container is lost while it is being prepared. */
async function firstBase(
  ctx: RunContext,
  env: Environment,
  budget: RecoveryBudget,
): Promise<{ sandbox: Sandbox; setup: EnvironmentSetup }> {
  for (;;) {
    try {
      return await openBase(ctx, env);
    } catch (err) {
      if ((err as { code?: string }).code !== 'SANDBOX_GONE' || budget.used >= budget.max) throw err;
      budget.used += 1;
      const lost = /sandbox container (\S+)/.exec((err as Error).message)?.[1] ?? 'unknown';
      budget.onRecovered({
        lost,
        replacement: 'a new sandbox',
        during: 'preparing the sandbox (setup, base commit)',
        restored: [],
        kind: 'base',
        attempt: ++budget.done,
        max: budget.max,
      });
    }
  }
}

/**
 * The base sandbox: the environment (`prepareEnvironment`: a kept image, or the setup command and
 * the setup agent), then the tree as given committed. Also how a sandbox lost mid-run is rebuilt
 * (RecoveringSandbox, with the first setup as `again`: its kept image, or its commands replayed).
 */
async function openBase(
  ctx: RunContext,
  env: Environment,
  again?: EnvironmentSetup,
): Promise<{ sandbox: Sandbox; setup: EnvironmentSetup }> {
  const { sandbox, setup } = await prepareEnvironment(ctx, env, ctx.opts.setupAgent ?? 'never', again);
  try {
    const base = await sandbox.exec(
      `(test -d .git || git init -q) && ${GIT} add -A && ${GIT} commit -q --no-verify --allow-empty -m 'drydock: the repository as given'`,
      { timeoutMs: 300_000 },
    );
    if (base.exitCode !== 0)
      throw new DrydockError(
        `could not record the repository in the sandbox: ${base.stderr.trim()}`,
        'check that the repository is a readable git checkout',
      );
  } catch (err) {
    await sandbox.close();
    throw err;
  }
  // With a warm pool (--warm-pool): the validate stage's first forks start now, while the model works.
  if (ctx.opts.sandboxPool) {
    const warmable = sandbox as Sandbox & { warmForks?: (n: number) => void };
    warmable.warmForks?.(Math.min(ctx.opts.parallel ?? 2, ctx.opts.candidates ?? 3));
  }
  return { sandbox, setup };
}
