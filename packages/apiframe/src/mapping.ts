import { type Account, type ActionId, emptyJob, httpUrl, type Job, type JobStatus, type Operation } from '@mjgate/core';
import { countUrls, httpUrls, requireUsableResult, saysVendor } from '@mjgate/core/provider';
import type { InferOutput } from 'valibot';
import { offeredActions, resultShape } from './requests.js';
import type { ApiFrameTask, accountSchema } from './schemas.js';
import { PROVIDER } from './vendor.js';

// The response side of the adapter: vendor answers → `Job` and `Account`. `requests.ts` is the
// request side.

// ---------------------------------------------------------------------------------------------
// Status words (vendor doc §2.2 "Statuses"), one table.
// ---------------------------------------------------------------------------------------------

/**
 * APIFRAME status word → neutral status. The documented words first; then words that consumers of
 * the API accept defensively (§2.2), so an undocumented but obvious word does not stall a wait.
 * Read through `statusWord`: any other word leaves the result fields to decide (§11.7), and
 * without them reads as `running`, so an unknown word never ends a wait early.
 */
export const STATUS_MAP: Readonly<Record<string, JobStatus>> = {
  pending: 'queued',
  staged: 'queued',
  starting: 'running',
  processing: 'running',
  // "waiting in the queue to be retried": queued again, but mergeJob never moves a job back from running.
  retry: 'queued',
  retrying: 'queued',
  finished: 'succeeded',
  failed: 'failed',
  // Not documented for v1; seen in third-party consumers.
  queued: 'queued',
  submitted: 'queued',
  completed: 'succeeded',
  error: 'failed',
};

/** The neutral status of a status word, looked up as an own property of {@link STATUS_MAP}. */
export function statusWord(word: string): JobStatus | undefined {
  // `constructor` or `__proto__` is an unknown word, not an Object.prototype member.
  return Object.hasOwn(STATUS_MAP, word) ? STATUS_MAP[word] : undefined;
}

// ---------------------------------------------------------------------------------------------
// task_type → operation and action (§2.3). An open string: unknown types map to nothing.
// ---------------------------------------------------------------------------------------------

/** What created a task, as its `task_type` says. */
export interface TaskOrigin {
  operation: Operation;
  action?: ActionId;
}

const ZOOMS: Readonly<Record<string, ActionId>> = { '1': 'make-square', '1.5': 'zoom-out-1.5x', '2': 'zoom-out-2x' };

/** The action of an `outpaint-<ratio>` task: a fixed zoom button, else Custom Zoom. */
function zoomAction(ratio: string): ActionId {
  return Object.hasOwn(ZOOMS, ratio) ? ZOOMS[ratio]! : 'custom-zoom';
}

