import type { ActionId } from './actions.js';
import type { Submission } from './errors.js';
import type { Job, Operation, ProviderName } from './job.js';
import type { ModelName } from './models.js';

/** Options every call takes. */
export interface CallOptions {
  /** Cancels the call, including any backoff sleep between retries. */
  signal?: AbortSignal;
  /** Limit for one HTTP call, in ms (for `wait`/`watch`: the overall deadline). */
  timeoutMs?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /**
   * Submissions only (imagine, act and its sugar, describe, blend, faceSwap, video, shorten): the
   * same key within the client's `idempotencyTtlMs` window (default 24 h) returns the same job —
   * from any process sharing the client's `store`, after a restart too — and the vendor sees one
   * submission. A UUID per intended job fits. See docs/idempotency-and-pending.md.
   */
  idempotencyKey?: string;
}

/** Options of `wait`, `watch` and `run`. */
export interface WaitOptions extends CallOptions {
  /** Overall deadline for the wait, in ms. Default 15 minutes. */
  timeoutMs?: number;
  /** First polling interval, in ms; it grows toward `maxPollIntervalMs` while nothing changes. */
  pollIntervalMs?: number;
  /** Longest polling interval, in ms, however long the job stays unchanged. */
  maxPollIntervalMs?: number;
  /** Called once per observed change, in order; progress never goes backwards. */
  onProgress?: (job: Job) => void;
}

/** Input of `imagine`. */
export interface ImagineInput {
  /** The Midjourney prompt, parameters (`--ar`, `--v`, …) included. */
  prompt: string;
  /** Image prompts, placed where the vendor wants them (usually the front of the prompt). */
  imageUrls?: string[];
  /** `'16:9'`; sent as the vendor's field, or as `--ar` in the prompt. */
  aspectRatio?: string;
  /** The generation speed (and price) where the vendor lets you choose; absent: the account's default. */
  mode?: 'fast' | 'relax' | 'turbo';
  /** Where the vendor should POST the result. Signed by mjgate when `webhookSecret` is set. */
  webhookUrl?: string;
  /** Correlation value echoed back on the job. */
  ref?: string;
  /**
   * The model to generate with. Absent means Midjourney (`'midjourney'`); `'flux-1.1-pro'` selects
   * FLUX 1.1 PRO where a vendor offers it (see `capabilities.models`). A client that lacks the model
   * throws `UnsupportedError` before any request; the gateway sends the job to a vendor that has it.
   * Model-specific settings (Flux's width, height, output format) go in `providerOptions`.
   */
  model?: ModelName;
  /**
   * How many images to make, for models that take a count (Flux: 1–4, default 1). Midjourney always
   * makes one 4-tile grid, so `n` with Midjourney is an `InvalidRequestError`.
   */
  n?: number;
  /** Vendor-specific pass-through, validated by the adapter. */
  providerOptions?: Record<string, unknown>;
}

/** Input of `act`: what some actions need besides the job. */
export interface ActionInput {
  /** `vary-region`, `custom-zoom`, the pans and remix variations: the new prompt (default: the parent's). */
  prompt?: string;
  /** `vary-region`: the mask, as a data URL or base64 PNG (white = repaint), or a URL where the vendor accepts one. */
  mask?: string;
  /** `custom-zoom`: 1 < zoom ≤ 2. */
  zoom?: number;
  /** Where the vendor should POST the result (see docs/waiting-and-webhooks.md); signed by mjgate when `webhookSecret` is set. */
  webhookUrl?: string;
  /** Your correlation value, echoed back on the job (`job.ref`) and in its webhook. */
  ref?: string;
  /** Vendor-specific pass-through, validated by the adapter (see docs/providers/). */
  providerOptions?: Record<string, unknown>;
}

/** Input of `describe`: four prompts that would make an image like this one. */
export interface DescribeInput {
  /** The image to describe: a public http(s) URL. */
  imageUrl: string;
  /** Where the vendor should POST the result (see docs/waiting-and-webhooks.md); signed by mjgate when `webhookSecret` is set. */
  webhookUrl?: string;
  /** Your correlation value, echoed back on the job (`job.ref`) and in its webhook. */
  ref?: string;
}

/** Input of `blend`: one grid mixing 2–5 images. */
export interface BlendInput {
  /** The images to blend (2–5 public http(s) URLs). */
  imageUrls: string[];
  /** The result's shape: 1:1, 2:3 or 3:2; absent: the vendor's default (square). */
  dimensions?: 'square' | 'portrait' | 'landscape';
  /** Text to steer the blend, where the vendor accepts one. */
  prompt?: string;
  /** Where the vendor should POST the result (see docs/waiting-and-webhooks.md); signed by mjgate when `webhookSecret` is set. */
  webhookUrl?: string;
  /** Your correlation value, echoed back on the job (`job.ref`) and in its webhook. */
  ref?: string;
}

