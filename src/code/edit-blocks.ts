import type { SearchReplaceBlock } from './search-replace.js';

/**
 * The reply parser for SEARCH/REPLACE edits: a model's text in, edit blocks out.
 *
 * It reads what aider's `find_original_update_blocks` reads (the format's reference parser:
 * markers compared after trimming, the file name on one of the three lines before
 * `<<<<<<< SEARCH` as long as only fences lie between, else the previous block's file, shell
 * fences skipped) and gives the same blocks wherever that parser succeeds, except in the four
 * ways real replies break it, where the reference writes wrong code into a file:
 *
 * - a reply that ends inside a block is `truncated`; its complete blocks are returned, but a
 *   caller must not use them as they are (continue the reply, or ask again);
 * - a `=======` line right before `>>>>>>> REPLACE` is a stray divider, not replacement text;
 * - a block closed by `=======` (the next thing is prose, a fence, the next block, or the end)
 *   ends there, instead of swallowing what follows;
 * - a file name written with backslashes (`src\app\main.py`) is a path with slashes.
 *
 * What it still cannot read with confidence is a `problem`, quoting the reply's lines, for the
 * caller to send back to the model (`editBlockObservation`).
 */
export interface ParsedEditBlocks {
  blocks: SearchReplaceBlock[];
  /** The reply ends inside a block (the model was cut off): do not use the blocks as they are. */
  truncated: boolean;
  problems: EditBlockProblem[];
  /** Forgiving readings that were applied, one line each, for the trajectory. */
  repairs: string[];
}

export interface EditBlockProblem {
  /** 1-based line in the reply. */
  line: number;
  message: string;
  /** The reply's lines around the problem, as the model wrote them. */
  quote: string;
}

export interface ParseEditBlocksOptions {
  /** Paths in the repository: names that are in it count as file names whatever their shape. */
  knownPaths?: Iterable<string>;
  /**
   * The current text of files the reply may edit (path → text). When a block holds more than
   * one `=======` line (a reStructuredText or Markdown heading underline, a separator printed by
   * a test), the one whose SEARCH side occurs in the file is the divider.
   */
  sources?: ReadonlyMap<string, string>;
}

