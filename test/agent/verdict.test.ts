import { describe, expect, it } from 'vitest';
import {
  answerOpenCalls,
  nativeToolCalls,
  reviewFormat,
  runLoop,
  textActions,
  verdictOf,
} from '../../src/agent/index.js';
import {
  observationMessage,
  type AssistantMessage,
  type ChatMessage,
  type ToolCall,
  type ToolSpec,
} from '../../src/model/index.js';
import type { ToolCallResult } from '../../src/tools/index.js';
import { scripted } from '../model/helpers.js';

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
    'I cannot give a verdict: APPROVE',
    'Not my verdict: APPROVE',
    'Result: I cannot APPROVE this',
    'LGTM?',
    'I would say LGTM, but the empty-list test fails.',
    // A verdict object quoted inside code is not the reviewer's verdict.
    'The fixture is wrong:\n```python\n{"verdict": "approved"}\n```\nIt should be rejected.',
    // Two verdict objects that disagree, or a value that is no verdict word: nothing is guessed.
    '{"verdict": "approved"}\n\nOn second thought:\n{"verdict": "changes_required"}',
    '{"verdict": "looks fine mostly"}\nAPPROVE',
    '{"approved": "maybe"}',
    '{"approved": true, "verdict": "changes_required"}',
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

  it.each([
    ['## Code Review Result\nLGTM', 'approve', 'final-line'],
    ['## Code Review Result: LBTM', 'request_changes', 'final-line'],
    ['Final decision: APPROVED', 'approve', 'final-line'],
    ['Two tests fail.\n\nCHANGES_REQUESTED', 'request_changes', 'final-line'],
    [
      'Checked.\n\nVERDICT_BEGIN\n{"verdict": "approved", "findings": []}\nVERDICT_END\n',
      'approve',
      'object',
    ],
    [
      'Review.\n```json\n{\n  "decision": "REJECT",\n  "reason": "misses n=0"\n}\n```\nSummary after it.',
      'request_changes',
      'object',
    ],
    ['{"verdict": "blocked", "findings": ["no tests"]}', 'request_changes', 'object'],
    ['```json\n{"approved": false, "issues": ["n=0 divides by zero"]}\n```', 'request_changes', 'object'],
    ['{"approved": true, "issues": []}', 'approve', 'object'],
  ])('reads the verdict written as %j', (content, verdict, how) => {
    expect(verdictOf(text(content))).toEqual({ verdict, how });
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

describe('the review format in the loop (SCRIPTED model)', () => {
  const specs: ToolSpec[] = [
    {
      name: 'bash',
      description: 'run',
      parameters: { type: 'object', properties: { command: { type: 'string' } } },
    },
  ];
  const tools = () => {
    const calls: ToolCall[] = [];
    return {
      calls,
      specs,
      async run(call: ToolCall): Promise<ToolCallResult> {
        calls.push(call);
        const observation = { toolCallId: call.id, content: 'ran', isError: false };
        return {
          observation,
          message: observationMessage(observation),
          event: {
            type: 'tool.call',
            callId: call.id,
            tool: call.name,
            args: {},
            policy: null,
            resources: null,
            observation: 'ran',
            isError: false,
          },
          decision: null,
        };
      },
    };
  };
  const start: ChatMessage[] = [{ role: 'user', content: 'Review this.' }];

  it('answers a text-written tool call with how to call it, runs the native one, and does not approve "I cannot APPROVE this"', async () => {
    const m = await scripted({
      turns: [
        {
          content:
            'Let me check.\n<tool_call>\n{"name": "bash", "arguments": {"command": "pytest"}}\n</tool_call>',
        },
        { match: 'as text', tool_calls: [{ name: 'bash', arguments: { command: 'pytest' } }] },
        { content: 'I cannot APPROVE this: a test fails.' },
      ],
    });
    try {
      const t = tools();
      const run = await runLoop(start, {
        model: m.client,
        tools: t,
        format: reviewFormat(nativeToolCalls),
        maxSteps: 5,
      });
      expect(t.calls.map((c) => c.name)).toEqual(['bash']);
      expect(run.messages.some((x) => x.role === 'user' && x.content.includes('call to bash as text'))).toBe(
        true,
      );
      expect(run.outcome.kind).toBe('answered');
      expect(verdictOf(run.messages.at(-1) as AssistantMessage).verdict).toBeNull();
      // The verdict tools are offered natively.
      expect(
        m.server.requests[0]!.body.tools!.map((x) => (x as { function: { name: string } }).function.name),
      ).toEqual(['bash', 'approve', 'request_changes']);
    } finally {
      await m.close();
    }
  });

  it('ends on an approve call and answers it so the next round is well formed', async () => {
    const m = await scripted({
      turns: [{ tool_calls: [{ name: 'approve', arguments: { summary: 'fine' } }] }],
    });
    try {
      const run = await runLoop(start, {
        model: m.client,
        tools: tools(),
        format: reviewFormat(nativeToolCalls),
        maxSteps: 3,
      });
      expect(run.outcome.kind).toBe('answered');
      expect(verdictOf(run.messages.at(-1) as AssistantMessage)).toEqual({ verdict: 'approve', how: 'tool' });
      answerOpenCalls(run.messages);
      expect(run.messages.at(-1)).toMatchObject({ role: 'tool', content: 'approve: recorded' });
    } finally {
      await m.close();
    }
  });
});

describe('the text action format (SCRIPTED model)', () => {
  const specs: ToolSpec[] = [
    {
      name: 'bash',
      description: 'run',
      parameters: { type: 'object', properties: { command: { type: 'string' } } },
    },
    {
      name: 'view',
      description: 'read',
      parameters: { type: 'object', properties: { path: { type: 'string' } } },
    },
  ];
  const recording = () => {
    const calls: ToolCall[] = [];
    return {
      calls,
      specs,
      async run(call: ToolCall): Promise<ToolCallResult> {
        calls.push(call);
        const observation = { toolCallId: call.id, content: `ran ${call.name}`, isError: false };
        return {
          observation,
          message: observationMessage(observation),
          event: {
            type: 'tool.call',
            callId: call.id,
            tool: call.name,
            args: {},
            policy: null,
            resources: null,
            observation: 'ran',
            isError: false,
          },
          decision: null,
        };
      },
    };
  };

  it('runs one fenced command or a written tool call, refuses two commands, and reads the verdict from the final line', async () => {
    const m = await scripted({
      turns: [
        { content: 'THOUGHT: run the tests.\n```bash\npytest -q\n```' },
        { content: '<tool_call>\n{"name": "view", "arguments": {"path": "calc/ops.py"}}\n</tool_call>' },
        { content: '```bash\nls\n```\n```bash\npwd\n```' },
        { match: 'exactly one action', content: 'All good.\nAPPROVE' },
      ],
    });
    try {
      const t = recording();
      const run = await runLoop([{ role: 'user', content: 'Review.' }], {
        model: m.client,
        tools: t,
        format: reviewFormat(textActions()),
        maxSteps: 6,
      });
      expect(t.calls.map((c) => [c.name, c.arguments])).toEqual([
        ['bash', '{"command":"pytest -q"}'],
        ['view', '{"path":"calc/ops.py"}'],
      ]);
      // No native tools are sent; results come back as user turns.
      expect(m.server.requests.every((r) => r.body.tools === undefined)).toBe(true);
      expect(run.messages.some((x) => x.role === 'user' && x.content.startsWith('Observation (bash):'))).toBe(
        true,
      );
      expect(run.outcome.kind).toBe('answered');
      expect(verdictOf(run.messages.at(-1) as AssistantMessage).verdict).toBe('approve');
    } finally {
      await m.close();
    }
  });

  it("any caller of the loop gets the model's configured format: text when model.action_format says so, with its instructions added once", async () => {
    const m = await scripted({
      turns: [
        { content: 'THOUGHT: look first.\n```bash\nls -la\n```' },
        { content: 'Done: the environment is set up.' },
      ],
    });
    try {
      const t = recording();
      // No `format` given (the environment-setup agent and any other caller): the model's own.
      const model = { complete: m.client.complete.bind(m.client), actionFormat: 'text' as const };
      const run = await runLoop([{ role: 'user', content: 'Set up the environment.' }], {
        model,
        tools: t,
        maxSteps: 4,
      });
      expect(t.calls.map((c) => [c.name, c.arguments])).toEqual([['bash', '{"command":"ls -la"}']]);
      expect(m.server.requests.every((r) => r.body.tools === undefined)).toBe(true);
      const first = m.server.requests[0]!.body.messages as { role: string; content: string }[];
      const told = first.filter((x) => x.role === 'user' && x.content.includes('```bash'));
      expect(told).toHaveLength(1);
      expect(told[0]!.content.startsWith('Set up the environment.')).toBe(true);
      // The second request carries the same conversation: the instructions are not added again.
      const second = JSON.stringify(m.server.requests[1]!.body.messages);
      expect(second.split('Set up the environment.').length - 1).toBe(1);
      expect(run.outcome).toEqual({ kind: 'answered', text: 'Done: the environment is set up.' });
    } finally {
      await m.close();
    }

    // Without a configured format the loop stays native: tools are sent.
    const n = await scripted({ turns: [{ content: 'nothing to do' }] });
    try {
      await runLoop([{ role: 'user', content: 'Go.' }], { model: n.client, tools: recording(), maxSteps: 2 });
      expect(n.server.requests[0]!.body.tools).toBeDefined();
    } finally {
      await n.close();
    }
  });
});
