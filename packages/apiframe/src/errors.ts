import { ContentPolicyError, InsufficientCreditsError, type MjGateError, NotFoundError } from '@mjgate/core';
import { type HttpFailure, httpError, saysVendor, vendorMessage } from '@mjgate/core/provider';

/** Unknown-task wording; undocumented for v1 (§3.17: "400 with `errors` is the best guess"). */
const NOT_FOUND = /\b(not found|does not exist|no such task|unknown task)\b/i;

/**
 * Maps an APIFRAME error answer (§1.4) to an mjgate error, built complete in one step. APIFRAME
 * answers every refusal with 400 `{"errors":[{"msg":"..."}]}`, so the message's wording (core's
 * shared vendor-wording table, and an unknown-task pattern) tells a banned prompt, an empty
 * balance and an unknown task apart from a plain validation error; the rest is the generic status
 * mapping (401 `{}` → authentication, 429 → rate limited, 5xx → provider unavailable).
 */
export function toApiFrameError(failure: HttpFailure): MjGateError {
  const message = vendorMessage(failure.body);
  const { provider, status, requestId } = failure;
  const source = { provider, status, requestId };
  if (status === 400 || status === 422) {
    if (saysVendor('moderation', message)) {
      return new ContentPolicyError(
        `${provider} refused the prompt (${status}): ${message}. Rephrase it without the banned words.`,
        source,
      );
    }
    if (saysVendor('credits', message)) {
      return new InsufficientCreditsError(
        `${provider} says the account is out of credits (${status}): ${message}. Top up, or use another provider.`,
        source,
      );
    }
    if (NOT_FOUND.test(message)) {
      return new NotFoundError(`${provider} does not know this task (${status}): ${message}.`, source);
    }
  }
  return httpError(failure, message);
}
