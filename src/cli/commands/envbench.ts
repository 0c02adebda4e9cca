import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { DrydockError, NotBuiltError, stderrProgress } from '../../core/index.js';
import { baselineScript, evalEnvScripts, loadScripts } from '../../harness/index.js';
import { parseDuration } from '../../sandbox/index.js';

export function registerEnvbenchCommand(program: Command): void {
  const env = program.command('envbench').description('EnvBench: write and grade environment setup scripts');
  env
    .command('setup')
    .description(
      'Write a bash setup script for a repository. With no model this is the rule-based baseline ' +
        '(package.json, pyproject.toml, setup.py, setup.cfg, requirements files, Maven/Gradle); ' +
        'the agent that explores a sandbox (--model) is not built yet.',
    )
    .requiredOption('--repo <path>', 'the repository (a directory)')
    .option('--model <name>', 'let the agent write the script (not built yet)')
    .option('--out <file>', 'write the script here instead of stdout')
    .action((flags: { repo: string; model?: string; out?: string }) => {
      if (flags.model) throw new NotBuiltError('envbench setup with a model (the agent)', 'agent');
      if (!existsSync(flags.repo))
        throw new DrydockError(
          `no such repository: ${flags.repo}`,
          'pass --repo PATH to a directory',
          'REPO_NOT_FOUND',
        );
      const script = baselineScript(flags.repo);
      if (flags.out) writeFileSync(flags.out, script);
      else process.stdout.write(script);
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
    .option('--network <mode>', 'network for the scripts: bridge or none', 'bridge')
    .option('--json', 'print the results as one JSON line')
    .action(
      async (flags: {
        scripts: string;
        repos: string;
        out: string;
        timeout: string;
        network: string;
        json?: boolean;
      }) => {
        if (flags.network !== 'bridge' && flags.network !== 'none')
          throw new DrydockError('--network must be bridge or none', undefined, 'BAD_FLAG');
        const { results, path } = await evalEnvScripts(loadScripts(flags.scripts), flags.repos, {
          out: flags.out,
          timeoutMs: parseDuration(flags.timeout),
          network: flags.network,
          progress: stderrProgress,
        });
        const ok = results.filter((r) => r.success).length;
        if (flags.json)
          process.stdout.write(`${JSON.stringify(results.map(({ container_logs: _c, ...r }) => r))}\n`);
        else process.stdout.write(`${ok}/${results.length} succeeded; results in ${path}\n`);
      },
    );
}
