import { z } from 'zod';
import { WORKSPACE, renderPrompt } from '../core/index.js';
import { serverForFile, type LspDiagnostic } from '../lsp/index.js';
import { readForModel } from './files.js';
import { syncOpenDocument } from './lsp-sync.js';
import { defineTool, sandboxPath, shownPath } from './tool.js';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' } as const;

const schema = z
  .object({
    paths: z
      .array(z.string().min(1))
      .min(1)
      .max(50)
      .describe(`Files to check, relative to the repository root (${WORKSPACE}): .py, .ts, .js and similar.`),
  })
  .strict();

function diagnosticLine(path: string, d: LspDiagnostic): string {
  const code = d.code !== undefined ? ` [${d.code}]` : '';
  return `${path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${SEVERITY[d.severity]}${code} ${d.message}`;
}

/** The language servers' diagnostics (pyright, TypeScript) for files, as they are now. */
export const diagnosticsTool = defineTool({
  name: 'diagnostics',
  description:
    'Errors and warnings from the language servers (pyright for Python, TypeScript for TS/JS) for the given files, as path:line:column: severity [code] message.',
  schema,
  actions: (a) => a.paths.map((p) => ({ kind: 'read' as const, path: sandboxPath(p) })),
  describe: (a) => `diagnostics for ${a.paths.join(', ')}`,
  async execute(a, ctx) {
    const session = ctx.diagnostics!;
    const paths = [...new Set(a.paths.map((p) => shownPath(sandboxPath(p))))];
    const served = paths.filter((p) => serverForFile(p) !== null);
    const unserved = paths.filter((p) => serverForFile(p) === null);
    const lines: string[] = [];
    if (unserved.length > 0) lines.push(renderPrompt('tools/no-diagnostics', { paths: unserved.join(', ') }));
    if (served.length > 0) {
      for (const p of served) {
        if (!session.clientFor(p)?.isOpen(p)) continue;
        const read = await readForModel(ctx.sandbox, sandboxPath(p), 'diagnostics');
        if (read.ok) await syncOpenDocument(session, p, read.text);
      }
      const r = await session.diagnostics(served);
      for (const p of served) {
        const ds = (r.diagnostics[p] ?? []).filter((d) => d.severity <= 2);
        lines.push(
          ds.length === 0 ? `${p}: no errors or warnings` : ds.map((d) => diagnosticLine(p, d)).join('\n'),
        );
      }
      if (!r.settled) lines.push('[the language server had not settled: these may be incomplete]');
    }
    return { text: lines.join('\n'), isError: false };
  },
});
