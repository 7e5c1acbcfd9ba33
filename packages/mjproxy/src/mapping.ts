import {
  ACTION_IDS,
  type ActionId,
  emptyJob,
  GRID_ACTIONS,
  type Job,
  type JobStatus,
  type Operation,
  parseAction,
} from '@mjgate/core';
import { countUrls, formatJobId, httpUrl, httpUrls, requireUsableResult, saysVendor } from '@mjgate/core/provider';
import type { Button, Task } from './schemas.js';
import { PROVIDER } from './vendor.js';

// The response side of the adapter: a Task (vendor doc §2) → `Job`, the same for `fetch`,
// `list-by-condition` and `notifyHook`. `requests.ts` is the request side.

// ---------------------------------------------------------------------------------------------
// Status words (§2.4), one table.
// ---------------------------------------------------------------------------------------------

/**
 * Task `status` → neutral status (§2.4). `SUBMITTED` is `queued`: Midjourney has not started yet
 * (§12.3). `MODAL` is `queued`: the task waits for `/mj/submit/modal`, which `act` sends itself
 * (§12.4). An empty or missing status (new-api's row before its first sync) is `queued`; any other
 * word `running`, so an unknown word never ends a wait early. A `FAILURE` whose reason is trueai's
 * cancel text is `cancelled` (see `statusOf`).
 */
export const STATUS_MAP: Readonly<Record<string, JobStatus>> = {
  NOT_START: 'queued',
  SUBMITTED: 'queued',
  MODAL: 'queued',
  IN_PROGRESS: 'running',
  SUCCESS: 'succeeded',
  FAILURE: 'failed',
  CANCEL: 'cancelled',
};

/** trueai's cancel endpoint writes `FAILURE` with this reason, not `CANCEL` (§3.15). */
const CANCEL_REASON = '取消任务';

/** The neutral status of a task. */
export function statusOf(task: Task): JobStatus {
  const word = task.status?.trim().toUpperCase() ?? '';
  if (word === '') return 'queued';
  // An own property only: a status `constructor` is an unknown word.
  const status = Object.hasOwn(STATUS_MAP, word) ? STATUS_MAP[word]! : 'running';
  if (status === 'failed' && task.failReason?.trim() === CANCEL_REASON) return 'cancelled';
  return status;
}

// ---------------------------------------------------------------------------------------------
// Task `action` → operation (§2.6), one table. An open enum: unknown words are `imagine`.
// ---------------------------------------------------------------------------------------------

/** What kind of request created a task, by its `action` word (§2.1, §2.6). */
export const OPERATION_OF_ACTION: Readonly<Record<string, Operation>> = {
  IMAGINE: 'imagine',
  DESCRIBE: 'describe',
  BLEND: 'blend',
  SHORTEN: 'shorten',
  VIDEO: 'video',
  VIDEO_EXTEND: 'video',
  SWAP_FACE: 'faceswap',
  UPSCALE: 'action',
  VARIATION: 'action',
  REROLL: 'action',
  PAN: 'action',
  ZOOM: 'action',
  OUTPAINT: 'action',
  INPAINT: 'action',
  UPSCALE_HD: 'action',
  ACTION: 'action',
  MODAL: 'action',
  HIGH_VARIATION: 'action',
  LOW_VARIATION: 'action',
  CUSTOM_ZOOM: 'action',
  EDIT: 'imagine',
  EDITS: 'imagine',
  RETEXTURE: 'imagine',
};

/** Task actions whose result is a 4-image grid when the task carries no buttons to say (§2.6). */
const GRID_TASK_ACTIONS: ReadonlySet<string> = new Set([
  'IMAGINE',
  'VARIATION',
  'REROLL',
  'BLEND',
  'PAN',
  'ZOOM',
  'OUTPAINT',
  'INPAINT',
  'HIGH_VARIATION',
  'LOW_VARIATION',
  'CUSTOM_ZOOM',
]);

/** The parents novicezk's `/mj/submit/change` accepts (§3.4, §4.2). */
export const CHANGE_PARENTS: ReadonlySet<string> = new Set(['IMAGINE', 'VARIATION', 'REROLL', 'BLEND']);

