import type { KyInstance } from 'ky';
import type { GenericSchema } from 'valibot';
import {
  guardSecrets,
  InvalidRequestError,
  MjGateError,
  type MjGateErrorOptions,
  ProviderError,
  ResponseValidationError,
  redact,
  type Submission,
  TimeoutError,
} from './errors.js';
import {
  AMBIGUOUS,
  defaultRefused,
  describeCause,
  type HttpFailure,
  httpError,
  isRedirect,
  redirectOrigin,
  refusedBeforeSending,
} from './http-errors.js';
import type { ProviderName } from './job.js';
import { redactHeaders, shorten } from './request-log.js';
import {
  bracketsExceed,
  ERROR_BODY_MAX_BYTES,
  MAX_JSON_DEPTH,
  nestedDeeperThan,
  readText,
  salvageField,
} from './response-body.js';
import { type Backoff, parseRetryAfter, retryDelay } from './retry-timing.js';
import { Pacer, sleep } from './sleep.js';
import type { StoreScope } from './store-scope.js';
import type { CallOptions, Logger } from './types.js';
import * as v from './valibot.js';
import { VERSION } from './version.js';

/** `read` calls are safe to repeat; `submit` calls may create (and bill) a job. */
export type CallKind = 'read' | 'submit';

export type { HttpFailure } from './http-errors.js';

/** What every call sends before the client's, the call's and the credentials' headers. */
const BASE_HEADERS: Readonly<Record<string, string>> = {
  accept: 'application/json',
  'user-agent': `mjgate/${VERSION}`,
};

// ky is loaded on the first request, not at import: its module-level feature probe builds a
// `Request`, which loads Node's whole fetch implementation (~70 % of a cold import of an adapter).
// The first request needs fetch anyway; later ones use the loaded instance without awaiting.
let kyLoaded: KyInstance | undefined;
let kyLoading: Promise<KyInstance> | undefined;
function loadKy(): Promise<KyInstance> {
  kyLoading ??= import('ky').then((module) => {
    kyLoaded = module.default;
    return kyLoaded;
  });
  return kyLoading;
}

/**
 * Resolves once the transport's libraries (ky, p-retry) are loaded. They load by themselves — ky
 * when a client is created, p-retry at the first failed attempt — so an import of mjgate stays
 * light; a test that turns fake timers on before its first request awaits this first, so that a
 * load (real I/O) does not land at some point of the fake clock.
 */
export async function loadTransport(): Promise<void> {
  await Promise.all([loadKy(), loadPRetry()]);
}

// p-retry too is loaded when first needed: only a call whose first attempt failed enters its loop.
let pRetryLoading: Promise<typeof import('p-retry')> | undefined;
function loadPRetry(): Promise<typeof import('p-retry')> {
  pRetryLoading ??= import('p-retry');
  return pRetryLoading;
}

export { httpError, vendorMessage } from './http-errors.js';
export { parseRetryAfter } from './retry-timing.js';

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
  backoff?: Backoff;
  /** Minimum spacing between calls of each kind, in ms (vendor rate limits). */
  pace?: { submit?: number; read?: number };
  /** Where the paces are kept so they hold across processes on one key (see `Store`). */
  shared?: StoreScope;
}

/** One request. */
export interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the base URL; absolute URLs are refused so credentials never leave it. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON; or FormData as is. */
  body?: unknown;
  call: CallKind;
  /** Validates the JSON body of a 2xx answer. */
  schema: GenericSchema<unknown, T>;
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

/**
 * The HTTP layer every adapter shares: ky for the request (its own retry off), p-retry as the one
 * retry loop, valibot for the body, and the vendor's error mapping.
 */
export class HttpTransport {
  readonly provider: ProviderName;
  readonly baseUrl: string;
  readonly #config: TransportConfig;
  readonly #pacers: Partial<Record<CallKind, Pacer>>;
  /**
   * The headers of a call that adds none of its own, built once: ky copies them into a `Headers`
   * anyway, and spreading four objects on every call was garbage of every read (issue 13).
   */
  readonly #plainHeaders: Record<string, string> | undefined;

