import { type WebhookRequest, WebhookVerificationError } from '@mjgate/core';
import { foreignField, webhookJson } from '@mjgate/core/provider';
import * as v from '@mjgate/core/valibot';
import { callbackTaskSchema, FOREIGN_CALLBACK_FIELDS } from './schemas.js';
import { PROVIDER } from './vendor.js';

const reject = (message: string): never => {
  throw new WebhookVerificationError(message, { provider: PROVIDER });
};

/**
 * The body of a `notifyHook` callback (§5): the whole Task, exactly what `fetch` returns. The
 * servers sign nothing, so core has already checked mjgate's signature on the callback URL; here the
 * body must be an mj-proxy Task, which no other vendor's callback passes for.
 */
export function verifiedCallback(request: WebhookRequest): unknown {
  const body = webhookJson(request, PROVIDER);
  const foreign = foreignField(body, FOREIGN_CALLBACK_FIELDS);
  if (foreign) {
    reject(
      `The ${PROVIDER} callback carries \`${foreign}\`, a field of another vendor's callbacks, not of a Task (§2). Reject it.`,
    );
  }
  if (!v.is(callbackTaskSchema, body)) {
    reject(`The ${PROVIDER} callback body is not a midjourney-proxy Task (an id with a status or an action, §5).`);
  }
  return body;
}
