import { workspaceRelative } from '../core/index.js';
import { isTestPath } from '../code/index.js';
import { fencedBlock, type RunContext } from './context.js';
import type { Prepared } from './prepare.js';
import type { Location } from './types.js';

const MAX_FILES = 3;
const MAX_STRUCTURE = 400;

/**
 * Stage 2, Agentless's hierarchy: files (the model over the repository's paths and the
 * retrieval's ranking), then classes and functions (over skeletons), then line ranges, sampled
 * several times. A reply that names nothing usable falls back to the retrieval's choice, so a
 * weak model still gets somewhere.
 */
export async function localize(ctx: RunContext, p: Prepared): Promise<Location[][]> {
  const known = new Map(p.files.map((f) => [f.path, f.source]));
  const ranked = p.retrieval.files;

  const fileReply = await ctx.ask('agent/localize-files', {
    issue: ctx.opts.issue,
    structure: p.files
      .map((f) => f.path)
      .slice(0, MAX_STRUCTURE)
      .join('\n'),
    ranked: ranked.map((f) => `${f.score.toFixed(2)} ${f.path}`).join('\n'),
    max: MAX_FILES,
  });
  let files = parseFiles(fileReply[0] ?? '', known);
  if (files.length === 0) {
    files = ranked
      .filter((f) => !isTestPath(f.path))
      .slice(0, MAX_FILES)
      .map((f) => f.path);
    ctx.stage(
      'localize',
      "understood nothing in the model's file answer (no path of the repository in any known shape); falling back to keyword retrieval's top files",
      { understood: [], fallback: 'retrieval', reply: (fileReply[0] ?? '').slice(0, 2000) },
    );
    ctx.fallbacks.push('files: the model named no file drydock understood; used keyword retrieval');
  }
  ctx.stage('localize', `files: ${files.join(', ')}`, { files });

  const skeletons = files.map(
    (f) => `<skeleton path="${f}">\n${p.index.skeleton(f)?.text ?? ''}\n</skeleton>`,
  );
  const elementReply = await ctx.ask('agent/localize-elements', {
    issue: ctx.opts.issue,
    skeletons: skeletons.join('\n\n'),
  });
  let elements = parseElements(elementReply[0] ?? '', files, p);
  if (elements.length === 0) {
    elements = p.retrieval.chunks
      .filter((c) => files.includes(c.path))
      .slice(0, 3)
      .map((c) => ({ path: c.path, start: c.startLine, end: c.endLine }));
    ctx.stage(
      'localize',
      "understood no class or function in the model's element answer; falling back to keyword retrieval's top chunks",
      { understood: [], fallback: 'retrieval', reply: (elementReply[0] ?? '').slice(0, 2000) },
    );
    ctx.fallbacks.push(
      'elements: the model named no class or function drydock understood; used keyword retrieval',
    );
  }
  ctx.stage('localize', `elements: ${elements.map(showLocation).join(', ')}`, { elements });

  const code = elements.map((e) => numbered(known.get(e.path) ?? '', e)).join('\n\n');
  const samples = ctx.opts.locationSamples ?? Math.min(2, ctx.opts.candidates ?? 3);
  const lineReplies = await ctx.ask('agent/localize-lines', { issue: ctx.opts.issue, code }, samples);
  const sets = new Map<string, Location[]>();
  for (const reply of lineReplies) {
    const set = parseLocations(reply, known);
    if (set.length > 0) sets.set(JSON.stringify(set), set);
  }
  if (sets.size === 0) {
    ctx.stage(
      'localize',
      "understood no line range in the model's line answers; using the elements' whole ranges",
      { understood: [], fallback: 'elements', replies: lineReplies.map((r) => r.slice(0, 2000)) },
    );
    ctx.fallbacks.push('lines: the model named no line range drydock understood; used the elements found');
    sets.set('elements', elements);
  }
  const result = [...sets.values()];
  ctx.stage(
    'localize',
    `${result.length} location set(s): ${result.map((s) => s.map(showLocation).join(' + ')).join(' | ')}`,
    {
      locations: result,
    },
  );
  return result;
}

