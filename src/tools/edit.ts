import { z } from 'zod';
import { applySearchReplace, checkEditSyntax } from '../code/index.js';
import { serverForFile, type ProcessReward } from '../lsp/index.js';
import { SandboxClosedError, SandboxGoneError, shellQuote, type Sandbox } from '../sandbox/index.js';
import { DrydockError, WORKSPACE, renderPrompt } from '../core/index.js';
import { readForModel } from './files.js';
import { syncOpenDocument } from './lsp-sync.js';
import { defineTool, sandboxPath, shownPath } from './tool.js';

/** Diff lines shown in the observation; the full diff is in the sandbox (`git diff`). */
export const EDIT_DIFF_LINES = 60;

const schema = z
  .object({
    path: z
      .string()
      .min(1)
      .describe(`File to edit, relative to the repository root (${WORKSPACE}) or absolute.`),
    search: z
      .string()
      .describe(
        'Text copied exactly from the file, enough lines to occur only once. Empty only to create a new (or fill an empty) file.',
      ),
    replace: z.string().describe('The text that takes its place.'),
  })
  .strict();

function shortDiff(diff: string): string {
  const lines = diff.replace(/\n$/, '').split('\n');
  if (lines.length <= EDIT_DIFF_LINES) return lines.join('\n');
  return `${lines.slice(0, EDIT_DIFF_LINES).join('\n')}\n[diff cut: ${lines.length - EDIT_DIFF_LINES} more lines; run \`git diff\` to see all]`;
}

function rewardText(r: ProcessReward): string {
  return (
    `Process reward ${r.reward} (errors in the touched files and their importers: ${r.dBefore} before, ${r.dAfter} after; ` +
    `S=${r.s} exact and parses, c=${r.c} match confidence${r.settled ? '' : '; the language server had not settled'})`
  );
}

/**
 * One SEARCH/REPLACE edit through the code layer: the SEARCH text must match once (exactly,
 * or with the code layer's whitespace tolerances, whose confidence is reported); an edit that
 * adds syntax errors is refused; with a language server attached, the process reward of the
 * edit is computed as it is written.
 */
export const editTool = defineTool({
  name: 'edit',
  description:
    'Replace one occurrence of `search` in a file with `replace` (SEARCH/REPLACE). `search` must be copied from the file and occur once. ' +
    'An empty `search` creates a new file. Edits that would add syntax errors are refused. Shows the diff.',
  schema,
  actions: (a) => [{ kind: 'edit', path: sandboxPath(a.path) }],
  describe: (a) => `edit ${a.path}`,
  async execute(a, ctx) {
    const abs = sandboxPath(a.path);
    const path = shownPath(abs);
    let before = '';
    if (a.search !== '' || !(await missing(ctx.sandbox, abs))) {
      const read = await readForModel(ctx.sandbox, abs, 'edit');
      if (!read.ok) return { text: read.observation, isError: true };
      before = read.text;
    }
    const outcome = applySearchReplace(before, [{ search: a.search, replace: a.replace }], { path });
    if (!outcome.ok)
      return {
        text: renderPrompt('tools/edit-failed', {
          path,
          message: outcome.error.message,
          fix: outcome.error.fix ?? '',
        }),
        isError: true,
      };
    if (outcome.diff === '')
      return {
        text: `The edit of ${path} changed nothing: the REPLACE text equals the SEARCH text.`,
        isError: true,
      };

    const syntax = await checkEditSyntax(path, before, outcome.newSource);
    if (syntax.ok === false && ctx.rejectSyntaxErrors)
      return {
        text: renderPrompt('tools/edit-syntax', {
          path,
          before: syntax.before,
          after: syntax.after,
          problems: syntax.problems
            .slice(0, 10)
            .map(
              (p) =>
                `- line ${p.line}, column ${p.column}: ${p.kind === 'missing' ? `missing ${p.text}` : `unexpected \`${p.text}\``}`,
            )
            .join('\n'),
        }),
        isError: true,
      };

    const parses = syntax.ok !== false;
    let reward: ProcessReward | undefined;
    let noReward: string | undefined;
    if (ctx.diagnostics && serverForFile(path)) {
      try {
        await syncOpenDocument(ctx.diagnostics, path, before);
        const r = await ctx.diagnostics.reward(
          { files: [{ path: abs, content: outcome.newSource }] },
          { appliedExactly: outcome.exact, parses, confidence: outcome.confidence },
        );
        reward = r.reward;
      } catch (err) {
        // A language server that crashed or timed out costs the reward, not the edit.
        if (
          err instanceof SandboxGoneError ||
          err instanceof SandboxClosedError ||
          !(err instanceof DrydockError)
        )
          throw err;
        noReward = err.message;
        await ctx.sandbox.writeFile(abs, outcome.newSource);
      }
    } else {
      await ctx.sandbox.writeFile(abs, outcome.newSource);
    }

    const how = outcome.exact
      ? 'exact match'
      : `fuzzy match (${outcome.matches.map((m) => m.strategy).join(', ')}; confidence ${outcome.confidence}): check the result`;
    const lines = [`Edited ${path} (${how}).`, shortDiff(outcome.diff)];
    if (syntax.ok === false)
      lines.push(`Warning: the file now has ${syntax.after} syntax errors (${syntax.before} before).`);
    if (reward) lines.push(rewardText(reward));
    if (noReward) lines.push(`(No process reward for this edit: ${noReward})`);
    return { text: lines.join('\n'), isError: false, ...(reward ? { reward } : {}) };
  },
});

async function missing(sandbox: Sandbox, abs: string): Promise<boolean> {
  const r = await sandbox.exec(`test -e ${shellQuote(abs)}`, { timeoutMs: 10_000 });
  return r.exitCode !== 0;
}
