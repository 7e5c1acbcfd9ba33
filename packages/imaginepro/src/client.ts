import {
  ACTION_IDS,
  type Account,
  type ActionId,
  type CallOptions,
  type Capabilities,
  composePrompt,
  createClient,
  emptyJob,
  foreignField,
  HttpTransport,
  InvalidRequestError,
  isTerminal,
  type Job,
  type JobRef,
  type MidjourneyClient,
  MjGateError,
  mergeJob,
  modeFlag,
  NotFoundError,
  Pacer,
  type ProviderDefinition,
  type ProviderOptions,
  parseJobId,
  type RequestSpec,
  ResponseValidationError,
  resolveApiKey,
  validateInput,
  type WebhookContext,
  WebhookVerificationError,
  webhookJson,
} from '@mjgate/core';
import * as v from 'valibot';
import { notAcceptedError, submitRefused, toImagineProError } from './errors.js';
import { findInHistory } from './find.js';
import {
  actionOfLabel,
  buttonsOf,
  CANCEL_BUTTON,
  decodeJobId,
  encodeJobId,
  inferKind,
  isJobKind,
  isoOf,
  type JobKind,
  labelFor,
  maskBase64,
  PROMPT_ACTIONS,
  PROVIDER,
  toJob,
} from './mapping.js';
import {
  type AccountInfo,
  accountSchema,
  createdSchema,
  FOREIGN_CALLBACK_FIELDS,
  historySchema,
  type ImagineProMessage,
  type ImagineProProviderOptions,
  messageSchema,
  promptCheckSchema,
  providerOptionsSchema,
} from './schemas.js';

/** ImaginePro's API host. */
export const IMAGINEPRO_BASE_URL = 'https://api.imaginepro.ai';
/** Where the API key is read from when `apiKey` is not given. */
export const IMAGINEPRO_API_KEY_ENV = 'IMAGINEPRO_API_KEY';

/**
 * ImaginePro's documented limits (§5): "1 request per 3 seconds" on the general endpoints (every
 * job-creating call, and account-info, prompt-check, history) and 10 per second on the message
 * endpoint.
 */
export const IMAGINEPRO_PACE = { submit: 3_000, read: 100 } as const;

/** A freshly created id may not be readable yet (§3.2): a "not found" this soon after creation means "queued". */
const FRESH_MS = 15_000;

/** Options of {@link createImaginePro}. */
export interface ImagineProOptions extends ProviderOptions {
  /**
   * Minimum spacing between calls, in ms, so a burst is queued instead of rejected. `submit`:
   * ImaginePro's general endpoints (default 3000: one per 3 s) — job-creating calls, and, spaced
   * separately, `account`, `promptCheck` and `history`; `read`: the message (status) endpoint
   * (default 100: ten per second). 0 turns a limit off (e.g. against the simulator).
   */
  pace?: { submit?: number; read?: number };
}

/** The result of {@link ImagineProClient.promptCheck}. */
export interface PromptCheckResult {
  /** True when ImaginePro found nothing wrong (`status: "SUCCESS"`). */
  ok: boolean;
  /** ImaginePro's reason when `ok` is false: the banned word or the invalid parameter. */
  message?: string;
  /** The untouched response. */
  raw: unknown;
}

/** One generated image from {@link ImagineProClient.history}. */
export interface HistoryEntry {
  /** The neutral job id, usable with `get` and `act`. */
  id: string;
  providerJobId: string;
  /** ImaginePro's `type` (e.g. `imagine`, `button`). */
  type?: string;
  /** The button that made it, as ImaginePro labels it. */
  button?: string;
  /** `button` as a canonical action, when it is one. */
  action?: ActionId;
  prompt?: string;
  url?: string;
  createdAt?: string;
  raw: unknown;
}

