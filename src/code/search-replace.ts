import { DrydockError } from '../core/index.js';
import { unifiedDiff } from './diff.js';

export interface SearchReplaceBlock {
  /** The file the block edits, when it was parsed from model output. */
  path?: string;
  search: string;
  replace: string;
}

/** How a SEARCH text was found, from strictest to loosest. */
export type MatchStrategy = 'exact' | 'trailing-whitespace' | 'indentation' | 'whitespace';

const CONFIDENCE: Record<MatchStrategy, number> = {
  exact: 1,
  'trailing-whitespace': 0.95,
  indentation: 0.85,
  whitespace: 0.7,
};

export interface BlockMatch {
  block: number;
  strategy: MatchStrategy;
  /** 1-based, inclusive, in the text as it was when the block applied. */
  startLine: number;
  endLine: number;
}

export interface EditSuccess {
  ok: true;
  newSource: string;
  /** A unified diff from the old source to the new one ('' if nothing changed). */
  diff: string;
  /** The loosest match's confidence: 1 exact, down to 0.7 for whitespace-insensitive. */
  confidence: number;
  /** True when every block matched exactly. */
  exact: boolean;
  matches: BlockMatch[];
}

export type EditErrorCode = 'SEARCH_NOT_FOUND' | 'SEARCH_AMBIGUOUS' | 'SEARCH_EMPTY';

/** A block that could not be applied; `message` says which and why, `fix` what the author should do. */
export class EditError extends DrydockError {
  override readonly name = 'EditError';
  constructor(
    override readonly code: EditErrorCode,
    readonly block: number,
    message: string,
    fix: string,
    /** For SEARCH_AMBIGUOUS: the first line of every match. For SEARCH_NOT_FOUND: the closest region's first line, if any. */
    readonly lines: number[] = [],
  ) {
    super(message, fix, code);
  }
}

export type EditOutcome = EditSuccess | { ok: false; error: EditError };

export interface ApplyOptions {
  /** Used in the diff's header and in messages. Default `file`. */
  path?: string;
}

/**
 * Applies SEARCH/REPLACE blocks in order, each to the result of the one
 * before. A SEARCH text must occur exactly once: first exactly, then
 * ignoring trailing whitespace, then ignoring indentation (the replacement
 * is re-indented to fit), then ignoring all whitespace and blank lines.
 * An empty SEARCH (`isEmptySearch`) only fills a file that is empty or new.
 */
export function applySearchReplace(
  source: string,
  blocks: readonly SearchReplaceBlock[],
  options: ApplyOptions = {},
): EditOutcome {
  const path = options.path ?? 'file';
  let text = source;
  const matches: BlockMatch[] = [];
  for (const [i, block] of blocks.entries()) {
    const step = applyBlock(text, block, i, path);
    if (step instanceof EditError) return { ok: false, error: step };
    text = step.text;
    matches.push(step.match);
  }
  const confidence = Math.min(1, ...matches.map((m) => CONFIDENCE[m.strategy]));
  return {
    ok: true,
    newSource: text,
    diff: unifiedDiff(path, source, text),
    confidence,
    exact: matches.every((m) => m.strategy === 'exact'),
    matches,
  };
}

/**
 * Whether a SEARCH text means "nothing": empty or only blank lines (models write a new file's
 * SEARCH as one blank line). Such a block only creates a file, or fills an empty one.
 */
export function isEmptySearch(search: string): boolean {
  return search.trim() === '';
}

