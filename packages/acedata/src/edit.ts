import type { CallOptions, Job } from '@mjgate/core';
import { rememberWebhookJob, signWebhookUrl, validateInput } from '@mjgate/core/provider';
import { classify, type JobContext, PROVIDER } from './mapping.js';
import { type AceDataRequest, REQUESTS } from './requests.js';
import { type AceDataEditInput, type AceDataResult, editInputSchema } from './schemas.js';

/** What {@link createEdit} needs of the client. */
export interface EditParts {
  /** The client's task submission (`callback_url` or `async: true`, §2). */
  submit(
    request: AceDataRequest<AceDataEditInput, AceDataResult>,
    input: AceDataEditInput,
    known: Omit<JobContext, 'operation' | 'prompt'>,
    webhookUrl: string | undefined,
    callOptions: CallOptions,
  ): Promise<Job>;
  webhookSecret?: string;
  webhookTtlMs?: number;
}

/**
 * `edit`: AceData's `/midjourney/edits` (§4). It is no core operation, so `createClient` does not
 * build its callback URL: this does, the way core does for the others — with core's
 * `signWebhookUrl` (context, nonce, expiry, signature), before the submission and never changed after
 * — and records which job the URL was handed out with once AceData has answered. AceData records an
 * edit as `type: 'edits'`, a grid like an imagine's, so the job and its callback say `imagine`
 * (`blend` for a prompt that starts with 2–5 image URLs, as for a generate, §11).
 */
export function createEdit(parts: EditParts) {
  return async function edit(input: AceDataEditInput, callOptions: CallOptions = {}): Promise<Job> {
    const valid = validateInput(editInputSchema, input, 'edit', PROVIDER);
    const { operation } = classify(REQUESTS.edit.body(valid), REQUESTS.edit.taskType);
    const webhookUrl = valid.webhookUrl
      ? await signWebhookUrl(
          valid.webhookUrl,
          PROVIDER,
          parts.webhookSecret,
          { operation, ref: valid.ref },
          { ttlMs: parts.webhookTtlMs },
        )
      : undefined;
    const job = await parts.submit(REQUESTS.edit, valid, { ref: valid.ref }, webhookUrl, callOptions);
    if (webhookUrl) rememberWebhookJob(webhookUrl, job.id);
    return job;
  };
}
