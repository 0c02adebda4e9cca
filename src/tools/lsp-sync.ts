import type { DiagnosticsSession } from '../lsp/index.js';

/**
 * The language server's copy of an open file can be stale: `bash` (sed, a formatter, git
 * checkout) changes files behind the session's back. Before diagnostics or a reward, a file's
 * current text is sent when it differs from what the server has, so "before" means now.
 */
export async function syncOpenDocument(
  session: DiagnosticsSession,
  rel: string,
  text: string,
): Promise<void> {
  const client = session.clientFor(rel);
  if (client && client.isOpen(rel) && client.textOf(rel) !== text) await client.change(rel, text);
}