/**
 * What a task without buttons offers, performed through `/mj/submit/change` (§4.2): the U1–U4,
 * V1–V4 and 🔄 of every Midjourney grid.
 */
export const CHANGE_ACTIONS: readonly ActionId[] = GRID_ACTIONS;

// ---------------------------------------------------------------------------------------------
// Buttons → canonical actions (§4.1, §4.4), one table, matched on the machine-made `customId`.
// ---------------------------------------------------------------------------------------------

/** A `customId` pattern → the action it performs (`match` gives the pattern's captures). */
type ButtonRule = readonly [RegExp, (match: RegExpExecArray, redo: boolean) => ActionId];

const upscaleKind = (kind: 'subtle' | 'creative' | '2x' | '4x') => (_: RegExpExecArray, redo: boolean) =>
  (redo ? `redo-upscale-${kind}` : `upscale-${kind}`) as ActionId;

/**
 * The §4.1 table. `<h>` is the image hash; "Redo Upscale" shares its upscale's `customId` family,
 * so only the label tells it apart (§12.5). A `variation::1::<h>::SOLO` on an upscaled image is the
 * pre-"Vary (Strong)" "Make Variations" (§4.4). `video_virtual_upscale::<i>` picks a video of a batch.
 */
export const BUTTON_RULES: readonly ButtonRule[] = [
  [/^MJ::JOB::upsample::([1-4])::/, (m) => `upscale-${m[1]}` as ActionId],
  [/^MJ::JOB::variation::1::[^:]+::SOLO$/, () => 'vary-strong'],
  [/^MJ::JOB::variation::([1-4])::/, (m) => `variation-${m[1]}` as ActionId],
  [/^MJ::JOB::reroll::/, () => 'reroll'],
  [/^MJ::JOB::upsample_[^:]*_2x_subtle::/, upscaleKind('subtle')],
  [/^MJ::JOB::upsample_[^:]*_2x_creative::/, upscaleKind('creative')],
  [/^MJ::JOB::upsample_[^:]*_2x::/, upscaleKind('2x')],
  [/^MJ::JOB::upsample_[^:]*_4x::/, upscaleKind('4x')],
  [/^MJ::JOB::low_variation::/, () => 'vary-subtle'],
  [/^MJ::JOB::high_variation::/, () => 'vary-strong'],
  [/^MJ::Inpaint::/, () => 'vary-region'],
  // trueai's labels (50 = Zoom Out 2x, 75 = Zoom Out 1.5x) match Midjourney's semantics (§12.6).
  [/^MJ::Outpaint::50::/, () => 'zoom-out-2x'],
  [/^MJ::Outpaint::75::/, () => 'zoom-out-1.5x'],
  [/^MJ::Outpaint::100::/, () => 'make-square'],
  // Two shapes, `MJ::CustomZoom::<h>` and `MJ::CustomZoom::1::<h>` (§12.7): the prefix decides.
  [/^MJ::CustomZoom::/, () => 'custom-zoom'],
  [/^MJ::JOB::pan_(left|right|up|down)::/, (m) => `pan-${m[1]}` as ActionId],
  [/^MJ::JOB::video_virtual_upscale::([1-4])::/, (m) => `upscale-${m[1]}` as ActionId],
];

/** Buttons that are not canonical actions (§4.4): never read by their label either. */
const IGNORED_BUTTONS =
  /^MJ::(BOOKMARK|JOB::animate_|JOB::video::|Job::PicReader::|Picread::|Job::PromptAnalyzer::|Job::ShowDetails)/i;

/** The canonical action a button performs, or `undefined` for a button that is none (❤️, Animate, …). */
export function buttonAction(button: Button): ActionId | undefined {
  const customId = button.customId?.trim() ?? '';
  const label = button.label?.trim() ?? '';
  const redo = /^redo\b/i.test(label);
  for (const [pattern, action] of BUTTON_RULES) {
    const match = pattern.exec(customId);
    if (match) return action(match, redo);
  }
  if (!customId || IGNORED_BUTTONS.test(customId) || button.style === 5) return undefined;
  // An unknown customId shape: the English label (or the emoji) as a last resort (§4).
  return (label ? parseAction(label) : undefined) ?? (button.emoji ? parseAction(button.emoji) : undefined);
}

