import {
  type ActionId,
  emptyJob,
  GRID_ACTIONS,
  type Job,
  type JobImage,
  type JobStatus,
  type Operation,
  parseAction,
} from '@mjgate/core';
import { countUrls, definedOnly, httpUrl, httpUrls, requireUsableResult, saysVendor } from '@mjgate/core/provider';
// FLUX_MODEL is defined with the capabilities, which load without this module (the gateway reads them alone).
import { FLUX_MODEL } from './capabilities.js';
import type { AccountInfo, CreatedResponse, HistoryItem, ImagineProMessage } from './schemas.js';
import type { HistoryEntry, ImagineProAccount } from './types.js';

// The response side of the adapter: what ImaginePro's answers mean (requests.ts is the request side).

export const PROVIDER = 'imaginepro';

export { FLUX_MODEL };

// ───────────────────────────── status ─────────────────────────────

/**
 * ImaginePro `status` → neutral status (§2.3). `SUBMITTED` comes from the skill (Uncertain 2);
 * any other word reads as still running, so an unknown state never ends a wait early: the wait runs
 * to its deadline and its `JobTimeoutError` carries the job, whose `raw.status` shows the word. A
 * `FAIL` caused by `Cancel Job` becomes `cancelled` (see `statusOf`).
 */
export const STATUS: Readonly<Record<string, JobStatus>> = {
  SUBMITTED: 'queued',
  QUEUED: 'queued',
  PROCESSING: 'running',
  DONE: 'succeeded',
  FAIL: 'failed',
};

/** ImaginePro reports a cancelled job as `FAIL`; its error text is the only way to tell. */
const CANCELLED = /\bcancel(?:l?ed|lation)?\b/i;

function statusOf(message: ImagineProMessage): JobStatus {
  const word = message.status.trim().toUpperCase();
  // Own properties only: `CONSTRUCTOR` or `__PROTO__` is an unknown word, not an Object.prototype member.
  const status = Object.hasOwn(STATUS, word) ? STATUS[word]! : 'running';
  if (status === 'failed' && message.error && CANCELLED.test(message.error)) return 'cancelled';
  return status;
}

// ───────────────────────────── buttons ─────────────────────────────

/**
 * Canonical action ↔ ImaginePro button label (§3.3), byte for byte: emoji with U+FE0F where the
 * docs have it. `documented: false` marks labels Midjourney has but ImaginePro's docs do not list;
 * they are sent only when the message's own `buttons` offers them.
 */
export const BUTTONS: ReadonlyArray<{ action: ActionId; label: string; documented: boolean }> = [
  { action: 'upscale-1', label: 'U1', documented: true },
  { action: 'upscale-2', label: 'U2', documented: true },
  { action: 'upscale-3', label: 'U3', documented: true },
  { action: 'upscale-4', label: 'U4', documented: true },
  { action: 'variation-1', label: 'V1', documented: true },
  { action: 'variation-2', label: 'V2', documented: true },
  { action: 'variation-3', label: 'V3', documented: true },
  { action: 'variation-4', label: 'V4', documented: true },
  { action: 'reroll', label: '\u{1F504}', documented: true },
  { action: 'upscale-subtle', label: 'Upscale (Subtle)', documented: true },
  { action: 'upscale-creative', label: 'Upscale (Creative)', documented: true },
  { action: 'upscale-2x', label: 'Upscale (2x)', documented: true },
  { action: 'upscale-4x', label: 'Upscale (4x)', documented: true },
  { action: 'redo-upscale-subtle', label: 'Redo Upscale (Subtle)', documented: false },
  { action: 'redo-upscale-creative', label: 'Redo Upscale (Creative)', documented: false },
  { action: 'redo-upscale-2x', label: 'Redo Upscale (2x)', documented: true },
  { action: 'redo-upscale-4x', label: 'Redo Upscale (4x)', documented: true },
  { action: 'vary-subtle', label: 'Vary (Subtle)', documented: true },
  { action: 'vary-strong', label: 'Vary (Strong)', documented: true },
  { action: 'vary-region', label: 'Vary (Region)', documented: true },
  { action: 'zoom-out-1.5x', label: 'Zoom Out 1.5x', documented: true },
  { action: 'zoom-out-2x', label: 'Zoom Out 2x', documented: true },
  { action: 'custom-zoom', label: 'Custom Zoom', documented: false },
  { action: 'make-square', label: 'Make Square', documented: true },
  { action: 'pan-left', label: '\u2B05\uFE0F', documented: true },
  { action: 'pan-right', label: '\u27A1\uFE0F', documented: true },
  { action: 'pan-up', label: '\u2B06\uFE0F', documented: true },
  { action: 'pan-down', label: '\u2B07\uFE0F', documented: true },
];

