import { renderPrompt, type ToolCall, type ToolObservation, type ToolSpec } from '../core/index.js';

export type ParsedToolCall =
  | { ok: true; id: string; name: string; args: Record<string, unknown> }
  | { ok: false; id: string; name: string; observation: ToolObservation };

function exampleArgs(spec: ToolSpec): string {
  const props = Object.entries(spec.parameters.properties ?? {});
  const required = new Set(spec.parameters.required ?? props.map(([k]) => k));
  const example: Record<string, unknown> = {};
  for (const [key, schema] of props) {
    if (!required.has(key)) continue;
    example[key] =
      schema.type === 'number' || schema.type === 'integer' ? 0 : schema.type === 'boolean' ? false : '...';
  }
  return JSON.stringify(example);
}

function clipText(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

function refuse(call: ToolCall, prompt: string, vars: Record<string, string>): ParsedToolCall {
  return {
    ok: false,
    id: call.id,
    name: call.name,
    observation: { toolCallId: call.id, content: renderPrompt(prompt, vars), isError: true },
  };
}

/**
 * Checks one tool call before anything runs: the tool exists, its arguments are a JSON
 * object, and the required ones are there. What fails becomes an observation that tells the
 * model what was wrong and how to call again, so a bad call costs a turn, never the run.
 * Type checks beyond "required and present" are the tool's own business.
 */
export function parseToolCall(call: ToolCall, tools: readonly ToolSpec[]): ParsedToolCall {
  const spec = tools.find((t) => t.name === call.name);
  if (!spec)
    return refuse(call, 'observations/unknown-tool', {
      name: call.name,
      tools: tools.map((t) => t.name).join(', ') || '(none)',
    });
  const text = call.arguments.trim() === '' ? '{}' : call.arguments;
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch (err) {
    return refuse(call, 'observations/invalid-json', {
      name: call.name,
      error: (err as Error).message,
      sent: clipText(call.arguments),
      example: exampleArgs(spec),
    });
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    return refuse(call, 'observations/not-an-object', {
      name: call.name,
      sent: clipText(call.arguments),
      example: exampleArgs(spec),
    });
  const record = args as Record<string, unknown>;
  const missing = (spec.parameters.required ?? []).filter((k) => record[k] === undefined);
  if (missing.length > 0)
    return refuse(call, 'observations/missing-arguments', {
      name: call.name,
      missing: missing.join(', '),
      example: exampleArgs(spec),
    });
  return { ok: true, id: call.id, name: call.name, args: record };
}