function applyBlock(
  text: string,
  block: SearchReplaceBlock,
  i: number,
  path: string,
): { text: string; match: BlockMatch } | EditError {
  const label = `SEARCH block ${i + 1} for ${path}`;
  if (isEmptySearch(block.search)) {
    if (text.trim() === '')
      return { text: block.replace, match: { block: i, strategy: 'exact', startLine: 1, endLine: 1 } };
    return new EditError(
      'SEARCH_EMPTY',
      i,
      `${label} is empty but the file is not.`,
      'Quote the lines to replace in SEARCH, or the lines next to where new code goes.',
    );
  }

  const exact = occurrences(text, block.search);
  if (exact.length === 1) {
    const at = exact[0]!;
    const startLine = lineAt(text, at);
    return {
      text: text.slice(0, at) + block.replace + text.slice(at + block.search.length),
      match: {
        block: i,
        strategy: 'exact',
        startLine,
        endLine: startLine + countNewlines(block.search.replace(/\n$/, '')),
      },
    };
  }
  if (exact.length > 1)
    return ambiguous(
      i,
      label,
      exact.map((at) => lineAt(text, at)),
    );

  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const searchLines = toLines(block.search);
  const replaceLines = block.replace === '' ? [] : toLines(block.replace);
  for (const strategy of ['trailing-whitespace', 'indentation', 'whitespace'] as const) {
    const found = findLines(lines, searchLines, strategy);
    if (found.length > 1)
      return ambiguous(
        i,
        label,
        found.map((f) => f.start + 1),
      );
    if (found.length === 0) continue;
    const { start, end } = found[0]!;
    const replacement =
      strategy === 'trailing-whitespace'
        ? replaceLines
        : reindent(replaceLines, searchLines, lines.slice(start, end));
    const original = text.split('\n');
    // Keep the file's own line ends.
    const inserted = replacement.map((l) => (eol === '\r\n' ? `${l}\r` : l));
    original.splice(start, end - start, ...inserted);
    return { text: original.join('\n'), match: { block: i, strategy, startLine: start + 1, endLine: end } };
  }
  const closest = closestRegion(lines, searchLines);
  const hint = closest
    ? ` The closest lines are ${closest.start + 1}-${closest.start + searchLines.length} (${Math.round(closest.similarity * 100)}% of lines equal).`
    : '';
  return new EditError(
    'SEARCH_NOT_FOUND',
    i,
    `${label} matches nothing in the file, even ignoring whitespace.${hint}`,
    'Copy the SEARCH lines from the current file, character for character.',
    closest ? [closest.start + 1] : [],
  );
}

function ambiguous(i: number, label: string, lines: number[]): EditError {
  return new EditError(
    'SEARCH_AMBIGUOUS',
    i,
    `${label} matches ${lines.length} places (lines ${lines.join(', ')}).`,
    'Add surrounding lines to SEARCH until it matches only one place.',
    lines,
  );
}

/** Where SEARCH occurs as whole lines: a match that starts inside a line is not the text the model quoted. */
function occurrences(text: string, search: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(search); at >= 0; at = text.indexOf(search, at + 1))
    if (at === 0 || text[at - 1] === '\n') found.push(at);
  return found;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

function lineAt(text: string, offset: number): number {
  return countNewlines(text.slice(0, offset)) + 1;
}

function toLines(text: string): string[] {
  return text
    .replace(/\r?\n$/, '')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''));
}

const KEYS: Record<Exclude<MatchStrategy, 'exact'>, (line: string) => string> = {
  'trailing-whitespace': (l) => l.trimEnd(),
  indentation: (l) => l.trim(),
  whitespace: (l) => l.replace(/\s+/g, ''),
};

