import { InvalidRequestError } from './errors.js';
import type { ProviderName } from './job.js';

export interface PromptParts {
  prompt: string;
  /** Image prompts: Midjourney reads them at the front of the prompt. */
  imageUrls?: readonly string[];
  /** Added as `--ar <ratio>`. */
  aspectRatio?: string;
  /** Further flags, e.g. `['--relax']`. */
  flags?: readonly string[];
}

/**
 * Builds a Midjourney prompt the way vendors without dedicated fields want it: image URLs first,
 * then the text, then flags. An option that the prompt already sets as a flag (`--ar` given twice)
 * is refused, since Midjourney would take only one of them.
 */
export function composePrompt(parts: PromptParts, provider?: ProviderName): string {
  const text = parts.prompt.trim();
  const flags = [...(parts.flags ?? [])];
  if (parts.aspectRatio) {
    if (/(^|\s)--(ar|aspect)\b/.test(text)) {
      throw new InvalidRequestError('aspectRatio is set and the prompt already has --ar: keep one of them.', {
        provider,
      });
    }
    flags.unshift(`--ar ${parts.aspectRatio}`);
  }
  for (const flag of flags) {
    const name = flag.split(/\s+/)[0] ?? flag;
    if (new RegExp(`(^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`).test(text)) {
      throw new InvalidRequestError(`The prompt already has ${name}; do not set it twice.`, { provider });
    }
  }
  return [...(parts.imageUrls ?? []), text, ...flags].filter(Boolean).join(' ');
}

/** The Midjourney speed flag for a mode. */
export function modeFlag(mode: 'fast' | 'relax' | 'turbo' | undefined): string[] {
  return mode ? [`--${mode}`] : [];
}
