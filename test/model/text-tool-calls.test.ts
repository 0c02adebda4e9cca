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
