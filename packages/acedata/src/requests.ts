import {
  type ActionId,
  type ActionInput,
  type BlendInput,
  type DescribeInput,
  type ImagineInput,
  InvalidRequestError,
  type ShortenInput,
  UnsupportedError,
} from '@mjgate/core';
import {
  type CallKind,
  composePrompt,
  normalizeMask,
  parseProviderOptions,
  type ResolvedVideoInput,
} from '@mjgate/core/provider';
import type { GenericSchema, InferOutput } from 'valibot';
import { ACTIONS, type AceDataActionId, isAceDataAction, PROVIDER } from './mapping.js';
import {
  type AceDataEditInput,
  type AceDataImagineOptions,
  type AceDataResult,
  actionOptionsSchema,
  batchSchema,
  imagineOptionsSchema,
  resultSchema,
  taskRecordSchema,
  translateSchema,
  videoOptionsSchema,
} from './schemas.js';

// The request side of the adapter: every call AceData takes, as tables of method, path and body
// (vendor reference §1 "Endpoints": every endpoint is a POST with a JSON body). `REQUESTS` holds the
// fixed calls; a follow-up action is a row of `ACTIONS` (mapping.ts: canonical action ↔ AceData
// `action` value, read on both sides) sent by `actionRequest`; `videoRequest` picks `generate` or
// `extend`. `mapping.ts` is the response side; `client.ts` sends what these tables build.

/**
 * One AceData call.
 *
 * @typeParam Input what the body is built from (validated input, an image id, task ids)
 * @typeParam Answer the 2xx answer, as {@link AceDataRequest.answer} parses it
 */
export interface AceDataRequest<Input, Answer> {
  method: 'POST';
  /** The endpoint, relative to the base URL. */
  path: string;
  /**
   * `'submit'`: billable (a task, or a describe/shorten/seed answer), so the transport retries it only
   * when AceData cannot have accepted it. `'read'`: safe to repeat.
   */
  call: CallKind;
  /**
   * Which of AceData's limits it counts against (§12.3): `'in-flight'`, the 5 requests a token may
   * keep open; `'rate'`, task lookups, allowed 60 per second and paced instead (`pace.read`).
   */
  limit: 'in-flight' | 'rate';
  /**
   * For a call that creates a task (§2): the `type` AceData records for it (§10.2), which decides
   * what a job of it is. Such a call also gets `callback_url` or `async: true` from the client.
   */
  taskType?: 'imagine' | 'edits' | 'videos';
  /** The shape of a 2xx answer. */
  answer: GenericSchema<unknown, Answer>;
  /**
   * For a call AceData answers in the same request (§6, §8, §9): what it is called in messages, and
   * the field its answer must hold (`has`), named as `missing` when it does not.
   */
  answered?: { what: string; missing: string; has(answer: Answer): boolean };
  /** The body; throws `InvalidRequestError` for input the endpoint cannot take, before anything is sent. */
  body(input: Input): Record<string, unknown>;
}

/** A call AceData answers in the same request: its {@link AceDataRequest.answered} is set. */
export type AnsweredRequest<Input> = AceDataRequest<Input, AceDataResult> &
  Required<Pick<AceDataRequest<Input, AceDataResult>, 'answered'>>;

const IMAGINE = '/midjourney/imagine';
const TASKS = '/midjourney/tasks';

/** Blend dimensions as Midjourney's `/blend` renders them. */
const BLEND_RATIOS = { square: '1:1', portrait: '2:3', landscape: '3:2' } as const;

const refuse = (message: string): never => {
  throw new InvalidRequestError(message, { provider: PROVIDER });
};

function hasFlag(prompt: string, ...names: string[]): boolean {
  return names.some((name) => new RegExp(`(^|\\s)--${name}(\\s|$)`).test(prompt));
}

/**
 * §3.1 `mask`: AceData's guide sends raw base64 and its spec says "mask image URL" (§15.2), so a
 * data URL loses its prefix and a URL is sent as it is.
 */
function aceDataMask(mask: string): string {
  return normalizeMask(mask, { vendor: 'AceData', provider: PROVIDER, allowUrl: true });
}

/**
 * A generate body for `/midjourney/imagine` (§3.1). `version` and `hd` also go into the prompt, as
 * AceData's web app does: the fields alone may only set the price (§15.10).
 */