  constructor(config: TransportConfig) {
    this.#config = config;
    this.provider = config.provider;
    this.baseUrl = checkedBaseUrl(config.baseUrl, config.provider);
    // The client's own `headers` stay read on every call (they are the caller's object), so only a
    // client without them shares one set.
    this.#plainHeaders = config.headers ? undefined : { ...BASE_HEADERS, ...config.authHeaders };
    // Creating a client is when ky starts loading (not importing mjgate): by the first request it is
    // usually there, and a test that turns on fake timers after creating a client finds it loaded.
    loadKy().catch(() => {});
    this.#pacers = {
      submit: config.pace?.submit ? new Pacer(config.pace.submit, sharedPace(config, 'submit')) : undefined,
      read: config.pace?.read ? new Pacer(config.pace.read, sharedPace(config, 'read')) : undefined,
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
      if (bracketsExceed(text, MAX_JSON_DEPTH) && nestedDeeperThan(json, MAX_JSON_DEPTH)) {
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
    return this.#withRetries({ ...spec, schema: v.unknown() }, options, async (response) => response, true);
  }

  #badResponse(
    spec: RequestSpec<unknown>,
    what: string,
    attempt: Attempt,
    errorOptions: { status: number; requestId?: string; cause?: unknown; text: string },
  ): MjGateError {
    const { text, ...rest } = errorOptions;
    const providerJobId = spec.jobIdField ? salvageField(text, spec.jobIdField) : undefined;
    const named = providerJobId ? ` It named job ${providerJobId}.` : '';
    const submit = spec.call === 'submit';
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
      const submit = spec.call === 'submit';
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
    const ambiguous = spec.call === 'submit' && !refused;
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
    const out: Submission = {
      provider: this.provider,
      operation: 'imagine',
      sentAt: new Date(attempt.sentAt).toISOString(),
    };
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
    // The base URL was checked when the client was made and the path starts at its root, so without
    // a query the two need no parsing here: `Request` parses the URL anyway (issue 13: per-call garbage).
    if (spec.query === undefined) return this.baseUrl + spec.path;
    const url = new URL(this.baseUrl + spec.path);
    for (const [k, val] of Object.entries(spec.query)) if (val !== undefined) url.searchParams.set(k, String(val));
    return url.toString();
  }

