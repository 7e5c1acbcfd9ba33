import * as v from '@mjgate/core/valibot';
import type { InferOutput } from 'valibot';

// Lenient on purpose: the vendor doc (vendors/apiframe.md §11) lists conflicting variants for
// several fields, and every documented variant must be accepted. Unknown fields pass through
// (`looseObject`) so `job.raw` keeps the untouched payload.

// No transforms anywhere: the validated output stays equal to the payload, which becomes `job.raw`.

/** Task ids are UUIDs today; very early docs showed a numeric placeholder. */
const taskId = v.union([v.pipe(v.string(), v.nonEmpty()), v.number()]);

const optionalText = v.optional(v.nullable(v.string()));

/** The task object `/fetch` returns, `/fetch-many` lists and webhooks deliver (§2). */
export const taskSchema = v.pipe(
  v.looseObject({
    task_id: v.optional(taskId),
    // The Reroll page's final example spells it `taskId` (a docs typo, §11.9).
    taskId: v.optional(taskId),
    task_type: optionalText,
    status: optionalText,
    // A string in Midjourney examples, a number in other models' final examples (§11.6).
    percentage: v.optional(v.nullable(v.union([v.string(), v.number()]))),
    original_image_url: optionalText,
    image_urls: v.optional(v.nullable(v.array(v.string()))),
    image_url: optionalText,
    video_urls: v.optional(v.nullable(v.array(v.string()))),
    video_url: optionalText,
    content: v.optional(v.nullable(v.union([v.array(v.string()), v.string()]))),
    full_content: optionalText,
    seed: v.optional(v.nullable(v.union([v.string(), v.number()]))),
    sref: v.optional(v.nullable(v.union([v.string(), v.number()]))),
    prompt: optionalText,
    // Failure text: undocumented, the vendor SDK reads `message || error` (§11.8).
    message: v.optional(v.unknown()),
    error: v.optional(v.unknown()),
  }),
  v.check((task) => task.task_id !== undefined || task.taskId !== undefined, 'a task needs a task_id'),
);

/** A task object as validated. */
export type ApiFrameTask = InferOutput<typeof taskSchema>;

/**
 * Fields an APIFRAME callback never has (it is the task object of §2, §4) and other vendors' callbacks
 * do: ImaginePro's `messageId`; AceData's `success` (on every callback, its §10.4), `progress`,
 * `trace_id`, `image_id`, `raw_image_url`, and its task records' `request`/`response`.
 */
export const FOREIGN_CALLBACK_FIELDS = [
  'messageId',
  'success',
  'progress',
  'trace_id',
  'image_id',
  'raw_image_url',
  'request',
  'response',
] as const;

/** The §2.1 fields a finished task carries its result in. */
const RESULT_FIELDS = [
  'original_image_url',
  'image_urls',
  'image_url',
  'video_urls',
  'video_url',
  'content',
  'full_content',
  'seed',
] as const;

/**
 * A callback body (§4): a task with its id and something to say — a `task_type` (on every task,
 * §2.1), a `status`, or a result field — so a bare `{task_id}` (any vendor's submit answer) is not one.
 */
export const callbackTaskSchema = v.pipe(
  taskSchema,
  v.check(
    (task) =>
      typeof task.task_type === 'string' ||
      typeof task.status === 'string' ||
      RESULT_FIELDS.some((field) => task[field] !== undefined && task[field] !== null),
    'a task_type, a status or a result',
  ),
);

/** Every task-creating endpoint answers `{ task_id }` (§1.2). */
export const submitSchema = v.pipe(
  v.looseObject({ task_id: v.optional(taskId), taskId: v.optional(taskId) }),
  v.check((answer) => answer.task_id !== undefined || answer.taskId !== undefined, 'the answer needs a task_id'),
);

/** `/fetch-many` answers `{ tasks: [...] }` (§3.18). */
export const fetchManySchema = v.looseObject({ tasks: v.array(v.unknown()) });

const count = v.optional(v.nullable(v.union([v.number(), v.string()])));

/** `GET /account` (§3.19): fields from the vendor's JS lib and a connector schema. */
export const accountSchema = v.looseObject({
  email: optionalText,
  credits: count,
  plan: optionalText,
  next_billing_date: optionalText,
  total_images: count,
  subscription_credits: count,
  topup_credits: count,
});

/** `POST /upload` answers `{ imageURL }` (camelCase, §3.20); other spellings are tolerated. */
export const uploadSchema = v.pipe(
  v.looseObject({ imageURL: optionalText, imageUrl: optionalText, image_url: optionalText, url: optionalText }),
  v.check(
    (answer) => Boolean(answer.imageURL ?? answer.imageUrl ?? answer.image_url ?? answer.url),
    'the answer needs imageURL',
  ),
);