const HEAD = /^<{5,9} ?SEARCH>?$/;
const UPDATED = /^>{5,9} ?REPLACE<?$/;
/** Code fences, including the tag fences aider switches to when a file itself holds ``` lines. */
const FENCE = /^(`{3,}|~{3,}|<\/?(source|code|pre|codeblock)>|\[\/?source\])/;
const SHELL_FENCE = /^```(bash|sh|shell|cmd|batch|powershell|ps1|zsh|fish|ksh|csh|tcsh)\b/;

/** File names without a dot or a slash that are still file names. */
const BARE_NAMES = new Set([
  'Makefile',
  'makefile',
  'GNUmakefile',
  'Dockerfile',
  'Containerfile',
  'Jenkinsfile',
  'Procfile',
  'Gemfile',
  'Rakefile',
  'Vagrantfile',
  'Brewfile',
  'Justfile',
  'justfile',
  'Pipfile',
  'Podfile',
  'Snakefile',
  'Caddyfile',
  'Earthfile',
  'Tiltfile',
  'BUILD',
  'WORKSPACE',
  'CODEOWNERS',
  'LICENSE',
  'COPYING',
  'AUTHORS',
  'CONTRIBUTORS',
  'NOTICE',
  'README',
  'CHANGELOG',
  'CHANGES',
  'VERSION',
  'MANIFEST',
  'OWNERS',
]);

const isHead = (l: string) => HEAD.test(l.trim());
// The divider is compared as aider compares it (trimmed, exactly seven), since docstrings and
// reStructuredText underline headings with runs of `=`.
const isDivider = (l: string) => l.trim() === '=======';
/** A divider at the start of its line: inside a replacement only these can be markers. */
const isBareDivider = (l: string) => isDivider(l) && !/^\s/.test(l);
const isUpdated = (l: string) => UPDATED.test(l.trim());

/** aider's strip_filename, then drydock's: backslashes to slashes, a leading `./`, labels. */
function stripFilename(raw: string): string | null {
  let name = raw.trim();
  if (name === '...' || FENCE.test(name)) return null;
  name = name.replace(/:+$/, '').replace(/^#+/, '').trim();
  name = name.replace(/^`+|`+$/g, '').replace(/^\*+|\*+$/g, '');
  // aider also unescapes markdown's `\_` here; asPath does, unless the name is a Windows path.
  return name || null;
}

/** A cleaned name's path form, or null when the line is prose rather than a file name. */
export function asPath(name: string, known?: ReadonlySet<string>): string | null {
  let p = name
    .trim()
    .replace(/^(?:file(?:name)?|path)\s*:\s*/i, '')
    .replace(/^["'`*]+|["'`*]+$/g, '')
    .trim();
  if (p.includes('\\')) {
    // Markdown's `\_` (aider unescapes it) or a Windows separator: `pkg\__init__.py`.
    const markdown = p.replace(/\\_/g, '_');
    const windows = p.replace(/\\+/g, '/');
    if (known?.has(windows)) p = windows;
    else if (known?.has(markdown)) p = markdown;
    else if (/\\[^_]/.test(p) || (!p.includes('/') && !p.includes('\\_\\_'))) p = windows;
    else p = markdown;
  }
  p = p.replace(/^\.\//, '');
  if (p === '') return null;
  if (known?.has(p)) return p;
  if (/\s/.test(p)) return null;
  // A name with a slash or an extension, a dotfile (.gitignore), or a well-known bare name.
  if (/^[\w.@~+-]+(\/[\w.@~+-]+)+\/?$/.test(p) && !p.endsWith('/')) return p;
  if (/^[\w@~+-][\w.@~+-]*\.[A-Za-z0-9_+-]+$/.test(p)) return p;
  if (/^\.[\w.-]+$/.test(p) && p.length > 1 && p !== '..') return p;
  if (/^(\/|[A-Za-z]:\/)[\w.@~+-]+(\/[\w.@~+-]+)*$/.test(p)) return p;
  if (BARE_NAMES.has(p)) return p;
  return null;
}

/** aider's find_filename: back through at most three lines, as long as they are fences. */
function findFilename(lines: string[], at: number): string | null {
  for (let k = at - 1; k >= Math.max(0, at - 3); k--) {
    const line = lines[k]!;
    const name = stripFilename(line);
    if (name) return name;
    if (!FENCE.test(line)) return null;
  }
  return null;
}

/**
 * The one repository path named on the fence line right before a block's head, or (with
 * `introLine`) on the nearest line before it that is not blank or a fence, within four lines.
 * A line naming none or several is no answer.
 */
function namedKnownPath(
  lines: string[],
  head: number,
  known: ReadonlySet<string>,
  introLine: boolean,
): { path: string; line: number } | null {
  const onLine = (k: number): string | null => {
    const found = new Set<string>();
    for (const m of lines[k]!.matchAll(/[\w./\\-]+/g)) {
      const token = m[0].replace(/^\.\//, '').replace(/[.]+$/, '');
      if (known.has(token)) found.add(token);
    }
    return found.size === 1 ? [...found][0]! : null;
  };
  const before = head - 1;
  if (before >= 0 && FENCE.test(lines[before]!.trim())) {
    const p = onLine(before);
    if (p) return { path: p, line: before };
  }
  if (!introLine) return null;
  for (let k = before; k >= Math.max(0, head - 4); k--) {
    const t = lines[k]!.trim();
    if (t === '' || FENCE.test(t)) continue;
    const p = onLine(k);
    return p ? { path: p, line: k } : null;
  }
  return null;
}

function quote(lines: string[], from: number, to: number): string {
  const a = Math.max(0, from);
  const b = Math.min(lines.length, to);
  return lines
    .slice(a, b)
    .map((l, i) => `${String(a + i + 1).padStart(4)} | ${l}`)
    .join('\n');
}

const join = (ls: string[]) => (ls.length === 0 ? '' : `${ls.join('\n')}\n`);

export function parseEditBlocks(text: string, options: ParseEditBlocksOptions = {}): ParsedEditBlocks {
  const known = options.knownPaths
    ? new Set(options.knownPaths)
    : options.sources
      ? new Set(options.sources.keys())
      : undefined;
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  // A final newline is not a line of its own.
  if (lines.length > 0 && lines.at(-1) === '') lines.pop();
  const out: ParsedEditBlocks = { blocks: [], truncated: false, problems: [], repairs: [] };
  let current: string | undefined;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (SHELL_FENCE.test(line.trim())) {
      // aider's reading: a shell block is a command to run, never an edit.
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith('```')) i++;
      i++;
      continue;
    }
    if (!isHead(line)) {
      i++;
      continue;
    }
    const head = i;
    const name = findFilename(lines, head);
    let path: string | undefined;
    if (name !== null) {
      const p = asPath(name, known);
      if (p !== null) {
        if (p !== name.trim())
          out.repairs.push(`line ${head + 1}: file name ${JSON.stringify(name)} read as ${p}`);
        path = p;
      }
    }
    if (path === undefined && known) {
      // Where aider's reading finds no name, a file of the repository named in the fence that
      // opens the block (```python calc/ops.py, ```python:calc/ops.py) says which file; for the
      // first block, so does the line that introduces it (`In calc/ops.py:`, `` `calc/ops.py`: ``).
      const named = namedKnownPath(lines, head, known, current === undefined);
      if (named) {
        out.repairs.push(
          `line ${named.line + 1}: file name ${named.path} taken from ${JSON.stringify(lines[named.line]!.trim())}`,
        );
        path = named.path;
      }
    }
    path ??= current;
    current = path;

    const search: string[] = [];
    let j = head + 1;
    while (j < lines.length && !isDivider(lines[j]!) && !isHead(lines[j]!) && !isUpdated(lines[j]!))
      search.push(lines[j++]!);
    if (j >= lines.length) {
      out.truncated = true;
      break;
    }
    if (!isDivider(lines[j]!)) {
      out.problems.push({
        line: j + 1,
        message: `the block that starts on line ${head + 1} has no ======= between SEARCH and ${lines[j]!.trim()}`,
        quote: quote(lines, head, j + 1),
      });
      i = isHead(lines[j]!) ? j : j + 1;
      continue;
    }
    const divider = j;
    const replace: string[] = [];
    j++;
    while (j < lines.length && !isUpdated(lines[j]!) && !isHead(lines[j]!)) replace.push(lines[j++]!);
    const dividers = replace.flatMap((l, k) => (isBareDivider(l) ? [k] : []));
    const searchHasDivider = search.some(isBareDivider);

    if (j < lines.length && isUpdated(lines[j]!)) {
      // Closed properly. A ======= right before the closer is a stray divider.
      let body = replace;
      if (dividers.length > 0 && dividers.at(-1) === replace.length - 1 && !searchHasDivider) {
        body = replace.slice(0, -1);
        out.repairs.push(
          `line ${divider + 1 + replace.length}: a second ======= before >>>>>>> REPLACE was dropped`,
        );
      }
      const inner = body.flatMap((l, k) => (isBareDivider(l) ? [k] : []));
      const chosen = inner.length > 0 ? chooseDivider(search, body, inner, path, options.sources) : null;
      if (chosen) {
        out.blocks.push({
          ...(path ? { path } : {}),
          search: join(chosen.search),
          replace: join(chosen.replace),
        });
        out.repairs.push(
          `line ${head + 1}: the block holds ${inner.length + 1} ======= lines; the one whose SEARCH side is in ${path} divides it`,
        );
      } else if (inner.length > 0 && !searchHasDivider) {
        out.problems.push({
          line: divider + 2 + inner[0]!,
          message: `the block that starts on line ${head + 1} has more than one ======= line, so where its replacement starts is unclear`,
          quote: quote(lines, head, j + 1),
        });
      } else {
        out.blocks.push({ ...(path ? { path } : {}), search: join(search), replace: join(body) });
      }
      i = j + 1;
      continue;
    }

    // Not closed by >>>>>>> REPLACE before the next block or the end.
    const closer = dividers.find((k) => {
      // A ======= closes the block when only prose, fences or nothing follow it up to the
      // next block (or the end): the next line is blank, a fence, or the end.
      const next = replace[k + 1];
      return next === undefined || next.trim() === '' || FENCE.test(next.trim()) || j < lines.length;
    });
    if (closer !== undefined && !searchHasDivider) {
      out.blocks.push({
        ...(path ? { path } : {}),
        search: join(search),
        replace: join(replace.slice(0, closer)),
      });
      out.repairs.push(
        `line ${divider + 2 + closer}: the block that starts on line ${head + 1} was closed by ======= instead of >>>>>>> REPLACE`,
      );
      i = j;
      continue;
    }
    if (j >= lines.length) {
      out.truncated = true;
      break;
    }
    // The next block starts before this one ended, with nothing that could close it.
    out.problems.push({
      line: j + 1,
      message: `the block that starts on line ${head + 1} has no >>>>>>> REPLACE before the next <<<<<<< SEARCH`,
      quote: quote(lines, head, j + 1),
    });
    i = j;
  }
  return out;
}

/**
 * Which `=======` line divides a block whose body holds several: each is tried as the divider,
 * and a reading fits when its SEARCH side occurs in the file as whole lines (for a file that
 * does not exist or is empty, when it is blank). Null when the file is not known or no reading
 * fits: the block stays a problem for the model to rewrite.
 */
function chooseDivider(
  search: string[],
  body: string[],
  inner: number[],
  path: string | undefined,
  sources: ReadonlyMap<string, string> | undefined,
): { search: string[]; replace: string[] } | null {
  if (!path || !sources) return null;
  const text = sources.get(path);
  // A ======= line as content is believed only where such lines are content: documents
  // (reStructuredText and Markdown underline headings with them) or a file that already holds
  // one. Elsewhere a second ======= is more likely a model's slip than code, and stays a problem.
  const asContent =
    /\.(rst|md|markdown|txt|adoc|rdoc|textile)$/i.test(path) ||
    (text !== undefined && text.split('\n').some((l) => isBareDivider(l.replace(/\r$/, ''))));
  if (!asContent) return null;
  const readings = [{ search, replace: body }];
  for (const k of inner)
    readings.push({ search: [...search, '=======', ...body.slice(0, k)], replace: body.slice(k + 1) });
  // Compared line by line, ignoring indentation and trailing space (as the applier's looser
  // matches do), so a SEARCH side written at the wrong indentation still tells.
  const fileLines = text === undefined ? [] : text.split('\n').map((l) => l.trim());
  const occurs = (lines: string[]) => {
    const want = lines.map((l) => l.trim());
    for (let at = 0; at + want.length <= fileLines.length; at++) {
      let j = 0;
      while (j < want.length && fileLines[at + j] === want[j]) j++;
      if (j === want.length) return true;
    }
    return false;
  };
  const fits = readings.filter((r) => {
    const blank = r.search.every((l) => l.trim() === '');
    if (text === undefined || text.trim() === '') return blank;
    return !blank && occurs(r.search);
  });
  // Several fit when the file's own lines go on as the replacement starts: the longest SEARCH
  // side is the one the model quoted (a shorter one would leave its quoted lines in the REPLACE).
  return fits.at(-1) ?? null;
}

/** The blocks alone, as before: complete blocks only, problems and truncation not reported. */
export function parseSearchReplaceBlocks(
  text: string,
  options: ParseEditBlocksOptions = {},
): SearchReplaceBlock[] {
  return parseEditBlocks(text, options).blocks;
}

/**
 * What could not be read, one paragraph per problem with the reply's own lines quoted, for the
 * observation the model gets back (prompts/agent/edit-blocks-unreadable.md wraps it).
 */
export function describeEditBlockProblems(parsed: ParsedEditBlocks): string {
  const parts = parsed.problems.map((p) => `Line ${p.line}: ${p.message}:\n${p.quote}`);
  if (parsed.truncated) parts.push('The reply ended inside an edit block: it was cut off.');
  return parts.join('\n\n');
}