/** Account details with ImaginePro's own fields next to the neutral ones. */
export interface ImagineProAccount extends Account {
  /** Plan credits left this period (`credits`). `credits` is this plus `extraCredits`. */
  planCredits?: number;
  /** Purchased credits on top of the plan (`creditsExtra`). */
  extraCredits?: number;
  /** The plan's credits per period (`creditsQuota`). */
  creditsQuota?: number;
  /** When the plan ends (`expiredAt`), ISO-8601. */
  expiresAt?: string;
  raw: AccountInfo;
}

/** A {@link MidjourneyClient} for ImaginePro, plus ImaginePro's own extras. */
export interface ImagineProClient extends MidjourneyClient {
  readonly provider: 'imaginepro';
  /**
   * Checks a prompt against ImaginePro's banned words and Midjourney parameter rules without
   * creating (or paying for) a job: `POST /api/v1/nova/prompt-check`.
   */
  promptCheck(prompt: string, options?: CallOptions): Promise<PromptCheckResult>;
  /** Images generated in the last 24 hours, newest first: `GET /api/v1/nova/images`. */
  history(query?: { page?: number; size?: number }, options?: CallOptions): Promise<HistoryEntry[]>;
  account(options?: CallOptions): Promise<ImagineProAccount>;
}

const CAPABILITIES: Capabilities = {
  operations: ['imagine', 'action', 'describe', 'blend', 'faceswap', 'video'],
  // Every Midjourney button: `act` sends one only when the job's own `buttons` offers it.
  actions: ACTION_IDS,
  batchGet: false,
  webhooks: true,
  cancel: true,
  account: true,
};

/**
 * Creates a client for ImaginePro (`https://api.imaginepro.ai`). The API key comes from
 * `options.apiKey` or `IMAGINEPRO_API_KEY`.
 *
 * @example
 * const mj = createImaginePro({ webhookSecret: process.env.MJGATE_WEBHOOK_SECRET });
 * const grid = await mj.run({ prompt: 'a red fox in snow', aspectRatio: '16:9' });
 * const single = await mj.wait(await mj.upscale(grid, 2));
 */
