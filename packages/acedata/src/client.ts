import {
  type ActionInput,
  type BlendInput,
  type CallOptions,
  type Capabilities,
  composePrompt,
  createClient,
  DEFAULT_POLL,
  type DescribeInput,
  deadlineError,
  foreignField,
  HttpTransport,
  type ImagineInput,
  InvalidRequestError,
  imagineInputSchema,
  isTerminal,
  type Job,
  type JobRef,
  jobFingerprint,
  type MidjourneyClient,
  MjGateError,
  mergeJob,
  NotFoundError,
  OutputGuard,
  type PollDefaults,
  type ProviderDefinition,
  ProviderError,
  type ProviderOptions,
  type ResolvedVideoInput,
  ResponseValidationError,
  rememberWebhookJob,
  resolveApiKey,
  type ShortenInput,
  signWebhookUrl,
  submissionOf,
  UnsupportedError,
  validateInput,
  type WaitOptions,
  WebhookVerificationError,
  webhookJson,
} from '@mjgate/core';
import * as v from 'valibot';
import { codeError, errorInfo, toAceDataError } from './errors.js';
import { findInTasks, type TaskSource } from './find.js';
import { InFlight } from './limit.js';
import {
  ACEDATA_ACTION_IDS,
  ACTIONS,
  callbackContext,
  classify,
  imageIdOf,
  isAceDataAction,
  type JobContext,
  PROVIDER,
  recordToJob,
  resultToJob,
  submittedJob,
  videoIdOf,
  withOperation,
} from './mapping.js';
import {
  type AceDataEditInput,
  type AceDataImagineOptions,
  type AceDataResult,
  actionOptionsSchema,
  batchSchema,
  callbackResultSchema,
  editInputSchema,
  FOREIGN_CALLBACK_FIELDS,
  imagineOptionsSchema,
  resultSchema,
  taskRecordSchema,
  translateSchema,
  videoOptionsSchema,
} from './schemas.js';
import { ndjsonLines } from './stream.js';

/** AceData's real API host (the Bearer-token plane). */
export const ACEDATA_BASE_URL = 'https://api.acedata.cloud';
/** Environment variable read when `apiKey` is not given. */
export const ACEDATA_API_KEY_ENV = 'ACEDATA_API_KEY';
/** Task ids per `retrieve_batch` request. AceData's MCP server documents at most 50. */
export const ACEDATA_BATCH_MAX = 50;
/** Requests AceData allows in flight per token (its FAQ); see {@link AceDataOptions.maxInFlight}. */
export const ACEDATA_MAX_IN_FLIGHT = 5;

const TASKS_PATH = '/midjourney/tasks';

/** Options of {@link createAceData}. */
export interface AceDataOptions extends ProviderOptions {
  /**
   * Minimum spacing between calls, in ms, per kind. AceData allows 1 submission per second and 60
   * task lookups per second per token, hence the default `{ submit: 1000, read: 17 }`. `0` turns
   * pacing off (tests against the simulator).
   */
  pace?: { submit?: number; read?: number };
  /**
   * Most requests this client keeps open at once, status lookups aside (they have their own limit,
   * see `pace.read`). AceData allows 5 per token; the rest wait in call order. An `imagineStream`
   * holds its slot until the stream ends. Default 5; `0` turns it off.
   */
  maxInFlight?: number;
}

/** A {@link MidjourneyClient} for AceData Cloud, plus the AceData calls the neutral model has no slot for. */
export interface AceDataClient extends MidjourneyClient {
  readonly provider: 'acedata';
  /**
   * `imagine`, followed over AceData's ndjson stream instead of by polling: one job per progress
   * snapshot, ending with the terminal one. The submission holds one HTTP connection open for the
   * whole generation; if the stream breaks, it carries on by polling. `timeoutMs` is the overall
   * deadline; `onProgress` is called once per change. Takes no `webhookUrl`.
   */
  imagineStream(input: ImagineInput, options?: WaitOptions): AsyncIterable<Job>;
  /**
   * AceData's `/midjourney/edits`: repaint an uploaded image from a prompt, optionally within a mask.
   * Asynchronous like `imagine`; the job has `operation: 'imagine'` and ends with a grid.
   */
  edit(input: AceDataEditInput, options?: CallOptions): Promise<Job>;
  /** AceData's `/midjourney/translate`: a prompt in another language, in English. */
  translate(text: string, options?: CallOptions): Promise<string>;
}

