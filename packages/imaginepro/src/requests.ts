import {
  type ActionId,
  type ActionInput,
  type BlendInput,
  type DescribeInput,
  type FaceSwapInput,
  type ImagineInput,
  InvalidRequestError,
  type Job,
} from '@mjgate/core';
import {
  type CallKind,
  definedOnly,
  type JobRef,
  normalizeMask,
  parseProviderOptions,
  type RequestSpec,
  type ResolvedVideoInput,
} from '@mjgate/core/provider';
import type { GenericSchema, InferOutput } from 'valibot';
import {
  actionOfLabel,
  buttonsOf,
  CANCEL_BUTTON,
  decodeJobId,
  FLUX_MODEL,
  labelFor,
  PROMPT_ACTIONS,
  PROVIDER,
} from './mapping.js';
import {
  type AccountInfo,
  accountSchema,
  type CreatedResponse,
  createdSchema,
  fluxOptionsSchema,
  historySchema,
  type ImagineProFluxOptions,
  type ImagineProProviderOptions,
  messageSchema,
  promptCheckSchema,
  providerOptionsSchema,
} from './schemas.js';

// The request side of the adapter: every ImaginePro call as one row (method, path, body), and the
// rules that turn a neutral input into a body ImaginePro takes. mapping.ts is the response side.

/** One ImaginePro endpoint (§1.1): how it is called, what it is sent and how its answer is read. */
export interface Route<Input, Answer> {
  method: 'GET' | 'POST';
  /** Relative to the base URL; `{messageId}` stands for the input's `messageId`, URL-encoded. */
  path: string;
  /** `submit` for a call that creates a job (retried only when surely refused), `read` otherwise. */
  call: CallKind;
  /** The documented shape of a 2xx answer. */
  answer: GenericSchema<unknown, Answer>;
  /** A general endpoint read, paced one per 3 s apart from submissions (§5). */
  general?: boolean;
  /** The answer's field naming the new job (§2.2), salvaged by the transport from a cut answer. */
  jobIdField?: 'messageId';
  /** The JSON body, built from the call's input. */
  body?(input: Input): Record<string, unknown>;
  /** The query string, built from the call's input. */
  query?(input: Input): Record<string, number | undefined>;
}

/** What every job-creating call may carry besides its own fields: the BaseParams of §2.1. */
export interface BaseParamsInput {
  ref?: string;
  webhookUrl?: string;
  /** The call's validated `providerOptions`. */
  vendorOptions?: ImagineProProviderOptions;
}

/** A button press (§3.3): the message whose button is pressed, its exact label, and the button's inputs. */
export interface ButtonPress extends BaseParamsInput {
  messageId: string;
  button: string;
  mask?: string;
  prompt?: string;
}

/** A job-creating `POST`: answered as §2.2, the new job's id salvaged from a cut answer. */
function creates<Input>(path: string, body: (input: Input) => Record<string, unknown>): Route<Input, CreatedResponse> {
  return { method: 'POST', path, call: 'submit', answer: createdSchema, jobIdField: 'messageId', body };
}

/** A status read of the message endpoints (§3.2, §3.15: 10 per second). */
function readsMessage(path: string): Route<{ messageId: string }, InferOutput<typeof messageSchema>> {
  return { method: 'GET', path, call: 'read', answer: messageSchema };
}

/** The BaseParams of §2.1, in the docs' order; absent values are left out of the body. */
function baseParams(input: BaseParamsInput): Record<string, unknown> {
  const { timeout, disableCdn } = input.vendorOptions ?? {};
  return definedOnly({ ref: input.ref, webhookOverride: input.webhookUrl, timeout, disableCdn });
}

/** A Flux imagine (§3.12), checked, in mjgate's words: {@link fluxBody} spells it the vendor's way. */
export interface FluxImagine {
  prompt: string;
  /** 1–4; absent leaves the vendor's default, 1. */
  n?: number;
  aspectRatio?: string;
  model: string;
  ref?: string;
  webhookUrl?: string;
  options: ImagineProFluxOptions;
}

/**
 * The Flux body (§3.12) in the docs' field order, snake_case as the docs spell it. The aspect
 * ratio is the `aspect_ratio` field (Flux reads no `--ar` in the prompt); `output_quality` is a
 * string, as the docs type it. `model` is always sent, so a change of the vendor's default cannot
 * change which model a caller gets. Absent values are left out.
 */
