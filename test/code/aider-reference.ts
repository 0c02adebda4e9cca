/**
 * The reference parser for SEARCH/REPLACE replies, ported line for line from aider's
 * `find_original_update_blocks`, `find_filename` and `strip_filename`
 * (github.com/Aider-AI/aider, aider/coders/editblock_coder.py at commit
 * 0006d70a7c02aba0f078b0105e466c88466e2292; Apache-2.0). Used only as the oracle in tests:
 * on every reply it reads without an error, drydock's parser must give the same edits.
 */
export interface ReferenceBlock {
  path: string;
  search: string;
  replace: string;
}

const HEAD = '<<<<<<< SEARCH';
const DIVIDER = '=======';
const UPDATED = '>>>>>>> REPLACE';
const SHELL_STARTS = [
  '```bash',
  '```sh',
  '```shell',
  '```cmd',
  '```batch',
  '```powershell',
  '```ps1',
  '```zsh',
  '```fish',
  '```ksh',
  '```csh',
  '```tcsh',
];

/** Python's str.splitlines(keepends=True) for the line ends model replies contain. */
function splitlinesKeepends(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\n|\r|$)/g)!.filter((l, i, all) => l !== '' || i < all.length - 1);
}

/** Python's str.strip(): whitespace only. */
const strip = (s: string) => s.replace(/^\s+|\s+$/g, '');

function stripFilename(filename: string, fence: string): string | undefined {
  filename = strip(filename);
  if (filename === '...') return undefined;
  if (filename.startsWith(fence)) return undefined;
  filename = filename.replace(/:+$/, '');
  filename = filename.replace(/^#+/, '');
  filename = strip(filename);
  filename = filename.replace(/^`+|`+$/g, '');
  filename = filename.replace(/^\*+|\*+$/g, '');
  filename = filename.replace(/\\_/g, '_');
  return filename;
}

function findFilename(lines: string[], fence: string): string | undefined {
  const back = [...lines].reverse().slice(0, 3);
  for (const line of back) {
    const filename = stripFilename(line, fence);
    if (filename) return filename;
    if (!line.startsWith(fence)) return undefined;
  }
  return undefined;
}

/** Throws where aider raises ValueError; shell blocks are skipped (aider yields them as commands). */
/** The opening fence aider was using for this reply (it switches away from ``` for files that hold ```). */
export function fenceOf(content: string): string {
  for (const f of ['<source>', '<code>', '<pre>', '<codeblock>', '[source]', '````'])
    if (content.split('\n').some((l) => l.trim().startsWith(f))) return f;
  return '```';
}

export function aiderBlocks(content: string, fence = fenceOf(content)): ReferenceBlock[] {
  const lines = splitlinesKeepends(content);
  const out: ReferenceBlock[] = [];
  let i = 0;
  let current: string | undefined;
  while (i < lines.length) {
    const line = lines[i]!;
    if (SHELL_STARTS.some((s) => strip(line).startsWith(s))) {
      i += 1;
      while (i < lines.length && !strip(lines[i]!).startsWith('```')) i += 1;
      if (i < lines.length && strip(lines[i]!).startsWith('```')) i += 1;
      continue;
    }
    if (strip(line) === HEAD) {
      let filename = findFilename(lines.slice(Math.max(0, i - 3), i), fence);
      if (!filename) {
        if (current) filename = current;
        else throw new Error('Bad/missing filename');
      }
      current = filename;
      const original: string[] = [];
      i += 1;
      while (i < lines.length && strip(lines[i]!) !== DIVIDER) original.push(lines[i++]!);
      if (i >= lines.length || strip(lines[i]!) !== DIVIDER) throw new Error(`Expected ${DIVIDER}`);
      const updated: string[] = [];
      i += 1;
      while (i < lines.length && strip(lines[i]!) !== UPDATED) updated.push(lines[i++]!);
      if (i >= lines.length || strip(lines[i]!) !== UPDATED) throw new Error(`Expected ${UPDATED}`);
      out.push({ path: filename, search: original.join(''), replace: updated.join('') });
    }
    i += 1;
  }
  return out;
}
