import type { GenericSchema } from 'valibot';
import { type ActionId, actionRequirements, isActionId, parseAction } from './actions.js';
import { BATCH_SLOT_MS, Batcher } from './batch.js';
import { InvalidRequestError, MjGateError, NotFoundError, type Submission, UnsupportedError } from './errors.js';
import { jobFeed, publishJob } from './fan-out.js';
import { OutputGuard, submissionOf } from './guard.js';
import { submitOnce } from './idempotency.js';
import { formatJobId, isTerminal, type Job, type Operation, type ProviderName, parseJobId } from './job.js';
import { MIDJOURNEY_MODEL, modelOf, modelsOf } from './models.js';
import { PendingJobs } from './pending.js';
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
import { type StoreScope, storeScope } from './store-scope.js';
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
  WaitOptions,
  WebhookRequest,
} from './types.js';
import { DEFAULT_POLL, type PollDefaults, waitFor, watchJob } from './wait.js';
import {
  checkWebhookJob,
  rememberWebhookJob,
  signWebhookUrl,
  verifyWebhookUrl,
  type WebhookContext,
  webhookContext,
} from './webhook.js';

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
  /**
   * When `getMany` exists: ids per request, and the fewest the vendor accepts. `slotMs`: the grid
   * the polls of all waits fall due on, so they share batches (default `BATCH_SLOT_MS`, 1 s).
   */
  batch?: { max: number; min?: number; windowMs?: number; slotMs?: number };
  /**
   * With it, mjgate signs every callback URL it hands out (nonce, expiry, context) and checks the
   * signature on arrival, before `parseWebhook`. A vendor that also signs its callbacks (APIFRAME's
   * `x-webhook-secret`) has its adapter check that in `parseWebhook`: both must pass.
   */
  webhookSecret?: string;
  /** How long a signed callback URL verifies after the submission, ms. Default 72 hours. */
  webhookTtlMs?: number;
  /**
   * The client's credentials (API key, webhook secret). Core masks them in every `Job` and error the
   * client hands out — messages, `job.error`, `job.raw`, `toJSON()` and inspect output — whatever
   * the vendor echoed back.
   */
  secrets?: readonly (string | undefined)[];
  /**
   * The client's corner of its `Store` (`storeScope(provider, apiKey, options)`): idempotency
   * records, pending jobs and webhook fan-out live there, and the adapter's paces and limits should
   * use the same one. Default: a memory store of the client's own.
   */
  shared?: StoreScope;

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
   * Looks for the job a submission with an unknown outcome may have created (see
   * `MjGateError.submission`): `undefined` when the vendor lists no such job.
   */
  findSubmission?(submission: Submission, options: CallOptions): Promise<Job | undefined>;
  /**
   * Values the adapter needs back from a callback that the vendor's body does not repeat (AceData:
   * whether an imagine with image URLs in front is the blend its task list will call it). Core signs
   * them into the callback URL with the rest of the context and hands them back to `parseWebhook` as
   * `context.vendorValues`, so an adapter never edits a URL after core signed it. `context` is what
   * core is about to sign; `input` the validated input of the submission. Names are lower-case words.
   */
  webhookValues?(context: WebhookContext, input: unknown): Record<string, string> | undefined;
  /**
   * Normalises a callback to a `Job`. For `'url'` signing it is already verified. `context` is what the
   * submission put in the callback URL (operation, action, parent, ref, and the adapter's own
   * `vendorValues`); core fills the job's missing `action`, `parentId` and `ref` from it afterwards.
   */
  parseWebhook?(request: WebhookRequest, context: WebhookContext): Promise<Job>;
  /**
   * Follows an imagine from submission to its end without status requests (AceData's ndjson
   * stream), for `run`: yields each state it sees, the terminal one last, and polls the rest itself
   * should its stream break. It receives validated input without a `webhookUrl`; `run` sends a
   * webhook or idempotent submission through `imagine` and `wait` instead.
   */
  runImagine?(input: ImagineInput, options: WaitOptions): AsyncIterable<Job>;
}

