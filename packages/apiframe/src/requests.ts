import {
  type ActionId,
  type ActionInput,
  type BlendInput,
  type DescribeInput,
  type FaceSwapInput,
  type ImagineInput,
  InvalidRequestError,
  type Job,
  type Operation,
  type ShortenInput,
} from '@mjgate/core';
import {
  composePrompt,
  type JobRef,
  normalizeMask,
  parseProviderOptions,
  type ResolvedVideoInput,
} from '@mjgate/core/provider';
import * as v from '@mjgate/core/valibot';
import type { GenericSchema, InferOutput } from 'valibot';
import { type ApiFrameActionId, SUPPORTED_ACTIONS } from './capabilities.js';
import { accountSchema, fetchManySchema, taskSchema, uploadSchema } from './schemas.js';
import { PROVIDER } from './vendor.js';

// The request side of the adapter: every call APIFRAME takes, as tables of method, path and body
// (vendor doc §3). `mapping.ts` is the response side; `client.ts` sends what these tables build.

// ---------------------------------------------------------------------------------------------
// The shape of a result: which follow-up endpoints accept it as their parent (§3.4–3.11).
// ---------------------------------------------------------------------------------------------

/**
 * What a task's result is, as far as follow-up endpoints care (APIFRAME sends no list of offered
 * actions, so this decides them):
 * `grid`: four images (imagine, reroll, variations, blend, inpaint, outpaint, pan).
 * `upscale`: the single image of an `/upscale-1x` task (`task_type` `upscale#N`), the only parent
 * `/upscale-alt`, `/inpaint`, `/outpaint`, `/pan` and Vary (Strong/Subtle) accept (§3.5).
 * `image`: another single image (upscale subtle/creative, face swap), which `/upscale-highres` takes.
 * `final`: an image nothing more is offered on (a 2x/4x upscale: past the 2048 px input limit, §3.7).
 */
export type ResultShape = 'grid' | 'upscale' | 'image' | 'final' | 'text' | 'seed' | 'video';

/** The result shape of a job, from its operation and action (so stored jobs work too). */
export function resultShape(operation: Operation, action?: ActionId): ResultShape {
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

/** Each shape as an error message names it. */
const SHAPE_DESCRIPTIONS: Readonly<Record<ResultShape, string>> = {
  grid: 'a 4-image grid (imagine, reroll, variations, blend, zoom, pan, vary region)',
  upscale: "an upscaled image ('upscale-1'…'upscale-4')",
  image: 'a single image (upscale subtle/creative, face swap)',
  final: 'a 2x/4x upscale',
  text: 'a text result (describe, shorten)',
  seed: 'a seed lookup',
  video: 'a video',
};

// ---------------------------------------------------------------------------------------------
// Request shapes.
// ---------------------------------------------------------------------------------------------

/**
 * A task-creating call (§1.2): `POST` with a JSON body, answered `{ task_id }`. It is billed, so
 * the transport retries it only when the vendor cannot have accepted it.
 */
export interface SubmitRequest<Input> {
  /** The endpoint, relative to the base URL. */
  path: string;
  /** What the new task is. */
  operation: Operation;
  /**
   * The endpoint's fields from the call's (already validated) input; throws `InvalidRequestError`
   * for input the endpoint cannot take. The webhook fields (§1.3) are added by the client.
   */
  body(input: Input): Record<string, unknown>;
}

/** A call that creates no task (§3.17–3.20): safe to repeat, so it retries like a status read. */
export interface ReadRequest<Input, Answer> {
  method: 'GET' | 'POST';
  path: string;
  /** The shape of a 2xx answer. */
  answer: GenericSchema<unknown, Answer>;
  /** The body, when the endpoint takes one. */
  body?(input: Input): Record<string, unknown> | FormData;
}

const refuse = (message: string): never => {
  throw new InvalidRequestError(message, { provider: PROVIDER });
};

/** `providerOptions` of an endpoint that documents no extra field: every key is refused. */
const NO_OPTIONS = v.strictObject({});

/**
 * The vendor fields an action may take through `providerOptions`, with their checks: `aspect_ratio`,
 * which `/reroll`, `/variations` and `/outpaint` document besides their own fields (§3.4, §3.8, §3.10).
 */
const VENDOR_FIELD_SCHEMAS: Readonly<Record<string, GenericSchema>> = {
  aspect_ratio: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}:\d{1,3}$/, "aspect_ratio must look like '16:9'"))),
};

/** The `providerOptions` schema of an action route: its `vendorFields`, nothing else. */
function vendorOptions(fields: readonly string[] = []) {
  return v.strictObject(Object.fromEntries(fields.map((field) => [field, VENDOR_FIELD_SCHEMAS[field]!])));
}

