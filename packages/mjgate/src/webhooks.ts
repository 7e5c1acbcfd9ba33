import {
  isTerminal,
  type Job,
  type MidjourneyClient,
  MjGateError,
  RateLimitError,
  readLimitedBody,
  type WebhookRequest,
  WebhookVerificationError,
} from '@mjgate/core';
import { DEFAULT_WEBHOOK_MAX_BODY_BYTES } from '@mjgate/core/provider';

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /**
   * Receives each verified, normalised job — by default the vendor's own state of it, read once
   * after the callback arrived (see `confirm`). Keep it quick (queue work elsewhere): the vendor waits
   * for the answer. If it throws, the vendor gets a 500 and may deliver the callback again.
   */
  onJob(job: Job, request: WebhookRequest): void | Promise<void>;
  /** Told about callbacks that were rejected (bad signature, unknown vendor, not JSON) or not confirmed. */
  onError?(error: Error, request: WebhookRequest): void;
  /**
   * Largest body accepted, in bytes; a larger one gets 413 and is not read further (the stream is
   * cancelled, or the Node request destroyed). Vendor callbacks are a few KB. Default 1 MiB.
   */
  maxBodyBytes?: number;
  /**
   * Confirm each verified callback with the vendor before `onJob` sees it: one status read of the job
   * the callback names (`client.get(job.id)`), and `onJob` gets the vendor's state, not the body's.
   * Default `true`.
   *
   * The trade-off: one extra status request per callback, against trusting the body. With it, someone
   * who replays a callback URL they saw (in a proxy log, a vendor dashboard) within its expiry can at
   * most make you read a job's true state again; they cannot hand `onJob` a result the vendor does not
   * report. Without it, the URL signature (and APIFRAME's header secret) is all that stands between
   * such a URL and `onJob`. Turn it off only when the channel is trusted (a private network, a vendor
   * that signs its bodies), or when `onJob` itself reads the job before acting on it.
   */
  confirm?: boolean;
  /**
   * Limit for the confirming read, ms, retries included; past it the vendor gets 503 and may deliver
   * again. Default 10 000: well under the time vendors give a receiver to answer.
   */
  confirmTimeoutMs?: number;
}

const DEFAULT_CONFIRM_TIMEOUT_MS = 10_000;

/** The minimal shape of Node's `IncomingMessage` the handler reads (no `node:` import needed). */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  /** Path and query as received (`/hooks/mj?mjgate_provider=…`); the host comes from the headers. */
  url?: string;
  /** Only `POST` is accepted. */
  method?: string;
  /** The request headers, lower-cased as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
}
/** The minimal shape of Node's `ServerResponse` the handler writes. */
export interface NodeResponseLike {
  /** The status the vendor gets. */
  statusCode: number;
  /** Sets a response header. */
  setHeader(name: string, value: string): unknown;
  /** Sends the body and ends the response. */
  end(body?: string): unknown;
}

/** A Fetch API handler (Hono, Next.js route handlers, Workers, Bun) with a Node `http` variant on `.node`. */
export interface WebhookHandler {
  (request: Request): Promise<Response>;
  /** For `http.createServer` and Express: `app.post('/hooks/mj', handler.node)`. */
  node(request: NodeRequestLike, response: NodeResponseLike): Promise<void>;
}

/** What the handler answers the vendor. */
interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/**
 * One callback endpoint for every vendor: verifies the callback (mjgate's URL signature and expiry,
 * plus APIFRAME's `x-webhook-secret`), normalises it to the same `Job` polling returns, confirms it
 * with the vendor (one status read; see {@link WebhookHandlerOptions.confirm}), hands the vendor's
 * state to `onJob`, and answers at once.
 *
 * Answers: 200 when `onJob` returned; 401 when the callback fails verification, is not of the
 * vendor's shape, names a job other than the one its URL was issued for, or names a job the vendor
 * does not know; 400 when no configured vendor sent it; 413 for a body over `maxBodyBytes`; 503 when
 * the vendor could not confirm it right now (so the vendor delivers it again); 500 when `onJob` threw.
 *
 * Takes the gateway or a single adapter's client.
 *
 * @example
 * const handler = createWebhookHandler(gateway, { onJob: (job) => queue.push(job) });
 * http.createServer(handler.node).listen(3000);          // Node
 * export const POST = handler;                           // Next.js route handler
 */