function fluxBody(input: FluxImagine): Record<string, unknown> {
  const { timeout, width, height, outputFormat, outputQuality } = input.options ?? {};
  return definedOnly({
    prompt: input.prompt,
    ref: input.ref,
    webhookOverride: input.webhookUrl,
    timeout,
    n: input.n,
    width,
    height,
    aspect_ratio: input.aspectRatio,
    output_format: outputFormat,
    output_quality: outputQuality === undefined ? undefined : String(outputQuality),
    model: input.model,
  });
}

const imagineBody = (input: { prompt: string } & BaseParamsInput) => ({ prompt: input.prompt, ...baseParams(input) });
const buttonBody = (input: ButtonPress) => ({
  ...definedOnly({ messageId: input.messageId, button: input.button, mask: input.mask, prompt: input.prompt }),
  ...baseParams(input),
});

/**
 * Every call the adapter makes, by name: the table to read when ImaginePro moves an endpoint. The
 * boost rows (§3.1, §3.3) take the same body to a faster endpoint; `providerOptions.boost` picks them.
 */
export const REQUESTS = {
  /** §3.1: the prompt carries image URLs first and Midjourney's flags. */
  imagine: creates('/api/v1/nova/imagine', imagineBody),
  boostImagine: creates('/api/v1/nova/boost/imagine', imagineBody),
  /** §3.12: FLUX 1.1 PRO, `n` images per job, polled at the message endpoint like any job (§3.2). */
  fluxImagine: creates('/api/v1/flux/imagine', fluxBody),
  /** §3.3: one endpoint for every button, named by its exact label. */
  button: creates('/api/v1/nova/button', buttonBody),
  boostButton: creates('/api/v1/nova/boost/button', buttonBody),
  /** §3.4. */
  describe: creates('/api/v1/nova/describe', (input: DescribeInput) => ({ url: input.imageUrl, ...baseParams(input) })),
  /** §3.5: the nova path is the docs' natural guess; no dimensions, no prompt. */
  blend: creates('/api/v1/nova/blend', (input: BlendInput) => ({ urls: input.imageUrls, ...baseParams(input) })),
  /** §3.6: the body of the legacy endpoint, which independent clients agree on. */
  faceswap: creates('/api/v1/nova/faceswap', (input: FaceSwapInput) => ({
    source: input.sourceUrl,
    target: input.targetUrl,
    ...baseParams(input),
  })),
  /** §3.15: a video from a start frame (and an end frame). */
  videoGenerate: creates(
    '/api/v1/video/mj/generate',
    (input: { prompt?: string; imageUrl?: string; endImageUrl?: string } & BaseParamsInput) => ({
      ...definedOnly({
        prompt: input.prompt || undefined,
        startFrameUrl: input.imageUrl,
        endFrameUrl: input.endImageUrl || undefined,
      }),
      ...baseParams(input),
    }),
  ),
  /** §3.15: `index` is 0-based (the README's example). */
  videoExtend: creates(
    '/api/v1/video/mj/extend',
    (input: { messageId: string; index: number; animateMode?: string } & BaseParamsInput) => ({
      ...definedOnly({ messageId: input.messageId, index: input.index, animateMode: input.animateMode }),
      ...baseParams(input),
    }),
  ),
  /** §3.3: `Cancel Job` is a button; the legacy answer has no `messageId` (§2.2), so none is expected. */
  cancel: {
    method: 'POST',
    path: '/api/v1/nova/button',
    call: 'submit',
    answer: createdSchema,
    body: (input: { messageId: string }) => ({ messageId: input.messageId, button: CANCEL_BUTTON }),
  } satisfies Route<{ messageId: string }, CreatedResponse>,
  /** §3.2. */
  message: readsMessage('/api/v1/message/fetch/{messageId}'),
  /** §3.15: a video job is polled at its own endpoint. */
  videoMessage: readsMessage('/api/v1/video/mj/fetch/{messageId}'),
  /** §3.9. */
  account: {
    method: 'GET',
    path: '/api/v1/subscription/account-info',
    call: 'read',
    answer: accountSchema,
    general: true,
  } satisfies Route<unknown, AccountInfo>,
  /** §3.8: a check, not a job, so a retryable read. */
  promptCheck: {
    method: 'POST',
    path: '/api/v1/nova/prompt-check',
    call: 'read',
    answer: promptCheckSchema,
    general: true,
    body: (input: { prompt: string }) => ({ prompt: input.prompt }),
  } satisfies Route<{ prompt: string }, InferOutput<typeof promptCheckSchema>>,
  /** §3.7. */
  history: {
    method: 'GET',
    path: '/api/v1/nova/images',
    call: 'read',
    answer: historySchema,
    general: true,
    query: (input: { page?: number; size?: number }) => ({ page: input.page, size: input.size }),
  } satisfies Route<{ page?: number; size?: number }, InferOutput<typeof historySchema>>,
} as const;

