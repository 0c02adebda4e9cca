import OpenAI from 'openai';
import { DrydockError } from '../core/index.js';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';
import { Budget } from './budget.js';
import type { ModelConfig } from './config.js';
import { BudgetExceededError, ModelRequestError } from './errors.js';
import type { ModelEvent, RecordedMessage } from '../core/index.js';
import { addUsage, fromWire, recordMessage, toWire, usageOf } from './wire.js';
import { costOf, findPrice } from './pricing.js';
import { backoffMs, classifyFailure, sleep, type FailureInfo } from './retry.js';
import { compactMessages, estimateRequestTokens, isContextLengthError } from './context.js';
import type { ChatMessage, Completion, CompletionRequest, Usage } from './types.js';

export interface ModelClientOptions {
  config: ModelConfig;
  /** Shared with other clients of the same run; a fresh one from config.budget otherwise. */
  budget?: Budget;
  /** Called synchronously as things happen (request, retry, reply, error, budget). */
  onEvent?: (event: ModelEvent) => void;
  /** Whether the endpoint is the scripted model (set by openModel). */
  scripted?: boolean;
  /** For tests: a deterministic source of jitter. */
  random?: () => number;
}

interface OneResult {
  completion: ChatCompletion;
  attempts: number;
  /** Usage of empty replies that were asked again: paid for, so charged with this one. */
  wasted: Usage[];
}

/** A reply with no text and no tool call in any choice, that was not cut off: nothing to use. */
function isEmptyReply(c: ChatCompletion): boolean {
  return (
    c.choices.length > 0 &&
    c.choices.every(
      (ch) =>
        ch.finish_reason !== 'length' &&
        !(ch.message?.content ?? '').trim() &&
        !(ch.message?.tool_calls ?? []).length,
    )
  );
}

/**
 * Chat completions with tool calls against any OpenAI-compatible endpoint. The SDK's own
 * retries are off: this class retries 408/409/429/5xx, timeouts and connection failures
 * with backoff, honours Retry-After, and turns what is left into typed errors.
 */
export class ModelClient {
  readonly budget: Budget;
  readonly model: string;
  readonly scripted: boolean;
  /** How this model acts with tools (config `model.action_format`, `--action-format`); unset: the caller's default. */
  readonly actionFormat: 'native' | 'text' | undefined;
  private readonly sdk: OpenAI;
  private readonly config: ModelConfig;
  private readonly onEvent: (event: ModelEvent) => void;
  private readonly random: () => number;
  /** The previous request's messages as recorded, to record only what is new. */
  private lastRecorded: string[] = [];
  /** Learned in 'auto' mode: false once the endpoint returned fewer choices than `n` asked. */
  private nativeN: boolean | null = null;

  constructor(options: ModelClientOptions) {
    this.config = options.config;
    this.model = options.config.model;
    this.scripted = options.scripted ?? options.config.script !== undefined;
    this.budget = options.budget ?? new Budget(options.config.budget);
    this.actionFormat = options.config.actionFormat;
    this.onEvent = options.onEvent ?? (() => {});
    this.random = options.random ?? Math.random;
    this.sdk = new OpenAI({
      baseURL: options.config.baseURL,
      // Local servers (Ollama, llama.cpp, LM Studio) take no key, but the SDK requires one.
      apiKey: options.config.apiKey ?? 'no-key',
      maxRetries: 0,
      timeout: options.config.timeoutMs,
    });
    if (
      this.budget.limits.maxCostUsd !== undefined &&
      !this.scripted &&
      !findPrice(this.model, this.config.prices)
    )
      throw new DrydockError(
        `a cost budget is set but the price table has no entry for model "${this.model}"`,
        `add prices."${this.model}": { input: USD per 1M tokens, output: USD per 1M tokens } to the config file`,
        'PRICE_UNKNOWN',
      );
  }