/** The button of `task` that performs `action`, if it has one. */
export function buttonFor(task: Task, action: ActionId): Button | undefined {
  return task.buttons?.find((button) => buttonAction(button) === action);
}

/** What a finished task offers: its buttons' actions, or, with no `buttons` at all, the §4.2 set. */
export function offeredActions(task: Task): ActionId[] {
  if (Array.isArray(task.buttons)) {
    const offered = new Set(task.buttons.map(buttonAction));
    return ACTION_IDS.filter((id) => offered.has(id));
  }
  // `[]` means "no follow-ups" (trueai's default); only a missing list is derived (§4.2).
  return CHANGE_PARENTS.has(actionWord(task)) ? [...CHANGE_ACTIONS] : [];
}

// ---------------------------------------------------------------------------------------------
// Task → Job: the one mapping polling, list-by-condition and callbacks share.
// ---------------------------------------------------------------------------------------------

/** What the client knew when it submitted a task (new-api keeps no parent, §12.9). */
export interface KnownTask {
  operation?: Operation;
  action?: ActionId;
  parentId?: string;
  prompt?: string;
  ref?: string;
  createdAt?: string;
}

/** The task's `action`, upper-case. */
export function actionWord(task: Task): string {
  return task.action?.trim().toUpperCase() ?? '';
}

/** `"45%"` → 45 (§2.5); any other text (`"Waiting to start"`, `""`) → `null`, so core keeps the last value. */
export function percentOf(progress: string | null | undefined): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%/.exec(progress ?? '');
  return match ? Math.min(100, Number(match[1])) : null;
}

/** Moderation words of Midjourney, trueai and the proxies (§2.4). */
const MODERATION = /Banned prompt|Image denied|moderat|敏感词|违规/i;

