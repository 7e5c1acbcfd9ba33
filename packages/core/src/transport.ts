import ky from 'ky';
import pRetry, { AbortError } from 'p-retry';
import * as v from 'valibot';
import {
  AuthenticationError,
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  MjGateError,
  NotFoundError,
  ProviderError,
  RateLimitError,
  ResponseValidationError,
  redact,
  TimeoutError,
} from './errors.js';
import type { ProviderName } from './job.js';
import { Pacer, sleep, timeoutSignal } from './sleep.js';
import type { CallOptions, Logger } from './types.js';
import { VERSION } from './version.js';

/** `read` calls are safe to repeat; `submit` calls may create (and bill) a job. */
export type CallKind = 'read' | 'submit';

/** A non-2xx answer, handed to the adapter's error mapping. */
export interface HttpFailure {
  provider: ProviderName;
  kind: CallKind;
  method: RequestSpec<unknown>['method'];
  /** The request path below the base URL, e.g. `/api/v1/message/fetch/123`. */
  path: string;
  status: number;
  /** The body parsed as JSON, or its text when it is not JSON. */
  body: unknown;
  text: string;
  headers: Headers;
  requestId?: string;
  retryAfterMs?: number;
}

export interface TransportConfig {
  provider: ProviderName;
  /** May carry a path prefix (`http://127.0.0.1:8787/apiframe`). */
  baseUrl: string;
  /** Credentials, sent only to `baseUrl`. */
  authHeaders: Record<string, string>;
  /** Values never to appear in a message or a log line (API key, webhook secret). */
  secrets?: readonly (string | undefined)[];
  fetch?: typeof globalThis.fetch;
  /** Limit for one HTTP call, in ms. Default 60 000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  logger?: Logger;
  headers?: Record<string, string>;
  /** Maps a non-2xx answer to an error. Default: {@link httpError}. */
  toError?: (failure: HttpFailure) => MjGateError;
  /**
   * Failed submissions the vendor documents as refused (the job was certainly not created), so
   * they may be retried and re-routed. Default: 429 and 503.
   */
  submitRefused?: (failure: HttpFailure) => boolean;
  /** Backoff of the retry loop (full jitter): delay = random(0, min(maxMs, baseMs·2^n)). */
  backoff?: { baseMs?: number; maxMs?: number };
  /** Minimum spacing between calls of each kind, in ms (vendor rate limits). */
  pace?: { submit?: number; read?: number };
}

/** One request. */
export interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the base URL; absolute URLs are refused so credentials never leave it. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON; or FormData as is. */
  body?: unknown;
  kind: CallKind;
  /** Validates the JSON body of a 2xx answer. */
  schema: v.GenericSchema<unknown, T>;
  headers?: Record<string, string>;
}

export interface HttpResult<T> {
  data: T;
  status: number;
  headers: Headers;
  requestId?: string;
}

/** `Retry-After` (seconds or HTTP date) or `retry-after-ms`, capped at 60 s. */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return clampRetry(Number(ms));
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return clampRetry(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : clampRetry(date - now);
}

const MAX_RETRY_AFTER_MS = 60_000;
function clampRetry(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

/** Reads a vendor's message out of the common error body shapes. */
export function vendorMessage(body: unknown, fallback = ''): string {
  if (typeof body === 'string')
    return body
      .slice(0, 500)
      .trim()
      .replace(/[.\s]+$/, '');
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const nested = b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : undefined;
    const errors = Array.isArray(b.errors) ? b.errors : undefined;
    const candidates = [
      nested?.message,
      typeof b.message === 'string' ? b.message : Array.isArray(b.message) ? b.message.join('; ') : undefined,
      errors
        ?.map((e) => (e && typeof e === 'object' ? ((e as Record<string, unknown>).msg ?? '') : String(e)))
        .join('; '),
      typeof b.error === 'string' ? b.error : undefined,
      typeof b.detail === 'string' ? b.detail : undefined,
    ];
    // Trailing periods go: our messages put their own punctuation after the vendor's words.
    for (const c of candidates) if (typeof c === 'string' && c.trim()) return c.trim().replace(/[.\s]+$/, '');
  }
  return fallback;
}

