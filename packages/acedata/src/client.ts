import {
  type CallOptions,
  type ImagineInput,
  InvalidRequestError,
  type Job,
  NotFoundError,
  UnsupportedError,
  type WaitOptions,
} from '@mjgate/core';
import {
  ConcurrencyLimit,
  createClient,
  DEFAULT_POLL,
  HttpTransport,
  type PollDefaults,
  type ProviderDefinition,
  resolveApiKey,
  resolveBaseURL,
  resolveLogger,
  storeScope,
} from '@mjgate/core/provider';
import { ACEDATA_CAPABILITIES } from './capabilities.js';
import { createEdit } from './edit.js';
import { refusalError, toAceDataError } from './errors.js';
import { findInTasks } from './find.js';
import { createImagineStream } from './imagine-stream.js';
import {
  ANSWERED_ID_PREFIX,
  answeredJob,
  classify,
  imageIdOf,
  type JobContext,
  PROVIDER,
  recordToJob,
  submittedJob,
  videoIdOf,
} from './mapping.js';
import {
  ACEDATA_API_KEY_ENV,
  ACEDATA_BASE_URL,
  ACEDATA_BASE_URL_ENV,
  ACEDATA_BATCH_MAX,
  ACEDATA_MAX_IN_FLIGHT,
  type AceDataClient,
  type AceDataOptions,
} from './options.js';
import { type AceDataRequest, type AnsweredRequest, actionRequest, REQUESTS, videoRequest } from './requests.js';
import type { AceDataResult } from './schemas.js';
import { parseCallback, webhookValues } from './webhook.js';

/**
 * AceData's guidance: first poll 5–10 s after submitting, then every 5–15 s (§10.3). Core's
 * progress-driven polls average about one per 12 s over a grid and share `retrieve_batch`
 * requests; they come every second only around a job's estimated finish. `run()` reads the imagine
 * stream instead.
 */
const POLL: PollDefaults = { ...DEFAULT_POLL, intervalMs: 1_000, maxIntervalMs: 20_000 };

/**
 * Builds the AceData client. `apiKey` falls back to `ACEDATA_API_KEY` and `baseURL` to `ACEDATA_BASE_URL`;
 * both are resolved now, not per call.
 */
