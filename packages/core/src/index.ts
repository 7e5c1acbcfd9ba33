/**
 * `@mjgate/core`: what application code uses — the neutral `Job` and its ids, the canonical
 * actions, the errors, the input and option types, and the `MidjourneyClient` every adapter and the
 * gateway implement. The toolkit for writing an adapter is `@mjgate/core/provider`.
 *
 * @module @mjgate/core
 */
export {
  ACTION_IDS,
  type ActionId,
  actionIndex,
  actionRequirements,
  GRID_ACTIONS,
  isActionId,
  parseAction,
  UPSCALED_ACTIONS,
} from './actions.js';
export {
  AuthenticationError,
  ContentPolicyError,
  type ErrorChanges,
  type ErrorCode,
  type ErrorSummary,
  InsufficientCreditsError,
  InvalidRequestError,
  JobFailedError,
  JobTimeoutError,
  MjGateError,
  type MjGateErrorOptions,
  NotFoundError,
  ProviderError,
  RateLimitError,
  ResponseValidationError,
  redact,
  StoreUnavailableError,
  type Submission,
  TimeoutError,
  UnsupportedError,
  WebhookVerificationError,
} from './errors.js';
export {
  emptyJob,
  formatJobId,
  isOperation,
  isTerminal,
  type Job,
  type JobImage,
  type JobStatus,
  jobIdOf,
  mergeJob,
  OPERATIONS,
  type Operation,
  type ProviderName,
  parseJobId,
  TERMINAL_STATUSES,
} from './job.js';
export { LOG_LEVEL_ENV, LOG_LEVELS, type LogLevel } from './logger.js';
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { MIDJOURNEY_MODEL, type ModelName, modelOf, modelsOf } from './models.js';
export type { ProviderOptions } from './options.js';
export type { Store } from './store.js';
export type {
  Account,
  ActionInput,
  BlendInput,
  CallOptions,
  Capabilities,
  DescribeInput,
  FaceSwapInput,
  ImagineInput,
  Logger,
  MidjourneyClient,
  ShortenInput,
  VideoInput,
  WaitOptions,
  WebhookRequest,
} from './types.js';
export { httpUrl } from './urls.js';
export { VERSION } from './version.js';
export { DEFAULT_WEBHOOK_TTL_MS, readLimitedBody, webhookRequestFromFetch } from './webhook.js';