/** Input of `faceSwap`: the face of one image put onto another. */
export interface FaceSwapInput {
  /** The image whose face is taken (public http(s) URL). */
  sourceUrl: string;
  /** The image that receives the face (public http(s) URL). */
  targetUrl: string;
  /** Where the vendor should POST the result (see docs/waiting-and-webhooks.md); signed by mjgate when `webhookSecret` is set. */
  webhookUrl?: string;
  /** Your correlation value, echoed back on the job (`job.ref`) and in its webhook. */
  ref?: string;
}

/** Input of `video`: animate an image, or extend a video job. */
export interface VideoInput {
  /** What should happen in the video. */
  prompt?: string;
  /** The start frame. Required unless `extend` is given. */
  imageUrl?: string;
  /** The end frame, where the vendor supports one. */
  endImageUrl?: string;
  /** Extend this earlier video job instead of starting a new one. */
  extend?: Job | string;
  /** Which of the extended job's videos (0-based). */
  index?: number;
  /** How much moves: `'low'` for ambient scenes, `'high'` for action; absent: the vendor's default. */
  motion?: 'low' | 'high';
  /** Where the vendor should POST the result (see docs/waiting-and-webhooks.md); signed by mjgate when `webhookSecret` is set. */
  webhookUrl?: string;
  /** Your correlation value, echoed back on the job (`job.ref`) and in its webhook. */
  ref?: string;
  /** Vendor-specific pass-through, validated by the adapter (see docs/providers/). */
  providerOptions?: Record<string, unknown>;
}

/** Input of `shorten`: shorter versions of a long prompt, with the words that matter. */
export interface ShortenInput {
  /** The prompt to shorten. */
  prompt: string;
  /** Where the vendor should POST the result (see docs/waiting-and-webhooks.md); signed by mjgate when `webhookSecret` is set. */
  webhookUrl?: string;
  /** Your correlation value, echoed back on the job (`job.ref`) and in its webhook. */
  ref?: string;
}

/** Credits and plan, as far as the vendor reports them. */
export interface Account {
  /** The vendor the account is with. */
  provider: ProviderName;
  /** Remaining balance, in the vendor's own unit (credits, points or dollars). */
  credits?: number;
  /** The vendor's name for the plan or subscription. */
  plan?: string;
  /** The account's e-mail, where the vendor reports it. */
  email?: string;
  /** The vendor's answer, with your API key masked. */
  raw: unknown;
}

/** What a client can do. */
export interface Capabilities {
  /** The operations the client can submit; another one throws `UnsupportedError` before any request. */
  operations: readonly Operation[];
  /** The actions `act` accepts (a job's own `actions` say which apply to it). */
  actions: readonly ActionId[];
  /** Several jobs checked in one request (`getMany` shares them). */
  batchGet: boolean;
  /** Results can be pushed to a webhook URL. */
  webhooks: boolean;
  /** `cancel()` works. */
  cancel: boolean;
  /** `account()` works. */
  account: boolean;
  /**
   * The models `imagine` can generate with, e.g. `['midjourney', 'flux-1.1-pro']`. Absent means
   * Midjourney only (`['midjourney']`).
   */
  models?: readonly ModelName[];
}

/** A webhook callback as it arrived: the full URL it was posted to, its headers and its raw body. */
export interface WebhookRequest {
  /** The full URL, query included: it carries mjgate's signature, expiry and vendor name. */
  url: string;
  /** The request headers (APIFRAME's `x-webhook-secret` is checked here). */
  headers: Headers | Record<string, string | string[] | undefined>;
  /** The raw body, unparsed. */
  body: string | Uint8Array;
}

/**
 * Receives mjgate's log lines, by level (each method optional). `console` fits. Secrets are already
 * redacted. Which levels arrive is `logLevel` / `MJGATE_LOG` (see `ProviderOptions.logLevel`).
 */
export interface Logger {
  /** Every request, response and retry decision. */
  debug?(message: string, data?: Record<string, unknown>): void;
  /** Informational lines. mjgate writes none at this level yet; the level exists so `MJGATE_LOG` and `console` fit. */
  info?(message: string, data?: Record<string, unknown>): void;
  /** Retries, fallbacks, settings that look wrong. */
  warn?(message: string, data?: Record<string, unknown>): void;
  /** Errors. mjgate writes none yet: every failure is thrown to the caller, who decides whether to log it. */
  error?(message: string, data?: Record<string, unknown>): void;
}

/**
 * The one client interface: every adapter returns one, and so does the gateway, so code written
 * against one runs against the other.
 */
