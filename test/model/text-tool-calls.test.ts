import { describe, expect, it } from 'vitest';
import { parseTextToolCalls } from '../../src/model/index.js';

const names = ['view', 'bash', 'approve'];

describe('tool calls written as text', () => {
  it('reads <tool_call> JSON (Qwen/Hermes chat templates)', () => {
    const c = parseTextToolCalls(
      'Let me look.\n<tool_call>\n{"name": "view", "arguments": {"path": "calc/ops.py"}}\n</tool_call>',
      names,
    );
    expect(c).toEqual([{ id: 'text_call_1', name: 'view', arguments: '{"path":"calc/ops.py"}' }]);
  });

  it("reads a call written in Python's literal form, as Hermes-2-Pro writes most of its calls", () => {
    // As recorded in BFCL's results for NousResearch/Hermes-2-Pro-Mistral-7B.
    expect(
      parseTextToolCalls(
        "\n<tool_call>\n{\"arguments\": {'path': 'calc/ops.py', 'all': True, 'limit': None}, \"name\": 'view'}\n</tool_call>\n",
        names,
      ),
    ).toEqual([
      { id: 'text_call_1', name: 'view', arguments: '{"path":"calc/ops.py","all":true,"limit":null}' },
    ]);
    // Quotes inside strings survive: an apostrophe in a double-quoted string, a double quote in
    // a single-quoted one, an escaped single quote; True inside a string stays text.
    const c = parseTextToolCalls(
      `<tool_call>\n{'name': 'bash', 'arguments': {'command': 'echo "it\\'s" True', 'note': "don't"}}\n</tool_call>`,
      names,
    );
    expect(JSON.parse(c[0]!.arguments)).toEqual({ command: `echo "it's" True`, note: "don't" });
    // Quotes mixed up, and a reply cut off in its last closing tag (both recorded from Hermes-2-Pro).
    expect(
      parseTextToolCalls(
        `<tool_call>\n{"arguments": {"path': 'a.py'}, "name": 'view'}\n</tool_call>\n<tool_call>\n{"arguments": {"path": "b.py"}, "name": "view"}\n</tool`,
        names,
      ).map((c) => c.arguments),
    ).toEqual(['{"path":"a.py"}', '{"path":"b.py"}']);
    // Not a literal at all: still nothing.
    expect(
      parseTextToolCalls("<tool_call>\n{'name': 'bash', 'arguments': {'command': ls}}\n</tool_call>", names),
    ).toEqual([]);
  });

  it("reads Qwen3-Coder's XML form, with or without the wrapper", () => {
    const xml =
      '<tool_call>\n<function=bash>\n<parameter=command>\nls -la\n</parameter>\n</function>\n</tool_call>';
    expect(parseTextToolCalls(xml, names)).toEqual([
      { id: 'text_call_1', name: 'bash', arguments: '{"command":"ls -la"}' },
    ]);
    expect(parseTextToolCalls(xml.replace(/<\/?tool_call>/g, ''), names)[0]!.name).toBe('bash');
  });

  it('reads a fenced JSON call and OpenAI-shaped objects, only for known tools', () => {
    expect(parseTextToolCalls('```json\n{"name": "approve", "parameters": {}}\n```', names)[0]!.name).toBe(
      'approve',
    );
    expect(
      parseTextToolCalls(
        '{"type":"function","function":{"name":"view","arguments":"{\\"path\\":\\"a\\"}"}}',
        names,
      ),
    ).toEqual([{ id: 'text_call_1', name: 'view', arguments: '{"path":"a"}' }]);
    expect(parseTextToolCalls('```json\n{"name": "rm_rf", "arguments": {}}\n```', names)).toEqual([]);
    expect(parseTextToolCalls('The config is {"name": "x"}.', names)).toEqual([]);
  });
});
