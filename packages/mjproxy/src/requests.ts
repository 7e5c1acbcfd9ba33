import {
  type ActionId,
  actionIndex,
  type BlendInput,
  type DescribeInput,
  type FaceSwapInput,
  type ImagineInput,
  InvalidRequestError,
  type Operation,
  type ShortenInput,
} from '@mjgate/core';
import {
  composePrompt,
  modeFlag,
  normalizeMask,
  parseProviderOptions,
  type ResolvedVideoInput,
} from '@mjgate/core/provider';
import * as v from '@mjgate/core/valibot';
import type { Endpoint } from './errors.js';
import { actionWord, buttonFor, CHANGE_PARENTS, offeredActions } from './mapping.js';
import type { Task } from './schemas.js';
import { PROVIDER } from './vendor.js';

// The request side of the adapter: every call of the midjourney-proxy protocol as a row of a table
// (vendor doc §3): method, path below the base URL, read or submit, and the body builder that checks
// the input. `mapping.ts` is the response side; `client.ts` sends what these tables build.

/** One endpoint (§3). Paths are below the configured base URL; `{id}` is the task id. */
export interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** `submit` may create (and bill) a task: retried only when surely refused. */
  call: 'read' | 'submit';
  /** What code 3 means here (§1.3): a missing parent, or no usable account. */
  endpoint: Endpoint;
}

/** Every endpoint the adapter calls (§3.1–3.15). */
export const ROUTES = {
  imagine: { method: 'POST', path: '/mj/submit/imagine', call: 'submit', endpoint: 'submit' },
  action: { method: 'POST', path: '/mj/submit/action', call: 'submit', endpoint: 'parent' },
  modal: { method: 'POST', path: '/mj/submit/modal', call: 'submit', endpoint: 'parent' },
  change: { method: 'POST', path: '/mj/submit/change', call: 'submit', endpoint: 'parent' },
  describe: { method: 'POST', path: '/mj/submit/describe', call: 'submit', endpoint: 'submit' },
  blend: { method: 'POST', path: '/mj/submit/blend', call: 'submit', endpoint: 'submit' },
  shorten: { method: 'POST', path: '/mj/submit/shorten', call: 'submit', endpoint: 'submit' },
  video: { method: 'POST', path: '/mj/submit/video', call: 'submit', endpoint: 'parent' },
  faceSwap: { method: 'POST', path: '/mj/insight-face/swap', call: 'submit', endpoint: 'submit' },
  // Synchronous and creates nothing (§3.14): a read.
  seed: { method: 'GET', path: '/mj/task/{id}/image-seed', call: 'read', endpoint: 'parent' },
  fetch: { method: 'GET', path: '/mj/task/{id}/fetch', call: 'read', endpoint: 'read' },
  list: { method: 'POST', path: '/mj/task/list-by-condition', call: 'read', endpoint: 'read' },
  // Every task (novicezk, newest first) or the newest 100 (trueai); absent on new-api (§3.16).
  taskList: { method: 'GET', path: '/mj/task/list', call: 'read', endpoint: 'read' },
  // Changes a task's state and creates nothing; repeating it is harmless (§3.15).
  cancel: { method: 'POST', path: '/mj/task/{id}/cancel', call: 'read', endpoint: 'parent' },
} as const satisfies Record<string, Route>;

/** The path of `route` for task `id`. */
export function pathOf(route: Route, id = ''): string {
  return route.path.replace('{id}', encodeURIComponent(id));
}

const refuse = (message: string): never => {
  throw new InvalidRequestError(message, { provider: PROVIDER });
};

// ---------------------------------------------------------------------------------------------
// Submissions other than actions (§3.1, §3.5–3.11).
// ---------------------------------------------------------------------------------------------

/** trueai's and the relays' extras on imagine (§3.1), passed through `providerOptions`. */
export const imagineOptionsSchema = v.strictObject({
  botType: v.optional(v.picklist(['MID_JOURNEY', 'NIJI_JOURNEY'])),
  accountFilter: v.optional(
    v.looseObject({
      instanceId: v.optional(v.string()),
      modes: v.optional(v.array(v.picklist(['RELAX', 'FAST', 'TURBO']))),
      remix: v.optional(v.boolean()),
      nijiRemix: v.optional(v.boolean()),
      remixAutoConsidered: v.optional(v.boolean()),
      remark: v.optional(v.string()),
    }),
  ),
});

/** Whether a speed mode travels as a prompt flag (default) or as trueai's path prefix (§1.1, §12.12). */
export type ModeVia = 'prompt' | 'path';

/**
 * `POST /mj/submit/imagine` (§3.1, §10): `{prompt, botType?, accountFilter?}`. There is no aspect-ratio
 * field, so `aspectRatio` becomes `--ar W:H`; image prompts go to the front of the prompt (URLs are
 * what Midjourney reads there); `mode` is a prompt flag unless the client sends it as a path prefix.
 */
