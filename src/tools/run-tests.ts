import { z } from 'zod';
import { WORKSPACE } from '../core/index.js';
import { cutNotes, killedText } from './exec-text.js';
import { defineTool, type TestCommand, type Tool } from './tool.js';

/** Lines of the end of the test output shown: summaries and failures sit there. */
export const TEST_TAIL_LINES = 80;
export const DEFAULT_TEST_TIMEOUT_MS = 600_000;

const schema = z.object({}).strict();

/**
 * The repository's test command (from the configuration, never from the model), under the
 * policy and its own limits and timeout. The model sees the exit code and the output's tail.
 */
export function runTestsTool(test: TestCommand): Tool {
  return defineTool({
    name: 'run_tests',
    description: `Run the repository's test suite. Returns pass/fail, the exit code and the last ${TEST_TAIL_LINES} lines of its output.`,
    schema,
    actions: () => [{ kind: 'shell', command: test.command }],
    describe: () => `the test command \`${test.command}\``,
    async execute(_a, ctx) {
      const t = test;
      const timeoutMs = t.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
      const limits = { ...t.limits, timeoutMs };
      const r = await ctx.sandbox.exec(t.command, {
        ...limits,
        cwd: t.cwd ?? WORKSPACE,
        env: ctx.env,
      });
      const output = [r.stdout, r.stderr]
        .filter((s) => s.length > 0)
        .join('\n')
        .replace(/\n$/, '');
      const lines = output === '' ? [] : output.split('\n');
      const tail = lines.slice(-TEST_TAIL_LINES);
      const verdict = r.exitCode === 0 ? 'Tests passed' : 'Tests failed';
      const text = [
        `${verdict} (exit code ${r.exitCode}, ${(r.wallMs / 1000).toFixed(1)} s): \`${t.command}\``,
        ...[killedText(r, timeoutMs)].filter((k): k is string => k !== null),
        lines.length > tail.length
          ? `[showing the last ${tail.length} of ${lines.length} lines of output]`
          : lines.length === 0
            ? '(no output)'
            : '--- output ---',
        ...tail,
        ...cutNotes(r),
      ].join('\n');
      return { text, isError: r.exitCode !== 0, exec: r, limits };
    },
  });
}
