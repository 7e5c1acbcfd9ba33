import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiFrame } from '@mjgate/apiframe';
import { type Job, type MidjourneyClient, WebhookVerificationError } from '@mjgate/core';
import { signWebhookUrl } from '@mjgate/core/provider';
import { createImaginePro } from '@mjgate/imaginepro';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebhookHandler, type NodeRequestLike, type NodeResponseLike } from '../src/index.js';

// Unit tests of the handler: vendors answer through nock; no simulator, no network.

const SECRET = 'whsec_handler_0123456789';
const IMAGINEPRO = 'https://api.imaginepro.test';
const APIFRAME = 'https://api.apiframe.test';
const MID = 'd15c1541-229a-442b-9873-d3494dede12a';
const HOOK = 'https://app.example/hooks/mj';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const imaginepro = () =>
  createImaginePro({
    apiKey: 'ip-key-0123456789',
    baseURL: IMAGINEPRO,
    webhookSecret: SECRET,
    maxRetries: 0,
    pace: { submit: 0, read: 0 },
  });

/** What ImaginePro's status endpoint says of the job (§3.2 message object). */
const vendorSays = (message: object, status = 200, headers: Record<string, string> = {}) =>
  nock(IMAGINEPRO).get(`/api/v1/message/fetch/${MID}`).reply(status, message, headers);

const REAL = {
  messageId: MID,
  prompt: 'a red fox',
  status: 'DONE',
  progress: 100,
  uri: 'https://cdn.imaginepro.ai/storage/real/grid.png',
  images: ['https://cdn.imaginepro.ai/storage/real/1.png', 'https://cdn.imaginepro.ai/storage/real/2.png'],
  buttons: ['U1', 'U2', 'U3', 'U4'],
};
const FORGED = {
  ...REAL,
  uri: 'https://attacker.example/grid.png',
  images: ['https://attacker.example/1.png', 'https://attacker.example/2.png'],
};

