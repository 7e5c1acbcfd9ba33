/**
 * `@mjgate/apiframe`: the APIFRAME adapter of mjgate. {@link createApiFrame} returns a
 * `MidjourneyClient` speaking APIFRAME's v1 Midjourney API (`https://api.apiframe.pro`).
 *
 * @module @mjgate/apiframe
 */
import type { ResultShape } from './requests.js';

export { APIFRAME_CAPABILITIES } from './capabilities.js';
export { type ApiFrameClient, type ApiFrameOptions, createApiFrame } from './client.js';
export { STATUS_MAP } from './mapping.js';
export { ACTION_ROUTES, type ActionRoute, type ResultShape, SUPPORTED_ACTIONS } from './requests.js';
export type { UploadFile, UploadOptions, UploadResult } from './upload.js';
export {
  APIFRAME_API_KEY_ENV,
  APIFRAME_BASE_URL,
  APIFRAME_BASE_URL_ENV,
  APIFRAME_UPLOAD_MAX_BYTES,
} from './vendor.js';

/** @deprecated Renamed {@link ResultShape} (a result's shape, as follow-up endpoints see it). */
export type ResultKind = ResultShape;
