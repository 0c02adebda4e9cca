import { Command, CommanderError } from 'commander';
import { DrydockError } from '../core/index.js';
import { registerLocateCommand } from './commands/locate.js';
import { readFileSync } from 'node:fs';
import { registerDemoCommand } from './commands/demo.js';
import { registerFixCommand } from './commands/fix.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerSandboxCommand } from './commands/sandbox.js';
import { registerSetupCommand } from './commands/setup.js';
import { registerShowCommand } from './commands/show.js';
import { registerReportCommand } from './commands/report.js';
import { registerModelCommand } from './commands/model.js';
import { registerPolicyCommand } from './commands/policy.js';
import { registerDiagnosticsCommand } from './commands/diagnostics.js';
import { registerRewardCommand } from './commands/reward.js';
import { registerEvalCommand, registerRunBatchCommand } from './commands/eval.js';
import { registerEnvbenchCommand } from './commands/envbench.js';
import { registerGithubCommand } from './commands/github.js';
import { registerClusterCommand } from './commands/cluster.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command('drydock')
    .description(
      'An autonomous software-engineering agent: every command it runs goes through a ' +
        'guardrail policy and runs in a cgroup-limited Docker sandbox.',
    )
    .version(pkg.version)
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError('(run with --help for usage)');
  registerSetupCommand(program);
  registerDoctorCommand(program);
  registerDemoCommand(program);
  registerFixCommand(program);
  registerSandboxCommand(program);
  registerShowCommand(program);
  registerReportCommand(program);
  registerModelCommand(program);
  registerLocateCommand(program);
  registerPolicyCommand(program);
  registerDiagnosticsCommand(program);
  registerRewardCommand(program);
  registerEvalCommand(program);
  registerRunBatchCommand(program);
  registerEnvbenchCommand(program);
  registerGithubCommand(program);
  registerClusterCommand(program);
  return program;
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    const debug = argv.includes('--debug');
    if (err instanceof DrydockError) {
      process.stderr.write(`drydock: ${err.message}\n`);
      if (err.fix) process.stderr.write(`  fix: ${err.fix}\n`);
      if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
      return 1;
    }
    process.stderr.write(`drydock: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write('  (run again with --debug for a stack trace)\n');
    return 1;
  }
}
