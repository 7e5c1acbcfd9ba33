import type * as v from 'valibot';
import { type ActionId, actionRequirements, isActionId, parseAction } from './actions.js';
import { Batcher } from './batch.js';
import { InvalidRequestError, NotFoundError, UnsupportedError } from './errors.js';
import { formatJobId, type Job, type Operation, type ProviderName, parseJobId } from './job.js';
import {
  actionInputSchema,
  blendInputSchema,
  describeInputSchema,
  faceSwapInputSchema,
  imagineInputSchema,
  shortenInputSchema,
  validateInput,
  videoInputSchema,
} from './schemas.js';
import type {
  Account,
  ActionInput,
  BlendInput,
  CallOptions,
  Capabilities,
  DescribeInput,
  FaceSwapInput,
  ImagineInput,
  MidjourneyClient,
  ShortenInput,
  VideoInput,
  WebhookRequest,
} from './types.js';
import { DEFAULT_POLL, type PollDefaults, waitFor, watchJob } from './wait.js';
import { signWebhookUrl, verifyWebhookUrl, type WebhookContext, webhookContext } from './webhook.js';

/** A job named by the caller: its neutral id split, and the job itself when the caller passed one. */
export interface JobRef {
  id: string;
  provider: ProviderName;
  providerJobId: string;
  job?: Job;
}

/** `VideoInput` with `extend` resolved to the job it names. */
export type ResolvedVideoInput = Omit<VideoInput, 'extend'> & { extend?: JobRef };

/**
 * What an adapter implements: the vendor-specific calls only. {@link createClient} adds input
 * validation, capability checks, webhook URL signing, `wait`/`watch`/`run`, the sugar methods and
 * batched polling. Every method receives input already validated.
 */
export interface ProviderDefinition {
  provider: ProviderName;
  capabilities: Capabilities;
  /** Polling defaults suited to the vendor's limits. */
  poll?: Partial<PollDefaults>;
  /** When `getMany` exists: ids per request, and the fewest the vendor accepts. */
  batch?: { max: number; min?: number; windowMs?: number };
  /**
   * `'url'`: the vendor signs nothing, so mjgate signs the callback URL with `webhookSecret` and
   * checks it on arrival. `'vendor'`: the adapter checks the vendor's own secret in `parseWebhook`.
   */
  webhookSigning?: 'url' | 'vendor';
  webhookSecret?: string;

  get(providerJobId: string, options: CallOptions): Promise<Job>;
  getMany?(providerJobIds: string[], options: CallOptions): Promise<Job[]>;
  imagine?(input: ImagineInput, options: CallOptions): Promise<Job>;
  /** `parent` is the finished job acted on; core has checked it offers `action`. */
  act?(parent: Job, action: ActionId, input: ActionInput, options: CallOptions): Promise<Job>;
  describe?(input: DescribeInput, options: CallOptions): Promise<Job>;
  blend?(input: BlendInput, options: CallOptions): Promise<Job>;
  faceSwap?(input: FaceSwapInput, options: CallOptions): Promise<Job>;
  video?(input: ResolvedVideoInput, options: CallOptions): Promise<Job>;
  shorten?(input: ShortenInput, options: CallOptions): Promise<Job>;
  seed?(job: JobRef, options: CallOptions): Promise<Job>;
  cancel?(job: JobRef, options: CallOptions): Promise<Job>;
  account?(options: CallOptions): Promise<Account>;
  /**
   * Normalises a callback to a `Job`. For `'url'` signing it is already verified. `context` is what the
   * submission put in the callback URL (operation, action, parent, ref); core fills the job's missing
   * `action`, `parentId` and `ref` from it afterwards.
   */
  parseWebhook?(request: WebhookRequest, context: WebhookContext): Promise<Job>;
}

