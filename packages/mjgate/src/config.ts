import {
  InvalidRequestError,
  LOG_LEVEL_ENV,
  type Logger,
  type LogLevel,
  type MidjourneyClient,
  type ProviderName,
  type ProviderOptions,
  type Store,
} from '@mjgate/core';
import { type PollDefaults, readEnv } from '@mjgate/core/provider';
import {
  BUILTIN_PROVIDERS,
  BUILTIN_VENDORS,
  type BuiltinProvider,
  type BuiltinVendor,
  isBuiltin,
  type VendorOptions,
} from './vendors.js';

/** Environment variables per vendor: a view of {@link BUILTIN_VENDORS}. */
export const PROVIDER_ENV = Object.fromEntries(
  BUILTIN_PROVIDERS.map((name) => [name, BUILTIN_VENDORS[name].env]),
) as Readonly<Record<BuiltinProvider, BuiltinVendor['env']>>;

/** The gateway's own environment variables (each vendor's are in {@link BUILTIN_VENDORS}). */
export const GATEWAY_ENV = {
  /** The default vendor. */
  provider: 'MJGATE_PROVIDER',
  /** The fallback order, comma-separated. */
  fallback: 'MJGATE_FALLBACK',
  /** Signs and checks webhook callbacks. */
  webhookSecret: 'MJGATE_WEBHOOK_SECRET',
  /** The per-call timeout, ms. */
  timeoutMs: 'MJGATE_TIMEOUT_MS',
  /** The log level (`debug`, `info`, `warn`, `error`, `silent`), read by every client. */
  logLevel: LOG_LEVEL_ENV,
} as const;

/**
 * One vendor's entry in `providers`: its adapter's options, or a ready client (your own adapter,
 * or `createMockProvider()` from `@mjgate/core/testing` in tests).
 */
export type ProviderEntry = ProviderOptions | VendorOptions<BuiltinProvider> | MidjourneyClient;

/** Each built-in vendor with its own adapter's options (so an option its adapter lacks is a type error), or a ready client. */
export type BuiltinProvidersConfig = { [Name in BuiltinProvider]?: VendorOptions<Name> | MidjourneyClient };

/** The `providers` map: each built-in vendor with its own adapter's options, or any vendor as a ready client. */
export interface ProvidersConfig extends BuiltinProvidersConfig {
  [name: string]: ProviderEntry | undefined;
}

/** Configuration of {@link createGateway}. */
export interface GatewayConfig {
  /** The vendors to use, each with its adapter's options (`{ apiKey, baseURL, … }`). */
  providers?: ProvidersConfig;
  /** The vendor new submissions go to first. Default: `MJGATE_PROVIDER`, else the first configured. */
  default?: ProviderName;
  /** Vendors tried in order when the default certainly did not create the job (down, rate-limited, out of credits, bad key). */
  fallback?: ProviderName[];
  /** How long a vendor that keeps failing is skipped, ms. Default 30 000. */
  cooldownMs?: number;
  /** Consecutive failures that start a cool-down. Default 3. */
  cooldownAfter?: number;
  /** Shared adapter settings; a vendor's own entry wins. */
  timeoutMs?: number;
  /** Retries of one HTTP call after the first attempt (see `ProviderOptions.maxRetries`). */
  maxRetries?: number;
  /** The delays between retries, ms (exponential with jitter, capped at `maxMs`). */
  backoff?: ProviderOptions['backoff'];
  /** Signs every callback URL and checks it on arrival (`MJGATE_WEBHOOK_SECRET`). */
  webhookSecret?: string;
  /** How long a signed callback URL is accepted, in ms, for every vendor (default 72 hours). */
  webhookTtlMs?: number;
  /** Polling of `wait`/`watch`/`run`: first and longest interval and overall deadline, ms. */
  poll?: Partial<PollDefaults>;
  /** The `fetch` every vendor request goes through (a proxy agent, a test double). Default: the global one. */
  fetch?: typeof globalThis.fetch;
  /** Receives log lines (secrets masked); `console` fits. */
  logger?: Logger;
  /** Which lines reach `logger`, for the gateway and every vendor; see `ProviderOptions.logLevel`. */
  logLevel?: LogLevel;
  /**
   * Where every vendor's client and the gateway keep what instances on the same keys share: paces,
   * limits, vendor health (failure counts, cool-downs), idempotency records, pending jobs, webhook
   * fan-out. Default: one memory store for this gateway. `createRedisStore()` from `@mjgate/redis`
   * shares it across processes.
   */
  store?: Store;
  /** How long an `idempotencyKey` returns its job, ms, for the gateway and every vendor. Default 24 hours. */
  idempotencyTtlMs?: number;
  /** Told each time a submission moves on to the next vendor. */
  onFallback?: (event: { from: ProviderName; to: ProviderName; error: Error }) => void;
}