/** The transport's request for one row of {@link REQUESTS}. */
export function requestOf<Input, Answer>(route: Route<Input, Answer>, input: Input): RequestSpec<Answer> {
  const messageId = (input as { messageId?: string } | undefined)?.messageId ?? '';
  const path = route.path.replace('{messageId}', () => encodeURIComponent(messageId));
  const spec: RequestSpec<Answer> = { method: route.method, path, call: route.call, schema: route.answer };
  if (route.body) spec.body = route.body(input);
  if (route.query) spec.query = route.query(input);
  if (route.jobIdField) spec.jobIdField = route.jobIdField;
  return spec;
}

// ───────────────────────────── what ImaginePro can take ─────────────────────────────

/** `providerOptions` checked against what ImaginePro understands (§2.1, §3.1, §3.3); unknown keys are refused. */
export function vendorOptionsOf(value: Record<string, unknown> | undefined, what: string): ImagineProProviderOptions {
  return parseProviderOptions(providerOptionsSchema, value, what, PROVIDER);
}

/** The Flux models `/api/v1/flux/imagine` takes (§3.12: `model`, only `flux-1.1-pro` documented). */
export const FLUX_MODELS: readonly string[] = [FLUX_MODEL];

/** Flux makes 1 to 4 images per job (§3.12: `n`). */
export const FLUX_MAX_IMAGES = 4;

/**
 * A neutral imagine as a Flux request (§3.12), refused before any request where Flux has no field
 * for what is asked: image prompts and Midjourney's speed modes are Midjourney's, and `n` stops at 4.
 * Width, height and output format come from `providerOptions`, checked against the Flux list.
 */
export function fluxImagine(input: ImagineInput, model: string): FluxImagine {
  const options = parseProviderOptions(fluxOptionsSchema, input.providerOptions, `${model} imagine`, PROVIDER);
  if (input.imageUrls?.length) {
    throw new InvalidRequestError(
      `ImaginePro's ${model} takes a text prompt only (§3.12 has no image field); drop imageUrls, or use Midjourney for image prompts.`,
      { provider: PROVIDER },
    );
  }
  if (input.mode !== undefined) {
    throw new InvalidRequestError(
      `mode ('${input.mode}') is a Midjourney speed; ImaginePro's ${model} has no such setting. Drop mode.`,
      { provider: PROVIDER },
    );
  }
  if (input.n !== undefined && input.n > FLUX_MAX_IMAGES) {
    throw new InvalidRequestError(
      `Invalid imagine input: \`n\` must be 1 to ${FLUX_MAX_IMAGES} for ${model} on ImaginePro; got ${input.n}.`,
      { provider: PROVIDER },
    );
  }
  return definedOnly({
    prompt: input.prompt,
    n: input.n,
    aspectRatio: input.aspectRatio,
    model,
    ref: input.ref,
    webhookUrl: input.webhookUrl,
    options,
  }) as FluxImagine;
}

/** `animateMode` exists only on video extend (§3.15). */
export function rejectAnimateMode(vendorOptions: ImagineProProviderOptions, what: string): void {
  if (vendorOptions.animateMode !== undefined) {
    throw new InvalidRequestError(`providerOptions.animateMode does not apply to ${what}.`, { provider: PROVIDER });
  }
}

/**
 * The press of `action`'s button on `parent` (§3.3): refused before any request when the parent's
 * `buttons` lacks it or an input does not belong to it. The mask goes as bare base64 (the docs'
 * example is a WebP with no `data:` prefix); Custom Zoom reads its factor from `--zoom` in its prompt.
 */