function submission<Input>(
  path: string,
  operation: Operation,
  body: (input: Input) => Record<string, unknown>,
): SubmitRequest<Input> {
  return { path, operation, body };
}

function read<Input, Answer>(request: ReadRequest<Input, Answer>): ReadRequest<Input, Answer> {
  return request;
}

// ---------------------------------------------------------------------------------------------
// Canonical action ↔ endpoint and body (§3.4–3.11), one table.
// ---------------------------------------------------------------------------------------------

/** How one canonical action is sent to APIFRAME. */
export interface ActionRoute {
  /** The endpoint, relative to the base URL. */
  path: string;
  /** Result shapes of the parent the vendor accepts; also decides where the action is offered. */
  parents: readonly ResultShape[];
  /** The body besides `parent_task_id`, `prompt`, `providerOptions` and the webhook fields. */
  body(input: ActionInput): Record<string, unknown>;
  /** The endpoint takes a `prompt` (the prompt for the new area / the new grid). */
  prompt?: boolean;
  /** Vendor fields accepted through `input.providerOptions`. */
  vendorFields?: readonly string[];
}

const GRID: readonly ResultShape[] = ['grid'];
const UPSCALED: readonly ResultShape[] = ['upscale'];
const SINGLE_IMAGE: readonly ResultShape[] = ['upscale', 'image'];