export interface MidjourneyClient {
  /** `'gateway'` for the facade. */
  readonly provider: ProviderName;
  /** What this client can do; a call outside it throws `UnsupportedError` before any request. */
  readonly capabilities: Capabilities;
  /**
   * Submits a prompt and resolves with the new job (usually `queued`) as soon as the vendor accepted
   * it; follow it with `wait`, `watch` or a webhook, or use `run` to submit and wait in one call.
   *
   * @example
   * const job = await mj.imagine({ prompt: 'a red fox in snow', aspectRatio: '16:9' });
   * const grid = await mj.wait(job);
   */
  imagine(input: ImagineInput, options?: CallOptions): Promise<Job>;
  /**
   * Applies an action (upscale, vary, zoom, pan, …; see `ACTION_IDS`) to a succeeded job and resolves
   * with the new job. `job` may be the `Job` or its id; an action the job does not offer (see
   * `job.actions`) is an `InvalidRequestError` before any request.
   *
   * @example
   * const upscaled = await mj.wait(await mj.act(grid, 'upscale-2'));
   */
  act(job: Job | string, action: ActionId, input?: ActionInput, options?: CallOptions): Promise<Job>;
  /** Submits an image to describe; the finished job's `texts` hold the prompts the vendor suggests. */
  describe(input: DescribeInput, options?: CallOptions): Promise<Job>;
  /** Submits 2–5 images to blend into one grid. */
  blend(input: BlendInput, options?: CallOptions): Promise<Job>;
  /** Submits a face swap: the face of `sourceUrl` onto `targetUrl`. */
  faceSwap(input: FaceSwapInput, options?: CallOptions): Promise<Job>;
  /** Submits a video (from a start frame, or extending an earlier video job); results in `job.videoUrls`. */
  video(input: VideoInput, options?: CallOptions): Promise<Job>;
  /** Submits a prompt to shorten; the finished job's `texts` hold the shorter prompts. */
  shorten(input: ShortenInput, options?: CallOptions): Promise<Job>;
  /** Asks the vendor for a finished job's Midjourney seed; the returned job carries it in `seed`. */
  seed(job: Job | string, options?: CallOptions): Promise<Job>;
  /** One status check: the job as the vendor reports it now. A job it does not know is a `NotFoundError`. */
  get(job: Job | string, options?: CallOptions): Promise<Job>;
  /**
   * Status checks of several jobs, in as few requests as the vendor allows (see
   * `capabilities.batchGet`). Resolves with one job per id asked, in the same order.
   */
  getMany(jobs: Array<Job | string>, options?: CallOptions): Promise<Job[]>;
  /** Cancels a job that has not finished, where the vendor allows it (`capabilities.cancel`). */
  cancel(job: Job | string, options?: CallOptions): Promise<Job>;
  /** The account's balance and plan, as far as the vendor reports them (`capabilities.account`). */
  account(options?: CallOptions): Promise<Account>;
  /**
   * Looks for the job that a submission with an unknown outcome may have created — the
   * `submission` of an error with `mayHaveCreatedJob: true` — so it is not paid for twice. Resolves
   * with the job, or `undefined` when the vendor lists none (yet: a job may take a few seconds to
   * appear). Throws `UnsupportedError` for a vendor with no job listing (use webhooks there).
   */
  findSubmission(submission: Submission, options?: CallOptions): Promise<Job | undefined>;
  /**
   * The jobs submitted through this client's scope (its vendor and API key, in its `store`) that no
   * `get`, `wait` or webhook has yet seen finish, oldest first — for a restarted worker to wait on
   * again. Throws `StoreUnavailableError` when the store cannot be read.
   */
  pending(): Promise<Job[]>;
  /** Resolves with the job once `succeeded`; throws `JobFailedError`, `JobTimeoutError` or the abort reason. */
  wait(job: Job | string, options?: WaitOptions): Promise<Job>;
  /** Every change of the job, ending with its terminal state. */
  watch(job: Job | string, options?: WaitOptions): AsyncIterable<Job>;
  /**
   * `imagine` + `wait`: resolves with the finished job, or throws as `wait` does.
   *
   * @example
   * const grid = await mj.run({ prompt: 'a red fox in snow' }, { onProgress: (job) => console.log(job.progress) });
   */
  run(input: ImagineInput, options?: WaitOptions): Promise<Job>;
  /** Upscales tile `index` (1–4, left to right, top to bottom) of a grid: `act(job, 'upscale-<index>')`. */
  upscale(job: Job | string, index: 1 | 2 | 3 | 4, options?: CallOptions): Promise<Job>;
  /** A new grid varying tile `index` (1–4) of a grid: `act(job, 'variation-<index>')`. */
  variation(job: Job | string, index: 1 | 2 | 3 | 4, options?: CallOptions): Promise<Job>;
  /** A new grid from the same prompt: `act(job, 'reroll')`. */
  reroll(job: Job | string, options?: CallOptions): Promise<Job>;
  /** Verifies a vendor callback and returns the same `Job` polling would. */
  parseWebhook(request: WebhookRequest): Promise<Job>;
}
