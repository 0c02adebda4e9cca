import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { DrydockError, WORKSPACE } from '../../core/index.js';
import { parseUnifiedDiff, serverForFile } from '../../lsp/index.js';
import { chooseImage, printDiagnostics, withSession } from './diagnostics.js';

interface RewardFlags {
  repo: string;
  patch: string;
  image?: string;
  json?: boolean;
  alpha: string;
  beta: string;
  gamma: string;
}

function weight(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new DrydockError(`--${name} must be a number, got ${v}`);
  return n;
}

export function registerRewardCommand(program: Command): void {
  program
    .command('reward')
    .description(
      'apply a unified diff with `git apply` in a sandbox holding a copy of the repository and print the ' +
        'language-server diagnostics before and after it, their delta and the process reward ' +
        'r = alpha(D_before - D_after) + beta*S - gamma*(1 - c)',
    )
    .requiredOption(
      '--repo <path>',
      `the repository (copied into the sandbox at ${WORKSPACE}; left untouched)`,
    )
    .requiredOption('--patch <file>', 'a unified diff (paths a/... b/..., as git diff writes them)')
    .option('--image <name>', 'python or node (default: python when the patch touches Python, else node)')
    .option('--alpha <w>', 'weight of the change in error count', '0.5')
    .option('--beta <w>', 'weight of S (applied cleanly and still parses)', '0.4')
    .option('--gamma <w>', 'weight of 1 - c (location confidence; 1 for a patch that applied)', '0.1')
    .option('--json', 'print {before, after, delta, reward, server} as one JSON object')
    .action(async (flags: RewardFlags) => {
      let patch: string;
      try {
        patch = readFileSync(flags.patch, 'utf8');
      } catch (err) {
        throw new DrydockError(`cannot read ${flags.patch}: ${(err as Error).message}`);
      }
      const touched = Object.keys(parseUnifiedDiff(patch).files);
      if (touched.length === 0 && parseUnifiedDiff(patch).deleted.length === 0) {
        throw new DrydockError(`${flags.patch} holds no unified diff`, 'make one with `git diff`');
      }
      const weights = {
        alpha: weight('alpha', flags.alpha),
        beta: weight('beta', flags.beta),
        gamma: weight('gamma', flags.gamma),
      };
      const served = touched.filter((f) => serverForFile(f));
      const r = await withSession(chooseImage(flags.image, served), flags.repo, (s) => s.reward({ patch }), {
        weights,
      });
      if (flags.json) {
        const { before, after, delta, reward, server } = r;
        process.stdout.write(`${JSON.stringify({ before, after, delta, reward, server })}\n`);
        return;
      }
      const out = (s: string): void => void process.stdout.write(s);
      out(`before (${r.reward.dBefore} error(s) in ${r.reward.files.join(', ')}):\n`);
      printDiagnostics(r.before, (s) => out(`  ${s}`));
      if (!r.applied.applied) out(`patch did not apply: ${r.applied.error}\n`);
      out(`after (${r.reward.dAfter} error(s)):\n`);
      printDiagnostics(r.after, (s) => out(`  ${s}`));
      const t = r.delta.totals;
      out(
        `delta: ${t.newErrors} new / ${t.fixedErrors} fixed error(s), ` +
          `${t.newWarnings} new / ${t.fixedWarnings} fixed warning(s)\n`,
      );
      out(
        `reward: ${r.reward.reward} = ${r.reward.weights.alpha}*(${r.reward.dBefore}-${r.reward.dAfter}) + ` +
          `${r.reward.weights.beta}*${r.reward.s} - ${r.reward.weights.gamma}*(1-${r.reward.c})` +
          `${r.reward.settled ? '' : ' (diagnostics not settled within the time bound)'}\n`,
      );
      out(`server: ${r.server.name} ${r.server.version} config ${r.server.configHash}\n`);
    });
}
