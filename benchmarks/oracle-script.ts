/**
 * Oracle scripts for `drydock run-batch`: the scripted model's answers for one instance, derived
 * from its gold patch (the files, the functions, the line ranges, SEARCH/REPLACE edits that
 * rebuild the gold post-image exactly, a reproduction test from the test patch, an approving
 * review). drydock's own parser and applier check that the edits rebuild the post-image before
 * a script is written. The noisy variants add what real models write: wrong candidates beside
 * the right one, trailing spaces, a wrongly indented SEARCH, a blank SEARCH for a new file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import {
  applySearchReplace,
  buildSymbolIndex,
  parseSearchReplaceBlocks,
  type SearchReplaceBlock,
} from '../src/code/index.js';
import { diffLines } from '../src/code/diff.js';
import type { Instance } from '../src/harness/index.js';
import type { ScriptInput } from '../src/model/index.js';

export type Variant = 'clean' | 'three-candidates' | 'trailing-spaces' | 'wrong-indent' | 'blank-search';
export const VARIANTS: Variant[] = [
  'clean',
  'three-candidates',
  'trailing-spaces',
  'wrong-indent',
  'blank-search',
];

export interface GoldFile {
  path: string;
  before: string;
  after: string;
  added: boolean;
  deleted: boolean;
}

/** Pre- and post-images of every file the patch touches, from the repository at base_commit. */
export function goldFiles(gitDir: string, base: string, patch: string): GoldFile[] {
  const paths = [...patch.matchAll(/^diff --git a\/(\S+) b\/(\S+)$/gm)].map((m) => m[2]!);
  const dir = mkdtempSync(join(tmpdir(), 'drydock-oracle-'));
  try {
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const before = new Map<string, string>();
    for (const path of paths) {
      let text: string | null = null;
      try {
        text = execFileSync('git', ['--git-dir', gitDir, 'show', `${base}:${path}`], {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 ** 2,
          stdio: ['ignore', 'pipe', 'ignore'],
        });
      } catch {
        text = null; // added by the patch
      }
      if (text !== null) {
        before.set(path, text);
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
    }
    writeFileSync(join(dir, '.gold.diff'), patch);
    execFileSync('git', ['apply', '--whitespace=nowarn', '.gold.diff'], { cwd: dir, stdio: 'pipe' });
    return paths.map((path) => {
      let after = '';
      let deleted = false;
      try {
        after = readFileSync(join(dir, path), 'utf8');
      } catch {
        deleted = true;
      }
      return { path, before: before.get(path) ?? '', after, added: !before.has(path), deleted };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Group {
  /** Old and new line ranges, 0-based, end exclusive. */
  os: number;
  oe: number;
  ns: number;
  ne: number;
}

function keepEnds(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function changeGroups(before: string, after: string): Group[] {
  const groups: Group[] = [];
  let o = 0;
  let n = 0;
  let open: Group | null = null;
  for (const op of diffLines(before, after)) {
    if (op.kind === ' ') {
      if (open) groups.push(open);
      open = null;
      o++;
      n++;
      continue;
    }
    open ??= { os: o, oe: o, ns: n, ne: n };
    if (op.kind === '-') open.oe = ++o;
    else open.ne = ++n;
  }
  if (open) groups.push(open);
  return groups;
}

const count = (text: string, s: string) => {
  let k = 0;
  for (let at = text.indexOf(s); at >= 0; at = text.indexOf(s, at + 1)) k++;
  return k;
};

/**
 * SEARCH/REPLACE blocks, applied in order, that turn `before` into `after`: one per change
 * (neighbouring changes merged when their SEARCH would overlap), each with the least context
 * (from one line) that makes its SEARCH occur once in the text it applies to.
 */
export function editBlocks(before: string, after: string): SearchReplaceBlock[] {
  if (before === '') return [{ search: '', replace: after }];
  const a = keepEnds(before);
  const b = keepEnds(after);
  let groups = changeGroups(before, after);
  for (;;) {
    const blocks: SearchReplaceBlock[] = [];
    let current = before;
    let merged = false;
    for (let g = 0; g < groups.length; g++) {
      const { os, oe, ns, ne } = groups[g]!;
      const floor = g > 0 ? groups[g - 1]!.oe : 0;
      const ceil = g + 1 < groups.length ? groups[g + 1]!.os : a.length;
      let found: SearchReplaceBlock | null = null;
      for (let k = 1; k <= a.length; k++) {
        const up = Math.min(k, os - floor);
        const down = Math.min(k, ceil - oe);
        const search = a.slice(os - up, oe + down).join('');
        const replace = [...a.slice(os - up, os), ...b.slice(ns, ne), ...a.slice(oe, oe + down)].join('');
        if (search !== '' && count(current, search) === 1) {
          found = { search, replace };
          break;
        }
        if (up < k && down < k) break; // no more context to take
      }
      if (!found) {
        if (g === 0) throw new Error('no SEARCH text is unique');
        // Merge with the change above and start over.
        groups = [
          ...groups.slice(0, g - 1),
          { os: groups[g - 1]!.os, oe: oe, ns: groups[g - 1]!.ns, ne: ne },
          ...groups.slice(g + 1),
        ];
        merged = true;
        break;
      }
      const r = applySearchReplace(current, [found]);
      if (!r.ok) throw new Error(r.error.message);
      current = r.newSource;
      blocks.push(found);
    }
    if (!merged) return blocks;
  }
}

/** A section as a model writes it: whole lines (a file's missing final newline is not written). */
const asLines = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);

export function renderEdits(edits: { path: string; block: SearchReplaceBlock }[]): string {
  return edits
    .map(
      ({ path, block }) =>
        `${path}\n<<<<<<< SEARCH\n${asLines(block.search)}=======\n${asLines(block.replace)}>>>>>>> REPLACE\n`,
    )
    .join('\n');
}

/**
 * Parses a reply with drydock's parser and applies it with drydock's applier; returns what
 * differs from the gold post-images ([] when the reply rebuilds them all).
 */
export function checkReply(reply: string, files: GoldFile[]): string[] {
  const sources = new Map(files.filter((f) => !f.added).map((f) => [f.path, f.before]));
  const blocks = parseSearchReplaceBlocks(reply, { sources });
  const problems: string[] = [];
  const byPath = new Map<string, SearchReplaceBlock[]>();
  for (const b of blocks) {
    if (!b.path) {
      problems.push('a block has no path the parser recognises');
      continue;
    }
    byPath.set(b.path, [...(byPath.get(b.path) ?? []), b]);
  }
  for (const f of files) {
    if (f.deleted) continue; // said once by oracleScript: a deletion is not a SEARCH/REPLACE edit
    const bs = byPath.get(f.path) ?? [];
    const r = applySearchReplace(f.before, bs, { path: f.path });
    if (!r.ok) problems.push(`${f.path}: ${r.error.message}`);
    else if (r.newSource !== f.after)
      problems.push(
        r.newSource.replace(/\n$/, '') === f.after.replace(/\n$/, '')
          ? `${f.path}: ${FINAL_NEWLINE}`
          : `${f.path}: the edits do not rebuild the gold file`,
      );
  }
  for (const p of byPath.keys())
    if (!files.some((f) => f.path === p)) problems.push(`${p}: not in the gold patch`);
  return problems;
}

/** What a line-based edit format cannot say: adding or removing a file's final newline. */
export const FINAL_NEWLINE = 'only the final newline differs (a SEARCH/REPLACE edit cannot add or remove it)';

const isTestFile = (p: string) =>
  /(^|\/)(tests?|__tests__|spec)\//.test(p) ||
  /(^|\/)test_[^/]*\.py$|[._-](test|spec)\.[cm]?[jt]sx?$/.test(p);

/** The test patch's post-image of the file holding the FAIL_TO_PASS tests, other tests left out (pytest). */
export async function reproductionTest(
  gitDir: string,
  inst: Instance,
): Promise<{ path: string; content: string } | null> {
  if (!/^diff --git /m.test(inst.test_patch)) return null; // no test change: no reproduction test
  const files = goldFiles(gitDir, inst.base_commit, inst.test_patch).filter((f) => !f.deleted);
  const f2p = inst.FAIL_TO_PASS.map((t) => t.replace(/\[.*$/, ''));
  const target =
    files.find((f) => f2p.some((t) => t.split('::')[0] === f.path)) ??
    files.find((f) => isTestFile(f.path)) ??
    null;
  if (!target) return null;
  if (!target.path.endsWith('.py')) return { path: target.path, content: target.after };
  const keep = new Set(
    f2p.filter((t) => t.startsWith(`${target.path}::`)).map((t) => t.split('::').slice(1).join('::')),
  );
  return { path: target.path, content: keep.size ? await pruneTests(target.after, keep) : target.after };
}

/**
 * Every pytest test function whose id is not kept renamed so that pytest does not collect it
 * (`test_x` → `_oracle_skipped_test_x`): the file stays valid Python, classes keep a body. The
 * definitions and their classes come from drydock's own parser (tree-sitter), not from
 * indentation: a triple-quoted string's lines at column 0 inside a class do not end the class.
 */
export async function pruneTests(source: string, keep: Set<string>): Promise<string> {
  const index = await buildSymbolIndex([{ path: 'test_prune.py', source }]);
  const symbols = index.file('test_prune.py')?.symbols ?? [];
  const byName = new Map(symbols.map((s) => [s.qualifiedName, s]));
  // Collected by pytest: module-level functions and methods of classes nested only in classes.
  const collected = symbols.filter((s) => {
    if (!/^test/.test(s.name) || (s.kind !== 'function' && s.kind !== 'method')) return false;
    const parts = s.qualifiedName.split('.');
    return parts.slice(0, -1).every((_, i) => byName.get(parts.slice(0, i + 1).join('.'))?.kind === 'class');
  });
  const lines = source.split('\n');
  for (const s of collected) {
    if (keep.has(s.qualifiedName.split('.').join('::'))) continue;
    // The def line itself (startLine may be a decorator's).
    const def = new RegExp(`^([ \\t]*(?:async\\s+)?def\\s+)(${s.name})(\\s*\\()`);
    for (let i = s.startLine - 1; i < Math.min(s.endLine, lines.length); i++) {
      const m = def.exec(lines[i]!);
      if (!m) continue;
      lines[i] = lines[i]!.replace(m[0], `${m[1]}_oracle_skipped_${m[2]}${m[3]}`);
      break;
    }
  }
  return lines.join('\n');
}

export interface OracleScript {
  script: ScriptInput;
  /** What the checks found wrong with the scripted edits ([] when they rebuild the gold patch). */
  problems: string[];
  files: GoldFile[];
  /** False when the variant does not apply to this instance (e.g. no new file for blank-search). */
  applicable: boolean;
}

/** The scripted model's answers for one instance and variant. */
export async function oracleScript(gitDir: string, inst: Instance, variant: Variant): Promise<OracleScript> {
  const files = goldFiles(gitDir, inst.base_commit, inst.patch);
  const problems: string[] = [];
  for (const f of files)
    if (f.deleted) problems.push(`${f.path}: deleting a file cannot be written as SEARCH/REPLACE`);
  const edits = files
    .filter((f) => !f.deleted)
    .flatMap((f) => editBlocks(f.before, f.after).map((block) => ({ path: f.path, block })));
  const correct = renderEdits(edits);
  problems.push(...checkReply(correct, files));

  let applicable = true;
  let noisy = correct;
  if (variant === 'trailing-spaces')
    noisy = renderEdits(
      edits.map(({ path, block }) => ({
        path,
        block: { ...block, search: block.search.replace(/([^\n\r])(\r?\n)/g, '$1  $2') },
      })),
    );
  else if (variant === 'wrong-indent') {
    const shifted = edits.filter((e) => e.block.search.trim() !== '');
    applicable = shifted.length > 0;
    noisy = renderEdits(
      edits.map(({ path, block }) => ({
        path,
        block: { ...block, search: block.search.replace(/^(?=[^\r\n])/gm, '    ') },
      })),
    );
  } else if (variant === 'blank-search') {
    applicable = files.some((f) => f.added);
    noisy = renderEdits(
      edits.map(({ path, block }) => ({
        path,
        block: block.search === '' ? { ...block, search: '\n' } : block,
      })),
    );
  }
  if (variant !== 'clean' && variant !== 'three-candidates') {
    // The noisy edits are what a model writes; the applier has to read them as the clean ones.
    const off = checkReply(noisy, files);
    if (off.length) problems.push(...off.map((p) => `${variant}: ${p}`));
  }

  const modified = files.filter((f) => !f.added && !f.deleted);
  const source = modified.filter((f) => !isTestFile(f.path));
  const localized = source.length ? source : modified;
  const index = await buildSymbolIndex(localized.map((f) => ({ path: f.path, source: f.before })));
  const ranges: string[] = [];
  const elements: string[] = [];
  for (const f of localized) {
    for (const g of changeGroups(f.before, f.after)) {
      const start = g.os + 1;
      const end = Math.max(start, g.oe);
      ranges.push(`${f.path}:${start}-${end}`);
      const inner = (index.file(f.path)?.symbols ?? [])
        .filter((s) => s.startLine <= start && s.endLine >= end)
        .sort((x, y) => y.depth - x.depth)[0];
      if (inner && !elements.includes(`${f.path}: ${inner.qualifiedName}`))
        elements.push(`${f.path}: ${inner.qualifiedName}`);
    }
  }
  const fence = (lines: string[]) => `\`\`\`\n${lines.join('\n')}\n\`\`\`\n`;

  const repair: ScriptInput['turns'][number] =
    variant === 'three-candidates'
      ? {
          match: 'Fix the issue',
          repeat: true,
          choices: threeCandidates(edits, correct).map((content) => ({ content })),
        }
      : { match: 'Fix the issue', repeat: true, content: variant === 'clean' ? correct : noisy };
  const repro = await reproductionTest(gitDir, inst);
  const script: ScriptInput = {
    model: `oracle-${variant}`,
    turns: [
      {
        match: 'Which files would have to change',
        repeat: true,
        content: fence(localized.map((f) => f.path)),
      },
      { match: 'Which classes, functions or methods', repeat: true, content: fence(elements) },
      { match: 'Which line ranges', repeat: true, content: fence(ranges) },
      repair,
      {
        match: 'Write a test that reproduces',
        repeat: true,
        content: repro ? `\`\`\`\n${repro.content.replace(/\n?$/, '\n')}\`\`\`\n` : 'No test.',
      },
      { match: '.', repeat: true, content: 'APPROVE' },
    ],
  };
  return { script, problems, files, applicable };
}

/**
 * Two wrong candidates before the right one, so that the right one has to win on its merits:
 * one that does not parse, one that parses and changes nothing the tests see (a comment).
 */
function threeCandidates(edits: { path: string; block: SearchReplaceBlock }[], correct: string): string[] {
  const first = edits.find((e) => e.block.search !== '') ?? edits[0]!;
  const py = first.path.endsWith('.py');
  const comment = py ? '# drydock oracle: not a fix\n' : '// drydock oracle: not a fix\n';
  const lines = keepEnds(first.block.search);
  const indent = /^[ \t]*/.exec(lines.find((l) => l.trim() !== '') ?? '')![0];
  const harmless = renderEdits([
    {
      path: first.path,
      block: { search: first.block.search, replace: `${indent}${comment}${first.block.search}` },
    },
  ]);
  const broken = renderEdits([
    {
      path: first.path,
      block: {
        search: first.block.search,
        replace: `${first.block.replace}${indent}${py ? 'def (:' : 'function ( {'}\n`,
      },
    },
  ]);
  return [broken, harmless, correct];
}

export function toYaml(script: ScriptInput): string {
  return `# Oracle script generated by benchmarks/oracle.ts from the gold patch: SCRIPTED answers, not a model.\n${stringify(script, { lineWidth: 0 })}`;
}
