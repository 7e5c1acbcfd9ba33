import { type CallOptions, InvalidRequestError, isTerminal, type Job, MIDJOURNEY_MODEL, mergeJob } from '@mjgate/core';
import {
  ConcurrencyLimit,
  composePrompt,
  createClient,
  HttpTransport,
  modeFlag,
  Pacer,
  type ProviderDefinition,
  resolveApiKey,
  resolveBaseURL,
  resolveLogger,
  SubmissionMemo,
  storeScope,
  validateInput,
} from '@mjgate/core/provider';
import * as v from '@mjgate/core/valibot';
import { IMAGINEPRO_CAPABILITIES } from './capabilities.js';
import {
  isUnknownJob,
  noMessageIdError,
  notAcceptedError,
  submitRefused,
  toImagineProError,
  unknownJobError,
} from './errors.js';
import { findInHistory } from './find.js';
import {
  createdJob,
  decodeJobId,
  encodeJobId,
  FLUX_MODEL,
  type IdKind,
  PROVIDER,
  toAccount,
  toHistoryEntry,
  toJob,
} from './mapping.js';
import {
  buttonPress,
  checkBlend,
  fluxImagine,
  REQUESTS,
  type Route,
  rejectAnimateMode,
  requestOf,
  vendorOptionsOf,
  videoExtension,
  videoGeneration,
} from './requests.js';
import type { CreatedResponse } from './schemas.js';
import type { ImagineProClient, ImagineProOptions, PromptCheckResult } from './types.js';
import { IMAGINEPRO_API_KEY_ENV, IMAGINEPRO_BASE_URL, IMAGINEPRO_BASE_URL_ENV } from './vendor.js';
import { parseImagineProWebhook } from './webhook.js';

/**
 * ImaginePro's documented limits (§5): "1 request per 3 seconds" on the general endpoints (every
 * job-creating call, and account-info, prompt-check, history) and 10 per second on the message
 * endpoint.
 */
export const IMAGINEPRO_PACE = { submit: 3_000, read: 100 } as const;

/**
 * Status reads one client keeps in flight at once. The message endpoint takes 10 per second (§5),
 * so more in flight buys no freshness, only memory and sockets: with 1,000 waits and pacing off,
 * every due poll would otherwise open its request at once.
 */
export const IMAGINEPRO_MAX_STATUS_READS = 10;

/** A freshly created id may not be readable yet (§3.2): a "not found" this soon after creation means "queued". */
const FRESH_MS = 15_000;

/** What a created job knows besides ImaginePro's answer. */
type JobFields = Pick<Job, 'operation'> & Partial<Pick<Job, 'action' | 'parentId' | 'prompt' | 'ref' | 'model'>>;

const promptSchema = v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty'));
const historyQuerySchema = v.object({
  page: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  size: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100))),
});

/**
 * Creates a client for ImaginePro (`https://api.imaginepro.ai`). The API key comes from
 * `options.apiKey` or `IMAGINEPRO_API_KEY`, the base URL from `options.baseURL` or `IMAGINEPRO_BASE_URL`.
 *
 * @example
 * const mj = createImaginePro({ webhookSecret: process.env.MJGATE_WEBHOOK_SECRET });
 * const grid = await mj.run({ prompt: 'a red fox in snow', aspectRatio: '16:9' });
 * const single = await mj.wait(await mj.upscale(grid, 2));
 */