export function isClient(entry: ProviderEntry | undefined): entry is MidjourneyClient {
  return !!entry && typeof (entry as MidjourneyClient).imagine === 'function';
}

/** Reads the gateway configuration from the environment (`MJGATE_PROVIDER`, `MJGATE_FALLBACK`, `*_API_KEY`, `*_BASE_URL`). */
export function configFromEnv(): GatewayConfig {
  const providers: GatewayConfig['providers'] = {};
  for (const name of BUILTIN_PROVIDERS) {
    const { env } = BUILTIN_VENDORS[name];
    const apiKey = readEnv(env.apiKey);
    const baseURL = readEnv(env.baseURL);
    if (apiKey) providers[name] = { apiKey, ...(baseURL ? { baseURL } : {}) };
  }
  const fallback = readEnv(GATEWAY_ENV.fallback)
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const timeout = readEnv(GATEWAY_ENV.timeoutMs);
  return {
    providers,
    default: readEnv(GATEWAY_ENV.provider),
    fallback,
    webhookSecret: readEnv(GATEWAY_ENV.webhookSecret),
    ...(timeout ? { timeoutMs: envNumber(GATEWAY_ENV.timeoutMs, timeout) } : {}),
  };
}

/** A positive number from the environment; a typo is a configuration error, not a NaN limit. */
function envNumber(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new InvalidRequestError(
      `${name} must be a number of milliseconds above 0 (e.g. 60000); got ${JSON.stringify(value)}. Fix or unset it.`,
    );
  }
  return number;
}

/** The numeric settings, checked once at creation so a bad value never turns into a NaN timer. */
function checkNumbers(config: GatewayConfig): void {
  const bad = (setting: string, value: number, want: string) =>
    new InvalidRequestError(`${setting} must be ${want}; got ${value}.`);
  const { timeoutMs, maxRetries, cooldownMs, cooldownAfter } = config;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0))
    throw bad('timeoutMs', timeoutMs, 'a number of milliseconds above 0');
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0))
    throw bad('maxRetries', maxRetries, 'a whole number ≥ 0');
  if (cooldownMs !== undefined && !(Number.isFinite(cooldownMs) && cooldownMs >= 0))
    throw bad('cooldownMs', cooldownMs, 'a number of milliseconds ≥ 0');
  if (cooldownAfter !== undefined && !(Number.isInteger(cooldownAfter) && cooldownAfter >= 1))
    throw bad('cooldownAfter', cooldownAfter, 'a whole number ≥ 1');
}

/** Checks a configuration and returns the default vendor and the configured names, or says what to set. */
export function checkConfig(config: GatewayConfig): { names: string[]; primary: string; fallback: string[] } {
  checkNumbers(config);
  const entries = Object.entries(config.providers ?? {}).filter(([, entry]) => entry !== undefined);
  const names = entries.map(([name]) => name);
  for (const [name, entry] of entries) {
    if (!isBuiltin(name) && !isClient(entry)) {
      throw new InvalidRequestError(
        `Unknown provider "${name}". Built-in providers are ${BUILTIN_PROVIDERS.join(', ')}; for your own adapter, pass its client instance.`,
      );
    }
  }
  const wanted = config.default ?? names[0];
  if (!wanted) {
    throw new InvalidRequestError(
      `No provider configured. Pass providers: { ${BUILTIN_PROVIDERS[0]}: { apiKey } } (or ${BUILTIN_PROVIDERS.slice(1).join(' / ')}), or set one of ${apiKeyVariables().join(', ')}.`,
    );
  }
  const explain = (name: string, role: string) => {
    if (isBuiltin(name)) {
      return `${role} provider "${name}" is not configured: add providers.${name} = { apiKey }, or set ${BUILTIN_VENDORS[name].env.apiKey}.`;
    }
    return `${role} provider "${name}" is unknown. Built-in providers are ${BUILTIN_PROVIDERS.join(', ')}.`;
  };
  if (!names.includes(wanted)) throw new InvalidRequestError(explain(wanted, 'The default'));
  const fallback = [...new Set(config.fallback ?? [])].filter((name) => name !== wanted);
  for (const name of fallback) if (!names.includes(name)) throw new InvalidRequestError(explain(name, 'The fallback'));
  return { names, primary: wanted, fallback };
}

/** Every built-in vendor's API-key variable, in the registry's order: what to set to use a real vendor. */
export function apiKeyVariables(): string[] {
  return BUILTIN_PROVIDERS.map((name) => BUILTIN_VENDORS[name].env.apiKey);
}
