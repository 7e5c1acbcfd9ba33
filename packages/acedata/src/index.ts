/**
 * `@mjgate/acedata`: the AceData Cloud Midjourney API behind mjgate's neutral job model.
 *
 * @example
 * import { createAceData } from '@mjgate/acedata';
 * const mj = createAceData(); // ACEDATA_API_KEY
 * const grid = await mj.run({ prompt: 'a red fox in snow', aspectRatio: '16:9' });
 * const upscaled = await mj.wait(await mj.upscale(grid, 1));
 *
 * @module @mjgate/acedata
 */

export { ACEDATA_ACTION_IDS, ACEDATA_CAPABILITIES, type AceDataActionId } from './capabilities.js';
export { createAceData } from './client.js';
export { ACTIONS as ACEDATA_ACTIONS, type ActionEntry as AceDataActionEntry } from './mapping.js';
export {
  ACEDATA_API_KEY_ENV,
  ACEDATA_BASE_URL,
  ACEDATA_BASE_URL_ENV,
  ACEDATA_BATCH_MAX,
  ACEDATA_MAX_IN_FLIGHT,
  type AceDataClient,
  type AceDataOptions,
} from './options.js';
export type {
  AceDataActionOptions,
  AceDataEditInput,
  AceDataImagineOptions,
  AceDataRecordRequest,
  AceDataResult,
  AceDataTaskRecord,
  AceDataVideoOptions,
} from './schemas.js';