/** Posts `body` to the Fetch handler at a URL signed as another process of this app would sign it. */
async function deliver(handler: ReturnType<typeof createWebhookHandler>, body: unknown, url?: string) {
  const target = url ?? (await signWebhookUrl(HOOK, 'imaginepro', SECRET, { operation: 'imagine' }));
  const response = await handler(
    new Request(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

function recorder(
  options: Partial<Parameters<typeof createWebhookHandler>[1]> = {},
  client: MidjourneyClient = imaginepro(),
) {
  const jobs: Job[] = [];
  const errors: Error[] = [];
  const handler = createWebhookHandler(client, {
    onJob: (job) => void jobs.push(job),
    onError: (error) => void errors.push(error),
    ...options,
  });
  return { handler, jobs, errors };
}

describe('confirming a callback with the vendor', () => {
  it('by default onJob gets the vendor’s state, read once, not what the body claims', async () => {
    const { handler, jobs } = recorder();
    const read = vendorSays(REAL);
    const answer = await deliver(handler, FORGED);
    expect(answer).toMatchObject({ status: 200, body: { ok: true, id: `imaginepro:${MID}` } });
    expect(read.isDone()).toBe(true);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.gridUrl).toBe(REAL.uri);
    expect(jobs[0]!.images.map((i) => i.url)).toEqual(REAL.images);
    expect(JSON.stringify(jobs[0])).not.toContain('attacker.example');
  });

  it('with confirm: false onJob gets the body as it came, and the vendor is not asked', async () => {
    const { handler, jobs } = recorder({ confirm: false });
    const answer = await deliver(handler, FORGED);
    expect(answer.status).toBe(200);
    expect(jobs[0]!.gridUrl).toBe(FORGED.uri);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a job the vendor does not know is rejected as forged: 401, and onJob never runs', async () => {
    const { handler, jobs, errors } = recorder();
    vendorSays({ message: 'Message not found', statusCode: 404 }, 404);
    const answer = await deliver(handler, FORGED);
    expect(answer.status).toBe(401);
    expect(jobs).toEqual([]);
    expect(errors[0]).toBeInstanceOf(WebhookVerificationError);
    expect(errors[0]!.message).toMatch(/does not know job imaginepro:d15c1541/);
  });

  it('a vendor that cannot answer now gets 503 so it delivers again; Retry-After is passed on', async () => {
    const { handler, jobs, errors } = recorder();
    vendorSays({ message: 'upstream down' }, 502);
    expect((await deliver(handler, REAL)).status).toBe(503);
    vendorSays({ message: 'slow down' }, 429, { 'retry-after': '7' });
    const limited = await deliver(handler, REAL);
    expect(limited.status).toBe(503);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(jobs).toEqual([]);
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['provider_unavailable', 'rate_limited']);
  });

  it('a confirming read that outlives confirmTimeoutMs gets 503', async () => {
    // A vendor that never answers: the read ends only when its signal aborts.
    const hang: typeof fetch = (input, init) => {
      const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
      return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
    };
    const client = createImaginePro({
      apiKey: 'ip-key-0123456789',
      baseURL: IMAGINEPRO,
      webhookSecret: SECRET,
      maxRetries: 0,
      pace: { submit: 0, read: 0 },
      fetch: hang,
    });
    const { handler, jobs } = recorder({ confirmTimeoutMs: 20 }, client);
    expect((await deliver(handler, REAL)).status).toBe(503);
    expect(jobs).toEqual([]);
  });

  it('a callback that says finished while the vendor still says running is not passed on (503)', async () => {
    const { handler, jobs, errors } = recorder();
    vendorSays({ messageId: MID, status: 'PROCESSING', progress: 40 });
    expect((await deliver(handler, FORGED)).status).toBe(503);
    expect(jobs).toEqual([]);
    expect(errors[0]!.message).toMatch(/still reports it running/);
  });

  it('a progress callback behind the vendor gets the vendor’s newer state', async () => {
    const { handler, jobs } = recorder();
    vendorSays(REAL);
    expect((await deliver(handler, { messageId: MID, status: 'PROCESSING', progress: 30 })).status).toBe(200);
    expect(jobs[0]).toMatchObject({ status: 'succeeded', progress: 100 });
  });

  it('keeps the submission context the signed URL carried when the vendor’s read lacks it', async () => {
    const apiframe = createApiFrame({
      apiKey: 'af-key-0123456789',
      baseURL: APIFRAME,
      webhookSecret: SECRET,
      maxRetries: 0,
    });
    const { handler, jobs } = recorder({}, apiframe);
    const task = { task_id: 'up-1', task_type: 'upscale#1', image_url: 'https://cdn.apiframe.test/up-1.png' };
    nock(APIFRAME).post('/fetch', { task_id: 'up-1' }).reply(200, task);
    const url = await signWebhookUrl(HOOK, 'apiframe', SECRET, {
      operation: 'action',
      action: 'upscale-1',
      parentId: 'apiframe:grid-1',
      ref: 'order-42',
    });
    const response = await handler(
      new Request(url, {
        method: 'POST',
        headers: { 'x-webhook-secret': SECRET, 'content-type': 'application/json' },
        body: JSON.stringify(task),
      }),
    );
    expect(response.status).toBe(200);
    expect(jobs[0]).toMatchObject({
      id: 'apiframe:up-1',
      status: 'succeeded',
      action: 'upscale-1',
      parentId: 'apiframe:grid-1',
      ref: 'order-42',
    });
  });

  it('an expired URL is rejected before the vendor is asked', async () => {
    const { handler, jobs, errors } = recorder();
    const issued = Date.parse('2030-01-01T00:00:00Z');
    const url = await signWebhookUrl(HOOK, 'imaginepro', SECRET, { operation: 'imagine' }, { now: issued });
    vi.useFakeTimers({ toFake: ['Date'], now: issued + 72 * 3600_000 });
    try {
      const answer = await deliver(handler, REAL, url);
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatch(/expired at 2030-01-04T00:00:00.000Z/);
    } finally {
      vi.useRealTimers();
    }
    expect(jobs).toEqual([]);
    expect(errors[0]).toBeInstanceOf(WebhookVerificationError);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('body limit', () => {
  const LIMIT = 64 * 1024;
  const CHUNK = 64 * 1024;
  const TOTAL = 32 * 1024 * 1024;

  /** A 32 MiB body made on demand, one 64 KiB chunk per pull, counting the bytes pulled. */
  function hugeStream() {
    const meter = { pulled: 0, cancelled: false };
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (meter.pulled >= TOTAL) return controller.close();
        meter.pulled += CHUNK;
        controller.enqueue(new Uint8Array(CHUNK).fill(0x20));
      },
      cancel() {
        meter.cancelled = true;
      },
    });
    return { stream, meter };
  }

  it('the Fetch handler reads a streamed body only up to maxBodyBytes, then cancels it (413)', async () => {
    const { handler, jobs } = recorder({ maxBodyBytes: LIMIT });
    const { stream, meter } = hugeStream();
    const request = new Request(HOOK, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    const response = await handler(request);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ ok: false, error: `body larger than ${LIMIT} bytes` });
    // Measured: 128 KiB pulled of 32 MiB (the chunk that crossed the limit, and the one before).
    expect(meter.pulled).toBeLessThanOrEqual(LIMIT + 2 * CHUNK);
    await vi.waitFor(() => expect(meter.cancelled).toBe(true));
    expect(jobs).toEqual([]);
  });

  it('the Fetch handler answers 413 at once for a declared Content-Length over the limit, reading nothing', async () => {
    const { handler } = recorder({ maxBodyBytes: LIMIT });
    const { stream, meter } = hugeStream();
    const request = new Request(HOOK, {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: { 'content-length': String(TOTAL) },
    } as RequestInit);
    expect((await handler(request)).status).toBe(413);
    // The stream's start-up pull (before anything reads it) is all it ever gives.
    expect(meter.pulled).toBeLessThanOrEqual(CHUNK);
  });

  /** A Node-like request whose 32 MiB body is produced as it is iterated, counting the chunks pulled. */
  function nodeRequest(headers: Record<string, string> = {}) {
    const meter = { pulled: 0 };
    const req: NodeRequestLike = {
      method: 'POST',
      url: '/hooks/mj',
      headers: { host: 'app.example', ...headers },
      async *[Symbol.asyncIterator]() {
        while (meter.pulled < TOTAL) {
          meter.pulled += CHUNK;
          yield new Uint8Array(CHUNK);
        }
      },
    };
    const res = { statusCode: 0, headers: {} as Record<string, string>, body: '' };
    const response: NodeResponseLike = {
      get statusCode() {
        return res.statusCode;
      },
      set statusCode(value) {
        res.statusCode = value;
      },
      setHeader: (name, value) => {
        res.headers[name] = value;
      },
      end: (body) => {
        res.body = body ?? '';
      },
    };
    return { req, response, res, meter };
  }

  it('the Node handler stops reading at maxBodyBytes (413, connection closed)', async () => {
    const { handler } = recorder({ maxBodyBytes: LIMIT });
    const { req, response, res, meter } = nodeRequest();
    await handler.node(req, response);
    expect(res.statusCode).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(meter.pulled).toBe(LIMIT + CHUNK);
  });

  it('the Node handler answers 413 for a declared Content-Length over the limit without reading', async () => {
    const { handler } = recorder({ maxBodyBytes: LIMIT });
    const { req, response, res, meter } = nodeRequest({ 'content-length': String(TOTAL) });
    await handler.node(req, response);
    expect(res.statusCode).toBe(413);
    expect(meter.pulled).toBe(0);
  });

  it('over a real socket the sender gets the 413 and the server reads a bounded amount', async () => {
    nock.enableNetConnect('127.0.0.1');
    const { handler } = recorder({ maxBodyBytes: LIMIT });
    let read = 0;
    const server = createServer((req, res) => {
      // Count what the handler pulls from the socket.
      const counted = {
        method: req.method,
        url: req.url,
        headers: req.headers,
        async *[Symbol.asyncIterator]() {
          for await (const chunk of req) {
            read += (chunk as Buffer).length;
            yield chunk as Buffer;
          }
        },
      };
      void handler.node(counted, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const status = await new Promise<number | string>((resolve) => {
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/hooks/mj' }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
        const chunk = Buffer.alloc(CHUNK, 0x20);
        let sent = 0;
        const write = () => {
          while (sent < TOTAL) {
            sent += CHUNK;
            if (!req.write(chunk)) return void req.once('drain', write);
          }
          req.end();
        };
        write();
      });
      expect(status).toBe(413);
      // Measured: about 128 KiB read for a 32 MiB body with a 64 KiB limit.
      expect(read).toBeLessThanOrEqual(LIMIT + 2 * CHUNK);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
