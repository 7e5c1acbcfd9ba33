import * as v from '@mjgate/core/valibot';
import type { InferOutput } from 'valibot';

// Lenient where vendors/imaginepro.md lists conflicts: every documented variant is accepted, and
// unknown fields pass through (they stay visible in `job.raw`).

const optionalText = v.optional(v.nullable(v.string()));

/** `200 {success, messageId, createdAt, error?}`, the answer of every job-creating endpoint (§2.2). */
export const createdSchema = v.looseObject({
  success: v.optional(v.boolean()),
  // The legacy Cancel Job page omits `messageId` (Uncertain 14); the creating calls check for it.
  messageId: v.optional(v.string()),
  createdAt: optionalText,
  error: optionalText,
});
/** The job-creation answer, as validated. */
export type CreatedResponse = InferOutput<typeof createdSchema>;

/** `progress`: a number in the docs' table and examples, a string in the apifox schema (Uncertain 3). */
const progressSchema = v.optional(v.nullable(v.union([v.number(), v.string()])));

/** A video result entry of `/api/v1/video/mj/fetch/{id}` (§3.15). */
const videoResultSchema = v.looseObject({ url: v.string(), index: v.optional(v.number()) });

/**
 * The message object (§3.2): what `/api/v1/message/fetch/{id}` and `/api/v1/video/mj/fetch/{id}`
 * return and what webhooks carry. Only `status` is required: the documented FAIL example has no
 * `messageId`, and polling knows the id from the request anyway.
 */
export const messageSchema = v.looseObject({
  messageId: v.optional(v.string()),
  prompt: optionalText,
  // `QUEUED | PROCESSING | DONE | FAIL`, plus the skill's `SUBMITTED`; anything else reads as running.
  status: v.string(),
  progress: progressSchema,
  createdAt: optionalText,
  updatedAt: optionalText,
  uri: optionalText,
  images: v.optional(v.nullable(v.array(v.string()))),
  originalUrl: optionalText,
  buttons: v.optional(v.nullable(v.array(v.string()))),
  // Examples say `originatingMessageId`, the apifox schema `originalMessageId` (Uncertain 4).
  originatingMessageId: optionalText,
  originalMessageId: optionalText,
  ref: optionalText,
  error: optionalText,
  videoUrl: optionalText,
  results: v.optional(v.nullable(v.array(videoResultSchema))),
  // Where describe puts its prompts is undocumented (Uncertain 6): these are the names we read.
  content: v.optional(v.nullable(v.union([v.string(), v.array(v.string())]))),
  prompts: v.optional(v.nullable(v.array(v.string()))),
  descriptions: v.optional(v.nullable(v.array(v.string()))),
});
/** An ImaginePro message (job state) as polled or received by webhook; `job.raw` holds one. */
export type ImagineProMessage = InferOutput<typeof messageSchema>;

/**
 * Fields an ImaginePro callback never has (it is the message object of §3.2, §4) and other vendors'
 * callbacks do: AceData's `success`, `task_id` and task records' `request`/`response`, APIFRAME's
 * `task_id`, `taskId`, `task_type` and `percentage`. A body with one of them is another vendor's, even
 * when it also has a `status` and a `messageId`.
 */
export const FOREIGN_CALLBACK_FIELDS = [
  'task_id',
  'taskId',
  'task_type',
  'percentage',
  'success',
  'request',
  'response',
] as const;

/** `GET /api/v1/subscription/account-info` (§3.9). */
export const accountSchema = v.looseObject({
  type: optionalText,
  creditsQuota: v.optional(v.nullable(v.number())),
  credits: v.optional(v.nullable(v.number())),
  creditsExtra: v.optional(v.nullable(v.number())),
  expiredAt: optionalText,
  email: optionalText,
});
/** The account-info answer, as validated. */
export type AccountInfo = InferOutput<typeof accountSchema>;

/** `POST /api/v1/nova/prompt-check` (§3.8). */
export const promptCheckSchema = v.looseObject({
  status: v.string(),
  message: optionalText,
});

/** One entry of `GET /api/v1/nova/images` (§3.7). */
const historyItemSchema = v.looseObject({
  id: v.string(),
  type: optionalText,
  button: optionalText,
  prompt: optionalText,
  uri: optionalText,
  createdAt: optionalText,
});

/** One entry of the history, as validated. */
export type HistoryItem = InferOutput<typeof historyItemSchema>;

/** `GET /api/v1/nova/images?page=&size=` (§3.7). */
export const historySchema = v.looseObject({ images: v.array(historyItemSchema) });

/**
 * `providerOptions` ImaginePro understands on `imagine`, `act` and `video`: the BaseParams the
 * docs list beside `ref`/`webhookOverride` (§2.1), and the boost endpoints (§3.1, §3.3).
 */
export const providerOptionsSchema = v.strictObject({
  /** Seconds ImaginePro lets the job run, 10–900 (vendor default 900). */
  timeout: v.optional(v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(900))),
  /** When true the result is not re-uploaded to ImaginePro's CDN (only `originalUrl`, ~24 h). */
  disableCdn: v.optional(v.boolean()),
  /** Use `/api/v1/nova/boost/*` (faster CDN upload and progress) for imagine and buttons. */
  boost: v.optional(v.boolean()),
  /** `video` extend only: ImaginePro's `animateMode` (values undocumented; the SDK shows `'smooth'`). */
  animateMode: v.optional(v.string()),
});

/** Vendor-specific options of `imagine`, `act` and `video`, passed as `providerOptions`. */
export type ImagineProProviderOptions = InferOutput<typeof providerOptionsSchema>;

/** A width or height Flux takes: a positive multiple of 8 pixels (§3.12). */
const fluxSide = v.pipe(
  v.number(),
  v.integer('must be a whole number of pixels'),
  v.minValue(8, 'must be at least 8'),
  v.multipleOf(8, 'must be a multiple of 8'),
);

/**
 * `providerOptions` of a Flux imagine (§3.12), in mjgate's camelCase; requests.ts sends them as the
 * vendor's snake_case fields. Midjourney's options (boost, disableCdn, animateMode) are not on the
 * Flux endpoint's list, so they are refused here rather than sent where they mean nothing.
 */
export const fluxOptionsSchema = v.strictObject({
  /** Seconds ImaginePro lets the job run, 10–900 (vendor default 900). */
  timeout: v.optional(v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(900))),
  /** Image width in pixels, a multiple of 8 (vendor default 1024): `width`. */
  width: v.optional(fluxSide),
  /** Image height in pixels, a multiple of 8 (vendor default 1024): `height`. */
  height: v.optional(fluxSide),
  /** `output_format`: `png` (the vendor's default) or `webp` (which the docs suggest to cut size). */
  outputFormat: v.optional(v.picklist(['png', 'webp'])),
  /** `output_quality`, 0–100 (vendor default 100); sent as a string, as the docs type it. */
  outputQuality: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100))),
});

/** Vendor-specific options of a Flux `imagine`, passed as `providerOptions`. */
export type ImagineProFluxOptions = InferOutput<typeof fluxOptionsSchema>;