/** What the client can do on AceData: everything but face swap, custom zoom, cancel and account. */
export const ACEDATA_CAPABILITIES: Capabilities = {
  operations: ['imagine', 'action', 'describe', 'blend', 'video', 'shorten', 'seed'],
  actions: ACEDATA_ACTION_IDS,
  batchGet: true,
  webhooks: true,
  cancel: false,
  account: false,
};

/** AceData's guidance: first poll after a few seconds, then every 5–15 s. Batching keeps it cheap. */
const POLL: PollDefaults = { ...DEFAULT_POLL, intervalMs: 3_000, maxIntervalMs: 15_000 };

/** Blend dimensions as Midjourney's `/blend` renders them. */
const BLEND_RATIOS = { square: '1:1', portrait: '2:3', landscape: '3:2' } as const;

/** Prefix of ids mjgate makes up for answers AceData gives at once without a task id. */
const SYNC_PREFIX = 'sync-';

function providerOptions<T>(schema: v.GenericSchema<unknown, T>, value: unknown, what: string): T {
  return validateInput(schema, value ?? {}, `${what} providerOptions`, PROVIDER);
}

function hasFlag(prompt: string, ...names: string[]): boolean {
  return names.some((name) => new RegExp(`(^|\\s)--${name}(\\s|$)`).test(prompt));
}

/** Imagine / blend body. `version` and `hd` also go into the prompt, as AceData's web app does: the fields alone may only set the price. */
function generateBody(prompt: string, mode: string | undefined, extra: AceDataImagineOptions): Record<string, unknown> {
  const flags: string[] = [];
  if (extra.version && !hasFlag(prompt, 'v', 'version')) flags.push(`--v ${extra.version}`);
  if (extra.hd && !hasFlag(prompt, 'hd')) flags.push('--hd');
  const { split_images = true, ...fields } = extra;
  return {
    action: 'generate',
    prompt: [prompt, ...flags].join(' '),
    ...(mode ? { mode } : {}),
    split_images,
    ...fields,
  };
}

/** AceData wants the mask as raw base64 (its guide) or a URL (its spec): a data URL loses its prefix. */
function normalizeMask(mask: string): string {
  const m = /^data:[^;,]*;base64,/i.exec(mask);
  return m ? mask.slice(m[0].length) : mask;
}

