import { z } from 'zod';
import { WORKSPACE } from '../core/index.js';
import { execText } from './exec-text.js';
import { defineTool } from './tool.js';

const schema = z
  .object({
    command: z
      .string()
      .min(1)
      .describe(`Bash source to run in the repository root (${WORKSPACE}). Each call starts a fresh shell.`),
  })
  .strict();

/** A shell command in the sandbox, under the policy and the per-call limits. */
export const bashTool = defineTool({
  name: 'bash',
  description:
    `Run a bash command in the repository (${WORKSPACE}) inside the sandbox. Returns the exit code, stdout and stderr. ` +
    'Commands are checked by a policy first; long output is cut and the cut is said.',
  schema,
  actions: (a) => [{ kind: 'shell', command: a.command }],
  describe: (a) => `\`${a.command}\``,
  async execute(a, ctx) {
    const r = await ctx.sandbox.exec(a.command, { ...ctx.limits, cwd: WORKSPACE, env: ctx.env });
    return {
      text: execText(r, ctx.limits.timeoutMs),
      isError: r.exitCode !== 0,
      exec: r,
      limits: ctx.limits,
    };
  },
});
