import ky from 'ky';
import pRetry, { AbortError } from 'p-retry';
import * as v from 'valibot';
import {
  AuthenticationError,
  ContentPolicyError,
  guardSecrets,
  InsufficientCreditsError,
  InvalidRequestError,
  MjGateError,
  type MjGateErrorOptions,
  NotFoundError,
  networkCode,
  ProviderError,
  RateLimitError,
  ResponseValidationError,
  redact,
  type Submission,
  summarizeError,
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
  /**
   * For a submission: the field of the answer that names the new job (`messageId`, `task_id`). When
   * the answer breaks off mid-body, the id is salvaged from what arrived, so the job is not lost.
   */
  jobIdField?: string;
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

/**
 * Reads a vendor's message out of the common error body shapes. Any JSON is safe here: only own
 * string members are read (never `toString`, never a getter), lists are cut short, and the text is
 * bounded, so a hostile body can neither throw nor flood a message.
 */
export function vendorMessage(body: unknown, fallback = ''): string {
  if (typeof body === 'string') return tidy(body);
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const nested = own(body, 'error');
    const message = own(body, 'message');
    const candidates = [
      own(nested, 'message'),
      Array.isArray(message) ? joinTexts(message, (m) => m) : message,
      joinTexts(own(body, 'errors'), (e) => (typeof e === 'string' ? e : (own(e, 'msg') ?? own(e, 'message')))),
      nested,
      own(body, 'detail'),
    ];
    for (const c of candidates) if (typeof c === 'string' && c.trim()) return tidy(c);
  }
  return fallback;
}

const MESSAGE_MAX = 500;

/** Trailing periods go: our messages put their own punctuation after the vendor's words. */
function tidy(text: string): string {
  return text
    .slice(0, MESSAGE_MAX)
    .trim()
    .replace(/[.\s]+$/, '');
}

/** An own property of a plain JSON object, or `undefined`: prototype members are not vendor words. */
function own(value: unknown, key: string): unknown {
  if (!value || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
  return (value as Record<string, unknown>)[key];
}

function joinTexts(list: unknown, text: (item: unknown) => unknown): string | undefined {
  if (!Array.isArray(list)) return undefined;
  const texts = list
    .slice(0, 10)
    .map(text)
    .filter((t): t is string => typeof t === 'string' && t.trim() !== '');
  return texts.length ? texts.join('; ') : undefined;
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
 * and to re-route it. `UND_ERR_CONNECT_TIMEOUT` is undici giving up on the TCP/TLS handshake;
 * `ERR_INVALID_URL` is a URL fetch could not even parse.
 */
const REFUSED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
]);

/**
 * What `fetch` says when it refuses a request before opening any connection, with no errno to go
 * by: undici's "bad port" (ports it blocks, such as 6000), an unparsable URL, a scheme it does not
 * speak. Nothing was sent.
 */
const REFUSED_BEFORE_SENDING = /^(bad port|invalid url|failed to parse url|unknown scheme|url scheme must be)/i;

function refusedBeforeSending(error: unknown): boolean {
  const code = networkCode(error);
  if (code !== undefined) return REFUSED_CODES.has(code);
  const summary = summarizeError(error);
  return summary !== undefined && !MjGateError.isInstance(summary) && REFUSED_BEFORE_SENDING.test(summary.message);
}

