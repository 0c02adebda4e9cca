import type { ToolCall } from './types.js';

/**
 * Tool calls a model wrote into its text instead of sending them as native calls, in the
 * shapes open-weight chat templates and confused models use:
 *
 * - `<tool_call>{"name": "view", "arguments": {...}}</tool_call>` (Qwen, Hermes, many others);
 * - `<tool_call><function=view><parameter=path>a.py</parameter></function></tool_call>`
 *   (Qwen3-Coder's XML form; the `<tool_call>` wrapper may be missing);
 * - a fenced ```json block, or the whole reply, that is `{"name": ..., "arguments": ...}`
 *   (also `"parameters"`, or `{"tool": ..., "args": ...}`), for a tool in `names`;
 * - any of these with the object in Python's literal form (`{'name': 'f', 'arguments':
 *   {'x': True}}`), as Hermes-style models often write it (Hermes-2-Pro did in most of its
 *   recorded BFCL replies).
 *
 * Arguments are kept as JSON text, as a native call carries them (`parseToolCall` checks them).
 */
export function parseTextToolCalls(content: string | null, names: readonly string[]): ToolCall[] {
  if (!content) return [];
  const known = new Set(names);
  const calls: ToolCall[] = [];
  const add = (name: string, args: unknown) => {
    if (!known.has(name)) return;
    calls.push({
      id: `text_call_${calls.length + 1}`,
      name,
      arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
    });
  };
  const fromJson = (text: string): boolean => {
    let v: unknown;
    try {
      v = JSON.parse(text.trim());
    } catch {
      // Python's literal form, as Hermes-style models often write it: {'name': 'f', ...}; last,
      // quotes mixed up ({"path': 'a'}), read as the Berkeley leaderboard reads Hermes calls:
      // every ' as ". Text that is none of these still fails.
      try {
        v = JSON.parse(pythonLiteralAsJson(text.trim()));
      } catch {
        try {
          v = JSON.parse(text.trim().replaceAll("'", '"'));
        } catch {
          return false;
        }
      }
    }
    const list = Array.isArray(v) ? v : [v];
    let found = false;
    for (const item of list) {
      if (typeof item !== 'object' || item === null) continue;
      const o = item as Record<string, unknown>;
      const fn =
        typeof o.function === 'object' && o.function !== null ? (o.function as Record<string, unknown>) : o;
      const name = fn.name ?? o.tool ?? o.tool_name;
      if (typeof name !== 'string') continue;
      add(name, fn.arguments ?? fn.parameters ?? o.args ?? o.input ?? {});
      found = true;
    }
    return found;
  };
  const fromXml = (text: string) => {
    for (const m of text.matchAll(/<function=([\w.-]+)>([\s\S]*?)(?:<\/function>|$)/g)) {
      const args: Record<string, string> = {};
      for (const p of m[2]!.matchAll(/<parameter=([\w.-]+)>\n?([\s\S]*?)\n?<\/parameter>/g))
        args[p[1]!] = p[2]!;
      add(m[1]!, args);
    }
  };

  const tagged = [...content.matchAll(/<tool_call>([\s\S]*?)(?:<\/tool_call>|$)/g)];
  if (tagged.length > 0) {
    // A reply cut off in its last closing tag (`</tool`) still holds that call whole.
    for (const t of tagged) {
      const body = t[1]!.replace(/<\/?[\w]*$/, '');
      if (!fromJson(body)) fromXml(body);
    }
    return calls;
  }
  if (/<function=[\w.-]+>/.test(content)) {
    fromXml(content);
    return calls;
  }
  for (const f of content.matchAll(/```(?:json|tool_call|tool)?[^\n]*\n([\s\S]*?)```/g)) fromJson(f[1]!);
  if (calls.length === 0 && content.trim().startsWith('{')) fromJson(content);
  return calls;
}

/**
 * A Python dict literal as JSON text: single-quoted strings become JSON strings (a double quote
 * inside is escaped, `\'` unescaped), True / False / None outside strings become true / false /
 * null. Anything else is left as it is, so what is not such a literal still fails to parse.
 */
const CONSTANT = /(True|False|None)(?![\w$])/y;

function pythonLiteralAsJson(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      let body = '';
      i += 1;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) {
          const next = text[i + 1]!;
          body += c === "'" && next === "'" ? "'" : `\\${next}`;
          i += 2;
          continue;
        }
        body += c === "'" && text[i] === '"' ? '\\"' : text[i];
        i += 1;
      }
      out += `"${body}"`;
      i += 1;
      continue;
    }
    CONSTANT.lastIndex = i;
    const word = CONSTANT.exec(text);
    if (word && !/[\w$]/.test(text[i - 1] ?? '')) {
      out += word[1] === 'True' ? 'true' : word[1] === 'False' ? 'false' : 'null';
      i += word[1]!.length;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}
