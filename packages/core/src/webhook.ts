import { type ActionId, isActionId } from './actions.js';
import { InvalidRequestError, WebhookVerificationError } from './errors.js';
import { isOperation, type Operation, type ProviderName } from './job.js';
import type { WebhookRequest } from './types.js';

/** Query parameters mjgate adds to the callback URLs it hands to vendors. */
export const WEBHOOK_PARAMS = {
  provider: 'mjgate_provider',
  nonce: 'mjgate_nonce',
  signature: 'mjgate_sig',
  operation: 'mjgate_op',
  action: 'mjgate_action',
  parentId: 'mjgate_parent',
  ref: 'mjgate_ref',
} as const;

/**
 * What a submission knew that a vendor's callback body may not repeat: carried in the callback URL
 * (and covered by its signature), so a callback maps to the same `Job` as polling.
 */
export interface WebhookContext {
  operation?: Operation;
  action?: ActionId;
  /** The full neutral id of the job acted on. */
  parentId?: string;
  ref?: string;
}

const CONTEXT_KEYS = ['operation', 'action', 'parentId', 'ref'] as const;

/** What the signature covers: the vendor, the nonce and every context value, in a fixed order. */
function signedText(provider: ProviderName, nonce: string, params: URLSearchParams): string {
  return [provider, nonce, ...CONTEXT_KEYS.map((k) => encodeURIComponent(params.get(WEBHOOK_PARAMS[k]) ?? ''))].join(
    '.',
  );
}

const encoder = new TextEncoder();

/** Compares two strings in time that depends only on their lengths, not on where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const length = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

function base64url(bytes: ArrayBuffer): string {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** HMAC-SHA256 of `data` under `secret`, base64url. Web Crypto, so it runs on edge runtimes too. */
export async function hmacSha256(secret: string, data: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return base64url(await crypto.subtle.sign('HMAC', key, encoder.encode(data)));
}

function randomNonce(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return base64url(bytes.buffer);
}

/**
 * Tags a callback URL with the vendor it is for and the submission's {@link WebhookContext} and, when
 * `secret` is given, signs it: a random nonce and `HMAC-SHA256(secret, provider.nonce.context…)` go
 * in the query. Only the query is signed, so the URL still verifies behind proxies that rewrite host
 * or path; the context is signed too, so nobody can re-label a callback without the secret.
 */
export async function signWebhookUrl(
  url: string,
  provider: ProviderName,
  secret?: string,
  context: WebhookContext = {},
): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidRequestError(`webhookUrl must be an absolute URL; got ${JSON.stringify(url)}.`, { provider });
  }
  const params = parsed.searchParams;
  params.set(WEBHOOK_PARAMS.provider, provider);
  for (const key of CONTEXT_KEYS) {
    const value = context[key];
    if (value !== undefined) params.set(WEBHOOK_PARAMS[key], value);
    else params.delete(WEBHOOK_PARAMS[key]);
  }
  params.delete(WEBHOOK_PARAMS.nonce);
  params.delete(WEBHOOK_PARAMS.signature);
  if (secret) {
    const nonce = randomNonce();
    params.set(WEBHOOK_PARAMS.nonce, nonce);
    params.set(WEBHOOK_PARAMS.signature, await hmacSha256(secret, signedText(provider, nonce, params)));
  }
  return parsed.toString();
}

/** The vendor a callback URL was handed out for, if mjgate tagged it. */
export function webhookProvider(url: string): ProviderName | undefined {
  return queryOf(url)?.get(WEBHOOK_PARAMS.provider) ?? undefined;
}

/** The {@link WebhookContext} mjgate put in a callback URL; unknown operations and actions are dropped. */
export function webhookContext(url: string): WebhookContext {
  const params = queryOf(url);
  if (!params) return {};
  const operation = params.get(WEBHOOK_PARAMS.operation);
  const action = params.get(WEBHOOK_PARAMS.action);
  const context: WebhookContext = {};
  if (isOperation(operation)) context.operation = operation;
  if (isActionId(action)) context.action = action;
  const parentId = params.get(WEBHOOK_PARAMS.parentId);
  if (parentId) context.parentId = parentId;
  const ref = params.get(WEBHOOK_PARAMS.ref);
  if (ref !== null) context.ref = ref;
  return context;
}

function queryOf(url: string): URLSearchParams | undefined {
  try {
    return new URL(url, 'http://localhost').searchParams;
  } catch {
    return undefined;
  }
}

/** Throws `WebhookVerificationError` unless `url` carries a valid mjgate signature for `provider`. */
export async function verifyWebhookUrl(url: string, provider: ProviderName, secret: string): Promise<void> {
  const params = queryOf(url) ?? new URLSearchParams();
  const nonce = params.get(WEBHOOK_PARAMS.nonce);
  const signature = params.get(WEBHOOK_PARAMS.signature);
  const tagged = params.get(WEBHOOK_PARAMS.provider);
  if (!nonce || !signature || tagged !== provider) {
    throw new WebhookVerificationError(
      `The ${provider} callback is not signed by mjgate (no ${WEBHOOK_PARAMS.signature} for this vendor in its URL). Reject it.`,
      { provider },
    );
  }
  const expected = await hmacSha256(secret, signedText(provider, nonce, params));
  if (!timingSafeEqual(signature, expected)) {
    throw new WebhookVerificationError(
      `The ${provider} callback's signature does not match webhookSecret (or its URL was altered). Reject it.`,
      { provider },
    );
  }
}

/** One header of a webhook request, whatever shape its headers came in. */
export function headerValue(headers: WebhookRequest['headers'], name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  for (const [k, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (k.toLowerCase() === lower) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** The body of a webhook request parsed as JSON; `WebhookVerificationError` when it is not JSON. */
export function webhookJson(request: WebhookRequest, provider: ProviderName): unknown {
  const text = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new WebhookVerificationError(`The ${provider} callback body is not JSON.`, { provider, cause });
  }
}

/** Reads a Fetch API `Request` (Hono, Next.js, Workers, Bun) into a {@link WebhookRequest}. */
export async function webhookRequestFromFetch(request: Request): Promise<WebhookRequest> {
  return { url: request.url, headers: request.headers, body: await request.text() };
}