export function createImaginePro(options: ImagineProOptions = {}): ImagineProClient {
  const apiKey = resolveApiKey(options.apiKey, IMAGINEPRO_API_KEY_ENV, PROVIDER);
  const submitPace = options.pace?.submit ?? IMAGINEPRO_PACE.submit;
  const transport = new HttpTransport({
    provider: PROVIDER,
    baseUrl: options.baseUrl ?? IMAGINEPRO_BASE_URL,
    authHeaders: { authorization: `Bearer ${apiKey}` },
    secrets: [apiKey, options.webhookSecret],
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    backoff: options.backoff,
    logger: options.logger,
    headers: options.headers,
    toError: toImagineProError,
    submitRefused,
    pace: { submit: submitPace, read: options.pace?.read ?? IMAGINEPRO_PACE.read },
  });
  // account-info, prompt-check and history are general endpoints (1 per 3 s), but they are
  // retryable reads, so they cannot ride the transport's submit pacer: they get one of their own.
  const general = new Pacer(submitPace);
  async function generalRead<T>(spec: RequestSpec<T>, callOptions: CallOptions): Promise<T> {
    await general.take(callOptions.signal);
    return (await transport.request(spec, callOptions)).data;
  }

  /** Jobs this client created in the last {@link FRESH_MS}, by `messageId`. */
  const fresh = new Map<string, { job: Job; at: number }>();
  const remember = (messageId: string, job: Job) => {
    const now = Date.now();
    for (const [id, entry] of fresh) if (now - entry.at > FRESH_MS) fresh.delete(id);
    fresh.set(messageId, { job, at: now });
  };

  /** POSTs a job-creating call and returns the new job, queued. */
  async function submit(
    path: string,
    body: Record<string, unknown>,
    callOptions: CallOptions,
    job: { kind?: JobKind } & Partial<Job> & Pick<Job, 'operation'>,
  ): Promise<Job> {
    const { data } = await transport.request(
      { method: 'POST', path, body, kind: 'submit', schema: createdSchema, jobIdField: 'messageId' },
      callOptions,
    );
    if (data.success === false) throw notAcceptedError(data.error);
    if (!data.messageId) {
      throw new ResponseValidationError(
        `ImaginePro accepted POST ${path} without a messageId. The job may exist: look for it in history() before submitting again.`,
        { provider: PROVIDER, mayHaveCreatedJob: true },
      );
    }
    const { kind, operation, ...fields } = job;
    const created = emptyJob({
      provider: PROVIDER,
      providerJobId: encodeJobId(kind, data.messageId),
      operation,
      status: 'queued',
      raw: data,
    });
    const createdAt = isoOf(data.createdAt);
    if (createdAt) created.createdAt = createdAt;
    // Only what is known: a stored job has no `"ref": undefined` keys.
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined) (created as unknown as Record<string, unknown>)[key] = value;
    }
    remember(data.messageId, created);
    return created;
  }

  async function readMessage(providerJobId: string, callOptions: CallOptions): Promise<ImagineProMessage> {
    const { kind, messageId } = decodeJobId(providerJobId);
    const id = encodeURIComponent(messageId);
    // MJ video has its own fetch endpoint (§3.15); everything else reads the message endpoint (§3.2).
    const path = kind === 'video' ? `/api/v1/video/mj/fetch/${id}` : `/api/v1/message/fetch/${id}`;
    const { data } = await transport.request({ method: 'GET', path, kind: 'read', schema: messageSchema }, callOptions);
    return data;
  }

  const def: ProviderDefinition = {
    provider: PROVIDER,
    capabilities: CAPABILITIES,
    // SDK polls every 2 s, the skill advises 3–5 s (§3.2); core backs off toward the cap.
    poll: { intervalMs: 2_000, maxIntervalMs: 10_000, ...options.poll },
    webhookSigning: 'url',
    webhookSecret: options.webhookSecret,
    webhookTtlMs: options.webhookTtlMs,
    secrets: [apiKey, options.webhookSecret],

    async get(providerJobId, callOptions) {
      try {
        return toJob(await readMessage(providerJobId, callOptions), providerJobId);
      } catch (error) {
        // A 400 on a read names nothing but the id: it is an unknown or malformed id (§2.4).
        const unknown =
          MjGateError.isInstance(error) &&
          (error.code === 'not_found' || (error.code === 'invalid_request' && error.status === 400));
        if (!unknown) throw error;
        const recent = fresh.get(decodeJobId(providerJobId).messageId);
        if (recent && Date.now() - recent.at <= FRESH_MS) return recent.job;
        if (error.code === 'not_found') throw error;
        throw new NotFoundError(`ImaginePro does not know job ${providerJobId}: ${error.message}`, {
          provider: PROVIDER,
          status: error.status,
          requestId: error.requestId,
        });
      }
    },

    async imagine(input, callOptions) {
      const extra = vendorOptions(input.providerOptions, 'imagine');
      rejectAnimateMode(extra, 'imagine');
      const prompt = composePrompt(
        {
          prompt: input.prompt,
          imageUrls: input.imageUrls,
          aspectRatio: input.aspectRatio,
          flags: modeFlag(input.mode),
        },
        PROVIDER,
      );
      const path = extra.boost ? '/api/v1/nova/boost/imagine' : '/api/v1/nova/imagine';
      return submit(path, { prompt, ...baseParams(input, extra) }, callOptions, {
        operation: 'imagine',
        prompt,
        ref: input.ref,
      });
    },

    async act(parent, action, input, callOptions) {
      const extra = vendorOptions(input.providerOptions, `'${action}' action`);
      rejectAnimateMode(extra, `the '${action}' action`);
      const label = labelFor(parent, action);
      const offered = buttonsOf(parent);
      if (offered && !offered.includes(label)) {
        const actions = [...new Set(offered.map(actionOfLabel).filter(Boolean))];
        throw new InvalidRequestError(
          `Job ${parent.id} does not offer '${action}'. It offers: ${actions.length ? actions.join(', ') : 'no follow-up actions'}.`,
          { provider: PROVIDER },
        );
      }
      const { messageId } = decodeJobId(parent.providerJobId);
      const body: Record<string, unknown> = { messageId, button: label };
      if (input.mask !== undefined) {
        if (action !== 'vary-region') throw misplaced('mask', action, "only 'vary-region' takes a mask");
        body.mask = maskBase64(input.mask);
      }
      if (input.zoom !== undefined && action !== 'custom-zoom') {
        throw misplaced('zoom', action, "only 'custom-zoom' takes a zoom");
      }
      if (input.prompt !== undefined && !PROMPT_ACTIONS.has(action)) {
        throw misplaced('prompt', action, `ImaginePro takes a prompt only on ${[...PROMPT_ACTIONS].join(', ')}`);
      }
      if (action === 'custom-zoom') {
        // Midjourney's Custom Zoom reads the factor from `--zoom` in the prompt it is given.
        const text = (input.prompt ?? parent.prompt ?? '').replace(/(^|\s)--zoom\s+\S+/g, '').trim();
        body.prompt = `${text} --zoom ${input.zoom}`.trim();
      } else if (input.prompt !== undefined) {
        body.prompt = input.prompt;
      }
      const path = extra.boost ? '/api/v1/nova/boost/button' : '/api/v1/nova/button';
      return submit(path, { ...body, ...baseParams(input, extra) }, callOptions, {
        operation: 'action',
        action,
        parentId: parent.id,
        prompt: (body.prompt as string | undefined) ?? parent.prompt,
        ref: input.ref,
      });
    },

    async describe(input, callOptions) {
      const body = { url: input.imageUrl, ...baseParams(input, {}) };
      return submit('/api/v1/nova/describe', body, callOptions, {
        kind: 'describe',
        operation: 'describe',
        ref: input.ref,
      });
    },

    async blend(input, callOptions) {
      // ImaginePro documents no dimensions and no prompt for blend (§3.5); square is Midjourney's default.
      if (input.dimensions && input.dimensions !== 'square') {
        throw new InvalidRequestError(
          `ImaginePro's blend has no dimensions option: it always makes a square blend, not ${input.dimensions}.`,
          { provider: PROVIDER },
        );
      }
      if (input.prompt !== undefined) {
        throw new InvalidRequestError(
          'ImaginePro’s blend takes images only, no prompt. Use imagine with imageUrls to mix images with text.',
          { provider: PROVIDER },
        );
      }
      return submit('/api/v1/nova/blend', { urls: input.imageUrls, ...baseParams(input, {}) }, callOptions, {
        operation: 'blend',
        prompt: input.imageUrls.join(' '),
        ref: input.ref,
      });
    },

    async faceSwap(input, callOptions) {
      const body = { source: input.sourceUrl, target: input.targetUrl, ...baseParams(input, {}) };
      return submit('/api/v1/nova/faceswap', body, callOptions, {
        kind: 'faceswap',
        operation: 'faceswap',
        ref: input.ref,
      });
    },

    async video(input, callOptions) {
      const extra = vendorOptions(input.providerOptions, 'video');
      if (input.extend) {
        for (const field of ['imageUrl', 'endImageUrl', 'prompt', 'motion'] as const) {
          if (input[field] !== undefined) {
            throw new InvalidRequestError(
              `ImaginePro extends a video from the job and an index only; drop ${field} (use providerOptions.animateMode for the motion style).`,
              { provider: PROVIDER },
            );
          }
        }
        const { messageId } = decodeJobId(input.extend.providerJobId);
        const body: Record<string, unknown> = { messageId, index: input.index ?? 0 };
        if (extra.animateMode !== undefined) body.animateMode = extra.animateMode;
        return submit('/api/v1/video/mj/extend', { ...body, ...baseParams(input, extra) }, callOptions, {
          kind: 'video',
          operation: 'video',
          // The parent is a video job whatever id form the caller used, as polling will report it.
          parentId: `${PROVIDER}:${encodeJobId('video', messageId)}`,
          prompt: input.extend.job?.prompt,
          ref: input.ref,
        });
      }
      rejectAnimateMode(extra, 'a new video (it applies to extend)');
      if (input.index !== undefined) {
        throw new InvalidRequestError('index applies to extending a video; pass extend as well.', {
          provider: PROVIDER,
        });
      }
      // Midjourney video reads the motion level from `--motion` in the prompt.
      const prompt = [input.prompt?.trim(), input.motion ? `--motion ${input.motion}` : undefined]
        .filter(Boolean)
        .join(' ');
      const body: Record<string, unknown> = {};
      if (prompt) body.prompt = prompt;
      body.startFrameUrl = input.imageUrl;
      if (input.endImageUrl) body.endFrameUrl = input.endImageUrl;
      return submit('/api/v1/video/mj/generate', { ...body, ...baseParams(input, extra) }, callOptions, {
        kind: 'video',
        operation: 'video',
        prompt: prompt || undefined,
        ref: input.ref,
      });
    },

    async cancel(job: JobRef, callOptions) {
      if (job.job && isTerminal(job.job.status)) {
        throw new InvalidRequestError(
          `Job ${job.id} is already ${job.job.status}; only a queued or running job can be cancelled.`,
          {
            provider: PROVIDER,
          },
        );
      }
      const { messageId } = decodeJobId(job.providerJobId);
      const { data } = await transport.request(
        {
          method: 'POST',
          path: '/api/v1/nova/button',
          body: { messageId, button: CANCEL_BUTTON },
          kind: 'submit',
          schema: createdSchema,
        },
        callOptions,
      );
      if (data.success === false) throw notAcceptedError(data.error);
      // The cancel is a job of its own; what the caller wants is the cancelled job's state.
      return mergeJob(job.job, await def.get(job.providerJobId, callOptions));
    },

    async account(callOptions): Promise<ImagineProAccount> {
      const data = await generalRead(
        { method: 'GET', path: '/api/v1/subscription/account-info', kind: 'read', schema: accountSchema },
        callOptions,
      );
      const plan = data.credits ?? undefined;
      const extra = data.creditsExtra ?? undefined;
      const credits = plan === undefined && extra === undefined ? undefined : (plan ?? 0) + (extra ?? 0);
      const account: ImagineProAccount = { provider: PROVIDER, raw: data };
      if (credits !== undefined) account.credits = credits;
      if (plan !== undefined) account.planCredits = plan;
      if (extra !== undefined) account.extraCredits = extra;
      if (typeof data.creditsQuota === 'number') account.creditsQuota = data.creditsQuota;
      if (data.type) account.plan = data.type;
      if (data.email) account.email = data.email;
      const expiresAt = isoOf(data.expiredAt);
      if (expiresAt) account.expiresAt = expiresAt;
      return account;
    },

    // The history endpoint (§3.7) is a general endpoint: paced one per 3 s like account-info (§5).
    async findSubmission(submission, callOptions) {
      const page = async (number: number, size: number, pageOptions: CallOptions) => {
        const query = { page: number, size };
        const path = '/api/v1/nova/images';
        const data = await generalRead(
          { method: 'GET', path, query, kind: 'read', schema: historySchema },
          pageOptions,
        );
        return data.images;
      };
      return findInHistory(submission, { page, get: (id, o) => def.get(id, o) }, callOptions);
    },

    async parseWebhook(request, context) {
      const body = webhookJson(request, PROVIDER);
      // Strict enough that no other vendor's callback passes for an ImaginePro message.
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
      const kind = kindOf(context, message);
      const job = toJob(message, encodeJobId(kind, message.messageId));
      // An extended video's parent is a video job, as `video` and polling report it, whatever id form the caller used.
      if (kind === 'video' && job.parentId === undefined && context.parentId) {
        const parent = parseJobId(context.parentId);
        if (parent?.provider === PROVIDER) {
          job.parentId = `${PROVIDER}:${encodeJobId('video', decodeJobId(parent.providerJobId).messageId)}`;
        }
      }
      return job;
    },
  };

  const client = createClient(def) as ImagineProClient;

  const extras: Pick<ImagineProClient, 'promptCheck' | 'history' | 'provider'> = {
    provider: PROVIDER,
    async promptCheck(prompt, callOptions = {}) {
      const valid = validateInput(
        v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty')),
        prompt,
        'promptCheck',
        PROVIDER,
      );
      const data = await generalRead(
        {
          method: 'POST',
          path: '/api/v1/nova/prompt-check',
          body: { prompt: valid },
          kind: 'read',
          schema: promptCheckSchema,
        },
        callOptions,
      );
      const result: PromptCheckResult = { ok: data.status.toUpperCase() === 'SUCCESS', raw: data };
      if (data.message) result.message = data.message;
      return result;
    },
    async history(query = {}, callOptions = {}) {
      const valid = validateInput(historyQuerySchema, query, 'history', PROVIDER);
      const data = await generalRead(
        {
          method: 'GET',
          path: '/api/v1/nova/images',
          query: { page: valid.page, size: valid.size },
          kind: 'read',
          schema: historySchema,
        },
        callOptions,
      );
      return data.images.map((item) => {
        const entry: HistoryEntry = { id: `${PROVIDER}:${item.id}`, providerJobId: item.id, raw: item };
        if (item.type) entry.type = item.type;
        if (item.button) {
          entry.button = item.button;
          const action = actionOfLabel(item.button);
          if (action) entry.action = action;
        }
        if (item.prompt) entry.prompt = item.prompt;
        if (item.uri) entry.url = item.uri;
        const createdAt = isoOf(item.createdAt);
        if (createdAt) entry.createdAt = createdAt;
        return entry;
      });
    },
  };
  return Object.assign(client, extras);
}