/** Builds a complete {@link MidjourneyClient} from a thin vendor {@link ProviderDefinition}. */
export function createClient(def: ProviderDefinition): MidjourneyClient {
  const { provider, capabilities } = def;
  const poll: PollDefaults = { ...DEFAULT_POLL, ...def.poll };
  const batcher =
    def.getMany && def.batch
      ? new Batcher({
          provider,
          maxBatch: def.batch.max,
          minBatch: def.batch.min,
          windowMs: def.batch.windowMs,
          fetchMany: (ids) => def.getMany!(ids, {}),
          fetchOne: (id) => def.get(id, {}),
        })
      : undefined;

  const unsupported = (what: string): never => {
    throw new UnsupportedError(`${provider} does not support ${what}.`, { provider });
  };

  function need<K extends keyof ProviderDefinition>(key: K, op: Operation): NonNullable<ProviderDefinition[K]> {
    const fn = def[key];
    if (typeof fn !== 'function' || !capabilities.operations.includes(op)) return unsupported(OPERATION_NAMES[op]);
    return (fn as (...args: unknown[]) => unknown).bind(def) as NonNullable<ProviderDefinition[K]>;
  }

  function ref(job: Job | string): JobRef {
    const id = typeof job === 'string' ? job : job.id;
    if (typeof id !== 'string' || id === '')
      throw new InvalidRequestError('A job or a job id is required.', { provider });
    const parsed = parseJobId(id);
    const owner = parsed?.provider;
    if (parsed && owner === provider) {
      return { id, provider, providerJobId: parsed.providerJobId, job: typeof job === 'string' ? undefined : job };
    }
    if (parsed) {
      throw new InvalidRequestError(
        `Job ${id} belongs to ${owner}, not ${provider}: use the ${owner} client, or the gateway, which routes by id.`,
        { provider },
      );
    }
    // A bare vendor id: accepted as this vendor's.
    return { id: formatJobId(provider, id), provider, providerJobId: id };
  }

  /**
   * Puts the submission's context in the callback URL (so the callback maps to the same job as
   * polling) and, where the vendor signs nothing, signs it with `webhookSecret`.
   */
  async function withWebhook<T extends { webhookUrl?: string; ref?: string }>(
    input: T,
    context: Omit<WebhookContext, 'ref'>,
  ): Promise<T> {
    if (!input.webhookUrl) return input;
    if (!capabilities.webhooks) return unsupported('webhooks');
    const secret = def.webhookSigning === 'vendor' ? undefined : def.webhookSecret;
    return {
      ...input,
      webhookUrl: await signWebhookUrl(input.webhookUrl, provider, secret, { ...context, ref: input.ref }),
    };
  }

  async function resolveJob(job: Job | string, options: CallOptions): Promise<Job> {
    const r = ref(job);
    return r.job ?? def.get(r.providerJobId, options);
  }

  const client: MidjourneyClient = {
    provider,
    capabilities,

    async imagine(input, options = {}) {
      const run = need('imagine', 'imagine');
      const valid = validateInput(imagineInputSchema, input, 'imagine', provider) as ImagineInput;
      return run(await withWebhook(valid, { operation: 'imagine' }), options);
    },

    async act(job, action, input = {}, options = {}) {
      const run = need('act', 'action');
      const id = isActionId(action) ? action : parseAction(String(action));
      if (!id) {
        throw new InvalidRequestError(
          `Unknown action ${JSON.stringify(action)}. Use a canonical id such as 'upscale-1', 'vary-strong' or 'zoom-out-2x'.`,
          { provider },
        );
      }
      if (!capabilities.actions.includes(id)) unsupported(`the action '${id}'`);
      const valid = validateInput(actionInputSchema, input, `'${id}' action`, provider) as ActionInput;
      const needs = actionRequirements(id);
      if (needs.mask && !valid.mask) {
        throw new InvalidRequestError(`'${id}' needs a mask (input.mask): the area to repaint.`, { provider });
      }
      if (needs.zoom && valid.zoom === undefined) {
        throw new InvalidRequestError(`'${id}' needs input.zoom, a number with 1 < zoom ≤ 2.`, { provider });
      }
      const parent = await resolveJob(job, options);
      if (parent.status !== 'succeeded') {
        throw new InvalidRequestError(
          `Job ${parent.id} is ${parent.status} in the Job you passed; actions apply to a succeeded job. Wait for it first (or pass its id to act on its current state).`,
          { provider },
        );
      }
      if (parent.actions.length > 0 && !parent.actions.includes(id)) {
        throw new InvalidRequestError(
          `Job ${parent.id} does not offer '${id}'. It offers: ${parent.actions.join(', ')}.`,
          { provider },
        );
      }
      return run(
        parent,
        id,
        await withWebhook(valid, { operation: 'action', action: id, parentId: parent.id }),
        options,
      );
    },

    async describe(input, options = {}) {
      const run = need('describe', 'describe');
      const valid = validateInput(describeInputSchema, input, 'describe', provider);
      return run(await withWebhook(valid, { operation: 'describe' }), options);
    },

    async blend(input, options = {}) {
      const run = need('blend', 'blend');
      const valid = validateInput(blendInputSchema, input, 'blend', provider);
      return run(await withWebhook(valid, { operation: 'blend' }), options);
    },

    async faceSwap(input, options = {}) {
      const run = need('faceSwap', 'faceswap');
      const valid = validateInput(faceSwapInputSchema, input, 'faceSwap', provider);
      return run(await withWebhook(valid, { operation: 'faceswap' }), options);
    },

    async video(input, options = {}) {
      const run = need('video', 'video');
      const valid = validateInput(videoInputSchema as v.GenericSchema<unknown, VideoInput>, input, 'video', provider);
      // The schema only checks `extend` has an id; resolve the caller's own value so a full Job stays whole.
      const resolved: ResolvedVideoInput = { ...valid, extend: input.extend ? ref(input.extend) : undefined };
      return run(await withWebhook(resolved, { operation: 'video', parentId: resolved.extend?.id }), options);
    },

    async shorten(input, options = {}) {
      const run = need('shorten', 'shorten');
      const valid = validateInput(shortenInputSchema, input, 'shorten', provider);
      return run(await withWebhook(valid, { operation: 'shorten' }), options);
    },

    async seed(job, options = {}) {
      return need('seed', 'seed')(ref(job), options);
    },

    async get(job, options = {}) {
      return def.get(ref(job).providerJobId, options);
    },

    async getMany(jobs, options = {}) {
      const ids = jobs.map((j) => ref(j).providerJobId);
      const unique = [...new Set(ids)];
      const chunks: string[][] = [];
      const { max = 1, min = 1 } = def.getMany && def.batch ? def.batch : {};
      for (let i = 0; i < unique.length; i += max) chunks.push(unique.slice(i, i + max));
      const results = await Promise.all(
        chunks.map((chunk) =>
          def.getMany && chunk.length >= min && def.batch
            ? def.getMany(chunk, options)
            : Promise.all(chunk.map((id) => def.get(id, options))),
        ),
      );
      const byId = new Map(results.flat().map((job) => [job.providerJobId, job]));
      // Vendors leave unknown ids out of a batch answer; the caller gets one job per id asked, in order.
      return ids.map((id) => {
        const job = byId.get(id);
        if (!job) throw new NotFoundError(`${provider} does not know job ${id}.`, { provider });
        return job;
      });
    },

    async cancel(job, options = {}) {
      if (!capabilities.cancel || !def.cancel) return unsupported('cancelling a job');
      return def.cancel(ref(job), options);
    },

    async account(options = {}) {
      if (!capabilities.account || !def.account) return unsupported('account information');
      return def.account(options);
    },

    watch(job, options = {}) {
      const r = ref(job);
      const check = (signal: AbortSignal) =>
        batcher ? batcher.get(r.providerJobId, signal) : def.get(r.providerJobId, { signal, headers: options.headers });
      return watchJob(check, r.job, options, poll);
    },

    async wait(job, options = {}) {
      return waitFor(client.watch(job, options));
    },

    async run(input, options = {}) {
      const { signal, headers } = options;
      return client.wait(await client.imagine(input, { signal, headers }), options);
    },

    upscale(job, index, options) {
      return client.act(job, `upscale-${index}`, {}, options);
    },
    variation(job, index, options) {
      return client.act(job, `variation-${index}`, {}, options);
    },
    reroll(job, options) {
      return client.act(job, 'reroll', {}, options);
    },

    async parseWebhook(request) {
      if (!capabilities.webhooks || !def.parseWebhook) return unsupported('webhooks');
      if (def.webhookSigning !== 'vendor' && def.webhookSecret) {
        await verifyWebhookUrl(request.url, provider, def.webhookSecret);
      }
      const context = webhookContext(request.url);
      const job = await def.parseWebhook(request, context);
      const filled: Partial<Job> = {};
      if (job.action === undefined && context.action) filled.action = context.action;
      if (job.parentId === undefined && context.parentId) filled.parentId = context.parentId;
      if (job.ref === undefined && context.ref !== undefined) filled.ref = context.ref;
      return { ...job, ...filled };
    },
  };
  return client;
}

const OPERATION_NAMES: Record<Operation, string> = {
  imagine: 'imagine',
  action: 'follow-up actions',
  describe: 'describe',
  blend: 'blend',
  faceswap: 'face swap',
  video: 'video',
  shorten: 'shorten',
  seed: 'seed lookups',
};
