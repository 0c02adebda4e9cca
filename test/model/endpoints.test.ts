import { afterEach, describe, expect, it } from 'vitest';
import type { ModelEvent, ScriptInput } from '../../src/model/index.js';
import { compactMessages, estimateRequestTokens } from '../../src/model/context.js';
import { scripted } from './helpers.js';

// Endpoint behaviours as real servers show them, each against the scripted server (SCRIPTED).
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
async function open(script: ScriptInput, config: Parameters<typeof scripted>[1] = {}) {
  const s = await scripted(script, config);
  closers.push(s.close);
  return s;
}
const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };
const ofType = <T extends ModelEvent['type']>(events: ModelEvent[], type: T) =>
  events.filter((e): e is Extract<ModelEvent, { type: T }> => e.type === type);

describe('endpoints as they are (scripted server)', () => {
  it('samples by separate requests when the server rejects n, and remembers it', async () => {
    const { client, server } = await open({ reject_n: true, turns: [{ content: 'one', repeat: true }] });
    const c = await client.complete({ ...ask, n: 3 });
    expect(c.choices.map((x) => x.message.content)).toEqual(['one', 'one', 'one']);
    expect(server.requests.map((r) => r.outcome)).toEqual(['refused n', 'reply', 'reply', 'reply']);
    await client.complete({ ...ask, n: 2 });
    expect(server.requests.slice(4).map((r) => r.body.n ?? 1)).toEqual([1, 1]);
  });

  it('samples by separate requests when the server ignores n', async () => {
    const { client, server } = await open({ supports_n: false, turns: [{ content: 'x', repeat: true }] });
    expect((await client.complete({ ...ask, n: 3 })).choices).toHaveLength(3);
    expect(server.requests).toHaveLength(3);
  });

  it('keeps reasoning_content in the reply and the recorded event, and never sends it back', async () => {
    const { client, events, server } = await open({
      turns: [{ content: 'APPROVE', reasoning_content: 'The loop bound is right.' }, { content: 'next' }],
    });
    const c = await client.complete(ask);
    expect(c.choices[0]!.message.reasoning).toBe('The loop bound is right.');
    const reply = ofType(events, 'model.reply')[0]!;
    expect(reply.choices[0]!.message.reasoning).toBe('The loop bound is right.');
    await client.complete({
      messages: [...ask.messages, c.choices[0]!.message, { role: 'user', content: 'go on' }],
    });
    expect(JSON.stringify(server.requests[1]!.body)).not.toContain('reasoning');
  });

  it('moves thinking written into the content (<think>…</think>, or only …</think>) to reasoning', async () => {
    const draft = 'calc/ops.py\n<<<<<<< SEARCH\nfoo\n=======\nbar\n>>>>>>> REPLACE';
    const { client } = await open({
      turns: [
        { content: `<think>\nA draft:\n${draft}\n</think>\n\nAPPROVE` },
        { content: `Template opened the tag.\n</think>\nREJECT: off by one` },
        { content: '<Thinking>cut off before the answer' },
        { content: 'Plain answer; `</div>` and <think> in prose stay.' },
      ],
    });
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push((await client.complete(ask)).choices[0]!.message);
    expect(replies[0]).toMatchObject({ content: 'APPROVE', reasoning: `A draft:\n${draft}` });
    expect(replies[1]).toMatchObject({
      content: 'REJECT: off by one',
      reasoning: 'Template opened the tag.',
    });
    expect(replies[2]).toMatchObject({ content: '', reasoning: 'cut off before the answer' });
    expect(replies[3]!.content).toBe('Plain answer; `</div>` and <think> in prose stay.');
    expect(replies[3]!.reasoning).toBeUndefined();
  });

  it('retries 429, 5xx, timeouts, resets and dropped replies with backoff, and counts them', async () => {
    const { client, server, events } = await open(
      {
        turns: [
          {
            fail: [
              { status: 429, retry_after_ms: 10 },
              { status: 503 },
              { reset: true },
              { drop: true },
              { hang_ms: 3_000 },
            ],
            content: 'finally',
          },
        ],
      },
      { timeoutMs: 800, maxRetries: 6 },
    );
    const c = await client.complete(ask);
    expect(c.choices[0]!.message.content).toBe('finally');
    expect(server.requests.map((r) => r.outcome)).toEqual([
      'http 429',
      'http 503',
      'reset',
      'drop',
      'hang',
      'reply',
    ]);
    expect(c.attempts).toBe(6);
    expect(client.budget.spent.retries).toBe(5);
    expect(ofType(events, 'model.retry').map((e) => e.delaySource)).toEqual([
      'retry-after',
      'backoff',
      'backoff',
      'backoff',
      'backoff',
    ]);
  });

  it('asks again after an empty reply (no text, no tool call), charges it, and counts it as a retry', async () => {
    const { client, server, events } = await open({
      faults: { schedule: [{ request: 1, kind: 'empty' }] },
      turns: [{ content: 'the answer', usage: { prompt_tokens: 10, completion_tokens: 5 } }],
    });
    const c = await client.complete(ask);
    expect(c.choices[0]!.message.content).toBe('the answer');
    expect(c.attempts).toBe(2);
    // Both replies were paid for: the empty one's usage is in the turn's.
    expect(c.usage.totalTokens).toBe(30);
    expect(client.budget.spent.retries).toBe(1);
    expect(ofType(events, 'model.retry')).toMatchObject([{ reason: expect.stringMatching(/^empty reply/) }]);
    expect(server.injected).toEqual([{ request: 1, kind: 'empty' }]);
  });

  it('returns the empty reply as it is when no attempt is left, and never retries a reply cut off', async () => {
    const empty = await open(
      {
        faults: { schedule: [1, 2].map((request) => ({ request, kind: 'empty' as const })) },
        turns: [{ content: 'x' }],
      },
      { maxRetries: 1 },
    );
    const e = await empty.client.complete(ask);
    expect(e.choices[0]!.message.content ?? '').toBe('');
    expect(e.attempts).toBe(2);
    const cut = await open({ turns: [{ content: '', finish_reason: 'length' }] });
    const c = await cut.client.complete(ask);
    expect(c.choices[0]!.finishReason).toBe('length');
    expect(c.attempts).toBe(1);
  });

  it('estimates usage the endpoint did not send, and marks it estimated', async () => {
    const { client } = await open({ turns: [{ content: 'no usage here', usage: null }] });
    const c = await client.complete(ask);
    expect(c.usage.estimated).toBe(true);
    expect(c.usage.totalTokens).toBeGreaterThan(0);
    expect(client.budget.spent.tokens).toBe(c.usage.totalTokens);
  });
});