// §1.2: image indexes are the strings "1"–"4".
const upscale1x = (index: string): ActionRoute => ({ path: '/upscale-1x', parents: GRID, body: () => ({ index }) });
const variations = (index: string, parents: readonly ResultShape[]): ActionRoute => ({
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
// §3.10: `zoom_ratio` is sent as a number, the type of the current docs.
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
  // §3.4: aspect_ratio only when the caller sets it; the libs' default "1:1" would override the parent's.
  reroll: { path: '/reroll', parents: GRID, body: () => ({}), prompt: true, vendorFields: ['aspect_ratio'] },
  'upscale-subtle': upscaleAlt('subtle'),
  'upscale-creative': upscaleAlt('creative'),
  'upscale-2x': highres('2x'),
  'upscale-4x': highres('4x'),
  'vary-strong': variations('strong', UPSCALED),
  'vary-subtle': variations('subtle', UPSCALED),
  // §3.9: the mask is image data; the vendor's samples and mask tool send a PNG data URL (white = repaint).
  'vary-region': {
    path: '/inpaint',
    parents: UPSCALED,
    body: (input) => ({
      mask: normalizeMask(input.mask ?? '', { vendor: 'APIFRAME', provider: PROVIDER, output: 'data-url' }),
    }),
    prompt: true,
  },
  'zoom-out-1.5x': outpaint(1.5),
  'zoom-out-2x': outpaint(2),
  'custom-zoom': outpaint('custom'),
  'make-square': outpaint(1),
  'pan-left': pan('left'),
  'pan-right': pan('right'),
  'pan-up': pan('up'),
  'pan-down': pan('down'),
} satisfies Record<ApiFrameActionId, ActionRoute>;

// Defined with the capabilities, which load without this module (the gateway reads them alone).
export { SUPPORTED_ACTIONS };

/** What a result of this shape offers: every action whose endpoint accepts it as the parent. */
export function offeredActions(shape: ResultShape): ActionId[] {
  return SUPPORTED_ACTIONS.filter((id) => ACTION_ROUTES[id]!.parents.includes(shape));
}

/**
 * The request of `action` on `parent`: refused before anything is sent when APIFRAME has no
 * endpoint for it or the endpoint does not take a parent of this shape (§3.5: most follow-ups need
 * an `/upscale-1x` task first).
 */
export function actionRequest(action: ActionId, parent: Job): SubmitRequest<ActionInput> {
  const route = Object.hasOwn(ACTION_ROUTES, action) ? ACTION_ROUTES[action] : undefined;
  if (!route) return refuse(`APIFRAME has no endpoint for '${action}'.`);
  const shape = resultShape(parent.operation, parent.action);
  if (!route.parents.includes(shape)) {
    const needs = route.parents.map((parentShape) => SHAPE_DESCRIPTIONS[parentShape]).join(' or ');
    const hint = route.parents.includes('upscale') ? " Upscale one image first, e.g. act(job, 'upscale-1')." : '';
    refuse(
      `'${action}' (${route.path}) needs ${needs} as its parent; job ${parent.id} is ${SHAPE_DESCRIPTIONS[shape]}.${hint}`,
    );
  }
  return submission(route.path, 'action', (input) => {
    const prompt = input.prompt?.trim() || undefined;
    if (prompt && !route.prompt) {
      refuse(`APIFRAME's ${route.path} takes no prompt; leave input.prompt out for '${action}'.`);
    }
    const schema = vendorOptions(route.vendorFields);
    const options = parseProviderOptions(schema, input.providerOptions, `'${action}' action`, PROVIDER);
    return { parent_task_id: parent.providerJobId, ...route.body(input), ...(prompt ? { prompt } : {}), ...options };
  });
}

// ---------------------------------------------------------------------------------------------
// Every other operation (§3.1–3.3, §3.12–3.20), one table.
// ---------------------------------------------------------------------------------------------

/** `/imagine-video-extend` input: a video input whose `extend` names the video task. */
export type VideoExtendInput = ResolvedVideoInput & { extend: JobRef };

/** What both video endpoints take besides their own fields (§3.2, §3.3). */
function videoFields(input: ResolvedVideoInput): Record<string, unknown> {
  if (!input.prompt?.trim()) refuse("APIFRAME's video endpoints need a prompt (input.prompt).");
  if (input.endImageUrl) refuse('APIFRAME video takes no end frame (endImageUrl).');
  const options = parseProviderOptions(NO_OPTIONS, input.providerOptions, 'video', PROVIDER);
  return { ...(input.motion ? { motion: input.motion } : {}), ...options };
}

/** The task-creating operations besides `act`. */
export const SUBMISSIONS = {
  imagine: submission('/imagine', 'imagine', (input: ImagineInput) => {
    // §3.1: process_mode is `fast` or `turbo`.
    if (input.mode === 'relax') refuse("APIFRAME runs in 'fast' or 'turbo' mode (process_mode); it has no relax mode.");
    if (input.aspectRatio && /(^|\s)--(ar|aspect)\b/.test(input.prompt)) {
      refuse('aspectRatio is set and the prompt already has --ar: keep one of them.');
    }
    const options = parseProviderOptions(NO_OPTIONS, input.providerOptions, 'imagine', PROVIDER);
    return {
      prompt: composePrompt({ prompt: input.prompt, imageUrls: input.imageUrls }, PROVIDER),
      ...(input.aspectRatio ? { aspect_ratio: input.aspectRatio } : {}),
      ...(input.mode ? { process_mode: input.mode } : {}),
      ...options,
    };
  }),
  describe: submission('/describe', 'describe', (input: DescribeInput) => ({ image_url: input.imageUrl })),
  blend: submission('/blend', 'blend', (input: BlendInput) => {
    if (input.prompt) {
      refuse("APIFRAME's /blend takes no prompt: blend the images alone, or use imagine with imageUrls.");
    }
    // §3.14: the field is `dimension`, singular.
    return { image_urls: input.imageUrls, ...(input.dimensions ? { dimension: input.dimensions } : {}) };
  }),
  // §3.16: the target is the image whose face is replaced, the "swap" image gives the face.
  faceSwap: submission('/faceswap', 'faceswap', (input: FaceSwapInput) => ({
    target_image_url: input.targetUrl,
    swap_image_url: input.sourceUrl,
  })),
  video: submission('/imagine-video', 'video', (input: ResolvedVideoInput) => {
    const fields = videoFields(input);
    if (input.index !== undefined) refuse('input.index applies only with input.extend.');
    return { prompt: input.prompt, image_url: input.imageUrl, ...fields };
  }),
  videoExtend: submission('/imagine-video-extend', 'video', (input: VideoExtendInput) => {
    const fields = videoFields(input);
    const index = input.index ?? 0;
    if (index > 3) refuse(`input.index must be 0–3 (which of the 4 videos to extend); got ${index}.`);
    // §3.3: `index` is "1"–"4"; ours is 0-based.
    return {
      parent_task_id: input.extend.providerJobId,
      index: String(index + 1),
      prompt: input.prompt,
      ...(input.imageUrl ? { image_url: input.imageUrl } : {}),
      ...fields,
    };
  }),
  shorten: submission('/shorten', 'shorten', (input: ShortenInput) => ({ prompt: input.prompt })),
  // §3.15: `task_id`, not `parent_task_id`.
  seed: submission('/seed', 'seed', (job: JobRef) => ({ task_id: job.providerJobId })),
};

/** The calls that create no task. */
export const READS = {
  fetch: read({ method: 'POST', path: '/fetch', answer: taskSchema, body: (taskId: string) => ({ task_id: taskId }) }),
  // §3.18: 2 to 20 ids per request (the client's batch limits).
  fetchMany: read({
    method: 'POST',
    path: '/fetch-many',
    answer: fetchManySchema,
    body: (taskIds: string[]) => ({ task_ids: taskIds }),
  }),
  // §1.1: the only GET.
  account: read<void, InferOutput<typeof accountSchema>>({ method: 'GET', path: '/account', answer: accountSchema }),
  // §3.20: multipart, field `image`. Re-sending an upload creates no job and costs no credits.
  upload: read({ method: 'POST', path: '/upload', answer: uploadSchema, body: (form: FormData) => form }),
};