export function buttonPress(parent: Job, action: ActionId, input: ActionInput): ButtonPress {
  if (decodeJobId(parent.providerJobId).idKind === 'flux') {
    // §3.12 documents no button on a Flux result, and Midjourney's buttons belong to Midjourney jobs.
    throw new InvalidRequestError(
      `Job ${parent.id} is a Flux image: ImaginePro offers no follow-up action on it (such as '${action}'). Start a new imagine instead.`,
      { provider: PROVIDER },
    );
  }
  const label = labelFor(parent, action);
  const offered = buttonsOf(parent);
  if (offered && !offered.includes(label)) {
    const actions = [...new Set(offered.map(actionOfLabel).filter(Boolean))];
    throw new InvalidRequestError(
      `Job ${parent.id} does not offer '${action}'. It offers: ${actions.length ? actions.join(', ') : 'no follow-up actions'}.`,
      { provider: PROVIDER },
    );
  }
  const press: ButtonPress = { messageId: decodeJobId(parent.providerJobId).messageId, button: label };
  if (input.mask !== undefined) {
    if (action !== 'vary-region') throw misplaced('mask', action, "only 'vary-region' takes a mask");
    press.mask = normalizeMask(input.mask, { vendor: 'ImaginePro', provider: PROVIDER });
  }
  if (input.zoom !== undefined && action !== 'custom-zoom') {
    throw misplaced('zoom', action, "only 'custom-zoom' takes a zoom");
  }
  if (input.prompt !== undefined && !PROMPT_ACTIONS.has(action)) {
    throw misplaced('prompt', action, `ImaginePro takes a prompt only on ${[...PROMPT_ACTIONS].join(', ')}`);
  }
  if (action === 'custom-zoom') {
    // Midjourney's Custom Zoom reads the factor from `--zoom` in the prompt it is given.
    const text = (input.prompt ?? parent.prompt ?? '').replace(/(^|\s)--zoom\s+\S+/g, '').trim();
    press.prompt = `${text} --zoom ${input.zoom}`.trim();
  } else if (input.prompt !== undefined) {
    press.prompt = input.prompt;
  }
  return press;
}

/** ImaginePro documents no dimensions and no prompt for blend (§3.5); square is Midjourney's default. */
export function checkBlend(input: BlendInput): void {
  if (input.dimensions && input.dimensions !== 'square') {
    throw new InvalidRequestError(
      `ImaginePro's blend has no dimensions option: it always makes a square blend, not ${input.dimensions}.`,
      { provider: PROVIDER },
    );
  }
  if (input.prompt !== undefined) {
    throw new InvalidRequestError(
      'ImaginePro’s blend takes images only, no prompt. Use imagine with imageUrls to mix images with text.',
      { provider: PROVIDER },
    );
  }
}

/** An extend (§3.15) names the video job and an index only; the motion style is `animateMode`. */
export function videoExtension(
  input: ResolvedVideoInput & { extend: JobRef },
  vendorOptions: ImagineProProviderOptions,
) {
  for (const field of ['imageUrl', 'endImageUrl', 'prompt', 'motion'] as const) {
    if (input[field] !== undefined) {
      throw new InvalidRequestError(
        `ImaginePro extends a video from the job and an index only; drop ${field} (use providerOptions.animateMode for the motion style).`,
        { provider: PROVIDER },
      );
    }
  }
  const { messageId } = decodeJobId(input.extend.providerJobId);
  return { messageId, index: input.index ?? 0, animateMode: vendorOptions.animateMode };
}

/** A new video (§3.15): Midjourney video reads the motion level from `--motion` in the prompt. */
export function videoGeneration(input: ResolvedVideoInput, vendorOptions: ImagineProProviderOptions) {
  rejectAnimateMode(vendorOptions, 'a new video (it applies to extend)');
  if (input.index !== undefined) {
    throw new InvalidRequestError('index applies to extending a video; pass extend as well.', { provider: PROVIDER });
  }
  const prompt = [input.prompt?.trim(), input.motion ? `--motion ${input.motion}` : undefined]
    .filter(Boolean)
    .join(' ');
  return { prompt: prompt || undefined, imageUrl: input.imageUrl, endImageUrl: input.endImageUrl };
}

function misplaced(field: string, action: ActionId, why: string): InvalidRequestError {
  return new InvalidRequestError(`input.${field} does not apply to '${action}': ${why}.`, { provider: PROVIDER });
}
