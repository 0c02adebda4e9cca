import type { Command } from 'commander';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DrydockError, runHostSync } from '../../core/index.js';
import { resolveModelConfig, type ModelConfig } from '../../model/index.js';
import { runChecks } from '../doctor.js';
import { fixCommand } from './fix.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
/** What belongs to the example's presentation, not to the repository being fixed. */
const NOT_THE_REPO = new Set(['ISSUE.md', 'README.md', 'model-script.yaml']);

/**
 * What `npm run demo` runs after `drydock setup`: `drydock fix` on a bundled example, copied
 * into a git repository of its own. With a model endpoint configured it uses it; with none it
 * uses the example's script, and says so before and after.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      "run `drydock fix` on a bundled example (examples/calc, Python; or ts-range, TypeScript): with a model endpoint configured (OPENAI_BASE_URL, drydock.config.yaml) it uses it, otherwise the example's scripted answers, and says so",
    )
    .option('--example <name>', 'example under examples/ (calc, ts-range)', 'calc')
    .option('--json', 'print only the final summary, as JSON')
    .action(async (flags: { example: string; json?: boolean }) => {
      const source = `${EXAMPLES}${flags.example}`;
      if (!existsSync(`${source}/ISSUE.md`)) {
        throw new DrydockError(
          `no example named ${flags.example} (looked for ${source}/ISSUE.md)`,
          'use --example calc or --example ts-range',
        );
      }
      const say = (s = '') => {
        if (!flags.json) process.stdout.write(`${s}\n`);
      };
      const checks = await runChecks({});
      const failed = checks.filter((c) => c.required && !c.ok);
      if (failed.length > 0) {
        for (const c of failed) say(`FAIL ${c.name}: ${c.detail}`);
        throw new DrydockError(
          'a required check failed',
          'run `drydock setup`, then `drydock doctor` for the fixes',
        );
      }
      let config: ModelConfig | null = null;
      try {
        config = resolveModelConfig({});
      } catch (err) {
        // No model named anywhere: the demo's scripted answers stand in.
        if (!(err instanceof DrydockError && err.code === 'MODEL_NOT_CONFIGURED')) throw err;
      }
      const real = Boolean(config && (config.baseURL || config.apiKey || config.script));
      say(`drydock demo: drydock fix on examples/${flags.example}`);
      if (real && config)
        say(
          `The model: ${config.script ? `scripted (${config.script})` : `${config.model} at ${config.baseURL ?? 'the default endpoint'}`}.`,
        );
      else
        say(
          `No model endpoint is configured, so the model's answers are SCRIPTED: read from examples/${flags.example}/model-script.yaml.\n` +
            'Everything else is real: the sandbox, the policy, the language servers and the tests. Set OPENAI_BASE_URL (and DRYDOCK_MODEL) to use a model.',
        );
      say();
      // A git repository of its own, as a user's would be; the bundled folder is never touched.
      const dir = mkdtempSync(join(tmpdir(), `drydock-demo-${flags.example}-`));
      try {
        cpSync(source, dir, {
          recursive: true,
          filter: (p) => !NOT_THE_REPO.has(p.slice(source.length + 1)),
        });
        const git = (...args: string[]) => runHostSync('git', args, { cwd: dir });
        git('init', '-q');
        git('add', '-A');
        git('-c', 'user.name=drydock', '-c', 'user.email=drydock@localhost', 'commit', '-qm', 'example');
        await fixCommand({
          repo: dir,
          issue: `${source}/ISSUE.md`,
          script: real ? undefined : `${source}/model-script.yaml`,
          candidates: 3,
          json: flags.json,
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      if (!real)
        say(`\n(The model's answers in this demo were SCRIPTED; examples/${flags.example} was not changed.)`);
    });
}