/** The button that stops a running job (§3.3); not a follow-up action, so not in {@link BUTTONS}. */
export const CANCEL_BUTTON = 'Cancel Job';

const byLabel: ReadonlyMap<string, ActionId> = new Map(BUTTONS.map((button) => [button.label, button.action]));
const byAction: ReadonlyMap<ActionId, string> = new Map(BUTTONS.map((button) => [button.action, button.label]));

/** Reads one entry of a message's `buttons`; `undefined` for `Cancel Job` and labels nobody knows. */
export function actionOfLabel(label: string): ActionId | undefined {
  return byLabel.get(label) ?? parseAction(label);
}

/**
 * The label to send for `action` on `parent`: the parent's own spelling when its `buttons` has one
 * (so an emoji arrives exactly as ImaginePro listed it, with or without U+FE0F), else the table's.
 */
export function labelFor(parent: Job, action: ActionId): string {
  return buttonsOf(parent)?.find((label) => actionOfLabel(label) === action) ?? byAction.get(action)!;
}

/** The `buttons` of the last payload seen for `job`, when it had them. */
export function buttonsOf(job: Job): string[] | undefined {
  const raw = job.raw as { buttons?: unknown } | undefined;
  return Array.isArray(raw?.buttons)
    ? raw.buttons.filter((label): label is string => typeof label === 'string')
    : undefined;
}

/**
 * Actions whose button takes a `prompt`: the Remix prompt of V1–V4 and 🔄, the region prompt of
 * Vary (Region) (§3.3), and Custom Zoom, whose prompt carries `--zoom`. ImaginePro documents no
 * prompt for the other buttons, so a prompt there is refused rather than silently dropped.
 */
export const PROMPT_ACTIONS: ReadonlySet<ActionId> = new Set<ActionId>([
  'variation-1',
  'variation-2',
  'variation-3',
  'variation-4',
  'reroll',
  'vary-region',
  'custom-zoom',
]);

// ───────────────────────────── job ids ─────────────────────────────

/**
 * The id kind: operations whose message ImaginePro cannot tell apart by its payload (or, for video,
 * that must be polled at another endpoint, §3.15) carry it as a prefix of the id:
 * `imaginepro:video.<messageId>`. A Flux image (§3.12) is polled like a Midjourney one (§3.2) and
 * its message does not name its model, so `flux.` is how a later `get` knows it is no grid. Imagine, blend and button jobs have none and keep the bare
 * `messageId`, because buttons name their parent by it (`originatingMessageId`, §3.2) and
 * `parentId` must equal the parent's own id.
 */
export type IdKind = 'video' | 'describe' | 'faceswap' | 'flux';
const ID_KINDS: ReadonlySet<string> = new Set<IdKind>(['video', 'describe', 'faceswap', 'flux']);

/** Whether `value` (an operation, an id prefix) is an {@link IdKind}. */
export function isIdKind(value: unknown): value is IdKind {
  return typeof value === 'string' && ID_KINDS.has(value);
}

/** The `providerJobId` of `messageId`: prefixed with its id kind, when it has one. */
export function encodeJobId(idKind: IdKind | undefined, messageId: string): string {
  return idKind ? `${idKind}.${messageId}` : messageId;
}

/** Splits a `providerJobId` into the id kind it carries and the vendor's `messageId`. */
export function decodeJobId(providerJobId: string): { idKind?: IdKind; messageId: string } {
  const dot = providerJobId.indexOf('.');
  const head = providerJobId.slice(0, dot);
  return dot > 0 && isIdKind(head)
    ? { idKind: head, messageId: providerJobId.slice(dot + 1) }
    : { messageId: providerJobId };
}

/** The id kind of a payload that arrived without one (a webhook to a URL mjgate did not tag). */
export function inferIdKind(message: ImagineProMessage): IdKind | undefined {
  if (message.videoUrl || (message.results && message.results.length > 0)) return 'video';
  if (textsOf(message).length > 0) return 'describe';
  return undefined;
}

// ───────────────────────────── message → Job ─────────────────────────────

/**
 * The one mapping of an ImaginePro message (§3.2) to a `Job`, shared by polling and webhooks so the
 * same payload always yields the same job.
 */
