import type { ActionId } from './actions.js';
import type { Job, Operation, ProviderName } from './job.js';

/** The `code` of every mjgate error. */
export type ErrorCode =
  | 'authentication'
  | 'insufficient_credits'
  | 'rate_limited'
  | 'invalid_request'
  | 'content_policy'
  | 'not_found'
  | 'provider_unavailable'
  | 'bad_response'
  | 'timeout'
  | 'job_failed'
  | 'job_timeout'
  | 'unsupported'
  | 'webhook_verification'
  | 'store_unavailable';

/**
 * What is known of a submission whose outcome is unknown ({@link MjGateError.mayHaveCreatedJob}):
 * enough to look the job up at the vendor before paying for it twice. Plain JSON: store it.
 */
export interface Submission {
  /** The vendor it was sent to. */
  provider: ProviderName;
  /** What was submitted. */
  operation: Operation;
  /** For `operation: 'action'`: which action, on which job (its full id). */
  action?: ActionId;
  /** For `operation: 'action'`: the full id of the job acted on. */
  parentId?: string;
  /** The caller's correlation value, when the submission carried one: the surest way to find it. */
  ref?: string;
  /** The prompt as sent (with the flags mjgate added), when the operation has one. */
  prompt?: string;
  /** When the request was sent, ISO-8601. */
  sentAt: string;
  /** The vendor's job id, when a partial answer named it. */
  providerJobId?: string;
}

/** The plain summary mjgate keeps as `cause`: never a library object that may hold the request. */
export interface ErrorSummary {
  /** The original error's `name`, e.g. `'TypeError'`. */
  name: string;
  /** Its message, secrets masked. */
  message: string;
  /** Its `code` (e.g. `'ECONNRESET'`), when it had one. */
  code?: string;
}

/** What {@link MjGateError.rebuilt} may change. */
export type ErrorChanges = Partial<MjGateErrorOptions> & { message?: string };

/** Everything `error` was built with, as constructor options. */
function optionsOf(error: MjGateError): MjGateErrorOptions {
  const out: MjGateErrorOptions = {
    provider: error.provider,
    status: error.status,
    requestId: error.requestId,
    cause: error.cause,
    retryable: error.retryable,
    mayHaveCreatedJob: error.mayHaveCreatedJob,
  };
  if (error.submission !== undefined) out.submission = error.submission;
  if (error.retryAfterMs !== undefined) out.retryAfterMs = error.retryAfterMs;
  return out;
}

function withoutMessage(changes: ErrorChanges): Omit<ErrorChanges, 'message'> {
  const { message: _message, ...rest } = changes;
  return rest;
}

/** Options every mjgate error takes. */
export interface MjGateErrorOptions {
  /** The vendor the error came from (`'gateway'` for the gateway's own). */
  provider?: ProviderName;
  /** The vendor's HTTP status, when an answer arrived. */
  status?: number;
  /** The vendor's request id, when it sent one: quote it to the vendor's support. */
  requestId?: string;
  /**
   * What caused this error. Anything that is not an `MjGateError` is kept as a plain
   * {@link ErrorSummary} (name, code and message of its innermost error), because library errors
   * carry the `Request`, credentials included.
   */
  cause?: unknown;
  /** Whether the same call may succeed if tried again later (rate limits, outages, timeouts). */
  retryable?: boolean;
  /**
   * For a failed submission: the vendor may have accepted it even though the call failed (a
   * timeout or a reset after the body was sent, a 5xx the vendor does not document as refused).
   * Look the job up before submitting again: it may exist, and may be billed.
   */
  mayHaveCreatedJob?: boolean;
  /** With `mayHaveCreatedJob`: what was sent, to find the job again. */
  submission?: Submission;
  /** How long the vendor asked to wait before trying again (`Retry-After`), in ms. */
  retryAfterMs?: number;
}

