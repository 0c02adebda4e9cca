import type { DiagnosticsByFile, LspDiagnostic } from './diagnostic.js';

/** One changed region of a file, in 1-based lines as a unified diff's `@@ -a,b +c,d @@`. */
export interface LineHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
}

/** What an edit did to each file it touched (paths relative to the workspace). */
export interface EditShape {
  files: Record<string, LineHunk[]>;
}

export interface FileDelta {
  newErrors: number;
  fixedErrors: number;
  newWarnings: number;
  fixedWarnings: number;
  /** Diagnostics present only after the edit (errors and warnings). */
  added: LspDiagnostic[];
  /** Diagnostics present only before the edit (errors and warnings). */
  removed: LspDiagnostic[];
}

export interface DiagnosticsDelta {
  files: Record<string, FileDelta>;
  totals: { newErrors: number; fixedErrors: number; newWarnings: number; fixedWarnings: number };
}

/**
 * Where a 0-based line before the edit lands after it: shifted by the line
 * changes of the hunks above it, or null when the line itself was rewritten.
 */
export function mapLine(line: number, hunks: LineHunk[]): number | null {
  let shift = 0;
  const l1 = line + 1;
  for (const h of [...hunks].sort((a, b) => a.oldStart - b.oldStart)) {
    // A pure insertion (oldLines 0) sits after line oldStart.
    const first = h.oldLines === 0 ? h.oldStart + 1 : h.oldStart;
    const last = h.oldStart + h.oldLines - 1;
    if (l1 < first) break;
    if (h.oldLines > 0 && l1 <= last) return null;
    shift += h.newLines - h.oldLines;
  }
  return line + shift;
}

function keyOf(d: LspDiagnostic): string {
  return `${d.severity}\u0000${d.code ?? ''}\u0000${d.message}`;
}

function emptyDelta(): FileDelta {
  return { newErrors: 0, fixedErrors: 0, newWarnings: 0, fixedWarnings: 0, added: [], removed: [] };
}

/**
 * Matches diagnostics across an edit, per file, by severity, rule/code and
 * message; a before-diagnostic's line is shifted by the edit's line changes.
 * Pass 1 pairs equal keys on the mapped line (same character span); pass 2
 * pairs what is left by key alone, nearest line first (a diagnostic inside a
 * rewritten region, or one whose column moved). Unpaired ones are new or fixed.
 * Only errors (1) and warnings (2) are counted.
 */
export function diagnosticsDelta(
  before: DiagnosticsByFile,
  after: DiagnosticsByFile,
  edit: EditShape = { files: {} },
): DiagnosticsDelta {
  const out: DiagnosticsDelta = {
    files: {},
    totals: { newErrors: 0, fixedErrors: 0, newWarnings: 0, fixedWarnings: 0 },
  };
  const paths = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const path of paths) {
    const hunks = edit.files[path] ?? [];
    const olds = (before[path] ?? []).filter((d) => d.severity <= 2);
    const news = (after[path] ?? []).filter((d) => d.severity <= 2);
    const mapped = olds.map((d) => mapLine(d.range.start.line, hunks));
    const oldUsed = new Array<boolean>(olds.length).fill(false);
    const newUsed = new Array<boolean>(news.length).fill(false);
    // Pass 1: same key, same (shifted) place.
    olds.forEach((o, i) => {
      const line = mapped[i];
      if (line === null) return;
      const j = news.findIndex(
        (n, k) =>
          !newUsed[k] &&
          keyOf(n) === keyOf(o) &&
          n.range.start.line === line &&
          n.range.start.character === o.range.start.character,
      );
      if (j >= 0) {
        oldUsed[i] = true;
        newUsed[j] = true;
      }
    });
    // Pass 2: same key anywhere, nearest first.
    olds.forEach((o, i) => {
      if (oldUsed[i]) return;
      const target = mapped[i] ?? o.range.start.line;
      let best = -1;
      let bestDist = Infinity;
      news.forEach((n, k) => {
        if (newUsed[k] || keyOf(n) !== keyOf(o)) return;
        const dist = Math.abs(n.range.start.line - target);
        if (dist < bestDist) {
          best = k;
          bestDist = dist;
        }
      });
      if (best >= 0) {
        oldUsed[i] = true;
        newUsed[best] = true;
      }
    });
    const fd = emptyDelta();
    olds.forEach((o, i) => {
      if (oldUsed[i]) return;
      fd.removed.push(o);
      if (o.severity === 1) fd.fixedErrors++;
      else fd.fixedWarnings++;
    });
    news.forEach((n, k) => {
      if (newUsed[k]) return;
      fd.added.push(n);
      if (n.severity === 1) fd.newErrors++;
      else fd.newWarnings++;
    });
    if (fd.added.length + fd.removed.length === 0 && !(path in edit.files)) continue;
    out.files[path] = fd;
    out.totals.newErrors += fd.newErrors;
    out.totals.fixedErrors += fd.fixedErrors;
    out.totals.newWarnings += fd.newWarnings;
    out.totals.fixedWarnings += fd.fixedWarnings;
  }
  return out;
}

/** Parses a unified diff into the files it touches (b/ side, -p1) and their hunks. */
export function parseUnifiedDiff(patch: string): { files: Record<string, LineHunk[]>; deleted: string[] } {
  const files: Record<string, LineHunk[]> = {};
  const deleted: string[] = [];
  let current: string | null = null;
  let oldPath: string | null = null;
  for (const line of patch.split('\n')) {
    if (line.startsWith('--- ')) {
      oldPath = stripPrefix(line.slice(4));
      continue;
    }
    if (line.startsWith('+++ ')) {
      const p = stripPrefix(line.slice(4));
      if (p === null) {
        if (oldPath !== null) deleted.push(oldPath);
        current = null;
      } else {
        current = p;
        files[current] ??= [];
      }
      continue;
    }
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m && current !== null) {
      files[current]!.push({
        oldStart: Number(m[1]),
        oldLines: m[2] === undefined ? 1 : Number(m[2]),
        newStart: Number(m[3]),
        newLines: m[4] === undefined ? 1 : Number(m[4]),
      });
    }
  }
  return { files, deleted };
}

function stripPrefix(raw: string): string | null {
  const p = raw.split('\t')[0]!.trim();
  if (p === '/dev/null') return null;
  return p.replace(/^[ab]\//, '');
}

/** The hunk of a whole-text replacement: common leading and trailing lines trimmed. */
export function hunksOf(before: string, after: string): LineHunk[] {
  if (before === after) return [];
  const a = before.split('\n');
  const b = after.split('\n');
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf])
    suf++;
  const oldLines = a.length - pre - suf;
  const newLines = b.length - pre - suf;
  return [
    {
      oldStart: oldLines === 0 ? pre : pre + 1,
      oldLines,
      newStart: newLines === 0 ? pre : pre + 1,
      newLines,
    },
  ];
}
