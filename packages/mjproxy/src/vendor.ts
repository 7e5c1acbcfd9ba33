/**
 * Who the vendor is: the adapter's name and the environment it reads (vendor doc §1.1, §10). The
 * midjourney-proxy protocol has no canonical host: every server (self-hosted novicezk or trueai, a
 * new-api relay) lives wherever its operator put it, so there is no default base URL.
 */

/** The provider name of this adapter, first part of every job id (`'mjproxy:<task id>'`). */
export const PROVIDER = 'mjproxy';

/** The environment variable the API key (the proxy's secret, or the relay's key) falls back to. */
export const MJPROXY_API_KEY_ENV = 'MJPROXY_API_KEY';

/**
 * The environment variable the base URL falls back to. There is no built-in host (§1.1): a missing
 * base URL is an `InvalidRequestError` when the client is created.
 */
export const MJPROXY_BASE_URL_ENV = 'MJPROXY_BASE_URL';

/**
 * How the key is sent (§1.2, §12.1). `'mj-api-secret'`: the protocol's own header, the one every
 * dialect reads (novicezk, plus, trueai, new-api). `'bearer'`: `Authorization: Bearer <key>`, as most
 * relays' docs show. `'raw'`: `Authorization: <key>`, as trueai and an older DeerAPI page show.
 * Exactly one header is sent: trueai reads `Authorization` first, so sending both breaks it.
 */
export type MjProxyAuthScheme = 'mj-api-secret' | 'bearer' | 'raw';

/** The authentication header of a scheme (one header, never two). */
export function authHeaders(scheme: MjProxyAuthScheme, apiKey: string): Record<string, string> {
  switch (scheme) {
    case 'bearer':
      return { authorization: `Bearer ${apiKey}` };
    case 'raw':
      return { authorization: apiKey };
    default:
      return { 'mj-api-secret': apiKey };
  }
}

/** trueai limits `state` to 255 characters (§3, §10): a longer `ref` is refused before sending. */
export const MAX_STATE_LENGTH = 255;

/** `list-by-condition` has no documented limit; batches of at most 50 ids keep bodies small (§3.13). */
export const LIST_BATCH_SIZE = 50;

/** `image-seed` blocks up to ~60 s on trueai (§3.14, §12.17): the call's own limit is at least this. */
export const SEED_TIMEOUT_MS = 70_000;
