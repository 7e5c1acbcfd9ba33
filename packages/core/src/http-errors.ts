import {
  AuthenticationError,
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  MjGateError,
  NotFoundError,
  networkCode,
  ProviderError,
  RateLimitError,
  summarizeError,
  TimeoutError,
} from './errors.js';
import type { ProviderName } from './job.js';
import type { CallKind, RequestSpec } from './transport.js';

// What a failed HTTP call means: a non-2xx status → the error class and its words, a network
// failure → whether anything was sent. The request loop (transport.ts) decides what to retry.

/** A non-2xx answer, handed to the adapter's error mapping. */
export interface HttpFailure {
  provider: ProviderName;
  call: CallKind;
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
      joinTexts(own(body, 'errors'), (entry) =>
        typeof entry === 'string' ? entry : (own(entry, 'msg') ?? own(entry, 'message')),
      ),
      nested,
      own(body, 'detail'),
    ];
    for (const candidate of candidates) {
      if (typeof candidate === 'string' && candidate.trim()) return tidy(candidate);
    }
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
  const errorOptions = { provider, status, requestId };
  switch (true) {
    case status === 401:
      return new AuthenticationError(
        `${provider} rejected the API key (401)${said}. Check the key you configured.`,
        errorOptions,
      );
    case status === 402:
      return new InsufficientCreditsError(`${provider} says the account is out of credits (402)${said}.`, errorOptions);
    case status === 403:
      return new AuthenticationError(`${provider} refused access (403)${said}.`, errorOptions);
    case status === 404:
      return new NotFoundError(`${provider} does not know this resource (404)${said}.`, errorOptions);
    case status === 429:
      return new RateLimitError(`${provider} rate-limited the request (429)${said}. Slow down or retry later.`, {
        ...errorOptions,
        retryAfterMs,
      });
    case status === 408:
      return new TimeoutError(`${provider} timed out the request (408)${said}.`, errorOptions);
    case status === 451:
      return new ContentPolicyError(`${provider} refused the content (451)${said}.`, errorOptions);
    case status >= 400 && status < 500:
      return new InvalidRequestError(`${provider} refused the request (${status})${said}.`, errorOptions);
    default:
      return new ProviderError(
        `${provider} failed (${status})${said}. The vendor may be down; retry later.`,
        errorOptions,
      );
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

/** True when `fetch` failed before anything was sent: a submission may then be retried and re-routed. */
export function refusedBeforeSending(error: unknown): boolean {
  const code = networkCode(error);
  if (code !== undefined) return REFUSED_CODES.has(code);
  const summary = summarizeError(error);
  return summary !== undefined && !MjGateError.isInstance(summary) && REFUSED_BEFORE_SENDING.test(summary.message);
}

/** Failed submissions the vendor cannot have accepted, unless an adapter says otherwise: 503. */
export function defaultRefused(failure: HttpFailure): boolean {
  return failure.status === 503;
}

/** Said of every failure after which the vendor may hold the job. */
export const AMBIGUOUS =
  'The request was sent, so the vendor may have created the job (and may bill it): look it up before submitting again.';

/** A 3xx, or the opaque answer browsers give for `redirect: 'manual'`. */
export function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

/** The origin a redirect pointed to (never its path or query, which may hold tokens). */
export function redirectOrigin(location: string | null, base: string): string | undefined {
  if (!location) return undefined;
  try {
    return new URL(location, base).origin;
  } catch {
    return undefined;
  }
}

/** A network error as a short text: its code, or the message of its innermost error. */
export function describeCause(cause: unknown): string {
  const summary = summarizeError(cause);
  if (!summary) return 'unknown error';
  if (MjGateError.isInstance(summary)) return summary.message;
  return summary.code ?? (summary.message || summary.name);
}
