import { afterEach, describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  ModelClient,
  modelConfig,
  ModelRequestError,
  observationMessage,
  type ChatMessage,
  type ToolSpec,
} from '../../src/model/index.js';
import { parseToolCall } from '../../src/tools/index.js';
import { scripted } from './helpers.js';

const tools: ToolSpec[] = [
  {
    name: 'bash',
    description: 'run a shell command',
    parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
  },
];

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function open(...args: Parameters<typeof scripted>) {
  const s = await scripted(...args);
  closers.push(s.close);
  return s;
}

describe('scripted model over loopback, real OpenAI client', () => {
  it('round-trips a multi-turn tool-calling exchange', async () => {
    const { client, server, events } = await open({
      turns: [
        { match: 'failing test', tool_calls: [{ name: 'bash', arguments: { command: 'npm test' } }] },
        { match: '^1 failing', content: 'The test fails because add() subtracts.' },
      ],
    });
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You fix bugs.' },
      { role: 'user', content: 'There is a failing test.' },
    ];
    const first = await client.complete({ messages, tools });
    const call = first.choices[0]!.message.toolCalls![0]!;
    expect(call.name).toBe('bash');
    const parsed = parseToolCall(call, tools);
    expect(parsed).toMatchObject({ ok: true, args: { command: 'npm test' } });
    messages.push(first.choices[0]!.message);
    messages.push(
      observationMessage({ toolCallId: call.id, content: '1 failing: add(2,2) = 0', isError: false }),
    );

    const second = await client.complete({ messages, tools });
    expect(second.choices[0]!.message.content).toBe('The test fails because add() subtracts.');
    expect(second.turn).toBe(2);
    expect(second.scripted).toBe(true);
    expect(second.model).toBe('scripted:inline');

    // What went over the wire is the OpenAI protocol: tools, the assistant's call, the tool reply.
    const wire = server.requests[1]!.body as unknown as {
      messages: Record<string, unknown>[];
      tools: unknown[];
    };
    expect(wire.tools).toHaveLength(1);
    expect(wire.messages[2]).toMatchObject({
      role: 'assistant',
      tool_calls: [
        { id: call.id, type: 'function', function: { name: 'bash', arguments: '{"command":"npm test"}' } },
      ],
    });
    expect(wire.messages[3]).toMatchObject({ role: 'tool', tool_call_id: call.id });
    expect(second.usage.totalTokens).toBeGreaterThan(0);
    expect(client.budget.spent.turns).toBe(2);
    // The second request's event records only what the first did not already hold.
    const requests = events.filter((e) => e.type === 'model.request');
    expect(requests[0]).toMatchObject({ messageCount: 2, prefix: 0 });
    expect(requests[1]).toMatchObject({ messageCount: 4, prefix: 2 });
    expect(requests[1]!.type === 'model.request' && requests[1]!.messages.map((m) => m.role)).toEqual([
      'assistant',
      'tool',
    ]);
  });

  it('retries a 429 and succeeds, waiting as long as Retry-After says', async () => {
    const { client, events, server } = await open({
      turns: [{ fail: [{ status: 429, retry_after: 1 }], content: 'ok' }],
    });
    const started = Date.now();
    const reply = await client.complete({ messages: [{ role: 'user', content: 'hi' }] });
    const elapsed = Date.now() - started;
    expect(reply.choices[0]!.message.content).toBe('ok');
    expect(reply.attempts).toBe(2);
    // Our own backoff here is ~5 ms: only Retry-After explains a wait of a second.
    expect(elapsed).toBeGreaterThanOrEqual(950);
    const retry = events.find((e) => e.type === 'model.retry');
    expect(retry).toMatchObject({ status: 429, delayMs: 1000, delaySource: 'retry-after' });
    expect(server.requests.map((r) => r.outcome)).toEqual(['http 429', 'reply']);
  });

  it('honours retry-after-ms and refuses a Retry-After longer than it will wait', async () => {
    const short = await open({ turns: [{ fail: [{ status: 429, retry_after_ms: 120 }], content: 'ok' }] });
    await short.client.complete({ messages: [{ role: 'user', content: 'hi' }] });
    expect(short.events.find((e) => e.type === 'model.retry')).toMatchObject({ delayMs: 120 });

    const long = await open({ turns: [{ fail: [{ status: 429, retry_after: 3600 }], content: 'ok' }] });
    const err = await long.client
      .complete({ messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelRequestError);
    expect((err as ModelRequestError).code).toBe('MODEL_RATE_LIMITED');
    expect((err as Error).message).toMatch(/asked to wait 3600 s/);
  });

  it('fails with a clear typed error after 500 five times', async () => {
    const { client, server, events } = await open({
      turns: [{ fail: [{ status: 500, times: 5, message: 'engine overloaded' }], content: 'never' }],
    });
    const err = await client
      .complete({ messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelRequestError);
    const e = err as ModelRequestError;
    expect(e.code).toBe('MODEL_UNAVAILABLE');
    expect(e.status).toBe(500);
    expect(e.attempts).toBe(5);
    expect(e.message).toBe('the scripted model failed after 5 attempts: HTTP 500: engine overloaded');
    expect(e.fix).toBeTruthy();
    expect(server.requests).toHaveLength(5);
    expect(events.filter((x) => x.type === 'model.retry')).toHaveLength(4);
    expect(events.at(-1)).toMatchObject({ type: 'model.error', code: 'MODEL_UNAVAILABLE', attempts: 5 });
  });

  it('does not retry a 400 and passes the endpoint message on', async () => {
    const { client, server } = await open({
      turns: [{ fail: [{ status: 400, message: 'bad tools' }], content: 'x' }],
    });
    const err = (await client
      .complete({ messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as ModelRequestError;
    expect(err.code).toBe('MODEL_BAD_REQUEST');
    expect(err.message).toMatch(/bad tools/);
    expect(server.requests).toHaveLength(1);
  });

  it('retries connection resets and timeouts', async () => {
    const { client, server, events } = await open(
      { turns: [{ fail: [{ reset: true }, { hang_ms: 4_000 }], content: 'finally' }] },
      { timeoutMs: 1_000 },
    );
    const reply = await client.complete({ messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.choices[0]!.message.content).toBe('finally');
    expect(server.requests.map((r) => r.outcome)).toEqual(['reset', 'hang', 'reply']);
    const reasons = events
      .filter((e) => e.type === 'model.retry')
      .map((e) => (e as { reason: string }).reason);
    expect(reasons[0]).toMatch(/connection failed/);
    expect(reasons[1]).toBe('no reply within 1000 ms');
  });

  it('turns tool arguments that are not JSON into an observation saying what was wrong', async () => {
    const { client } = await open({
      turns: [
        { tool_calls: [{ name: 'bash', arguments: '{"command": "ls' }] },
        { match: 'not valid JSON', tool_calls: [{ name: 'bash', arguments: { command: 'ls' } }] },
      ],
    });
    const messages: ChatMessage[] = [{ role: 'user', content: 'list files' }];
    const first = await client.complete({ messages, tools });
    const call = first.choices[0]!.message.toolCalls![0]!;
    const parsed = parseToolCall(call, tools);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.observation.isError).toBe(true);
    expect(parsed.observation.content).toMatch(/not valid JSON/);
    // What the parser said is passed on verbatim, so the model can see where it went wrong.
    let parserSaid = '';
    try {
      JSON.parse(call.arguments);
    } catch (e) {
      parserSaid = (e as Error).message;
    }
    expect(parserSaid).not.toBe('');
    expect(parsed.observation.content).toContain(parserSaid);
    expect(parsed.observation.content).toContain('{"command":"..."}');
    messages.push(first.choices[0]!.message, observationMessage(parsed.observation));
    // The scripted model only answers the second turn if the observation reached it.
    const second = await client.complete({ messages, tools });
    expect(parseToolCall(second.choices[0]!.message.toolCalls![0]!, tools).ok).toBe(true);
  });

  it('asks for n samples natively, or tops up with parallel requests when n is ignored', async () => {
    const native = await open({
      turns: [{ choices: [{ content: 'a' }, { content: 'b' }, { content: 'c' }] }],
    });
    const r1 = await native.client.complete({ messages: [{ role: 'user', content: 'x' }], n: 3 });
    expect(r1.choices.map((c) => c.message.content)).toEqual(['a', 'b', 'c']);
    expect(native.server.requests).toHaveLength(1);

    const ignoring = await open({
      supports_n: false,
      turns: [{ content: 'a' }, { content: 'b' }, { content: 'c' }, { content: 'd' }, { content: 'e' }],
    });
    const r2 = await ignoring.client.complete({ messages: [{ role: 'user', content: 'x' }], n: 3 });
    expect(r2.choices.map((c) => c.message.content).sort()).toEqual(['a', 'b', 'c']);
    expect(ignoring.server.requests).toHaveLength(3);
    expect(ignoring.server.requests[0]!.body.n).toBe(3);
    expect(ignoring.server.requests[1]!.body.n).toBeUndefined();
    // Learned: the next turn goes straight to parallel requests.
    await ignoring.client.complete({ messages: [{ role: 'user', content: 'x' }], n: 2 });
    expect(ignoring.server.requests.slice(3).map((r) => r.body.n)).toEqual([undefined, undefined]);
    expect(r2.attempts).toBe(3);
  });

  it('ends with a typed error when the turn budget is spent, and says so in the events', async () => {
    const { client, events, server } = await open(
      { turns: [{ content: 'again', repeat: true }] },
      { budget: { maxTurns: 2 } },
    );
    const messages: ChatMessage[] = [{ role: 'user', content: 'go' }];
    await client.complete({ messages });
    await client.complete({ messages });
    const err = await client.complete({ messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect((err as BudgetExceededError).code).toBe('BUDGET_EXCEEDED');
    expect((err as BudgetExceededError).limit).toBe('turns');
    expect(server.requests).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'budget.exceeded', limit: 'turns', max: 2, used: 2 });
  });

  it('counts tokens from usage and cost from the price table against the budget', async () => {
    const { client } = await open(
      { turns: [{ content: 'a', usage: { prompt_tokens: 600, completion_tokens: 400 }, repeat: true }] },
      {
        budget: { maxCostUsd: 0.015, maxTokens: 10_000 },
        prices: { 'scripted:*': { input: 5, output: 10 } },
      },
    );
    const r = await client.complete({ messages: [{ role: 'user', content: 'x' }] });
    expect(r.usage).toEqual({ promptTokens: 600, completionTokens: 400, totalTokens: 1000 });
    expect(r.costUsd).toBeCloseTo((600 * 5 + 400 * 10) / 1e6, 12);
    await client.complete({ messages: [{ role: 'user', content: 'x' }] });
    await client.complete({ messages: [{ role: 'user', content: 'x' }] });
    const err = (await client
      .complete({ messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as BudgetExceededError;
    expect(err.limit).toBe('cost');
    expect(err.used).toBeCloseTo(0.021, 9);
    expect(err.message).toMatch(/cost budget of \$0.015 spent/);
  });

  it('refuses streaming with an OpenAI-style error body, and lists its model', async () => {
    const { server } = await open({ turns: [{ content: 'x' }] });
    const res = await fetch(`${server.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: {
        message: expect.stringMatching(/does not stream/),
        type: 'invalid_request_error',
        param: 'stream',
      },
    });
    const models = (await (await fetch(`${server.baseURL}/models`)).json()) as { data: { id: string }[] };
    expect(models.data[0]!.id).toBe('scripted:inline');
  });

  it('says clearly when the script has no turn for a request', async () => {
    const { client } = await open({ turns: [{ match: 'only this', content: 'x' }] });
    const err = (await client
      .complete({ messages: [{ role: 'user', content: 'something else' }] })
      .catch((e: unknown) => e)) as ModelRequestError;
    expect(err.code).toBe('MODEL_BAD_REQUEST');
    expect(err.message).toMatch(/no turn left in the script/);
    expect(err.message).toMatch(/something else/);
  });
});

describe('cancelling and misconfiguration', () => {
  it('a cancelled request ends with MODEL_CANCELLED, not a retry', async () => {
    const { client, server } = await open({ turns: [{ fail: [{ hang_ms: 5_000 }], content: 'late' }] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = (await client
      .complete({ messages: [{ role: 'user', content: 'hi' }] }, controller.signal)
      .catch((e: unknown) => e)) as ModelRequestError;
    expect(err).toBeInstanceOf(ModelRequestError);
    expect(err.code).toBe('MODEL_CANCELLED');
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a cost budget for a model it has no price for', async () => {
    const { server } = await open({ turns: [{ content: 'x' }] });
    expect(
      () =>
        new ModelClient({
          config: modelConfig({ model: 'gpt-unpriced', baseURL: server.baseURL, budget: { maxCostUsd: 1 } }),
        }),
    ).toThrow(/no entry for model "gpt-unpriced"/);
  });
});
