/**
 * `@mjgate/acedata/vendor`: who the vendor is, without the client — its host, the environment it
 * reads and its capabilities. The `mjgate` gateway imports this light entry and loads the adapter
 * (`@mjgate/acedata`) only when a gateway is configured with AceData.
 *
 * @module @mjgate/acedata/vendor
 */
export { ACEDATA_CAPABILITIES } from './capabilities.js';
export { ACEDATA_API_KEY_ENV, ACEDATA_BASE_URL, ACEDATA_BASE_URL_ENV } from './options.js';
