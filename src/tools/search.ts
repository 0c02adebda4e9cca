import { z } from 'zod';
import type { Definition } from '../code/index.js';
import { WORKSPACE } from '../core/index.js';
import { shellQuote } from '../sandbox/index.js';
import { cutNotes } from './exec-text.js';
import { defineTool, type ToolContext, type ToolOutcome } from './tool.js';

/** Matching lines rg prints per file; the whole answer is cut by the toolbox too. */
export const SEARCH_MAX_PER_FILE = 50;
export const SYMBOL_MAX_RESULTS = 50;

const schema = z
  .object({
    query: z
      .string()
      .min(1)
      .describe('Text to find (mode text), or a symbol name: `total`, `Invoice.total` (mode symbol).'),
    mode: z
      .enum(['text', 'symbol'])
      .default('text')
      .describe(
        'text: lines containing the query (ripgrep); symbol: where a function, class or method is defined.',
      ),
    path: z
      .string()
      .optional()
      .describe('Text mode: a folder or file to search in (default: the whole repository).'),
    regex: z
      .boolean()
      .default(false)
      .describe('Text mode: the query is a regular expression, not plain text.'),
    references: z.boolean().default(false).describe('Symbol mode: also list the lines that use the symbol.'),
  })
  .strict();

type SearchArgs = z.infer<typeof schema>;

/** The ripgrep command a text search runs; the policy checks this text like any bash command. */
export function rgCommand(a: SearchArgs): string {
  const flags = [
    '-n',
    '--no-heading',
    '--color',
    'never',
    '-m',
    String(SEARCH_MAX_PER_FILE),
    '-M',
    '300',
    '--max-columns-preview',
  ];
  if (!a.regex) flags.push('-F');
  return `rg ${flags.join(' ')} -e ${shellQuote(a.query)} -- ${shellQuote(a.path ?? '.')}`;
}

/** Text search with ripgrep in the sandbox, and symbol search in the code layer's index. */
export const searchTool = defineTool({
  name: 'search',
  description:
    'Search the repository. mode "text" (default): lines containing the query, as path:line:text (ripgrep; plain text unless regex is true). ' +
    'mode "symbol": where a function, class or method of that name is defined (and, with references, where it is used).',
  schema,
  actions: (a) => (a.mode === 'text' ? [{ kind: 'shell', command: rgCommand(a) }] : []),
  describe: (a) => (a.mode === 'text' ? `\`${rgCommand(a)}\`` : `symbol search for ${a.query}`),
  execute: (a, ctx) => (a.mode === 'text' ? textSearch(a, ctx) : symbolSearch(a, ctx)),
});

async function textSearch(a: SearchArgs, ctx: ToolContext): Promise<ToolOutcome> {
  const r = await ctx.sandbox.exec(rgCommand(a), { ...ctx.limits, cwd: WORKSPACE, env: ctx.env });
  if (r.exitCode === 1 && r.stderr.trim() === '')
    return {
      text: `No matches for ${JSON.stringify(a.query)}${a.path ? ` in ${a.path}` : ''}.`,
      isError: false,
      exec: r,
      limits: ctx.limits,
    };
  if (r.exitCode !== 0 && r.exitCode !== 1)
    return {
      text: `Error: the search failed (exit code ${r.exitCode}):\n${r.stderr.trim()}`,
      isError: true,
      exec: r,
      limits: ctx.limits,
    };
  const hits = r.stdout.replace(/\n$/, '').split('\n').filter(Boolean);
  const head = `${hits.length} matching lines (at most ${SEARCH_MAX_PER_FILE} per file):`;
  return {
    text: [head, r.stdout.replace(/\n$/, ''), ...cutNotes(r)].join('\n'),
    isError: false,
    exec: r,
    limits: ctx.limits,
  };
}

function definitionLine(d: Definition): string {
  return `${d.path}:${d.symbol.startLine}-${d.symbol.endLine} ${d.symbol.kind} ${d.symbol.qualifiedName}: ${d.symbol.signature}`;
}

async function symbolSearch(a: SearchArgs, ctx: ToolContext): Promise<ToolOutcome> {
  const index = await ctx.symbols.current();
  const defs = index.definitions(a.query);
  const lines: string[] = [];
  if (defs.length === 0)
    lines.push(
      `No definition of ${JSON.stringify(a.query)} found (Python, JavaScript and TypeScript files are indexed).`,
    );
  else {
    lines.push(`${defs.length} definition${defs.length === 1 ? '' : 's'} of ${a.query}:`);
    lines.push(...defs.slice(0, SYMBOL_MAX_RESULTS).map(definitionLine));
    if (defs.length > SYMBOL_MAX_RESULTS)
      lines.push(`[${defs.length - SYMBOL_MAX_RESULTS} more definitions not shown]`);
  }
  if (a.references) {
    const refs = await index.references(a.query);
    lines.push(
      refs.length === 0 ? 'No references found.' : `${refs.length} reference${refs.length === 1 ? '' : 's'}:`,
    );
    lines.push(...refs.slice(0, SYMBOL_MAX_RESULTS).map((r) => `${r.path}:${r.line}: ${r.text}`));
    if (refs.length > SYMBOL_MAX_RESULTS)
      lines.push(`[${refs.length - SYMBOL_MAX_RESULTS} more references not shown]`);
  }
  return { text: lines.join('\n'), isError: false };
}
