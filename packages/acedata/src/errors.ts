import {
  AuthenticationError,
  ContentPolicyError,
  type HttpFailure,
  httpError,
  InsufficientCreditsError,
  InvalidRequestError,
  type MjGateError,
  type MjGateErrorOptions,
  ProviderError,
  RateLimitError,
  TimeoutError,
  vendorMessage,
} from '@mjgate/core';
import { PROVIDER } from './mapping.js';

type Make = (message: string, options: MjGateErrorOptions & { retryAfterMs?: number }) => MjGateError;

const KEY_HINT =
  'Check ACEDATA_API_KEY: it must be a Midjourney service or global credential from platform.acedata.cloud (not a `platform-` token).';

/** AceData `error.code` → mjgate error, with what the caller should do. */
const CODES: Readonly<Record<string, { make: Make; hint: string }>> = {
  invalid_token: { make: (m, o) => new AuthenticationError(m, o), hint: KEY_HINT },
  token_expired: { make: (m, o) => new AuthenticationError(m, o), hint: 'The token expired: create a new one.' },
  no_token: { make: (m, o) => new AuthenticationError(m, o), hint: KEY_HINT },
  token_mismatched: {
    make: (m, o) => new AuthenticationError(m, o),
    hint: 'The token belongs to another AceData service: use a Midjourney or global credential.',
  },
  disabled: {
    make: (m, o) => new AuthenticationError(m, o),
    hint: 'The credential or application is disabled in the AceData console.',
  },
  used_up: {
    make: (m, o) => new InsufficientCreditsError(m, o),
    hint: 'Top up the balance at https://platform.acedata.cloud.',
  },
  forbidden: {
    make: (m, o) => new ContentPolicyError(m, o),
    hint: 'Midjourney moderation refused the prompt or image; change it.',
  },
  too_many_requests: {
    make: (m, o) => new RateLimitError(m, o),
    hint: 'AceData allows 1 submission per second: slow down or retry later.',
  },
  rate_limited: {
    make: (m, o) => new RateLimitError(m, o),
    hint: 'AceData allows 5 jobs in flight per token: wait for one to finish.',
  },
  bad_request: { make: (m, o) => new InvalidRequestError(m, o), hint: 'Fix the request.' },
  api_not_implemented: {
    make: (m, o) => new InvalidRequestError(m, o),
    hint: 'AceData does not implement this call for the token.',
  },
  no_api: {
    make: (m, o) => new InvalidRequestError(m, o),
    hint: 'AceData has no such path: check baseUrl.',
  },
  api_error: { make: (m, o) => new ProviderError(m, o), hint: 'AceData failed internally; retry later.' },
  timeout: { make: (m, o) => new TimeoutError(m, o), hint: 'AceData timed out; retry later.' },
};

/** The `{code, message}` and `trace_id` of an AceData error body, in either envelope (or `{detail}`). */
export function errorInfo(body: unknown): { code?: string; message: string; traceId?: string } {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const error = b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : undefined;
  const code = typeof error?.code === 'string' && error.code ? error.code : undefined;
  const traceId = typeof b.trace_id === 'string' && b.trace_id ? b.trace_id : undefined;
  return { code, message: vendorMessage(body), traceId };
}

/**
 * An mjgate error for an AceData error code. Used for non-2xx answers and for error envelopes that
 * arrive with a 2xx status.
 */
export function codeError(
  code: string | undefined,
  message: string,
  options: MjGateErrorOptions & { retryAfterMs?: number; status?: number } = {},
): MjGateError | undefined {
  // Own properties only: a vendor code of `constructor` or `toString` is unknown, not an Object.prototype member.
  const entry = code && Object.hasOwn(CODES, code) ? CODES[code] : undefined;
  if (!entry) return undefined;
  const said = message ? `: ${message}` : '';
  const where = options.status ? `, HTTP ${options.status}` : '';
  return entry.make(`AceData refused the request (${code}${where})${said}. ${entry.hint}`, {
    provider: PROVIDER,
    ...options,
  });
}

/** The transport's `toError` hook: AceData's `error.code` first, the HTTP status when the code is unknown. */
export function toAceDataError(failure: HttpFailure): MjGateError {
  const { code, message, traceId } = errorInfo(failure.body);
  const requestId = traceId ?? failure.requestId;
  const mapped = codeError(code, message, {
    status: failure.status,
    requestId,
    retryAfterMs: failure.retryAfterMs,
  });
  if (mapped) return mapped;
  if (failure.status === 402) {
    return new InsufficientCreditsError(
      `AceData asked for payment (402)${message ? `: ${message}` : ''}. That is the x402 pay-per-call host; use https://api.acedata.cloud with a Bearer token.`,
      { provider: PROVIDER, status: 402, requestId },
    );
  }
  return httpError({ ...failure, requestId }, message);
}