/** `task_type` pattern → what created the task. */
const TASK_TYPES: ReadonlyArray<readonly [RegExp, (match: RegExpExecArray) => TaskOrigin]> = [
  [/^imagine$/, () => ({ operation: 'imagine' })],
  [/^blend$/, () => ({ operation: 'blend' })],
  [/^describe$/, () => ({ operation: 'describe' })],
  [/^shorten$/, () => ({ operation: 'shorten' })],
  [/^seed$/, () => ({ operation: 'seed' })],
  [/^face-?swap$/, () => ({ operation: 'faceswap' })],
  [/^(imagine-)?video(-extend)?$/, () => ({ operation: 'video' })],
  [/^reroll$/, () => ({ operation: 'action', action: 'reroll' })],
  [/^upscale#([1-4])$/, (match) => ({ operation: 'action', action: `upscale-${match[1]}` as ActionId })],
  [
    /^upscale-(subtle|creative|2x|4x)$/,
    (match) => ({ operation: 'action', action: `upscale-${match[1]}` as ActionId }),
  ],
  [/^variations?-([1-4])$/, (match) => ({ operation: 'action', action: `variation-${match[1]}` as ActionId })],
  [/^variations?-(strong|subtle)$/, (match) => ({ operation: 'action', action: `vary-${match[1]}` as ActionId })],
  [/^inpaint$/, () => ({ operation: 'action', action: 'vary-region' })],
  [/^outpaint-(\d+(?:\.\d+)?)$/, (match) => ({ operation: 'action', action: zoomAction(String(Number(match[1]))) })],
  [/^pan-(up|down|left|right)$/, (match) => ({ operation: 'action', action: `pan-${match[1]}` as ActionId })],
];

/** What a `task_type` says created the task, or `undefined` for a type this adapter does not know. */
export function parseTaskType(taskType: string | null | undefined): TaskOrigin | undefined {
  const type = taskType?.trim().toLowerCase();
  if (!type) return undefined;
  for (const [pattern, origin] of TASK_TYPES) {
    const match = pattern.exec(type);
    if (match) return origin(match);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Vendor task → Job: the one mapping polling, fetch-many and webhooks share.
// ---------------------------------------------------------------------------------------------

/**
 * What the client knew when it submitted the task. APIFRAME stores none of it (no parent, prompt
 * or ref on `/fetch`), so the client keeps it and restores it on later observations.
 */
export interface KnownTask {
  operation?: Operation;
  action?: ActionId;
  parentId?: string;
  prompt?: string;
  ref?: string;
  createdAt?: string;
}

/** The failure text of a task (`message` or `error`, §11.8). */
export function failureText(task: ApiFrameTask): string | undefined {
  for (const value of [task.message, task.error]) {
    if (typeof value === 'string' && value.trim()) return value.trim();
    if (value && typeof value === 'object') {
      const inner = (value as Record<string, unknown>).message ?? (value as Record<string, unknown>).msg;
      if (typeof inner === 'string' && inner.trim()) return inner.trim();
    }
  }
  return undefined;
}

function hasResult(task: ApiFrameTask, operation: Operation): boolean {
  return Boolean(
    task.original_image_url ||
      (task.image_urls && task.image_urls.length > 0) ||
      (task.video_urls && task.video_urls.length > 0) ||
      task.video_url ||
      (Array.isArray(task.content) ? task.content.length > 0 : task.content) ||
      (task.seed !== undefined && task.seed !== null && task.seed !== '') ||
      // describe echoes its input image in `image_url`: not a result by itself
      (task.image_url && operation !== 'describe'),
  );
}

function statusOf(task: ApiFrameTask, operation: Operation): JobStatus {
  const word = task.status?.trim().toLowerCase();
  const known = word ? statusWord(word) : undefined;
  if (known) return known;
  // Final Midjourney examples carry no `status` (§11.7): completion shows in the result fields.
  if (hasResult(task, operation)) return 'succeeded';
  if (failureText(task)) return 'failed';
  return word ? 'running' : 'queued';
}

function percentOf(value: string | number | null | undefined): number | null {
  if (value === undefined || value === null) return null;
  const percent = typeof value === 'number' ? value : Number.parseFloat(value);
  return Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : null;
}

/**
 * Maps one APIFRAME task object to a `Job`. `raw` is the payload as received (kept untouched on
 * `job.raw`); `task` is the same payload validated; `known` is what the client remembers of it.
 */
export function taskToJob(raw: unknown, task: ApiFrameTask, known?: KnownTask): Job {
  const providerJobId = String(task.task_id ?? task.taskId);
  const origin = parseTaskType(task.task_type);
  const operation = origin?.operation ?? known?.operation ?? 'imagine';
  const action = origin ? origin.action : known?.action;
  const status = statusOf(task, operation);

  // Only absolute http(s) URLs are kept (core's `httpUrl`); see `requireUsableResult` below.
  const tiles = httpUrls(task.image_urls);
  const single = operation === 'describe' ? [] : httpUrls([task.image_url]);
  const gridUrl = httpUrl(task.original_image_url);
  const texts = Array.isArray(task.content) ? task.content : task.content ? [task.content] : [];
  const listed = httpUrls(task.video_urls);
  const videos = listed.length > 0 ? listed : httpUrls([task.video_url]);
  const why = status === 'failed' ? (failureText(task) ?? 'APIFRAME reported the task as failed.') : undefined;
  // An unknown task_type offers nothing rather than a guess.
  const shape = origin || known?.operation ? resultShape(operation, action) : undefined;

  const job = emptyJob({
    provider: PROVIDER,
    providerJobId,
    operation,
    ...(action ? { action } : {}),
    ...(known?.parentId ? { parentId: known.parentId } : {}),
    status,
    progress: status === 'succeeded' ? 100 : percentOf(task.percentage),
    ...((task.prompt ?? known?.prompt) ? { prompt: task.prompt ?? known?.prompt } : {}),
    ...(gridUrl ? { gridUrl } : {}),
    images: (tiles.length > 0 ? tiles : single).map((url) => ({ url })),
    videoUrls: videos,
    texts,
    ...(task.seed !== undefined && task.seed !== null && task.seed !== '' ? { seed: String(task.seed) } : {}),
    actions: status === 'succeeded' && shape ? offeredActions(shape) : [],
    ...(why ? { error: { code: saysVendor('moderation', why) ? 'content_policy' : 'job_failed', message: why } } : {}),
    ...(known?.ref !== undefined ? { ref: known.ref } : {}),
    ...(known?.createdAt ? { createdAt: known.createdAt } : {}),
    raw,
  });
  // A finished task whose every result URL was refused, with nothing else in it, is a broken answer.
  const offered = countUrls(
    task.original_image_url,
    task.image_urls,
    operation === 'describe' ? undefined : task.image_url,
    task.video_urls,
    task.video_url,
  );
  return requireUsableResult(job, offered);
}

/** The account an `/account` answer describes (§3.19); a `credits` that is not a number is left out. */
export function accountFrom(data: InferOutput<typeof accountSchema>): Account {
  const credits = data.credits === undefined || data.credits === null ? undefined : Number(data.credits);
  return {
    provider: PROVIDER,
    ...(credits !== undefined && Number.isFinite(credits) ? { credits } : {}),
    ...(data.plan ? { plan: data.plan } : {}),
    ...(data.email ? { email: data.email } : {}),
    raw: data,
  };
}