export function createImaginePro(options: ImagineProOptions = {}): ImagineProClient {
  const apiKey = resolveApiKey(options.apiKey, IMAGINEPRO_API_KEY_ENV, PROVIDER);
  const submitPace = options.pace?.submit ?? IMAGINEPRO_PACE.submit;
  // The paces below (§5) are per key: kept in `options.store`, every process on the key keeps them together.
  const logger = resolveLogger(options);
  const shared = storeScope(PROVIDER, apiKey, { ...options, logger });
  const transport = new HttpTransport({
    provider: PROVIDER,
    shared,
    baseUrl: resolveBaseURL(options, IMAGINEPRO_BASE_URL_ENV, IMAGINEPRO_BASE_URL),
    authHeaders: { authorization: `Bearer ${apiKey}` },
    secrets: [apiKey, options.webhookSecret],
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    backoff: options.backoff,
    logger,
    headers: options.headers,
    toError: toImagineProError,
    submitRefused,
    pace: { submit: submitPace, read: options.pace?.read ?? IMAGINEPRO_PACE.read },
  });
  // account-info, prompt-check and history are general endpoints (1 per 3 s), but they are
  // retryable reads, so they cannot ride the transport's submit pacer: they get one of their own.
  const generalPacer = new Pacer(submitPace, { shared, name: 'general' });
  // Local to this process: it bounds this process's memory; the read pace above keeps the vendor's rate.
  const statusReads = new ConcurrencyLimit(IMAGINEPRO_MAX_STATUS_READS);
  /** Jobs this client created in the last {@link FRESH_MS}, by `messageId`. */
  const fresh = new SubmissionMemo<Job>({ maxAgeMs: FRESH_MS });

  /** Sends one row of the request table and returns its validated answer. */
  async function send<Input, Answer>(route: Route<Input, Answer>, input: Input, callOptions: CallOptions) {
    if (route.general) await generalPacer.take(callOptions.signal);
    return (await transport.request(requestOf(route, input), callOptions)).data;
  }

  /** Sends a job-creating row and returns the new job, queued (§2.2). */
  async function submit<Input>(
    route: Route<Input, CreatedResponse>,
    input: Input,
    idKind: IdKind | undefined,
    fields: JobFields,
    callOptions: CallOptions,
  ): Promise<Job> {
    const data = await send(route, input, callOptions);
    if (data.success === false) throw notAcceptedError(data.error);
    if (!data.messageId) throw noMessageIdError(route.path);
    const job = createdJob(data, data.messageId, idKind, fields);
    fresh.remember(data.messageId, job);
    return job;
  }

  async function get(providerJobId: string, callOptions: CallOptions): Promise<Job> {
    const { idKind, messageId } = decodeJobId(providerJobId);
    const route = idKind === 'video' ? REQUESTS.videoMessage : REQUESTS.message;
    try {
      const answer = await statusReads.run(() => send(route, { messageId }, callOptions), callOptions.signal);
      return toJob(answer, providerJobId);
    } catch (error) {
      if (!isUnknownJob(error)) throw error;
      const recent = fresh.recall(messageId);
      if (recent) return recent;
      throw unknownJobError(providerJobId, error);
    }
  }

  const definition: ProviderDefinition = {
    provider: PROVIDER,
    capabilities: IMAGINEPRO_CAPABILITIES,
    // The SDK polls every 2 s, the skill advises 3–5 s (§3.2): core's progress-driven polls average
    // well under that, and come every second only around a job's estimated finish.
    poll: { intervalMs: 1_000, maxIntervalMs: 20_000, ...options.poll },
    webhookSecret: options.webhookSecret,
    webhookTtlMs: options.webhookTtlMs,
    secrets: [apiKey, options.webhookSecret],
    shared,
    get,

    // A Flux callback's message does not name its model (§3.2), so the signed callback URL carries it.
    webhookValues: (context, input) =>
      context.operation === 'imagine' && (input as { model?: string }).model === FLUX_MODEL
        ? { model: FLUX_MODEL }
        : undefined,

    async imagine(input, callOptions) {
      // Core has checked the model is one of IMAGINEPRO_CAPABILITIES.models.
      if (input.model !== undefined && input.model !== MIDJOURNEY_MODEL) {
        const flux = fluxImagine(input, input.model);
        const fields = { operation: 'imagine' as const, prompt: flux.prompt, ref: input.ref, model: flux.model };
        return submit(REQUESTS.fluxImagine, flux, 'flux', fields, callOptions);
      }
      const vendorOptions = vendorOptionsOf(input.providerOptions, 'imagine');
      rejectAnimateMode(vendorOptions, 'imagine');
      const { imageUrls, aspectRatio } = input;
      const prompt = composePrompt(
        { prompt: input.prompt, imageUrls, aspectRatio, flags: modeFlag(input.mode) },
        PROVIDER,
      );
      const route = vendorOptions.boost ? REQUESTS.boostImagine : REQUESTS.imagine;
      const request = { prompt, ref: input.ref, webhookUrl: input.webhookUrl, vendorOptions };
      return submit(route, request, undefined, { operation: 'imagine', prompt, ref: input.ref }, callOptions);
    },

    async act(parent, action, input, callOptions) {
      const vendorOptions = vendorOptionsOf(input.providerOptions, `'${action}' action`);
      rejectAnimateMode(vendorOptions, `the '${action}' action`);
      const press = buttonPress(parent, action, input);
      const route = vendorOptions.boost ? REQUESTS.boostButton : REQUESTS.button;
      const prompt = press.prompt ?? parent.prompt;
      const fields = { operation: 'action' as const, action, parentId: parent.id, prompt, ref: input.ref };
      const request = { ...press, ref: input.ref, webhookUrl: input.webhookUrl, vendorOptions };
      return submit(route, request, undefined, fields, callOptions);
    },

    describe: (input, callOptions) =>
      submit(REQUESTS.describe, input, 'describe', { operation: 'describe', ref: input.ref }, callOptions),

    async blend(input, callOptions) {
      checkBlend(input);
      const fields = { operation: 'blend' as const, prompt: input.imageUrls.join(' '), ref: input.ref };
      return submit(REQUESTS.blend, input, undefined, fields, callOptions);
    },

    faceSwap: (input, callOptions) =>
      submit(REQUESTS.faceswap, input, 'faceswap', { operation: 'faceswap', ref: input.ref }, callOptions),

    async video(input, callOptions) {
      const vendorOptions = vendorOptionsOf(input.providerOptions, 'video');
      const base = { ref: input.ref, webhookUrl: input.webhookUrl, vendorOptions };
      if (input.extend) {
        const extension = videoExtension({ ...input, extend: input.extend }, vendorOptions);
        // The parent is a video job whatever id form the caller used, as polling will report it.
        const parentId = `${PROVIDER}:${encodeJobId('video', extension.messageId)}`;
        const fields = { operation: 'video' as const, parentId, prompt: input.extend.job?.prompt, ref: input.ref };
        return submit(REQUESTS.videoExtend, { ...extension, ...base }, 'video', fields, callOptions);
      }
      const generation = videoGeneration(input, vendorOptions);
      const fields = { operation: 'video' as const, prompt: generation.prompt, ref: input.ref };
      return submit(REQUESTS.videoGenerate, { ...generation, ...base }, 'video', fields, callOptions);
    },

    async cancel(target, callOptions) {
      if (target.job && isTerminal(target.job.status)) {
        throw new InvalidRequestError(
          `Job ${target.id} is already ${target.job.status}; only a queued or running job can be cancelled.`,
          { provider: PROVIDER },
        );
      }
      const { messageId } = decodeJobId(target.providerJobId);
      const data = await send(REQUESTS.cancel, { messageId }, callOptions);
      if (data.success === false) throw notAcceptedError(data.error);
      // The cancel is a job of its own (§3.3); what the caller wants is the cancelled job's state.
      return mergeJob(target.job, await get(target.providerJobId, callOptions));
    },

    account: async (callOptions) => toAccount(await send(REQUESTS.account, {}, callOptions)),

    // The history endpoint (§3.7) is a general endpoint: paced one per 3 s like account-info (§5).
    findSubmission(submission, callOptions) {
      const page = async (number: number, size: number, pageOptions: CallOptions) =>
        (await send(REQUESTS.history, { page: number, size }, pageOptions)).images;
      return findInHistory(submission, { page, get }, callOptions);
    },

    parseWebhook: async (request, context) => parseImagineProWebhook(request, context),
  };

  async function promptCheck(prompt: string, callOptions: CallOptions = {}): Promise<PromptCheckResult> {
    const valid = validateInput(promptSchema, prompt, 'promptCheck', PROVIDER);
    const data = await send(REQUESTS.promptCheck, { prompt: valid }, callOptions);
    const ok = data.status.toUpperCase() === 'SUCCESS';
    return data.message ? { ok, message: data.message, raw: data } : { ok, raw: data };
  }

  async function history(query: { page?: number; size?: number } = {}, callOptions: CallOptions = {}) {
    const valid = validateInput(historyQuerySchema, query, 'history', PROVIDER);
    return (await send(REQUESTS.history, valid, callOptions)).images.map(toHistoryEntry);
  }

  const client = createClient(definition) as ImagineProClient;
  return Object.assign(client, { provider: PROVIDER, promptCheck, history } as const);
}