  async #withRetries<T, R>(
    spec: RequestSpec<T>,
    options: CallOptions,
    onOk: (response: Response, attempt: Attempt) => Promise<R>,
    streaming = false,
  ): Promise<R> {
    const url = this.#url(spec);
    const call = new CallSignal(options.signal);
    let done = false;
    try {
      let result: R;
      // The first attempt runs plain: the retry loop (and what it needs) is built only after a
      // failure, so a call that succeeds at once (almost every call) pays nothing for it.
      try {
        result = await this.#attempt(spec, url, options, 1, call, onOk);
      } catch (error) {
        result = await this.#retried(spec, url, options, call, onOk, error);
      }
      done = true;
      return result;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      // Registers the credentials with the error, so its toJSON and inspect output mask them too.
      throw MjGateError.isInstance(error) ? guardSecrets(error, this.#secrets()) : error;
    } finally {
      // An unread body handed back (`send`) stays abortable by the caller until it is read.
      call.end(streaming && done);
    }
  }

  /** The attempts after a failed first one, in p-retry's loop; `failure` is rethrown when it may not be retried. */
  async #retried<T, R>(
    spec: RequestSpec<T>,
    url: string,
    options: CallOptions,
    call: CallSignal,
    onOk: (response: Response, attempt: Attempt) => Promise<R>,
    failure: unknown,
  ): Promise<R> {
    const config = this.#config;
    const maxRetries = config.maxRetries ?? 2;
    const signal = options.signal;
    let retryAfter: number | undefined;
    /** Whether another attempt may follow `error` (never after an abort); keeps its Retry-After for the sleep. */
    const mayRetry = (error: unknown): error is MjGateError => {
      if (signal?.aborted || !MjGateError.isInstance(error) || !error.retryable) return false;
      retryAfter = error.retryAfterMs;
      return true;
    };
    /** Logs the failure and sleeps until the next try: the vendor's Retry-After, else full jitter. */
    const beforeRetry = async (error: Error, attemptNumber: number, retriesLeft: number) => {
      const delay = retryDelay(attemptNumber, config.backoff, retryAfter);
      config.logger?.warn?.(
        `${this.provider}: ${spec.method} ${spec.path} failed (${error.message}); retry in ${delay} ms`,
        { attempt: attemptNumber, retriesLeft },
      );
      await sleep(delay, signal);
    };

    // An abort is turned into the signal's reason by the caller, whichever error it left here.
    if (maxRetries <= 0 || !mayRetry(failure)) throw asError(failure);
    await beforeRetry(failure, 1, maxRetries);
    const { default: pRetry, AbortError } = await loadPRetry();
    return pRetry(
      async (retryNumber) => {
        try {
          return await this.#attempt(spec, url, options, retryNumber + 1, call, onOk);
        } catch (error) {
          throw mayRetry(error) ? error : new AbortError(asError(error));
        }
      },
      {
        retries: maxRetries - 1,
        signal,
        // p-retry's own delay is off: the full-jitter / Retry-After sleep of `beforeRetry` replaces
        // it, and being our own sleep, an abort cuts it short.
        minTimeout: 0,
        maxTimeout: 0,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft > 0) await beforeRetry(error, attemptNumber + 1, retriesLeft);
        },
      },
    );
  }

  async #attempt<T, R>(
    spec: RequestSpec<T>,
    url: string,
    options: CallOptions,
    attemptNumber: number,
    call: CallSignal,
    onOk: (response: Response, attempt: Attempt) => Promise<R>,
  ): Promise<R> {
    // The pace comes first: waiting for a slot is not part of the attempt's time limit.
    const pacer = this.#pacers[spec.call];
    if (pacer) await pacer.take(options.signal);
    const config = this.#config;
    const provider = this.provider;
    const timeoutMs = options.timeoutMs ?? config.timeoutMs ?? 60_000;
    const signal = call.start(timeoutMs);
    const attempt: Attempt = { signal, sentAt: Date.now() };
    const headers: Record<string, string> =
      this.#plainHeaders && !spec.headers && !options.headers
        ? this.#plainHeaders
        : { ...BASE_HEADERS, ...config.headers, ...spec.headers, ...options.headers, ...config.authHeaders };
    const isForm = typeof FormData !== 'undefined' && spec.body instanceof FormData;
    const debug = this.#debugs();
    if (debug) {
      this.#log(`→ ${spec.method} ${url}`, { attempt: attemptNumber, headers, body: isForm ? '[form]' : spec.body });
    }

    let response: Response;
    try {
      const ky = kyLoaded ?? (await loadKy());
      response = await ky(url, {
        method: spec.method,
        headers,
        ...(spec.body === undefined ? {} : isForm ? { body: spec.body as FormData } : { json: spec.body }),
        // ky joins a signal it is given to one of its own with `AbortSignal.any`: a third signal
        // per call, whose `WeakRef`s carry it through young-generation collections (issue 13:
        // without it a read through a `fetch` that answers at once takes a fifth to a third less
        // CPU). The global fetch takes the signal from its `init` instead; a custom fetch still
        // finds it on the `Request` ky hands it, since some read it only there.
        fetch: config.fetch ?? ((input, init) => globalThis.fetch(input, { ...init, signal })),
        signal: config.fetch ? signal : undefined,
        retry: 0,
        timeout: false,
        throwHttpErrors: false,
        // A redirect would carry the body (APIFRAME's webhook_secret among it) and the caller's
        // headers to another origin, and make its answer a Job: none is followed.
        redirect: 'manual',
      });
    } catch (cause) {
      call.stop();
      if (options.signal?.aborted) throw options.signal.reason;
      if (call.timedOut) throw this.#timedOut(spec, timeoutMs, cause, attempt);
      const refused = refusedBeforeSending(cause);
      const detail = this.#redact(describeCause(cause));
      throw this.#failed(
        ProviderError,
        refused
          ? `Could not connect to ${provider} at ${this.baseUrl} (${detail}). Check baseUrl and the network; nothing was submitted.`
          : `The connection to ${provider} failed during ${spec.method} ${spec.path} (${detail}).${spec.call === 'submit' ? ` ${AMBIGUOUS}` : ''}`,
        spec,
        attempt,
        { cause, refused },
      );
    }

    if (debug) this.#log(`← ${response.status} ${spec.method} ${url} in ${Date.now() - attempt.sentAt} ms`);
    if (isRedirect(response)) {
      call.stop();
      response.body?.cancel().catch(() => {});
      throw this.#redirected(spec, response, attempt);
    }
    if (response.ok) {
      try {
        return await onOk(response, attempt);
      } catch (cause) {
        if (options.signal?.aborted) throw options.signal.reason;
        // The headers came in time but the body did not.
        if (call.timedOut && !MjGateError.isInstance(cause)) throw this.#timedOut(spec, timeoutMs, cause, attempt);
        throw cause;
      } finally {
        call.stop();
      }
    }
    // The error body is bounded by the same per-call limit: a vendor that sends the status line and
    // then stalls must not hang the call. Past the limit the status alone decides the error.
    const text = await readText(response, signal, { text: '' }, ERROR_BODY_MAX_BYTES).catch(() => '');
    call.stop();
    if (options.signal?.aborted) throw options.signal.reason;
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    const failure: HttpFailure = {
      provider,
      call: spec.call,
      method: spec.method,
      path: spec.path,
      status: response.status,
      body,
      text,
      headers: response.headers,
      requestId: this.#requestId(response.headers),
      retryAfterMs: parseRetryAfter(response.headers),
    };
    // The adapter's mapping says which error and in what words; the loop's rules say whether it may
    // be retried and whether the job may exist. The error is then built once with all of it.
    const mapped = (config.toError ?? httpError)(failure);
    const transient = failure.status === 408 || failure.status === 429 || failure.status >= 500;
    let retryable = mapped.retryable || transient;
    let ambiguous = false;
    if (spec.call === 'submit') {
      const refused = failure.status === 429 || (config.submitRefused ?? defaultRefused)(failure);
      retryable = refused && (mapped.retryable || transient);
      ambiguous = !refused && failure.status >= 500;
    }
    throw mapped.rebuilt({
      message: this.#redact(ambiguous ? `${mapped.message} ${AMBIGUOUS}` : mapped.message),
      retryable,
      retryAfterMs: failure.retryAfterMs,
      ...(ambiguous ? { mayHaveCreatedJob: true, submission: this.#submission(attempt) } : {}),
    });
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
      `${this.provider} answered ${spec.method} ${spec.path} with a redirect (${status ?? 'opaque'})${where}; mjgate follows no redirect, so nothing was sent there. Check baseUrl${target ? ` (use ${target} if you trust it)` : ''}.${processed && spec.call === 'submit' ? ` ${AMBIGUOUS}` : ''}`,
      spec,
      attempt,
      // The same request would be redirected again: retrying cannot help.
      { status, requestId: this.#requestId(response.headers), refused: !processed, retryable: false },
    );
  }

  #timedOut(spec: RequestSpec<unknown>, timeoutMs: number, cause: unknown, attempt: Attempt): TimeoutError {
    const submit = spec.call === 'submit';
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

  /** Whether a debug logger listens: log lines and their data are built only then. */
  #debugs(): boolean {
    return typeof this.#config.logger?.debug === 'function';
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

/** One attempt's signal (the caller's and the per-attempt limit) and when its request went out (epoch ms). */
interface Attempt {
  signal: AbortSignal;
  sentAt: number;
}

/**
 * The signal of one call's attempts: the caller's abort and each attempt's time limit, on one
 * `AbortController` for the whole call (a new one only after an attempt timed out, since an aborted
 * controller cannot be reused). A listener on the caller's signal, removed when the call ends,
 * stands in for `AbortSignal.any`, whose dependent signals pile up `WeakRef`s in a long-lived
 * caller signal (a `wait()` of minutes makes hundreds of calls with the same one).
 */
class CallSignal {
  #controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #caller: AbortSignal | undefined;
  readonly #onCallerAbort = () => this.#controller.abort(this.#caller?.reason);
  /** Whether the current attempt's limit, not the caller, aborted it. */
  timedOut = false;

  constructor(caller: AbortSignal | undefined) {
    this.#caller = caller;
    if (caller?.aborted) this.#controller.abort(caller.reason);
    else caller?.addEventListener('abort', this.#onCallerAbort, { once: true });
  }

  /** Starts an attempt limited to `ms` (built on `setTimeout`, so fake timers drive it in tests). */
  start(ms: number): AbortSignal {
    if (this.timedOut) this.#controller = new AbortController();
    this.timedOut = false;
    const controller = this.#controller;
    this.#timer = setTimeout(() => {
      this.timedOut = true;
      controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError'));
    }, ms);
    (this.#timer as { unref?: () => void }).unref?.();
    return controller.signal;
  }

  /** Ends the current attempt's time limit. */
  stop(): void {
    clearTimeout(this.#timer);
  }

  /** Ends the call; `keepLinked` leaves the caller's abort reaching a body still being read. */
  end(keepLinked: boolean): void {
    this.stop();
    if (!keepLinked) this.#caller?.removeEventListener('abort', this.#onCallerAbort);
  }
}

/** The store-backed pace `<scope>:pace:<name>`, when the transport has a store scope. */
function sharedPace(config: TransportConfig, name: string) {
  return config.shared ? { shared: config.shared, name } : undefined;
}
