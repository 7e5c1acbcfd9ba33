import * as v from '@mjgate/core/valibot';
import type { InferInput, InferOutput } from 'valibot';

// Lenient on purpose: the vendor doc lists conflicting variants (numbers typed as strings, epoch
// seconds or ISO strings, two error envelopes, two submit acknowledgements), and every one of them
// must parse. Nothing here transforms a value, so the parsed output stays equal to the payload and
// can go into `Job.raw` untouched; the mapping converts.

const numberish = v.union([v.number(), v.string()]);
const stringish = v.union([v.string(), v.number()]);
const strings = v.array(v.string());

/** `{code, message}` as AceData puts it in task records, callbacks and error bodies. */
export const errorInfoSchema = v.looseObject({
  code: v.nullish(v.string()),
  message: v.nullish(v.string()),
});

/**
 * One result object: the final body of a blocking call, one ndjson line, a callback body, or
 * `response` inside a task record. Imagine, edits, videos, describe, shorten and seed results all
 * fit it; fields a result does not have are simply absent.
 */
export const resultSchema = v.looseObject({
  success: v.nullish(v.boolean()),
  task_id: v.nullish(v.string()),
  trace_id: v.nullish(v.string()),
  image_id: v.nullish(stringish),
  image_url: v.nullish(v.string()),
  image_width: v.nullish(numberish),
  image_height: v.nullish(numberish),
  raw_image_url: v.nullish(v.string()),
  raw_image_width: v.nullish(numberish),
  raw_image_height: v.nullish(numberish),
  progress: v.nullish(numberish),
  actions: v.nullish(strings),
  sub_image_urls: v.nullish(strings),
  video_id: v.nullish(stringish),
  video_urls: v.nullish(strings),
  descriptions: v.nullish(strings),
  prompts: v.nullish(strings),
  seed: v.nullish(stringish),
  error: v.nullish(errorInfoSchema),
});

/** What AceData recorded of the submitted body (plus internal keys on older records). */
export const recordRequestSchema = v.looseObject({
  action: v.nullish(v.string()),
  prompt: v.nullish(v.string()),
  image_id: v.nullish(stringish),
  image_url: v.nullish(v.string()),
  video_id: v.nullish(stringish),
  mode: v.nullish(v.string()),
});

/** A task record from `POST /midjourney/tasks`. It has no status field: see `statusOf` in mapping.ts. */
export const taskRecordSchema = v.looseObject({
  id: v.nullish(v.string()),
  type: v.nullish(v.string()),
  trace_id: v.nullish(v.string()),
  request: v.nullish(recordRequestSchema),
  response: v.nullish(resultSchema),
  /** Not documented for Midjourney records, but Nexior's model and the MCP read it. */
  state: v.nullish(v.string()),
  created_at: v.nullish(numberish),
  started_at: v.nullish(numberish),
  finished_at: v.nullish(numberish),
});

/**
 * Fields an AceData callback never has and other vendors' callbacks do: ImaginePro's `messageId`,
 * APIFRAME's `task_type` (on every task, its §2.1), `taskId` and `percentage`. AceData's callback is
 * its result object (§3.3, §10.4), so a body with one of them is another vendor's.
 */
export const FOREIGN_CALLBACK_FIELDS = ['messageId', 'task_type', 'taskId', 'percentage'] as const;

/**
 * A callback body (§10.4): the result object with its `task_id`, and, since "it always includes
 * `success`", a boolean `success` — or at least a `progress`, for a progress snapshot. This is what
 * tells it from a bare `{task_id}` or another vendor's task.
 */
export const callbackResultSchema = v.pipe(
  resultSchema,
  v.check((result) => typeof result.task_id === 'string' && result.task_id !== '', 'no task_id'),
  v.check(
    (result) => typeof result.success === 'boolean' || (result.progress !== undefined && result.progress !== null),
    'no success',
  ),
);

/** `retrieve_batch`: `{items, count}`. */
export const batchSchema = v.looseObject({
  items: v.array(taskRecordSchema),
  count: v.nullish(v.number()),
});

/** `POST /midjourney/translate`. */
export const translateSchema = v.looseObject({ content: v.string() });

/** A result object (see `resultSchema`). */
export type AceDataResult = InferOutput<typeof resultSchema>;
/** A task record (see `taskRecordSchema`). */
export type AceDataTaskRecord = InferOutput<typeof taskRecordSchema>;
/** The recorded request inside a task record. */
export type AceDataRecordRequest = InferOutput<typeof recordRequestSchema>;

// --- provider options (validated user input) -----------------------------------------------

const versions = v.pipe(v.string(), v.regex(/^\d+(\.\d+)?$/, "must be a Midjourney version such as '7' or '8.2'"));

/** `providerOptions` of `imagine` (and `imagineStream`): AceData's own imagine fields. */
export const imagineOptionsSchema = v.pipe(
  v.strictObject({
    translation: v.optional(v.boolean()),
    version: v.optional(versions),
    hd: v.optional(v.boolean()),
    quality: v.optional(v.picklist(['.25', '.5', '1', '2', '4'])),
    style_reference: v.optional(v.boolean()),
    moodboard: v.optional(v.boolean()),
    split_images: v.optional(v.boolean()),
  }),
  v.check(
    (options) => !(options.version === '8.1' && options.quality !== undefined),
    'Midjourney V8.1 does not accept quality',
  ),
  v.check(
    (options) => options.quality !== '4' || options.version === undefined || options.version.startsWith('8'),
    "quality '4' exists only in V8",
  ),
);

/** `providerOptions` of `act`. */
export const actionOptionsSchema = v.strictObject({
  mode: v.optional(v.picklist(['fast', 'relax', 'turbo'])),
});

/** `providerOptions` of `video`. */
export const videoOptionsSchema = v.strictObject({
  loop: v.optional(v.boolean()),
  resolution: v.optional(v.picklist(['480p', '720p'])),
  mode: v.optional(v.picklist(['fast', 'turbo'])),
});

const httpUrl = v.pipe(
  v.string(),
  v.url('must be an absolute URL'),
  v.regex(/^https?:\/\//i, 'must be an http(s) URL'),
);

/** Input of `edit` (AceData's `/midjourney/edits`). */
export const editInputSchema = v.strictObject({
  imageUrl: httpUrl,
  prompt: v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty')),
  mask: v.optional(v.pipe(v.string(), v.nonEmpty('must not be empty'))),
  mode: v.optional(v.picklist(['fast', 'relax', 'turbo'])),
  webhookUrl: v.optional(httpUrl),
  ref: v.optional(v.pipe(v.string(), v.maxLength(1024))),
});

/** AceData's own imagine fields, passed as `providerOptions` of `imagine`. */
export type AceDataImagineOptions = InferInput<typeof imagineOptionsSchema>;
/** `providerOptions` of `act`. */
export type AceDataActionOptions = InferInput<typeof actionOptionsSchema>;
/** `providerOptions` of `video`. */
export type AceDataVideoOptions = InferInput<typeof videoOptionsSchema>;
/** Input of `AceDataClient.edit` (AceData's `/midjourney/edits`). */
export type AceDataEditInput = InferInput<typeof editInputSchema>;
