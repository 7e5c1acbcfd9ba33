/**
 * `@mjgate/mjproxy/vendor`: who the vendor is, without the client — the adapter's name, the
 * environment it reads (vendor doc §1.1, §10) and its capabilities. The `mjgate` gateway imports this
 * light entry and loads the adapter (`@mjgate/mjproxy`) only when configured with it. The
 * midjourney-proxy protocol has no canonical host: every server (self-hosted novicezk or trueai, a
 * new-api relay) lives wherever its operator put it, so there is no default base URL.
 *
 * @module @mjgate/mjproxy/vendor
 */
export { MJPROXY_CAPABILITIES } from './capabilities.js';

/** The provider name of this adapter, first part of every job id (`'mjproxy:<task id>'`). */
export const PROVIDER = 'mjproxy';

/** The environment variable the API key (the proxy's secret, or the relay's key) falls back to. */
export const MJPROXY_API_KEY_ENV = 'MJPROXY_API_KEY';

/**
 * The environment variable the base URL falls back to. There is no built-in host (§1.1): a missing
 * base URL is an `InvalidRequestError` when the client is created.
 */
export const MJPROXY_BASE_URL_ENV = 'MJPROXY_BASE_URL';