  /** One model turn: n samples (default 1) for the conversation so far. */
  async complete(request: CompletionRequest, signal?: AbortSignal): Promise<Completion> {
    try {
      this.budget.checkBeforeRequest();
    } catch (err) {
      if (err instanceof BudgetExceededError)
        this.onEvent({
          type: 'budget.exceeded',
          limit: err.limit,
          max: err.max,
          used: err.used,
          message: err.message,
        });
      throw err;
    }
    const turn = this.budget.startTurn();
    const n = Math.max(1, request.n ?? 1);
    const fitted = this.fitWindow(request, turn);
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: this.model,
      messages: fitted.map(toWire),
      ...(request.tools?.length
        ? {
            tools: request.tools.map((t) => ({
              type: 'function' as const,
              function: { name: t.name, description: t.description, parameters: t.parameters },
            })),
          }
        : {}),
      ...(request.toolChoice ? { tool_choice: request.toolChoice } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    };
    this.onEvent({
      type: 'model.request',
      turn,
      model: this.model,
      ...this.recordDelta(fitted),
      tools: (request.tools ?? []).map((t) => t.name),
      n,
    });
    const started = Date.now();
    let results: OneResult[];
    try {
      try {
        results = await this.samples(body, n, turn, signal);
      } catch (err) {
        // A context-length error is recovered from: compact harder and try once more.
        if (
          !(err instanceof ModelRequestError) ||
          err.code !== 'MODEL_BAD_REQUEST' ||
          !isContextLengthError(err.message)
        )
          throw err;
        const before = estimateRequestTokens(fitted, request.tools);
        const target = Math.floor(Math.min(before, this.config.contextWindow ?? before) * 0.6);
        const c = compactMessages(fitted, target, request.tools);
        this.onEvent({
          type: 'model.compacted',
          turn,
          reason: 'context-error',
          before,
          after: estimateRequestTokens(c.messages, request.tools),
          window: this.config.contextWindow ?? null,
          shortened: c.shortened,
        });
        if (c.shortened === 0)
          throw new ModelRequestError(
            `${err.message} (and there was nothing left to shorten)`,
            'use a model with a larger context window, or set model.context_window lower',
            'MODEL_CONTEXT_LENGTH',
            err.status,
            err.attempts,
          );
        body.messages = c.messages.map(toWire);
        results = await this.samples(body, n, turn, signal);
      }
    } catch (err) {
      if (err instanceof ModelRequestError)
        this.onEvent({
          type: 'model.error',
          turn,
          code: err.code,
          message: err.message,
          attempts: err.attempts,
        });
      throw err;
    }
    // Numbered across all requests, so made-up ids of parallel samples never collide.
    const choices = results
      .flatMap((r) => r.completion.choices)
      .slice(0, n)
      .map((c, i) => fromWire(c, turn, i));
    const usage = results.flatMap((r) => [usageOf(r.completion, body), ...r.wasted]).reduce(addUsage);
    const reported = results[0]?.completion.model || this.model;
    const scripted = this.scripted || reported.startsWith('scripted:');
    // A scripted reply costs nothing unless the price table says otherwise (tests of cost budgets).
    const costUsd =
      scripted && findPrice(this.model, this.config.prices) === null
        ? 0
        : costOf(this.model, usage, this.config.prices);
    this.budget.charge(usage, costUsd);
    const completion: Completion = {
      choices,
      usage,
      costUsd,
      model: reported,
      scripted,
      attempts: results.reduce((sum, r) => sum + r.attempts, 0),
      latencyMs: Date.now() - started,
      turn,
    };
    this.onEvent({
      type: 'model.reply',
      turn,
      model: completion.model,
      scripted: completion.scripted,
      choices: choices.map((c) => ({ message: recordMessage(c.message), finishReason: c.finishReason })),
      usage,
      costUsd,
      latencyMs: completion.latencyMs,
      attempts: completion.attempts,
    });
    return completion;
  }

  /**
   * The request's messages, shortened (oldest observations first) when their estimate would
   * not leave room for the reply in the configured context window.
   */
  private fitWindow(request: CompletionRequest, turn: number): ChatMessage[] {
    const window = this.config.contextWindow;
    if (!window) return request.messages;
    const reserve = request.maxTokens ?? Math.min(4096, Math.floor(window / 4));
    const limit = Math.floor((window - reserve) * 0.9);
    const before = estimateRequestTokens(request.messages, request.tools);
    if (before <= limit) return request.messages;
    const c = compactMessages(request.messages, limit, request.tools);
    this.onEvent({
      type: 'model.compacted',
      turn,
      reason: 'window',
      before,
      after: estimateRequestTokens(c.messages, request.tools),
      window,
      shortened: c.shortened,
    });
    return c.messages;
  }

  /**
   * Each request resends the whole conversation; recording it whole would make a trajectory
   * grow with the square of its length. So an event keeps the count of leading messages it
   * shares with this client's previous request and only the rest.
   */
  private recordDelta(messages: ChatMessage[]): {
    messageCount: number;
    prefix: number;
    messages: RecordedMessage[];
  } {
    const recorded = messages.map(recordMessage);
    const keys = recorded.map((m) => JSON.stringify(m));
    let prefix = 0;
    while (
      prefix < keys.length &&
      prefix < this.lastRecorded.length &&
      keys[prefix] === this.lastRecorded[prefix]
    )
      prefix += 1;
    this.lastRecorded = keys;
    return { messageCount: recorded.length, prefix, messages: recorded.slice(prefix) };
  }

  private async samples(
    body: ChatCompletionCreateParamsNonStreaming,
    n: number,
    turn: number,
    signal?: AbortSignal,
  ): Promise<OneResult[]> {
    const useNative = n > 1 && this.config.samples !== 'parallel' && this.nativeN !== false;
    if (!useNative) return this.parallel(body, n, turn, signal);
    let first: OneResult;
    try {
      first = await this.withRetries({ ...body, n }, turn, signal);
    } catch (err) {
      // Some servers reject `n` outright (400 "n must be 1"): sample by separate requests.
      if (
        this.config.samples === 'native' ||
        !(err instanceof ModelRequestError) ||
        err.code !== 'MODEL_BAD_REQUEST' ||
        !/\bn\b|'n'|"n"|choices|multiple (samples|completions)/i.test(err.message)
      )
        throw err;
      this.nativeN = false;
      return this.parallel(body, n, turn, signal);
    }
    const got = first.completion.choices.length;
    if (got >= n || this.config.samples === 'native') {
      if (this.config.samples === 'auto' && got >= n) this.nativeN = true;
      return [first];
    }
    // The endpoint ignored `n` (Ollama, llama.cpp do): remember, and top up in parallel.
    this.nativeN = false;
    return [first, ...(await this.parallel(body, n - got, turn, signal))];
  }