/** The generic status → error mapping adapters fall back on after their vendor's special cases. */
export function httpError(failure: HttpFailure, message = vendorMessage(failure.body)): MjGateError {
  const { provider, status, requestId, retryAfterMs } = failure;
  const said = message ? `: ${message}` : '';
  const opts = { provider, status, requestId };
  switch (true) {
    case status === 401:
      return new AuthenticationError(
        `${provider} rejected the API key (401)${said}. Check the key you configured.`,
        opts,
      );
    case status === 402:
      return new InsufficientCreditsError(`${provider} says the account is out of credits (402)${said}.`, opts);
    case status === 403:
      return new AuthenticationError(`${provider} refused access (403)${said}.`, opts);
    case status === 404:
      return new NotFoundError(`${provider} does not know this resource (404)${said}.`, opts);
    case status === 429:
      return new RateLimitError(`${provider} rate-limited the request (429)${said}. Slow down or retry later.`, {
        ...opts,
        retryAfterMs,
      });
    case status === 408:
      return new TimeoutError(`${provider} timed out the request (408)${said}.`, opts);
    case status === 451:
      return new ContentPolicyError(`${provider} refused the content (451)${said}.`, opts);
    case status >= 400 && status < 500:
      return new InvalidRequestError(`${provider} refused the request (${status})${said}.`, opts);
    default:
      return new ProviderError(`${provider} failed (${status})${said}. The vendor may be down; retry later.`, opts);
  }
}

/**
 * Network failures before a connection existed, so nothing was sent: safe to retry a submission,
 * and to re-route it. `UND_ERR_CONNECT_TIMEOUT` is undici giving up on the TCP/TLS handshake.
 */
const REFUSED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The `code` of a network error, looked up along its `cause` chain. */
function networkCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const AMBIGUOUS =
  'The request was sent, so the vendor may have created the job (and may bill it): look it up before submitting again.';

/**
 * The HTTP layer every adapter shares: ky for the request (its own retry off), p-retry as the one
 * retry loop, valibot for the body, and the vendor's error mapping.
 */
export class HttpTransport {
  readonly provider: ProviderName;
  readonly baseUrl: string;
  readonly #config: TransportConfig;
  readonly #pacers: Partial<Record<CallKind, Pacer>>;

