import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DrydockError, type RunEndEvent, type RunStatus } from '../core/index.js';
import { TRAJECTORY_FORMAT_VERSION, type TrajectoryEvent, type TrajectoryEventBody } from './events.js';

/** Where runs live unless configured otherwise, relative to the current directory. */
export const DEFAULT_RUNS_DIR = join('.drydock', 'runs');
export const TRAJECTORY_FILE = 'trajectory.jsonl';

/** A sortable, readable run id: `20261121-061500-a1b2c3`. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function trajectoryPath(runId: string, runsDir: string = DEFAULT_RUNS_DIR): string {
  return resolve(runsDir, runId, TRAJECTORY_FILE);
}

export interface TrajectoryWriterOptions {
  /**
   * fsync after every event (default true). A SIGKILL never loses a written line either way,
   * since the line is in the kernel once `write` returns; fsync also survives a power loss.
   */
  fsync?: boolean;
}

/**
 * Appends events to one JSONL file as they happen. Each event is one `write` of one whole
 * line, so a process killed at any moment leaves every earlier event intact and at most the
 * line being written torn; the reader skips a torn last line and says so.
 */
export class TrajectoryWriter {
  private fd: number | null;
  private seq = 0;
  private readonly fsync: boolean;

  private constructor(
    readonly path: string,
    readonly runId: string,
    options: TrajectoryWriterOptions,
  ) {
    this.fsync = options.fsync ?? true;
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(path, 'a');
    } catch (err) {
      throw new DrydockError(
        `cannot open the trajectory file ${path}: ${(err as Error).message}`,
        'choose a writable runs directory',
        'TRAJECTORY_UNWRITABLE',
      );
    }
  }

  /** Opens `<runsDir>/<runId>/trajectory.jsonl` for a new run. */
  static create(
    options: TrajectoryWriterOptions & { runId?: string; runsDir?: string } = {},
  ): TrajectoryWriter {
    const runId = options.runId ?? newRunId();
    return new TrajectoryWriter(trajectoryPath(runId, options.runsDir), runId, options);
  }

  /** Opens an explicit file (appending if it exists). */
  static atPath(path: string, runId: string, options: TrajectoryWriterOptions = {}): TrajectoryWriter {
    return new TrajectoryWriter(resolve(path), runId, options);
  }

  append(event: TrajectoryEventBody): TrajectoryEvent {
    if (this.fd === null) throw new Error(`trajectory ${this.path} is closed`);
    const full = {
      v: TRAJECTORY_FORMAT_VERSION,
      seq: this.seq,
      ts: new Date().toISOString(),
      ...event,
    } as TrajectoryEvent;
    const line = `${JSON.stringify(full)}\n`;
    // One write call per line: appends from O_APPEND writes are never interleaved mid-line.
    const buf = Buffer.from(line, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    if (this.fsync) fsyncSync(this.fd);
    this.seq += 1;
    return full;
  }

  /** Writes `run.end` from a caught error: typed errors keep their code, budgets their status. */
  endWithError(err: unknown, totals?: RunEndEvent['totals']): TrajectoryEvent {
    const code = err instanceof DrydockError ? err.code : 'UNEXPECTED';
    const status: RunStatus = code === 'BUDGET_EXCEEDED' ? 'budget_exceeded' : 'error';
    const message = err instanceof Error ? err.message : String(err);
    return this.append({ type: 'run.end', status, reason: message, errorCode: code, totals });
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}
