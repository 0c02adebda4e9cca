import { createHash } from 'node:crypto';

/**
 * A key for majority voting over candidate patches (Agentless): two patches
 * that differ only in whitespace, comments, blank lines, quote style,
 * trailing commas, JS semicolons, line wrapping or hunk context get the
 * same key. It works on the diff alone; it does not know the file around
 * the hunks, so it cannot tell two edits apart that change the same tokens
 * in different places of the same file.
 */
export function normalizePatch(diff: string): string {
  const parts = parsePatch(diff)
    .map(({ path, before, after }) => {
      const style = commentStyle(path);
      // The hunks' two sides as a whole, diffed again here: tools align the same change into
      // different -/+ runs (git's diff and drydock's pick different blank lines to keep), so
      // the runs as written are not a key; the lines each side loses and gains are.
      const [removed, added] = withoutCommonLines(
        normalizeLines(before, style),
        normalizeLines(after, style),
      );
      return { path, removed: removed.join(' '), added: added.join(' ') };
    })
    .filter((file) => file.removed !== file.added) // a reflow: same tokens, other lines
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

interface FilePatch {
  path: string;
  runs: { removed: string[]; added: string[] }[];
  /** The hunks' old and new sides, context lines included, hunk after hunk. */
  before: string[];
  after: string[];
}

/** Files and their change runs (consecutive -/+ lines) from a unified diff. */
export function parsePatch(diff: string): FilePatch[] {
  const files: FilePatch[] = [];
  let current: FilePatch | undefined;
  let run: FilePatch['runs'][number] | undefined;
  let oldPath = '';
  // Lines still due in the current hunk, from its header: a `--- ` line is a removed line only inside one.
  let oldLeft = 0;
  let newLeft = 0;
  for (const raw of diff.split('\n')) {
    const line = raw.replace(/\r$/, '');
    // Hand-written patches get counts wrong: a new file's header, or a line no hunk can hold, ends the hunk.
    if (line.startsWith('diff --git ') || !/^[-+ \\]|^$/.test(line)) oldLeft = newLeft = 0;
    const inHunk = oldLeft > 0 || newLeft > 0;
    if (!inHunk) {
      const header = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
      if (header && current) {
        oldLeft = header[1] === undefined ? 1 : Number(header[1]);
        newLeft = header[2] === undefined ? 1 : Number(header[2]);
        run = undefined;
      } else if (line.startsWith('diff --git ')) current = undefined;
      else if (line.startsWith('--- ')) oldPath = stripPrefix(line.slice(4));
      else if (line.startsWith('+++ ')) {
        const newPath = stripPrefix(line.slice(4));
        current = { path: newPath === '/dev/null' ? oldPath : newPath, runs: [], before: [], after: [] };
        files.push(current);
      }
      continue;
    }
    const kind = line[0];
    if (kind === '-' || kind === '+') {
      if (!run) current!.runs.push((run = { removed: [], added: [] }));
      if (kind === '-') {
        run.removed.push(line.slice(1));
        current!.before.push(line.slice(1));
        oldLeft--;
      } else {
        run.added.push(line.slice(1));
        current!.after.push(line.slice(1));
        newLeft--;
      }
    } else if (kind === ' ' || line === '') {
      run = undefined;
      current!.before.push(line.slice(1));
      current!.after.push(line.slice(1));
      oldLeft--;
      newLeft--;
    }
    // `\ No newline at end of file` counts for neither side.
  }
  return files;
}

function stripPrefix(path: string): string {
  const clean = path.split('\t')[0]!.trim();
  return clean === '/dev/null' ? clean : clean.replace(/^[ab]\//, '');
}

type CommentStyle = { line: string[]; block: boolean; js: boolean };

function commentStyle(path: string): CommentStyle {
  if (/\.(py|pyi|sh|bash|rb|ya?ml|toml|cfg|ini|r|pl)$/i.test(path) || !path.includes('.'))
    return { line: ['#'], block: false, js: false };
  if (/\.([cm]?[jt]sx?)$/i.test(path)) return { line: ['//'], block: true, js: true };
  if (/\.(c|h|cc|cpp|hpp|java|kt|go|rs|cs|swift|scala|php)$/i.test(path))
    return { line: ['//'], block: true, js: false };
  return { line: [], block: false, js: false };
}

const TOKEN =
  /\s+|"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`|[A-Za-z_$][\w$]*|\d[\w.]*|\/\/|\/\*|\*\/|#|[^\sA-Za-z_$\d]/g;

/** Each line as a string of its significant tokens; comment-only and blank lines become ''. */
function normalizeLines(lines: string[], style: CommentStyle): string[] {
  let inBlock = false;
  const out: string[] = [];
  for (const line of lines) {
    const tokens: string[] = [];
    for (const match of line.matchAll(TOKEN)) {
      const token = match[0];
      if (inBlock) {
        if (token === '*/') inBlock = false;
        continue;
      }
      if (style.block && token === '/*') {
        inBlock = true;
        continue;
      }
      if (style.line.includes(token)) break;
      if (/^\s/.test(token)) continue;
      if (style.js && token === ';') continue;
      tokens.push(canonicalString(token));
    }
    out.push(tokens.join(' '));
  }
  // Trailing commas are formatting: drop a ',' that closes a list, even across lines.
  const joined = out.join('\n').replace(/,(\s*)(?=[)\]}])/g, '$1');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function canonicalString(token: string): string {
  const quote = token[0];
  if (quote !== '"' && quote !== "'" && quote !== '`') return token;
  const triple = token.startsWith('"""') || token.startsWith("'''");
  const body = triple ? token.slice(3, -3) : token.slice(1, -1);
  return `"${body.replace(/\\(['"])/g, '$1')}"`;
}

/** Removes lines both sides share, in order (an LCS), so that re-typed unchanged lines do not count. */
function withoutCommonLines(a: string[], b: string[]): [string[], string[]] {
  if (a.length === 0 || b.length === 0) return [a, b];
  if (a.length * b.length > 1_000_000) return [a, b];
  const table: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i]![j] =
        a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const keepA: string[] = [];
  const keepB: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) keepA.push(a[i++]!);
    else keepB.push(b[j++]!);
  }
  keepA.push(...a.slice(i));
  keepB.push(...b.slice(j));
  return [keepA, keepB];
}
