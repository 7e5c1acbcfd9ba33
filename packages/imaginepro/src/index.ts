/**
 * `@mjgate/imaginepro`: the ImaginePro adapter of mjgate. `createImaginePro()` returns a
 * `MidjourneyClient` speaking the neutral job model, plus ImaginePro's extras (`promptCheck`,
 * `history`).
 *
 * @module @mjgate/imaginepro
 */
export { createImaginePro, IMAGINEPRO_PACE } from './client.js';
export { BUTTONS as IMAGINEPRO_BUTTONS, STATUS as IMAGINEPRO_STATUS } from './mapping.js';
export { FLUX_MAX_IMAGES as IMAGINEPRO_FLUX_MAX_IMAGES, FLUX_MODELS as IMAGINEPRO_FLUX_MODELS } from './requests.js';
export type {
  AccountInfo as ImagineProAccountInfo,
  ImagineProFluxOptions,
  ImagineProMessage,
  ImagineProProviderOptions,
} from './schemas.js';
export type {
  HistoryEntry,
  ImagineProAccount,
  ImagineProClient,
  ImagineProOptions,
  PromptCheckResult,
} from './types.js';
export {
  IMAGINEPRO_API_KEY_ENV,
  IMAGINEPRO_BASE_URL,
  IMAGINEPRO_BASE_URL_ENV,
  IMAGINEPRO_CAPABILITIES,
} from './vendor.js';
