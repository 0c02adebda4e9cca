import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DrydockError } from '../../core/index.js';
import { buildSymbolIndex, readWorkingTree, retrieve } from '../../code/index.js';

interface LocateOptions {
  repo: string;
  issue?: string;
  issueFile?: string;
  k: string;
  chunks: string;
  json?: boolean;
}

export function registerLocateCommand(program: Command): void {
  program
    .command('locate')
    .description(
      'rank the files and functions of a repository for an issue (BM25 over code-aware tokens, ' +
        'plus paths, symbols and stack frames the issue names); no model, no network',
    )
    .requiredOption('--repo <dir>', 'the root of a git working tree')
    .option('--issue <text>', 'the issue text')
    .option('--issue-file <file>', 'a file holding the issue text')
    .option('-k <n>', 'how many files to list', '10')
    .option('--chunks <n>', 'how many functions, classes or line windows to list', '10')
    .option('--json', 'print the result as one JSON object')
    .action(async (opts: LocateOptions) => {
      const issue = opts.issueFile ? readFileSync(opts.issueFile, 'utf8') : opts.issue;
      if (!issue?.trim()) {
        throw new DrydockError(
          'No issue text was given.',
          'Pass --issue "TEXT" or --issue-file FILE.',
          'NO_ISSUE',
        );
      }
      const index = await buildSymbolIndex(readWorkingTree(opts.repo));
      const result = retrieve(issue, index, { k: Number(opts.k) || 10, chunks: Number(opts.chunks) || 10 });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      process.stdout.write(`files (of ${index.files.length} indexed):\n`);
      result.files.forEach((f, i) =>
        process.stdout.write(
          `${String(i + 1).padStart(3)}. ${f.score.toFixed(3)}  ${f.path}  [${f.reasons.join(', ')}]\n`,
        ),
      );
      process.stdout.write('\nfunctions, classes and windows:\n');
      result.chunks.forEach((c, i) =>
        process.stdout.write(
          `${String(i + 1).padStart(3)}. ${c.score.toFixed(3)}  ${c.path}:${c.startLine}-${c.endLine}  ${c.symbol ?? '(module lines)'}\n`,
        ),
      );
    });
}