/** A ms-epoch time as ISO-8601; `0`, nothing or a time no `Date` can hold is unknown (§2.6). */
function isoTime(ms: number | null | undefined): string | undefined {
  if (typeof ms !== 'number' || !(ms > 0)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The numbered prompts of a describe or shorten result, split on the keycap emojis (§2.6). */
export function numberedTexts(text: string | null | undefined, afterHeading?: RegExp): string[] {
  if (!text) return [];
  let body = text;
  if (afterHeading) {
    const at = body.search(afterHeading);
    if (at < 0) return [];
    body = body.slice(at).replace(afterHeading, '');
  }
  return body
    .split(/[1-5]\uFE0F\u20E3/)
    .slice(1)
    .map((part) => part.trim())
    .filter(Boolean);
}

function textsOf(task: Task, operation: Operation): string[] {
  const finalPrompt = task.properties?.finalPrompt;
  const text =
    typeof finalPrompt === 'string' && finalPrompt.trim() ? finalPrompt : (task.promptEn ?? task.description);
  if (operation === 'describe') return numberedTexts(text);
  if (operation === 'shorten') return numberedTexts(text, /##\s*Shortened prompts/i);
  return [];
}

/** Whether a finished task's result is a 4-image grid: its buttons say so, else its action does (§2.6). */
function isGrid(task: Task): boolean {
  if (task.buttons && task.buttons.length > 0) {
    return task.buttons.some((button) => /^MJ::JOB::(upsample|variation)::[1-4]::[^:]+$/.test(button.customId ?? ''));
  }
  return GRID_TASK_ACTIONS.has(actionWord(task));
}

/** `videoUrls[].url`, else `videoUrl`, else for a video the mp4 in `imageUrl` (§2.6, §12.10). */
function videosOf(task: Task, operation: Operation): string[] {
  const listed = httpUrls((task.videoUrls ?? []).map((entry) => entry?.url));
  if (listed.length > 0) return listed;
  const single = httpUrls([task.videoUrl]);
  if (single.length > 0) return single;
  const image = httpUrl(task.imageUrl);
  return operation === 'video' && image && /\.mp4(\?|$)/i.test(image) ? [image] : [];
}

/**
 * Maps one Task to a `Job`. `raw` is the payload as received (kept untouched on `job.raw`), `task`
 * the same payload validated, `known` what the client remembers of its submission.
 */
export function taskToJob(raw: unknown, task: Task, known: KnownTask = {}): Job {
  const providerJobId = String(task.id);
  const word = actionWord(task);
  const operation = Object.hasOwn(OPERATION_OF_ACTION, word)
    ? OPERATION_OF_ACTION[word]!
    : (known.operation ?? 'imagine');
  const status = statusOf(task);
  const done = status === 'succeeded';
  const reason = task.failReason?.trim();

  // Before SUCCESS, `imageUrl` is a preview; a describe's `imageUrl` is its input (§2.1, §3.5).
  const imageUrl = done && operation !== 'describe' && operation !== 'shorten' ? httpUrl(task.imageUrl) : undefined;
  const videoUrls = done ? videosOf(task, operation) : [];
  const grid = done && isGrid(task) && videoUrls.length === 0;
  const tiles = httpUrls((task.imageUrls ?? []).map((entry) => entry?.url));
  const single = imageUrl && !grid && !videoUrls.includes(imageUrl) ? [imageUrl] : [];
  const size = {
    ...(typeof task.width === 'number' ? { width: task.width } : {}),
    ...(typeof task.height === 'number' ? { height: task.height } : {}),
  };
  const images = grid ? tiles.map((url) => ({ url })) : single.map((url) => ({ url, ...size }));
  const texts = done ? textsOf(task, operation) : [];
  const seed = task.seed === undefined || task.seed === null || task.seed === '' ? undefined : String(task.seed);
  const failed = status === 'failed' || status === 'cancelled';
  const why = failed ? reason || `The midjourney-proxy server reported the task as ${task.status}.` : undefined;
  const errorCode =
    status === 'cancelled'
      ? 'cancelled'
      : why && (MODERATION.test(why) || saysVendor('moderation', why))
        ? 'content_policy'
        : 'job_failed';
  const ref = task.state?.length ? task.state : known.ref;
  const createdAt = isoTime(task.submitTime) ?? known.createdAt;
  const updatedAt = isoTime(task.finishTime) ?? isoTime(task.startTime) ?? isoTime(task.submitTime);
  const prompt = task.prompt?.trim() ? task.prompt : task.promptEn?.trim() ? task.promptEn : known.prompt;
  const parentId =
    task.parentId !== undefined && task.parentId !== null && task.parentId !== ''
      ? formatJobId(PROVIDER, String(task.parentId))
      : known.parentId;

  const job = emptyJob({
    provider: PROVIDER,
    providerJobId,
    operation,
    ...(operation === 'action' && known.action ? { action: known.action } : {}),
    ...(parentId ? { parentId } : {}),
    status,
    progress: done ? 100 : failed ? null : percentOf(task.progress),
    ...(prompt ? { prompt } : {}),
    ...(grid && imageUrl ? { gridUrl: imageUrl } : {}),
    images,
    videoUrls,
    texts,
    ...(seed ? { seed } : {}),
    actions: done ? offeredActions(task) : [],
    ...(why ? { error: { code: errorCode, message: why } } : {}),
    ...(ref !== undefined ? { ref } : {}),
    ...(createdAt ? { createdAt } : {}),
    ...(updatedAt ? { updatedAt } : {}),
    raw,
  });
  // A finished task whose every result URL was refused, with nothing else in it, is a broken answer.
  const offered = countUrls(
    operation === 'describe' || operation === 'shorten' ? undefined : task.imageUrl,
    (task.imageUrls ?? []).map((entry) => entry?.url),
    task.videoUrl,
    (task.videoUrls ?? []).map((entry) => entry?.url),
  );
  return requireUsableResult(job, done ? offered : 0);
}
