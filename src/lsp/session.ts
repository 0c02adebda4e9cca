import { DrydockError, WORKSPACE, workspacePath } from '../core/index.js';
import type { Sandbox } from '../sandbox/index.js';
import { LspClient, type LspClientOptions } from './client.js';
import type { DiagnosticsByFile } from './diagnostic.js';
import { relPath } from './uri.js';
import {
  diagnosticsDelta,
  hunksOf,
  parseUnifiedDiff,
  type DiagnosticsDelta,
  type EditShape,
} from './delta.js';
import { findImporters } from './imports.js';
import { processReward, type EditSafety, type ProcessReward, type RewardWeights } from './reward.js';
import { serverForFile, type ServerIdentity, type ServerName, type ServerSpec } from './servers.js';

export interface SessionOptions extends LspClientOptions {
  weights?: Partial<RewardWeights>;
  /** Count errors in files importing the touched ones too (default true). */
  includeImporters?: boolean;
}

/** An edit as the tools layer has it: whole new contents (null deletes), or a unified diff. */
export type Edit = { files: { path: string; content: string | null }[] } | { patch: string };

export interface DiagnosticsResult {
  diagnostics: DiagnosticsByFile;
  settled: boolean;
  servers: ServerIdentity[];
}

export interface AppliedEdit {
  applied: boolean;
  /** Why a patch did not apply. */
  error?: string;
  shape: EditShape;
  touched: string[];
  deleted: string[];
}

export interface RewardResult {
  before: DiagnosticsByFile;
  after: DiagnosticsByFile;
  delta: DiagnosticsDelta;
  reward: ProcessReward;
  server: ServerIdentity;
  applied: AppliedEdit;
}

function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Language-server diagnostics over a sandbox's workspace: one client per server
 * kind, started on first use, kept warm across edits. What the tools layer and
 * the controller hold.
 */
export class DiagnosticsSession {
  private readonly clients = new Map<ServerName, LspClient>();

  constructor(
    readonly sandbox: Sandbox,
    readonly opts: SessionOptions = {},
  ) {}

  /** The client for a server kind, started lazily. */
  client(spec: ServerSpec): LspClient {
    let c = this.clients.get(spec.name);
    if (!c) {
      c = new LspClient(this.sandbox, spec, this.opts);
      this.clients.set(spec.name, c);
    }
    return c;
  }

  clientFor(path: string): LspClient | null {
    const spec = serverForFile(path);
    return spec ? this.client(spec) : null;
  }

  get servers(): ServerIdentity[] {
    return [...this.clients.values()].map((c) => c.identity);
  }

  /** Opens files (paths relative to the workspace) with their current contents in the sandbox. */
  async open(files: string[]): Promise<void> {
    const rels = [...new Set(files.map(relPath))];
    const todo = rels.filter((f) => {
      const c = this.clientFor(f);
      return c !== null && !c.isOpen(f);
    });
    const texts = await this.readMany(todo);
    for (const f of todo) {
      const text = texts.get(f);
      if (text === undefined) continue;
      await this.clientFor(f)!.open(f, text);
    }
  }

