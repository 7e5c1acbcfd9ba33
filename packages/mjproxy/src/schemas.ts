import * as v from '@mjgate/core/valibot';
import type { InferOutput } from 'valibot';

// The protocol's bodies (vendor doc §1.3, §2), lenient on purpose: five dialects fill the same
// objects differently (§0, §2.1), fields are `null` as often as absent, and unknown fields pass
// through (`looseObject`) so `job.raw` keeps the payload untouched. No transforms anywhere.

/** Task ids are numeric strings; several relays' docs print them as JSON numbers (§1.1, §12.16). */
const taskId = v.union([v.pipe(v.string(), v.nonEmpty()), v.number()]);

const optionalText = v.optional(v.nullable(v.string()));
const optionalNumber = v.optional(v.nullable(v.number()));

/** A Discord button on a task (§2.2): `customId` is sent back verbatim to `/mj/submit/action`. */
export const buttonSchema = v.looseObject({
  customId: optionalText,
  emoji: optionalText,
  label: optionalText,
  type: optionalNumber,
  style: optionalNumber,
});

/** A button as validated. */
export type Button = InferOutput<typeof buttonSchema>;

/** trueai's `{url, thumbnail}` entries of `imageUrls` and `videoUrls`; new-api's `{url}` (§2.1). */
const urlEntry = v.looseObject({ url: optionalText });

/** The Task object `fetch`, `list-by-condition` and `notifyHook` carry (§2.1, §2.7). */
export const taskSchema = v.looseObject({
  id: taskId,
  action: optionalText,
  // new-api's first rows say `""`, trueai's may say `null` (§2.4).
  status: optionalText,
  prompt: optionalText,
  promptEn: optionalText,
  description: optionalText,
  state: optionalText,
  submitTime: optionalNumber,
  startTime: optionalNumber,
  finishTime: optionalNumber,
  imageUrl: optionalText,
  progress: optionalText,
  failReason: optionalText,
  properties: v.optional(v.nullable(v.looseObject({}))),
  // Absent on novicezk open, `null` through new-api when the upstream sent none, `[]` on trueai (§4.2).
  buttons: v.optional(v.nullable(v.array(buttonSchema))),
  parentId: v.optional(v.nullable(taskId)),
  imageUrls: v.optional(v.nullable(v.array(urlEntry))),
  videoUrl: optionalText,
  videoUrls: v.optional(v.nullable(v.array(urlEntry))),
  seed: v.optional(v.nullable(v.union([v.string(), v.number()]))),
  width: optionalNumber,
  height: optionalNumber,
});

/** A task as validated. */
export type Task = InferOutput<typeof taskSchema>;

/**
 * `SubmitResultVO` (§1.3), the answer of every `/mj/submit/*` call and of `image-seed`; also trueai's
 * `{success: false, code: -1, message}` envelope (§1.4, §12.19), which has a `code` but no `result`.
 * `result` is a task id (string, or a number in some relays' docs), or a list for uploads.
 */
export const submitResultSchema = v.looseObject({
  code: v.number(),
  description: optionalText,
  message: optionalText,
  result: v.optional(v.nullable(v.union([v.string(), v.number(), v.array(v.unknown())]))),
  properties: v.optional(v.nullable(v.looseObject({}))),
});

/** A `SubmitResultVO` as validated. */
export type SubmitResult = InferOutput<typeof submitResultSchema>;

/**
 * `GET /mj/task/{id}/fetch`: a Task, or nothing at all for an unknown id (novicezk answers 200 with
 * an empty body, trueai 204, §3.12, §12.8). Checked as a Task by the client.
 */
export const fetchSchema = v.unknown();

/** `POST /mj/task/list-by-condition` answers a JSON array of Tasks, unknown ids left out (§3.13). */
export const listSchema = v.array(v.unknown());

/** `POST /mj/task/{id}/cancel` answers 200 with an empty body (§3.15). */
export const emptySchema = v.unknown();

/**
 * Fields an mj-proxy callback never has (it is the Task of §2, §5) and other vendors' callbacks do:
 * ImaginePro's `messageId`, AceData's `success`, `task_id` and `trace_id`, APIFRAME's `task_id` and
 * `task_type`.
 */
export const FOREIGN_CALLBACK_FIELDS = ['messageId', 'task_id', 'taskId', 'task_type', 'success', 'trace_id'] as const;

/** A callback body (§5): a Task with its id and a status or an action, so a bare `{id}` is not one. */
export const callbackTaskSchema = v.pipe(
  taskSchema,
  v.check((task) => typeof task.status === 'string' || typeof task.action === 'string', 'a status or an action'),
);
