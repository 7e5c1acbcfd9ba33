import { AuthenticationError, InvalidRequestError } from './errors.js';
import type { ProviderName } from './job.js';
import type { LogLevel } from './logger.js';
import type { Store } from './store.js';
import type { Logger } from './types.js';
import type { PollDefaults } from './wait.js';

/** Options every adapter factory takes (`createImaginePro`, `createAceData`, `createApiFrame`). */
export interface ProviderOptions {
  /** Falls back to the vendor's environment variable (`IMAGINEPRO_API_KEY`, …). */
  apiKey?: string;
  /**
   * The API's base URL; falls back to the vendor's environment variable (`IMAGINEPRO_BASE_URL`, …),
   * then the vendor's own host. May carry a path prefix, e.g. `http://127.0.0.1:8787/apiframe` for
   * the simulator.
   */
  baseURL?: string;
  /**
   * @deprecated Spelled `baseURL` now (as in the Vercel AI SDK and openai-node); `baseUrl` still
   * works. Giving both with different values is an `InvalidRequestError`.
   */
  baseUrl?: string;
  /**
   * A custom `fetch` (proxies, tests, edge runtimes). It is handed a `Request` whose `signal` aborts
   * when the caller aborts or the call's `timeoutMs` passes, so a wrapper that passes on only the
   * `Request` is still cut short.
   */
  fetch?: typeof globalThis.fetch;
  /** Limit for one HTTP call, ms. Default 60 000. */
  timeoutMs?: number;
  /** Retries of one HTTP call after the first attempt. Default 2. */
  maxRetries?: number;
  /** Retry backoff, full jitter: each wait is random(0, min(maxMs, baseMs·2ⁿ)). Default 500 ms / 8 s. */
  backoff?: { baseMs?: number; maxMs?: number };
  /**
   * Verifies callbacks: mjgate signs every callback URL it hands out with it (and APIFRAME also
   * echoes it in `x-webhook-secret`). Without it callbacks are accepted unverified.
   */
  webhookSecret?: string;
  /**
   * How long a signed callback URL verifies after the submission, ms. Default 72 hours: enough for a
   * relax-mode or video job and a late redelivery. A callback after that is rejected as expired.
   */
  webhookTtlMs?: number;
  /** Receives request/response/retry lines, with credentials redacted. `console` fits. */
  logger?: Logger;
  /**
   * Which lines reach the logger. Default: `MJGATE_LOG`, else `'debug'` with a `logger` (every
   * line) and `'silent'` without one. `MJGATE_LOG` with no `logger` logs to `console`.
   */
  logLevel?: LogLevel;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Polling defaults for `wait`/`watch`. */
  poll?: Partial<PollDefaults>;
  /**
   * Where the client keeps what processes on one API key must agree on: the vendor's paces and
   * concurrency limits, idempotency records, pending jobs, webhook fan-out. Default: a memory store
   * of this client's own (one process). `createRedisStore()` from `@mjgate/redis` shares it across
   * processes. Keys are scoped by vendor and a hash of the API key, never the key itself.
   */
  store?: Store;
  /** How long an `idempotencyKey` returns its job, ms. Default 24 hours. */
  idempotencyTtlMs?: number;
}

/** An environment variable, where the runtime has one (Node, Bun, Deno with permission); never a `node:` import. */
export function readEnv(name: string): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const value = env?.[name];
    return value?.trim() ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** The API key from the options or the environment; `AuthenticationError` saying what to set when there is none. */
export function resolveApiKey(apiKey: string | undefined, envName: string, provider: ProviderName): string {
  const key = apiKey?.trim() || readEnv(envName);
  if (!key) {
    throw new AuthenticationError(`No ${provider} API key: pass { apiKey } or set ${envName}.`, { provider });
  }
  return key;
}

/**
 * The base URL from the options (`baseURL`, or the deprecated `baseUrl`), else the environment
 * variable `envName`, else `defaultURL` (absent for a protocol with no host of its own).
 */
export function resolveBaseURL(
  options: { baseURL?: string; baseUrl?: string },
  envName: string,
  defaultURL: string,
): string;
export function resolveBaseURL(
  options: { baseURL?: string; baseUrl?: string },
  envName: string,
  defaultURL?: string,
): string | undefined;
export function resolveBaseURL(
  options: { baseURL?: string; baseUrl?: string },
  envName: string,
  defaultURL?: string,
): string | undefined {
  const current = options.baseURL?.trim() || undefined;
  const deprecated = options.baseUrl?.trim() || undefined;
  if (current && deprecated && current !== deprecated) {
    throw new InvalidRequestError(
      // No URL in the message: a base URL may carry a token in its path.
      'Both baseURL and baseUrl are set, to different URLs: baseUrl is the old spelling of baseURL. Keep only baseURL.',
    );
  }
  return current ?? deprecated ?? readEnv(envName) ?? defaultURL;
}
