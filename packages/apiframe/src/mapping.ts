import {
  ACTION_IDS,
  type ActionId,
  type ActionInput,
  countUrls,
  emptyJob,
  httpUrl,
  httpUrls,
  type Job,
  type JobStatus,
  type Operation,
  requireUsableResult,
} from '@mjgate/core';
import type { ApiFrameTask } from './schemas.js';

/** The provider name of this adapter, first part of every job id (`'apiframe:<task_id>'`). */
export const PROVIDER = 'apiframe';

// ---------------------------------------------------------------------------------------------
// Status words (vendor doc §2.2 "Statuses"), one table.
// ---------------------------------------------------------------------------------------------

/**
 * APIFRAME status word → neutral status. The documented words first; then words that consumers of
 * the API accept defensively (§2.2), so an undocumented but obvious word does not stall a wait.
 * Read through {@link statusWord}: any other word leaves the result fields to decide (§11.7), and
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

// ---------------------------------------------------------------------------------------------
// What kind of result a task has: decides which follow-ups it offers (APIFRAME sends no list).
// ---------------------------------------------------------------------------------------------

/**
 * `grid`: four images (imagine, reroll, variations, blend, inpaint, outpaint, pan).
 * `upscale`: the single image of an `/upscale-1x` task (`task_type` `upscale#N`), the only parent
 * `/upscale-alt`, `/inpaint`, `/outpaint`, `/pan` and Vary (Strong/Subtle) accept.
 * `image`: another single image (upscale subtle/creative, face swap), which `/upscale-highres` takes.
 * `final`: an image nothing more is offered on (a 2x/4x upscale: past the 2048 px input limit).
 */
export type ResultKind = 'grid' | 'upscale' | 'image' | 'final' | 'text' | 'seed' | 'video';

/** The neutral status of a status word, looked up as an own property of {@link STATUS_MAP}. */
export function statusWord(word: string): JobStatus | undefined {
  // `constructor` or `__proto__` is an unknown word, not an Object.prototype member.
  return Object.hasOwn(STATUS_MAP, word) ? STATUS_MAP[word] : undefined;
}

/** The result kind of a job, from its operation and action (so stored jobs work too). */
export function resultKind(operation: Operation, action?: ActionId): ResultKind {
  switch (operation) {
    case 'imagine':
    case 'blend':
      return 'grid';
    case 'faceswap':
      return 'image';
    case 'describe':
    case 'shorten':
      return 'text';
    case 'seed':
      return 'seed';
    case 'video':
      return 'video';
    case 'action':
      if (!action) return 'final';
      if (/^upscale-[1-4]$/.test(action)) return 'upscale';
      if (action === 'upscale-subtle' || action === 'upscale-creative') return 'image';
      if (action.startsWith('upscale') || action.startsWith('redo-')) return 'final';
      return 'grid';
  }
}

// ---------------------------------------------------------------------------------------------
// Canonical action ↔ endpoint and body (§3.4–3.11), one table.
// ---------------------------------------------------------------------------------------------

/** How one canonical action is sent to APIFRAME. */
export interface ActionRoute {
  /** The endpoint, relative to the base URL. */
  path: string;
  /** Result kinds of the parent the vendor accepts; also decides where the action is offered. */
  parents: readonly ResultKind[];
  /** The body besides `parent_task_id` and the webhook fields. */
  body(input: ActionInput): Record<string, unknown>;
  /** The endpoint takes a `prompt` (the prompt for the new area / the new grid). */
  prompt?: boolean;
  /** Vendor fields accepted through `input.providerOptions`. */
  vendorFields?: readonly string[];
}

const GRID: readonly ResultKind[] = ['grid'];
const UPSCALED: readonly ResultKind[] = ['upscale'];
const SINGLE_IMAGE: readonly ResultKind[] = ['upscale', 'image'];

const upscale1x = (index: string): ActionRoute => ({ path: '/upscale-1x', parents: GRID, body: () => ({ index }) });
const variations = (index: string, parents: readonly ResultKind[]): ActionRoute => ({
  path: '/variations',
  parents,
  body: () => ({ index }),
  prompt: true,
  vendorFields: ['aspect_ratio'],
});
const upscaleAlt = (type: string): ActionRoute => ({ path: '/upscale-alt', parents: UPSCALED, body: () => ({ type }) });
const highres = (type: string): ActionRoute => ({
  path: '/upscale-highres',
  parents: SINGLE_IMAGE,
  body: () => ({ type }),
});
const outpaint = (ratio: number | 'custom'): ActionRoute => ({
  path: '/outpaint',
  parents: UPSCALED,
  body: (input) => ({ zoom_ratio: ratio === 'custom' ? input.zoom : ratio }),
  prompt: true,
  vendorFields: ['aspect_ratio'],
});
const pan = (direction: string): ActionRoute => ({
  path: '/pan',
  parents: UPSCALED,
  body: () => ({ direction }),
  prompt: true,
});

/**
 * Every canonical action APIFRAME can do. The `redo-upscale-*` buttons are absent: APIFRAME has no
 * endpoint for them.
 */
