import { ResponseValidationError } from './errors.js';
import type { Job } from './job.js';

/**
 * Only absolute `http:`/`https:` URLs reach a `Job` (DESIGN, "HTTP transport and retries"): a vendor
 * (or anyone who can change its answer) must not hand an app a `javascript:`, `data:` or `file:`
 * link to render or fetch. Every adapter's mapping passes result URLs through {@link httpUrl}.
 */

// Refused anywhere in the URL, before parsing:
// - C0/C1 control characters (NUL included), the space and every other Unicode space: WHATWG parsing
//   strips tabs and newlines silently, which is how `java\tscript:` slips past a filter;
// - zero-width and bidirectional formatting characters, which make a URL read as another one;
// - `\`, which WHATWG reads as `/` and RFC 3986 parsers as part of the authority, so two libraries
//   would see two hosts in `https://evil.example\@cdn.example`;
// - `"`, `<`, `>` and the backtick, which RFC 3986 never allows raw and which end an HTML attribute.
const UNSAFE_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  /[\u0000-\u0020\u007f-\u00a0\u00ad\u061c\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\\"<>`]/;

// A lone UTF-16 surrogate: not text at all, and parsers disagree on what to replace it with.
const LONE_SURROGATE = /\p{Surrogate}/u;

// Long enough for any signed CDN URL vendors hand out (those run to 1–2 KB); a vendor answer with a
// longer "URL" is not one worth keeping.
const MAX_LENGTH = 8_192;

/**
 * How many accepted URLs {@link httpUrl} remembers. A read's result URLs are checked twice in a row
 * (by the adapter's mapping, then by core's output guard), and again when the job is read again; each
 * check parsed a `URL`: 3.2 of the 18 KB an APIFRAME status read allocated beyond a bare ky call,
 * where collecting those 18 KB is about 40 % of the instructions the read spends over ky (issue 13,
 * docs/performance.md). 256 holds the URLs of dozens of reads in flight; cleared, not evicted one by
 * one, when full, so a remembered URL costs one lookup, and at most 256 URLs (8,192 characters each
 * at most) are held.
 */
export const REMEMBERED_URLS = 256;

/** Strings {@link httpUrl} accepted lately, and what it returned for each (the string trimmed). */
const accepted = new Map<string, string>();

/**
 * `value` when it is an absolute `http:` or `https:` URL with a host, else `undefined`.
 *
 * Leading and trailing whitespace is trimmed (vendors pad them). Anything else odd is refused rather
 * than repaired: another scheme, protocol-relative `//host`, a relative path, an empty string,
 * control, invisible or bidirectional characters, a backslash, credentials (`https://user@host`,
 * which reads as another host), or more than 8 KiB. The URL is returned as the vendor wrote it, not
 * re-serialised, because re-encoding can break the signature of a signed CDN URL.
 */
export function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const known = accepted.get(value);
  if (known !== undefined) return known;
  const text = value.trim();
  if (text === '' || text.length > MAX_LENGTH) return undefined;
  if (UNSAFE_CHARACTERS.test(text) || LONE_SURROGATE.test(text)) return undefined;
  // The scheme is checked on the text as well as after parsing: `//host/x` parses against no base as
  // an error, but a caller who resolves it later would give it the page's scheme.
  if (!/^https?:\/\/[^/]/i.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return undefined;
  if (accepted.size >= REMEMBERED_URLS) accepted.clear();
  accepted.set(value, text);
  return text;
}

/**
 * The entries of `values` that {@link httpUrl} accepts, in order; anything that is not an array
 * gives an empty list.
 */
export function httpUrls(values: unknown): string[] {
  if (!Array.isArray(values)) return [];
  const out: string[] = [];
  for (const value of values) {
    const url = httpUrl(value);
    if (url !== undefined) out.push(url);
  }
  return out;
}

/**
 * How many result URLs a vendor named in `fields` (strings, or lists of strings), usable or not:
 * blank strings and other values do not count. The `offered` of {@link requireUsableResult}.
 */
export function countUrls(...fields: unknown[]): number {
  let count = 0;
  for (const field of fields) {
    for (const value of Array.isArray(field) ? field : [field]) {
      if (typeof value === 'string' && value.trim() !== '') count++;
    }
  }
  return count;
}

/**
 * Throws `ResponseValidationError` (`bad_response`, not retryable) when `job` succeeded, the vendor
 * named result URLs (`offered` of them, usable or not), {@link httpUrl} refused every one, and nothing
 * else is left to show for it: no grid, image, video, text or seed. Such a job is not a success a
 * caller can use, and reporting it as one would hide that the vendor's answer was broken or tampered
 * with. Returns `job` otherwise.
 */
export function requireUsableResult(job: Job, offered: number): Job {
  if (job.status !== 'succeeded' || offered === 0) return job;
  const kept =
    job.gridUrl !== undefined ||
    job.images.length > 0 ||
    job.videoUrls.length > 0 ||
    job.texts.length > 0 ||
    (job.seed !== undefined && job.seed !== '');
  if (kept) return job;
  throw new ResponseValidationError(
    `${job.provider} reported job ${job.id} as succeeded with no usable http(s) URL: the ${offered === 1 ? 'result URL it gave was' : `${offered} result URLs it gave were all`} refused (only absolute http: and https: URLs are kept), and nothing else came with it. Ask the vendor about this job.`,
    { provider: job.provider },
  );
}
