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
    ctx.note(`localize: the model named no file of the repository; using the retrieval's top files`);
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
    ctx.note("localize: the model named no known class or function; using the retrieval's top chunks");
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
  if (sets.size === 0) sets.set('elements', elements);
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

export function parseFiles(reply: string, known: Map<string, string>): string[] {
  const out: string[] = [];
  for (const raw of fencedBlock(reply).split('\n')) {
    const path = raw
      .trim()
      .replace(/^(?:[-*]|\d+[.)])\s+/, '')
      .replace(/^`|`$/g, '')
      .replace(/^\.\//, '');
    if (known.has(path) && !out.includes(path)) out.push(path);
  }
  return out.slice(0, MAX_FILES);
}

function parseElements(reply: string, files: string[], p: Prepared): Location[] {
  const out: Location[] = [];
  for (const raw of fencedBlock(reply).split('\n')) {
    const m = /^\s*[-*]?\s*`?([^\s:`]+)`?\s*:\s*(?:(?:function|class|method|def)\s+)?`?([\w.$]+)`?/.exec(raw);
    if (!m || !files.includes(m[1]!)) continue;
    for (const d of p.index.definitions(m[2]!)) {
      if (d.path !== m[1]) continue;
      const loc = { path: d.path, start: d.symbol.startLine, end: d.symbol.endLine };
      if (!out.some((o) => o.path === loc.path && o.start === loc.start)) out.push(loc);
    }
  }
  return out;
}

export function parseLocations(reply: string, known: Map<string, string>): Location[] {
  const out: Location[] = [];
  for (const m of fencedBlock(reply).matchAll(/([^\s:`]+):(\d+)(?:-(\d+))?/g)) {
    const path = m[1]!.replace(/^\.\//, '');
    const source = known.get(path);
    if (source === undefined) continue;
    const lines = source.split('\n').length;
    const start = Math.max(1, Number(m[2]));
    const end = Math.min(lines, Math.max(start, Number(m[3] ?? m[2])));
    if (start <= lines) out.push({ path, start, end });
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
