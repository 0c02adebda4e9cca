import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DrydockError } from '../../core/index.js';
import {
  loadScript,
  parseScript,
  type FaultKind,
  type Script,
  type ScriptFailure,
  type ScriptInput,
  type ScriptReply,
} from './script.js';

interface WireMessage {
  role: string;
  content?: unknown;
  tool_calls?: unknown;
  tool_call_id?: string;
}

interface WireRequest {
  model?: string;
  messages?: WireMessage[];
  n?: number;
  stream?: boolean;
  tools?: unknown[];
}

export interface RecordedRequest {
  path: string;
  body: WireRequest;
  /** Which turn answered (index into script.turns), or null for failures and refusals. */
  turn: number | null;
  /** What was sent back: 'reply', 'http 429', 'reset', 'hang', 'refused'. */
  outcome: string;
}

/** A fault the server injected: which request (1-based, over all completions) and what. */
export interface InjectedFault {
  request: number;
  kind: FaultKind;
}

/** mulberry32: a small seeded generator, so a seed gives the same faults every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRANSPORT: Partial<Record<FaultKind, ScriptFailure>> = {
  http_500: { status: 500, message: 'injected fault: internal server error', times: 1 },
  http_429: { status: 429, message: 'injected fault: rate limited', retry_after_ms: 50, times: 1 },
  reset: { reset: true, times: 1 },
  drop: { drop: true, times: 1 },
};

export interface ScriptedServerOptions {
  /** A script file (YAML or JSON), or a script object. */
  script: string | ScriptInput;
  /** Only loopback is allowed; default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
}

function estimate(value: unknown): number {
  return Math.ceil(JSON.stringify(value ?? '').length / 4);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((p) => (typeof p === 'object' && p && 'text' in p ? String(p.text) : '')).join('');
  return '';
}

/**
 * An OpenAI-compatible chat-completions server on loopback that answers from a script, so
 * tests and model-less runs exercise the real client, protocol and retry paths. Every reply
 * names its model `scripted:<name>` so nothing made with it can pass for a real model's work.
 */
export class ScriptedModelServer {
  readonly requests: RecordedRequest[] = [];
  /** Every fault injected so far (`faults` in the script), in order. */
  readonly injected: InjectedFault[] = [];
  private readonly random: () => number;
  private completionRequests = 0;
  private readonly used = new Set<number>();
  /** Failures still to inject, per turn, flattened by `times`. */
  private readonly pendingFailures: ScriptFailure[][];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private completions = 0;

  private constructor(
    readonly script: Script,
    readonly model: string,
    private readonly server: Server,
  ) {
    this.random = seeded(script.faults?.seed ?? 1);
    this.pendingFailures = script.turns.map((t) =>
      t.fail.flatMap((f) => Array.from({ length: f.times }, () => f)),
    );
  }

