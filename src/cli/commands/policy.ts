import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { DEFAULT_POLICY_PATH, PolicyEngine, type PolicyDecision } from '../../policy/index.js';
import { WORKSPACE } from '../../core/index.js';

const EXIT: Record<PolicyDecision['decision'], number> = { allow: 0, ask: 3, deny: 4 };

interface CheckOptions {
  policy: string[];
  json?: boolean;
  stdin?: boolean;
  unattended?: boolean;
  default: boolean;
  workspace?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function printText(command: string, d: PolicyDecision): void {
  process.stdout.write(`${d.decision}  ${d.rule}  ${d.reason}\n`);
  if (d.parts.length > 1) {
    for (const p of d.parts)
      process.stdout.write(`  ${p.decision.padEnd(5)} ${p.rule.padEnd(28)} ${p.part.replace(/\s+/g, ' ')}\n`);
  }
  if (command.trim() === '') process.stdout.write('  (empty command)\n');
}

/**
 * One word is a command line as is (`-- 'ls && rm x'`); several words are the
 * argv your shell already split, so each is quoted back where it needs it.
 */
function commandLine(words: string[]): string {
  if (words.length === 1) return words[0]!;
  return words
    .map((w) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

export function registerPolicyCommand(program: Command): void {
  const policy = program
    .command('policy')
    .description('check commands against the guardrail policy, and test policy files');

  policy
    .command('check')
    .description(
      'decide a shell command line: prints allow, ask or deny with the rule and reason; ' +
        'exit code 0 allow, 3 ask, 4 deny (with --stdin: one command per line, exit 0)',
    )
    .argument(
      '[command...]',
      'the command line after --: one quoted string as is, or several words (re-quoted)',
    )
    .option(
      '--policy <file>',
      'a policy file on top of the built-in one (repeatable; tier from the file, default project)',
      collect,
      [],
    )
    .option('--no-default', 'do not load the built-in policies/default.yaml')
    .option(
      '--json',
      'print JSON: {command, decision, rule, reason, parts}; with --stdin one object per line',
    )
    .option('--stdin', 'read one command per line from standard input')
    .option('--unattended', 'decide as an unattended run does: ask becomes deny')
    .option('--workspace <dir>', `the workspace inside the sandbox (default ${WORKSPACE})`)
    .action(async (words: string[], options: CheckOptions) => {
      const engine = await PolicyEngine.create({
        files: options.policy,
        builtin: options.default,
        unattended: options.unattended === true,
        ...(options.workspace ? { workspace: { workspace: options.workspace } } : {}),
      });
      if (options.stdin) {
        const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
        for await (const line of lines) {
          const d = engine.check(line);
          if (options.json) {
            process.stdout.write(
              `${JSON.stringify({ command: line, decision: d.decision, rule: d.rule, reason: d.reason })}\n`,
            );
          } else printText(line, d);
        }
        process.exitCode = 0;
        return;
      }
      const command = commandLine(words);
      const d = engine.check(command);
      if (options.json) process.stdout.write(`${JSON.stringify({ command, ...d })}\n`);
      else printText(command, d);
      process.exitCode = EXIT[d.decision];
    });

  policy
    .command('test')
    .description(
      "run a policy file's match/not_match examples (default: the built-in policy); exit 1 if any fails",
    )
    .argument('[file]', 'the policy file', DEFAULT_POLICY_PATH)
    .action(async (file: string) => {
      const engine = await PolicyEngine.create({ files: [file], builtin: false, checkExamples: false });
      const failures = engine.exampleFailures();
      const total = engine.rules.reduce(
        (n, r) => n + (r.spec.match?.length ?? 0) + (r.spec.not_match?.length ?? 0),
        0,
      );
      for (const f of failures) {
        const what = f.expected === 'match' ? 'should match but does not' : 'should not match but does';
        process.stdout.write(`FAIL ${f.file}: rule '${f.rule}': \`${f.example}\` ${what}\n`);
      }
      process.stdout.write(
        `${file}: ${engine.rules.length} rules, ${total - failures.length}/${total} examples pass\n`,
      );
      process.exitCode = failures.length === 0 ? 0 : 1;
    });
}
