import {
  AuthenticationError,
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  type MjGateError,
  type MjGateErrorOptions,
  ProviderError,
  RateLimitError,
  ResponseValidationError,
  TimeoutError,
} from '@mjgate/core';
import { type HttpFailure, httpError, saysVendor, vendorMessage } from '@mjgate/core/provider';
import { PROVIDER } from './mapping.js';
import { ACEDATA_API_KEY_ENV } from './options.js';
import type { AceDataResult } from './schemas.js';

type Make = (message: string, options: MjGateErrorOptions & { retryAfterMs?: number }) => MjGateError;

const KEY_HINT = `Check ${ACEDATA_API_KEY_ENV}: it must be a Midjourney service or global credential from platform.acedata.cloud (not a \`platform-\` token).`;

/** AceData `error.code` → mjgate error, with what the caller should do. */
const CODES: Readonly<Record<string, { make: Make; hint: string }>> = {
  invalid_token: { make: (message, options) => new AuthenticationError(message, options), hint: KEY_HINT },
  token_expired: {
    make: (message, options) => new AuthenticationError(message, options),
    hint: 'The token expired: create a new one.',
  },
  no_token: { make: (message, options) => new AuthenticationError(message, options), hint: KEY_HINT },
  token_mismatched: {
    make: (message, options) => new AuthenticationError(message, options),
    hint: 'The token belongs to another AceData service: use a Midjourney or global credential.',
  },
  disabled: {
    make: (message, options) => new AuthenticationError(message, options),
    hint: 'The credential or application is disabled in the AceData console.',
  },
  used_up: {
    make: (message, options) => new InsufficientCreditsError(message, options),
    hint: 'Top up the balance at https://platform.acedata.cloud.',
  },
  forbidden: {
    make: (message, options) => new ContentPolicyError(message, options),
    hint: 'Midjourney moderation refused the prompt or image; change it.',
  },
  too_many_requests: {
    make: (message, options) => new RateLimitError(message, options),
    hint: 'AceData allows 1 submission per second: slow down or retry later.',
  },
  rate_limited: {
    make: (message, options) => new RateLimitError(message, options),
    hint: 'AceData allows 5 jobs in flight per token: wait for one to finish.',
  },
  bad_request: { make: (message, options) => new InvalidRequestError(message, options), hint: 'Fix the request.' },
  api_not_implemented: {
    make: (message, options) => new InvalidRequestError(message, options),
    hint: 'AceData does not implement this call for the token.',
  },
  no_api: {
    make: (message, options) => new InvalidRequestError(message, options),
    hint: 'AceData has no such path: check baseURL.',
  },
  api_error: {
    make: (message, options) => new ProviderError(message, options),
    hint: 'AceData failed internally; retry later.',
  },
  timeout: { make: (message, options) => new TimeoutError(message, options), hint: 'AceData timed out; retry later.' },
};

/** The `{code, message}` and `trace_id` of an AceData error body, in either envelope (or `{detail}`). */
export function errorInfo(body: unknown): { code?: string; message: string; traceId?: string } {
  const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const error =
    fields.error && typeof fields.error === 'object' ? (fields.error as Record<string, unknown>) : undefined;
  const code = typeof error?.code === 'string' && error.code ? error.code : undefined;
  const traceId = typeof fields.trace_id === 'string' && fields.trace_id ? fields.trace_id : undefined;
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
  // §12.2: AceData's refusals of the prompt and of the balance are both 403s.
  const worded = failure.status === 403 ? wordedError(message, { status: 403, requestId }) : undefined;
  if (worded) return worded;
  if (failure.status === 402) {
    return new InsufficientCreditsError(
      `AceData asked for payment (402)${message ? `: ${message}` : ''}. That is the x402 pay-per-call host; use https://api.acedata.cloud with a Bearer token.`,
      { provider: PROVIDER, status: 402, requestId },
    );
  }
  return httpError({ ...failure, requestId }, message);
}

/**
 * A refusal that names no code AceData documents, read from its words through core's shared table:
 * FastAPI-style `{detail}` bodies carry no code (§12.1), and AceData's moderation and balance refusals
 * say what they are ("…against our community standards", "Your balance is not sufficient…", §12.2).
 */
function wordedError(message: string, options: { status?: number; requestId?: string }): MjGateError | undefined {
  const where = options.status ? ` (HTTP ${options.status})` : '';
  if (saysVendor('moderation', message)) {
    return new ContentPolicyError(`AceData refused the request${where}: ${message}. ${CODES.forbidden!.hint}`, {
      provider: PROVIDER,
      ...options,
    });
  }
  if (saysVendor('credits', message)) {
    return new InsufficientCreditsError(`AceData refused the request${where}: ${message}. ${CODES.used_up!.hint}`, {
      provider: PROVIDER,
      ...options,
    });
  }
  return undefined;
}

/**
 * The error of a 2xx answer that is not what the call returns: an error envelope (§12.1: a sync error
 * may come with any status, with or without `success: false`), or an answer without what the call
 * returns (`missing`, e.g. `'a task_id'`), which, since the request was sent, may have created a task.
 */
export function refusalError(body: AceDataResult, what: string, missing: string): MjGateError {
  const { code, message, traceId } = errorInfo(body);
  const known = codeError(code, message, { requestId: traceId });
  if (known) return known;
  if (body.error || body.success === false) {
    return (
      wordedError(message, { requestId: traceId }) ??
      new InvalidRequestError(`AceData refused the ${what}: ${message || 'no reason given'}.`, {
        provider: PROVIDER,
        requestId: traceId,
      })
    );
  }
  return new ResponseValidationError(
    `AceData answered the ${what} without ${missing}. The request was sent, so it may have been accepted (and billed).`,
    { provider: PROVIDER, requestId: traceId, mayHaveCreatedJob: true },
  );
}