export function toJob(message: ImagineProMessage, providerJobId: string): Job {
  const { idKind } = decodeJobId(providerJobId);
  const parentMessageId = nonEmpty(message.originatingMessageId) ?? nonEmpty(message.originalMessageId);
  const operation = operationOf(idKind, message, parentMessageId);
  const status = statusOf(message);
  const job = emptyJob({
    provider: PROVIDER,
    providerJobId,
    operation,
    status,
    progress: status === 'succeeded' ? 100 : progressOf(message.progress),
    raw: message,
  });
  if (idKind === 'flux') job.model = FLUX_MODEL;
  // A video's parent is a video job (§3.15: extend names one); any other parent is a bare message.
  if (parentMessageId)
    job.parentId = `${PROVIDER}:${encodeJobId(idKind === 'video' ? 'video' : undefined, parentMessageId)}`;
  const prompt = nonEmpty(message.prompt);
  if (prompt) job.prompt = prompt;
  const ref = nonEmpty(message.ref);
  if (ref !== undefined) job.ref = ref;
  const createdAt = isoOf(message.createdAt);
  if (createdAt) job.createdAt = createdAt;
  const updatedAt = isoOf(message.updatedAt);
  if (updatedAt) job.updatedAt = updatedAt;

  if (status === 'failed' || status === 'cancelled') {
    const text = nonEmpty(message.error);
    job.error = {
      code: status === 'cancelled' ? 'cancelled' : saysVendor('moderation', text) ? 'content_policy' : 'job_failed',
      message: text ?? 'ImaginePro reported the job as FAIL without a reason.',
    };
  }
  if (status !== 'succeeded') return job;

  if (operation === 'video') {
    job.videoUrls = videoUrlsOf(message);
    return requireUsableResult(
      job,
      countUrls(
        message.results?.map((result) => result.url),
        message.videoUrl,
        message.uri,
      ),
    );
  }
  if (operation === 'describe') {
    job.texts = textsOf(message);
    return job;
  }
  if (idKind === 'flux') return fluxResult(job, message);

  const offered = message.buttons
    ? [...new Set(message.buttons.map(actionOfLabel).filter((action): action is ActionId => action !== undefined))]
    : undefined;
  const grid = isGrid(message, operation, offered ?? []);
  // Newer payloads (§3.2, the skill's example) may leave `buttons` out. A Midjourney grid always
  // offers U1–U4, 🔄 and V1–V4, so those are derived for a grid (DESIGN: "for a vendor that
  // sends none"); a single image's buttons depend on the version, so none are guessed for it.
  job.actions = offered ?? (grid ? [...GRID_ACTIONS] : []);
  Object.assign(job, imagesOf(message, grid));
  return requireUsableResult(job, countUrls(message.uri, message.originalUrl, message.images));
}

function operationOf(idKind: IdKind | undefined, message: ImagineProMessage, parent: string | undefined): Operation {
  if (idKind === 'flux') return 'imagine';
  if (idKind) return idKind;
  if (parent) return 'action';
  if (textsOf(message).length > 0) return 'describe';
  // A blend's message has no prompt of its own but the image URLs (§3.5); an imagine needs text.
  const words = (message.prompt ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length >= 2 && words.every((word) => /^https?:\/\/\S+$/i.test(word))) return 'blend';
  return 'imagine';
}

/**
 * A finished Flux job (§3.12): `images` holds all `n` images and `uri` the first of them, so there
 * is no composite (`gridUrl`). ImaginePro documents no button on a Flux result, and Midjourney's
 * would be refused on it, so a Flux job offers no follow-up action, whatever `buttons` says.
 */
function fluxResult(job: Job, message: ImagineProMessage): Job {
  const listed = httpUrls(message.images);
  const first = httpUrl(message.uri);
  const urls = listed.length > 0 ? listed : first ? [first] : [];
  job.images = urls.map((url) => ({ url }));
  return requireUsableResult(job, countUrls(message.uri, message.images));
}

/** Grid or single image: the buttons say so most reliably, then the number of images, then the operation. */
function isGrid(message: ImagineProMessage, operation: Operation, actions: readonly ActionId[]): boolean {
  if (actions.some((action) => /^(upscale|variation)-[1-4]$/.test(action) || action === 'reroll')) return true;
  if (actions.length > 0) return false;
  const count = message.images?.length ?? 0;
  if (count > 1) return true;
  if (count === 1) return false;
  return operation === 'imagine' || operation === 'blend';
}

/** Result images: only absolute http(s) URLs are kept (core's `httpUrl`), whatever else the message holds. */
function imagesOf(message: ImagineProMessage, grid: boolean): Pick<Job, 'gridUrl' | 'images'> {
  // `uri` is ImaginePro's CDN copy; with `disableCdn` only the Discord `originalUrl` may be there.
  const main = httpUrl(message.uri) ?? httpUrl(message.originalUrl);
  const listed = httpUrls(message.images);
  if (!grid) {
    const url = main ?? listed[0];
    return { images: url ? [{ url }] : [] };
  }
  const tiles: JobImage[] = listed.filter((url) => url !== main).map((url) => ({ url }));
  // When `uri` is itself one of `images` (as for Flux), there is no separate composite.
  if (main && listed.includes(main)) return { images: listed.map((url) => ({ url })) };
  return main ? { gridUrl: main, images: tiles } : { images: tiles };
}