// A registry-wide symbol, so two copies of this package (say one bundled in an app, one in a
// dependency) still recognise each other's errors.
const MARK = Symbol.for('mjgate.error');
// Node's `util.inspect` hook, by its registry name: core imports nothing from `node:`.
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
// The secrets each error must never show, kept off the object so no serialiser can reach them.
const knownSecrets = new WeakMap<object, readonly string[]>();

/**
 * A plain summary of any thrown value, from the innermost error of its `cause` chain (where Node
 * puts the system error: `ECONNRESET`, `UND_ERR_SOCKET`). An `MjGateError` is kept as it is.
 */
export function summarizeError(error: unknown): ErrorSummary | MjGateError | undefined {
  if (error === undefined || error === null) return undefined;
  if (MjGateError.isInstance(error)) return error;
  let inner: unknown = error;
  for (let depth = 0; depth < 8; depth++) {
    const next = inner && typeof inner === 'object' ? (inner as { cause?: unknown }).cause : undefined;
    if (!next || typeof next !== 'object') break;
    inner = next;
  }
  const name = safeString((inner as { name?: unknown })?.name) ?? typeof inner;
  const message = safeString((inner as { message?: unknown })?.message) ?? safeString(inner) ?? '';
  const summary: ErrorSummary = { name, message: message.slice(0, 300) };
  const code = networkCode(error);
  if (code !== undefined) summary.code = code;
  return summary;
}

/** The first string `code` along an error's `cause` chain (`ECONNREFUSED`, `UND_ERR_SOCKET`). */
export function networkCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    let code: unknown;
    try {
      code = (e as { code?: unknown }).code;
    } catch {
      return undefined;
    }
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function safeString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * Base class of every error mjgate throws. Recognise it with {@link MjGateError.isInstance}
 * rather than `instanceof`, which fails across duplicated copies of the package.
 */
export class MjGateError extends Error {
  readonly [MARK] = true;
  readonly code: ErrorCode;
  readonly provider?: ProviderName;
  readonly status?: number;
  readonly requestId?: string;
  /** Whether the same call may succeed if made again later. */
  readonly retryable: boolean;
  /** See {@link MjGateErrorOptions.mayHaveCreatedJob}. */
  readonly mayHaveCreatedJob: boolean;
  /** Set when {@link mayHaveCreatedJob} is: what was sent, to look the job up before submitting again. */
  readonly submission?: Submission;
  /** How long the vendor asked to wait before trying again (`Retry-After` on a 429 or 503), in ms. */
  readonly retryAfterMs?: number;
  /** A plain {@link ErrorSummary}, or the `MjGateError` this one wraps. */
  override readonly cause?: ErrorSummary | MjGateError;

  constructor(code: ErrorCode, message: string, options: MjGateErrorOptions = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.provider = options.provider;
    this.status = options.status;
    this.requestId = options.requestId;
    this.retryable = options.retryable ?? false;
    this.mayHaveCreatedJob = options.mayHaveCreatedJob ?? false;
    if (options.submission !== undefined) this.submission = options.submission;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    const cause = summarizeError(options.cause);
    if (cause !== undefined) this.cause = cause;
  }

