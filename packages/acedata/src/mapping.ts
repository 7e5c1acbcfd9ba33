import {
  type ActionId,
  emptyJob,
  httpUrl,
  type Job,
  type JobImage,
  type JobStatus,
  type Operation,
} from '@mjgate/core';
import { countUrls, definedOnly, httpUrls, requireUsableResult } from '@mjgate/core/provider';
import { ACEDATA_ACTION_IDS, type AceDataActionId } from './capabilities.js';
import type { AceDataRecordRequest, AceDataResult, AceDataTaskRecord } from './schemas.js';

export const PROVIDER = 'acedata';

// The action ids are defined with the capabilities, which load without this module (the gateway reads them alone).
export { ACEDATA_ACTION_IDS, type AceDataActionId };

/** One row of the action table: how a canonical action is spelled and what it produces on AceData. */
export interface ActionEntry {
  /** The `action` value sent to `/midjourney/imagine`. */
  label: string;
  /** Older spellings early AceData clients used; read in `actions` lists, never sent. */
  legacy?: readonly string[];
  /** The result is a new 2x2 grid (so `split_images` applies) rather than one image. */
  grid: boolean;
}

/**
 * Canonical action ↔ AceData `action` value. Every action goes to `POST /midjourney/imagine` with
 * the parent's `image_id`; `variation_region` also takes `mask` and an optional `prompt`.
 */
export const ACTIONS: Readonly<Record<AceDataActionId, ActionEntry>> = {
  'upscale-1': { label: 'upscale1', legacy: ['upsample1'], grid: false },
  'upscale-2': { label: 'upscale2', legacy: ['upsample2'], grid: false },
  'upscale-3': { label: 'upscale3', legacy: ['upsample3'], grid: false },
  'upscale-4': { label: 'upscale4', legacy: ['upsample4'], grid: false },
  'variation-1': { label: 'variation1', grid: true },
  'variation-2': { label: 'variation2', grid: true },
  'variation-3': { label: 'variation3', grid: true },
  'variation-4': { label: 'variation4', grid: true },
  reroll: { label: 'reroll', grid: true },
  'upscale-subtle': { label: 'upscale_subtle', grid: false },
  'upscale-creative': { label: 'upscale_creative', grid: false },
  'upscale-2x': { label: 'upscale_2x', legacy: ['upsample_2x'], grid: false },
  'upscale-4x': { label: 'upscale_4x', legacy: ['upsample_4x'], grid: false },
  'redo-upscale-subtle': { label: 'redo_upscale_subtle', grid: false },
  'redo-upscale-creative': { label: 'redo_upscale_creative', grid: false },
  'redo-upscale-2x': { label: 'redo_upscale_2x', legacy: ['redo_upsample_2x'], grid: false },
  'redo-upscale-4x': { label: 'redo_upscale_4x', legacy: ['redo_upsample_4x'], grid: false },
  'vary-subtle': { label: 'variation_subtle', legacy: ['low_variation'], grid: true },
  'vary-strong': { label: 'variation_strong', legacy: ['high_variation'], grid: true },
  'vary-region': { label: 'variation_region', grid: true },
  'zoom-out-1.5x': { label: 'zoom_out_1_5x', grid: true },
  'zoom-out-2x': { label: 'zoom_out_2x', grid: true },
  'make-square': { label: 'square', grid: true },
  'pan-left': { label: 'pan_left', grid: true },
  'pan-right': { label: 'pan_right', grid: true },
  'pan-up': { label: 'pan_up', grid: true },
  'pan-down': { label: 'pan_down', grid: true },
};

const byLabel: ReadonlyMap<string, AceDataActionId> = new Map(
  ACEDATA_ACTION_IDS.flatMap((id) =>
    [ACTIONS[id].label, ...(ACTIONS[id].legacy ?? [])].map((label) => [label, id] as const),
  ),
);

/** The canonical id of an AceData action value (current or legacy spelling), or `undefined`. */
export function actionFromLabel(label: string): AceDataActionId | undefined {
  return byLabel.get(label.trim().toLowerCase());
}

/** True when `id` is an action AceData supports. */
export function isAceDataAction(id: ActionId): id is AceDataActionId {
  return Object.hasOwn(ACTIONS, id);
}

/**
 * The optional `state` word some task records carry (Nexior's model; the MCP reads it). Midjourney
 * records normally have none: the `response` object decides, see `statusOf`. A word not in
 * this table is ignored, as if the record had none (read through {@link stateOf}).
 */
