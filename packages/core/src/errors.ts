import type { Job, ProviderName } from './job.js';

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
  | 'webhook_verification';

/** Options every mjgate error takes. */
export interface MjGateErrorOptions {
  provider?: ProviderName;
  status?: number;
  requestId?: string;
  cause?: unknown;
  retryable?: boolean;
  /**
   * For a failed submission: the vendor may have accepted it even though the call failed (a
   * timeout or a reset after the body was sent, a 5xx the vendor does not document as refused).
   * Look the job up before submitting again: it may exist, and may be billed.
   */
  mayHaveCreatedJob?: boolean;
}

// A registry-wide symbol, so two copies of this package (say one bundled in an app, one in a
// dependency) still recognise each other's errors.
const MARK = Symbol.for('mjgate.error');

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
  override readonly cause?: unknown;

  constructor(code: ErrorCode, message: string, options: MjGateErrorOptions = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.provider = options.provider;
    this.status = options.status;
    this.requestId = options.requestId;
    this.retryable = options.retryable ?? false;
    this.mayHaveCreatedJob = options.mayHaveCreatedJob ?? false;
    if (options.cause !== undefined) this.cause = options.cause;
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

/** 429 or a concurrency limit. `retryAfterMs` is set when the vendor said how long to wait. */
export class RateLimitError extends errorClass('rate_limited', true) {
  readonly retryAfterMs?: number;
  constructor(message: string, options: MjGateErrorOptions & { retryAfterMs?: number } = {}) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

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
}

/**
 * `wait` ran past its deadline. `job` is the last state seen: the job may still finish at the
 * vendor, and may be billed; wait on it again or look it up later.
 */
export class JobTimeoutError extends MjGateError {
  static override readonly errorCode: ErrorCode = 'job_timeout';
  declare readonly code: 'job_timeout';
  readonly job: Job;
  constructor(job: Job, timeoutMs: number, options: MjGateErrorOptions = {}) {
    super(
      'job_timeout',
      `Job ${job.id} was still ${job.status} after ${timeoutMs} ms. It may still finish (and be billed): call wait() again with its id, or raise timeoutMs.`,
      { provider: job.provider, retryable: true, ...options },
    );
    this.job = job;
  }
}

/** Replaces every occurrence of each secret (API keys, webhook secrets) in `text`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
