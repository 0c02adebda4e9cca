import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

export interface FailureInfo {
  retryable: boolean;
  /** HTTP status, or null for network errors and timeouts. */
  status: number | null;
  /** One line: "HTTP 429: Rate limit reached", "timeout after 30000 ms", "connection reset". */
  reason: string;
  /** The endpoint's requested wait, when it sent Retry-After / retry-after-ms. */
  retryAfterMs: number | null;
  kind: 'http' | 'timeout' | 'connection' | 'aborted' | 'other';
}

/** Reads `retry-after-ms` (OpenAI's), then `Retry-After` (seconds or an HTTP date). */
export function parseRetryAfter(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return null;
}

function errorMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string') return body.message;
  return err.message.replace(/^\d{3}\s*/, '');
}

/** The most specific cause in the chain: a system error code (ECONNREFUSED) or the deepest message. */
function causeText(err: Error): string {
  let text = err.message;
  let cur: unknown = (err as { cause?: unknown }).cause;
  for (let depth = 0; cur instanceof Error && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    text = cur.message;
    cur = (cur as { cause?: unknown }).cause;
  }
  return text;
}

/** Decides whether a failed request is worth another try, and says why in one line. */
export function classifyFailure(err: unknown, timeoutMs: number): FailureInfo {
  if (err instanceof APIUserAbortError)
    return { retryable: false, status: null, reason: 'cancelled', retryAfterMs: null, kind: 'aborted' };
  if (err instanceof APIConnectionTimeoutError)
    return {
      retryable: true,
      status: null,
      reason: `no reply within ${timeoutMs} ms`,
      retryAfterMs: null,
      kind: 'timeout',
    };
  if (err instanceof APIConnectionError)
    return {
      retryable: true,
      status: null,
      reason: `connection failed (${causeText(err)})`,
      retryAfterMs: null,
      kind: 'connection',
    };
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status;
    // 408 and 409 are what OpenAI's own clients retry besides 429 and 5xx.
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    return {
      retryable,
      status,
      reason: `HTTP ${status}: ${errorMessage(err)}`,
      retryAfterMs: parseRetryAfter(err.headers),
      kind: 'http',
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  // The connection dropped while the reply was coming in (undici says "terminated"; a cut
  // body fails to parse): as retryable as a reset.
  const cause = err instanceof Error ? causeText(err) : '';
  if (
    /terminated|other side closed|socket|ECONNRESET|premature close|Unexpected end of JSON|Unterminated string/i.test(
      `${message} ${cause}`,
    )
  )
    return {
      retryable: true,
      status: null,
      reason: `connection dropped mid-reply (${cause || message})`,
      retryAfterMs: null,
      kind: 'connection',
    };
  return { retryable: false, status: null, reason: message, retryAfterMs: null, kind: 'other' };
}

/** Exponential backoff with jitter: attempt 1 waits about base, then 2×, 4×, ... up to max. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
