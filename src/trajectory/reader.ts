import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DrydockError } from '../core/index.js';
import type { TrajectoryEvent } from './events.js';
import { DEFAULT_RUNS_DIR, TRAJECTORY_FILE } from './writer.js';

export interface SkippedLine {
  /** 1-based line number in the file. */
  line: number;
  reason: string;
}

export interface TrajectoryReadResult {
  path: string;
  events: TrajectoryEvent[];
  /** Lines that were not complete events, with why. */
  skipped: SkippedLine[];
  /** True when the last line was torn (a crash mid-write): everything before it is intact. */
  truncatedTail: boolean;
  /** True when the run wrote `run.end`; false means it is still running or it died. */
  ended: boolean;
}

function isEvent(value: unknown): value is TrajectoryEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'string' && typeof v.seq === 'number' && typeof v.ts === 'string';
}

/** Parses JSONL text; pure, so the tolerant rules are testable without files. */
export function parseTrajectory(text: string, path = '<text>'): TrajectoryReadResult {
  const events: TrajectoryEvent[] = [];
  const skipped: SkippedLine[] = [];
  let truncatedTail = false;
  const lines = text.split('\n');
  // A file that ends with '\n' splits into a final empty string: not a line.
  const endsClean = text.length === 0 || text.endsWith('\n');
  if (endsClean) lines.pop();
  lines.forEach((raw, i) => {
    const isLast = i === lines.length - 1;
    if (raw.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      if (isLast && !endsClean) {
        truncatedTail = true;
        skipped.push({ line: i + 1, reason: 'incomplete last line (the run was cut off while writing it)' });
      } else {
        skipped.push({ line: i + 1, reason: `not JSON: ${(err as Error).message}` });
      }
      return;
    }
    if (!isEvent(parsed)) {
      skipped.push({ line: i + 1, reason: 'JSON but not a trajectory event (no type/seq/ts)' });
      return;
    }
    events.push(parsed);
  });
  return { path, events, skipped, truncatedTail, ended: events.some((e) => e.type === 'run.end') };
}

export function readTrajectory(path: string): TrajectoryReadResult {
  return parseTrajectory(readFileSync(path, 'utf8'), path);
}

/** Run ids under `runsDir`, newest first (ids sort by time). */
export function listRuns(runsDir: string = DEFAULT_RUNS_DIR): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((name) => existsSync(join(runsDir, name, TRAJECTORY_FILE)))
    .sort()
    .reverse();
}

/**
 * Turns what a user typed (a run id, a run directory, or a trajectory file) into the file.
 */
export function resolveRun(ref: string, runsDir: string = DEFAULT_RUNS_DIR): string {
  if (existsSync(ref)) {
    const st = statSync(ref);
    if (st.isFile()) return resolve(ref);
    if (st.isDirectory() && existsSync(join(ref, TRAJECTORY_FILE))) return resolve(ref, TRAJECTORY_FILE);
  }
  const byId = join(runsDir, ref, TRAJECTORY_FILE);
  if (existsSync(byId)) return resolve(byId);
  const runs = listRuns(runsDir);
  const fix =
    runs.length > 0
      ? `recent runs in ${runsDir}: ${runs.slice(0, 5).join(', ')}`
      : `no runs under ${resolve(runsDir)}; pass a trajectory.jsonl path or --runs-dir`;
  throw new DrydockError(`no run or trajectory file named "${ref}"`, fix, 'RUN_NOT_FOUND');
}
