/**
 * `@mjgate/apiframe`: the APIFRAME adapter of mjgate. {@link createApiFrame} returns a
 * `MidjourneyClient` speaking APIFRAME's v1 Midjourney API (`https://api.apiframe.pro`).
 *
 * @packageDocumentation
 */
export {
  APIFRAME_API_KEY_ENV,
  APIFRAME_BASE_URL,
  APIFRAME_UPLOAD_MAX_BYTES,
  type ApiFrameClient,
  type ApiFrameOptions,
  createApiFrame,
  type UploadFile,
  type UploadOptions,
  type UploadResult,
} from './client.js';
export { ACTION_ROUTES, type ActionRoute, type ResultKind, STATUS_MAP, SUPPORTED_ACTIONS } from './mapping.js';
