/**
 * `@mjgate/imaginepro/vendor`: who the vendor is, without the client — its host, the environment it
 * reads and its capabilities. The `mjgate` gateway imports this light entry and loads the adapter
 * (`@mjgate/imaginepro`) only when a gateway is configured with ImaginePro.
 *
 * @module @mjgate/imaginepro/vendor
 */
export { IMAGINEPRO_CAPABILITIES } from './capabilities.js';

/** ImaginePro's API host (§1). */
export const IMAGINEPRO_BASE_URL = 'https://api.imaginepro.ai';
/** Where the API key is read from when `apiKey` is not given. */
export const IMAGINEPRO_API_KEY_ENV = 'IMAGINEPRO_API_KEY';
/** Where the base URL is read from when `baseURL` is not given (else {@link IMAGINEPRO_BASE_URL}). */
export const IMAGINEPRO_BASE_URL_ENV = 'IMAGINEPRO_BASE_URL';