/** Every window of `lines` that equals `search` under the strategy; `end` is exclusive. */
function findLines(
  lines: string[],
  search: string[],
  strategy: Exclude<MatchStrategy, 'exact'>,
): { start: number; end: number }[] {
  const key = KEYS[strategy];
  const skipBlank = strategy === 'whitespace';
  const wanted = search.map(key).filter((l) => !skipBlank || l !== '');
  if (wanted.length === 0) return [];
  const keyed = lines.map(key);
  const found: { start: number; end: number }[] = [];
  for (let start = 0; start < keyed.length; start++) {
    if (keyed[start] !== wanted[0]) continue;
    let j = 0;
    let at = start;
    while (at < keyed.length && j < wanted.length) {
      if (skipBlank && keyed[at] === '') {
        at++;
        continue;
      }
      if (keyed[at] !== wanted[j]) break;
      at++;
      j++;
    }
    if (j === wanted.length) found.push({ start, end: at });
  }
  return found;
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/**
 * The replacement re-indented for lines SEARCH matched at another indentation. Models get the
 * SEARCH's indentation wrong in two ways: the whole answer shifted (REPLACE as wrong as SEARCH:
 * shift it by the difference), or only SEARCH (REPLACE already written as the file has it: keep
 * it). Lines both sides share tell which: their indentation in REPLACE is SEARCH's or the file's.
 * With no shared line, a REPLACE starting at the file's indentation is taken as meant.
 */
function reindent(replace: string[], search: string[], matched: string[]): string[] {
  const searchFirst = search.find((l) => l.trim() !== '');
  const fileFirst = matched.find((l) => l.trim() !== '');
  if (searchFirst === undefined || fileFirst === undefined) return replace;
  const from = indentOf(searchFirst);
  const to = indentOf(fileFirst);
  if (from === to || replaceIsInFileFrame(replace, search, matched, from, to)) return replace;
  return replace.map((line) => {
    if (line.trim() === '') return line;
    if (line.startsWith(from)) return to + line.slice(from.length);
    // Less indented than the SEARCH's first line: remove what we can.
    const own = indentOf(line);
    return own.length >= from.length
      ? to + line.slice(from.length)
      : to.slice(0, Math.max(0, to.length - (from.length - own.length))) + line.trimStart();
  });
}

function replaceIsInFileFrame(
  replace: string[],
  search: string[],
  matched: string[],
  from: string,
  to: string,
): boolean {
  const indents = (lines: string[]) => {
    const m = new Map<string, string>();
    for (const l of lines) if (l.trim() !== '' && !m.has(l.trim())) m.set(l.trim(), indentOf(l));
    return m;
  };
  // The lines a model copies to anchor its edit, the first and the last, tell best: where
  // REPLACE keeps them at the file's indentation and not at SEARCH's, REPLACE was written in
  // the file's frame, whatever the lines between do (an edit that indents a block moves many
  // shared lines to SEARCH's wrong indentation by coincidence).
  const nonBlank = (lines: string[]) => lines.filter((l) => l.trim() !== '');
  const [r, sr, m] = [nonBlank(replace), nonBlank(search), nonBlank(matched)];
  let anchorFile = 0;
  let anchorShifted = 0;
  for (const [ri, si] of [
    [0, 0],
    [r.length - 1, sr.length - 1],
  ] as const) {
    const line = r[ri];
    if (line === undefined || sr[si] === undefined || m[si] === undefined) continue;
    if (line.trim() !== sr[si]!.trim() || indentOf(sr[si]!) === indentOf(m[si]!)) continue;
    if (indentOf(line) === indentOf(m[si]!)) anchorFile++;
    else if (indentOf(line) === indentOf(sr[si]!)) anchorShifted++;
  }
  if (anchorFile > 0 && anchorShifted === 0) return true;
  if (anchorShifted > 0 && anchorFile === 0) return false;
  // A REPLACE that starts at the file's indentation was written against the file: a model that
  // shifted its whole answer starts REPLACE at SEARCH's depth too.
  if (r[0] !== undefined && indentOf(r[0]) === to && to !== from) return true;
  const inSearch = indents(search);
  const inFile = indents(matched);
  let file = 0;
  let shifted = 0;
  for (const line of replace) {
    const key = line.trim();
    const s = inSearch.get(key);
    const f = inFile.get(key);
    if (key === '' || s === undefined || f === undefined || s === f) continue;
    if (indentOf(line) === f) file++;
    else if (indentOf(line) === s) shifted++;
  }
  if (file !== shifted) return file > shifted;
  const first = replace.find((l) => l.trim() !== '');
  return first !== undefined && indentOf(first) === to && to !== from;
}

/** The window most like the SEARCH text, by the share of equal trimmed lines; null when nothing is close. */
function closestRegion(lines: string[], search: string[]): { start: number; similarity: number } | null {
  if (lines.length * search.length > 5_000_000) return null;
  const wanted = search.map((l) => l.trim());
  const keyed = lines.map((l) => l.trim());
  let best: { start: number; similarity: number } | null = null;
  for (let start = 0; start + wanted.length <= keyed.length; start++) {
    let equal = 0;
    for (let j = 0; j < wanted.length; j++) if (wanted[j] !== '' && keyed[start + j] === wanted[j]) equal++;
    const similarity = equal / wanted.length;
    if (similarity > 0 && (!best || similarity > best.similarity)) best = { start, similarity };
  }
  return best && best.similarity >= 0.3 ? best : null;
}

// The reply parser (text → blocks) is in edit-blocks.ts.
