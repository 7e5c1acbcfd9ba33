import {
  type Account,
  type ActionId,
  type ActionInput,
  type CallOptions,
  type Capabilities,
  composePrompt,
  createClient,
  definedOnly,
  emptyJob,
  foreignField,
  HttpTransport,
  headerValue,
  InvalidRequestError,
  type Job,
  type JobRef,
  type MidjourneyClient,
  type ProviderDefinition,
  type ProviderOptions,
  resolveApiKey,
  timingSafeEqual,
  type WebhookContext,
  type WebhookRequest,
  WebhookVerificationError,
  webhookJson,
} from '@mjgate/core';
import * as v from 'valibot';
import { toApiFrameError } from './errors.js';
import {
  ACTION_ROUTES,
  type KnownTask,
  PROVIDER,
  type ResultKind,
  resultKind,
  SUPPORTED_ACTIONS,
  taskToJob,
} from './mapping.js';
import {
  accountSchema,
  callbackTaskSchema,
  FOREIGN_CALLBACK_FIELDS,
  fetchManySchema,
  submitSchema,
  taskSchema,
  uploadSchema,
} from './schemas.js';

/** APIFRAME's v1 ("Original") Midjourney API. */
export const APIFRAME_BASE_URL = 'https://api.apiframe.pro';

/** The environment variable the API key falls back to. */
export const APIFRAME_API_KEY_ENV = 'APIFRAME_API_KEY';

/** `/upload` refuses files above 2 MB (vendor doc §3.20). */
export const APIFRAME_UPLOAD_MAX_BYTES = 2 * 1024 * 1024;

/** Options of {@link createApiFrame}. */
export interface ApiFrameOptions extends ProviderOptions {
  /**
   * Sent to APIFRAME as `webhook_secret` with every request that has a `webhookUrl`; APIFRAME
   * returns it in the `x-webhook-secret` header, which `parseWebhook` checks in constant time. It also
   * signs the callback URL (nonce, expiry, job context), as for every vendor: both checks must pass.
   */
  webhookSecret?: string;
}

/** A file for {@link ApiFrameClient.upload}. */
export type UploadFile = Blob | Uint8Array | ArrayBuffer;

/** Options of {@link ApiFrameClient.upload}. */
export interface UploadOptions extends CallOptions {
  /** The file name sent with the form. Default: the `File`'s name, else `image.png`. */
  filename?: string;
  /** The MIME type. Default: the `Blob`'s type, else guessed from `filename`. */
  contentType?: string;
}

