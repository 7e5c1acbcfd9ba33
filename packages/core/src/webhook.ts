import { type ActionId, isActionId } from './actions.js';
import { InvalidRequestError, WebhookVerificationError } from './errors.js';
import { isOperation, type Job, type Operation, type ProviderName } from './job.js';
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
  /** When the signed URL stops verifying: Unix time in seconds, covered by the signature. */
  expires: 'mjgate_exp',
  /**
   * Prefix of the adapter's own values ({@link WebhookContext.vendorValues}): `mjgate_vendor_<name>`,
   * covered by the signature like the rest of the context.
   */
  vendorValuePrefix: 'mjgate_vendor_',
} as const;

/**
 * How long a signed callback URL verifies after the submission, by default: 72 hours. Long enough for
 * a relax-mode job that waits hours in Midjourney's queue, a video job, and a vendor that redelivers
 * a callback later; short enough that a URL seen in a log stops working within days.
 */
export const DEFAULT_WEBHOOK_TTL_MS = 72 * 60 * 60 * 1000;

/** Options of {@link signWebhookUrl}. */
export interface WebhookSigningOptions {
  /** How long the signed URL verifies, ms. Default {@link DEFAULT_WEBHOOK_TTL_MS} (72 hours). */
  ttlMs?: number;
  /** The current time, ms since the epoch. Default `Date.now()`; tests pass their own clock. */
  now?: number;
}

/** Options of {@link verifyWebhookUrl}. */
export interface WebhookVerifyOptions {
  /** The current time, ms since the epoch. Default `Date.now()`; tests pass their own clock. */
  now?: number;
}

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
  /**
   * What the adapter asked core to carry besides (`ProviderDefinition.webhookValues`): values the
   * vendor's callback body does not repeat but the adapter needs to map it, such as AceData's "this
   * imagine is a blend". Names are lower-case words (`[a-z][a-z0-9_]*`); signed with the rest.
   */
  vendorValues?: Readonly<Record<string, string>>;
}

const CONTEXT_KEYS = ['operation', 'action', 'parentId', 'ref'] as const;

/** A vendor value's name: lower-case, so it reads the same in every URL and never clashes by case. */
const VENDOR_VALUE_NAME = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * The vendor values in a callback URL's query, as sorted `[name, value]` pairs, every occurrence
 * kept: a value added twice changes what is signed, so it cannot slip past the signature.
 */
function vendorEntries(params: URLSearchParams): Array<[string, string]> {
  const prefix = WEBHOOK_PARAMS.vendorValuePrefix;
  const entries: Array<[string, string]> = [];
  for (const [key, value] of params) {
    if (key.startsWith(prefix)) entries.push([key.slice(prefix.length), value]);
  }
  const order = (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0);
  return entries.sort(([leftName, leftValue], [rightName, rightValue]) =>
    leftName === rightName ? order(leftValue, rightValue) : order(leftName, rightName),
  );
}

/**
 * What the signature covers: a version tag, the vendor, the nonce, the expiry and every context value
 * (absent and empty kept apart), then the vendor values as sorted name/value pairs, as one JSON array,
 * so no value can shift into its neighbour's place. The version tag keeps signatures of the earlier,
 * expiry-less format from verifying as this one; a URL without vendor values signs the same text as
 * before they existed, so URLs handed out earlier still verify.
 */
