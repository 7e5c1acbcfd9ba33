import { type Job, MjGateError, type WebhookRequest } from '@mjgate/core';
import type { Gateway } from './gateway.js';

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /**
   * Receives each verified, normalised job. Keep it quick (queue work elsewhere): the vendor waits for
   * the answer. If it throws, the vendor gets a 500 and may deliver the callback again.
   */
  onJob(job: Job, request: WebhookRequest): void | Promise<void>;
  /** Told about callbacks that were rejected (bad signature, unknown vendor, not JSON). */
  onError?(error: Error, request: WebhookRequest): void;
  /**
   * Largest body accepted, in bytes; a larger one gets 413 without being buffered further. Vendor
   * callbacks are a few KB. Default 1 MiB.
   */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

/** The minimal shape of Node's `IncomingMessage` the handler reads (no `node:` import needed). */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  url?: string;
  method?: string;
  headers: Record<string, string | string[] | undefined>;
}
/** The minimal shape of Node's `ServerResponse` the handler writes. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** A Fetch API handler (Hono, Next.js route handlers, Workers, Bun) with a Node `http` variant on `.node`. */
export interface WebhookHandler {
  (request: Request): Promise<Response>;
  /** For `http.createServer` and Express: `app.post('/hooks/mj', handler.node)`. */
  node(req: NodeRequestLike, res: NodeResponseLike): Promise<void>;
}

/**
 * One callback endpoint for every vendor: verifies the callback (APIFRAME's `x-webhook-secret`,
 * mjgate's URL signature for the others), normalises it to the same `Job` polling returns, hands it
 * to `onJob`, and answers at once. A callback that fails verification or is not of the vendor's shape
 * gets 401, one from an unknown vendor 400; a failing `onJob` gets 500, so the vendor delivers again.
 *
 * @example
 * const handler = createWebhookHandler(gateway, { onJob: (job) => queue.push(job) });
 * http.createServer(handler.node).listen(3000);          // Node
 * export const POST = handler;                           // Next.js route handler
 */
export function createWebhookHandler(gateway: Gateway, options: WebhookHandlerOptions): WebhookHandler {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const tooLarge = JSON.stringify({ ok: false, error: `body larger than ${maxBody} bytes` });

  async function handle(request: WebhookRequest): Promise<{ status: number; body: string }> {
    let job: Job;
    try {
      job = await gateway.parseWebhook(request);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      options.onError?.(err, request);
      const status = MjGateError.isInstance(err) && err.code === 'webhook_verification' ? 401 : 400;
      const message = MjGateError.isInstance(err) ? err.message : 'callback rejected';
      return { status, body: JSON.stringify({ ok: false, error: message }) };
    }
    try {
      await options.onJob(job, request);
    } catch (error) {
      // The callback was fine; the app failed to take it. A 5xx asks the vendor to deliver it again.
      options.onError?.(error instanceof Error ? error : new Error(String(error)), request);
      return { status: 500, body: JSON.stringify({ ok: false, error: 'handler failed' }) };
    }
    return { status: 200, body: JSON.stringify({ ok: true, id: job.id }) };
  }

  const handler = (async (request: Request) => {
    if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
    const declared = Number(request.headers.get('content-length') ?? 0);
    const text = declared > maxBody ? undefined : await request.text();
    if (text === undefined || new TextEncoder().encode(text).length > maxBody) {
      return new Response(tooLarge, { status: 413, headers: { 'content-type': 'application/json' } });
    }
    const { status, body } = await handle({ url: request.url, headers: request.headers, body: text });
    return new Response(body, { status, headers: { 'content-type': 'application/json' } });
  }) as WebhookHandler;

  handler.node = async (req, res) => {
    const reply = (status: number, body: string) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(body);
    };
    // Node's http ignores the promise this returns: nothing may reject, or a client that hangs up
    // mid-body (or sends a garbled Host) would crash the process with an unhandled rejection.
    try {
      if (req.method && req.method !== 'POST') return void reply(405, '{"ok":false}');
      const chunks: Uint8Array[] = [];
      const encoder = new TextEncoder();
      let size = 0;
      for await (const chunk of req) {
        const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
        size += bytes.length;
        if (size > maxBody) return void reply(413, tooLarge);
        chunks.push(bytes);
      }
      const body = new TextDecoder().decode(concat(chunks));
      const result = await handle({ url: requestUrl(req), headers: req.headers, body });
      reply(result.status, result.body);
    } catch (error) {
      try {
        options.onError?.(error instanceof Error ? error : new Error(String(error)), {
          url: req.url ?? '/',
          headers: req.headers,
          body: '',
        });
        reply(400, JSON.stringify({ ok: false, error: 'could not read the callback' }));
      } catch {
        // The connection is gone, or onError threw: nothing left to tell anyone.
      }
    }
  };
  return handler;
}

/** The absolute URL of a Node request. Only its query is verified, so an unusable Host falls back to localhost. */
function requestUrl(req: NodeRequestLike): string {
  const path = req.url ?? '/';
  try {
    return new URL(path, `http://${headerOf(req.headers, 'host') ?? 'localhost'}`).toString();
  } catch {
    return new URL(path, 'http://localhost').toString();
  }
}

function headerOf(headers: NodeRequestLike['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
