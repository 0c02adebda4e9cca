import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileAnalysis } from './analysis.js';

export interface AnalysisCache {
  get(key: string): FileAnalysis | undefined;
  set(key: string, analysis: FileAnalysis): void;
}

/** An in-memory cache of analyses keyed by content hash; the oldest go first past `maxEntries`. */
export class MemoryAnalysisCache implements AnalysisCache {
  private readonly entries = new Map<string, FileAnalysis>();
  constructor(private readonly maxEntries = 50_000) {}
  get(key: string): FileAnalysis | undefined {
    return this.entries.get(key);
  }
  set(key: string, analysis: FileAnalysis): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, analysis);
  }
  get size(): number {
    return this.entries.size;
  }
}

/**
 * Analyses as JSON files under a directory, so that later runs on the same
 * repository skip parsing unchanged files. A file that cannot be read or
 * parsed counts as a miss; writes go through a temporary name, so a
 * crashed run leaves no half-written entry.
 */
export class DirectoryAnalysisCache implements AnalysisCache {
  constructor(private readonly dir: string) {}

  private pathOf(key: string): string {
    const name = key.replace(/[^\w.-]/g, '_');
    return join(this.dir, name.slice(-2), `${name}.json`);
  }

  get(key: string): FileAnalysis | undefined {
    try {
      return JSON.parse(readFileSync(this.pathOf(key), 'utf8')) as FileAnalysis;
    } catch {
      return undefined;
    }
  }

  set(key: string, analysis: FileAnalysis): void {
    const path = this.pathOf(key);
    mkdirSync(join(path, '..'), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(analysis));
    renameSync(temporary, path);
  }
}
