import type { AceDataOptions } from '@mjgate/acedata';
import type { ApiFrameOptions } from '@mjgate/apiframe';
import {
  InvalidRequestError,
  type Logger,
  type MidjourneyClient,
  type PollDefaults,
  type ProviderName,
  type ProviderOptions,
  readEnv,
} from '@mjgate/core';
import type { ImagineProOptions } from '@mjgate/imaginepro';

/** The vendors mjgate ships adapters for. */
export const BUILTIN_PROVIDERS = ['imaginepro', 'acedata', 'apiframe'] as const;
export type BuiltinProvider = (typeof BUILTIN_PROVIDERS)[number];

/** Environment variables per vendor. */
export const PROVIDER_ENV: Record<BuiltinProvider, { apiKey: string; baseUrl: string }> = {
  imaginepro: { apiKey: 'IMAGINEPRO_API_KEY', baseUrl: 'IMAGINEPRO_BASE_URL' },
  acedata: { apiKey: 'ACEDATA_API_KEY', baseUrl: 'ACEDATA_BASE_URL' },
  apiframe: { apiKey: 'APIFRAME_API_KEY', baseUrl: 'APIFRAME_BASE_URL' },
};

/**
 * One vendor's entry in `providers`: its adapter's options, or a ready client (your own adapter,
 * or `createMockProvider()` from `@mjgate/core/testing` in tests).
 */
export type ProviderEntry = ProviderOptions | ImagineProOptions | AceDataOptions | ApiFrameOptions | MidjourneyClient;

/** The `providers` map: each built-in vendor with its own adapter's options, or any vendor as a ready client. */
export interface ProvidersConfig {
  imaginepro?: ImagineProOptions | MidjourneyClient;
  acedata?: AceDataOptions | MidjourneyClient;
  apiframe?: ApiFrameOptions | MidjourneyClient;
  [name: string]: ProviderEntry | undefined;
}

/** Configuration of {@link createGateway}. */
export interface GatewayConfig {
  /** The vendors to use, each with its adapter's options (`{ apiKey, baseUrl, … }`). */
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
  maxRetries?: number;
  backoff?: ProviderOptions['backoff'];
  webhookSecret?: string;
  /** How long a signed callback URL is accepted, in ms, for every vendor (default 72 hours). */
  webhookTtlMs?: number;
  poll?: Partial<PollDefaults>;
  fetch?: typeof globalThis.fetch;
  logger?: Logger;
  /** Told each time a submission moves on to the next vendor. */
  onFallback?: (event: { from: ProviderName; to: ProviderName; error: Error }) => void;
}

export function isClient(entry: ProviderEntry | undefined): entry is MidjourneyClient {
  return !!entry && typeof (entry as MidjourneyClient).imagine === 'function';
}

function isBuiltin(name: string): name is BuiltinProvider {
  return (BUILTIN_PROVIDERS as readonly string[]).includes(name);
}

/** Reads the gateway configuration from the environment (`MJGATE_PROVIDER`, `MJGATE_FALLBACK`, `*_API_KEY`, `*_BASE_URL`). */
export function configFromEnv(): GatewayConfig {
  const providers: GatewayConfig['providers'] = {};
  for (const name of BUILTIN_PROVIDERS) {
    const apiKey = readEnv(PROVIDER_ENV[name].apiKey);
    const baseUrl = readEnv(PROVIDER_ENV[name].baseUrl);
    if (apiKey) providers[name] = { apiKey, ...(baseUrl ? { baseUrl } : {}) };
  }
  const fallback = readEnv('MJGATE_FALLBACK')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const timeout = readEnv('MJGATE_TIMEOUT_MS');
  return {
    providers,
    default: readEnv('MJGATE_PROVIDER'),
    fallback,
    webhookSecret: readEnv('MJGATE_WEBHOOK_SECRET'),
    ...(timeout ? { timeoutMs: envNumber('MJGATE_TIMEOUT_MS', timeout) } : {}),
  };
}

/** A positive number from the environment; a typo is a configuration error, not a NaN limit. */
function envNumber(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new InvalidRequestError(
      `${name} must be a number of milliseconds above 0 (e.g. 60000); got ${JSON.stringify(value)}. Fix or unset it.`,
    );
  }
  return n;
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
  const entries = Object.entries(config.providers ?? {}).filter(([, e]) => e !== undefined);
  const names = entries.map(([n]) => n);
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
      `No provider configured. Pass providers: { imaginepro: { apiKey } } (or acedata / apiframe), or set one of ${BUILTIN_PROVIDERS.map((p) => PROVIDER_ENV[p].apiKey).join(', ')}.`,
    );
  }
  const explain = (name: string, role: string) => {
    if (isBuiltin(name)) {
      return `${role} provider "${name}" is not configured: add providers.${name} = { apiKey }, or set ${PROVIDER_ENV[name].apiKey}.`;
    }
    return `${role} provider "${name}" is unknown. Built-in providers are ${BUILTIN_PROVIDERS.join(', ')}.`;
  };
  if (!names.includes(wanted)) throw new InvalidRequestError(explain(wanted, 'The default'));
  const fallback = [...new Set(config.fallback ?? [])].filter((f) => f !== wanted);
  for (const f of fallback) if (!names.includes(f)) throw new InvalidRequestError(explain(f, 'The fallback'));
  return { names, primary: wanted, fallback };
}
