import type { GenericSchema } from 'valibot';
import { InvalidRequestError } from './errors.js';
import type { ProviderName } from './job.js';
import * as v from './valibot.js';

const text = v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty'));
const httpUrl = v.pipe(
  v.string(),
  v.url('must be an absolute URL'),
  v.regex(/^https?:\/\//i, 'must be an http(s) URL'),
);
const common = {
  webhookUrl: v.optional(httpUrl),
  ref: v.optional(v.pipe(v.string(), v.maxLength(1024))),
};
const providerOptions = v.optional(v.record(v.string(), v.unknown()));

export const imagineInputSchema = v.object({
  prompt: v.pipe(text, v.maxLength(6000)),
  imageUrls: v.optional(v.array(httpUrl)),
  aspectRatio: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}:\d{1,3}$/, "must look like '16:9'"))),
  mode: v.optional(v.picklist(['fast', 'relax', 'turbo'])),
  model: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty'))),
  // The upper bound is the model's, checked by the adapter (Flux on ImaginePro: 4).
  n: v.optional(v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'))),
  providerOptions,
  ...common,
});

export const actionInputSchema = v.object({
  prompt: v.optional(v.string()),
  mask: v.optional(v.pipe(v.string(), v.nonEmpty('must not be empty'))),
  zoom: v.optional(v.pipe(v.number(), v.gtValue(1, 'must be greater than 1'), v.maxValue(2, 'must be at most 2'))),
  providerOptions,
  ...common,
});

export const describeInputSchema = v.object({ imageUrl: httpUrl, ...common });

export const blendInputSchema = v.object({
  imageUrls: v.pipe(v.array(httpUrl), v.minLength(2, 'needs 2 to 5 images'), v.maxLength(5, 'needs 2 to 5 images')),
  dimensions: v.optional(v.picklist(['square', 'portrait', 'landscape'])),
  prompt: v.optional(v.string()),
  ...common,
});

export const faceSwapInputSchema = v.object({ sourceUrl: httpUrl, targetUrl: httpUrl, ...common });

export const videoInputSchema = v.pipe(
  v.object({
    prompt: v.optional(v.string()),
    imageUrl: v.optional(httpUrl),
    endImageUrl: v.optional(httpUrl),
    extend: v.optional(v.union([v.string(), v.object({ id: v.string() })])),
    index: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    motion: v.optional(v.picklist(['low', 'high'])),
    providerOptions,
    ...common,
  }),
  v.check((i) => i.imageUrl !== undefined || i.extend !== undefined, 'needs imageUrl (the start frame) or extend'),
);

export const shortenInputSchema = v.object({ prompt: text, ...common });

/**
 * Validates `input` against `schema` before any request; a mismatch throws `InvalidRequestError`
 * naming each field and what is wrong with it.
 */
export function validateInput<T>(
  schema: GenericSchema<unknown, T>,
  input: unknown,
  what: string,
  provider?: ProviderName,
): T {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const problems = result.issues.map((issue) => `\`${v.getDotPath(issue) ?? 'input'}\` ${issue.message}`).join('; ');
  throw new InvalidRequestError(`Invalid ${what} input: ${problems}.`, { provider });
}
