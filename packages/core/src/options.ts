import { AuthenticationError } from './errors.js';
import type { ProviderName } from './job.js';
import type { Logger } from './types.js';
import type { PollDefaults } from './wait.js';

/** Options every adapter factory takes (`createImaginePro`, `createAceData`, `createApiFrame`). */
export interface ProviderOptions {
  /** Falls back to the vendor's environment variable (`IMAGINEPRO_API_KEY`, …). */
  apiKey?: string;
  /** May carry a path prefix, e.g. `http://127.0.0.1:8787/apiframe` for the simulator. */
  baseUrl?: string;
  /** A custom `fetch` (proxies, tests, edge runtimes). */
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
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Polling defaults for `wait`/`watch`. */
  poll?: Partial<PollDefaults>;
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