/**
 * A path as a model may write it, as a path of the repository: bullets, numbers, backticks,
 * bold, quotes, `./`, `/testbed/`, `a/`/`b/` diff prefixes, trailing `:` or `,` and Windows
 * backslashes removed. A bare file name counts when one file of the repository has it.
 */
export function knownPath(raw: string, known: Map<string, string>): string | null {
  const p = workspaceRelative(
    raw
      .trim()
      .replace(/^(?:[-*+•]|\d+[.)])\s+/, '')
      .replace(/^[`*"'[(<]+|[`*"')\]>]+$/g, '')
      .replace(/[:,;.]+$/, '')
      .replace(/^[`*"'[(<]+|[`*"')\]>]+$/g, '')
      .replace(/\\/g, '/')
      .replace(/^\.\//, ''),
  );
  if (known.has(p)) return p;
  const undiffed = p.replace(/^[ab]\//, '');
  if (known.has(undiffed)) return undiffed;
  if (p.includes('/') || !/\.\w+$/.test(p)) return null;
  const byName = [...known.keys()].filter((k) => k === p || k.endsWith(`/${p}`));
  return byName.length === 1 ? byName[0]! : null;
}

/** Every repository path a text mentions, in order: whole lines first, then words. */
function mentionedPaths(text: string, known: Map<string, string>): string[] {
  const out: string[] = [];
  const add = (p: string | null) => {
    if (p && !out.includes(p)) out.push(p);
  };
  for (const line of text.split('\n')) {
    const whole = knownPath(line, known);
    if (whole) {
      add(whole);
      continue;
    }
    // `path`, **path**, path: function X, "in path, line 3"
    for (const m of line.matchAll(/[`*"']?([\w./\\@+-]+\.[\w]+|[\w.@+-]+(?:[/\\][\w.@+-]+)+)[`*"']?/g))
      add(knownPath(m[1]!, known));
  }
  return out;
}

/**
 * The files a reply names, in the shapes models use: drydock's own (one path a line in a
 * fence), bulleted or numbered lists, backticked or bold paths in prose, Windows paths.
 * Paths in the first fenced block come first; if it names none, the whole reply is read.
 */
export function parseFiles(reply: string, known: Map<string, string>): string[] {
  const fenced = /```[^\n]*\n[\s\S]*?```/.test(reply) ? mentionedPaths(fencedBlock(reply), known) : [];
  const files = fenced.length > 0 ? fenced : mentionedPaths(reply, known);
  return files.slice(0, MAX_FILES);
}

/** A `kind: name` element line, as Agentless writes them under a path line. */
const ELEMENT =
  /^\s*(?:[-*+•]|\d+[.)])?\s*(function|class|method|def|variable|func|fn)\s*:?\s+`?([\w.$]+)`?/i;
/** A line that is a file path alone (bulleted, numbered or in backticks too). */
const PATH_LINE =
  /^\s*(?:[-*+•]|\d+[.)])?\s*[`*"']*(?:(?:[\w.@+-]+[/\\])+[\w.@+-]+\.\w+|[\w@+-]+\.(?:py|pyi|js|jsx|ts|tsx|mjs|cjs|java|kt|go|rs|rb|php|c|h|cc|cpp|hpp|cs|swift|scala))[`*"':]*\s*$/;
const LINE_REF = /^\s*(?:[-*+•]|\d+[.)])?\s*lines?\s*:?\s*(\d+)(?:\s*(?:-|–|to)\s*(\d+))?/i;

/** An element a localization reply names: `path` and the name as written (`Class.method`). */
export interface NamedElement {
  path: string;
  kind: string;
  name: string;
}

/**
 * The elements a reply names for the given files, in order, in the shapes models write:
 * Agentless's path line followed by `function: X` / `class: Y` / `method: Z` / `variable: V`
 * lines (bulleted or numbered too), and one-line `path: name` / `path:function name`.
 */
export function readElements(reply: string, files: readonly string[]): NamedElement[] {
  const out: NamedElement[] = [];
  const known = new Map(files.map((f) => [f, '']));
  let current: string | null = null;
  for (const raw of reply.split('\n')) {
    // One line: `path: function name` or `path:name`.
    const m =
      /^\s*(?:[-*+•]|\d+[.)])?\s*`?([^\s:`]+)`?\s*:\s*(?:(function|class|method|def)\s+)?`?([\w.$]+)`?\s*$/.exec(
        raw,
      );
    const mPath = m ? knownPath(m[1]!, known) : null;
    if (m && mPath) {
      out.push({ path: mPath, kind: (m[2] ?? 'function').toLowerCase(), name: m[3]! });
      continue;
    }
    const path = knownPath(raw, known);
    if (path) {
      current = path;
      continue;
    }
    // A path line for a file outside these files: what follows belongs to that file, not to
    // the one before it (Agentless drops those entries too).
    if (PATH_LINE.test(raw)) {
      current = null;
      continue;
    }
    const e = ELEMENT.exec(raw);
    if (e && current) out.push({ path: current, kind: e[1]!.toLowerCase(), name: e[2]! });
  }
  return out;
}

function parseElements(reply: string, files: string[], p: Prepared): Location[] {
  const out: Location[] = [];
  for (const { path, name } of readElements(reply, files)) {
    const defs = p.index.definitions(name);
    // `Class.method`: the method of that class; else the last part as written.
    const found = defs.length > 0 ? defs : p.index.definitions(name.split('.').at(-1)!);
    for (const d of found) {
      if (d.path !== path) continue;
      const loc = { path: d.path, start: d.symbol.startLine, end: d.symbol.endLine };
      if (!out.some((o) => o.path === loc.path && o.start === loc.start)) out.push(loc);
    }
  }
  return out;
}

/**
 * Line ranges in the shapes models write: `path:10-20` (drydock's own), `path#L10-L20`, and
 * Agentless's path line followed by `line: 42` / `lines: 10-20` lines.
 */
export function parseLocations(reply: string, known: Map<string, string>): Location[] {
  const out: Location[] = [];
  const push = (path: string, a: number, b: number) => {
    const source = known.get(path);
    if (source === undefined) return;
    const lines = source.split('\n').length;
    const start = Math.max(1, a);
    const end = Math.min(lines, Math.max(start, b));
    if (start <= lines && !out.some((o) => o.path === path && o.start === start && o.end === end))
      out.push({ path, start, end });
  };
  let current: string | null = null;
  for (const raw of reply.split('\n')) {
    let matched = false;
    for (const m of raw.matchAll(
      /([^\s:`*"'(]+?)[`*"']*(?::|#L|,?\s+lines?\s+)(\d+)(?:\s*(?:-|–)\s*L?(\d+))?/g,
    )) {
      const path = knownPath(m[1]!, known);
      if (!path) continue;
      push(path, Number(m[2]), Number(m[3] ?? m[2]));
      matched = true;
    }
    if (matched) continue;
    const path = knownPath(raw, known);
    if (path) {
      current = path;
      continue;
    }
    const l = LINE_REF.exec(raw);
    if (l && current) push(current, Number(l[1]), Number(l[2] ?? l[1]));
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.start - b.start));
}

export function numbered(source: string, loc: Location, context = 0): string {
  const lines = source.split('\n');
  const from = Math.max(1, loc.start - context);
  const to = Math.min(lines.length, loc.end + context);
  const body = lines
    .slice(from - 1, to)
    .map((l, i) => `${String(from + i).padStart(4)} | ${l}`)
    .join('\n');
  return `<code path="${loc.path}" lines="${from}-${to}">\n${body}\n</code>`;
}

export const showLocation = (l: Location) => `${l.path}:${l.start}-${l.end}`;