function signedText(provider: ProviderName, nonce: string, expires: string, params: URLSearchParams): string {
  return JSON.stringify([
    'mjgate-webhook-2',
    provider,
    nonce,
    expires,
    ...CONTEXT_KEYS.map((k) => params.get(WEBHOOK_PARAMS[k])),
    ...vendorEntries(params).flat(),
  ]);
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
 * `secret` is given, signs it: a random nonce, an expiry (`mjgate_exp`, default 72 hours ahead) and
 * `HMAC-SHA256(secret, [provider, nonce, expiry, context…])` go in the query. Only the query is signed,
 * so the URL still verifies behind proxies that rewrite host or path; the context and the expiry are
 * signed too, so nobody can re-label a callback or extend its life without the secret.
 */
export async function signWebhookUrl(
  url: string,
  provider: ProviderName,
  secret?: string,
  context: WebhookContext = {},
  options: WebhookSigningOptions = {},
): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidRequestError(`webhookUrl must be an absolute URL; got ${JSON.stringify(url)}.`, { provider });
  }
  const ttlMs = options.ttlMs ?? DEFAULT_WEBHOOK_TTL_MS;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new InvalidRequestError(
      `webhookTtlMs must be a positive number of milliseconds; got ${String(ttlMs)}. The default is 72 hours.`,
      { provider },
    );
  }
  const params = parsed.searchParams;
  params.set(WEBHOOK_PARAMS.provider, provider);
  for (const key of CONTEXT_KEYS) {
    const value = context[key];
    if (value !== undefined) params.set(WEBHOOK_PARAMS[key], value);
    else params.delete(WEBHOOK_PARAMS[key]);
  }
  // The context is mjgate's to write: vendor values already in the caller's URL are replaced.
  for (const [name] of vendorEntries(params)) params.delete(`${WEBHOOK_PARAMS.vendorValuePrefix}${name}`);
  for (const [name, value] of Object.entries(context.vendorValues ?? {})) {
    if (!VENDOR_VALUE_NAME.test(name) || typeof value !== 'string') {
      throw new InvalidRequestError(
        `The ${provider} adapter asked to sign the webhook value ${JSON.stringify(name)}; names are lower-case words ([a-z][a-z0-9_]*) and values strings.`,
        { provider },
      );
    }
    params.set(`${WEBHOOK_PARAMS.vendorValuePrefix}${name}`, value);
  }
  params.delete(WEBHOOK_PARAMS.nonce);
  params.delete(WEBHOOK_PARAMS.signature);
  params.delete(WEBHOOK_PARAMS.expires);
  if (secret) {
    const nonce = randomNonce();
    const expires = String(Math.ceil(((options.now ?? Date.now()) + ttlMs) / 1000));
    params.set(WEBHOOK_PARAMS.nonce, nonce);
    params.set(WEBHOOK_PARAMS.expires, expires);
    params.set(WEBHOOK_PARAMS.signature, await hmacSha256(secret, signedText(provider, nonce, expires, params)));
  }
  return parsed.toString();
}

/** The vendor a callback URL was handed out for, if mjgate tagged it. */
export function webhookProvider(url: string): ProviderName | undefined {
  return queryOf(url)?.get(WEBHOOK_PARAMS.provider) ?? undefined;
}

/**
 * The {@link WebhookContext} mjgate put in a callback URL; unknown operations and actions, and vendor
 * value names that are not lower-case words, are dropped. Trust it only after {@link verifyWebhookUrl}.
 */
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
  const vendorValues: Record<string, string> = {};
  for (const [key, value] of params) {
    if (!key.startsWith(WEBHOOK_PARAMS.vendorValuePrefix)) continue;
    const name = key.slice(WEBHOOK_PARAMS.vendorValuePrefix.length);
    // The first occurrence, as `URLSearchParams.get` reads the other context values.
    if (VENDOR_VALUE_NAME.test(name) && !Object.hasOwn(vendorValues, name)) vendorValues[name] = value;
  }
  if (Object.keys(vendorValues).length > 0) context.vendorValues = vendorValues;
  return context;
}

function queryOf(url: string): URLSearchParams | undefined {
  try {
    return new URL(url, 'http://localhost').searchParams;
  } catch {
    return undefined;
  }
}

/**
 * Throws `WebhookVerificationError` unless `url` carries a valid, unexpired mjgate signature for
 * `provider`. The signature is checked first, so only an authentic URL is ever told it expired.
 */
export async function verifyWebhookUrl(
  url: string,
  provider: ProviderName,
  secret: string,
  options: WebhookVerifyOptions = {},
): Promise<void> {
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
  const expires = params.get(WEBHOOK_PARAMS.expires);
  if (expires === null) {
    throw new WebhookVerificationError(
      `The ${provider} callback URL has no ${WEBHOOK_PARAMS.expires}: it was signed by an mjgate version whose URLs never expired, or altered. Reject it; wait() or get() still reads the job.`,
      { provider },
    );
  }
  const expected = await hmacSha256(secret, signedText(provider, nonce, expires, params));
  if (!timingSafeEqual(signature, expected)) {
    throw new WebhookVerificationError(
      `The ${provider} callback's signature does not match webhookSecret (or its URL was altered). Reject it.`,
      { provider },
    );
  }
  const expiresAt = /^\d{1,15}$/.test(expires) ? Number(expires) * 1000 : Number.NaN;
  if (!(expiresAt > (options.now ?? Date.now()))) {
    throw new WebhookVerificationError(
      `The ${provider} callback URL expired at ${Number.isFinite(expiresAt) ? new Date(expiresAt).toISOString() : expires} (signed URLs verify for webhookTtlMs after the submission, 72 hours by default). Reject it; wait() or get() still reads the job.`,
      { provider },
    );
  }
}

/**
 * Remembers, for a bounded time and number of entries, which job each signed callback URL was issued
 * for (its nonce → the job's neutral id), so a callback whose URL was issued for job A but whose body
 * names job B is rejected. Entries expire with their URL; past `maxEntries` the oldest go first. A
 * nonce it does not know (another process, a restart, an evicted entry) is not an error: the other
 * checks, and the handler's confirmation with the vendor, still apply.
 */
export class WebhookJobRecord {
  readonly #entries = new Map<string, { jobId: string; expiresAt: number }>();

