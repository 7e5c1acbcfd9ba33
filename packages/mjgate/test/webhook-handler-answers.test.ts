import {
  emptyJob,
  type Job,
  type MidjourneyClient,
  NotFoundError,
  ProviderError,
  type WebhookRequest,
  WebhookVerificationError,
} from '@mjgate/core';
import { describe, expect, it } from 'vitest';
import { createWebhookHandler, type NodeRequestLike, type NodeResponseLike } from '../src/index.js';

// What the vendor is answered, and what onJob / onError are given, for each outcome of a callback.
// The client is a two-method stand-in: what the callback body says (parseWebhook) and what the
// vendor's confirming read says (get) are set per test, with no network at all.

const HOOK = 'https://app.example/hooks/mj?mjgate_provider=mock';

const jobOf = (fields: Partial<Job> = {}): Job => ({
  ...emptyJob({ provider: 'mock', providerJobId: 'j-1', operation: 'action', status: 'running' }),
  ...fields,
});

interface Script {
  /** The job the callback body names, or what parsing it throws. */
  parsed?: Job | Error;
  /** The vendor's own state of the job, or what reading it throws. */
  current?: Job | Error;
}

function setUp(script: Script, options: Partial<Parameters<typeof createWebhookHandler>[1]> = {}) {
  const seen: WebhookRequest[] = [];
  const reads: string[] = [];
  const client = {
    async parseWebhook(request: WebhookRequest) {
      seen.push(request);
      const parsed = script.parsed ?? jobOf();
      if (parsed instanceof Error) throw parsed;
      return parsed;
    },
    async get(id: string) {
      reads.push(id);
      const current = script.current ?? jobOf();
      if (current instanceof Error) throw current;
      return current;
    },
  } as unknown as MidjourneyClient;
  const jobs: Job[] = [];
  const errors: { error: Error; request: WebhookRequest }[] = [];
  const handler = createWebhookHandler(client, {
    onJob: (job) => void jobs.push(job),
    onError: (error, request) => void errors.push({ error, request }),
    ...options,
  });
  return { handler, jobs, errors, seen, reads };
}

async function post(handler: ReturnType<typeof createWebhookHandler>, body = '{}') {
  const response = await handler(new Request(HOOK, { method: 'POST', body }));
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('the answer when confirming with the vendor refuses the callback', () => {
  it('a job the vendor does not know: 401 with its reason, and onError gets the vendor and the cause', async () => {
    const notFound = new NotFoundError('no such job', { provider: 'mock' });
    const { handler, jobs, errors } = setUp({ current: notFound });
    const answer = await post(handler);
    expect(answer).toEqual({
      status: 401,
      contentType: 'application/json',
      body: { ok: false, error: 'the vendor does not know this job' },
    });
    expect(jobs).toEqual([]);
    expect(errors).toHaveLength(1);
    const error = errors[0]!.error as WebhookVerificationError;
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error.provider).toBe('mock');
    expect(error.cause).toBe(notFound);
  });

  it('a vendor that cannot answer now: 503 naming the vendor, without Retry-After when none was given', async () => {
    const { handler, jobs } = setUp({ current: new ProviderError('upstream down', { provider: 'mock' }) });
    const answer = await post(handler);
    expect(answer).toEqual({
      status: 503,
      contentType: 'application/json',
      body: { ok: false, error: 'could not confirm the callback with mock now' },
    });
    expect(jobs).toEqual([]);
  });

  it('a vendor that answers for another job: 503, and onError says which', async () => {
    const { handler, jobs, errors } = setUp({ current: jobOf({ providerJobId: 'j-2', id: 'mock:j-2' }) });
    const answer = await post(handler);
    expect(answer).toEqual({
      status: 503,
      contentType: 'application/json',
      body: { ok: false, error: 'the vendor answered for another job' },
    });
    expect(jobs).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toBeInstanceOf(WebhookVerificationError);
    expect(errors[0]!.error.message).toBe('mock answered for job mock:j-2, not mock:j-1.');
  });

  it('a callback that claims an end the vendor does not report yet: 503, and onError names the vendor', async () => {
    const { handler, jobs, errors } = setUp({
      parsed: jobOf({ status: 'succeeded' }),
      current: jobOf({ status: 'running' }),
    });
    const answer = await post(handler);
    expect(answer).toEqual({
      status: 503,
      contentType: 'application/json',
      body: { ok: false, error: 'the vendor does not confirm this yet' },
    });
    expect(jobs).toEqual([]);
    expect((errors[0]!.error as WebhookVerificationError).provider).toBe('mock');
  });
});

