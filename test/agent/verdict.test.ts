import { describe, expect, it } from 'vitest';
import { verdictOf } from '../../src/agent/index.js';
import type { AssistantMessage } from '../../src/model/index.js';

const text = (content: string): AssistantMessage => ({ role: 'assistant', content });
const call = (name: string, args = '{}'): AssistantMessage => ({
  role: 'assistant',
  content: null,
  toolCalls: [{ id: 'c1', name, arguments: args }],
});

describe('review verdicts', () => {
  it.each([
    'I cannot APPROVE this: the loop still skips the last element.',
    'APPROVE\n\nWait, no: the test for empty lists fails. I do not approve.',
    'Before I could APPROVE, the edge case must be handled.',
    'Would you like me to APPROVE it?',
    'NOT APPROVE',
  ])('does not approve %j', (content) => {
    expect(verdictOf(text(content)).verdict).not.toBe('approve');
  });

  it.each([
    'APPROVE',
    'The fix is right.\n\nAPPROVE',
    '**APPROVE**',
    'Verdict: APPROVE.',
    'Looks good.\n`APPROVE`\n',
  ])('approves a final line %j', (content) => {
    expect(verdictOf(text(content))).toEqual({ verdict: 'approve', how: 'final-line' });
  });

  it('takes the approve and request_changes tool calls', () => {
    expect(verdictOf(call('approve'))).toEqual({ verdict: 'approve', how: 'tool' });
    expect(verdictOf(call('request_changes', '{"reason":"misses n=0"}'))).toEqual({
      verdict: 'request_changes',
      how: 'tool',
      reason: 'misses n=0',
    });
    expect(verdictOf(call('view', '{"path":"a"}')).verdict).toBeNull();
  });
});
