import { DrydockError, WORKSPACE, workspaceRelative } from '../core/index.js';
import { LANGUAGE_SERVER_BIN, type Sandbox } from '../sandbox/index.js';
import { extOf } from './servers.js';

const EXCLUDE_DIRS = ['.git', 'node_modules', '.venv', 'venv', '__pycache__', 'dist', 'build', '.tox'];

function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function stem(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function escapeEre(s: string): string {
  return s.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&');
}

/** The name other files use to import `path`: the module (or package for __init__/index). */
export function importName(path: string): string | null {
  let name = stem(path);
  if (name === '__init__' || name === 'index') name = dirName(path).split('/').pop() ?? '';
  return /^[\w$-]+$/.test(name) ? name : null;
}

/**
 * Files of the repository that import any of `files`, found textually (grep in
 * the sandbox): Python `import`/`from` lines naming the module, JS/TS `from`,
 * `import(...)` and `require(...)` specifiers ending in it. An over-approximation
 * (a same-named module elsewhere matches too); the touched files themselves are left out.
 */
export async function findImporters(sandbox: Sandbox, files: string[], limit = 50): Promise<string[]> {
  const py = new Set<string>();
  const js = new Set<string>();
  for (const f of files) {
    const name = importName(f);
    if (!name) continue;
    if (['.py', '.pyi'].includes(extOf(f))) py.add(name);
    else js.add(name);
  }
  const found = new Set<string>();
  const exclude = EXCLUDE_DIRS.map((d) => `--exclude-dir=${d}`).join(' ');
  const runs: string[] = [];
  if (py.size) {
    const pats = [...py].map(
      (n) => `-e ${sq(`^[[:space:]]*(from|import)[[:space:]].*\\b${escapeEre(n)}\\b`)}`,
    );
    runs.push(`grep -rlE ${exclude} --include='*.py' --include='*.pyi' ${pats.join(' ')} . 2>/dev/null`);
  }
  if (js.size) {
    const pats = [...js].map(
      (n) => `-e ${sq(`(from|import|require)[[:space:](]*['"][^'"]*/${escapeEre(n)}(\\.[a-z]+)?/?['"]`)}`,
    );
    const incs = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs']
      .map((e) => `--include='*.${e}'`)
      .join(' ');
    runs.push(`grep -rlE ${exclude} ${incs} ${pats.join(' ')} . 2>/dev/null`);
  }
  if (runs.length === 0) return [];
  const r = await sandbox.exec(`${runs.join('; ')}; true`, {
    timeoutMs: 30_000,
    maxOutputBytes: 1024 * 1024,
  });
  const touched = new Set(files);
  for (const line of r.stdout.split('\n')) {
    const p = line.trim().replace(/^\.\//, '');
    if (p && !touched.has(p)) found.add(p);
  }
  return [...found].sort().slice(0, limit);
}

export interface MissingImportsReport {
  /** Diagnostics with rule reportMissingImports. */
  count: number;
  diagnostics: { file: string; line: number; message: string }[];
  pyrightVersion: string;
  filesAnalyzed: number;
}

/**
 * pyright's `reportMissingImports` count over the repository in the workspace (the
 * metric EnvBench uses for Python environments): the pinned pyright CLI with
 * `--outputjson`, no language-server session needed.
 */
export async function missingImports(
  sandbox: Sandbox,
  opts: { path?: string; timeoutMs?: number } = {},
): Promise<MissingImportsReport> {
  const target = opts.path ?? WORKSPACE;
  const r = await sandbox.exec(`${LANGUAGE_SERVER_BIN}/pyright --outputjson ${sq(target)}`, {
    cwd: WORKSPACE,
    timeoutMs: opts.timeoutMs ?? 600_000,
    maxOutputBytes: 256 * 1024 * 1024,
  });
  let parsed: {
    version?: string;
    generalDiagnostics?: {
      file: string;
      rule?: string;
      message: string;
      range?: { start: { line: number } };
    }[];
    summary?: { filesAnalyzed?: number };
  };
  try {
    parsed = JSON.parse(r.stdout) as typeof parsed;
  } catch {
    throw new DrydockError(
      `pyright did not print JSON (exit ${r.exitCode}${r.killedBy ? `, killed by ${r.killedBy}` : ''}): ${r.stderr.trim().slice(0, 300)}`,
      'run `drydock setup` to rebuild the language images',
      'PYRIGHT_FAILED',
    );
  }
  const diags = (parsed.generalDiagnostics ?? [])
    .filter((d) => d.rule === 'reportMissingImports')
    .map((d) => ({
      file: workspaceRelative(d.file),
      line: (d.range?.start.line ?? 0) + 1,
      message: d.message,
    }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return {
    count: diags.length,
    diagnostics: diags,
    pyrightVersion: parsed.version ?? 'unknown',
    filesAnalyzed: parsed.summary?.filesAnalyzed ?? 0,
  };
}