describe('the submission context kept from the signed URL', () => {
  const context = { action: 'upscale-1', parentId: 'mock:grid-1', ref: 'order-42' } as const;

  it('fills in what the vendor’s read lacks', async () => {
    const { handler, jobs } = setUp({ parsed: jobOf(context), current: jobOf({ progress: 50 }) });
    expect((await post(handler)).status).toBe(200);
    expect(jobs).toStrictEqual([jobOf({ progress: 50, ...context })]);
  });

  it('never overrides what the vendor itself reports', async () => {
    const vendor = { action: 'upscale-2', parentId: 'mock:grid-2', ref: 'order-43' } as const;
    const { handler, jobs } = setUp({ parsed: jobOf(context), current: jobOf(vendor) });
    expect((await post(handler)).status).toBe(200);
    expect(jobs).toStrictEqual([jobOf(vendor)]);
  });

  it('adds nothing when neither has it', async () => {
    const { handler, jobs } = setUp({ parsed: jobOf(), current: jobOf({ progress: 50 }) });
    expect((await post(handler)).status).toBe(200);
    // Not even as keys set to undefined: onJob sees the vendor's job as it is.
    expect(jobs).toStrictEqual([jobOf({ progress: 50 })]);
    expect(['action', 'parentId', 'ref'].filter((key) => key in jobs[0]!)).toEqual([]);
  });
});

describe('the answer when the callback itself is refused or the app fails', () => {
  it('a callback the client cannot parse for a reason of its own: 400 "callback rejected"', async () => {
    const { handler, jobs, errors } = setUp({ parsed: new SyntaxError('Unexpected token') });
    const answer = await post(handler, 'not json');
    expect(answer).toEqual({
      status: 400,
      contentType: 'application/json',
      body: { ok: false, error: 'callback rejected' },
    });
    expect(jobs).toEqual([]);
    expect(errors[0]!.error).toBeInstanceOf(SyntaxError);
  });

  it('a callback that fails verification: 401 with the reason, ok false', async () => {
    const { handler, reads } = setUp({ parsed: new WebhookVerificationError('bad signature') });
    expect(await post(handler)).toEqual({
      status: 401,
      contentType: 'application/json',
      body: { ok: false, error: 'bad signature' },
    });
    expect(reads).toEqual([]);
  });

  it('an onJob that throws: 500 "handler failed", and onError gets what it threw', async () => {
    const boom = new Error('queue full');
    const { handler, errors } = setUp(
      {},
      {
        onJob: () => {
          throw boom;
        },
      },
    );
    expect(await post(handler)).toEqual({
      status: 500,
      contentType: 'application/json',
      body: { ok: false, error: 'handler failed' },
    });
    expect(errors.map((e) => e.error)).toEqual([boom]);
  });

  it('a confirmed callback: 200 with the job id, as JSON', async () => {
    const { handler, reads } = setUp({});
    expect(await post(handler)).toEqual({
      status: 200,
      contentType: 'application/json',
      body: { ok: true, id: 'mock:j-1' },
    });
    expect(reads).toEqual(['mock:j-1']);
  });
});

/** A Node-like request whose body arrives in `chunks`, then ends or fails with `failure`. */
function nodeRequest(fields: Partial<NodeRequestLike>, chunks: (string | Uint8Array)[], failure?: Error) {
  return {
    method: 'POST',
    headers: {},
    async *[Symbol.asyncIterator]() {
      for (const chunk of chunks) yield chunk;
      if (failure) throw failure;
    },
    ...fields,
  } as NodeRequestLike;
}

