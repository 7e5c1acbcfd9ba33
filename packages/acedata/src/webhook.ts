import { type Job, type Operation, type WebhookRequest, WebhookVerificationError } from '@mjgate/core';
import { definedOnly, foreignField, type WebhookContext, webhookJson } from '@mjgate/core/provider';
import * as v from '@mjgate/core/valibot';
import { generateOperation, type JobContext, PROVIDER, recordToJob, resultToJob } from './mapping.js';
import { callbackResultSchema, FOREIGN_CALLBACK_FIELDS, taskRecordSchema } from './schemas.js';

// AceData's callback is the bare result object (§10.4): no prompt, no request, so it cannot say
// whether the generate it reports was a blend. Polling can (the task record keeps the prompt, §10.2),
// so the submission asks core to sign that one fact into the callback URL, and the callback reads it
// back from the verified context: the same job either way.

/** The vendor value that carries AceData's own name for a generate (see {@link webhookValues}). */
const OPERATION_VALUE = 'operation';

const GENERATES: ReadonlySet<Operation | undefined> = new Set<Operation | undefined>(['imagine', 'blend']);

/**
 * The `ProviderDefinition.webhookValues` hook: for an imagine or blend whose prompt AceData will
 * record as the other (an imagine with 2–5 image URLs in front is a blend, §11), the operation
 * polling will report, for core to sign into the callback URL. Nothing otherwise.
 */
export function webhookValues(context: WebhookContext, input: unknown): Record<string, string> | undefined {
  if (!GENERATES.has(context.operation) || !input || typeof input !== 'object') return undefined;
  const { prompt, imageUrls } = input as { prompt?: unknown; imageUrls?: unknown };
  // The prompt the body will carry starts with the image URLs, then the text (core's composePrompt).
  const urls = Array.isArray(imageUrls) ? imageUrls.filter((url): url is string => typeof url === 'string') : [];
  const operation = generateOperation([...urls, typeof prompt === 'string' ? prompt : ''].join(' '));
  return operation === context.operation ? undefined : { [OPERATION_VALUE]: operation };
}

/**
 * The job context of a callback, from core's {@link WebhookContext} (verified when a webhook secret is
 * set): the signed AceData operation replaces core's between `imagine` and `blend` only, so even an
 * unsigned URL cannot relabel an action or a video.
 */
export function callbackContext(context: WebhookContext): Partial<JobContext> {
  const own = context.vendorValues?.[OPERATION_VALUE] as Operation | undefined;
  const operation = GENERATES.has(context.operation) && GENERATES.has(own) ? own : context.operation;
  return definedOnly({ operation, action: context.action, parentId: context.parentId, ref: context.ref });
}

/**
 * An AceData callback → `Job`, the same job polling gives. Strict enough that no other vendor's
 * callback passes for an AceData result: a field of another vendor's, a bare `{task_id}` or a body
 * without `success` is refused with `WebhookVerificationError`.
 */
export function parseCallback(request: WebhookRequest, context: WebhookContext): Job {
  const body = webhookJson(request, PROVIDER);
  const jobContext = callbackContext(context);
  const foreign = foreignField(body, FOREIGN_CALLBACK_FIELDS);
  if (foreign) {
    throw new WebhookVerificationError(
      `The AceData callback carries \`${foreign}\`, a field of another vendor's callbacks, not of an AceData result (§3.3). Reject it.`,
      { provider: PROVIDER },
    );
  }
  if (body && typeof body === 'object' && ('response' in body || 'request' in body)) {
    const record = v.safeParse(taskRecordSchema, body);
    const id = record.success ? (record.output.id ?? record.output.response?.task_id) : undefined;
    if (record.success && id) return recordToJob(record.output, id, jobContext);
  } else {
    const result = v.safeParse(callbackResultSchema, body);
    if (result.success) return resultToJob(result.output, result.output.task_id!, jobContext);
  }
  throw new WebhookVerificationError(
    'The AceData callback is not a task result (a task_id with success, §10.4). Reject it.',
    { provider: PROVIDER },
  );
}
