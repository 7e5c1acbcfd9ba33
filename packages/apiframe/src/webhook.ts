import { type WebhookRequest, WebhookVerificationError } from '@mjgate/core';
import { foreignField, headerValue, timingSafeEqual, webhookJson } from '@mjgate/core/provider';
import * as v from '@mjgate/core/valibot';
import { callbackTaskSchema, FOREIGN_CALLBACK_FIELDS } from './schemas.js';
import { PROVIDER } from './vendor.js';

const reject = (message: string): never => {
  throw new WebhookVerificationError(message, { provider: PROVIDER });
};

/**
 * The body of an APIFRAME callback (§4), once it has passed APIFRAME's own check: the
 * `x-webhook-secret` header must equal `webhookSecret` (constant-time), and the body must be an
 * APIFRAME task, which no other vendor's callback passes for. Core has already checked mjgate's
 * signature on the callback URL; both must pass.
 */
export function verifiedCallback(request: WebhookRequest, webhookSecret: string | undefined): unknown {
  if (webhookSecret) {
    const sent = headerValue(request.headers, 'x-webhook-secret');
    if (sent === undefined || !timingSafeEqual(sent, webhookSecret)) {
      reject(
        `The ${PROVIDER} callback's x-webhook-secret header ${sent === undefined ? 'is missing' : 'does not match webhookSecret'}. Reject it.`,
      );
    }
  }
  const body = webhookJson(request, PROVIDER);
  const foreign = foreignField(body, FOREIGN_CALLBACK_FIELDS);
  if (foreign) {
    reject(
      `The ${PROVIDER} callback carries \`${foreign}\`, a field of another vendor's callbacks, not of an APIFRAME task (§2). Reject it.`,
    );
  }
  if (!v.is(callbackTaskSchema, body)) {
    reject(`The ${PROVIDER} callback body is not an APIFRAME task (a task_id with a task_type, status or result, §2).`);
  }
  return body;
}