export function imagineBody(input: ImagineInput, modeVia: ModeVia): Record<string, unknown> {
  const options = parseProviderOptions(imagineOptionsSchema, input.providerOptions, 'imagine', PROVIDER);
  const prompt = composePrompt(
    {
      prompt: input.prompt,
      imageUrls: input.imageUrls,
      aspectRatio: input.aspectRatio,
      flags: modeVia === 'prompt' ? modeFlag(input.mode) : [],
    },
    PROVIDER,
  );
  return { prompt, ...options };
}

/** The path of a submission, with trueai's speed prefix when the mode travels in the path (§1.1). */
export function withMode(path: string, mode: ImagineInput['mode'], modeVia: ModeVia): string {
  return modeVia === 'path' && mode ? `/mj-${mode}${path}` : path;
}

/**
 * `POST /mj/submit/describe` (§3.5): a data URL would go in `base64`; core hands over http(s) URLs,
 * which trueai and the relays take as `link` (§12.20).
 */
export function describeBody(input: DescribeInput): Record<string, unknown> {
  return /^data:/i.test(input.imageUrl) ? { base64: input.imageUrl } : { link: input.imageUrl };
}

const DIMENSIONS = { square: 'SQUARE', portrait: 'PORTRAIT', landscape: 'LANDSCAPE' } as const;

/** `POST /mj/submit/blend` (§3.6): 2–5 images in `base64Array`, `dimensions` upper-case, no prompt. */
export function blendBody(input: BlendInput): Record<string, unknown> {
  if (input.prompt?.trim()) {
    refuse('The midjourney-proxy /mj/submit/blend takes no prompt: blend the images alone, or imagine with imageUrls.');
  }
  return { base64Array: input.imageUrls, ...(input.dimensions ? { dimensions: DIMENSIONS[input.dimensions] } : {}) };
}

/** `POST /mj/submit/shorten` (§3.7). */
export function shortenBody(input: ShortenInput): Record<string, unknown> {
  return { prompt: input.prompt };
}

/**
 * `POST /mj/insight-face/swap` (§3.11): the source gives the face, the target is the image whose
 * face is replaced. new-api requires the `*Base64` names, which both servers also read as URLs.
 */
export function faceSwapBody(input: FaceSwapInput): Record<string, unknown> {
  return { sourceBase64: input.sourceUrl, targetBase64: input.targetUrl };
}

/** trueai's video extras (§3.9), through `providerOptions`. */
const videoOptionsSchema = v.strictObject({
  loop: v.optional(v.boolean()),
  videoType: v.optional(v.picklist(['vid_1.1_i2v_480', 'vid_1.1_i2v_720'])),
  batchSize: v.optional(v.picklist([1, 2, 4])),
});

/** `POST /mj/submit/video` (§3.9): a new video from a start frame, or `action: 'extend'` of a video task. */
export function videoBody(input: ResolvedVideoInput): Record<string, unknown> {
  if (!input.prompt?.trim()) refuse('The midjourney-proxy /mj/submit/video needs a prompt (input.prompt).');
  const options = parseProviderOptions(videoOptionsSchema, input.providerOptions, 'video', PROVIDER);
  const motion = input.motion ?? 'low';
  if (input.extend) {
    const index = input.index ?? 0;
    if (index > 3) refuse(`input.index must be 0–3 (which video of the batch to extend); got ${index}.`);
    return { action: 'extend', taskId: input.extend.providerJobId, index, prompt: input.prompt, motion, ...options };
  }
  if (input.index !== undefined) refuse('input.index applies only with input.extend.');
  return {
    prompt: input.prompt,
    image: input.imageUrl,
    ...(input.endImageUrl ? { endImage: input.endImageUrl } : {}),
    motion,
    ...options,
  };
}

/** The operation each submission creates. */
export const OPERATION_OF_ROUTE: Readonly<Partial<Record<keyof typeof ROUTES, Operation>>> = {
  imagine: 'imagine',
  describe: 'describe',
  blend: 'blend',
  shorten: 'shorten',
  video: 'video',
  faceSwap: 'faceswap',
};

// ---------------------------------------------------------------------------------------------
// Actions (§3.2–3.4, §4): through the parent's own button, the legacy change, and the modal.
// ---------------------------------------------------------------------------------------------

/** `POST /mj/submit/action` (§3.2): the parent's button, verbatim. */
export function actionBody(taskId: string, customId: string, remix: boolean): Record<string, unknown> {
  // `enableRemix` (trueai) forces the modal, so a prompt given with a variation reaches the server (§3.2).
  return { taskId, customId, ...(remix ? { enableRemix: true } : {}) };
}

/**
 * `POST /mj/submit/change` (§3.4), for a parent with no `buttons` (§4.2): U1–U4, V1–V4 and reroll.
 * `index: 1` with REROLL, for new-api's check.
 */