export const ACTION_ROUTES: Readonly<Partial<Record<ActionId, ActionRoute>>> = {
  'upscale-1': upscale1x('1'),
  'upscale-2': upscale1x('2'),
  'upscale-3': upscale1x('3'),
  'upscale-4': upscale1x('4'),
  'variation-1': variations('1', GRID),
  'variation-2': variations('2', GRID),
  'variation-3': variations('3', GRID),
  'variation-4': variations('4', GRID),
  reroll: { path: '/reroll', parents: GRID, body: () => ({}), prompt: true, vendorFields: ['aspect_ratio'] },
  'upscale-subtle': upscaleAlt('subtle'),
  'upscale-creative': upscaleAlt('creative'),
  'upscale-2x': highres('2x'),
  'upscale-4x': highres('4x'),
  'vary-strong': variations('strong', UPSCALED),
  'vary-subtle': variations('subtle', UPSCALED),
  'vary-region': { path: '/inpaint', parents: UPSCALED, body: (input) => ({ mask: input.mask }), prompt: true },
  'zoom-out-1.5x': outpaint(1.5),
  'zoom-out-2x': outpaint(2),
  'custom-zoom': outpaint('custom'),
  'make-square': outpaint(1),
  'pan-left': pan('left'),
  'pan-right': pan('right'),
  'pan-up': pan('up'),
  'pan-down': pan('down'),
};

/** The canonical actions this adapter supports, in {@link ACTION_IDS} order. */
export const SUPPORTED_ACTIONS: readonly ActionId[] = ACTION_IDS.filter((id) => ACTION_ROUTES[id] !== undefined);

/** What a result of this kind offers: every action whose endpoint accepts it as the parent. */
export function offeredActions(kind: ResultKind): ActionId[] {
  return SUPPORTED_ACTIONS.filter((id) => ACTION_ROUTES[id]!.parents.includes(kind));
}

// ---------------------------------------------------------------------------------------------
// task_type → operation and action (§2.3). An open string: unknown types map to nothing.
// ---------------------------------------------------------------------------------------------

interface TaskKind {
  operation: Operation;
  action?: ActionId;
}

const ZOOMS: Readonly<Record<string, ActionId>> = { '1': 'make-square', '1.5': 'zoom-out-1.5x', '2': 'zoom-out-2x' };

/** The action of an `outpaint-<ratio>` task: a fixed zoom button, else Custom Zoom. */
function zoomAction(ratio: string): ActionId {
  return Object.hasOwn(ZOOMS, ratio) ? ZOOMS[ratio]! : 'custom-zoom';
}

/** `task_type` pattern → what created the task. */
const TASK_TYPES: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => TaskKind]> = [
  [/^imagine$/, () => ({ operation: 'imagine' })],
  [/^blend$/, () => ({ operation: 'blend' })],
  [/^describe$/, () => ({ operation: 'describe' })],
  [/^shorten$/, () => ({ operation: 'shorten' })],
  [/^seed$/, () => ({ operation: 'seed' })],
  [/^face-?swap$/, () => ({ operation: 'faceswap' })],
  [/^(imagine-)?video(-extend)?$/, () => ({ operation: 'video' })],
  [/^reroll$/, () => ({ operation: 'action', action: 'reroll' })],
  [/^upscale#([1-4])$/, (m) => ({ operation: 'action', action: `upscale-${m[1]}` as ActionId })],
  [/^upscale-(subtle|creative|2x|4x)$/, (m) => ({ operation: 'action', action: `upscale-${m[1]}` as ActionId })],
  [/^variations?-([1-4])$/, (m) => ({ operation: 'action', action: `variation-${m[1]}` as ActionId })],
  [/^variations?-(strong|subtle)$/, (m) => ({ operation: 'action', action: `vary-${m[1]}` as ActionId })],
  [/^inpaint$/, () => ({ operation: 'action', action: 'vary-region' })],
  [/^outpaint-(\d+(?:\.\d+)?)$/, (m) => ({ operation: 'action', action: zoomAction(String(Number(m[1]))) })],
  [/^pan-(up|down|left|right)$/, (m) => ({ operation: 'action', action: `pan-${m[1]}` as ActionId })],
];

/** What a `task_type` says created the task, or `undefined` for a type this adapter does not know. */
export function parseTaskType(taskType: string | null | undefined): TaskKind | undefined {
  const type = taskType?.trim().toLowerCase();
  if (!type) return undefined;
  for (const [pattern, kind] of TASK_TYPES) {
    const m = pattern.exec(type);
    if (m) return kind(m);
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

const CONTENT_POLICY =
  /\b(banned|prohibited|moderation|moderated|community guidelines|nsfw|content policy|inappropriate)\b/i;

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

/** True when a vendor message reads as a moderation refusal. */
export function isContentPolicy(message: string): boolean {
  return CONTENT_POLICY.test(message);
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
  const n = typeof value === 'number' ? value : Number.parseFloat(value);
  return Number.isFinite(n) ? Math.min(100, Math.max(0, n)) : null;
}

/**
 * Maps one APIFRAME task object to a `Job`. `raw` is the payload as received (kept untouched on
 * `job.raw`); `task` is the same payload validated; `known` is what the client remembers of it.
 */
export function taskToJob(raw: unknown, task: ApiFrameTask, known?: KnownTask): Job {
  const providerJobId = String(task.task_id ?? task.taskId);
  const kind = parseTaskType(task.task_type);
  const operation = kind?.operation ?? known?.operation ?? 'imagine';
  const action = kind ? kind.action : known?.action;
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
  const offers = kind || known?.operation ? resultKind(operation, action) : undefined;

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
    actions: status === 'succeeded' && offers ? offeredActions(offers) : [],
    ...(why ? { error: { code: isContentPolicy(why) ? 'content_policy' : 'job_failed', message: why } } : {}),
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
