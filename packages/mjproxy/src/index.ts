/**
 * `@mjgate/mjproxy`: the mjgate adapter for the midjourney-proxy protocol (novicezk's
 * midjourney-proxy, trueai's server, new-api and the relay vendors built on them).
 * {@link createMjProxy} returns a `MidjourneyClient` for the server at `baseURL`.
 *
 * @module @mjgate/mjproxy
 */
export { MJPROXY_CAPABILITIES } from './capabilities.js';
export { createMjProxy } from './client.js';
export { BUTTON_RULES, STATUS_MAP } from './mapping.js';
export type { MjProxyAuthScheme, MjProxyOptions } from './options.js';
export type { ModeVia } from './requests.js';
export { MJPROXY_API_KEY_ENV, MJPROXY_BASE_URL_ENV } from './vendor.js';
