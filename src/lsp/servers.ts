import { createHash } from 'node:crypto';
import type { LspDiagnostic } from './diagnostic.js';
import { LANGUAGE_SERVER_BIN, LANGUAGE_SERVERS } from '../sandbox/index.js';

export type ServerName = 'pyright' | 'typescript-language-server';

/** How one pinned language server is started and configured inside a sandbox. */
export interface ServerSpec {
  name: ServerName;
  /** Pinned version (src/sandbox/image-spec.ts LANGUAGE_SERVERS), plus TypeScript's for the TS server. */
  version: string;
  argv: string[];
  initializationOptions: Record<string, unknown>;
  /** Answers to `workspace/configuration`, by section. */
  settings: Record<string, unknown>;
  /** Extensions this server handles. */
  extensions: string[];
  /** Default quiet period (ms) after the last publish before diagnostics count as settled. */
  quietMs: number;
  /**
   * Replace a document's text with didClose + didOpen instead of didChange.
   * pyright treats didChange as typing and waits 250 ms after it before analysing
   * (its analyzer's user-interaction back-off); didOpen is analysed after 5 ms.
   * drydock's edits are whole-file replacements, not keystrokes.
   */
  replaceByReopen?: boolean;
  /**
   * `tsserver`: ask tsserver for a file's diagnostics through the server's
   * `typescript.tsserverRequest` command instead of waiting for pushes, which
   * typescript-language-server delays by at least 300 ms after an edit.
   */
  pull?: 'tsserver';
  /** A diagnostic that means the file does not parse. */
  isSyntaxError(d: LspDiagnostic): boolean;
}

/** The identity a reward records: same name, version and hash => same diagnostics for the same files. */
export interface ServerIdentity {
  name: ServerName;
  version: string;
  configHash: string;
  /** What the server said about itself in `initialize` (when it says). */
  serverInfo?: { name: string; version?: string };
}

const PYRIGHT_ANALYSIS = {
  typeCheckingMode: 'standard',
  diagnosticMode: 'openFilesOnly',
  autoSearchPaths: true,
  useLibraryCodeForTypes: true,
  autoImportCompletions: false,
};

export const PYRIGHT: ServerSpec = {
  name: 'pyright',
  version: LANGUAGE_SERVERS.pyright,
  argv: [`${LANGUAGE_SERVER_BIN}/pyright-langserver`, '--stdio'],
  initializationOptions: {},
  settings: {
    python: { pythonPath: '/usr/bin/python3', analysis: PYRIGHT_ANALYSIS },
    'python.analysis': PYRIGHT_ANALYSIS,
    pyright: { disableOrganizeImports: true },
  },
  extensions: ['.py', '.pyi'],
  // pyright also reports the start and end of its analysis passes (tracked by the client).
  quietMs: 50,
  replaceByReopen: true,
  // pyright's parser errors are the only error-level diagnostics without a rule.
  isSyntaxError: (d) => d.severity === 1 && d.code === undefined,
};

export const TYPESCRIPT: ServerSpec = {
  name: 'typescript-language-server',
  version: `${LANGUAGE_SERVERS['typescript-language-server']}+typescript-${LANGUAGE_SERVERS.typescript}`,
  argv: [`${LANGUAGE_SERVER_BIN}/typescript-language-server`, '--stdio'],
  initializationOptions: {
    // Pinned: never the repository's own node_modules/typescript.
    tsserver: { path: '/opt/drydock/lsp/node_modules/typescript/lib/tsserver.js' },
    preferences: {},
    disableAutomaticTypingAcquisition: true,
  },
  settings: {},
  extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'],
  // It publishes a file's syntactic and semantic diagnostics as they come, debounced by 50 ms.
  quietMs: 120,
  pull: 'tsserver',
  // TS1xxx are the scanner's and parser's diagnostics.
  isSyntaxError: (d) => d.severity === 1 && /^1\d{3}$/.test(d.code ?? ''),
};

export const SERVERS: Record<ServerName, ServerSpec> = {
  pyright: PYRIGHT,
  'typescript-language-server': TYPESCRIPT,
};

export function serverForFile(path: string): ServerSpec | null {
  const ext = extOf(path);
  for (const s of Object.values(SERVERS)) if (s.extensions.includes(ext)) return s;
  return null;
}

export function extOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}

export function languageId(path: string): string {
  switch (extOf(path)) {
    case '.py':
    case '.pyi':
      return 'python';
    case '.ts':
    case '.mts':
    case '.cts':
      return 'typescript';
    case '.tsx':
      return 'typescriptreact';
    case '.jsx':
      return 'javascriptreact';
    default:
      return 'javascript';
  }
}

export function configHash(spec: ServerSpec): string {
  const canonical = JSON.stringify({
    name: spec.name,
    version: spec.version,
    argv: spec.argv,
    initializationOptions: spec.initializationOptions,
    settings: spec.settings,
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
