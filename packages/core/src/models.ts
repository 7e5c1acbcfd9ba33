import type { Capabilities, ImagineInput } from './types.js';

/**
 * The model a submission names when it names none: Midjourney, the model every vendor here was
 * built for. Spelled out in `Capabilities.models` and accepted as `ImagineInput.model`.
 */
export const MIDJOURNEY_MODEL = 'midjourney';

/**
 * A model name: `'midjourney'`, `'flux-1.1-pro'` (ImaginePro's FLUX 1.1 PRO), or any model a
 * vendor documents, spelled as that vendor spells it.
 */
export type ModelName = 'midjourney' | 'flux-1.1-pro' | (string & {});

/** The model an imagine asks for: its `model`, or Midjourney when it names none. */
export function modelOf(input: Pick<ImagineInput, 'model'>): ModelName {
  return input.model ?? MIDJOURNEY_MODEL;
}

/**
 * The models a client can generate with. A capabilities object without `models` (an adapter
 * written before models existed) generates with Midjourney only.
 */
export function modelsOf(capabilities: Pick<Capabilities, 'models'>): readonly ModelName[] {
  return capabilities.models ?? [MIDJOURNEY_MODEL];
}