/** The videos, in `index` order (§3.15); only absolute http(s) URLs are kept. */
function videoUrlsOf(message: ImagineProMessage): string[] {
  const ordered = [...(message.results ?? [])].sort((first, second) => indexOf(first.index) - indexOf(second.index));
  const results = httpUrls(ordered.map((result) => result.url));
  if (results.length > 0) return results;
  const single = httpUrl(message.videoUrl) ?? httpUrl(message.uri);
  return single ? [single] : [];
}

/** A result's `index` as a sort key: missing or not finite (`1e400` parses as Infinity) sorts as 0. */
function indexOf(index: number | undefined): number {
  return index !== undefined && Number.isFinite(index) ? index : 0;
}

/** Describe's prompts: an array, or one text with the prompts separated by blank lines. */
export function textsOf(message: ImagineProMessage): string[] {
  const source = message.content ?? message.prompts ?? message.descriptions;
  if (!source) return [];
  const list = typeof source === 'string' ? source.split(/\n\s*\n/) : source;
  return list.map((text) => text.trim()).filter(Boolean);
}

/** `progress` as a number (docs) or a string (apifox schema), e.g. `"45"` or `"45%"`. */
export function progressOf(value: number | string | null | undefined): number | null {
  const percent = typeof value === 'number' ? value : typeof value === 'string' ? Number.parseFloat(value) : Number.NaN;
  return Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : null;
}

/**
 * `…817Z` (docs) and `…+00:00` (skill) both become `toISOString()` form. Text that is no date is
 * dropped: `createdAt`/`updatedAt` promise ISO-8601, and the vendor's text stays in `job.raw`.
 * (`Date.parse` answers NaN for anything outside the Date range, so `toISOString` cannot throw.)
 */
export function isoOf(value: string | null | undefined): string | undefined {
  const text = nonEmpty(value);
  if (!text) return undefined;
  const time = Date.parse(text);
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

/** `value` when it has text, else `undefined` (ImaginePro sends `null` and `""` for absent fields). */
export function nonEmpty(value: string | null | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

// ───────────────────────────── other answers ─────────────────────────────

/**
 * The job a creating call just made (§2.2): queued, with what the submission knew (`fields`, only
 * the defined ones, so a stored job has no `"ref": undefined` keys) and ImaginePro's `createdAt`.
 */
export function createdJob(
  data: CreatedResponse,
  messageId: string,
  idKind: IdKind | undefined,
  fields: Pick<Job, 'operation'> & Partial<Pick<Job, 'action' | 'parentId' | 'prompt' | 'ref' | 'model'>>,
): Job {
  return emptyJob({
    provider: PROVIDER,
    providerJobId: encodeJobId(idKind, messageId),
    status: 'queued',
    ...definedOnly({ ...fields, createdAt: isoOf(data.createdAt) }),
    operation: fields.operation,
    raw: data,
  });
}

/** `account-info` (§3.9): `credits` is the plan's credits plus the purchased extra ones. */
export function toAccount(data: AccountInfo): ImagineProAccount {
  const planCredits = data.credits ?? undefined;
  const extraCredits = data.creditsExtra ?? undefined;
  const credits =
    planCredits === undefined && extraCredits === undefined ? undefined : (planCredits ?? 0) + (extraCredits ?? 0);
  return {
    provider: PROVIDER,
    ...definedOnly({
      credits,
      planCredits,
      extraCredits,
      creditsQuota: typeof data.creditsQuota === 'number' ? data.creditsQuota : undefined,
      plan: data.type || undefined,
      email: data.email || undefined,
      expiresAt: isoOf(data.expiredAt),
    }),
    raw: data,
  };
}

/** One history entry (§3.7), with a job id `get` and `act` accept and its button as an action. */
export function toHistoryEntry(item: HistoryItem): HistoryEntry {
  const button = item.button || undefined;
  return {
    id: `${PROVIDER}:${item.id}`,
    providerJobId: item.id,
    ...definedOnly({
      type: item.type || undefined,
      button,
      action: button ? actionOfLabel(button) : undefined,
      prompt: item.prompt || undefined,
      url: item.uri || undefined,
      createdAt: isoOf(item.createdAt),
    }),
    raw: item,
  };
}
