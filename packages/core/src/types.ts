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
}

/** Options of `wait`, `watch` and `run`. */
export interface WaitOptions extends CallOptions {
  /** Overall deadline for the wait, in ms. Default 15 minutes. */
  timeoutMs?: number;
  /** First polling interval, in ms; it grows toward `maxPollIntervalMs` while nothing changes. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** Called once per observed change, in order; progress never goes backwards. */
  onProgress?: (job: Job) => void;
}

/** Input of `imagine`. */
export interface ImagineInput {
  prompt: string;
  /** Image prompts, placed where the vendor wants them (usually the front of the prompt). */
  imageUrls?: string[];
  /** `'16:9'`; sent as the vendor's field, or as `--ar` in the prompt. */
  aspectRatio?: string;
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
  prompt?: string;
  /** `vary-region`: the mask, as a data URL or base64 PNG (white = repaint), or a URL where the vendor accepts one. */
  mask?: string;
  /** `custom-zoom`: 1 < zoom ≤ 2. */
  zoom?: number;
  webhookUrl?: string;
  ref?: string;
  providerOptions?: Record<string, unknown>;
}

export interface DescribeInput {
  imageUrl: string;
  webhookUrl?: string;
  ref?: string;
}

export interface BlendInput {
  imageUrls: string[];
  dimensions?: 'square' | 'portrait' | 'landscape';
  prompt?: string;
  webhookUrl?: string;
  ref?: string;
}

export interface FaceSwapInput {
  sourceUrl: string;
  targetUrl: string;
  webhookUrl?: string;
  ref?: string;
}

/** Input of `video`: animate an image, or extend a video job. */
export interface VideoInput {
  prompt?: string;
  /** The start frame. Required unless `extend` is given. */
  imageUrl?: string;
  endImageUrl?: string;
  /** Extend this earlier video job instead of starting a new one. */
  extend?: Job | string;
  /** Which of the extended job's videos (0-based). */
  index?: number;
  motion?: 'low' | 'high';
  webhookUrl?: string;
  ref?: string;
  providerOptions?: Record<string, unknown>;
}

export interface ShortenInput {
  prompt: string;
  webhookUrl?: string;
  ref?: string;
}

/** Credits and plan, as far as the vendor reports them. */
export interface Account {
  provider: ProviderName;
  credits?: number;
  plan?: string;
  email?: string;
  raw: unknown;
}

/** What a client can do. */
export interface Capabilities {
  operations: readonly Operation[];
  actions: readonly ActionId[];
  /** Several jobs checked in one request (`getMany` shares them). */
  batchGet: boolean;
  /** Results can be pushed to a webhook URL. */
  webhooks: boolean;
  cancel: boolean;
  account: boolean;
  /**
   * The models `imagine` can generate with, e.g. `['midjourney', 'flux-1.1-pro']`. Absent means
   * Midjourney only (`['midjourney']`).
   */
  models?: readonly ModelName[];
}

/** A webhook callback as it arrived: the full URL it was posted to, its headers and its raw body. */
export interface WebhookRequest {
  url: string;
  headers: Headers | Record<string, string | string[] | undefined>;
  body: string | Uint8Array;
}

/** Receives the transport's log lines. `console` fits. Secrets are already redacted. */
export interface Logger {
  debug?(message: string, data?: Record<string, unknown>): void;
  warn?(message: string, data?: Record<string, unknown>): void;
}

/**
 * The one client interface: every adapter returns one, and so does the gateway, so code written
 * against one runs against the other.
 */
export interface MidjourneyClient {
  /** `'gateway'` for the facade. */
  readonly provider: ProviderName;
  readonly capabilities: Capabilities;
  imagine(input: ImagineInput, options?: CallOptions): Promise<Job>;
  act(job: Job | string, action: ActionId, input?: ActionInput, options?: CallOptions): Promise<Job>;
  describe(input: DescribeInput, options?: CallOptions): Promise<Job>;
  blend(input: BlendInput, options?: CallOptions): Promise<Job>;
  faceSwap(input: FaceSwapInput, options?: CallOptions): Promise<Job>;
  video(input: VideoInput, options?: CallOptions): Promise<Job>;
  shorten(input: ShortenInput, options?: CallOptions): Promise<Job>;
  seed(job: Job | string, options?: CallOptions): Promise<Job>;
  /** One status check. */
  get(job: Job | string, options?: CallOptions): Promise<Job>;
  getMany(jobs: Array<Job | string>, options?: CallOptions): Promise<Job[]>;
  cancel(job: Job | string, options?: CallOptions): Promise<Job>;
  account(options?: CallOptions): Promise<Account>;
  /**
   * Looks for the job that a submission with an unknown outcome may have created — the
   * `submission` of an error with `mayHaveCreatedJob: true` — so it is not paid for twice. Resolves
   * with the job, or `undefined` when the vendor lists none (yet: a job may take a few seconds to
   * appear). Throws `UnsupportedError` for a vendor with no job listing (use webhooks there).
   */
  findSubmission(submission: Submission, options?: CallOptions): Promise<Job | undefined>;
  /** Resolves with the job once `succeeded`; throws `JobFailedError`, `JobTimeoutError` or the abort reason. */
  wait(job: Job | string, options?: WaitOptions): Promise<Job>;
  /** Every change of the job, ending with its terminal state. */
  watch(job: Job | string, options?: WaitOptions): AsyncIterable<Job>;
  /** `imagine` + `wait`. */
  run(input: ImagineInput, options?: WaitOptions): Promise<Job>;
  upscale(job: Job | string, index: 1 | 2 | 3 | 4, options?: CallOptions): Promise<Job>;
  variation(job: Job | string, index: 1 | 2 | 3 | 4, options?: CallOptions): Promise<Job>;
  reroll(job: Job | string, options?: CallOptions): Promise<Job>;
  /** Verifies a vendor callback and returns the same `Job` polling would. */
  parseWebhook(request: WebhookRequest): Promise<Job>;
}