  constructor(readonly maxEntries = 10_000) {}

  /** How many nonces are remembered now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Records that the URL with `nonce` was issued for `jobId`, until `expiresAt` (ms since the epoch). */
  remember(nonce: string, jobId: string, expiresAt: number, now = Date.now()): void {
    if (!(expiresAt > now)) return;
    this.#entries.delete(nonce);
    this.#entries.set(nonce, { jobId, expiresAt });
    // Oldest first: with one TTL for all URLs, the front of the map is also what expires first.
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && entry.expiresAt > now) break;
      this.#entries.delete(key);
    }
  }

  /** The job the URL with `nonce` was issued for, while it is remembered and unexpired. */
  jobFor(nonce: string, now = Date.now()): string | undefined {
    const entry = this.#entries.get(nonce);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.#entries.delete(nonce);
      return undefined;
    }
    return entry.jobId;
  }
}

/** The process-wide record every client fills: nonces are random, so one record serves them all. */
const issuedCallbacks = new WebhookJobRecord();

/**
 * Records the job a signed callback URL was handed out with, once the submission returned it, so
 * `parseWebhook` can reject a callback to that URL that names another job. Unsigned URLs are ignored.
 */
export function rememberWebhookJob(url: string, jobId: string, now = Date.now()): void {
  const params = queryOf(url);
  const nonce = params?.get(WEBHOOK_PARAMS.nonce);
  const expires = Number(params?.get(WEBHOOK_PARAMS.expires));
  if (nonce && Number.isFinite(expires)) issuedCallbacks.remember(nonce, jobId, expires * 1000, now);
}

/** The job a signed callback URL was issued for, if this process handed it out and still remembers it. */
export function issuedWebhookJob(url: string, now = Date.now()): string | undefined {
  const nonce = queryOf(url)?.get(WEBHOOK_PARAMS.nonce);
  return nonce ? issuedCallbacks.jobFor(nonce, now) : undefined;
}

/**
 * Throws `WebhookVerificationError` unless the job a verified callback names is the one its URL was
 * issued for, wherever that can be known: the vendor it is for, the job this process recorded for the
 * URL's nonce, and the `ref` signed in the URL against the `ref` the vendor echoes in the body
 * (ImaginePro does, §2.1 of its reference; adapters that take `ref` from the URL agree by construction).
 */
export function checkWebhookJob(job: Job, url: string, provider: ProviderName, context: WebhookContext): void {
  const reject = (why: string): never => {
    throw new WebhookVerificationError(`The ${provider} callback ${why} Reject it.`, { provider });
  };
  if (job.provider !== provider) reject(`is for ${job.provider}, but its URL was signed for ${provider}.`);
  const issued = issuedWebhookJob(url);
  if (issued !== undefined && issued !== job.id) {
    reject(
      `names job ${job.id}, but its URL was issued for job ${issued}: a callback URL is good for its own job only.`,
    );
  }
  if (job.ref !== undefined && job.ref !== context.ref) {
    reject(
      context.ref === undefined
        ? 'echoes a ref, but its URL was signed for a submission without one.'
        : 'echoes another ref than the one signed in its URL.',
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

/**
 * The first of `fields` that `body` carries as its own key: adapters list the fields that mark another
 * vendor's callbacks, so one vendor's body posted to another vendor's callback URL is refused.
 */
export function foreignField(body: unknown, fields: readonly string[]): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  return fields.find((field) => Object.hasOwn(body, field));
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

/** Largest callback body read by default, bytes. Vendor callbacks are a few KB. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a body stream up to `maxBytes` and no further: past the limit it cancels the stream (so the
 * sender's remaining bytes are never pulled) and returns `undefined`. A `null` body is empty.
 */
export async function readLimitedBody(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: a sender that never acknowledges the cancel must not hold the answer back.
      reader.cancel(new Error(`body larger than ${maxBytes} bytes`)).catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/**
 * Reads a Fetch API `Request` (Hono, Next.js, Workers, Bun) into a {@link WebhookRequest}, reading at
 * most `maxBodyBytes` (default 1 MiB) of its body as a stream; a larger body is cancelled unread and
 * rejected with `WebhookVerificationError`.
 */
export async function webhookRequestFromFetch(
  request: Request,
  options: { maxBodyBytes?: number } = {},
): Promise<WebhookRequest> {
  const max = options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES;
  const declared = Number(request.headers.get('content-length') ?? 0);
  const bytes = declared > max ? undefined : await readLimitedBody(request.body, max);
  if (!bytes) {
    if (declared > max) request.body?.cancel().catch(() => undefined);
    throw new WebhookVerificationError(`The callback body is larger than ${max} bytes; vendor callbacks are a few KB.`);
  }
  return { url: request.url, headers: request.headers, body: new TextDecoder().decode(bytes) };
}
