import type { SearchReplaceBlock } from './search-replace.js';

/**
 * Edit blocks from a reply written as a patch instead of SEARCH/REPLACE blocks: a unified diff
 * (```diff fences, `--- a/x` / `+++ b/x`, `@@` hunks) or the `*** Begin Patch` format
 * (`*** Update File: x`, `@@`, then ` `/`-`/`+` lines) that some models were trained to write.
 * Each hunk becomes one block: its context and removed lines are the SEARCH side, its context
 * and added lines the REPLACE side. Hunk line numbers and counts are ignored (models get them
 * wrong; the applier finds the text), so is `\ No newline at end of file`. A new file
 * (`--- /dev/null`, `*** Add File:`) is a block with an empty SEARCH; a deleted file cannot be
 * written as a block and is skipped. The parser for SEARCH/REPLACE replies stays as aider reads
 * them (`parseEditBlocks`); a caller turns to this only when a reply has no blocks at all.
 */
export function editBlocksFromDiff(text: string): SearchReplaceBlock[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const blocks: SearchReplaceBlock[] = [];
  let path: string | undefined;
  let newFile = false;
  let skip = false; // a deleted file's hunks
  let hunk: { search: string[]; replace: string[]; blankTail: number } | null = null;
  // After `*** Update File:` the lines may start without an `@@`.
  let patchBody = false;

  const flush = () => {
    if (hunk && !skip) {
      // Blank lines a model leaves after a hunk (before prose or a fence) are not context.
      const tail = hunk.blankTail;
      const search = hunk.search.slice(0, hunk.search.length - tail);
      const replace = hunk.replace.slice(0, hunk.replace.length - tail);
      if (search.join('\n') !== replace.join('\n'))
        blocks.push({
          ...(path ? { path } : {}),
          search: newFile ? '' : joinLines(search),
          replace: joinLines(replace),
        });
    }
    hunk = null;
  };
  const startFile = (p: string | undefined, isNew: boolean, deleted: boolean) => {
    flush();
    path = p;
    newFile = isNew;
    skip = deleted;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const patchHeader = /^\*\*\* (Update|Add|Delete) File: (.+)$/.exec(line);
    if (patchHeader) {
      startFile(cleanPath(patchHeader[2]!), patchHeader[1] === 'Add', patchHeader[1] === 'Delete');
      patchBody = true;
      if (patchHeader[1] === 'Add') hunk = { search: [], replace: [], blankTail: 0 };
      continue;
    }
    if (line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
      const from = cleanPath(lines[i]!.slice(4));
      const to = cleanPath(lines[i + 1]!.slice(4));
      startFile(to === '/dev/null' ? from : to, from === '/dev/null', to === '/dev/null');
      patchBody = false;
      i++;
      continue;
    }
    if (
      line.startsWith('diff --git ') ||
      line.startsWith('*** End Patch') ||
      line.startsWith('*** Begin Patch')
    ) {
      flush();
      patchBody = false;
      continue;
    }
    if (/^@@( |$)/.test(line)) {
      flush();
      hunk = { search: [], replace: [], blankTail: 0 };
      continue;
    }
    if (!hunk && patchBody && /^[ +-]/.test(line)) hunk = { search: [], replace: [], blankTail: 0 };
    if (!hunk) continue;
    const kind = line[0];
    if (kind === ' ' || line === '') {
      hunk.search.push(line.slice(1));
      hunk.replace.push(line.slice(1));
      hunk.blankTail = line === '' ? hunk.blankTail + 1 : 0;
    } else if (kind === '-') {
      hunk.search.push(line.slice(1));
      hunk.blankTail = 0;
    } else if (kind === '+') {
      hunk.replace.push(line.slice(1));
      hunk.blankTail = 0;
    } else if (kind === '\\') {
      // `\ No newline at end of file`
    } else {
      // A fence, prose or a header ends the hunk.
      flush();
      patchBody = false;
    }
  }
  flush();
  return blocks;
}

function joinLines(ls: string[]): string {
  return ls.length === 0 ? '' : `${ls.join('\n')}\n`;
}

function cleanPath(raw: string): string {
  const p = raw
    .split('\t')[0]!
    .trim()
    .replace(/^["'`]|["'`]$/g, '');
  return p === '/dev/null' ? p : p.replace(/^[ab]\//, '').replace(/^\.\//, '');
}
