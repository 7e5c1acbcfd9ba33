import {
  ContentPolicyError,
  type HttpFailure,
  httpError,
  InsufficientCreditsError,
  type MjGateError,
  NotFoundError,
  vendorMessage,
} from '@mjgate/core';
import { isContentPolicy } from './mapping.js';

const CREDITS = /\b(credits?|balance|top[\s-]?up|quota)\b/i;
const NOT_FOUND = /\b(not found|does not exist|no such task|unknown task)\b/i;

/**
 * Maps an APIFRAME error answer (§1.4) to an mjgate error. APIFRAME answers every refusal with
 * 400 `{"errors":[{"msg":"..."}]}`, so a few message patterns tell a banned prompt, an empty
 * balance and an unknown task apart from a plain validation error; the rest is the generic
 * status mapping (401 `{}` → authentication, 429 → rate limited, 5xx → provider unavailable).
 */
export function toApiFrameError(failure: HttpFailure): MjGateError {
  const message = vendorMessage(failure.body);
  const { provider, status, requestId } = failure;
  const opts = { provider, status, requestId };
  if (status === 400 || status === 422) {
    if (isContentPolicy(message)) {
      return new ContentPolicyError(
        `${provider} refused the prompt (${status}): ${message}. Rephrase it without the banned words.`,
        opts,
      );
    }
    if (CREDITS.test(message)) {
      return new InsufficientCreditsError(
        `${provider} says the account is out of credits (${status}): ${message}. Top up, or use another provider.`,
        opts,
      );
    }
    if (NOT_FOUND.test(message)) {
      return new NotFoundError(`${provider} does not know this task (${status}): ${message}.`, opts);
    }
  }
  return httpError(failure, message);
}