function generateBody(
  prompt: string,
  mode: string | undefined,
  imagineOptions: AceDataImagineOptions,
): Record<string, unknown> {
  const flags: string[] = [];
  if (imagineOptions.version && !hasFlag(prompt, 'v', 'version')) flags.push(`--v ${imagineOptions.version}`);
  if (imagineOptions.hd && !hasFlag(prompt, 'hd')) flags.push('--hd');
  const { split_images = true, ...fields } = imagineOptions;
  return {
    action: 'generate',
    prompt: [prompt, ...flags].join(' '),
    ...(mode ? { mode } : {}),
    split_images,
    ...fields,
  };
}

function submission<Input>(
  path: string,
  taskType: AceDataRequest<Input, AceDataResult>['taskType'],
  body: (input: Input) => Record<string, unknown>,
): AceDataRequest<Input, AceDataResult> {
  return { method: 'POST', path, call: 'submit', limit: 'in-flight', taskType, answer: resultSchema, body };
}

/** A call AceData answers in the same request (§6, §8, §9): billable, but it leaves no task to poll. */
function answered<Input>(
  path: string,
  expected: AnsweredRequest<Input>['answered'],
  body: (input: Input) => Record<string, unknown>,
): AnsweredRequest<Input> {
  return { ...submission<Input>(path, undefined, body), answered: expected };
}

function taskLookup<Input, Answer>(
  answer: GenericSchema<unknown, Answer>,
  body: (input: Input) => Record<string, unknown>,
) {
  const request: AceDataRequest<Input, Answer> = {
    method: 'POST',
    path: TASKS,
    call: 'read',
    limit: 'rate',
    answer,
    body,
  };
  return request;
}

/** The parent a video extension continues (§5): its `video_id` and how many videos it holds. */
export interface VideoParent {
  /** The neutral id, for messages. */
  id: string;
  videoId: string | undefined;
  videoCount: number;
}

/** Every call but the follow-up actions (see {@link actionRequest}) and videos (see {@link videoRequest}). */
export const REQUESTS = {
  imagine: submission(IMAGINE, 'imagine', (input: ImagineInput) => {
    const imagineOptions = parseProviderOptions(imagineOptionsSchema, input.providerOptions, 'imagine', PROVIDER);
    // §11: 1–5 image URLs at the front of the prompt.
    if ((input.imageUrls?.length ?? 0) > 5) refuse('AceData takes at most 5 image URLs at the front of a prompt.');
    // §3.1 `mode`: V8.1 supports only fast and relax.
    if (imagineOptions.version === '8.1' && input.mode === 'turbo') {
      refuse("Midjourney V8.1 runs only in 'fast' or 'relax' mode.");
    }
    const prompt = composePrompt(
      { prompt: input.prompt, imageUrls: input.imageUrls, aspectRatio: input.aspectRatio },
      PROVIDER,
    );
    return generateBody(prompt, input.mode, imagineOptions);
  }),
  // §11: no blend endpoint; a generate whose prompt starts with 2–5 image URLs is the blend.
  blend: submission(IMAGINE, 'imagine', (input: BlendInput) => {
    const aspectRatio = input.dimensions ? BLEND_RATIOS[input.dimensions] : undefined;
    const prompt = composePrompt({ prompt: input.prompt ?? '', imageUrls: input.imageUrls, aspectRatio }, PROVIDER);
    return generateBody(prompt, undefined, {});
  }),
  // §4, on input `editInputSchema` already checked.
  edit: submission('/midjourney/edits', 'edits', (input: AceDataEditInput) => ({
    image_url: input.imageUrl,
    prompt: input.prompt,
    ...(input.mode ? { mode: input.mode } : {}),
    ...(input.mask ? { mask: aceDataMask(input.mask) } : {}),
    split_images: true,
  })),
  describe: answered(
    '/midjourney/describe',
    { what: 'describe', missing: 'descriptions', has: (answer) => Array.isArray(answer.descriptions) },
    (input: DescribeInput) => ({ image_url: input.imageUrl }),
  ),
  shorten: answered(
    '/midjourney/shorten',
    { what: 'shorten', missing: 'prompts', has: (answer) => Array.isArray(answer.prompts) },
    (input: ShortenInput) => ({ prompt: input.prompt }),
  ),
  seed: answered(
    '/midjourney/seed',
    { what: 'seed lookup', missing: 'a seed', has: (answer) => answer.seed != null },
    (imageId: string) => ({ image_id: imageId }),
  ),
  // §7: a text in, a text out; nothing billed as a task, so it is safe to repeat.
  translate: {
    method: 'POST',
    path: '/midjourney/translate',
    call: 'read',
    limit: 'in-flight',
    answer: translateSchema,
    body: (text: string) => {
      if (typeof text !== 'string' || !text.trim()) refuse('translate needs a non-empty text.');
      return { content: text };
    },
  } satisfies AceDataRequest<string, InferOutput<typeof translateSchema>>,
  // §10.1 and §15.3–15.4: look a task up by `id`, and always send `action`.
  retrieve: taskLookup(taskRecordSchema, (taskId: string) => ({ action: 'retrieve', id: taskId })),
  // §10.1: `limit` defaults to 12, so without it a larger batch comes back cut short.
  retrieveBatch: taskLookup(batchSchema, (taskIds: string[]) => ({
    action: 'retrieve_batch',
    ids: taskIds,
    offset: 0,
    limit: taskIds.length,
  })),
  // §10.1: `retrieve_batch` without ids lists recent tasks; `created_at_min` narrows it.
  listTasks: taskLookup(batchSchema, (page: { offset: number; limit: number; createdAtMin: number }) => ({
    action: 'retrieve_batch',
    offset: page.offset,
    limit: page.limit,
    created_at_min: page.createdAtMin,
  })),
};