  /** Current contents of files in the sandbox; missing ones are left out. */
  private async readMany(files: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const f of files) {
      try {
        out.set(f, await this.sandbox.readFile(workspacePath(f)));
      } catch {
        // Missing (deleted, or never there): nothing to open.
      }
    }
    return out;
  }

  /** Settled diagnostics for `files` (opened first when needed). */
  async diagnostics(files: string[]): Promise<DiagnosticsResult> {
    const rels = [...new Set(files.map(relPath))].sort();
    await this.open(rels);
    const byClient = new Map<LspClient, string[]>();
    for (const f of rels) {
      const c = this.clientFor(f);
      if (!c) continue;
      byClient.set(c, [...(byClient.get(c) ?? []), f]);
    }
    const results = await Promise.all([...byClient].map(([c, fs]) => c.waitForDiagnostics(fs)));
    const diagnostics: DiagnosticsByFile = {};
    for (const r of results) Object.assign(diagnostics, r.diagnostics);
    const sorted: DiagnosticsByFile = {};
    for (const k of Object.keys(diagnostics).sort()) sorted[k] = diagnostics[k]!;
    return {
      diagnostics: sorted,
      settled: results.every((r) => r.settled),
      servers: [...byClient.keys()].map((c) => c.identity),
    };
  }

  /** The files an edit would touch, without applying it. */
  touchedBy(edit: Edit): { touched: string[]; deleted: string[] } {
    if ('patch' in edit) {
      const p = parseUnifiedDiff(edit.patch);
      return { touched: Object.keys(p.files).sort(), deleted: p.deleted.sort() };
    }
    return {
      touched: edit.files.filter((f) => f.content !== null).map((f) => relPath(f.path)),
      deleted: edit.files.filter((f) => f.content === null).map((f) => relPath(f.path)),
    };
  }

  /** Applies an edit in the sandbox and tells the servers; a patch goes through `git apply`. */
  async applyEdit(edit: Edit): Promise<AppliedEdit> {
    const { touched, deleted } = this.touchedBy(edit);
    let shape: EditShape = { files: {} };
    if ('patch' in edit) {
      const r = await this.sandbox.exec('git apply --whitespace=nowarn -', {
        stdin: edit.patch,
        cwd: WORKSPACE,
        timeoutMs: 60_000,
      });
      if (r.exitCode !== 0) {
        return {
          applied: false,
          error: r.stderr.trim() || `git apply exited ${r.exitCode}`,
          shape,
          touched,
          deleted,
        };
      }
      shape = { files: parseUnifiedDiff(edit.patch).files };
      const texts = await this.readMany(touched);
      await this.sync(texts, deleted);
    } else {
      const texts = new Map<string, string>();
      const writes: Promise<void>[] = [];
      for (const f of edit.files) {
        const rel = relPath(f.path);
        if (f.content === null) {
          await this.sandbox.exec(`rm -f -- ${sq(workspacePath(rel))}`, { timeoutMs: 30_000 });
          continue;
        }
        const old =
          this.clientFor(rel)?.textOf(rel) ??
          (await this.sandbox.readFile(workspacePath(rel)).catch(() => ''));
        shape.files[rel] = hunksOf(old, f.content);
        writes.push(this.sandbox.writeFile(workspacePath(rel), f.content));
        texts.set(rel, f.content);
      }
      // Open documents are analysed from the text sent, so the disk write runs alongside.
      await Promise.all([...writes, this.sync(texts, deleted)]);
    }
    return { applied: true, shape, touched, deleted };
  }

  private async sync(texts: Map<string, string>, deleted: string[]): Promise<void> {
    const perClient = new Map<LspClient, { path: string; type: 1 | 2 | 3 }[]>();
    for (const [f, text] of texts) {
      const c = this.clientFor(f);
      if (!c) continue;
      const created = !c.isOpen(f);
      await c.change(f, text);
      // Changes to open documents travel as didChange; only new files are announced.
      if (created) perClient.set(c, [...(perClient.get(c) ?? []), { path: f, type: 1 }]);
    }
    for (const f of deleted) {
      const c = this.clientFor(f);
      if (!c) continue;
      await c.closeDocument(f);
      perClient.set(c, [...(perClient.get(c) ?? []), { path: f, type: 3 }]);
    }
    for (const [c, changes] of perClient) await c.filesChanged(changes);
  }

  /**
   * The process reward of one edit: diagnostics of the touched files and their
   * importers before and after, the delta, and r = α(D_before − D_after) + β·S − γ(1 − c).
   * `safety` comes from the code layer when it has it; otherwise S = applied
   * cleanly and no syntax-level error from the server in the touched files, c = 1.
   */
  async reward(edit: Edit, safety: Partial<EditSafety> = {}): Promise<RewardResult> {
    const { touched, deleted } = this.touchedBy(edit);
    const served = [...touched, ...deleted].filter((f) => serverForFile(f) !== null);
    if (served.length === 0) {
      throw new DrydockError(
        'the edit touches no file a language server handles (.py, .ts, .js, ...)',
        'reward edits of Python, TypeScript or JavaScript files',
        'LSP_NO_SERVER',
      );
    }
    // The grep for importers runs while the touched files' diagnostics settle.
    const [found] = await Promise.all([
      this.opts.includeImporters === false ? Promise.resolve([]) : findImporters(this.sandbox, served),
      this.diagnostics(served),
    ]);
    const importers = found.filter((f) => serverForFile(f) !== null);
    const scope = [...new Set([...served, ...importers])].sort();
    const before = await this.diagnostics(scope);
    const applied = await this.applyEdit(edit);
    const after = applied.applied ? await this.diagnostics(scope) : before;
    const delta = diagnosticsDelta(before.diagnostics, after.diagnostics, applied.shape);
    const syntaxBroken = touched.some((f) => {
      const spec = serverForFile(f);
      return spec !== null && (after.diagnostics[f] ?? []).some((d) => spec.isSyntaxError(d));
    });
    const full: EditSafety = {
      appliedExactly: safety.appliedExactly ?? applied.applied,
      parses: safety.parses ?? !syntaxBroken,
      confidence: safety.confidence ?? (applied.applied ? 1 : 0),
    };
    const server = this.clientFor(served[0]!)!.identity;
    const reward = processReward({
      before: before.diagnostics,
      after: after.diagnostics,
      files: scope,
      safety: full,
      server,
      settled: before.settled && after.settled,
      ...(this.opts.weights ? { weights: this.opts.weights } : {}),
    });
    return { before: before.diagnostics, after: after.diagnostics, delta, reward, server, applied };
  }

  /** Kills every server process (tests); the next call restarts them. */
  async killServers(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.kill()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
  }
}