/** Builds a complete {@link MidjourneyClient} from a thin vendor {@link ProviderDefinition}. */
export function createClient(definition: ProviderDefinition): MidjourneyClient {
  const { provider, capabilities } = definition;
  const shared = definition.shared ?? storeScope(provider, undefined);
  const pending = new PendingJobs(shared);
  const def = followPending(guardDefinition(definition, new OutputGuard(provider, definition.secrets)), pending);
  // A batching client's polls fall due on shared slots, so that many waits fill each batch request.
  const slots = def.getMany && def.batch ? { alignMs: def.batch.slotMs ?? BATCH_SLOT_MS } : {};
  const poll: PollDefaults = { ...DEFAULT_POLL, ...slots, ...def.poll };
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
   * Builds the callback URL from what the submission knew — its context, the caller's `ref` and the
   * adapter's {@link ProviderDefinition.webhookValues} — so the callback maps to the same job as
   * polling, and signs all of it with `webhookSecret`. The one writer of the URL: the adapter sends
   * it as it is.
   */
  async function withWebhook<T extends { webhookUrl?: string; ref?: string }>(
    input: T,
    context: Omit<WebhookContext, 'ref' | 'vendorValues'>,
    submit: (input: T) => Promise<Job>,
  ): Promise<Job> {
    if (!input.webhookUrl) return submit(input);
    if (!capabilities.webhooks) return unsupported('webhooks');
    const known: WebhookContext = { ...context, ref: input.ref };
    const vendorValues = def.webhookValues?.(known, input);
    // Every vendor's URL is signed, APIFRAME's too (its own header secret is checked on top): the
    // signature is what binds a callback to one submission, its context and its expiry.
    const webhookUrl = await signWebhookUrl(
      input.webhookUrl,
      provider,
      def.webhookSecret,
      vendorValues && Object.keys(vendorValues).length > 0 ? { ...known, vendorValues } : known,
      { ttlMs: def.webhookTtlMs },
    );
    const job = await submit({ ...input, webhookUrl });
    // Now the job is known: a callback to this URL that names another job is refused (see parseWebhook).
    rememberWebhookJob(webhookUrl, job.id);
    return job;
  }

  /**
   * The model rules every adapter shares, before any request: the client must offer the model
   * (`capabilities.models`), and Midjourney takes no `n` (it always makes one 4-tile grid).
   */
  function checkModel(input: ImagineInput): void {
    const model = modelOf(input);
    const offered = modelsOf(capabilities);
    if (!offered.includes(model)) {
      throw new UnsupportedError(
        `${provider} does not support the model '${model}'. It offers: ${offered.join(', ')}.`,
        { provider },
      );
    }
    if (model === MIDJOURNEY_MODEL && input.n !== undefined) {
      throw new InvalidRequestError(
        'Invalid imagine input: `n` does not apply to Midjourney, which always makes one grid of 4 images. Drop n, or pick a model that takes it (such as flux-1.1-pro).',
        { provider },
      );
    }
  }

  /**
   * Sends a submission once per `options.idempotencyKey` (see {@link submitOnce}), and lists the
   * job it created among the pending ones. `request` is what the caller asked for, `sent` what
   * reaches the vendor (to find the job again should the answer be lost).
   */
  async function submission(
    request: unknown,
    sent: Omit<Submission, 'provider'>,
    options: CallOptions,
    send: () => Promise<Job>,
  ): Promise<Job> {
    if (options.idempotencyKey === undefined) {
      const job = await send();
      await pending.submitted(job);
      return job;
    }
    return submitOnce({
      shared,
      key: options.idempotencyKey,
      request,
      submission: { ...sent, provider },
      submit: send,
      created: (job) => pending.submitted(job),
      find: (lost) => client.findSubmission(lost, { signal: options.signal, headers: options.headers }),
      signal: options.signal,
    });
  }

  async function resolveJob(job: Job | string, options: CallOptions): Promise<Job> {
    const named = ref(job);
    return named.job ?? def.get(named.providerJobId, options);
  }

  const client: MidjourneyClient = {
    provider,
    capabilities,

    async imagine(input, options = {}) {
      const run = need('imagine', 'imagine');
      const valid = validateInput(imagineInputSchema, input, 'imagine', provider) as ImagineInput;
      checkModel(valid);
      return submission(valid, submissionOf('imagine', valid), options, () =>
        withWebhook(valid, { operation: 'imagine' }, (signed) => run(signed, options)),
      );
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
      const sent = { ...submissionOf('action', valid), action: id, parentId: parent.id };
      if (sent.prompt === undefined && parent.prompt !== undefined) sent.prompt = parent.prompt;
      return submission({ action: id, parentId: parent.id, input: valid }, sent, options, () =>
        withWebhook(valid, { operation: 'action', action: id, parentId: parent.id }, (signed) =>
          run(parent, id, signed, options),
        ),
      );
    },

    async describe(input, options = {}) {
      const run = need('describe', 'describe');
      const valid = validateInput(describeInputSchema, input, 'describe', provider);
      return submission(valid, submissionOf('describe', valid), options, () =>
        withWebhook(valid, { operation: 'describe' }, (signed) => run(signed, options)),
      );
    },

    async blend(input, options = {}) {
      const run = need('blend', 'blend');
      const valid = validateInput(blendInputSchema, input, 'blend', provider);
      return submission(valid, submissionOf('blend', valid), options, () =>
        withWebhook(valid, { operation: 'blend' }, (signed) => run(signed, options)),
      );
    },

    async faceSwap(input, options = {}) {
      const run = need('faceSwap', 'faceswap');
      const valid = validateInput(faceSwapInputSchema, input, 'faceSwap', provider);
      return submission(valid, submissionOf('faceswap', valid), options, () =>
        withWebhook(valid, { operation: 'faceswap' }, (signed) => run(signed, options)),
      );
    },

    async video(input, options = {}) {
      const run = need('video', 'video');
      const valid = validateInput(videoInputSchema as GenericSchema<unknown, VideoInput>, input, 'video', provider);
      // The schema only checks `extend` has an id; resolve the caller's own value so a full Job stays whole.
      const resolved: ResolvedVideoInput = { ...valid, extend: input.extend ? ref(input.extend) : undefined };
      const request = { ...valid, extend: resolved.extend?.id };
      return submission(request, { ...submissionOf('video', valid), parentId: resolved.extend?.id }, options, () =>
        withWebhook(resolved, { operation: 'video', parentId: resolved.extend?.id }, (signed) => run(signed, options)),
      );
    },

    async shorten(input, options = {}) {
      const run = need('shorten', 'shorten');
      const valid = validateInput(shortenInputSchema, input, 'shorten', provider);
      return submission(valid, submissionOf('shorten', valid), options, () =>
        withWebhook(valid, { operation: 'shorten' }, (signed) => run(signed, options)),
      );
    },

    async seed(job, options = {}) {
      return need('seed', 'seed')(ref(job), options);
    },

    async get(job, options = {}) {
      return def.get(ref(job).providerJobId, options);
    },

    async getMany(jobs, options = {}) {
      const ids = jobs.map((job) => ref(job).providerJobId);
      const unique = [...new Set(ids)];
      const chunks: string[][] = [];
      const { max = 1, min = 1 } = def.getMany && def.batch ? def.batch : {};
      for (let i = 0; i < unique.length; i += max) chunks.push(unique.slice(i, i + max));
      const one = (chunk: string[]) => Promise.all(chunk.map((id) => def.get(id, options)));
      const results = await Promise.all(
        chunks.map((chunk) =>
          def.getMany && chunk.length >= min && def.batch
            ? // One unreadable record must not fail the others: a batch that could not be read is
              // asked for again one job at a time, so the bad one alone fails.
              def.getMany(chunk, options).catch((error: unknown) => {
                if (MjGateError.isInstance(error) && error.code === 'bad_response') return one(chunk);
                throw error;
              })
            : one(chunk),
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

    async findSubmission(submission, options = {}) {
      if (!def.findSubmission) {
        throw new UnsupportedError(
          `${provider} offers no way to list jobs, so a submission with an unknown outcome cannot be looked up. Pass a webhookUrl with each submission: the vendor calls it for every job it created.`,
          { provider },
        );
      }
      if (submission?.provider !== provider) {
        throw new InvalidRequestError(
          `This submission was sent to ${String(submission?.provider)}, not ${provider}: look it up with that client, or the gateway.`,
          { provider },
        );
      }
      return def.findSubmission(submission, options);
    },

    watch(job, options = {}) {
      const named = ref(job);
      const check = (signal: AbortSignal) =>
        batcher
          ? batcher.get(named.providerJobId, signal)
          : def.get(named.providerJobId, { signal, headers: options.headers });
      // A callback verified by any process sharing the store ends the wait (see fan-out.ts).
      const confirm = () => def.get(named.providerJobId, { headers: options.headers });
      return watchJob(check, named.job, options, poll, jobFeed(shared, named.id, confirm));
    },

    async pending() {
      return pending.list();
    },

    async wait(job, options = {}) {
      return waitFor(client.watch(job, options));
    },

    async run(input, options = {}) {
      const { signal, headers, idempotencyKey } = options;
      if (def.runImagine && idempotencyKey === undefined) {
        need('imagine', 'imagine');
        const valid = validateInput(imagineInputSchema, input, 'imagine', provider) as ImagineInput;
        checkModel(valid);
        // The vendor follows the job itself (no status requests); a webhook goes through imagine.
        if (!valid.webhookUrl) return waitFor(def.runImagine(valid, options));
      }
      return client.wait(await client.imagine(input, { signal, headers, idempotencyKey }), options);
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
      const secret = def.webhookSecret;
      // Signature and expiry first (for every vendor; the adapter checks a vendor's own secret on top).
      if (secret) await verifyWebhookUrl(request.url, provider, secret);
      const context = webhookContext(request.url);
      const job = await def.parseWebhook(request, context);
      // Only a verified URL's nonce and ref can be trusted to say which job it was issued for.
      if (secret) checkWebhookJob(job, request.url, provider, context);
      const filled: Partial<Job> = {};
      if (job.action === undefined && context.action) filled.action = context.action;
      if (job.parentId === undefined && context.parentId) filled.parentId = context.parentId;
      if (job.ref === undefined && context.ref !== undefined) filled.ref = context.ref;
      const verified = { ...job, ...filled };
      // Waits in every process sharing the store end with it (polling stays their safety net).
      await publishJob(shared, verified);
      return verified;
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

type Method = (...args: never[]) => Promise<unknown>;

/** The definition with every job read taken off the pending list once it is terminal. */
function followPending(def: ProviderDefinition, pending: PendingJobs): ProviderDefinition {
  const { get, getMany, parseWebhook, runImagine } = def;
  // A job still running has nothing to take off: it goes back without another promise in between
  // (every status read of every wait passes here).
  const seen = (job: Job): Job | Promise<Job> => (isTerminal(job.status) ? pending.seen(job).then(() => job) : job);
  return {
    ...def,
    get: (id, options) => get(id, options).then(seen),
    getMany: getMany && (async (ids, options) => Promise.all((await getMany(ids, options)).map(seen))),
    parseWebhook: parseWebhook && (async (request, context) => seen(await parseWebhook(request, context))),
    runImagine: runImagine && ((input, options) => listWhileRunning(runImagine.call(def, input, options), pending)),
  };
}

/**
 * A run the vendor follows itself (AceData's stream) submits without `imagine()`: its job is listed
 * as pending from the first status that names it, so a worker that dies mid-run can resume it with
 * `pending()` like any other, and taken off once it is seen finished.
 */
async function* listWhileRunning(jobs: AsyncIterable<Job>, pending: PendingJobs): AsyncGenerator<Job> {
  let listed = false;
  for await (const job of jobs) {
    if (isTerminal(job.status)) await pending.seen(job);
    else if (!listed) {
      listed = true;
      await pending.submitted(job);
    }
    yield job;
  }
}

/**
 * The definition with every method's results and errors passed through the {@link OutputGuard}: the
 * one place no adapter can bypass (waits, batches and webhooks all call through it).
 */
function guardDefinition(def: ProviderDefinition, guard: OutputGuard): ProviderDefinition {
  const signalOf = (options: unknown): AbortSignal | undefined =>
    options && typeof options === 'object' ? (options as CallOptions).signal : undefined;
  const wrap = <M extends Method>(
    method: M | undefined,
    onResult: (result: Awaited<ReturnType<M>>, args: Parameters<M>) => unknown,
    submission?: (args: Parameters<M>) => Omit<Submission, 'provider'>,
  ): M | undefined => {
    if (!method) return undefined;
    return (async (...args: Parameters<M>) => {
      const sent = submission?.(args);
      try {
        return onResult((await method.apply(def, args)) as Awaited<ReturnType<M>>, args);
      } catch (error) {
        throw guard.error(error, sent, signalOf(args.at(-1)));
      }
    }) as M;
  };
  const job = (result: Job) => guard.job(result);
  const submitted = (operation: Operation) => (args: readonly unknown[]) => submissionOf(operation, args[0]);
  const actionSubmission = (args: readonly unknown[]) => {
    const [parent, action, input] = args as [Job, ActionId, ActionInput | undefined];
    const out = { ...submissionOf('action', input), action, parentId: parent.id };
    if (out.prompt === undefined && parent.prompt !== undefined) out.prompt = parent.prompt;
    return out;
  };
  // An extended video's parent is what a lost answer is found by (`findSubmission`), as an action's is.
  const videoSubmission = (args: readonly unknown[]) => {
    const input = args[0] as ResolvedVideoInput;
    return { ...submissionOf('video', input), parentId: input.extend?.id };
  };
  return {
    ...def,
    get: wrap(def.get, (result, [id]) => guard.jobFor(id, result)) as ProviderDefinition['get'],
    getMany: wrap(def.getMany, (results, [ids]) => {
      // Answers about jobs nobody asked for are dropped; a missing one is reported by the caller.
      const asked = new Set(ids);
      return results.filter((result) => asked.has(result.providerJobId)).map(job);
    }),
    imagine: wrap(def.imagine, job, submitted('imagine')),
    act: wrap(def.act, job, actionSubmission),
    describe: wrap(def.describe, job, submitted('describe')),
    blend: wrap(def.blend, job, submitted('blend')),
    faceSwap: wrap(def.faceSwap, job, submitted('faceswap')),
    video: wrap(def.video, job, videoSubmission),
    shorten: wrap(def.shorten, job, submitted('shorten')),
    seed: wrap(def.seed, job),
    cancel: wrap(def.cancel, job),
    account: wrap(def.account, (result) => guard.account(result)),
    findSubmission: wrap(def.findSubmission, (result) => (result ? guard.job(result) : undefined)),
    parseWebhook: wrap(def.parseWebhook, job),
    runImagine: def.runImagine && guardJobs(def.runImagine.bind(def), guard),
  };
}

/** A followed imagine with every job and error it yields passed through the guard. */
function guardJobs(
  follow: (input: ImagineInput, options: WaitOptions) => AsyncIterable<Job>,
  guard: OutputGuard,
): (input: ImagineInput, options: WaitOptions) => AsyncIterable<Job> {
  return async function* (input, options) {
    try {
      for await (const job of follow(input, options)) yield guard.job(job);
    } catch (error) {
      throw guard.error(error, submissionOf('imagine', input), options.signal);
    }
  };
}