export function createWebhookHandler(client: MidjourneyClient, options: WebhookHandlerOptions): WebhookHandler {
  const maxBody = options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES;
  const confirm = options.confirm ?? true;
  const confirmTimeoutMs = options.confirmTimeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS;
  const tooLarge: Reply = {
    status: 413,
    body: JSON.stringify({ ok: false, error: `body larger than ${maxBody} bytes` }),
    // The rest of the body stays unread, so the connection cannot carry another request.
    headers: { connection: 'close' },
  };

  const report = (error: unknown, request: WebhookRequest) =>
    options.onError?.(error instanceof Error ? error : new Error(String(error)), request);

  /**
   * The vendor's own state of the job a verified callback names, with the submission's context the
   * signed URL carried (action, parent, ref) where a fresh read lacks it; or the reply that refuses.
   */
  async function confirmed(job: Job, request: WebhookRequest): Promise<Job | Reply> {
    let current: Job;
    try {
      current = await client.get(job.id, { signal: AbortSignal.timeout(confirmTimeoutMs) });
    } catch (error) {
      if (MjGateError.isInstance(error) && error.code === 'not_found') {
        // The vendor has no such job for this account: whatever the body says, it is not a real callback.
        report(
          new WebhookVerificationError(
            `${job.provider} does not know job ${job.id}, which the callback names: not a callback for a job of this account. Rejected.`,
            { provider: job.provider, cause: error },
          ),
          request,
        );
        return { status: 401, body: JSON.stringify({ ok: false, error: 'the vendor does not know this job' }) };
      }
      // Vendor down, rate-limited, slow, or our own configuration: the callback may be genuine, so
      // ask for it again rather than drop it (vendors redeliver on a 5xx, where they redeliver at all).
      report(error, request);
      const retryAfterMs = RateLimitError.isInstance(error) ? error.retryAfterMs : undefined;
      return {
        status: 503,
        body: JSON.stringify({ ok: false, error: `could not confirm the callback with ${job.provider} now` }),
        headers: retryAfterMs ? { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) } : undefined,
      };
    }
    if (current.id !== job.id) {
      report(new WebhookVerificationError(`${job.provider} answered for job ${current.id}, not ${job.id}.`), request);
      return { status: 503, body: JSON.stringify({ ok: false, error: 'the vendor answered for another job' }) };
    }
    if (isTerminal(job.status) && !isTerminal(current.status)) {
      // The callback says finished, the vendor not (yet): a forged claim or a read that lags. Either
      // way the body's result is not handed on; a 503 lets a genuine callback come again.
      report(
        new WebhookVerificationError(
          `The callback says job ${job.id} is ${job.status}, but ${job.provider} still reports it ${current.status}: not confirmed (yet).`,
          { provider: job.provider },
        ),
        request,
      );
      return { status: 503, body: JSON.stringify({ ok: false, error: 'the vendor does not confirm this yet' }) };
    }
    const context: Partial<Job> = {};
    if (current.action === undefined && job.action !== undefined) context.action = job.action;
    if (current.parentId === undefined && job.parentId !== undefined) context.parentId = job.parentId;
    if (current.ref === undefined && job.ref !== undefined) context.ref = job.ref;
    return { ...current, ...context };
  }

  async function handle(request: WebhookRequest): Promise<Reply> {
    let job: Job;
    try {
      job = await client.parseWebhook(request);
    } catch (error) {
      report(error, request);
      const status = MjGateError.isInstance(error) && error.code === 'webhook_verification' ? 401 : 400;
      const message = MjGateError.isInstance(error) ? error.message : 'callback rejected';
      return { status, body: JSON.stringify({ ok: false, error: message }) };
    }
    if (confirm) {
      const outcome = await confirmed(job, request);
      if (!('id' in outcome)) return outcome;
      job = outcome;
    }
    try {
      await options.onJob(job, request);
    } catch (error) {
      // The callback was fine; the app failed to take it. A 5xx asks the vendor to deliver it again.
      report(error, request);
      return { status: 500, body: JSON.stringify({ ok: false, error: 'handler failed' }) };
    }
    return { status: 200, body: JSON.stringify({ ok: true, id: job.id }) };
  }

  const respond = ({ status, body, headers }: Reply) =>
    new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } });

  const handler = (async (request: Request) => {
    if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
    const declared = Number(request.headers.get('content-length') ?? 0);
    if (declared > maxBody) {
      request.body?.cancel().catch(() => undefined);
      return respond(tooLarge);
    }
    let bytes: Uint8Array | undefined;
    try {
      // Read as a stream and stop at the limit: `request.text()` would pull a 32 MiB body to its end first.
      bytes = await readLimitedBody(request.body, maxBody);
    } catch (error) {
      report(error, { url: request.url, headers: request.headers, body: '' });
      return respond({ status: 400, body: JSON.stringify({ ok: false, error: 'could not read the callback' }) });
    }
    if (!bytes) return respond(tooLarge);
    const body = new TextDecoder().decode(bytes);
    return respond(await handle({ url: request.url, headers: request.headers, body }));
  }) as WebhookHandler;

  handler.node = async (request, response) => {
    const reply = ({ status, body, headers }: Reply) => {
      response.statusCode = status;
      response.setHeader('content-type', 'application/json');
      for (const [name, value] of Object.entries(headers ?? {})) response.setHeader(name, value);
      response.end(body);
    };
    // Node's http ignores the promise this returns: nothing may reject, or a client that hangs up
    // mid-body (or sends a garbled Host) would crash the process with an unhandled rejection.
    try {
      if (request.method && request.method !== 'POST') return void reply({ status: 405, body: '{"ok":false}' });
      if (Number(headerOf(request.headers, 'content-length') ?? 0) > maxBody) return void reply(tooLarge);
      const chunks: Uint8Array[] = [];
      const encoder = new TextEncoder();
      let size = 0;
      for await (const chunk of request) {
        const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
        size += bytes.length;
        // Leaving the loop ends the iteration, which destroys Node's request: nothing more is read.
        if (size > maxBody) return void reply(tooLarge);
        chunks.push(bytes);
      }
      const body = new TextDecoder().decode(concat(chunks));
      reply(await handle({ url: requestUrl(request), headers: request.headers, body }));
    } catch (error) {
      try {
        report(error, { url: request.url ?? '/', headers: request.headers, body: '' });
        reply({ status: 400, body: JSON.stringify({ ok: false, error: 'could not read the callback' }) });
      } catch {
        // The connection is gone, or onError threw: nothing left to tell anyone.
      }
    }
  };
  return handler;
}

/** The absolute URL of a Node request. Only its query is verified, so an unusable Host falls back to localhost. */
function requestUrl(request: NodeRequestLike): string {
  const path = request.url ?? '/';
  try {
    return new URL(path, `http://${headerOf(request.headers, 'host') ?? 'localhost'}`).toString();
  } catch {
    return new URL(path, 'http://localhost').toString();
  }
}

function headerOf(headers: NodeRequestLike['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