/**
 * The request of a follow-up `action` (§3.2): every action goes to `/midjourney/imagine` with its
 * `action` value from {@link ACTIONS} and the parent's final `image_id`, given to the body builder once
 * it is known. Input the action cannot take is refused here, before the parent is read.
 */
export function actionRequest(action: ActionId, input: ActionInput): AceDataRequest<string, AceDataResult> {
  if (!isAceDataAction(action))
    throw new UnsupportedError(`AceData has no '${action}' action.`, { provider: PROVIDER });
  // §3.1 `prompt`: optional for `variation_region` only; the other actions keep the parent's.
  if (input.prompt !== undefined && action !== 'vary-region') {
    refuse(`AceData takes a prompt only with 'vary-region'; '${action}' keeps the parent's prompt.`);
  }
  const actionOptions = parseProviderOptions(actionOptionsSchema, input.providerOptions, `'${action}'`, PROVIDER);
  const entry = ACTIONS[action as AceDataActionId];
  const region = action === 'vary-region';
  // Checked now, so a mask that is not image data is refused before the parent is read.
  const mask = region && input.mask ? aceDataMask(input.mask) : undefined;
  return submission(IMAGINE, 'imagine', (imageId) => ({
    action: entry.label,
    image_id: imageId,
    ...(actionOptions.mode ? { mode: actionOptions.mode } : {}),
    ...(entry.grid ? { split_images: true } : {}),
    ...(mask ? { mask } : {}),
    ...(region && input.prompt?.trim() ? { prompt: input.prompt.trim() } : {}),
  }));
}

/**
 * The request of a video (§5): `generate` from a first frame, or `extend` of an earlier video, whose
 * {@link VideoParent} the body builder is given once it is read. Input that cannot be sent is refused
 * here, before the parent is read.
 */
export function videoRequest(input: ResolvedVideoInput): AceDataRequest<VideoParent | undefined, AceDataResult> {
  const videoOptions = parseProviderOptions(videoOptionsSchema, input.providerOptions, 'video', PROVIDER);
  let prompt = input.prompt?.trim() ?? '';
  if (input.motion) {
    if (hasFlag(prompt, 'motion')) refuse('motion is set and the prompt already has --motion: keep one of them.');
    prompt = [prompt, `--motion ${input.motion}`].filter(Boolean).join(' ');
  }
  const common = { ...(prompt ? { prompt } : {}), ...videoOptions };
  if (!input.extend) {
    if (input.index !== undefined) refuse('index picks the video to extend; it needs extend.');
    return submission('/midjourney/videos', 'videos', () => ({
      action: 'generate',
      image_url: input.imageUrl,
      ...(input.endImageUrl ? { end_image_url: input.endImageUrl } : {}),
      ...common,
    }));
  }
  if (input.imageUrl || input.endImageUrl) {
    refuse('A video extension takes no imageUrl or endImageUrl: it continues the video.');
  }
  return submission('/midjourney/videos', 'videos', (parent) => {
    if (!parent?.videoId) return refuse(`Job ${parent?.id} has no AceData video_id: only a finished video extends.`);
    // §5 `video_index`: 0-based into the parent's `video_urls`.
    const index = input.index ?? 0;
    if (parent.videoCount > 0 && index >= parent.videoCount) {
      refuse(`Job ${parent.id} has ${parent.videoCount} videos; index ${index} is out of range (0-based).`);
    }
    return { action: 'extend', video_id: parent.videoId, video_index: index, ...common };
  });
}
