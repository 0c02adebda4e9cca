import type { MessageConnection } from 'vscode-jsonrpc/node.js';
import { compareDiagnostics, type LspDiagnostic } from './diagnostic.js';
import { withTimeout } from './timeout.js';
import { toUri } from './uri.js';

/**
 * typescript-language-server's quirk: it pushes diagnostics late and unordered
 * with the edits, so drydock asks tsserver directly instead (its
 * `typescript.tsserverRequest` command, syntactic + semantic, synchronous).
 */

interface TsserverDiagnostic {
  start: { line: number; offset: number };
  end: { line: number; offset: number };
  text: string;
  code?: number;
  category: string;
  source?: string;
}

interface TsserverResponse {
  success?: boolean;
  body?: TsserverDiagnostic[];
}

const TS_SEVERITY: Record<string, 1 | 2 | 3 | 4> = { error: 1, warning: 2, message: 3, suggestion: 4 };

/** tsserver's 1-based line/offset (UTF-16) to LSP's 0-based positions. */
export function fromTsserver(d: TsserverDiagnostic): LspDiagnostic {
  const out: LspDiagnostic = {
    range: {
      start: { line: d.start.line - 1, character: d.start.offset - 1 },
      end: { line: d.end.line - 1, character: d.end.offset - 1 },
    },
    severity: TS_SEVERITY[d.category] ?? 1,
    source: d.source ?? 'typescript',
    message: d.text,
  };
  if (d.code !== undefined) out.code = String(d.code);
  return out;
}

/** One open file's syntactic and semantic diagnostics, pulled from tsserver and sorted. */
export async function pullTsserverDiagnostics(
  conn: MessageConnection,
  rel: string,
  timeoutMs: number,
  serverName: string,
): Promise<LspDiagnostic[]> {
  const out: LspDiagnostic[] = [];
  for (const command of ['syntacticDiagnosticsSync', 'semanticDiagnosticsSync']) {
    const res = await withTimeout(
      conn.sendRequest<TsserverResponse | undefined>('workspace/executeCommand', {
        command: 'typescript.tsserverRequest',
        arguments: [command, { file: toUri(rel) }],
      }),
      timeoutMs,
      `${serverName} ${command}`,
    );
    for (const d of res?.body ?? []) out.push(fromTsserver(d));
  }
  return out.sort(compareDiagnostics);
}