/** Largest answer body read, in bytes: vendor answers are a few KB; a bigger one is not a vendor's. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

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
    this.baseUrl = checkedBaseUrl(config.baseUrl, config.provider);
    this.#pacers = {
      submit: config.pace?.submit ? new Pacer(config.pace.submit) : undefined,
      read: config.pace?.read ? new Pacer(config.pace.read) : undefined,
    };
  }

  /** Makes the call with retries, and validates the JSON body of the answer. */
  async request<T>(spec: RequestSpec<T>, options: CallOptions = {}): Promise<HttpResult<T>> {
    return this.#withRetries(spec, options, async (response, attempt) => {
      const requestId = this.#requestId(response.headers);
      const text = await this.#readBody(spec, response, attempt);
      const bad = (what: string, cause?: unknown) =>
        this.#badResponse(spec, what, attempt, { status: response.status, requestId, cause, text });
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch (cause) {
        throw bad(`a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`, cause);
      }
      if (nestedDeeperThan(json, MAX_JSON_DEPTH)) {
        // A Job keeps the body as `raw`; one nested thousands deep could not be stored or printed.
        throw bad(`a body nested more than ${MAX_JSON_DEPTH} levels deep`);
      }
      const parsed = v.safeParse(spec.schema, json);
      if (!parsed.success) {
        const issue = parsed.issues[0];
        const path = v.getDotPath(issue) ?? '(root)';
        throw bad(`a body that does not match the documented shape at \`${path}\`: ${issue.message}`);
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
    attempt: Attempt,
    opts: { status: number; requestId?: string; cause?: unknown; text: string },
  ): MjGateError {
    const { text, ...rest } = opts;
    const providerJobId = spec.jobIdField ? salvageField(text, spec.jobIdField) : undefined;
    const named = providerJobId ? ` It named job ${providerJobId}.` : '';
    const submit = spec.kind === 'submit';
    // `what` quotes the vendor's body, which may echo a credential back: #failed redacts it.
    return this.#failed(
      ResponseValidationError,
      `${this.provider} answered ${spec.method} ${spec.path} with ${what}.${submit ? `${named} ${AMBIGUOUS}` : ''}`,
      spec,
      attempt,
      { ...rest, providerJobId },
    );
  }

  /**
   * The 2xx body as text. A body that breaks off (a reset after the headers, a corrupt gzip stream)
   * or grows past {@link MAX_BODY_BYTES} is a typed error: retryable on a read; on a submission the
   * vendor has the job, so it says so, with the job id when the part that arrived named it.
   */
  async #readBody(spec: RequestSpec<unknown>, response: Response, attempt: Attempt): Promise<string> {
    const partial = { text: '' };
    try {
      return await readText(response, attempt.signal, partial);
    } catch (cause) {
      if (attempt.signal.aborted) throw cause;
      const submit = spec.kind === 'submit';
      const providerJobId = spec.jobIdField ? salvageField(partial.text, spec.jobIdField) : undefined;
      const named = providerJobId ? ` It named job ${providerJobId}.` : '';
      throw this.#failed(
        ProviderError,
        `${this.provider}'s answer to ${spec.method} ${spec.path} broke off after ${partial.text.length} characters (${this.#redact(describeCause(cause))}).${submit ? `${named} ${AMBIGUOUS}` : ' Retry later.'}`,
        spec,
        attempt,
        { status: response.status, requestId: this.#requestId(response.headers), cause, providerJobId },
      );
    }
  }

  /**
   * An error of one attempt: retryable on a read; on a submission, ambiguous (`mayHaveCreatedJob`,
   * with the {@link Submission} to find it) unless `refused` says nothing was sent.
   */
  #failed<E extends MjGateError>(
    ErrorClass: new (message: string, options: MjGateErrorOptions) => E,
    message: string,
    spec: RequestSpec<unknown>,
    attempt: Attempt,
    extra: {
      status?: number;
      requestId?: string;
      cause?: unknown;
      providerJobId?: string;
      refused?: boolean;
      retryable?: boolean;
    } = {},
  ): E {
    const { providerJobId, refused = false, retryable, ...rest } = extra;
    const ambiguous = spec.kind === 'submit' && !refused;
    return new ErrorClass(this.#redact(message), {
      provider: this.provider,
      ...rest,
      retryable: retryable ?? !ambiguous,
      mayHaveCreatedJob: ambiguous,
      ...(ambiguous ? { submission: this.#submission(attempt, providerJobId) } : {}),
    });
  }

  /** What is known of an ambiguous submission here; the client adds the operation, ref and prompt. */
  #submission(attempt: Attempt, providerJobId?: string): Submission {
    // `operation` is a placeholder the client overwrites: only it knows which call this was.
    const out: Submission = { provider: this.provider, operation: 'imagine', sentAt: attempt.sentAt };
    if (providerJobId) out.providerJobId = providerJobId;
    return out;
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
    onOk: (response: Response, attempt: Attempt) => Promise<R>,
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
      // Registers the credentials with the error, so its toJSON and inspect output mask them too.
      throw MjGateError.isInstance(error) ? guardSecrets(error, this.#secrets()) : error;
    }
  }

  async #attempt<T, R>(
    spec: RequestSpec<T>,
    url: string,
    options: CallOptions,
    attemptNumber: number,
    onOk: (response: Response, attempt: Attempt) => Promise<R>,
  ): Promise<R> {
    const cfg = this.#config;
    const provider = this.provider;
    const timeoutMs = options.timeoutMs ?? cfg.timeoutMs ?? 60_000;
    const timeout = timeoutSignal(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    const attempt: Attempt = { signal, sentAt: new Date().toISOString() };
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
        // A redirect would carry the body (APIFRAME's webhook_secret among it) and the caller's
        // headers to another origin, and make its answer a Job: none is followed.
        redirect: 'manual',
        signal,
      });
    } catch (cause) {
      timeout.clear();
      if (options.signal?.aborted) throw options.signal.reason;
      if (timeout.signal.aborted) throw this.#timedOut(spec, timeoutMs, cause, attempt);
      const refused = refusedBeforeSending(cause);
      const detail = this.#redact(describeCause(cause));
      throw this.#failed(
        ProviderError,
        refused
          ? `Could not connect to ${provider} at ${this.baseUrl} (${detail}). Check baseUrl and the network; nothing was submitted.`
          : `The connection to ${provider} failed during ${spec.method} ${spec.path} (${detail}).${spec.kind === 'submit' ? ` ${AMBIGUOUS}` : ''}`,
        spec,
        attempt,
        { cause, refused },
      );
    }

    this.#log(`← ${response.status} ${spec.method} ${url} in ${Date.now() - started} ms`);
    if (isRedirect(response)) {
      timeout.clear();
      response.body?.cancel().catch(() => {});
      throw this.#redirected(spec, response, attempt);
    }
    if (response.ok) {
      try {
        return await onOk(response, attempt);
      } catch (cause) {
        if (options.signal?.aborted) throw options.signal.reason;
        // The headers came in time but the body did not.
        if (timeout.signal.aborted && !MjGateError.isInstance(cause))
          throw this.#timedOut(spec, timeoutMs, cause, attempt);
        throw cause;
      } finally {
        timeout.clear();
      }
    }
    // The error body is bounded by the same per-call limit: a vendor that sends the status line and
    // then stalls must not hang the call. Past the limit the status alone decides the error.
    const text = await readText(response, signal, { text: '' }, ERROR_BODY_MAX_BYTES).catch(() => '');
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
        Object.assign(error, { mayHaveCreatedJob: true, submission: this.#submission(attempt) });
        error.message += ` ${AMBIGUOUS}`;
      }
    }
    Object.assign(error, { retryable, retryAfterMs: failure.retryAfterMs });
    throw error;
  }

  /**
   * A 3xx: nothing was followed. A 303 ("see other") on a submission is the one redirect that says
   * the request was processed, so only there may the job exist.
   */
  #redirected(spec: RequestSpec<unknown>, response: Response, attempt: Attempt): ProviderError {
    const target = redirectOrigin(response.headers.get('location'), this.baseUrl);
    const where = target ? ` to ${target}` : '';
    const status = response.status || undefined;
    const processed = response.status === 303;
    return this.#failed(
      ProviderError,
      `${this.provider} answered ${spec.method} ${spec.path} with a redirect (${status ?? 'opaque'})${where}; mjgate follows no redirect, so nothing was sent there. Check baseUrl${target ? ` (use ${target} if you trust it)` : ''}.${processed && spec.kind === 'submit' ? ` ${AMBIGUOUS}` : ''}`,
      spec,
      attempt,
      // The same request would be redirected again: retrying cannot help.
      { status, requestId: this.#requestId(response.headers), refused: !processed, retryable: false },
    );
  }

  #timedOut(spec: RequestSpec<unknown>, timeoutMs: number, cause: unknown, attempt: Attempt): TimeoutError {
    const submit = spec.kind === 'submit';
    return this.#failed(
      TimeoutError,
      `${this.provider} did not answer ${spec.method} ${spec.path} within ${timeoutMs} ms.${submit ? ` ${AMBIGUOUS}` : ' Retry later or raise timeoutMs.'}`,
      spec,
      attempt,
      { cause },
    );
  }

  /** The configured secrets and every credential header, whole and without its scheme (`Bearer …`). */
  #secrets(): (string | undefined)[] {
    const credentials = Object.values(this.#config.authHeaders).flatMap((h) => [h, h.replace(/^\w+\s+/, '')]);
    return [...(this.#config.secrets ?? []), ...credentials];
  }

  #redact(text: string): string {
    return redact(text, this.#secrets());
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
function shorten(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return value.length > LOG_STRING_MAX ? `${value.slice(0, LOG_STRING_MAX)}… (${value.length} chars)` : value;
  }
  if (depth > 16 && value && typeof value === 'object') return '[…]';
  if (Array.isArray(value)) return value.map((item) => shorten(item, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v, depth + 1)]));
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

/** One attempt's signal (the caller's and the per-call limit) and when its request went out. */
interface Attempt {
  signal: AbortSignal;
  sentAt: string;
}

/** Deepest JSON accepted: vendor answers nest a few levels; `JSON.stringify` of thousands overflows. */
const MAX_JSON_DEPTH = 64;

/** Whether `value` nests arrays or objects deeper than `max`; iterative, so depth cannot overflow it. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ item: unknown; depth: number }> = [{ item: value, depth: 0 }];
  while (stack.length > 0) {
    const { item, depth } = stack.pop()!;
    if (!item || typeof item !== 'object') continue;
    if (depth >= max) return true;
    for (const entry of Object.values(item)) {
      if (entry && typeof entry === 'object') stack.push({ item: entry, depth: depth + 1 });
    }
  }
  return false;
}

/** Largest error (non-2xx) body read: enough for any vendor's message. */
const ERROR_BODY_MAX_BYTES = 64 * 1024;

/** A 3xx, or the opaque answer browsers give for `redirect: 'manual'`. */
function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

/** The origin a redirect pointed to (never its path or query, which may hold tokens). */
function redirectOrigin(location: string | null, base: string): string | undefined {
  if (!location) return undefined;
  try {
    return new URL(location, base).origin;
  } catch {
    return undefined;
  }
}

/** The value of `"field": "…"` (or a number) in a JSON text that may be cut short. */
function salvageField(text: string, field: string): string | undefined {
  const name = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`"${name}"\\s*:\\s*(?:"([A-Za-z0-9._:-]{1,200})"|(\\d{1,40})[,}\\s])`).exec(text);
  return match?.[1] ?? match?.[2];
}

