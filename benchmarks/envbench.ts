// EnvBench benchmark: the rule-based baseline's and the setup agent's success rates on the same
// repositories, measured in this one run (setup, then EnvBench's check in a fresh sandbox).
//   npm run bench:envbench -- [--dataset FILE --repos DIR] [--script-dir DIR] [--env NAME=VALUE]...
// Default: the Python fixtures of test/envsetup (offline: each carries a wheelhouse, pip is
// pointed at it) with the SCRIPTED model's answers for each. With --dataset/--repos and no
// --script-dir, the agent uses the configured model (OPENAI_BASE_URL / DRYDOCK_MODEL / config file);
// with none configured, only the baseline runs and the agent's rate is reported as not measured.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { loadEnvDataset, resultKey, runEnvBench, type EnvRunSummary } from '../src/harness/index.js';
import { stderrProgress } from '../src/core/index.js';
import { Budget, openModel, resolveModelConfig } from '../src/model/index.js';
import { FIXTURE_SCRIPTS, PIP_ENV, pythonFixtures } from '../test/envsetup/fixtures.js';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    repos: { type: 'string' },
    'script-dir': { type: 'string' },
    env: { type: 'string', multiple: true },
    workers: { type: 'string', default: '1' },
  },
});
if (Boolean(values.dataset) !== Boolean(values.repos)) {
  process.stderr.write(
    'usage: npm run bench:envbench -- [--dataset FILE --repos DIR] [--script-dir DIR] [--env NAME=VALUE]...\n',
  );
  process.exit(2);
}
const tmp = mkdtempSync(join(tmpdir(), 'drydock-bench-envbench-'));
let dataset = values.dataset;
let repos = values.repos;
let scriptDir = values['script-dir'];
const env: Record<string, string> = {};
for (const kv of values.env ?? []) {
  const i = kv.indexOf('=');
  if (i < 1) throw new Error(`--env wants NAME=VALUE, got ${kv}`);
  env[kv.slice(0, i)] = kv.slice(i + 1);
}
const network = 'registries' as const;
const source = dataset
  ? `${dataset} (repos ${repos})`
  : 'the Python fixtures of test/envsetup (offline wheelhouses)';
if (!dataset) {
  repos = join(tmp, 'mirror');
  const fx = pythonFixtures(repos);
  dataset = join(tmp, 'dataset.jsonl');
  writeFileSync(
    dataset,
    fx.map((f) => JSON.stringify({ repository: f.name, revision: f.commit })).join('\n') + '\n',
  );
  scriptDir = join(tmp, 'scripts');
  mkdirSync(scriptDir);
  for (const f of fx)
    writeFileSync(join(scriptDir, `${resultKey(f.name)}.yaml`), stringify(FIXTURE_SCRIPTS[f.name]));
  Object.assign(env, PIP_ENV);
}
const tasks = loadEnvDataset(dataset);
const workers = Number(values.workers);

try {
  process.stderr.write(`envbench bench: ${tasks.length} repositories from ${source}\n`);
  const t0 = performance.now();
  const baseline = await runEnvBench(tasks, repos!, {
    out: join(tmp, 'baseline'),
    network,
    env,
    workers,
    progress: stderrProgress,
  });
  const baselineMs = performance.now() - t0;

  let agent: EnvRunSummary | null = null;
  let modelName = '';
  let scripted = false;
  const t1 = performance.now();
  if (scriptDir) {
    scripted = true;
    modelName = `SCRIPTED (${scriptDir})`;
    agent = await runEnvBench(tasks, repos!, {
      out: join(tmp, 'agent'),
      network,
      env,
      workers,
      progress: stderrProgress,
      model: async (task) => {
        const config = resolveModelConfig({ script: join(scriptDir!, `${resultKey(task.repository)}.yaml`) });
        const m = await openModel(config, { budget: new Budget(config.budget) });
        return { client: m.client, scripted: true, name: m.scriptedServer!.model, close: () => m.close() };
      },
    });
  } else {
    const config = resolveModelConfig({});
    if (config.baseURL || config.apiKey) {
      const m = await openModel(config, { budget: new Budget(config.budget) });
      modelName = config.model;
      try {
        agent = await runEnvBench(tasks, repos!, {
          out: join(tmp, 'agent'),
          network,
          env,
          workers,
          progress: stderrProgress,
          model: async () => ({
            client: m.client,
            scripted: false,
            name: config.model,
            close: async () => {},
          }),
        });
      } finally {
        await m.close();
      }
    }
  }
  const agentMs = performance.now() - t1;
  const rate = (s: EnvRunSummary) => Math.round((1000 * s.succeeded) / Math.max(1, s.total)) / 10;
  const result = {
    repositories: tasks.length,
    source,
    baseline: { succeeded: baseline.succeeded, ratePct: rate(baseline), wallMs: Math.round(baselineMs) },
    agent: agent
      ? {
          model: modelName,
          scripted,
          succeeded: agent.succeeded,
          ratePct: rate(agent),
          wallMs: Math.round(agentMs),
        }
      : { model: null, note: 'not measured: no model configured and no --script-dir' },
  };
  process.stdout.write(
    `baseline: ${baseline.succeeded}/${tasks.length} (${rate(baseline)}%)\n` +
      (agent
        ? `agent, model ${modelName}${scripted ? ' — SCRIPTED answers, not a language model' : ''}: ${agent.succeeded}/${tasks.length} (${rate(agent)}%)\n`
        : 'agent: not measured (no model configured; pass --script-dir or configure a model)\n'),
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
  mkdirSync('benchmarks/results', { recursive: true });
  writeFileSync('benchmarks/results/envbench.json', JSON.stringify(result, null, 2) + '\n');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