const historyQuerySchema = v.object({
  page: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  size: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100))),
});

/** Validates `providerOptions` against what ImaginePro understands; unknown keys are refused. */
function vendorOptions(value: Record<string, unknown> | undefined, what: string): ImagineProProviderOptions {
  return value === undefined ? {} : validateInput(providerOptionsSchema, value, `${what} providerOptions`, PROVIDER);
}

function rejectAnimateMode(extra: ImagineProProviderOptions, what: string): void {
  if (extra.animateMode !== undefined) {
    throw new InvalidRequestError(`providerOptions.animateMode does not apply to ${what}.`, { provider: PROVIDER });
  }
}

/** The BaseParams of §2.1, in the docs' order; absent values are left out of the body. */
function baseParams(
  input: { ref?: string; webhookUrl?: string },
  extra: ImagineProProviderOptions,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (input.ref !== undefined) out.ref = input.ref;
  if (input.webhookUrl !== undefined) out.webhookOverride = input.webhookUrl;
  if (extra.timeout !== undefined) out.timeout = extra.timeout;
  if (extra.disableCdn !== undefined) out.disableCdn = extra.disableCdn;
  return out;
}

/**
 * The id kind of a callback's job: from the operation core put in the callback URL (so the job gets
 * the same id as polling), else, for a callback to a URL mjgate did not hand out, from its fields.
 */
function kindOf(context: WebhookContext, message: ImagineProMessage): JobKind | undefined {
  if (context.operation) return isJobKind(context.operation) ? context.operation : undefined;
  return inferKind(message);
}

function misplaced(field: string, action: ActionId, why: string): InvalidRequestError {
  return new InvalidRequestError(`input.${field} does not apply to '${action}': ${why}.`, { provider: PROVIDER });
}
