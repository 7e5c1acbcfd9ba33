import {
  type Account,
  type CallOptions,
  emptyJob,
  type Job,
  type MidjourneyClient,
  type ProviderOptions,
} from '@mjgate/core';
import {
  createClient,
  definedOnly,
  HttpTransport,
  type ProviderDefinition,
  resolveApiKey,
  resolveBaseURL,
  resolveLogger,
  SubmissionMemo,
  storeScope,
} from '@mjgate/core/provider';
import * as v from '@mjgate/core/valibot';
import { APIFRAME_CAPABILITIES } from './capabilities.js';
import { toApiFrameError } from './errors.js';
import { accountFrom, type KnownTask, taskToJob } from './mapping.js';
import { actionRequest, READS, type ReadRequest, SUBMISSIONS, type SubmitRequest } from './requests.js';
import { type ApiFrameTask, submitSchema, taskSchema } from './schemas.js';
import { type UploadFile, type UploadOptions, type UploadResult, uploadForm } from './upload.js';
import { APIFRAME_API_KEY_ENV, APIFRAME_BASE_URL, APIFRAME_BASE_URL_ENV, PROVIDER } from './vendor.js';
import { verifiedCallback } from './webhook.js';

/** Options of {@link createApiFrame}. */
export interface ApiFrameOptions extends ProviderOptions {
  /**
   * Sent to APIFRAME as `webhook_secret` with every request that has a `webhookUrl`; APIFRAME
   * returns it in the `x-webhook-secret` header, which `parseWebhook` checks in constant time. It also
   * signs the callback URL (nonce, expiry, job context), as for every vendor: both checks must pass.
   */
  webhookSecret?: string;
}

/** The APIFRAME client: the neutral {@link MidjourneyClient}, plus APIFRAME's media upload. */
export interface ApiFrameClient extends MidjourneyClient {
  /**
   * Uploads a local image (at most 2 MB) to APIFRAME's CDN through `POST /upload` and returns its
   * public URL, so a local file can be described, blended or face-swapped.
   *
   * @example
   * const { url } = await apiframe.upload(await readFile('cat.png'), { filename: 'cat.png' });
   * const job = await apiframe.wait(await apiframe.describe({ imageUrl: url }));
   */
  upload(file: UploadFile, options?: UploadOptions): Promise<UploadResult>;
}

/** What every submission may carry besides the endpoint's own fields (§1.3). */
interface CallerFields {
  webhookUrl?: string;
  ref?: string;
}

/** How many submitted tasks the client remembers (for `ref`, parent and prompt on later reads). */
const REMEMBERED_TASKS = 2_000;

/**
 * Creates a client for APIFRAME's v1 Midjourney API (`https://api.apiframe.pro`).
 *
 * The API key comes from `options.apiKey` or `APIFRAME_API_KEY` and is sent raw in
 * `Authorization` (no `Bearer`, §1.1), only to the base URL (`options.baseURL`, else
 * `APIFRAME_BASE_URL`, else APIFRAME's host).
 *
 * @example
 * const apiframe = createApiFrame({ webhookSecret: process.env.APIFRAME_WEBHOOK_SECRET });
 * const grid = await apiframe.run({ prompt: 'a red fox in snow', aspectRatio: '3:2' });
 * const upscaled = await apiframe.wait(await apiframe.upscale(grid, 3));
 */