/** What `/upload` returned. */
export interface UploadResult {
  /** The public URL of the uploaded image: pass it to `describe`, `blend`, `faceSwap` or `imagine`. */
  url: string;
  /** The vendor's answer, untouched. */
  raw: unknown;
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

/** How many submitted tasks the client remembers (for `ref`, parent and prompt on later reads). */
const KNOWN_LIMIT = 2_000;

const CAPABILITIES: Capabilities = {
  operations: ['imagine', 'action', 'describe', 'blend', 'faceswap', 'video', 'shorten', 'seed'],
  actions: SUPPORTED_ACTIONS,
  batchGet: true,
  webhooks: true,
  cancel: false,
  account: true,
};

const KIND_NAMES: Record<ResultKind, string> = {
  grid: 'a 4-image grid (imagine, reroll, variations, blend, zoom, pan, vary region)',
  upscale: "an upscaled image ('upscale-1'…'upscale-4')",
  image: 'a single image (upscale subtle/creative, face swap)',
  final: 'a 2x/4x upscale',
  text: 'a text result (describe, shorten)',
  seed: 'a seed lookup',
  video: 'a video',
};

const RATIO = /^\d{1,3}:\d{1,3}$/;

/**
 * Creates a client for APIFRAME's v1 Midjourney API (`https://api.apiframe.pro`).
 *
 * The API key comes from `options.apiKey` or `APIFRAME_API_KEY` and is sent raw in
 * `Authorization` (no `Bearer`), only to `baseUrl`.
 *
 * @example
 * const apiframe = createApiFrame({ webhookSecret: process.env.APIFRAME_WEBHOOK_SECRET });
 * const grid = await apiframe.run({ prompt: 'a red fox in snow', aspectRatio: '3:2' });
 * const upscaled = await apiframe.wait(await apiframe.upscale(grid, 3));
 */
export function createApiFrame(options: ApiFrameOptions = {}): ApiFrameClient {
  const apiKey = resolveApiKey(options.apiKey, APIFRAME_API_KEY_ENV, PROVIDER);
  const webhookSecret = options.webhookSecret || undefined;
  const http = new HttpTransport({
    provider: PROVIDER,
    baseUrl: options.baseUrl ?? APIFRAME_BASE_URL,
    authHeaders: { authorization: apiKey },
    secrets: [apiKey, webhookSecret],
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    backoff: options.backoff,
    logger: options.logger,
    headers: options.headers,
    toError: toApiFrameError,
  });

  const known = new Map<string, KnownTask>();
  const remember = (id: string, task: KnownTask) => {
    known.delete(id);
    known.set(id, task);
    if (known.size > KNOWN_LIMIT) known.delete(known.keys().next().value!);
  };

  /** The one path from a vendor task object to a `Job`, for polling, fetch-many and webhooks. */
  const observe = (raw: unknown, extra?: KnownTask): Job | undefined => {
    const parsed = v.safeParse(taskSchema, raw);
    if (!parsed.success) return undefined;
    const task = parsed.output;
    const id = String(task.task_id ?? task.taskId);
    const memo = known.get(id);
    return taskToJob(raw, task, extra ? { ...memo, ...definedOnly(extra) } : memo);
  };

  /**
   * The webhook body fields. `input.webhookUrl` arrives already tagged and signed by core (vendor,
   * submission context, nonce, expiry: `WEBHOOK_PARAMS`), which `parseWebhook` gets back as its
   * `context` argument; `webhook_secret` comes back in `x-webhook-secret` (§1.3, §4), checked on top.
   */
  function webhookFields(input: { webhookUrl?: string }): Record<string, string> {
    if (!input.webhookUrl) return {};
    if (!webhookSecret) {
      options.logger?.warn?.(
        'apiframe: webhookUrl without webhookSecret: callbacks cannot be verified. Set webhookSecret.',
      );
    }
    return { webhook_url: input.webhookUrl, ...(webhookSecret ? { webhook_secret: webhookSecret } : {}) };
  }

  async function submit(
    path: string,
    body: Record<string, unknown>,
    task: KnownTask,
    callOptions: CallOptions,
  ): Promise<Job> {
    const { data } = await http.request(
      { method: 'POST', path, body, kind: 'submit', schema: submitSchema, jobIdField: 'task_id' },
      callOptions,
    );
    const providerJobId = String(data.task_id ?? data.taskId);
    const memo: KnownTask = { ...definedOnly(task), createdAt: new Date().toISOString() };
    remember(providerJobId, memo);
    return emptyJob({
      provider: PROVIDER,
      providerJobId,
      operation: task.operation ?? 'imagine',
      status: 'queued',
      ...definedOnly({ action: memo.action, parentId: memo.parentId, prompt: memo.prompt, ref: memo.ref }),
      createdAt: memo.createdAt,
      raw: data,
    });
  }

  const invalid = (message: string): never => {
    throw new InvalidRequestError(message, { provider: PROVIDER });
  };

  /** `providerOptions` entries the endpoint documents; anything else is refused before sending. */
  function vendorFields(
    providerOptions: Record<string, unknown> | undefined,
    allowed: readonly string[],
    what: string,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(providerOptions ?? {})) {
      if (value === undefined) continue;
      if (!allowed.includes(key)) {
        invalid(
          `APIFRAME's ${what} takes no providerOptions.${key}${allowed.length ? ` (accepted: ${allowed.join(', ')})` : ''}.`,
        );
      }
      if (key === 'aspect_ratio' && (typeof value !== 'string' || !RATIO.test(value))) {
        invalid(`providerOptions.aspect_ratio must look like '16:9'; got ${JSON.stringify(value)}.`);
      }
      out[key] = value;
    }
    return out;
  }

  function mask(value: string): string {
    if (/^https?:\/\//i.test(value)) {
      invalid(
        "APIFRAME's /inpaint takes the mask as image data, not a URL: pass a PNG data URL or base64 (white = repaint).",
      );
    }
    return value.startsWith('data:') ? value : `data:image/png;base64,${value}`;
  }

