import type { Diagnostic } from 'vscode-languageserver-protocol';

/** A diagnostic as drydock keeps it: the fields that matter, nothing server-private. */
export interface LspDiagnostic {
  /** 0-based line/character; characters are UTF-16 code units, as the servers count. */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  /** 1 error, 2 warning, 3 information, 4 hint. */
  severity: 1 | 2 | 3 | 4;
  code?: string;
  source?: string;
  message: string;
}

/** Diagnostics by file path relative to the workspace. */
export type DiagnosticsByFile = Record<string, LspDiagnostic[]>;

/** A published LSP diagnostic reduced to drydock's fields. */
export function fromLsp(d: Diagnostic): LspDiagnostic {
  const out: LspDiagnostic = {
    range: {
      start: { line: d.range.start.line, character: d.range.start.character },
      end: { line: d.range.end.line, character: d.range.end.character },
    },
    severity: (d.severity ?? 1) as 1 | 2 | 3 | 4,
    message: typeof d.message === 'string' ? d.message : d.message.value,
  };
  if (d.code !== undefined && d.code !== null && d.code !== '') out.code = String(d.code);
  if (d.source) out.source = d.source;
  return out;
}

export function compareDiagnostics(a: LspDiagnostic, b: LspDiagnostic): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    a.severity - b.severity ||
    (a.code ?? '').localeCompare(b.code ?? '') ||
    a.message.localeCompare(b.message)
  );
}
