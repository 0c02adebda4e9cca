import { DrydockError, WORKSPACE } from '../core/index.js';
import {
  buildSymbolIndex,
  isIndexablePath,
  MemoryAnalysisCache,
  type SourceFile,
  type SymbolIndex,
} from '../code/index.js';
import type { Sandbox } from '../sandbox/index.js';

const LIST_LIMIT = 64 * 1024 * 1024;

/**
 * The code layer's symbol index over the sandbox's working tree, so it sees the agent's own
 * edits. Each `current()` lists the files and their git blob ids in the sandbox, reads only
 * the files whose id changed since the last call, and rebuilds the index from cached
 * analyses (unchanged files are not parsed again). These are drydock's own read-only
 * commands (fixed text, no model input), so they do not go through the policy.
 */
export class SandboxSymbols {
  private readonly cache = new MemoryAnalysisCache();
  private readonly files = new Map<string, SourceFile>();
  private index: SymbolIndex | null = null;
  private key = '';

  constructor(private readonly sandbox: Sandbox) {}

  async current(): Promise<SymbolIndex> {
    const listed = await this.run('git ls-files -co --exclude-standard -z', undefined);
    const paths = listed
      .split('\0')
      .filter((p) => p !== '' && !p.includes('\n') && isIndexablePath(p))
      .sort();
    const hashes =
      paths.length === 0
        ? []
        : (await this.run('git hash-object --stdin-paths', `${paths.join('\n')}\n`)).trim().split('\n');
    if (hashes.length !== paths.length)
      throw new DrydockError(
        `git hash-object gave ${hashes.length} ids for ${paths.length} files in the sandbox`,
        undefined,
        'TOOLS_SYMBOLS',
      );
    const key = paths.map((p, i) => `${p}:${hashes[i]}`).join('\n');
    if (this.index && key === this.key) return this.index;

    const changed = paths.filter((p, i) => this.files.get(p)?.hash !== hashes[i]);
    const texts = changed.length === 0 ? [] : await this.readMany(changed);
    for (const [i, p] of changed.entries())
      this.files.set(p, { path: p, source: texts[i]!, hash: hashes[paths.indexOf(p)]! });
    const keep = new Set(paths);
    for (const p of [...this.files.keys()]) if (!keep.has(p)) this.files.delete(p);

    this.index = await buildSymbolIndex([...this.files.values()], { cache: this.cache });
    this.key = key;
    return this.index;
  }

  /** Files' texts in one call: one base64 line per file (safe for any bytes). */
  private async readMany(paths: string[]): Promise<string[]> {
    const out = await this.run(
      'while IFS= read -r f; do base64 -w0 -- "$f" 2>/dev/null; echo; done',
      `${paths.join('\n')}\n`,
    );
    const lines = out.split('\n');
    return paths.map((_, i) => Buffer.from(lines[i] ?? '', 'base64').toString('utf8'));
  }

  private async run(command: string, stdin: string | undefined): Promise<string> {
    const r = await this.sandbox.exec(command, {
      cwd: WORKSPACE,
      timeoutMs: 120_000,
      maxOutputBytes: LIST_LIMIT,
      ...(stdin !== undefined ? { stdin } : {}),
    });
    if (r.exitCode !== 0 || r.truncated)
      throw new DrydockError(
        `listing the repository's files in the sandbox failed: ${r.truncated ? 'output too large' : r.stderr.trim()}`,
        `the repository at ${WORKSPACE} needs git`,
        'TOOLS_SYMBOLS',
      );
    return r.stdout;
  }
}
