import { describe, expect, it } from 'vitest';
import type { ToolSpec } from '../../src/core/index.js';
import { parseToolCall, refusalObservation, truncateObservation } from '../../src/tools/index.js';

const tools: ToolSpec[] = [
  {
    name: 'edit',
    description: 'replace text in a file',
    parameters: {
      type: 'object',
      properties: { path: { type: 'string' }, search: { type: 'string' }, count: { type: 'integer' } },
      required: ['path', 'search'],
    },
  },
  { name: 'submit', description: 'finish', parameters: { type: 'object', properties: {} } },
];

function observation(args: string, name = 'edit'): string {
  const r = parseToolCall({ id: 'c1', name, arguments: args }, tools);
  if (r.ok) throw new Error('expected a refusal');
  expect(r.observation).toMatchObject({ toolCallId: 'c1', isError: true });
  return r.observation.content;
}

describe('parseToolCall', () => {
  it('accepts a well-formed call and empty arguments for a tool without required ones', () => {
    expect(
      parseToolCall({ id: 'a', name: 'edit', arguments: '{"path":"a.ts","search":"x"}' }, tools),
    ).toEqual({
      ok: true,
      id: 'a',
      name: 'edit',
      args: { path: 'a.ts', search: 'x' },
    });
    expect(parseToolCall({ id: 'b', name: 'submit', arguments: '' }, tools)).toMatchObject({
      ok: true,
      args: {},
    });
  });

  it('names the unknown tool and lists the real ones', () => {
    const text = observation('{}', 'bsh');
    expect(text).toContain('no tool named `bsh`');
    expect(text).toContain('edit, submit');
  });

  it('explains arguments that are not JSON, not an object, or missing required keys', () => {
    expect(observation('{"path": "a.ts",')).toMatch(/not valid JSON[\s\S]*You sent: \{"path": "a.ts",/);
    expect(observation('["a.ts"]')).toMatch(/must be a JSON object/);
    const missing = observation('{"path":"a.ts"}');
    expect(missing).toMatch(/missing required arguments: search/);
    expect(missing).toContain('{"path":"...","search":"..."}');
  });

  it('clips a huge malformed argument string in the observation', () => {
    const text = observation(`{"path": "${'x'.repeat(5000)}`);
    expect(text.length).toBeLessThan(1200);
    expect(text).toMatch(/more characters/);
  });
});

describe('observations for the tools layer', () => {
  it('keeps the head and tail of a long output and says how much was cut', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    const r = truncateObservation(text, { maxChars: 1000 });
    expect(r.truncated).toBe(true);
    expect(r.text.startsWith('line 0\n')).toBe(true);
    expect(r.text.endsWith('line 1999')).toBe(true);
    expect(r.text).toContain(`${text.length - 1000} of ${text.length} characters left out`);
    expect(truncateObservation('short', { maxChars: 1000 })).toEqual({ text: 'short', truncated: false });
  });

  it('names the rule that denied a command, and explains ask in an unattended run', () => {
    const denied = refusalObservation('c9', 'rm -rf /', {
      decision: 'deny',
      rule: 'no-rm-root',
      reason: 'deletes /',
    });
    expect(denied).toMatchObject({ toolCallId: 'c9', isError: true });
    expect(denied.content).toMatch(
      /^Denied by the guardrail policy, so nothing ran: rm -rf \/\nRule: no-rm-root\nReason: deletes \//,
    );
    const ask = refusalObservation('c9', 'git push', {
      decision: 'ask',
      rule: 'push-needs-approval',
      reason: 'publishes',
    });
    expect(ask.content).toMatch(
      /needs a person's approval \(rule: push-needs-approval; publishes\), and this run is unattended/,
    );
  });
});
