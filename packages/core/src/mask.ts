import { InvalidRequestError } from './errors.js';
import type { ProviderName } from './job.js';

/** How a vendor wants the mask of Vary (Region): see {@link normalizeMask}. */
export interface MaskFormat {
  /** The vendor as people read it (`'ImaginePro'`), named in the error messages. */
  vendor: string;
  /** The adapter, for the errors' `provider`. */
  provider?: ProviderName;
  /**
   * What is sent: `'base64'` (default) bare standard base64, padded, no `data:` prefix;
   * `'data-url'` a `data:<type>;base64,…` URL (the caller's type kept, `mediaType` for bare input).
   */
  output?: 'base64' | 'data-url';
  /** The media type given to bare base64 when `output` is `'data-url'`; default `image/png`. */
  mediaType?: string;
  /** Whether an http(s) URL may be sent as it is (a vendor that fetches the mask itself); default: refused. */
  allowUrl?: boolean;
}

const DATA_URL_PREFIX = /^data:([^,;]*)(?:;[^,;]*)*;base64,/i;

/**
 * Normalises the `mask` of a Vary (Region) action — a `data:` URL, bare base64 (standard or
 * URL-safe alphabet, with or without padding and line breaks) or, when the vendor fetches it, an
 * http(s) URL — into the one form the vendor takes. URL-safe base64 is rewritten to the standard
 * alphabet and padded, since no vendor documents decoding the other one. What is neither base64
 * nor an allowed URL throws `InvalidRequestError` before any request is sent.
 *
 * @example
 * normalizeMask('data:image/png;base64,iVBORw0KGgo=', { vendor: 'ImaginePro' }); // 'iVBORw0KGgo='
 * normalizeMask('iVBORw0KGgo', { vendor: 'APIFRAME', output: 'data-url' }); // 'data:image/png;base64,iVBORw0KGgo='
 */
export function normalizeMask(mask: string, format: MaskFormat): string {
  const trimmed = mask.trim();
  const prefix = DATA_URL_PREFIX.exec(trimmed);
  const bare = prefix ? trimmed.slice(prefix[0].length) : trimmed;
  if (/^https?:\/\//i.test(bare)) {
    if (format.allowUrl && !prefix) return bare;
    throw new InvalidRequestError(
      `${format.vendor} takes the vary-region mask as base64 image data, not a URL: pass a data URL or a base64 PNG/WebP.`,
      { provider: format.provider },
    );
  }
  const compact = bare.replace(/\s+/g, '');
  const standard = compact.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact) || standard.length % 4 === 1) {
    throw new InvalidRequestError('The vary-region mask is not base64 image data (nor a data URL).', {
      provider: format.provider,
    });
  }
  const base64 = standard.padEnd(Math.ceil(standard.length / 4) * 4, '=');
  if (format.output !== 'data-url') return base64;
  return `data:${prefix?.[1] || format.mediaType || 'image/png'};base64,${base64}`;
}
