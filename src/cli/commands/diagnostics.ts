import type { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DrydockError, WORKSPACE } from '../../core/index.js';
import {
  DiagnosticsSession,
  serverForFile,
  type DiagnosticsByFile,
  type LspDiagnostic,
} from '../../lsp/index.js';
import { imageRef, openSandbox, type Sandbox } from '../../sandbox/index.js';

const SKIP = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', 'dist', 'build']);
const MAX_FILES = 500;

/** Files under `dir` a language server handles, relative, sorted; stops at `max`. */
export function sourceFiles(dir: string, max = MAX_FILES): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= max) return;
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP.has(e.name)) walk(p);
      } else if (e.isFile() && serverForFile(p)) out.push(p);
    }
  };
  walk('');
  return out;
}

/** `python` when any of the files is Python, else `node`, unless the user chose. */
export function chooseImage(flag: string | undefined, files: string[]): string {
  if (flag !== undefined) {
    if (flag !== 'python' && flag !== 'node') {
      throw new DrydockError(`unknown image: ${flag}`, 'use --image python or --image node');
    }
    return imageRef(flag);
  }
  return imageRef(files.some((f) => /\.pyi?$/.test(f)) ? 'python' : 'node');
}

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];

export function formatDiagnostic(path: string, d: LspDiagnostic): string {
  const code = d.code ? ` [${d.code}]` : '';
  const msg = d.message.split('\n')[0];
  return `${path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${SEVERITY[d.severity]}${code} ${msg}`;
}

export function printDiagnostics(diags: DiagnosticsByFile, out: (s: string) => void): void {
  for (const [path, list] of Object.entries(diags))
    for (const d of list) out(`${formatDiagnostic(path, d)}\n`);
}

/** Opens a sandbox and a session, runs `fn`, always closes both. */
export async function withSession<T>(
  image: string,
  repo: string,
  fn: (s: DiagnosticsSession, sb: Sandbox) => Promise<T>,
  opts: ConstructorParameters<typeof DiagnosticsSession>[1] = {},
): Promise<T> {
  const sb = await openSandbox({ image, repo });
  const session = new DiagnosticsSession(sb, opts);
  try {
    return await fn(session, sb);
  } finally {
    await session.close().catch(() => undefined);
    await sb.close();
  }
}

export function registerDiagnosticsCommand(program: Command): void {
  program
    .command('diagnostics')
    .description(
      'copy a repository into a sandbox and print the diagnostics of pyright (Python) or ' +
        'typescript-language-server (TypeScript, JavaScript) for the given files, or for every source file',
    )
    .argument('[files...]', 'files relative to the repository (default: every .py/.ts/.js file, at most 500)')
    .requiredOption('--repo <path>', `the repository (copied into the sandbox at ${WORKSPACE})`)
    .option('--image <name>', 'python or node (default: python when a file is Python, else node)')
    .option('--json', 'print {diagnostics, settled, servers} as one JSON object')
    .action(async (files: string[], flags: { repo: string; image?: string; json?: boolean }) => {
      const targets = files.length > 0 ? files : sourceFiles(flags.repo);
      const unknown = targets.filter((f) => !serverForFile(f));
      if (unknown.length > 0) {
        throw new DrydockError(
          `no language server for ${unknown.join(', ')}`,
          'pass .py, .pyi, .ts, .tsx, .js, .jsx, .mjs or .cjs files',
        );
      }
      const result = await withSession(chooseImage(flags.image, targets), flags.repo, (s) =>
        s.diagnostics(targets),
      );
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      printDiagnostics(result.diagnostics, (s) => process.stdout.write(s));
      const all = Object.values(result.diagnostics).flat();
      process.stderr.write(
        `[drydock] ${all.filter((d) => d.severity === 1).length} error(s), ` +
          `${all.filter((d) => d.severity === 2).length} warning(s) in ${Object.keys(result.diagnostics).length} file(s)` +
          `${result.settled ? '' : ' (not settled: the servers were still publishing at the time bound)'}; ` +
          `${result.servers.map((s) => `${s.name} ${s.version}`).join(', ')}\n`,
      );
    });
}
