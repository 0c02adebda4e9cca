import { z } from 'zod';
import { WORKSPACE } from '../core/index.js';
import { readForModel } from './files.js';
import { defineTool, sandboxPath, shownPath } from './tool.js';

/** Lines shown when no range is asked for, so one call cannot flood the context. */
export const VIEW_DEFAULT_LINES = 400;

const schema = z
  .object({
    path: z
      .string()
      .min(1)
      .describe(`File to show, relative to the repository root (${WORKSPACE}) or absolute.`),
    start_line: z.number().int().min(1).optional().describe('First line to show (1-based, default 1).'),
    end_line: z.number().int().min(1).optional().describe('Last line to show (inclusive, default the end).'),
  })
  .strict()
  .refine((a) => a.start_line === undefined || a.end_line === undefined || a.end_line >= a.start_line, {
    message: 'end_line must not be before start_line',
    path: ['end_line'],
  });

/** A file with line numbers, or a range of it. */
export const viewTool = defineTool({
  name: 'view',
  description: `Show a file with line numbers, or the lines start_line..end_line of it. Without a range at most ${VIEW_DEFAULT_LINES} lines are shown, and the rest is said.`,
  schema,
  actions: (a) => [{ kind: 'read', path: sandboxPath(a.path) }],
  describe: (a) => `view ${a.path}`,
  async execute(a, ctx) {
    const abs = sandboxPath(a.path);
    const read = await readForModel(ctx.sandbox, abs, 'view');
    if (!read.ok) return { text: read.observation, isError: true };
    const lines = read.text.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    const total = read.text === '' ? 0 : lines.length;
    const path = shownPath(abs);
    if (total === 0) return { text: `${path} is empty.`, isError: false };
    const start = a.start_line ?? 1;
    if (start > total)
      return {
        text: `Error: ${path} has ${total} lines, so start_line ${start} is past its end. Ask for lines 1 to ${total}.`,
        isError: true,
      };
    const asked = a.end_line ?? (a.start_line === undefined ? VIEW_DEFAULT_LINES : total);
    const end = Math.min(asked, total);
    const width = String(end).length;
    const body = lines
      .slice(start - 1, end)
      .map((l, i) => `${String(start + i).padStart(width)}\t${l}`)
      .join('\n');
    const header =
      start === 1 && end === total
        ? `${path} (${total} lines)`
        : `${path}, lines ${start}-${end} of ${total}`;
    const more =
      end < total ? `\n[${total - end} more lines: call view with start_line ${end + 1} to see them]` : '';
    return { text: `${header}\n${body}${more}`, isError: false };
  },
});