/** A network error as a short text: its code, or the message of its innermost error. */
function describeCause(cause: unknown): string {
  const summary = summarizeError(cause);
  if (!summary) return 'unknown error';
  if (MjGateError.isInstance(summary)) return summary.message;
  return summary.code ?? (summary.message || summary.name);
}

/** `baseUrl` without trailing slashes, refused early unless it is an absolute http(s) URL. */
function checkedBaseUrl(baseUrl: string, provider: ProviderName): string {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {}
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new InvalidRequestError(
      `baseUrl for ${provider} must be an absolute http(s) URL without query or fragment, such as https://api.example.com or http://127.0.0.1:8787/${provider}; got ${JSON.stringify(String(baseUrl).slice(0, 100))}.`,
      { provider },
    );
  }
  if (url.username || url.password) {
    throw new InvalidRequestError(`baseUrl for ${provider} must not carry credentials; pass the key as apiKey.`, {
      provider,
    });
  }
  return baseUrl.replace(/\/+$/, '');
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/**
 * The body as text, read chunk by chunk so that `partial.text` holds what arrived if the stream
 * breaks, and so that a body past `maxBytes` is refused without being read to its end. Rejects when
 * `signal` aborts, even with a custom fetch that ignores it.
 */
async function readText(
  response: Response,
  signal: AbortSignal,
  partial: { text: string },
  maxBytes = MAX_BODY_BYTES,
): Promise<string> {
  if (signal.aborted) throw signal.reason;
  const body = response.body;
  if (!body) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});
  try {
    while (true) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      bytes += value.byteLength;
      partial.text += decoder.decode(value, { stream: true });
      if (bytes > maxBytes) throw new RangeError(`the body is larger than ${maxBytes} bytes`);
    }
    partial.text += decoder.decode();
    return partial.text;
  } finally {
    signal.removeEventListener('abort', onAbort);
    reader.cancel().catch(() => {});
  }
}