export const STATES: Readonly<Record<string, JobStatus>> = {
  pending: 'queued',
  queued: 'queued',
  generating: 'running',
  running: 'running',
  processing: 'running',
  finished: 'succeeded',
  complete: 'succeeded',
  completed: 'succeeded',
  succeeded: 'succeeded',
  success: 'succeeded',
  failed: 'failed',
  error: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

/** A number from AceData's number-or-numeric-string fields. */
export function numberFrom(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function stringFrom(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The largest distance from the epoch a `Date` can hold, in ms (ECMA-262 §21.4.1.1): ±100 000 000 days. */
const MAX_DATE_MS = 8.64e15;

/**
 * Epoch seconds (number or numeric string, §tasks: `1720364607.967`) or an ISO string (an older MCP
 * fixture) → ISO string. A time the `Date` range cannot hold (`1e20`) is dropped, not thrown on:
 * `toISOString` throws a RangeError for it.
 */
export function isoTime(value: unknown): string | undefined {
  const seconds = numberFrom(value);
  const ms = seconds !== undefined ? seconds * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString() : undefined;
}

/** The neutral status of a record's `state` word; `undefined` for no word and for words not in {@link STATES}. */
function stateOf(word: string | null | undefined): JobStatus | undefined {
  const key = word?.trim().toLowerCase();
  // Own properties only: `constructor` or `__proto__` is an unknown word, not an Object.prototype member.
  return key !== undefined && Object.hasOwn(STATES, key) ? STATES[key] : undefined;
}

/**
 * The status of one result object (a callback body, an ndjson line, a record's `response`):
 * `success: false` (or an error without `success`) → failed; `progress` below 100 → running (stream
 * lines say `success: true` from the first snapshot on); `success: true` → succeeded; a describe,
 * shorten or seed answer → succeeded; anything else has not finished.
 */
export function resultStatus(result: AceDataResult): JobStatus {
  if (result.success === false || (result.success == null && result.error)) return 'failed';
  const progress = numberFrom(result.progress);
  if (progress !== undefined && progress < 100) return 'running';
  if (result.success === true) return 'succeeded';
  if (result.descriptions || result.prompts || result.seed != null) return 'succeeded';
  return 'running';
}

/** True when a result object holds an output (image, video, texts or seed), not just progress. */
function hasOutput(result: AceDataResult): boolean {
  return Boolean(
    result.raw_image_url ||
      result.image_url ||
      (result.video_urls?.length ?? 0) > 0 ||
      result.descriptions ||
      result.prompts ||
      result.seed != null,
  );
}

/**
 * The status of a task record, which has no status field: `response` absent → queued (failed when
 * the record says it finished anyway); otherwise the response decides, with a `state` word, when one
 * is present, settling a response that has not finished. The reference counts a record with
 * `finished_at` as done even when its response lacks `success`, so such a record cannot stay running
 * forever: it succeeded if the response holds an output, and failed otherwise.
 */
export function statusOf(record: AceDataTaskRecord): JobStatus {
  const fromState = stateOf(record.state);
  const response = record.response;
  if (response) {
    const status = resultStatus(response);
    if (status !== 'running') return status;
    if (fromState && fromState !== 'queued' && fromState !== 'succeeded') return fromState;
    if (record.finished_at != null && response.success == null) return hasOutput(response) ? 'succeeded' : 'failed';
    return status;
  }
  if (fromState && fromState !== 'succeeded') return fromState;
  return record.finished_at != null ? 'failed' : 'queued';
}

/** What a job is: which operation, which action, and what mjgate knows besides the vendor payload. */
export interface JobContext {
  operation: Operation;
  action?: ActionId;
  parentId?: string;
  ref?: string;
  prompt?: string;
}

const URL_TOKEN = /^https?:\/\/\S+$/i;

/** How many image URLs lead the prompt (Midjourney image prompts and AceData blends). */
export function leadingUrls(prompt: string): number {
  let count = 0;
  for (const token of prompt.trim().split(/\s+/)) {
    if (!URL_TOKEN.test(token)) break;
    count += 1;
  }
  return count;
}

/**
 * What a generate with this prompt is: AceData has no blend endpoint, and a generate whose prompt
 * starts with 2–5 image URLs *is* a blend (§11); with fewer or more it is an imagine.
 */
export function generateOperation(prompt: string): 'imagine' | 'blend' {
  const urls = leadingUrls(prompt);
  return urls >= 2 && urls <= 5 ? 'blend' : 'imagine';
}

/**
 * What a request was, read the same way from the body mjgate sends and from the `request` AceData
 * records, so a job keeps its operation between submission and polling. A blend on AceData *is* a
 * generate whose prompt starts with 2–5 image URLs, so that is what `blend` means here.
 */
export function classify(
  request: AceDataRecordRequest | undefined | null,
  type?: string | null,
  result?: AceDataResult | null,
): Pick<JobContext, 'operation' | 'action' | 'prompt'> {
  const prompt = request?.prompt ?? undefined;
  const taskType = type?.toLowerCase();
  if (taskType === 'describe' || result?.descriptions) return { operation: 'describe' };
  if (taskType === 'shorten' || result?.prompts) return { operation: 'shorten', prompt };
  if (taskType === 'seed' || (result?.seed != null && !result.image_url)) return { operation: 'seed' };
  const label = request?.action ?? undefined;
  const videoish =
    taskType === 'videos' ||
    taskType === 'video' ||
    label === 'extend' ||
    request?.video_id != null ||
    result?.video_urls != null ||
    result?.video_id != null;
  if (videoish) return { operation: 'video', prompt };
  const action = label && label !== 'generate' ? actionFromLabel(label) : undefined;
  if (action) return { operation: 'action', action, prompt };
  if (label && label !== 'generate') return { operation: 'action', prompt };
  return { operation: prompt ? generateOperation(prompt) : 'imagine', prompt };
}

/** Canonical actions of an AceData `actions` list; values mjgate has no id for are left in `raw`. */
export function mapActions(labels: readonly string[] | null | undefined): ActionId[] {
  const actions: ActionId[] = [];
  for (const label of labels ?? []) {
    const id = actionFromLabel(label);
    if (id && !actions.includes(id)) actions.push(id);
  }
  return actions;
}

function isGrid(result: AceDataResult, actions: readonly ActionId[], context: JobContext): boolean {
  if ((result.sub_image_urls?.length ?? 0) > 1) return true;
  if (actions.length > 0) return actions.some((action) => /^upscale-[1-4]$/.test(action));
  if (context.operation === 'action' && context.action && isAceDataAction(context.action)) {
    return ACTIONS[context.action].grid;
  }
  return true;
}

/** A pixel size: a positive number, or nothing (a zero, negative or absurd size says nothing). */
function pixels(value: unknown): number | undefined {
  const size = numberFrom(value);
  return size !== undefined && size > 0 && size <= 1_000_000 ? size : undefined;
}

function image(url: string, width: unknown, height: unknown): JobImage {
  const pixelWidth = pixels(width);
  const pixelHeight = pixels(height);
  return {
    url,
    ...(pixelWidth === undefined ? {} : { width: pixelWidth }),
    ...(pixelHeight === undefined ? {} : { height: pixelHeight }),
  };
}

/**
 * Fills a job from a result object: outputs only once it succeeded, since preview URLs are deleted.
 * Only absolute http(s) URLs are kept (core's `httpUrl`); a succeeded result whose URLs were all
 * refused, with nothing else in it, throws `ResponseValidationError` (see `requireUsableResult`).
 */
function applyResult(job: Job, result: AceDataResult): void {
  const progress = numberFrom(result.progress);
  if (job.status === 'succeeded') job.progress = 100;
  else if (progress !== undefined) job.progress = Math.max(0, Math.min(100, progress));
  job.actions = mapActions(result.actions);
  if (job.status === 'failed') {
    job.error = {
      code: result.error?.code || 'task_failed',
      message: result.error?.message || 'AceData reported the task failed without a reason.',
    };
  }
  if (job.status !== 'succeeded') return;
  if (job.operation === 'describe') job.texts = [...(result.descriptions ?? [])];
  else if (job.operation === 'shorten') job.texts = [...(result.prompts ?? [])];
  else if (job.operation === 'seed') {
    const seed = stringFrom(result.seed);
    if (seed !== undefined) job.seed = seed;
  } else if (job.operation === 'video') {
    job.videoUrls = httpUrls(result.video_urls);
    requireUsableResult(job, countUrls(result.video_urls));
  } else {
    // `raw_image_url` is the full-size original, `image_url` AceData's CDN copy (§imagine result).
    const raw = httpUrl(result.raw_image_url);
    const full = raw ?? httpUrl(result.image_url);
    if (isGrid(result, job.actions, job)) {
      if (full) job.gridUrl = full;
      job.images = httpUrls(result.sub_image_urls).map((url) => ({ url }));
    } else if (full) {
      job.images = [
        raw
          ? image(full, result.raw_image_width, result.raw_image_height)
          : image(full, result.image_width, result.image_height),
      ];
    }
    requireUsableResult(job, countUrls(result.raw_image_url, result.image_url, result.sub_image_urls));
  }
}

function build(
  taskId: string,
  status: JobStatus,
  context: JobContext,
  raw: unknown,
  result: AceDataResult | undefined,
): Job {
  const job = emptyJob({ provider: PROVIDER, providerJobId: taskId, operation: context.operation, status, raw });
  if (context.action) job.action = context.action;
  if (context.parentId) job.parentId = context.parentId;
  if (context.ref !== undefined) job.ref = context.ref;
  if (context.prompt !== undefined) job.prompt = context.prompt;
  if (status === 'queued') job.progress = 0;
  if (result) applyResult(job, result);
  return job;
}

/**
 * A task record from `/midjourney/tasks` → `Job`. `context` adds what only mjgate knows (parent, ref);
 * the operation comes from the record's own `request`, so it matches the submission's.
 */
export function recordToJob(record: AceDataTaskRecord, taskId: string, context: Partial<JobContext> = {}): Job {
  const response = record.response ?? undefined;
  const job = build(
    taskId,
    statusOf(record),
    { ...classify(record.request, record.type, response), ...definedOnly(context) },
    record,
    response,
  );
  if (job.status === 'failed' && !job.error) {
    job.error = { code: 'task_failed', message: 'AceData finished the task without a result.' };
  }
  const created = isoTime(record.created_at);
  const updated = isoTime(record.finished_at) ?? isoTime(record.started_at) ?? created;
  if (created) job.createdAt = created;
  if (updated) job.updatedAt = updated;
  return job;
}

/**
 * A result object on its own (a callback body, an ndjson line, a blocking answer) → `Job`. The
 * same object inside a task record gives the same job through {@link recordToJob}.
 */
export function resultToJob(result: AceDataResult, taskId: string, context: Partial<JobContext> = {}): Job {
  return build(
    taskId,
    resultStatus(result),
    { ...classify(undefined, undefined, result), ...definedOnly(context) },
    result,
    result,
  );
}

/** True when a submit answer already carries a result (a blocking answer) rather than only `task_id`. */
export function isResult(body: AceDataResult): boolean {
  return (
    body.progress != null ||
    body.image_id != null ||
    body.raw_image_url != null ||
    body.video_urls != null ||
    body.descriptions != null ||
    body.prompts != null ||
    body.seed != null ||
    body.success === false
  );
}

/** The job a submission acknowledged: queued, unless the answer already holds a result. */
export function submittedJob(body: AceDataResult, taskId: string, context: JobContext): Job {
  if (isResult(body)) return resultToJob(body, taskId, context);
  const job = build(taskId, 'queued', context, body, undefined);
  job.createdAt = new Date().toISOString();
  return job;
}

/** Prefix of ids mjgate makes up for answers AceData gives at once, without a task id (§6, §8, §9). */
export const ANSWERED_ID_PREFIX = 'sync-';

/**
 * A describe, shorten or seed answer as a finished job. AceData keeps no task to poll for it, so
 * the job gets a made-up id ({@link ANSWERED_ID_PREFIX}) when the answer names no `task_id`.
 */
export function answeredJob(body: AceDataResult, context: JobContext): Job {
  const job = resultToJob(body, body.task_id ?? `${ANSWERED_ID_PREFIX}${crypto.randomUUID()}`, context);
  const now = new Date().toISOString();
  job.createdAt = now;
  job.updatedAt = now;
  return job;
}

/** The result object inside whatever `raw` a job carries: a task record's `response`, or the result itself. */
function resultOf(raw: unknown): Record<string, unknown> | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const fields = raw as Record<string, unknown>;
  if (fields.response && typeof fields.response === 'object') return fields.response as Record<string, unknown>;
  return fields;
}

/**
 * The `image_id` a follow-up action needs, from a job's `raw` (record, callback, stream line): the
 * result's own, else the copy AceData keeps at the top of a task record. Meaningful only for a
 * succeeded job: in-progress snapshots carry a throwaway preview id.
 */
export function imageIdOf(job: Job): string | undefined {
  const top = job.raw && typeof job.raw === 'object' ? (job.raw as Record<string, unknown>).image_id : undefined;
  return stringFrom(resultOf(job.raw)?.image_id) ?? stringFrom(top);
}

/** The `video_id` a video extension needs, from a job's `raw`. */
export function videoIdOf(job: Job): string | undefined {
  return stringFrom(resultOf(job.raw)?.video_id);
}