  /**
   * The error as plain JSON — what a log shipper or `JSON.stringify` shows — with every secret the
   * client knows masked, as a backstop to the redaction of each message.
   */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const key of ['provider', 'status', 'requestId', 'retryable', 'mayHaveCreatedJob', 'submission'] as const) {
      if (this[key] !== undefined) out[key] = this[key];
    }
    if (this.retryAfterMs !== undefined) out.retryAfterMs = this.retryAfterMs;
    const job = (this as { job?: unknown }).job;
    if (job !== undefined) out.job = job;
    if (this.cause !== undefined) {
      out.cause = MjGateError.isInstance(this.cause) ? this.cause.toJSON() : { ...this.cause };
    }
    return maskSecrets(out, secretsOf(this));
  }

  /**
   * A new error of the same class with `changes` applied — complete at construction, so no field
   * of an error anyone already holds is ever changed afterwards. The secrets this error was told of
   * carry over.
   */
  rebuilt(changes: ErrorChanges): this {
    const Class = this.constructor as new (message: string, options: MjGateErrorOptions) => this;
    const copy = new Class(changes.message ?? this.message, { ...optionsOf(this), ...withoutMessage(changes) });
    knownSecrets.set(copy, secretsOf(this));
    return copy;
  }

  /** Node's `util.inspect` (and so `console.log(err)`): the stack and {@link toJSON}'s fields, masked. */
  [INSPECT](): string {
    const { name: _name, message: _message, ...fields } = this.toJSON();
    const stack = redact(this.stack ?? `${this.name}: ${this.message}`, secretsOf(this));
    return Object.keys(fields).length ? `${stack} ${JSON.stringify(fields, null, 2)}` : stack;
  }

  /** The code every instance of this class has; `undefined` on the base class. */
  static readonly errorCode: ErrorCode | undefined = undefined;

  /**
   * True for an error of this class, from this copy of the package or another: `MjGateError.isInstance(e)`
   * for any mjgate error, `RateLimitError.isInstance(e)` (narrowed to `RateLimitError`) for one kind.
   */
  static isInstance<T extends abstract new (...args: never[]) => MjGateError>(
    this: T & { readonly errorCode: ErrorCode | undefined },
    value: unknown,
  ): value is InstanceType<T> {
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[MARK] !== true) return false;
    // `this` is the class isInstance was called on, so each subclass checks its own code.
    // biome-ignore lint/complexity/noThisInStatic: polymorphic on purpose
    const code = this.errorCode;
    return code === undefined || (value as MjGateError).code === code;
  }
}

function errorClass<C extends ErrorCode>(code: C, retryableByDefault: boolean) {
  return class extends MjGateError {
    static override readonly errorCode: ErrorCode = code;
    declare readonly code: C;
    constructor(message: string, options: MjGateErrorOptions = {}) {
      super(code, message, { retryable: retryableByDefault, ...options });
    }
  };
}

/** Bad or missing API key. */
export class AuthenticationError extends errorClass('authentication', false) {}
/** Out of credits or quota. */
export class InsufficientCreditsError extends errorClass('insufficient_credits', false) {}
/** Our input check or the vendor's 400/422 refused the request. */
export class InvalidRequestError extends errorClass('invalid_request', false) {}
/** A banned prompt or image, or a moderation rejection. */
export class ContentPolicyError extends errorClass('content_policy', false) {}
/** The vendor does not know this job. */
export class NotFoundError extends errorClass('not_found', false) {}
/** 5xx, a network failure, or the vendor is down. */
export class ProviderError extends errorClass('provider_unavailable', true) {}
/** The vendor's body was not JSON or not the documented shape. */
export class ResponseValidationError extends errorClass('bad_response', false) {}
/** One HTTP call ran past its limit. */
export class TimeoutError extends errorClass('timeout', true) {}
/** The vendor lacks this operation or action. */
export class UnsupportedError extends errorClass('unsupported', false) {}
/** A webhook callback failed its secret or signature check. */
export class WebhookVerificationError extends errorClass('webhook_verification', false) {}

/**
 * The client's `Store` (Redis, for many processes) could not be reached. Pacing, health and webhook
 * fan-out carry on locally; an idempotent submission is refused with it rather than risk paying twice.
 */
export class StoreUnavailableError extends errorClass('store_unavailable', true) {}

/** 429 or a concurrency limit. `retryAfterMs` is set when the vendor said how long to wait. */
export class RateLimitError extends errorClass('rate_limited', true) {}

/** The job ended `failed` or `cancelled`. `job` is its last state, with `job.error` when known. */
export class JobFailedError extends MjGateError {
  static override readonly errorCode: ErrorCode = 'job_failed';
  declare readonly code: 'job_failed';
  readonly job: Job;
  constructor(job: Job, options: MjGateErrorOptions = {}) {
    const why = job.error ? `: ${job.error.message} (${job.error.code})` : '';
    super('job_failed', `Job ${job.id} ended ${job.status}${why}.`, { provider: job.provider, ...options });
    this.job = job;
  }