export function createApiFrame(options: ApiFrameOptions = {}): ApiFrameClient {
  const apiKey = resolveApiKey(options.apiKey, APIFRAME_API_KEY_ENV, PROVIDER);
  const logger = resolveLogger(options);
  const webhookSecret = options.webhookSecret || undefined;
  const shared = storeScope(PROVIDER, apiKey, { ...options, logger });
  const transport = new HttpTransport({
    provider: PROVIDER,
    baseUrl: resolveBaseURL(options, APIFRAME_BASE_URL_ENV, APIFRAME_BASE_URL),
    authHeaders: { authorization: apiKey },
    secrets: [apiKey, webhookSecret],
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    backoff: options.backoff,
    logger,
    headers: options.headers,
    toError: toApiFrameError,
  });
  // APIFRAME keeps no parent, prompt or ref on a task (§3.17), so the client remembers them.
  const submitted = new SubmissionMemo<KnownTask>({ maxEntries: REMEMBERED_TASKS });

  /** The one path from a vendor task object to a `Job`, for polling, fetch-many and webhooks. */
  function observe(raw: unknown, context?: KnownTask): Job | undefined {
    const parsed = v.safeParse(taskSchema, raw);
    return parsed.success ? jobOf(parsed.output, context) : undefined;
  }

  /**
   * A task validated once (by the transport, or by {@link observe}) as a `Job`. The schemas have no
   * transforms, so the validated task is the payload as received and serves as `job.raw`.
   */
  function jobOf(task: ApiFrameTask, context?: KnownTask): Job {
    const remembered = submitted.recall(String(task.task_id ?? task.taskId));
    return taskToJob(task, task, context ? { ...remembered, ...definedOnly(context) } : remembered);
  }

  /**
   * The webhook body fields (§1.3). `webhookUrl` arrives already signed by core (submission context,
   * nonce, expiry), which `parseWebhook` gets back as its `context`; `webhook_secret` comes back in
   * `x-webhook-secret` (§4), checked on top.
   */
  function webhookFields(webhookUrl: string | undefined): Record<string, string> {
    if (!webhookUrl) return {};
    if (!webhookSecret) {
      logger?.warn?.('apiframe: webhookUrl without webhookSecret: callbacks cannot be verified. Set webhookSecret.');
    }
    return { webhook_url: webhookUrl, ...(webhookSecret ? { webhook_secret: webhookSecret } : {}) };
  }

  /**
   * Sends a task-creating request and returns the queued job. The client remembers the prompt sent
   * (else the one `known` gives), the ref and `known`'s parent and action for later reads.
   */
  async function submit<Input>(
    request: SubmitRequest<Input>,
    input: Input & CallerFields,
    callOptions: CallOptions,
    known: KnownTask = {},
  ): Promise<Job> {
    const body = { ...request.body(input), ...webhookFields(input.webhookUrl) };
    const { data } = await transport.request(
      { method: 'POST', path: request.path, body, call: 'submit', schema: submitSchema, jobIdField: 'task_id' },
      callOptions,
    );
    const providerJobId = String(data.task_id ?? data.taskId);
    const task: KnownTask = {
      ...definedOnly({ operation: request.operation, ref: input.ref, ...known }),
      ...definedOnly({ prompt: typeof body.prompt === 'string' ? body.prompt : known.prompt }),
      createdAt: new Date().toISOString(),
    };
    submitted.remember(providerJobId, task);
    return emptyJob({
      provider: PROVIDER,
      providerJobId,
      operation: request.operation,
      status: 'queued',
      ...definedOnly({ action: task.action, parentId: task.parentId, prompt: task.prompt, ref: task.ref }),
      createdAt: task.createdAt,
      raw: data,
    });
  }

  /** Sends a request that creates nothing, retried like a status read. */
  async function read<Input, Answer>(
    request: ReadRequest<Input, Answer>,
    input: Input,
    callOptions: CallOptions,
  ): Promise<Answer> {
    const spec = { method: request.method, path: request.path, call: 'read', schema: request.answer } as const;
    const body = request.body?.(input);
    const { data } = await transport.request(body === undefined ? spec : { ...spec, body }, callOptions);
    return data;
  }

  const definition: ProviderDefinition = {
    provider: PROVIDER,
    capabilities: APIFRAME_CAPABILITIES,
    // No documented rate limit (§5, §10); the vendor's SDK polls every 3 s. Core's progress-driven
    // polls come every second only around a job's estimated finish, and batch into `/fetch-many`.
    poll: { intervalMs: 1_000, maxIntervalMs: 20_000, ...options.poll },
    // §3.18: /fetch-many takes 2 to 20 ids.
    batch: { max: 20, min: 2 },
    // x-webhook-secret is checked in parseWebhook, on top of mjgate's URL signature (core).
    webhookSecret,
    webhookTtlMs: options.webhookTtlMs,
    secrets: [apiKey, webhookSecret],
    shared,

    async get(providerJobId, callOptions) {
      // The transport validated the task against `taskSchema` already: mapped without a second parse.
      return jobOf(await read(READS.fetch, providerJobId, callOptions));
    },

    async getMany(providerJobIds, callOptions) {
      const ids = [...new Set(providerJobIds)];
      const { tasks } = await read(READS.fetchMany, ids, callOptions);
      const byId = new Map<string, Job>();
      for (const raw of tasks) {
        const job = observe(raw);
        if (job) byId.set(job.providerJobId, job);
        else logger?.warn?.('apiframe: /fetch-many listed an entry that is not a task; skipped.');
      }
      // The vendor documents neither the order nor unknown ids (§3.18): answer in the order asked, without the unknown.
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    imagine: (input, callOptions) => submit(SUBMISSIONS.imagine, input, callOptions),
    act: (parent, action, input, callOptions) =>
      submit(actionRequest(action, parent), input, callOptions, { action, parentId: parent.id, prompt: parent.prompt }),
    describe: (input, callOptions) => submit(SUBMISSIONS.describe, input, callOptions),
    blend: (input, callOptions) => submit(SUBMISSIONS.blend, input, callOptions),
    faceSwap: (input, callOptions) => submit(SUBMISSIONS.faceSwap, input, callOptions),
    video: ({ extend, ...input }, callOptions) =>
      extend
        ? submit(SUBMISSIONS.videoExtend, { ...input, extend }, callOptions, { parentId: extend.id })
        : submit(SUBMISSIONS.video, input, callOptions),
    shorten: (input, callOptions) => submit(SUBMISSIONS.shorten, input, callOptions),
    seed: (job, callOptions) =>
      submit(SUBMISSIONS.seed, job, callOptions, { parentId: job.id, prompt: job.job?.prompt }),

    async account(callOptions): Promise<Account> {
      return accountFrom(await read(READS.account, undefined, callOptions));
    },

    async parseWebhook(request, context) {
      // The context core read from the signed callback URL stands in for this process's memory of the submission.
      return observe(verifiedCallback(request, webhookSecret), context)!;
    },
  };

  async function upload(file: UploadFile, uploadOptions: UploadOptions = {}): Promise<UploadResult> {
    const { filename, contentType, ...callOptions } = uploadOptions;
    const data = await read(READS.upload, uploadForm(file, filename, contentType), callOptions);
    return { url: (data.imageURL ?? data.imageUrl ?? data.image_url ?? data.url)!, raw: data };
  }

  return Object.assign(createClient(definition), { upload });
}
