/**
 * `@mjgate/apiframe/vendor`: who the vendor is, without the client — the adapter's name, where
 * APIFRAME's v1 ("Original") Midjourney API lives (vendor doc §0, §1.1), the environment it reads and
 * its capabilities. Static data, read by the client, the mapping and the `mjgate` gateway, which
 * imports this light entry and loads the adapter (`@mjgate/apiframe`) only when configured with it.
 *
 * @module @mjgate/apiframe/vendor
 */
export { APIFRAME_CAPABILITIES } from './capabilities.js';

/** The provider name of this adapter, first part of every job id (`'apiframe:<task_id>'`). */
export const PROVIDER = 'apiframe';

/** APIFRAME's v1 ("Original") Midjourney API (§1.1); `api.apiframe.ai` is a probable alias (§11). */
export const APIFRAME_BASE_URL = 'https://api.apiframe.pro';

/** The environment variable the API key falls back to. */
export const APIFRAME_API_KEY_ENV = 'APIFRAME_API_KEY';

/** The environment variable the base URL falls back to (else {@link APIFRAME_BASE_URL}). */
export const APIFRAME_BASE_URL_ENV = 'APIFRAME_BASE_URL';

/** `/upload` refuses files above 2 MB (§3.20). */
export const APIFRAME_UPLOAD_MAX_BYTES = 2 * 1024 * 1024;