  /** Its message is the job's: `changes.message` does not apply. */
  override rebuilt(changes: ErrorChanges): this {
    const copy = new JobFailedError(this.job, { ...optionsOf(this), ...withoutMessage(changes) }) as this;
    knownSecrets.set(copy, secretsOf(this));
    return copy;
  }
}

/**
 * `wait` ran past its deadline. `job` is the last state seen: the job may still finish at the
 * vendor, and may be billed; wait on it again or look it up later.
 */
export class JobTimeoutError extends MjGateError {
  static override readonly errorCode: ErrorCode = 'job_timeout';
  declare readonly code: 'job_timeout';
  readonly job: Job;
  readonly timeoutMs: number;
  constructor(job: Job, timeoutMs: number, options: MjGateErrorOptions = {}) {
    super(
      'job_timeout',
      `Job ${job.id} was still ${job.status} after ${timeoutMs} ms. It may still finish (and be billed): call wait() again with its id, or raise timeoutMs.`,
      { provider: job.provider, retryable: true, ...options },
    );
    this.job = job;
    this.timeoutMs = timeoutMs;
  }

  /** Its message is the job's and the deadline's: `changes.message` does not apply. */
  override rebuilt(changes: ErrorChanges): this {
    const copy = new JobTimeoutError(this.job, this.timeoutMs, {
      ...optionsOf(this),
      ...withoutMessage(changes),
    }) as this;
    knownSecrets.set(copy, secretsOf(this));
    return copy;
  }
}

/** Replaces every occurrence of each secret (API keys, webhook secrets) in `text`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    // `includes` first: a text without the secret (almost every one) is returned without a copy.
    if (secret && secret.length >= 4 && out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/**
 * A copy of any JSON-like value with each secret masked in every string (keys included). Cycles and
 * depth past 64 become `'[…]'`, so a hostile body cannot make it recurse without end.
 */
export function maskSecrets<T>(value: T, secrets: readonly (string | undefined)[]): T {
  const usable = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  if (usable.length === 0) return value;
  const seen = new WeakSet<object>();
  const walk = (item: unknown, depth: number): unknown => {
    if (typeof item === 'string') return redact(item, usable);
    if (!item || typeof item !== 'object') return item;
    if (depth > 64 || seen.has(item)) return '[…]';
    seen.add(item);
    if (Array.isArray(item)) return item.map((entry) => walk(entry, depth + 1));
    if (MjGateError.isInstance(item)) return item;
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(item)) out[redact(key, usable)] = walk(entry, depth + 1);
    return out;
  };
  return walk(value, 0) as T;
}

/**
 * `error` as it may be shown: its message and every message along its `cause` masked, and the
 * secrets remembered so that its `toJSON` and inspect output mask them too. An error that needed
 * masking is rebuilt ({@link MjGateError.rebuilt}), never changed in place.
 */
export function guardSecrets<E extends MjGateError>(error: E, secrets: readonly (string | undefined)[]): E {
  const usable = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  if (usable.length === 0) return error;
  return guardChain(error, usable, 0);
}

function guardChain<E extends MjGateError>(error: E, secrets: readonly string[], depth: number): E {
  const cause: unknown = error.cause;
  let cleanCause: unknown = cause;
  if (MjGateError.isInstance(cause) && depth < 8) cleanCause = guardChain(cause, secrets, depth + 1);
  else if (cause && typeof cause === 'object' && !MjGateError.isInstance(cause)) {
    const summary = cause as ErrorSummary;
    const message = redact(summary.message ?? '', secrets);
    if (message !== summary.message) cleanCause = { ...summary, message };
  }
  const message = redact(error.message, secrets);
  const known = [...new Set([...secretsOf(error), ...secrets])];
  if (message === error.message && cleanCause === cause) {
    knownSecrets.set(error, known);
    return error;
  }
  const copy = error.rebuilt({ message, cause: cleanCause });
  knownSecrets.set(copy, known);
  return copy;
}

function secretsOf(error: object): readonly string[] {
  return knownSecrets.get(error) ?? [];
}