export function createAceData(options: AceDataOptions = {}): AceDataClient {
  // §1: the `Bearer ` prefix is the client's to add.
  const key = resolveApiKey(options.apiKey, ACEDATA_API_KEY_ENV, PROVIDER).replace(/^Bearer\s+/i, '');
  const logger = resolveLogger(options);
  if (key.startsWith('platform-')) {
    logger?.warn?.(
      'acedata: the key looks like a platform token (platform-…); AceData wants a service or global credential for API calls.',
    );
  }
  const { webhookSecret } = options;
  const secrets = [key, webhookSecret];
  const poll: PollDefaults = { ...POLL, ...options.poll };
  // The pace and the in-flight cap (§12.3) are per token: kept in `options.store`, they hold across processes.
  const shared = storeScope(PROVIDER, key, { ...options, logger });
  const transport = new HttpTransport({
    provider: PROVIDER,
    shared,
    baseUrl: resolveBaseURL(options, ACEDATA_BASE_URL_ENV, ACEDATA_BASE_URL),
    authHeaders: { authorization: `Bearer ${key}` },
    secrets,
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    backoff: options.backoff,
    logger,
    headers: options.headers,
    toError: toAceDataError,
    pace: { submit: options.pace?.submit ?? 1_000, read: options.pace?.read ?? 17 },
  });
  const limit = new ConcurrencyLimit(options.maxInFlight ?? ACEDATA_MAX_IN_FLIGHT, { shared, name: 'in-flight' });

  /** Sends one request of the table with an already built body, within its limit (§12.3). */
  function send<Answer>(request: AceDataRequest<never, Answer>, body: unknown, callOptions: CallOptions) {
    // A submission's answer names its task in `task_id`: salvaged from an answer that breaks off.
    const jobIdField = request.call === 'submit' ? 'task_id' : undefined;
    const spec = { method: request.method, path: request.path, body, call: request.call, schema: request.answer };
    const call = () => transport.request({ ...spec, jobIdField }, callOptions).then((result) => result.data);
    return request.limit === 'rate' ? call() : limit.run(call, callOptions.signal);
  }

  /**
   * Submits a task asynchronously (§2): with `callback_url` when a webhook is given (core built and
   * signed it, with the job context in it; it is sent as it is), with `async: true` otherwise.
   */
  async function submit<Input>(
    request: AceDataRequest<Input, AceDataResult>,
    input: Input,
    known: Omit<JobContext, 'operation' | 'prompt'>,
    webhookUrl: string | undefined,
    callOptions: CallOptions,
  ): Promise<Job> {
    const body = request.body(input);
    const context: JobContext = { ...classify(body, request.taskType), ...known };
    const sent = { ...body, ...(webhookUrl ? { callback_url: webhookUrl } : { async: true }) };
    const answer = await send(request, sent, callOptions);
    if (!answer.task_id) throw refusalError(answer, request.path.replace('/midjourney/', ''), 'a task_id');
    return submittedJob(answer, answer.task_id, context);
  }

  /** A call AceData answers at once (describe, shorten, seed: §6, §8, §9) as a finished job. */
  async function answer<Input>(
    request: AnsweredRequest<Input>,
    input: Input,
    context: JobContext,
    callOptions: CallOptions,
  ): Promise<Job> {
    const expected = request.answered;
    // §6, §9: the answer comes in the same call, so there is no callback to send.
    if ((input as { webhookUrl?: string } | undefined)?.webhookUrl) {
      throw new UnsupportedError(`AceData answers ${expected.what} at once and sends no callback; drop webhookUrl.`, {
        provider: PROVIDER,
      });
    }
    const body = await send(request, request.body(input), callOptions);
    if (!expected.has(body) || body.success === false) throw refusalError(body, expected.what, expected.missing);
    return answeredJob(body, context);
  }

  async function get(providerJobId: string, callOptions: CallOptions): Promise<Job> {
    if (providerJobId.startsWith(ANSWERED_ID_PREFIX)) {
      throw new NotFoundError(
        `Job ${PROVIDER}:${providerJobId} was answered at once (describe, shorten or seed); AceData keeps no task for it. The Job that call returned is final.`,
        { provider: PROVIDER },
      );
    }
    const record = await send(REQUESTS.retrieve, REQUESTS.retrieve.body(providerJobId), callOptions);
    if (!record.id && !record.request && !record.response) {
      throw new NotFoundError(`AceData does not know task ${providerJobId}.`, { provider: PROVIDER });
    }
    return recordToJob(record, providerJobId);
  }

  /**
   * The finished parent a follow-up needs: the caller's `Job` when it is succeeded and still holds
   * the vendor payload (`has`), else a fresh `retrieve`, since an in-progress job's ids are
   * throwaway preview ids that AceData refuses (§2, mode 2).
   */
  async function finishedParent(
    job: Job | undefined,
    providerJobId: string,
    has: (job: Job) => string | undefined,
    callOptions: CallOptions,
  ): Promise<Job> {
    const parent = job?.status === 'succeeded' && has(job) ? job : await get(providerJobId, callOptions);
    if (parent.status !== 'succeeded') {
      throw new InvalidRequestError(
        `Job ${PROVIDER}:${providerJobId} is ${parent.status}; only a succeeded job has a final AceData id to act on. Wait for it first.`,
        { provider: PROVIDER },
      );
    }
    return parent;
  }

  async function imageIdFor(job: Job | undefined, providerJobId: string, callOptions: CallOptions): Promise<string> {
    const imageId = imageIdOf(await finishedParent(job, providerJobId, imageIdOf, callOptions));
    if (!imageId) {
      throw new InvalidRequestError(
        `Job ${PROVIDER}:${providerJobId} has no AceData image_id (not an image result?), so it takes no follow-up.`,
        { provider: PROVIDER },
      );
    }
    return imageId;
  }

  // The stream polls through the client should it break; the client is built below from `definition`.
  const imagineStream = createImagineStream({
    transport,
    limit,
    client: { watch: (job, watchOptions) => client.watch(job, watchOptions) },
    timeoutMs: poll.timeoutMs,
    secrets,
    logger,
  });

  async function* submitAndWatch(input: ImagineInput, waitOptions: WaitOptions): AsyncGenerator<Job> {
    const { signal, headers } = waitOptions;
    yield* client.watch(await client.imagine(input, { signal, headers }), waitOptions);
  }

  const definition: ProviderDefinition = {
    provider: PROVIDER,
    capabilities: ACEDATA_CAPABILITIES,
    poll,
    // run() follows an imagine over its ndjson stream (§2, mode 2): no status request at all. A
    // stream holds one of the key's in-flight slots (§12.3) for the whole job, so once most are
    // taken, run() submits and polls instead (batched with every other wait of this client).
    runImagine: (input, waitOptions) =>
      limit.max <= 0 || limit.active < limit.max - 1
        ? imagineStream(input, waitOptions)
        : submitAndWatch(input, waitOptions),
    batch: { max: ACEDATA_BATCH_MAX },
    webhookSecret,
    webhookTtlMs: options.webhookTtlMs,
    secrets,
    shared,
    webhookValues,
    get,

    async getMany(taskIds, callOptions) {
      // Answers given at once (describe, shorten, seed) have no task to ask for; they come back missing.
      const ids = taskIds.filter((id) => !id.startsWith(ANSWERED_ID_PREFIX));
      if (ids.length === 0) return [];
      const { items } = await send(REQUESTS.retrieveBatch, REQUESTS.retrieveBatch.body(ids), callOptions);
      const byId = new Map<string, Job>();
      for (const record of items) {
        const id = record.id ?? record.response?.task_id;
        if (id && ids.includes(id)) byId.set(id, recordToJob(record, id));
      }
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    async findSubmission(submission, callOptions) {
      const list = (page: Parameters<typeof REQUESTS.listTasks.body>[0], listOptions: CallOptions) =>
        send(REQUESTS.listTasks, REQUESTS.listTasks.body(page), listOptions);
      return findInTasks(submission, { list, get }, callOptions);
    },

    imagine: (input, callOptions) => submit(REQUESTS.imagine, input, { ref: input.ref }, input.webhookUrl, callOptions),

    blend: (input, callOptions) => submit(REQUESTS.blend, input, { ref: input.ref }, input.webhookUrl, callOptions),

    async act(parent, action, input, callOptions) {
      const request = actionRequest(action, input);
      const imageId = await imageIdFor(parent, parent.providerJobId, callOptions);
      const known = { parentId: parent.id, ref: input.ref };
      return submit(request, imageId, known, input.webhookUrl, callOptions);
    },

    async video(input, callOptions) {
      const request = videoRequest(input);
      const extended = input.extend;
      const parent = extended && (await finishedParent(extended.job, extended.providerJobId, videoIdOf, callOptions));
      const videoParent = parent && {
        id: extended.id,
        videoId: videoIdOf(parent),
        videoCount: parent.videoUrls?.length ?? 0,
      };
      const known = { parentId: extended?.id, ref: input.ref };
      return submit(request, videoParent || undefined, known, input.webhookUrl, callOptions);
    },

    describe: (input, callOptions) =>
      answer(REQUESTS.describe, input, { operation: 'describe', ref: input.ref }, callOptions),

    shorten: (input, callOptions) =>
      answer(REQUESTS.shorten, input, { operation: 'shorten', prompt: input.prompt, ref: input.ref }, callOptions),

    async seed(job, callOptions) {
      const imageId = await imageIdFor(job.job, job.providerJobId, callOptions);
      return answer(REQUESTS.seed, imageId, { operation: 'seed', parentId: job.id }, callOptions);
    },

    parseWebhook: async (request, context) => parseCallback(request, context),
  };

  const client = createClient(definition);
  return Object.assign(client, {
    provider: PROVIDER,
    imagineStream,
    edit: createEdit({ submit, webhookSecret, webhookTtlMs: options.webhookTtlMs }),
    async translate(text: string, callOptions: CallOptions = {}): Promise<string> {
      const { content } = await send(REQUESTS.translate, REQUESTS.translate.body(text), callOptions);
      return content;
    },
  }) as AceDataClient;
}