  const def: ProviderDefinition = {
    provider: PROVIDER,
    capabilities: CAPABILITIES,
    // No documented rate limit; the vendor's SDK polls every 3 s.
    poll: { intervalMs: 2_000, maxIntervalMs: 10_000, ...options.poll },
    batch: { max: 20, min: 2 },
    // x-webhook-secret is checked in parseWebhook, on top of mjgate's URL signature (core).
    webhookSigning: 'vendor',
    webhookSecret,
    webhookTtlMs: options.webhookTtlMs,
    secrets: [apiKey, webhookSecret],

    async get(providerJobId, callOptions) {
      const { data } = await http.request(
        { method: 'POST', path: '/fetch', body: { task_id: providerJobId }, kind: 'read', schema: taskSchema },
        callOptions,
      );
      return observe(data)!;
    },

    async getMany(providerJobIds, callOptions) {
      const ids = [...new Set(providerJobIds)];
      const { data } = await http.request(
        { method: 'POST', path: '/fetch-many', body: { task_ids: ids }, kind: 'read', schema: fetchManySchema },
        callOptions,
      );
      const byId = new Map<string, Job>();
      for (const raw of data.tasks) {
        const job = observe(raw);
        if (job) byId.set(job.providerJobId, job);
        else options.logger?.warn?.('apiframe: /fetch-many listed an entry that is not a task; skipped.');
      }
      // The vendor documents neither the order nor unknown ids: answer in the order asked, without the unknown.
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    async imagine(input, callOptions) {
      if (input.mode === 'relax') {
        invalid("APIFRAME runs in 'fast' or 'turbo' mode (process_mode); it has no relax mode.");
      }
      if (input.aspectRatio && /(^|\s)--(ar|aspect)\b/.test(input.prompt)) {
        invalid('aspectRatio is set and the prompt already has --ar: keep one of them.');
      }
      const extra = vendorFields(input.providerOptions, [], 'imagine');
      const prompt = composePrompt({ prompt: input.prompt, imageUrls: input.imageUrls }, PROVIDER);
      return submit(
        '/imagine',
        {
          prompt,
          ...(input.aspectRatio ? { aspect_ratio: input.aspectRatio } : {}),
          ...(input.mode ? { process_mode: input.mode } : {}),
          ...extra,
          ...webhookFields(input),
        },
        { operation: 'imagine', prompt, ref: input.ref },
        callOptions,
      );
    },

    async act(parent: Job, action: ActionId, input: ActionInput, callOptions) {
      const route = ACTION_ROUTES[action];
      if (!route) return invalid(`APIFRAME has no endpoint for '${action}'.`);
      const kind = resultKind(parent.operation, parent.action);
      if (!route.parents.includes(kind)) {
        const needs = route.parents.map((k) => KIND_NAMES[k]).join(' or ');
        const hint = route.parents.includes('upscale') ? " Upscale one image first, e.g. act(job, 'upscale-1')." : '';
        invalid(
          `'${action}' (${route.path}) needs ${needs} as its parent; job ${parent.id} is ${KIND_NAMES[kind]}.${hint}`,
        );
      }
      const prompt = input.prompt?.trim() || undefined;
      if (prompt && !route.prompt) {
        invalid(`APIFRAME's ${route.path} takes no prompt; leave input.prompt out for '${action}'.`);
      }
      const extra = vendorFields(input.providerOptions, route.vendorFields ?? [], `'${action}' action`);
      const body = route.body(action === 'vary-region' ? { ...input, mask: mask(input.mask!) } : input);
      return submit(
        route.path,
        {
          parent_task_id: parent.providerJobId,
          ...body,
          ...(prompt ? { prompt } : {}),
          ...extra,
          ...webhookFields(input),
        },
        { operation: 'action', action, parentId: parent.id, prompt: prompt ?? parent.prompt, ref: input.ref },
        callOptions,
      );
    },

    async describe(input, callOptions) {
      return submit(
        '/describe',
        { image_url: input.imageUrl, ...webhookFields(input) },
        { operation: 'describe', ref: input.ref },
        callOptions,
      );
    },

    async blend(input, callOptions) {
      if (input.prompt)
        invalid("APIFRAME's /blend takes no prompt: blend the images alone, or use imagine with imageUrls.");
      return submit(
        '/blend',
        {
          image_urls: input.imageUrls,
          ...(input.dimensions ? { dimension: input.dimensions } : {}),
          ...webhookFields(input),
        },
        { operation: 'blend', ref: input.ref },
        callOptions,
      );
    },

    async faceSwap(input, callOptions) {
      return submit(
        '/faceswap',
        { target_image_url: input.targetUrl, swap_image_url: input.sourceUrl, ...webhookFields(input) },
        { operation: 'faceswap', ref: input.ref },
        callOptions,
      );
    },

    async video(input, callOptions) {
      if (!input.prompt?.trim()) invalid("APIFRAME's video endpoints need a prompt (input.prompt).");
      if (input.endImageUrl) invalid('APIFRAME video takes no end frame (endImageUrl).');
      const extra = vendorFields(input.providerOptions, [], 'video');
      const motion = input.motion ? { motion: input.motion } : {};
      const task: KnownTask = { operation: 'video', prompt: input.prompt, ref: input.ref };
      if (input.extend) {
        const index = input.index ?? 0;
        if (index > 3) invalid(`input.index must be 0–3 (which of the 4 videos to extend); got ${index}.`);
        return submit(
          '/imagine-video-extend',
          {
            parent_task_id: input.extend.providerJobId,
            index: String(index + 1),
            prompt: input.prompt,
            ...(input.imageUrl ? { image_url: input.imageUrl } : {}),
            ...motion,
            ...extra,
            ...webhookFields(input),
          },
          { ...task, parentId: input.extend.id },
          callOptions,
        );
      }
      if (input.index !== undefined) invalid('input.index applies only with input.extend.');
      return submit(
        '/imagine-video',
        { prompt: input.prompt, image_url: input.imageUrl, ...motion, ...extra, ...webhookFields(input) },
        task,
        callOptions,
      );
    },

    async shorten(input, callOptions) {
      return submit(
        '/shorten',
        { prompt: input.prompt, ...webhookFields(input) },
        { operation: 'shorten', prompt: input.prompt, ref: input.ref },
        callOptions,
      );
    },

    async seed(job: JobRef, callOptions) {
      return submit(
        '/seed',
        { task_id: job.providerJobId },
        { operation: 'seed', parentId: job.id, prompt: job.job?.prompt },
        callOptions,
      );
    },

    async account(callOptions): Promise<Account> {
      const { data } = await http.request(
        { method: 'GET', path: '/account', kind: 'read', schema: accountSchema },
        callOptions,
      );
      const credits = data.credits === undefined || data.credits === null ? undefined : Number(data.credits);
      return {
        provider: PROVIDER,
        ...(credits !== undefined && Number.isFinite(credits) ? { credits } : {}),
        ...(data.plan ? { plan: data.plan } : {}),
        ...(data.email ? { email: data.email } : {}),
        raw: data,
      };
    },

    async parseWebhook(request: WebhookRequest, context: WebhookContext) {
      if (webhookSecret) {
        const sent = headerValue(request.headers, 'x-webhook-secret');
        if (sent === undefined || !timingSafeEqual(sent, webhookSecret)) {
          throw new WebhookVerificationError(
            `The ${PROVIDER} callback's x-webhook-secret header ${sent === undefined ? 'is missing' : 'does not match webhookSecret'}. Reject it.`,
            { provider: PROVIDER },
          );
        }
      }
      const body = webhookJson(request, PROVIDER);
      // Strict enough that no other vendor's callback passes for an APIFRAME task.
      const foreign = foreignField(body, FOREIGN_CALLBACK_FIELDS);
      if (foreign) {
        throw new WebhookVerificationError(
          `The ${PROVIDER} callback carries \`${foreign}\`, a field of another vendor's callbacks, not of an APIFRAME task (§2). Reject it.`,
          { provider: PROVIDER },
        );
      }
      // The context core read from the callback URL stands in for this process's memory of the submission.
      const job = v.is(callbackTaskSchema, body) ? observe(body, context) : undefined;
      if (!job) {
        throw new WebhookVerificationError(
          `The ${PROVIDER} callback body is not an APIFRAME task (a task_id with a task_type, status or result, §2).`,
          { provider: PROVIDER },
        );
      }
      return job;
    },
  };

  async function upload(file: UploadFile, uploadOptions: UploadOptions = {}): Promise<UploadResult> {
    const { filename: name, contentType, ...callOptions } = uploadOptions;
    const isFile = typeof File !== 'undefined' && file instanceof File;
    const filename = name ?? (isFile && file.name ? file.name : 'image.png');
    let blob: Blob;
    if (file instanceof Blob)
      blob = contentType && file.type !== contentType ? new Blob([file], { type: contentType }) : file;
    else if (file instanceof Uint8Array || file instanceof ArrayBuffer) {
      blob = new Blob([new Uint8Array(file)], { type: contentType ?? mimeOf(filename) });
    } else return invalid('upload() takes a Blob, a File, a Uint8Array (e.g. a Buffer) or an ArrayBuffer.');
    if (blob.size === 0) invalid('upload() got an empty file.');
    if (blob.size > APIFRAME_UPLOAD_MAX_BYTES) {
      invalid(`APIFRAME uploads are limited to 2 MB; this file has ${blob.size} bytes. Shrink it first.`);
    }
    const form = new FormData();
    form.append('image', blob, filename);
    // Re-sending an upload creates no job and costs no credits, so it retries like a read.
    const { data } = await http.request(
      { method: 'POST', path: '/upload', body: form, kind: 'read', schema: uploadSchema },
      callOptions,
    );
    return { url: (data.imageURL ?? data.imageUrl ?? data.image_url ?? data.url)!, raw: data };
  }

  return Object.assign(createClient(def), { upload });
}

const MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
};

function mimeOf(filename: string): string {
  const extension = filename.split('.').pop()?.toLowerCase() ?? '';
  // An own-property lookup: a file named `x.constructor` has no known type.
  return Object.hasOwn(MIME, extension) ? MIME[extension]! : 'application/octet-stream';
}
