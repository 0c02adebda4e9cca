import { renderPrompt } from '../core/index.js';
import { z } from 'zod';
import { defineTool } from './tool.js';

const schema = z
  .object({
    summary: z.string().optional().describe('One or two sentences on what the change does and why.'),
  })
  .strict();

/** The files a git patch touches, from its `diff --git a/x b/y` lines. */
export function patchFiles(patch: string): string[] {
  const files = new Set<string>();
  for (const m of patch.matchAll(/^diff --git a\/(.+?) b\/(.+)$/gm)) files.add(m[2]!);
  return [...files];
}

/** Ends the run: the sandbox's diff against HEAD (new files included) is the final patch. */
export const submitTool = defineTool({
  name: 'submit',
  description:
    'Finish: submit the repository changes you made as the final patch. Call it once, when the fix is done and checked.',
  schema,
  actions: () => [],
  describe: () => 'submit',
  async execute(_a, ctx) {
    const patch = await ctx.sandbox.diff();
    if (patch.trim() === '') return { text: renderPrompt('tools/submit-empty', {}), isError: true };
    const files = patchFiles(patch);
    return {
      text: `Submitted a patch of ${files.length} file${files.length === 1 ? '' : 's'} (${files.join(', ')}):\n${patch.replace(/\n$/, '')}`,
      isError: false,
      submitted: { patch, files },
    };
  },
});
