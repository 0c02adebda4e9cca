import { parseTextToolCalls, renderPrompt, type ToolSpec } from '../model/index.js';
import type { ActionFormat } from './action-format.js';

const COMMAND_FENCE = /```(?:bash|sh|shell|console)?[ \t]*\n([\s\S]*?)```/g;

/**
 * The text action format, for models without reliable function calling: no tools are sent;
 * the model acts by writing, in its reply's content, either one fenced shell command (as
 * mini-swe-agent asks: exactly one ```bash block a reply), or tool calls in the shapes chat
 * templates use (`<tool_call>{"name": ..., "arguments": ...}</tool_call>`, Qwen3-Coder's
 * `<function=...>`). Both run through the same toolbox, policy and sandbox as native calls;
 * results come back as user turns.
 */
export function textActions(): ActionFormat {
  let names: string[] = [];
  return {
    name: 'text',
    tools: (specs) => {
      names = specs.map((s) => s.name);
      return undefined;
    },
    parse: (reply) => {
      const content = reply.content ?? '';
      const written = parseTextToolCalls(content, names);
      if (written.length > 0) return { kind: 'actions', calls: written };
      const commands = [...content.matchAll(COMMAND_FENCE)].filter((m) =>
        /^```(bash|sh|shell|console)?[ \t]*\n/.test(m[0]),
      );
      const shell = commands.filter((m) => /^```(bash|sh|shell|console)/.test(m[0]));
      if (shell.length > 1 || (shell.length === 0 && commands.length > 1 && names.includes('bash')))
        return {
          kind: 'format_error',
          feedback: renderPrompt('agent/text-one-action', { count: shell.length || commands.length }),
        };
      const one =
        shell[0] ??
        (commands.length === 1 && !/<<<<<<< SEARCH/.test(commands[0]![1]!) ? commands[0] : undefined);
      if (one && names.includes('bash'))
        return {
          kind: 'actions',
          calls: [
            { id: 'text_command', name: 'bash', arguments: JSON.stringify({ command: one[1]!.trim() }) },
          ],
        };
      return { kind: 'answer', text: content };
    },
    instructions: (specs) => textActionInstructions(specs),
    observation: (result) => ({
      role: 'user',
      content: renderPrompt('agent/text-observation', {
        tool: result.event.tool,
        output: result.observation.content,
      }),
    }),
  };
}

/** What the model is told about acting in text: the tools, their arguments, and the shapes. */
export function textActionInstructions(specs: readonly ToolSpec[]): string {
  const tools = specs
    .map((s) => `- ${s.name}: ${s.description} Arguments: ${JSON.stringify(s.parameters.properties ?? {})}`)
    .join('\n');
  return renderPrompt('agent/text-actions', { tools });
}