describe('the context window', () => {
  const long = (n: number) => `${'observation line\n'.repeat(n)}END`;
  const conversation = [
    { role: 'system' as const, content: 'You fix bugs.' },
    { role: 'user' as const, content: 'The issue.' },
    {
      role: 'assistant' as const,
      content: null,
      toolCalls: [{ id: 'a', name: 'bash', arguments: '{"command":"ls"}' }],
    },
    { role: 'tool' as const, toolCallId: 'a', content: long(3000) },
    {
      role: 'assistant' as const,
      content: null,
      toolCalls: [{ id: 'b', name: 'bash', arguments: '{"command":"cat x"}' }],
    },
    { role: 'tool' as const, toolCallId: 'b', content: long(3000) },
    { role: 'assistant' as const, content: 'Thinking.' },
    { role: 'user' as const, content: 'Go on.' },
  ];

  it('counts tokens per request and shortens old observations before the window is exceeded', async () => {
    const { client, events, server } = await open({ turns: [{ content: 'ok' }] }, { contextWindow: 16_000 });
    expect(estimateRequestTokens(conversation)).toBeGreaterThan(20_000);
    await client.complete({ messages: conversation });
    const compacted = ofType(events, 'model.compacted')[0]!;
    expect(compacted).toMatchObject({ reason: 'window', window: 16_000 });
    expect(compacted.after).toBeLessThan(compacted.before);
    const sent = server.requests[0]!.body.messages!;
    // The conversation keeps its shape; the old observation says it was shortened.
    expect(sent.map((m) => m.role)).toEqual(conversation.map((m) => m.role));
    expect(String(sent[3]!.content)).toContain('shortened by drydock');
    expect(sent[1]!.content).toBe('The issue.');
  });

  it('recovers from a context-length error by compacting and trying again', async () => {
    const { client, events, server } = await open({
      turns: [
        {
          fail: [
            {
              status: 400,
              message:
                "This model's maximum context length is 8192 tokens. However, you requested 25000 tokens.",
            },
          ],
          content: 'ok',
        },
      ],
    });
    const c = await client.complete({ messages: conversation });
    expect(c.choices[0]!.message.content).toBe('ok');
    expect(ofType(events, 'model.compacted')[0]).toMatchObject({ reason: 'context-error' });
    expect(JSON.stringify(server.requests[1]!.body).length).toBeLessThan(
      JSON.stringify(server.requests[0]!.body).length * 0.6,
    );
  });

  it('compaction leaves short conversations alone', () => {
    const short = conversation.slice(0, 3);
    expect(compactMessages(short, 10_000).shortened).toBe(0);
  });
});

describe('fault injection', () => {
  it('injects the same faults for the same seed, and records which', async () => {
    const faults = async () => {
      const { client, server } = await open(
        {
          faults: { seed: 7, rate: 0.5, kinds: ['http_500', 'truncated'] },
          turns: [{ content: 'a\nb\nc\nd', repeat: true }],
        },
        { maxRetries: 8 },
      );
      const finish: (string | null)[] = [];
      for (let i = 0; i < 12; i++) finish.push((await client.complete(ask)).choices[0]!.finishReason);
      return { injected: server.injected, finish };
    };
    const a = await faults();
    const b = await faults();
    expect(a).toEqual(b);
    expect(a.injected.length).toBeGreaterThan(0);
    expect(a.finish).toContain('length');
  });

  it('lists a reply fault as injected only when a reply carried it (not when the script had no turn left)', async () => {
    const { client, server } = await open(
      {
        faults: { schedule: [{ request: 1, kind: 'wrong_format' }] },
        turns: [{ match: 'never sent', content: 'x' }],
      },
      { maxRetries: 0 },
    );
    await expect(client.complete(ask)).rejects.toMatchObject({ code: 'MODEL_BAD_REQUEST' });
    expect(server.injected).toEqual([]);
  });

  it('injects on a schedule, including a dropped connection and malformed tool-call JSON', async () => {
    const { client, server } = await open({
      faults: {
        schedule: [
          { request: 1, kind: 'drop' },
          { request: 2, kind: 'malformed_tool_json' },
        ],
      },
      turns: [{ tool_calls: [{ name: 'view', arguments: { path: 'calc/ops.py' } }], repeat: true }],
    });
    const c = await client.complete(ask);
    expect(() => JSON.parse(c.choices[0]!.message.toolCalls![0]!.arguments)).toThrow();
    expect(server.injected).toEqual([
      { request: 1, kind: 'drop' },
      { request: 2, kind: 'malformed_tool_json' },
    ]);
  });
});