  static async start(options: ScriptedServerOptions): Promise<ScriptedModelServer> {
    const host = options.host ?? '127.0.0.1';
    if (!['127.0.0.1', 'localhost', '::1'].includes(host))
      throw new DrydockError(
        `the scripted model only listens on loopback, not ${host}`,
        'use --host 127.0.0.1',
        'SCRIPT_HOST',
      );
    const { script, name } =
      typeof options.script === 'string'
        ? loadScript(options.script)
        : (() => {
            const s = parseScript(options.script);
            return { script: s, name: `scripted:${s.model ?? 'inline'}` };
          })();
    const server = createServer();
    const instance = new ScriptedModelServer(script, name, server);
    server.on('request', (req, res) => instance.handle(req, res));
    server.on('connection', (socket) => {
      instance.sockets.add(socket);
      socket.on('close', () => instance.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(
          new DrydockError(
            `scripted model cannot listen on ${host}:${options.port ?? 0}: ${err.message}`,
            'pick another --port',
            'SCRIPT_LISTEN',
          ),
        ),
      );
      server.listen(options.port ?? 0, host, () => resolve());
    });
    return instance;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The base URL to give an OpenAI client (ends with /v1). */
  get baseURL(): string {
    const addr = this.server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `http://${host}:${addr.port}/v1`;
  }

  /** Turns not yet used (repeating turns are never used up). */
  remainingTurns(): number {
    return this.script.turns.filter((t, i) => t.repeat || !this.used.has(i)).length;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method === 'GET' && path === '/v1/models') {
        return this.json(res, 200, {
          object: 'list',
          data: [{ id: this.model, object: 'model', created: 0, owned_by: 'drydock-scripted' }],
        });
      }
      if (req.method !== 'POST' || path !== '/v1/chat/completions') {
        return this.error(
          res,
          404,
          `the scripted model serves POST /v1/chat/completions and GET /v1/models, not ${req.method} ${path}`,
          'not_found',
        );
      }
      let body: WireRequest;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WireRequest;
      } catch (err) {
        this.requests.push({ path, body: {}, turn: null, outcome: 'refused' });
        return this.error(res, 400, `request body is not JSON: ${(err as Error).message}`, 'invalid_json');
      }
      this.completion(path, body, res);
    });
  }

  private completion(path: string, body: WireRequest, res: ServerResponse): void {
    const record = (turn: number | null, outcome: string) =>
      this.requests.push({ path, body, turn, outcome });
    if (body.stream) {
      record(null, 'refused');
      return this.error(
        res,
        400,
        'the scripted model does not stream; send "stream": false',
        'unsupported_parameter',
        'stream',
      );
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      record(null, 'refused');
      return this.error(res, 400, '"messages" must be a non-empty array', 'invalid_request', 'messages');
    }
    this.completionRequests += 1;
    if (this.script.reject_n && (body.n ?? 1) > 1) {
      record(null, 'refused n');
      return this.error(
        res,
        400,
        `this model only supports n=1, got n=${body.n}`,
        'unsupported_parameter',
        'n',
      );
    }
    const fault = this.drawFault();
    const inject = () => fault && this.injected.push({ request: this.completionRequests, kind: fault });
    const transport = fault ? TRANSPORT[fault] : undefined;
    if (transport) {
      inject();
      return this.fail(transport, res, (outcome) => record(null, `fault ${outcome}`));
    }
    if (fault === 'timeout') {
      inject();
      return this.fail({ hang_ms: this.script.faults!.hang_ms, times: 1 }, res, (o) =>
        record(null, `fault ${o}`),
      );
    }
    const index = this.pickTurn(body.messages);
    if (index === null) {
      record(null, 'refused');
      const last = body.messages.at(-1);
      return this.error(
        res,
        400,
        `scripted model ${this.model}: no turn left in the script for this request ` +
          `(${this.used.size} of ${this.script.turns.length} turns used; last message, ${last?.role}: ` +
          `${JSON.stringify(textOf(last?.content).slice(0, 120))})`,
        'script_exhausted',
      );
    }
    const failure = this.pendingFailures[index]?.shift();
    if (failure) return this.fail(failure, res, (outcome) => record(null, outcome));
    // A reply fault counts as injected only once there is a reply to damage (not on a 400).
    inject();
    const turn = this.script.turns[index]!;
    // A faulty reply does not use the turn up: the script's answer is still there for a retry.
    if (!turn.repeat && !fault) this.used.add(index);
    record(index, fault ? `fault ${fault}` : 'reply');
    const n = this.script.supports_n ? Math.max(1, body.n ?? 1) : 1;
    const replies: ScriptReply[] = turn.choices ?? [
      {
        content: turn.content,
        tool_calls: turn.tool_calls,
        finish_reason: turn.finish_reason,
        ...(turn.reasoning_content ? { reasoning_content: turn.reasoning_content } : {}),
      },
    ];
    this.completions += 1;
    const choices = Array.from({ length: n }, (_, i) => {
      const r = fault ? damage(replies[i % replies.length]!, fault) : replies[i % replies.length]!;
      const toolCalls = (r.tool_calls ?? []).map((c, j) => ({
        id: c.id ?? `call_${this.completions}_${i}_${j}`,
        type: 'function',
        function: {
          name: c.name,
          arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
        },
      }));
      return {
        index: i,
        message: {
          role: 'assistant',
          content: r.content ?? null,
          ...(r.reasoning_content ? { reasoning_content: r.reasoning_content } : {}),
          refusal: null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: r.finish_reason ?? (toolCalls.length ? 'tool_calls' : 'stop'),
        logprobs: null,
      };
    });
    const prompt = turn.usage?.prompt_tokens ?? estimate(body.messages);
    const completion = turn.usage?.completion_tokens ?? estimate(choices.map((c) => c.message));
    this.json(res, 200, {
      id: `chatcmpl-scripted-${this.completions}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: this.model,
      system_fingerprint: 'drydock-scripted',
      choices,
      ...(turn.usage === null
        ? {}
        : {
            usage: {
              prompt_tokens: prompt,
              completion_tokens: completion,
              total_tokens: prompt + completion,
            },
          }),
    });
  }

  private drawFault(): FaultKind | null {
    const f = this.script.faults;
    if (!f) return null;
    const scheduled = f.schedule.find((s) => s.request === this.completionRequests);
    if (scheduled) return scheduled.kind;
    if (f.rate > 0 && this.random() < f.rate) return f.kinds[Math.floor(this.random() * f.kinds.length)]!;
    return null;
  }

  /** The first unused turn, in script order, whose `match` (if any) fits the last message. */
  private pickTurn(messages: WireMessage[]): number | null {
    for (const [i, turn] of this.script.turns.entries()) {
      if (this.used.has(i) && !turn.repeat) continue;
      if (turn.match === undefined) return i;
      const last = [...messages]
        .reverse()
        .find((m) =>
          turn.match_role === 'any' ? m.role === 'user' || m.role === 'tool' : m.role === turn.match_role,
        );
      if (last && new RegExp(turn.match).test(textOf(last.content))) return i;
    }
    return null;
  }

  private fail(f: ScriptFailure, res: ServerResponse, record: (outcome: string) => void): void {
    if (f.reset) {
      record('reset');
      res.socket?.destroy();
      return;
    }
    if (f.drop) {
      record('drop');
      const text = JSON.stringify({ id: 'chatcmpl-dropped', object: 'chat.completion', choices: [] });
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text) * 2,
      });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      setTimeout(() => res.socket?.destroy(), 5);
      return;
    }
    if (f.hang_ms !== undefined) {
      record('hang');
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        res.socket?.destroy();
      }, f.hang_ms);
      this.timers.add(timer);
      return;
    }
    const status = f.status ?? 500;
    record(`http ${status}`);
    const headers: Record<string, string> = {};
    if (f.retry_after !== undefined) headers['retry-after'] = String(f.retry_after);
    if (f.retry_after_ms !== undefined) headers['retry-after-ms'] = String(f.retry_after_ms);
    const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request';
    this.error(res, status, f.message ?? `scripted failure: HTTP ${status}`, type, null, headers);
  }

  private json(
    res: ServerResponse,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  private error(
    res: ServerResponse,
    status: number,
    message: string,
    code: string,
    param: string | null = null,
    headers: Record<string, string> = {},
  ): void {
    const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
    this.json(res, status, { error: { message, type, param, code } }, headers);
  }
}

/** A reply as a fault makes it: empty, cut off, with broken tool-call JSON, or in the wrong format. */
function damage(r: ScriptReply, kind: FaultKind): ScriptReply {
  const text = r.content ?? '';
  switch (kind) {
    case 'empty':
      return { content: '', finish_reason: 'stop' };
    case 'truncated':
      return {
        content: text.slice(0, Math.floor(text.length * 0.6)),
        ...(r.tool_calls?.length
          ? { tool_calls: r.tool_calls.map((c) => ({ ...c, arguments: cut(c.arguments) })) }
          : {}),
        finish_reason: 'length',
      };
    case 'malformed_tool_json':
      if (r.tool_calls?.length)
        return { ...r, tool_calls: r.tool_calls.map((c) => ({ ...c, arguments: cut(c.arguments) })) };
      // Edit blocks lose their closers; a fenced answer loses its closing fence; plain prose
      // has nothing to break and is sent as it is.
      if (/>>>>>>> REPLACE/.test(text))
        return {
          content: text.replace(/>>>>>>> REPLACE/g, '=======').replace(/=======\n/, ''),
          finish_reason: 'stop',
        };
      return { content: text.replace(/\n?```\s*$/, '\n'), finish_reason: 'stop' };
    default:
      // wrong_format: prose where an answer in the asked format was due.
      return {
        content: 'I looked at the code. The fix is to correct the calculation so it returns the right value.',
        finish_reason: 'stop',
      };
  }
}

function cut(args: string | Record<string, unknown>): string {
  const text = typeof args === 'string' ? args : JSON.stringify(args);
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}
