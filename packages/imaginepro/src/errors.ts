import {
  AuthenticationError,
  ContentPolicyError,
  type HttpFailure,
  httpError,
  InsufficientCreditsError,
  InvalidRequestError,
  type MjGateError,
  RateLimitError,
  vendorMessage,
} from '@mjgate/core';
import { BANNED, PROVIDER } from './mapping.js';

/** ImaginePro answers "out of credits" with 401 (§2.4, §5); its message is the only way to tell it from a bad key. */
const NO_CREDITS = /credit|balance|quota|top[\s-]?up|insufficient|recharge/i;
/** A 403 that speaks of the job queue: what the third-party report describes (§2.4, §5). */
const QUEUE = /queue|concurren|too many|busy/i;
/** Words of a 403 about the key rather than the queue. */
const ACCESS = /api[\s-]?key|token|unauthori[sz]ed|permission|plan|subscription|not allowed/i;

/**
 * Whether a 403 is ImaginePro's "job queue full" refusal. Queue wording wins over access wording
 * ("your plan's queue is full" is a full queue); a bare `Forbidden` is read as the queue too, the
 * only 403 any source describes. Used by both the error mapping and the retry decision, so a 403
 * that is reported as a rate limit is also the one retried.
 */
function queueFull(failure: HttpFailure, message = vendorMessage(failure.body)): boolean {
  return failure.status === 403 && (QUEUE.test(message) || !ACCESS.test(message));
}

/**
 * Maps ImaginePro's NestJS error body `{message, error, statusCode}` (§2.4) to the mjgate error
 * classes, keeping ImaginePro's `message` in ours. 400 with moderation wording → content policy;
 * 401 → authentication, or insufficient credits when the message says so; 403 → rate limited (the
 * account's job queue is full) unless it speaks of the key and not of the queue; the rest as core's {@link httpError}.
 */
export function toImagineProError(failure: HttpFailure): MjGateError {
  const message = vendorMessage(failure.body, failure.text.slice(0, 200));
  const said = message ? `: ${message}` : '';
  const opts = { provider: PROVIDER, status: failure.status, requestId: failure.requestId };
  switch (failure.status) {
    case 400:
    case 422:
      if (BANNED.test(message)) {
        return new ContentPolicyError(
          `ImaginePro refused the prompt (${failure.status})${said}. Reword it; client.promptCheck() tests a prompt for free.`,
          opts,
        );
      }
      return httpError(failure, message);
    case 401:
      if (NO_CREDITS.test(message)) {
        return new InsufficientCreditsError(
          `ImaginePro says the account is out of credits (401)${said}. Top up at platform.imaginepro.ai.`,
          opts,
        );
      }
      return new AuthenticationError(
        `ImaginePro rejected the API key (401)${said}. Check IMAGINEPRO_API_KEY or the apiKey option.`,
        opts,
      );
    case 403:
      if (!queueFull(failure, message)) return httpError(failure, message);
      return new RateLimitError(
        `ImaginePro refused the request (403)${said}: the account's job queue is full. Wait for running jobs to finish, then retry.`,
        { ...opts, retryAfterMs: failure.retryAfterMs },
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
  const opts = { provider: PROVIDER, status: 200 };
  if (BANNED.test(text)) return new ContentPolicyError(`ImaginePro refused the prompt: ${text}.`, opts);
  if (NO_CREDITS.test(text))
    return new InsufficientCreditsError(`ImaginePro says the account is out of credits: ${text}.`, opts);
  return new InvalidRequestError(`ImaginePro did not accept the job: ${text}.`, opts);
}