/** Builds the AceData client. `apiKey` falls back to `ACEDATA_API_KEY`; it is resolved now, not per call. */
export function createAceData(options: AceDataOptions = {}): AceDataClient {
  const key = resolveApiKey(options.apiKey, ACEDATA_API_KEY_ENV, PROVIDER).replace(/^Bearer\s+/i, '');
  if (key.startsWith('platform-')) {
    options.logger?.warn?.(
      'acedata: the key looks like a platform token (platform-…); AceData wants a service or global credential for API calls.',
    );
  }
  const webhookSecret = options.webhookSecret;
  const poll: PollDefaults = { ...POLL, ...options.poll };
  const transport = new HttpTransport({
    provider: PROVIDER,
    baseUrl: options.baseUrl ?? ACEDATA_BASE_URL,
    authHeaders: { authorization: `Bearer ${key}` },
    secrets: [key, webhookSecret],
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    backoff: options.backoff,
    logger: options.logger,
    headers: options.headers,
    toError: toAceDataError,
    pace: { submit: options.pace?.submit ?? 1_000, read: options.pace?.read ?? 17 },
  });

  const inFlight = new InFlight(options.maxInFlight ?? ACEDATA_MAX_IN_FLIGHT);

  const post = <T>(
    path: string,
    body: unknown,
    schema: v.GenericSchema<unknown, T>,
    kind: 'read' | 'submit',
    o: CallOptions,
  ): Promise<T> => {
    // A submission's answer names its task in `task_id`: salvaged from an answer that breaks off.
    const jobIdField = kind === 'submit' ? 'task_id' : undefined;
    const call = () =>
      transport.request({ method: 'POST', path, body, kind, schema, jobIdField }, o).then((r) => r.data);
    // Task lookups are limited by rate (60/s, `pace.read`), not by the in-flight limit.
    return path === TASKS_PATH ? call() : inFlight.run(call, o.signal);
  };

  /** A 2xx answer that is an error envelope, or lacks what the call returns (`missing`). */
  function refusal(body: AceDataResult, what: string, missing: string): MjGateError {
    const { code, message, traceId } = errorInfo(body);
    const mapped = codeError(code, message, { requestId: traceId });
    if (mapped) return mapped;
    if (body.error || body.success === false) {
      return new InvalidRequestError(`AceData refused the ${what}: ${message || 'no reason given'}.`, {
        provider: PROVIDER,
        requestId: traceId,
      });
    }
    return new ResponseValidationError(
      `AceData answered the ${what} without ${missing}. The request was sent, so it may have been accepted (and billed).`,
      { provider: PROVIDER, requestId: traceId, mayHaveCreatedJob: true },
    );
  }

  /**
   * Submits asynchronously: `callback_url` when a webhook is given (core has put the job context and
   * mjgate's signature in it; see `withOperation` for the one thing added here), `async: true` otherwise.
   */
  async function submit(
    path: string,
    body: Record<string, unknown>,
    ctx: JobContext,
    webhookUrl: string | undefined,
    o: CallOptions,
  ): Promise<Job> {
    const payload = {
      ...body,
      ...(webhookUrl ? { callback_url: withOperation(webhookUrl, ctx.operation) } : { async: true }),
    };
    const data = await post(path, payload, resultSchema, 'submit', o);
    if (!data.task_id) throw refusal(data, path.replace('/midjourney/', ''), 'a task_id');
    return submittedJob(data, data.task_id, ctx);
  }

  /** A synchronous answer (describe, shorten, seed) as a finished job. */
  function answered(data: AceDataResult, ctx: JobContext, has: boolean, what: string, missing: string): Job {
    if (!has || data.success === false) throw refusal(data, what, missing);
    const job = resultToJob(data, data.task_id ?? `${SYNC_PREFIX}${crypto.randomUUID()}`, ctx);
    const now = new Date().toISOString();
    job.createdAt = now;
    job.updatedAt = now;
    return job;
  }

  async function get(providerJobId: string, o: CallOptions): Promise<Job> {
    if (providerJobId.startsWith(SYNC_PREFIX)) {
      throw new NotFoundError(
        `Job ${PROVIDER}:${providerJobId} was answered at once (describe, shorten or seed); AceData keeps no task for it. The Job that call returned is final.`,
        { provider: PROVIDER },
      );
    }
    const record = await post(TASKS_PATH, { action: 'retrieve', id: providerJobId }, taskRecordSchema, 'read', o);
    if (!record.id && !record.request && !record.response) {
      throw new NotFoundError(`AceData does not know task ${providerJobId}.`, { provider: PROVIDER });
    }
    return recordToJob(record, providerJobId);
  }

  /**
   * The finished parent a follow-up needs: the caller's `Job` when it is succeeded and still holds
   * the vendor payload (`has`), else a fresh `retrieve`, since an in-progress job's ids are
   * throwaway preview ids that AceData refuses.
   */
  async function finishedParent(
    job: Job | undefined,
    providerJobId: string,
    has: (job: Job) => string | undefined,
    o: CallOptions,
  ): Promise<Job> {
    const parent = job?.status === 'succeeded' && has(job) ? job : await get(providerJobId, o);
    if (parent.status !== 'succeeded') {
      throw new InvalidRequestError(
        `Job ${PROVIDER}:${providerJobId} is ${parent.status}; only a succeeded job has a final AceData id to act on. Wait for it first.`,
        { provider: PROVIDER },
      );
    }
    return parent;
  }

  async function imageIdFor(job: Job | undefined, providerJobId: string, o: CallOptions): Promise<string> {
    const id = imageIdOf(await finishedParent(job, providerJobId, imageIdOf, o));
    if (!id) {
      throw new InvalidRequestError(
        `Job ${PROVIDER}:${providerJobId} has no AceData image_id (not an image result?), so it takes no follow-up.`,
        { provider: PROVIDER },
      );
    }
    return id;
  }

  function imagineBody(input: ImagineInput): Record<string, unknown> {
    const extra = providerOptions(imagineOptionsSchema, input.providerOptions, 'imagine');
    if ((input.imageUrls?.length ?? 0) > 5) {
      throw new InvalidRequestError('AceData takes at most 5 image URLs at the front of a prompt.', {
        provider: PROVIDER,
      });
    }
    if (extra.version === '8.1' && input.mode === 'turbo') {
      throw new InvalidRequestError("Midjourney V8.1 runs only in 'fast' or 'relax' mode.", { provider: PROVIDER });
    }
    const prompt = composePrompt(
      { prompt: input.prompt, imageUrls: input.imageUrls, aspectRatio: input.aspectRatio },
      PROVIDER,
    );
    return generateBody(prompt, input.mode, extra);
  }

  const def: ProviderDefinition = {
    provider: PROVIDER,
    capabilities: ACEDATA_CAPABILITIES,
    poll,
    batch: { max: ACEDATA_BATCH_MAX },
    webhookSigning: 'url',
    webhookSecret,
    webhookTtlMs: options.webhookTtlMs,
    secrets: [key, webhookSecret],

    get,

    async getMany(all, o) {
      // Answers given at once (describe, shorten, seed) have no task to ask for; they come back missing.
      const ids = all.filter((id) => !id.startsWith(SYNC_PREFIX));
      if (ids.length === 0) return [];
      // `limit` defaults to 12 at AceData: without it a larger batch comes back cut short.
      const body = { action: 'retrieve_batch', ids, offset: 0, limit: ids.length };
      const { items } = await post(TASKS_PATH, body, batchSchema, 'read', o);
      const byId = new Map<string, Job>();
      for (const record of items) {
        const id = record.id ?? record.response?.task_id;
        if (id && ids.includes(id)) byId.set(id, recordToJob(record, id));
      }
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    async findSubmission(submission, o) {
      // `retrieve_batch` without ids lists recent tasks; `created_at_min` narrows it (§10.1).
      const list: TaskSource['list'] = ({ offset, limit, createdAtMin }, listOptions) => {
        const body = { action: 'retrieve_batch', offset, limit, created_at_min: createdAtMin };
        return post(TASKS_PATH, body, batchSchema, 'read', listOptions);
      };
      return findInTasks(submission, { list, get }, o);
    },

    async imagine(input, o) {
      const body = imagineBody(input);
      return submit('/midjourney/imagine', body, { ...classify(body, 'imagine'), ref: input.ref }, input.webhookUrl, o);
    },

    async blend(input: BlendInput, o) {
      const aspectRatio = input.dimensions ? BLEND_RATIOS[input.dimensions] : undefined;
      const prompt = composePrompt({ prompt: input.prompt ?? '', imageUrls: input.imageUrls, aspectRatio }, PROVIDER);
      const body = generateBody(prompt, undefined, {});
      return submit('/midjourney/imagine', body, { ...classify(body, 'imagine'), ref: input.ref }, input.webhookUrl, o);
    },

    async act(parent, action, input: ActionInput, o) {
      if (!isAceDataAction(action))
        throw new UnsupportedError(`AceData has no '${action}' action.`, { provider: PROVIDER });
      if (input.prompt !== undefined && action !== 'vary-region') {
        throw new InvalidRequestError(
          `AceData takes a prompt only with 'vary-region'; '${action}' keeps the parent's prompt.`,
          { provider: PROVIDER },
        );
      }
      const extra = providerOptions(actionOptionsSchema, input.providerOptions, `'${action}'`);
      const entry = ACTIONS[action];
      const body: Record<string, unknown> = {
        action: entry.label,
        image_id: await imageIdFor(parent, parent.providerJobId, o),
        ...(extra.mode ? { mode: extra.mode } : {}),
        ...(entry.grid ? { split_images: true } : {}),
        ...(action === 'vary-region' && input.mask ? { mask: normalizeMask(input.mask) } : {}),
        ...(action === 'vary-region' && input.prompt?.trim() ? { prompt: input.prompt.trim() } : {}),
      };
      const ctx = { ...classify(body, 'imagine'), parentId: parent.id, ref: input.ref };
      return submit('/midjourney/imagine', body, ctx, input.webhookUrl, o);
    },

    async describe(input: DescribeInput, o) {
      if (input.webhookUrl) {
        throw new UnsupportedError('AceData answers describe at once and sends no callback; drop webhookUrl.', {
          provider: PROVIDER,
        });
      }
      const data = await post('/midjourney/describe', { image_url: input.imageUrl }, resultSchema, 'submit', o);
      return answered(
        data,
        { operation: 'describe', ref: input.ref },
        Array.isArray(data.descriptions),
        'describe',
        'descriptions',
      );
    },

    async shorten(input: ShortenInput, o) {
      if (input.webhookUrl) {
        throw new UnsupportedError('AceData answers shorten at once and sends no callback; drop webhookUrl.', {
          provider: PROVIDER,
        });
      }
      const data = await post('/midjourney/shorten', { prompt: input.prompt }, resultSchema, 'submit', o);
      const ctx: JobContext = { operation: 'shorten', prompt: input.prompt, ref: input.ref };
      return answered(data, ctx, Array.isArray(data.prompts), 'shorten', 'prompts');
    },

    async seed(job: JobRef, o) {
      const imageId = await imageIdFor(job.job, job.providerJobId, o);
      const data = await post('/midjourney/seed', { image_id: imageId }, resultSchema, 'submit', o);
      return answered(data, { operation: 'seed', parentId: job.id }, data.seed != null, 'seed lookup', 'a seed');
    },

    async video(input: ResolvedVideoInput, o) {
      const extra = providerOptions(videoOptionsSchema, input.providerOptions, 'video');
      let prompt = input.prompt?.trim() ?? '';
      if (input.motion) {
        if (hasFlag(prompt, 'motion')) {
          throw new InvalidRequestError('motion is set and the prompt already has --motion: keep one of them.', {
            provider: PROVIDER,
          });
        }
        prompt = [prompt, `--motion ${input.motion}`].filter(Boolean).join(' ');
      }
      const common = { ...(prompt ? { prompt } : {}), ...extra };
      let body: Record<string, unknown>;
      if (input.extend) {
        if (input.imageUrl || input.endImageUrl) {
          throw new InvalidRequestError('A video extension takes no imageUrl or endImageUrl: it continues the video.', {
            provider: PROVIDER,
          });
        }
        const parent = await finishedParent(input.extend.job, input.extend.providerJobId, videoIdOf, o);
        const videoId = videoIdOf(parent);
        if (!videoId) {
          throw new InvalidRequestError(
            `Job ${input.extend.id} has no AceData video_id: only a finished video extends.`,
            {
              provider: PROVIDER,
            },
          );
        }
        const index = input.index ?? 0;
        const count = parent.videoUrls?.length ?? 0;
        if (count > 0 && index >= count) {
          throw new InvalidRequestError(
            `Job ${input.extend.id} has ${count} videos; index ${index} is out of range (0-based).`,
            { provider: PROVIDER },
          );
        }
        body = { action: 'extend', video_id: videoId, video_index: index, ...common };
      } else {
        if (input.index !== undefined) {
          throw new InvalidRequestError('index picks the video to extend; it needs extend.', { provider: PROVIDER });
        }
        body = {
          action: 'generate',
          image_url: input.imageUrl,
          ...(input.endImageUrl ? { end_image_url: input.endImageUrl } : {}),
          ...common,
        };
      }
      const ctx = { ...classify(body, 'videos'), parentId: input.extend?.id, ref: input.ref };
      return submit('/midjourney/videos', body, ctx, input.webhookUrl, o);
    },

    async parseWebhook(request, context) {
      const body = webhookJson(request, PROVIDER);
      const ctx = callbackContext(request.url, context);
      // Strict enough that no other vendor's callback passes for an AceData result.
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
        if (record.success && id) return recordToJob(record.output, id, ctx);
      } else {
        const result = v.safeParse(callbackResultSchema, body);
        if (result.success) return resultToJob(result.output, result.output.task_id!, ctx);
      }
      throw new WebhookVerificationError(
        'The AceData callback is not a task result (a task_id with success, §10.4). Reject it.',
        { provider: PROVIDER },
      );
    },
  };

  const base = createClient(def);

  // The stream is an extra beside createClient's methods, so it applies core's guard itself: no
  // credential in a yielded job or a thrown error, and a typed error with the submission to find
  // the task when the stream breaks before naming it.
  const guard = new OutputGuard(PROVIDER, [key, webhookSecret]);
  async function* imagineStream(input: ImagineInput, o: WaitOptions = {}): AsyncGenerator<Job> {
    const submission = submissionOf('imagine', input);
    try {
      for await (const job of followImagineStream(input, o)) yield guard.job(job);
    } catch (error) {
      throw guard.error(error, submission, o.signal);
    }
  }

  async function* followImagineStream(input: ImagineInput, o: WaitOptions): AsyncGenerator<Job> {
    const valid = validateInput(imagineInputSchema, input, 'imagine', PROVIDER) as ImagineInput;
    if (valid.webhookUrl) {
      throw new InvalidRequestError('imagineStream follows the job itself; use imagine() to get a webhook.', {
        provider: PROVIDER,
      });
    }
    const body = imagineBody(valid);
    const ctx: JobContext = { ...classify(body, 'imagine'), ref: valid.ref };
    const timeoutMs = o.timeoutMs ?? poll.timeoutMs;
    const started = Date.now();
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = o.signal ? AbortSignal.any([o.signal, deadline]) : deadline;

    let last: Job | undefined;
    let shown: string | undefined;
    const changed = (job: Job): boolean => {
      const print = jobFingerprint(job);
      if (print === shown) return false;
      shown = print;
      o.onProgress?.(job);
      return true;
    };
    const timedOut = (): Error => deadlineError(last, timeoutMs);

    let release: (() => void) | undefined;
    try {
      release = await inFlight.acquire(signal);
      const response = await transport.send(
        {
          method: 'POST',
          path: '/midjourney/imagine',
          body,
          kind: 'submit',
          headers: { accept: 'application/x-ndjson' },
        },
        { signal, headers: o.headers },
      );
      const type = response.headers.get('content-type') ?? '';
      const lines: AsyncIterable<string> =
        type.includes('json') && !type.includes('ndjson')
          ? (async function* () {
              yield await response.text();
            })()
          : ndjsonLines(response.body ?? new Blob([]).stream(), signal);
      for await (const line of lines) {
        let parsed: AceDataResult | undefined;
        try {
          const out = v.safeParse(resultSchema, JSON.parse(line));
          parsed = out.success ? out.output : undefined;
        } catch {}
        if (!parsed) {
          if (last) break; // a garbled line: the task exists, polling can take over
          throw new ResponseValidationError(
            `AceData's ndjson stream began with a line that is not a result: ${JSON.stringify(line.slice(0, 120))}. A job may exist.`,
            { provider: PROVIDER, mayHaveCreatedJob: true },
          );
        }
        const taskId = parsed.task_id ?? last?.providerJobId;
        if (!taskId) throw refusal(parsed, 'imagine', 'a task_id');
        const job = mergeJob(last, submittedJob(parsed, taskId, ctx));
        last = job;
        if (changed(job)) yield job;
        if (isTerminal(job.status)) return;
      }
    } catch (error) {
      if (o.signal?.aborted) throw o.signal.reason;
      if (deadline.aborted) throw timedOut();
      if (!last && !MjGateError.isInstance(error)) {
        throw new ProviderError(
          'AceData’s ndjson stream broke before its first line. The request was sent, so the task may exist (and may be billed): look it up before submitting again.',
          { provider: PROVIDER, cause: error, mayHaveCreatedJob: true },
        );
      }
      if (!last) throw error;
      // The stream broke after the task was created: polling takes over below.
      options.logger?.warn?.('acedata: the ndjson stream broke; following the job by polling.');
    } finally {
      // The connection is done with (finished, broken, or left by the consumer): free its slot.
      release?.();
    }
    if (!last) {
      throw new ResponseValidationError('AceData closed the ndjson stream without a line. A job may exist.', {
        provider: PROVIDER,
        mayHaveCreatedJob: true,
      });
    }
    // The stream ended before a terminal line: poll the rest.
    const remaining = Math.max(1, timeoutMs - (Date.now() - started));
    for await (const job of base.watch(last, { ...o, onProgress: undefined, timeoutMs: remaining })) {
      const merged = mergeJob(last, job);
      last = merged;
      if (changed(merged)) yield merged;
    }
  }

  return Object.assign(base, {
    provider: PROVIDER,
    imagineStream,

    async edit(input: AceDataEditInput, o: CallOptions = {}): Promise<Job> {
      const valid = validateInput(editInputSchema, input, 'edit', PROVIDER);
      const body: Record<string, unknown> = {
        image_url: valid.imageUrl,
        prompt: valid.prompt,
        ...(valid.mode ? { mode: valid.mode } : {}),
        ...(valid.mask ? { mask: normalizeMask(valid.mask) } : {}),
        split_images: true,
      };
      const ctx: JobContext = { ...classify(body, 'edits'), ref: valid.ref };
      // Not a core operation, so the adapter signs the URL (with its context and expiry) as core does for
      // the others, and records which job it was handed out with once the vendor has answered.
      const webhookUrl = valid.webhookUrl
        ? await signWebhookUrl(
            valid.webhookUrl,
            PROVIDER,
            webhookSecret,
            { operation: ctx.operation, ref: ctx.ref },
            { ttlMs: options.webhookTtlMs },
          )
        : undefined;
      const job = await submit('/midjourney/edits', body, ctx, webhookUrl, o);
      if (webhookUrl) rememberWebhookJob(webhookUrl, job.id);
      return job;
    },

    async translate(text: string, o: CallOptions = {}): Promise<string> {
      if (typeof text !== 'string' || !text.trim()) {
        throw new InvalidRequestError('translate needs a non-empty text.', { provider: PROVIDER });
      }
      const data = await post('/midjourney/translate', { content: text }, translateSchema, 'read', o);
      return data.content;
    },
  }) as AceDataClient;
}