  constructor(config: TransportConfig) {
    this.#config = config;
    this.provider = config.provider;
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.#pacers = {
      submit: config.pace?.submit ? new Pacer(config.pace.submit) : undefined,
      read: config.pace?.read ? new Pacer(config.pace.read) : undefined,
    };
  }

  /** Makes the call with retries, and validates the JSON body of the answer. */
  async request<T>(spec: RequestSpec<T>, options: CallOptions = {}): Promise<HttpResult<T>> {
    return this.#withRetries(spec, options, async (response, signal) => {
      const text = await readText(response, signal);
      const requestId = this.#requestId(response.headers);
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch (cause) {
        throw this.#badResponse(spec, `a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`, {
          status: response.status,
          requestId,
          cause,
        });
      }
      const parsed = v.safeParse(spec.schema, json);
      if (!parsed.success) {
        const issue = parsed.issues[0];
        const path = v.getDotPath(issue) ?? '(root)';
        throw this.#badResponse(
          spec,
          `a body that does not match the documented shape at \`${path}\`: ${issue.message}`,
          {
            status: response.status,
            requestId,
          },
        );
      }
      return { data: parsed.output, status: response.status, headers: response.headers, requestId };
    });
  }

  /** Makes the call with retries and returns the 2xx `Response` unread (for streams and files). */
  async send(spec: Omit<RequestSpec<unknown>, 'schema'>, options: CallOptions = {}): Promise<Response> {
    return this.#withRetries({ ...spec, schema: v.unknown() }, options, async (response) => response);
  }

  #badResponse(
    spec: RequestSpec<unknown>,
    what: string,
    opts: { status: number; requestId?: string; cause?: unknown },
  ): MjGateError {
    const submit = spec.kind === 'submit';
    // `what` quotes the vendor's body, which may echo a credential back.
    return new ResponseValidationError(
      this.#redact(
        `${this.provider} answered ${spec.method} ${spec.path} with ${what}.${submit ? ` ${AMBIGUOUS}` : ''}`,
      ),
      { provider: this.provider, ...opts, retryable: !submit, mayHaveCreatedJob: submit },
    );
  }

  #requestId(headers: Headers): string | undefined {
    return headers.get('x-request-id') ?? headers.get('x-trace-id') ?? headers.get('trace-id') ?? undefined;
  }

  #url(spec: RequestSpec<unknown>): string {
    if (!spec.path.startsWith('/') || spec.path.startsWith('//')) {
      throw new InvalidRequestError(
        `Refusing to send credentials outside ${this.provider}'s base URL (${spec.path}).`,
        {
          provider: this.provider,
        },
      );
    }
    const url = new URL(this.baseUrl + spec.path);
    for (const [k, val] of Object.entries(spec.query ?? {}))
      if (val !== undefined) url.searchParams.set(k, String(val));
    return url.toString();
  }

  async #withRetries<T, R>(
    spec: RequestSpec<T>,
    options: CallOptions,
    onOk: (response: Response, signal: AbortSignal) => Promise<R>,
  ): Promise<R> {
    const cfg = this.#config;
    const url = this.#url(spec);
    const maxRetries = cfg.maxRetries ?? 2;
    const { baseMs = 500, maxMs = 8_000 } = cfg.backoff ?? {};
    const signal = options.signal;
    let retryAfter: number | undefined;

    const attempt = async (attemptNumber: number): Promise<R> => {
      await this.#pacers[spec.kind]?.take(signal);
      try {
        return await this.#attempt(spec, url, options, attemptNumber, onOk);
      } catch (error) {
        if (signal?.aborted) throw new AbortError(asError(signal.reason));
        if (!MjGateError.isInstance(error) || !error.retryable) throw new AbortError(asError(error));
        retryAfter =
          error instanceof RateLimitError ? error.retryAfterMs : (error as { retryAfterMs?: number }).retryAfterMs;
        throw error;
      }
    };

    try {
      return await pRetry(attempt, {
        retries: maxRetries,
        signal,
        // p-retry's own delay is off: the full-jitter / Retry-After sleep below replaces it, and
        // being our own sleep, an abort cuts it short.
        minTimeout: 0,
        maxTimeout: 0,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft <= 0) return;
          const cap = Math.min(maxMs, baseMs * 2 ** (attemptNumber - 1));
          const delay = retryAfter ?? Math.round(Math.random() * cap);
          cfg.logger?.warn?.(
            `${this.provider}: ${spec.method} ${spec.path} failed (${error.message}); retry in ${delay} ms`,
            {
              attempt: attemptNumber,
              retriesLeft,
            },
          );
          await sleep(delay, signal);
        },
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw error;
    }
  }

  async #attempt<T, R>(
    spec: RequestSpec<T>,
    url: string,
    options: CallOptions,
    attemptNumber: number,
    onOk: (response: Response, signal: AbortSignal) => Promise<R>,
  ): Promise<R> {
    const cfg = this.#config;
    const provider = this.provider;
    const timeoutMs = options.timeoutMs ?? cfg.timeoutMs ?? 60_000;
    const timeout = timeoutSignal(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': `mjgate/${VERSION}`,
      ...cfg.headers,
      ...spec.headers,
      ...options.headers,
      ...cfg.authHeaders,
    };
    const isForm = typeof FormData !== 'undefined' && spec.body instanceof FormData;
    const started = Date.now();
    this.#log(`→ ${spec.method} ${url}`, { attempt: attemptNumber, headers, body: isForm ? '[form]' : spec.body });

    let response: Response;
    try {
      response = await ky(url, {
        method: spec.method,
        headers,
        ...(spec.body === undefined ? {} : isForm ? { body: spec.body as FormData } : { json: spec.body }),
        fetch: cfg.fetch,
        retry: 0,
        timeout: false,
        throwHttpErrors: false,
        signal,
      });
    } catch (cause) {
      timeout.clear();
      if (options.signal?.aborted) throw options.signal.reason;
      const submit = spec.kind === 'submit';
      if (timeout.signal.aborted) throw this.#timedOut(spec, timeoutMs, cause);
      const code = networkCode(cause);
      const refused = code !== undefined && REFUSED_CODES.has(code);
      const detail = this.#redact(`${code ?? (cause instanceof Error ? cause.message : String(cause))}`);
      throw new ProviderError(
        refused
          ? `Could not connect to ${provider} at ${this.baseUrl} (${detail}). Check baseUrl and the network; nothing was submitted.`
          : `The connection to ${provider} failed during ${spec.method} ${spec.path} (${detail}).${submit ? ` ${AMBIGUOUS}` : ''}`,
        { provider, cause, retryable: !submit || refused, mayHaveCreatedJob: submit && !refused },
      );
    }

    this.#log(`← ${response.status} ${spec.method} ${url} in ${Date.now() - started} ms`);
    if (response.ok) {
      try {
        return await onOk(response, signal);
      } catch (cause) {
        if (options.signal?.aborted) throw options.signal.reason;
        // The headers came in time but the body did not.
        if (timeout.signal.aborted && !MjGateError.isInstance(cause)) throw this.#timedOut(spec, timeoutMs, cause);
        throw cause;
      } finally {
        timeout.clear();
      }
    }
    // The error body is bounded by the same per-call limit: a vendor that sends the status line and
    // then stalls must not hang the call. Past the limit the status alone decides the error.
    const text = await readText(response, signal).catch(() => '');
    timeout.clear();
    if (options.signal?.aborted) throw options.signal.reason;
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    const failure: HttpFailure = {
      provider,
      kind: spec.kind,
      method: spec.method,
      path: spec.path,
      status: response.status,
      body,
      text,
      headers: response.headers,
      requestId: this.#requestId(response.headers),
      retryAfterMs: parseRetryAfter(response.headers),
    };
    const error = (cfg.toError ?? httpError)(failure);
    error.message = this.#redact(error.message);
    const transient = failure.status === 408 || failure.status === 429 || failure.status >= 500;
    let retryable = error.retryable || transient;
    if (spec.kind === 'submit') {
      const refused = failure.status === 429 || (cfg.submitRefused ?? defaultRefused)(failure);
      retryable = refused && (error.retryable || transient);
      if (!refused && failure.status >= 500) {
        Object.assign(error, { mayHaveCreatedJob: true });
        error.message += ` ${AMBIGUOUS}`;
      }
    }
    Object.assign(error, { retryable, retryAfterMs: failure.retryAfterMs });
    throw error;
  }

  #timedOut(spec: RequestSpec<unknown>, timeoutMs: number, cause: unknown): TimeoutError {
    const submit = spec.kind === 'submit';
    return new TimeoutError(
      `${this.provider} did not answer ${spec.method} ${spec.path} within ${timeoutMs} ms.${submit ? ` ${AMBIGUOUS}` : ' Retry later or raise timeoutMs.'}`,
      { provider: this.provider, cause, retryable: !submit, mayHaveCreatedJob: submit },
    );
  }

  #redact(text: string): string {
    const credentials = Object.values(this.#config.authHeaders).flatMap((h) => [h, h.replace(/^\w+\s+/, '')]);
    return redact(text, [...(this.#config.secrets ?? []), ...credentials]);
  }

  #log(message: string, data?: Record<string, unknown>): void {
    const logger = this.#config.logger;
    if (!logger?.debug) return;
    const safe =
      data === undefined
        ? undefined
        : (JSON.parse(this.#redact(JSON.stringify(shorten(redactHeaders(data))))) as Record<string, unknown>);
    logger.debug(this.#redact(message), safe);
  }
}

function defaultRefused(failure: HttpFailure): boolean {
  return failure.status === 503;
}

const SENSITIVE_HEADERS = /^(authorization|x-api-key|api-key|x-webhook-secret|cookie)$/i;

const LOG_STRING_MAX = 200;

/** Long strings (base64 masks, uploads) cut short in log data: a log line is not a payload dump. */
function shorten(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.length > LOG_STRING_MAX ? `${value.slice(0, LOG_STRING_MAX)}… (${value.length} chars)` : value;
  }
  if (Array.isArray(value)) return value.map(shorten);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v)]));
  }
  return value;
}

function redactHeaders(data: Record<string, unknown>): Record<string, unknown> {
  const headers = data.headers as Record<string, string> | undefined;
  if (!headers) return data;
  return {
    ...data,
    headers: Object.fromEntries(
      Object.entries(headers).map(([k, val]) => [k, SENSITIVE_HEADERS.test(k) ? '[redacted]' : val]),
    ),
  };
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** The body as text; rejects when `signal` aborts, even with a custom fetch that ignores it. */
function readText(response: Response, signal: AbortSignal): Promise<string> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      response.body?.cancel().catch(() => {});
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    response.text().then(
      (text) => {
        signal.removeEventListener('abort', onAbort);
        resolve(text);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
