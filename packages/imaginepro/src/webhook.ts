import { type Job, parseJobId, type WebhookRequest, WebhookVerificationError } from '@mjgate/core';
import { foreignField, type WebhookContext, webhookJson } from '@mjgate/core/provider';
import * as v from '@mjgate/core/valibot';
import {
  decodeJobId,
  encodeJobId,
  FLUX_MODEL,
  type IdKind,
  inferIdKind,
  isIdKind,
  PROVIDER,
  toJob,
} from './mapping.js';
import { FOREIGN_CALLBACK_FIELDS, type ImagineProMessage, messageSchema } from './schemas.js';

/**
 * An ImaginePro callback as a `Job`. The body is the message object of §3.2 (§4); ImaginePro signs
 * nothing, so core has already checked the signed callback URL and hands over its `context`.
 * Strict enough that no other vendor's callback passes for an ImaginePro message.
 */
export function parseImagineProWebhook(request: WebhookRequest, context: WebhookContext): Job {
  const body = webhookJson(request, PROVIDER);
  const foreign = foreignField(body, FOREIGN_CALLBACK_FIELDS);
  if (foreign) {
    throw new WebhookVerificationError(
      `The ImaginePro callback carries \`${foreign}\`, a field of another vendor's callbacks, not of an ImaginePro message (§3.2). Reject it.`,
      { provider: PROVIDER },
    );
  }
  const parsed = v.safeParse(messageSchema, body);
  if (!parsed.success) {
    throw new WebhookVerificationError('The ImaginePro callback body is not an ImaginePro message (no status).', {
      provider: PROVIDER,
    });
  }
  const message = parsed.output;
  if (!message.messageId) {
    throw new WebhookVerificationError('The ImaginePro callback carries no messageId, so it names no job.', {
      provider: PROVIDER,
    });
  }
  const idKind = idKindOf(context, message);
  const job = toJob(message, encodeJobId(idKind, message.messageId));
  // An extended video's parent is a video job, as `video` and polling report it, whatever id form the caller used.
  const parent = idKind === 'video' && job.parentId === undefined ? videoParent(context.parentId) : undefined;
  return parent ? { ...job, parentId: parent } : job;
}

/**
 * The id kind of a callback's job: from the operation core put in the callback URL (so the job gets
 * the same id as polling), else, for a callback to a URL mjgate did not hand out, from its fields.
 */
function idKindOf(context: WebhookContext, message: ImagineProMessage): IdKind | undefined {
  // A Flux imagine's URL carries its model (client.ts `webhookValues`): its message does not say.
  if (context.operation === 'imagine' && context.vendorValues?.model === FLUX_MODEL) return 'flux';
  if (context.operation) return isIdKind(context.operation) ? context.operation : undefined;
  return inferIdKind(message);
}

/** The video job id of an extend's parent named in the callback URL, when it is an ImaginePro job. */
function videoParent(parentId: string | undefined): string | undefined {
  const parent = parentId ? parseJobId(parentId) : undefined;
  if (parent?.provider !== PROVIDER) return undefined;
  return `${PROVIDER}:${encodeJobId('video', decodeJobId(parent.providerJobId).messageId)}`;
}
