import { InvalidRequestError, type Logger, type ProviderOptions } from '@mjgate/core';
import { resolveApiKey, resolveBaseURL, resolveLogger } from '@mjgate/core/provider';
import type { ModeVia } from './requests.js';
import { MJPROXY_API_KEY_ENV, MJPROXY_BASE_URL_ENV, PROVIDER } from './vendor.js';

/**
 * How the key is sent (§1.2, §12.1). `'mj-api-secret'`: the protocol's own header, the one every
 * dialect reads (novicezk, plus, trueai, new-api). `'bearer'`: `Authorization: Bearer <key>`, as most
 * relays' docs show. `'raw'`: `Authorization: <key>`, as trueai and an older DeerAPI page show.
 * Exactly one header is sent: trueai reads `Authorization` first, so sending both breaks it.
 */
export type MjProxyAuthScheme = 'mj-api-secret' | 'bearer' | 'raw';

/** The authentication header of a scheme (one header, never two). */
export function authHeaders(scheme: MjProxyAuthScheme, apiKey: string): Record<string, string> {
  switch (scheme) {
    case 'bearer':
      return { authorization: `Bearer ${apiKey}` };
    case 'raw':
      return { authorization: apiKey };
    default:
      return { 'mj-api-secret': apiKey };
  }
}

/** Options of `createMjProxy`: the common adapter options, plus how this server wants the key and the mode. */
export interface MjProxyOptions extends ProviderOptions {
  /**
   * The server: host plus an optional path prefix (`https://relay.example`, `http://10.0.0.5:8080/proxy`);
   * the adapter appends `/mj/…` itself, and a trailing `/mj` is tolerated. Falls back to
   * `MJPROXY_BASE_URL`. There is no default host.
   */
  baseURL?: string;
  /**
   * How the key is sent: `'mj-api-secret'` (default; every dialect reads it), `'bearer'`
   * (`Authorization: Bearer <key>`, as most relays document) or `'raw'` (`Authorization: <key>`).
   * Only one header is ever sent.
   */
  authScheme?: MjProxyAuthScheme;
  /**
   * How `mode` ('fast' | 'relax' | 'turbo') travels: `'prompt'` (default) as `--fast`/`--relax`/`--turbo`
   * in the prompt, which every Discord-backed server forwards; `'path'` as trueai's `/mj-<mode>/mj/…`
   * prefix (trueai and new-api relays; a 404 on novicezk).
   */
  modeVia?: ModeVia;
}

const AUTH_SCHEMES: readonly MjProxyAuthScheme[] = ['mj-api-secret', 'bearer', 'raw'];

/** What the client is built from, checked: the key (else `MJPROXY_API_KEY`), the server and its header. */
export interface Settings {
  apiKey: string;
  baseUrl: string;
  authHeaders: Record<string, string>;
  modeVia: ModeVia;
  /** The logger at its level (`logLevel`, `MJGATE_LOG`), or none. */
  logger: Logger | undefined;
}

const refuse = (message: string): never => {
  throw new InvalidRequestError(message, { provider: PROVIDER });
};

/**
 * The checked settings (§10). The key first (`AuthenticationError` naming `MJPROXY_API_KEY`), then the
 * base URL: none is an `InvalidRequestError`, since the protocol has no default host (§1.1); a
 * trailing `/mj` is dropped because the adapter appends `/mj/…` itself.
 */
export function resolveSettings(options: MjProxyOptions): Settings {
  const apiKey = resolveApiKey(options.apiKey, MJPROXY_API_KEY_ENV, PROVIDER);
  const given = resolveBaseURL(options, MJPROXY_BASE_URL_ENV);
  if (!given) {
    refuse(
      `No ${PROVIDER} base URL: the midjourney-proxy protocol has no default host. Pass { baseURL: 'https://your-proxy.example' } or set ${MJPROXY_BASE_URL_ENV}.`,
    );
  }
  const scheme = options.authScheme ?? 'mj-api-secret';
  if (!AUTH_SCHEMES.includes(scheme)) refuse(`authScheme must be one of ${AUTH_SCHEMES.join(', ')}.`);
  const modeVia = options.modeVia ?? 'prompt';
  if (modeVia !== 'prompt' && modeVia !== 'path') refuse("modeVia must be 'prompt' or 'path'.");
  return {
    apiKey,
    baseUrl: (given as string).replace(/\/+$/, '').replace(/\/mj$/i, ''),
    authHeaders: authHeaders(scheme, apiKey),
    modeVia,
    logger: resolveLogger(options),
  };
}
