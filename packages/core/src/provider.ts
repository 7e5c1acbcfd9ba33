/**
 * `@mjgate/core/provider`: the toolkit for writing a vendor adapter. Application code never needs
 * it — it imports `@mjgate/core` (the job model, errors, inputs and the client interface).
 *
 * An adapter is a {@link ProviderDefinition} handed to {@link createClient}, which adds input
 * validation, capability checks, waiting, batching, webhook signing and the output guard; the
 * adapter's own code is its request table, its response mapping and the vendor's quirks, built
 * from the pieces here: the HTTP transport (one retry loop with the read/submit rules), pacing and
 * concurrency limits, prompt composition, webhook signing and parsing, URL and secret hygiene,
 * and the helpers that find a lost submission again.
 *
 * @module @mjgate/core/provider
 */
export { Batcher, type BatcherOptions } from './batch.js';
export { createClient, type JobRef, type ProviderDefinition, type ResolvedVideoInput } from './client.js';
export { guardSecrets, maskSecrets, networkCode, summarizeError } from './errors.js';
export { jobFeed, publishJob } from './fan-out.js';
export { OutputGuard, submissionOf } from './guard.js';
export { IDEMPOTENCY_CLAIM_MS, type IdempotentSubmission, submitOnce } from './idempotency.js';
export { definedOnly, emptyJob, formatJobId, parseJobId } from './job.js';
export { ConcurrencyLimit, DEFAULT_LEASE_MS, type SharedLimit } from './limit.js';
export { filterLogger, LOG_LEVEL_ENV, LOG_LEVELS, resolveLogger } from './logger.js';
export { type MaskFormat, normalizeMask } from './mask.js';
export { SubmissionMemo, type SubmissionMemoOptions } from './memo.js';
export { DEFAULT_NDJSON_MAX_LINE_LENGTH, type NdjsonReadOptions, readNdjsonLines } from './ndjson.js';
export { readEnv, resolveApiKey, resolveBaseURL } from './options.js';
export { PendingJobs } from './pending.js';
export { DEFAULT_EXPECTED_MS, type JobKind, jobKind, PollSchedule, type ScheduleSettings } from './poll-schedule.js';
export { composePrompt, modeFlag, type PromptParts } from './prompt.js';
export { parseProviderOptions } from './provider-options.js';
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
export { Pacer, type SharedPace, sleep } from './sleep.js';
export {
  DEFAULT_IDEMPOTENCY_TTL_MS,
  type StoreScope,
  type StoreScopeOptions,
  scopeName,
  storeName,
  storeScope,
  storeUnavailable,
  warnStoreDown,
} from './store-scope.js';
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
  loadTransport,
  parseRetryAfter,
  type RequestSpec,
  type TransportConfig,
  vendorMessage,
} from './transport.js';
export { countUrls, httpUrl, httpUrls, requireUsableResult } from './urls.js';
export {
  DEFAULT_POLL,
  deadlineError,
  type JobFeed,
  jobFingerprint,
  type PollDefaults,
  waitFor,
  watchJob,
} from './wait.js';
export {
  checkWebhookJob,
  DEFAULT_WEBHOOK_MAX_BODY_BYTES,
  foreignField,
  headerValue,
  hmacSha256,
  issuedWebhookJob,
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
} from './webhook.js';
export { saysVendor, VENDOR_WORDING, type VendorWording } from './wording.js';
