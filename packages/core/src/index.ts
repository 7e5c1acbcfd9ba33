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
export { Batcher, type BatcherOptions } from './batch.js';
export { createClient, type JobRef, type ProviderDefinition, type ResolvedVideoInput } from './client.js';
export {
  AuthenticationError,
  ContentPolicyError,
  type ErrorCode,
  type ErrorSummary,
  guardSecrets,
  InsufficientCreditsError,
  InvalidRequestError,
  JobFailedError,
  JobTimeoutError,
  MjGateError,
  type MjGateErrorOptions,
  maskSecrets,
  NotFoundError,
  networkCode,
  ProviderError,
  RateLimitError,
  ResponseValidationError,
  redact,
  type Submission,
  summarizeError,
  TimeoutError,
  UnsupportedError,
  WebhookVerificationError,
} from './errors.js';
export { OutputGuard, submissionOf } from './guard.js';
export {
  definedOnly,
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
export { type ProviderOptions, readEnv, resolveApiKey } from './options.js';
export { composePrompt, modeFlag, type PromptParts } from './prompt.js';
export {
  actionInputSchema,
  blendInputSchema,
  describeInputSchema,
  faceSwapInputSchema,
  imagineInputSchema,
  shortenInputSchema,
  validateInput,
  videoInputSchema,
} from './schemas.js';
export { Pacer, sleep } from './sleep.js';
export {
  nearestFirst,
  operationMatches,
  promptMatches,
  readIfKnown,
  SUBMISSION_CLOCK_SKEW_MS,
  submissionWindowStart,
} from './submission.js';
export {
  type CallKind,
  type HttpFailure,
  type HttpResult,
  HttpTransport,
  httpError,
  parseRetryAfter,
  type RequestSpec,
  type TransportConfig,
  vendorMessage,
} from './transport.js';
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
export { countUrls, httpUrl, httpUrls, requireUsableResult } from './urls.js';
export { VERSION } from './version.js';
export { DEFAULT_POLL, deadlineError, jobFingerprint, type PollDefaults, waitFor, watchJob } from './wait.js';
export {
  checkWebhookJob,
  DEFAULT_WEBHOOK_MAX_BODY_BYTES,
  DEFAULT_WEBHOOK_TTL_MS,
  foreignField,
  headerValue,
  hmacSha256,
  issuedWebhookJob,
  readLimitedBody,
  rememberWebhookJob,
  signWebhookUrl,
  timingSafeEqual,
  verifyWebhookUrl,
  WEBHOOK_PARAMS,
  type WebhookContext,
  WebhookJobRecord,
  type WebhookSigningOptions,
  type WebhookVerifyOptions,
  webhookContext,
  webhookJson,
  webhookProvider,
  webhookRequestFromFetch,
} from './webhook.js';
