import {
  AuthenticationError,
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  MjGateError,
  NotFoundError,
  RateLimitError,
  ResponseValidationError,
} from '@mjgate/core';
import { type HttpFailure, httpError, saysVendor, vendorMessage } from '@mjgate/core/provider';
import { PROVIDER } from './mapping.js';

// Every error here is built once, complete: its class, message and fields are decided before
// `new`, never patched afterwards. Moderation, credits and queue wording is the shared table's
// (`saysVendor`); what is ImaginePro's own is which status carries which meaning (§2.4, §5).

/** Words of a 403 about the key rather than the queue: ImaginePro's own, not a shared wording. */
const ACCESS = /api[\s-]?key|token|unauthori[sz]ed|permission|plan|subscription|not allowed/i;

/**
 * Whether a 403 is ImaginePro's "job queue full" refusal (§2.4, §5: a third-party report). Queue
 * wording wins over access wording ("your plan's queue is full" is a full queue); a bare `Forbidden`
 * is read as the queue too, the only 403 any source describes. Used by both the error mapping and
 * the retry decision, so a 403 that is reported as a rate limit is also the one retried.
 */
function queueFull(failure: HttpFailure, message = vendorMessage(failure.body)): boolean {
  return failure.status === 403 && (saysVendor('queue', message) || !ACCESS.test(message));
}

/**
 * Maps ImaginePro's NestJS error body `{message, error, statusCode}` (§2.4) to the mjgate error
 * classes, keeping ImaginePro's `message` in ours. 400 with moderation wording → content policy;
 * 401 → authentication, or insufficient credits when the message says so (§5: "out of credits →
 * 401"); 403 → rate limited (the account's job queue is full) unless it speaks of the key and not
 * of the queue; the rest as core's {@link httpError}.
 */
export function toImagineProError(failure: HttpFailure): MjGateError {
  const message = vendorMessage(failure.body, failure.text.slice(0, 200));
  const said = message ? `: ${message}` : '';
  const details = { provider: PROVIDER, status: failure.status, requestId: failure.requestId };
  switch (failure.status) {
    case 400:
    case 422:
      if (!saysVendor('moderation', message)) return httpError(failure, message);
      return new ContentPolicyError(
        `ImaginePro refused the prompt (${failure.status})${said}. Reword it; client.promptCheck() tests a prompt for free.`,
        details,
      );
    case 401:
      if (saysVendor('credits', message)) {
        return new InsufficientCreditsError(
          `ImaginePro says the account is out of credits (401)${said}. Top up at platform.imaginepro.ai.`,
          details,
        );
      }
      return new AuthenticationError(
        `ImaginePro rejected the API key (401)${said}. Check IMAGINEPRO_API_KEY or the apiKey option.`,
        details,
      );
    case 403:
      if (!queueFull(failure, message)) return httpError(failure, message);
      return new RateLimitError(
        `ImaginePro refused the request (403)${said}: the account's job queue is full. Wait for running jobs to finish, then retry.`,
        { ...details, retryAfterMs: failure.retryAfterMs },
      );
    default:
      return httpError(failure, message);
  }
}

/**
 * Submissions ImaginePro certainly did not accept, so they may be retried: 429 (always, in core),
 * 503, and a 403 for a full queue.
 */
export function submitRefused(failure: HttpFailure): boolean {
  return failure.status === 503 || queueFull(failure);
}

/** `200 {success: false, error}`: the job was not accepted (§2.2). */
export function notAcceptedError(error: string | null | undefined): MjGateError {
  const text = error?.trim() || 'no reason given';
  const details = { provider: PROVIDER, status: 200 };
  if (saysVendor('moderation', text)) return new ContentPolicyError(`ImaginePro refused the prompt: ${text}.`, details);
  if (saysVendor('credits', text)) {
    return new InsufficientCreditsError(`ImaginePro says the account is out of credits: ${text}.`, details);
  }
  return new InvalidRequestError(`ImaginePro did not accept the job: ${text}.`, details);
}

/** `200 {success: true}` without the `messageId` every creating call answers with (§2.2). */
export function noMessageIdError(path: string): ResponseValidationError {
  return new ResponseValidationError(
    `ImaginePro accepted POST ${path} without a messageId. The job may exist: look for it in history() before submitting again.`,
    { provider: PROVIDER, mayHaveCreatedJob: true },
  );
}

/**
 * Whether a failed status read means the id is unknown: a 404, or a 400, which on a read names
 * nothing but the id (§2.4: "an unknown/invalid messageId on polling").
 */
export function isUnknownJob(error: unknown): error is MjGateError {
  return (
    MjGateError.isInstance(error) &&
    (error.code === 'not_found' || (error.code === 'invalid_request' && error.status === 400))
  );
}

/** The {@link NotFoundError} of an unknown id, from the read's error (a 404 is one already). */
export function unknownJobError(providerJobId: string, error: MjGateError): MjGateError {
  if (error.code === 'not_found') return error;
  return new NotFoundError(`ImaginePro does not know job ${providerJobId}: ${error.message}`, {
    provider: PROVIDER,
    status: error.status,
    requestId: error.requestId,
  });
}