  private async parallel(
    body: ChatCompletionCreateParamsNonStreaming,
    count: number,
    turn: number,
    signal?: AbortSignal,
  ): Promise<OneResult[]> {
    const results: OneResult[] = new Array(count);
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        results[i] = await this.withRetries(body, turn, signal);
      }
    };
    await Promise.all(Array.from({ length: Math.min(count, this.config.maxParallel) }, worker));
    return results;
  }

  private async withRetries(
    body: ChatCompletionCreateParamsNonStreaming,
    turn: number,
    signal?: AbortSignal,
  ): Promise<OneResult> {
    const maxAttempts = this.config.maxRetries + 1;
    const wasted: Usage[] = [];
    for (let attempt = 1; ; attempt++) {
      let failure: FailureInfo;
      try {
        const completion = await this.sdk.chat.completions.create(body, { signal });
        // Some endpoints now and then answer with nothing at all (no text, no tool call): asked
        // again like a failure, as long as attempts are left; the last one is returned as it is.
        if (!isEmptyReply(completion) || attempt >= maxAttempts)
          return { completion, attempts: attempt, wasted };
        wasted.push(usageOf(completion, body));
        failure = {
          retryable: true,
          status: null,
          reason: 'empty reply (no text and no tool call)',
          retryAfterMs: null,
          kind: 'other',
        };
      } catch (err) {
        failure = classifyFailure(err, this.config.timeoutMs);
        if (!failure.retryable) throw this.finalError(failure, attempt);
        if (attempt >= maxAttempts) throw this.finalError(failure, attempt);
      }
      let delayMs = backoffMs(
        attempt,
        this.config.retryBaseDelayMs,
        this.config.retryMaxDelayMs,
        this.random,
      );
      let delaySource: 'retry-after' | 'backoff' = 'backoff';
      if (failure.retryAfterMs !== null) {
        if (failure.retryAfterMs > this.config.retryMaxDelayMs)
          throw new ModelRequestError(
            `the model endpoint asked to wait ${Math.ceil(failure.retryAfterMs / 1000)} s (${failure.reason}), ` +
              `longer than the ${this.config.retryMaxDelayMs / 1000} s drydock waits`,
            'try again later, or raise model.retry_max_delay_ms in the config',
            'MODEL_RATE_LIMITED',
            failure.status,
            attempt,
          );
        delayMs = failure.retryAfterMs;
        delaySource = 'retry-after';
      }
      this.budget.spent.retries += 1;
      this.onEvent({
        type: 'model.retry',
        turn,
        attempt,
        reason: failure.reason,
        status: failure.status,
        delayMs,
        delaySource,
      });
      await sleep(delayMs, signal).catch(() => {
        throw new ModelRequestError('model request cancelled', undefined, 'MODEL_CANCELLED', null, attempt);
      });
    }
  }

  private finalError(f: FailureInfo, attempts: number): ModelRequestError {
    const where = this.scripted
      ? 'the scripted model'
      : `the model endpoint ${this.config.baseURL ?? '(SDK default)'}`;
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    if (f.kind === 'aborted')
      return new ModelRequestError('model request cancelled', undefined, 'MODEL_CANCELLED', null, attempts);
    if (f.status === 401 || f.status === 403)
      return new ModelRequestError(
        `${where} refused the request (${f.reason})`,
        'check OPENAI_API_KEY (or model.api_key in the config file)',
        'MODEL_AUTH',
        f.status,
        attempts,
      );
    if (f.status === 404)
      return new ModelRequestError(
        `${where} does not know model "${this.model}" or the path (${f.reason})`,
        'check DRYDOCK_MODEL and that the base URL ends with /v1',
        'MODEL_NOT_FOUND',
        f.status,
        attempts,
      );
    if (f.retryable)
      return new ModelRequestError(
        `${where} failed${tries}: ${f.reason}`,
        f.kind === 'connection'
          ? 'check that the endpoint is running and OPENAI_BASE_URL is right'
          : 'check the endpoint; retries are set by model.max_retries',
        f.kind === 'timeout'
          ? 'MODEL_TIMEOUT'
          : f.kind === 'connection'
            ? 'MODEL_UNREACHABLE'
            : 'MODEL_UNAVAILABLE',
        f.status,
        attempts,
      );
    return new ModelRequestError(
      `${where} rejected the request: ${f.reason}`,
      'check the model name and settings; this request will not succeed if retried',
      'MODEL_BAD_REQUEST',
      f.status,
      attempts,
    );
  }
}
