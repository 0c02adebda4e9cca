import { afterEach, describe, expect, it } from 'vitest';
import { nativeToolCalls, runLoop, type ActionFormat, type LoopOptions } from '../../src/agent/index.js';
import {
  observationMessage,
  type ChatMessage,
  type ModelClient,
  type ScriptInput,
  type ToolCall,
  type ToolSpec,
} from '../../src/model/index.js';
import type { ToolCallResult } from '../../src/tools/index.js';
import { scripted } from '../model/helpers.js';

// The loop with the scripted model (a real client over loopback) and a recording stand-in for the
// Toolbox: the loop's contract is specs in, calls out, results back; what a tool does is the
// tools layer's and is tested there.
const specs: ToolSpec[] = [
  {
    name: 'bash',
    description: 'run',
    parameters: { type: 'object', properties: { command: { type: 'string' } } },
  },
  { name: 'submit', description: 'finish', parameters: { type: 'object', properties: {} } },
];

function recordingTools() {
  const calls: ToolCall[] = [];
  return {
    calls,
    specs,
    async run(call: ToolCall): Promise<ToolCallResult> {
      calls.push(call);
      const content = call.name === 'submit' ? 'Submitted a patch' : `ran ${call.arguments}`;
      const observation = { toolCallId: call.id, content, isError: false };
      return {
        observation,
        message: observationMessage(observation),
        event: {
          type: 'tool.call',
          callId: call.id,
          tool: call.name,
          args: JSON.parse(call.arguments || '{}') as unknown,
          policy: null,
          resources: null,
          observation: content,
          isError: false,
        },
        decision: null,
        ...(call.name === 'submit' ? { submitted: { patch: 'diff --git a/x b/x\n', files: ['x'] } } : {}),
      };
    },
  };
}

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function model(script: ScriptInput, maxTurns?: number): Promise<ModelClient> {
  const s = await scripted(script, maxTurns === undefined ? {} : { budget: { maxTurns } });
  closers.push(s.close);
  return s.client;
}

const start: ChatMessage[] = [
  { role: 'system', content: 'You fix bugs.' },
  { role: 'user', content: 'Fix it.' },
];

function options(over: Partial<LoopOptions> & Pick<LoopOptions, 'model' | 'tools'>): LoopOptions {
  return { format: nativeToolCalls, maxSteps: 5, ...over };
}

describe('the agent loop (run → step → query → execute)', () => {
  it('ends with submitted when a tool call submits, after running every call of that reply', async () => {
    const tools = recordingTools();
    const client = await model({
      turns: [
        { tool_calls: [{ name: 'bash', arguments: { command: 'ls' } }] },
        {
          tool_calls: [
            { name: 'submit', arguments: {} },
            { name: 'bash', arguments: { command: 'echo after' } },
          ],
        },
      ],
    });
    const r = await runLoop(start, options({ model: client, tools }));
    expect(r.outcome).toEqual({ kind: 'submitted', patch: 'diff --git a/x b/x\n', files: ['x'] });
    expect(r.steps).toBe(2);
    expect(tools.calls.map((c) => c.name)).toEqual(['bash', 'submit', 'bash']);
    expect(r.actions.map((a) => a.call.name)).toEqual(['bash', 'submit', 'bash']);
    // system, user, assistant, tool, assistant, tool, tool; the given messages are not mutated
    expect(r.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'tool',
      'tool',
    ]);
    expect(start).toHaveLength(2);
  });

  it('ends with answered when the model replies without an action', async () => {
    const tools = recordingTools();
    const client = await model({
      turns: [{ tool_calls: [{ name: 'bash', arguments: { command: 'ls' } }] }, { content: 'APPROVE' }],
    });
    const r = await runLoop(start, options({ model: client, tools }));
    expect(r.outcome).toEqual({ kind: 'answered', text: 'APPROVE' });
    expect(r.steps).toBe(2);
    expect(r.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'APPROVE' });
  });

  it('ends with step_limit after maxSteps model turns that neither answer nor submit', async () => {
    const tools = recordingTools();
    const client = await model({
      turns: [{ tool_calls: [{ name: 'bash', arguments: { command: 'ls' } }], repeat: true }],
    });
    const r = await runLoop(start, options({ model: client, tools, maxSteps: 3 }));
    expect(r.outcome).toEqual({ kind: 'step_limit', limit: 3 });
    expect(r.steps).toBe(3);
    expect(tools.calls).toHaveLength(3);
    expect(client.budget.spent.turns).toBe(3);
  });

  it('ends with budget_spent, carrying the error, when the budget refuses the next request', async () => {
    const tools = recordingTools();
    const client = await model(
      { turns: [{ tool_calls: [{ name: 'bash', arguments: { command: 'ls' } }], repeat: true }] },
      2,
    );
    const r = await runLoop(start, options({ model: client, tools }));
    expect(r.outcome.kind).toBe('budget_spent');
    if (r.outcome.kind !== 'budget_spent') return;
    expect(r.outcome.error.name).toBe('BudgetExceededError');
    expect(r.outcome.error.message).toMatch(/turn budget of 2/);
    // Two paid turns and their actions are kept; the third request was never sent.
    expect(r.steps).toBe(2);
    expect(tools.calls).toHaveLength(2);
    expect(client.budget.spent.turns).toBe(2);
  });

  it('ends with time_limit when the clock says so before a turn', async () => {
    const tools = recordingTools();
    const client = await model({
      turns: [{ tool_calls: [{ name: 'bash', arguments: { command: 'ls' } }], repeat: true }],
    });
    let turns = 0;
    const r = await runLoop(start, options({ model: client, tools, timedOut: () => turns++ >= 1 }));
    expect(r.outcome).toEqual({ kind: 'time_limit' });
    expect(r.steps).toBe(1);
  });

  it('takes its actions from the injected format: a format error goes back to the model and the loop goes on', async () => {
    // A toy text format: `RUN <command>` in the content is a bash call; DONE is the answer.
    const text: ActionFormat = {
      name: 'toy-text',
      tools: () => undefined,
      parse: (reply) => {
        const content = reply.content ?? '';
        const m = /^RUN (.+)$/m.exec(content);
        if (m)
          return {
            kind: 'actions',
            calls: [{ id: 'c', name: 'bash', arguments: JSON.stringify({ command: m[1] }) }],
          };
        if (content.includes('DONE')) return { kind: 'answer', text: content };
        return { kind: 'format_error', feedback: 'Write RUN <command> or DONE.' };
      },
      observation: (result) => ({ role: 'user', content: `output: ${result.observation.content}` }),
    };
    const tools = recordingTools();
    const s = await scripted({
      turns: [
        { content: 'hmm' },
        { match: 'Write RUN', content: 'RUN ls -l' },
        { match: '^output:', content: 'DONE' },
      ],
    });
    closers.push(s.close);
    const r = await runLoop(start, options({ model: s.client, tools, format: text }));
    expect(r.outcome).toEqual({ kind: 'answered', text: 'DONE' });
    expect(r.steps).toBe(3);
    expect(tools.calls[0]).toMatchObject({ name: 'bash', arguments: '{"command":"ls -l"}' });
    // No tool specs went over the wire for this format.
    expect((s.server.requests[0]!.body as { tools?: unknown }).tools).toBeUndefined();
    expect(r.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
  });
});