function nodeResponse() {
  const sent = { statusCode: 0, headers: {} as Record<string, string>, body: undefined as string | undefined };
  const response: NodeResponseLike = {
    get statusCode() {
      return sent.statusCode;
    },
    set statusCode(value) {
      sent.statusCode = value;
    },
    setHeader: (name, value) => {
      sent.headers[name] = value;
    },
    end: (body) => {
      sent.body = body;
    },
  };
  return { response, sent };
}

describe('the Node handler', () => {
  it('answers another method than POST with 405 without reading or parsing', async () => {
    const { handler, seen, jobs } = setUp({});
    const { response, sent } = nodeResponse();
    await handler.node(nodeRequest({ method: 'GET', url: '/hooks/mj' }, ['{}']), response);
    expect(sent).toEqual({ statusCode: 405, headers: { 'content-type': 'application/json' }, body: '{"ok":false}' });
    expect(seen).toEqual([]);
    expect(jobs).toEqual([]);
  });

  it('joins a body that arrives in several chunks, text and bytes, and hands the full URL on', async () => {
    const { handler, seen, jobs } = setUp({});
    const { response, sent } = nodeResponse();
    const request = nodeRequest({ url: '/hooks/mj?mjgate_provider=mock', headers: { host: 'app.example:8080' } }, [
      '{"a":',
      new TextEncoder().encode('"bé"'),
      new TextEncoder().encode(',"b":2}'),
    ]);
    await handler.node(request, response);
    expect(sent).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true,"id":"mock:j-1"}',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.body).toBe('{"a":"bé","b":2}');
    expect(seen[0]!.url).toBe('http://app.example:8080/hooks/mj?mjgate_provider=mock');
    expect(jobs).toHaveLength(1);
  });

  it('takes the first Host of several, and localhost when there is none or it is unusable', async () => {
    const urls: string[] = [];
    for (const host of [['a.example', 'b.example'], undefined, 'bad host/name']) {
      const { handler, seen } = setUp({});
      await handler.node(nodeRequest({ url: '/hooks/mj?x=1', headers: { host } }, ['{}']), nodeResponse().response);
      urls.push(seen[0]!.url);
    }
    expect(urls).toEqual([
      'http://a.example/hooks/mj?x=1',
      'http://localhost/hooks/mj?x=1',
      'http://localhost/hooks/mj?x=1',
    ]);
  });

  it('accepts a body of exactly maxBodyBytes, declared and sent', async () => {
    const body = '{"padding":"0123456789"}';
    const { handler, seen } = setUp({}, { maxBodyBytes: body.length });
    const { response, sent } = nodeResponse();
    await handler.node(
      nodeRequest({ url: '/hooks/mj', headers: { 'content-length': String(body.length) } }, [body]),
      response,
    );
    expect(sent.statusCode).toBe(200);
    expect(seen[0]!.body).toBe(body);
  });

  it('a client that hangs up mid-body: 400, and onError gets the error with the request as received', async () => {
    const { handler, errors, jobs } = setUp({});
    const { response, sent } = nodeResponse();
    const aborted = new Error('aborted');
    const headers = { host: 'app.example' };
    await handler.node(nodeRequest({ url: '/hooks/mj?x=1', headers }, ['{"a":'], aborted), response);
    expect(sent).toEqual({
      statusCode: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ok: false, error: 'could not read the callback' }),
    });
    expect(jobs).toEqual([]);
    expect(errors).toEqual([{ error: aborted, request: { url: '/hooks/mj?x=1', headers, body: '' } }]);
  });

  it('a request without a URL that fails mid-body is reported at "/"', async () => {
    const { handler, errors } = setUp({});
    const { response, sent } = nodeResponse();
    await handler.node(nodeRequest({ headers: {} }, [], new Error('aborted')), response);
    expect(sent.statusCode).toBe(400);
    expect(errors[0]!.request).toEqual({ url: '/', headers: {}, body: '' });
  });
});