export function changeBody(taskId: string, action: ActionId): Record<string, unknown> | undefined {
  if (action === 'reroll') return { taskId, action: 'REROLL', index: 1 };
  const index = actionIndex(action);
  if (index === undefined) return undefined;
  return { taskId, action: action.startsWith('upscale') ? 'UPSCALE' : 'VARIATION', index };
}

/** Actions whose button always opens the modal (§3.2, §4.3). */
export const MODAL_ACTIONS: ReadonlySet<ActionId> = new Set(['vary-region', 'custom-zoom']);

/** Actions a prompt may change, through the remix modal (§3.2, §4.3). */
export const REMIX_ACTIONS: ReadonlySet<ActionId> = new Set([
  'variation-1',
  'variation-2',
  'variation-3',
  'variation-4',
  'reroll',
  'vary-subtle',
  'vary-strong',
  'pan-left',
  'pan-right',
  'pan-up',
  'pan-down',
]);

/** What the modal of an action needs from the caller and the task (§4.3). */
export interface ModalInput {
  /** The MODAL task id (the code-21 answer's `result`), not the parent's. */
  taskId: string;
  action: ActionId;
  prompt?: string;
  /** Vary (Region)'s mask as {@link regionMask} made it. */
  maskBase64?: string;
  zoom?: number;
  /** `properties.finalPrompt` of the 21 answer, else the parent's final prompt or prompt. */
  fallbackPrompt?: string;
}

/**
 * Vary (Region)'s mask as the modal takes it: a PNG data URL (black background, white = repaint,
 * §12.15). Made before the action is pressed: a mask the server cannot take must fail the call
 * before a MODAL task exists (§4.3), not after.
 */
export function regionMask(mask: string | undefined): string {
  return normalizeMask(mask ?? '', { vendor: 'midjourney-proxy', provider: PROVIDER, output: 'data-url' });
}

/**
 * `POST /mj/submit/modal` (§3.3, §4.3). Vary (Region): the mask ({@link regionMask}) and the caller's
 * prompt, else none so the server uses the parent's. Custom
 * Zoom: the prompt with any `--zoom` replaced by `--zoom <z>`. Anything else (remix): the caller's
 * prompt, else the final prompt.
 */
export function modalBody(input: ModalInput): Record<string, unknown> {
  const prompt = input.prompt?.trim() || undefined;
  if (input.action === 'vary-region') {
    return { taskId: input.taskId, maskBase64: input.maskBase64, ...(prompt ? { prompt } : {}) };
  }
  if (input.action === 'custom-zoom') {
    const base = (prompt ?? input.fallbackPrompt ?? '').replace(/\s--zoom\s+\S+/gi, '').trim();
    return { taskId: input.taskId, prompt: `${base} --zoom ${input.zoom}`.trim() };
  }
  const text = prompt ?? input.fallbackPrompt;
  return { taskId: input.taskId, ...(text ? { prompt: text } : {}) };
}

/** `POST /mj/task/list-by-condition` (§3.13). */
export function listBody(ids: readonly string[]): Record<string, unknown> {
  return { ids };
}

/** The route a request path belongs to (for the error mapping, which reads code 3 per endpoint). */
export function routeOfPath(path: string): Route | undefined {
  const bare = path.replace(/^\/mj-(fast|relax|turbo)(?=\/mj\/)/, '');
  return Object.values(ROUTES).find((route: Route) =>
    new RegExp(`^${route.path.replace('{id}', '[^/]+')}$`).test(bare),
  );
}

/** How `act` reaches the server for one action on one parent Task. */
export interface ActionPlan {
  route: Route;
  body: Record<string, unknown>;
}

/**
 * The request of `action` on `task` (§4.1–4.2): the parent's own button through `/mj/submit/action`
 * (with `enableRemix` when a prompt must reach a remix modal); with no `buttons` at all (novicezk
 * open, new-api's `null`), U/V/reroll through `/mj/submit/change`; anything else is refused before
 * a request, naming what the task offers.
 */
export function actionPlan(task: Task, action: ActionId, prompt: string | undefined): ActionPlan {
  const button = buttonFor(task, action);
  if (button?.customId) {
    const remix = Boolean(prompt) && REMIX_ACTIONS.has(action);
    return { route: ROUTES.action, body: actionBody(String(task.id), button.customId, remix) };
  }
  const change =
    task.buttons == null && CHANGE_PARENTS.has(actionWord(task)) ? changeBody(String(task.id), action) : undefined;
  if (!change) {
    const offered = offeredActions(task);
    return refuse(
      `Task ${PROVIDER}:${task.id} has no button for '${action}'${offered.length ? `; it offers ${offered.join(', ')}` : ' and offers no follow-ups'}.`,
    );
  }
  if (prompt) refuse(`'${action}' through /mj/submit/change takes no prompt (this server sends no buttons, §4.2).`);
  return { route: ROUTES.change, body: change };
}
