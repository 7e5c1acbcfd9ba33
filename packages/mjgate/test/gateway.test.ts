import { ContentPolicyError, InvalidRequestError, MjGateError, ProviderError, RateLimitError } from '@mjgate/core';
import { createMockProvider, type MockProvider } from '@mjgate/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { createGateway, createWebhookHandler } from '../src/index.js';

function mocks() {
  const imaginepro = createMockProvider({ provider: 'imaginepro', steps: 2, webhookSecret: 'whsec_gateway_1' });
  const apiframe = createMockProvider({ provider: 'apiframe', steps: 2, webhookSecret: 'whsec_gateway_1' });
  const acedata = createMockProvider({ provider: 'acedata', steps: 2 });
  return { imaginepro, apiframe, acedata };
}

const submits = (mock: MockProvider) => mock.calls.filter((call) => call.method === 'imagine').length;

describe('configuration', () => {
  it('says what to set when nothing is configured', () => {
    expect(() => createGateway({ providers: {} })).toThrow(/No provider configured.*IMAGINEPRO_API_KEY/);
  });

  it('rejects an unknown vendor, a default or fallback that is not configured', () => {
    const { imaginepro } = mocks();
    // biome-ignore lint/suspicious/noExplicitAny: an unknown vendor on purpose
    expect(() => createGateway({ providers: { midjourneyx: { apiKey: 'k' } } as any })).toThrow(
      /Unknown provider "midjourneyx"/,
    );
    expect(() => createGateway({ providers: { imaginepro }, default: 'apiframe' })).toThrow(
      /default provider "apiframe" is not configured.*APIFRAME_API_KEY/,
    );
    expect(() => createGateway({ providers: { imaginepro }, fallback: ['acedata'] })).toThrow(
      /fallback provider "acedata" is not configured.*ACEDATA_API_KEY/,
    );
    expect(() => createGateway({ providers: { imaginepro }, default: 'nope' })).toThrow(InvalidRequestError);
  });
});

describe('routing', () => {
  it('follow-ups go to the vendor in the job id, whatever the default', async () => {
    const vendors = mocks();
    const gateway = createGateway({ providers: vendors, default: 'imaginepro' });
    const onApiframe = await vendors.apiframe.run({ prompt: 'fox' });
    const up = await gateway.upscale(onApiframe.id, 2);
    expect(up.provider).toBe('apiframe');
    expect(await gateway.wait(up)).toMatchObject({ provider: 'apiframe', status: 'succeeded' });
    expect(vendors.imaginepro.calls).toEqual([]);
  });

  it('an id for a vendor that is not configured is a clear error', async () => {
    const { imaginepro } = mocks();
    const gateway = createGateway({ providers: { imaginepro } });
    await expect(gateway.get('apiframe:123')).rejects.toThrow(
      /belongs to apiframe, which is not configured.*APIFRAME_API_KEY/,
    );
    await expect(gateway.get('no-prefix')).rejects.toThrow(/not a gateway job id/);
  });

  it('getMany keeps the order across vendors', async () => {
    const vendors = mocks();
    const gateway = createGateway({ providers: vendors });
    const a = await vendors.apiframe.imagine({ prompt: 'a' });
    const b = await vendors.imaginepro.imagine({ prompt: 'b' });
    const c = await vendors.apiframe.imagine({ prompt: 'c' });
    const got = await gateway.getMany([a, b.id, c]);
    expect(got.map((update) => update.id)).toEqual([a.id, b.id, c.id]);
  });

  it('the same code runs on every vendor by changing one config value', async () => {
    for (const name of ['imaginepro', 'apiframe', 'acedata'] as const) {
      const gateway = createGateway({ providers: mocks(), default: name });
      const grid = await gateway.run({ prompt: 'a red fox in snow' });
      const up = await gateway.wait(await gateway.upscale(grid, 1));
      expect([grid.provider, up.provider]).toEqual([name, name]);
      expect(up.images).toHaveLength(1);
    }
  });
});

describe('fallback', () => {
  it('a vendor that is down: the next one serves the submission, and the result says so', async () => {
    const vendors = mocks();
    const onFallback = vi.fn();
    const gateway = createGateway({ providers: vendors, default: 'imaginepro', fallback: ['apiframe'], onFallback });
    vendors.imaginepro.failNext(
      'imagine',
      new ProviderError('503 from imaginepro', { provider: 'imaginepro', status: 503 }),
    );
    const job = await gateway.imagine({ prompt: 'fox' });
    expect(job.provider).toBe('apiframe');
    expect(job.id.startsWith('apiframe:')).toBe(true);
    expect(onFallback).toHaveBeenCalledWith(expect.objectContaining({ from: 'imaginepro', to: 'apiframe' }));
  });

  it.each([
    ['rate limited', () => new RateLimitError('429', { provider: 'imaginepro' })],
    ['out of credits', () => new MjGateError('insufficient_credits', 'no credits', { provider: 'imaginepro' })],
    ['bad key', () => new MjGateError('authentication', 'bad key', { provider: 'imaginepro' })],
  ])('%s → fallback', async (_name, error) => {
    const vendors = mocks();
    const gateway = createGateway({ providers: vendors, default: 'imaginepro', fallback: ['apiframe'] });
    vendors.imaginepro.failNext('imagine', error());
    await expect(gateway.imagine({ prompt: 'fox' })).resolves.toMatchObject({ provider: 'apiframe' });
  });

  it.each([
    ['a content-policy rejection', () => new ContentPolicyError('banned', { provider: 'imaginepro' })],
    ['an invalid request', () => new InvalidRequestError('bad', { provider: 'imaginepro' })],
    [
      'an ambiguous failure (the job may exist)',
      () => new ProviderError('500 after send', { provider: 'imaginepro', mayHaveCreatedJob: true }),
    ],
  ])('%s is never re-routed', async (_name, error) => {
    const vendors = mocks();
    const gateway = createGateway({ providers: vendors, default: 'imaginepro', fallback: ['apiframe'] });
    const thrown = error();
    vendors.imaginepro.failNext('imagine', thrown);
    // The vendor's error surfaces (core may hand out a completed copy of it, e.g. with its submission).
    const surfaced = await gateway.imagine({ prompt: 'fox' }).catch((caught: unknown) => caught);
    expect(surfaced).toBeInstanceOf(thrown.constructor);
    expect(surfaced).toMatchObject({
      code: thrown.code,
      message: thrown.message,
      mayHaveCreatedJob: thrown.mayHaveCreatedJob,
    });
    expect(submits(vendors.apiframe)).toBe(0);
  });

  it('fallback is for submissions only: a failing follow-up is not re-routed', async () => {
    const vendors = mocks();
    const gateway = createGateway({ providers: vendors, default: 'imaginepro', fallback: ['apiframe'] });
    const grid = await gateway.run({ prompt: 'fox' });
    vendors.imaginepro.failNext('act', new ProviderError('down', { provider: 'imaginepro' }));
    await expect(gateway.upscale(grid, 1)).rejects.toThrow('down');
    expect(vendors.apiframe.calls).toEqual([]);
  });

  it('when every vendor fails, the last error surfaces', async () => {
    const vendors = mocks();
    const gateway = createGateway({ providers: vendors, default: 'imaginepro', fallback: ['apiframe'] });
    vendors.imaginepro.failNext('imagine', new ProviderError('ip down'));
    vendors.apiframe.failNext('imagine', new ProviderError('af down'));
    await expect(gateway.imagine({ prompt: 'fox' })).rejects.toThrow('af down');
  });

  it('a vendor that keeps failing is skipped during its cool-down', async () => {
    const vendors = mocks();
    const gateway = createGateway({
      providers: vendors,
      default: 'imaginepro',
      fallback: ['apiframe'],
      cooldownAfter: 2,
      cooldownMs: 60_000,
    });
    vendors.imaginepro.failNext('imagine', new ProviderError('down'), new ProviderError('down'));
    await gateway.imagine({ prompt: '1' });
    await gateway.imagine({ prompt: '2' });
    expect(submits(vendors.imaginepro)).toBe(2);
    const third = await gateway.imagine({ prompt: '3' });
    expect(third.provider).toBe('apiframe');
    expect(submits(vendors.imaginepro)).toBe(2);
  });
});

describe('capabilities', () => {
  it('an operation goes to a configured vendor that supports it', async () => {
    const vendors = mocks();
    const noFaceSwap = {
      ...vendors.acedata,
      capabilities: { ...vendors.acedata.capabilities, operations: ['imagine' as const] },
    };
    const gateway = createGateway({
      providers: { acedata: noFaceSwap, apiframe: vendors.apiframe },
      default: 'acedata',
    });
    const job = await gateway.faceSwap({ sourceUrl: 'https://x.example/a.png', targetUrl: 'https://x.example/b.png' });
    expect(job.provider).toBe('apiframe');
    expect(gateway.capabilities.operations).toContain('faceswap');
  });
});

describe('webhooks', () => {
  it('one handler verifies and normalises callbacks for every vendor', async () => {
    const vendors = mocks();
    const gateway = createGateway({ providers: vendors, default: 'imaginepro' });
    const jobs: string[] = [];
    const handler = createWebhookHandler(gateway, { onJob: (job) => void jobs.push(job.id) });
    const job = await gateway.imagine({ prompt: 'fox', webhookUrl: 'https://app.example/hooks/mj' });
    const handedOut = (vendors.imaginepro.calls[0]!.args[0] as { webhookUrl: string }).webhookUrl;
    expect(new URL(handedOut).searchParams.get('mjgate_provider')).toBe('imaginepro');
    const ok = await handler(new Request(handedOut, { method: 'POST', body: JSON.stringify({ id: job.id }) }));
    expect(ok.status).toBe(200);
    expect(jobs).toEqual([job.id]);
    const forged = await handler(
      new Request('https://app.example/hooks/mj?mjgate_provider=imaginepro', {
        method: 'POST',
        body: JSON.stringify({ id: job.id }),
      }),
    );
    expect(forged.status).toBe(401);
    expect(jobs).toHaveLength(1);
  });
});

describe('webhook routing without the gateway touching the URL', () => {
  // imaginepro and apiframe sign (they have a secret), acedata does not: both must route.
  it.each(['imaginepro', 'acedata', 'apiframe'] as const)(
    'a callback for %s reaches that vendor: its client tags the URL, the gateway passes the caller’s URL on as given',
    async (vendor) => {
      const vendors = mocks();
      const gateway = createGateway({ providers: vendors, default: vendor });
      const handedToClient = vi.spyOn(vendors[vendor], 'imagine');
      const callerUrl = 'https://app.example/hooks/mj?app=1';
      const job = await gateway.imagine({ prompt: 'fox', webhookUrl: callerUrl });
      expect(handedToClient.mock.calls[0]![0].webhookUrl).toBe(callerUrl);

      const handedToVendor = new URL((vendors[vendor].calls[0]!.args[0] as { webhookUrl: string }).webhookUrl);
      expect(handedToVendor.searchParams.get('mjgate_provider')).toBe(vendor);
      expect(handedToVendor.searchParams.has('mjgate_sig')).toBe(vendor !== 'acedata');

      const jobs: string[] = [];
      const handler = createWebhookHandler(gateway, { onJob: (received) => void jobs.push(received.id) });
      const answer = await handler(
        new Request(handedToVendor, { method: 'POST', body: JSON.stringify({ id: job.id }) }),
      );
      expect(answer.status).toBe(200);
      expect(jobs).toEqual([job.id]);
      const parsedBy = Object.entries(vendors)
        .filter(([, mock]) => mock.calls.some((call) => call.method === 'parseWebhook'))
        .map(([name]) => name);
      expect(parsedBy).toEqual([vendor]);
    },
  );
});

describe('webhook handler answers', () => {
  it('500 when the app’s onJob fails (so the vendor delivers again), 401 for a body that is no callback, 405 for GET', async () => {
    const vendors = mocks();
    const gateway = createGateway({ providers: vendors, default: 'imaginepro' });
    const errors: string[] = [];
    const handler = createWebhookHandler(gateway, {
      onJob: () => {
        throw new Error('database down');
      },
      onError: (error) => void errors.push(error.message),
    });
    const job = await gateway.imagine({ prompt: 'fox', webhookUrl: 'https://app.example/hooks/mj' });
    const url = (vendors.imaginepro.calls[0]!.args[0] as { webhookUrl: string }).webhookUrl;
    const failed = await handler(new Request(url, { method: 'POST', body: JSON.stringify({ id: job.id }) }));
    expect(failed.status).toBe(500);
    expect(errors).toEqual(['database down']);
    const garbage = await handler(new Request(url, { method: 'POST', body: 'not json' }));
    expect(garbage.status).toBe(401);
    const stray = await handler(new Request('https://app.example/hooks/mj', { method: 'POST', body: '{"hello":1}' }));
    expect(stray.status).toBe(400); // no vendor can be told from it
    expect((await handler(new Request(url, { method: 'GET' }))).status).toBe(405);
  });
});

describe('webhook handler on Node', () => {
  const response = () => {
    const written = {
      statusCode: 0,
      body: '',
      setHeader: () => undefined,
      end(body?: string) {
        written.body = body ?? '';
      },
    };
    return written;
  };
  const nodeRequest = (url: string, headers: Record<string, string>, ...parts: (string | Error)[]) => ({
    method: 'POST',
    url,
    headers,
    async *[Symbol.asyncIterator]() {
      for (const part of parts) {
        if (part instanceof Error) throw part;
        yield part;
      }
    },
  });

  it('never rejects: a client hanging up mid-body gets 400, a garbled Host still verifies by the query', async () => {
    const vendors = mocks();
    const gateway = createGateway({ providers: vendors, default: 'imaginepro' });
    const errors: string[] = [];
    const handler = createWebhookHandler(gateway, {
      onJob: () => {},
      onError: (error) => void errors.push(error.message),
    });
    const hungUp = response();
    const reset = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    await expect(handler.node(nodeRequest('/hooks/mj', {}, '{"id":', reset), hungUp)).resolves.toBeUndefined();
    expect(hungUp.statusCode).toBe(400);
    expect(errors).toEqual(['aborted']);

    const job = await gateway.imagine({ prompt: 'fox', webhookUrl: 'https://app.example/hooks/mj' });
    const handedOut = new URL((vendors.imaginepro.calls[0]!.args[0] as { webhookUrl: string }).webhookUrl);
    const garbled = response();
    const req = nodeRequest(
      handedOut.pathname + handedOut.search,
      { host: 'bad host' },
      JSON.stringify({ id: job.id }),
    );
    await expect(handler.node(req, garbled)).resolves.toBeUndefined();
    expect(garbled.statusCode).toBe(200);
  });

  it('refuses a body over maxBodyBytes with 413 (Node and Fetch) without handing it on', async () => {
    const vendors = mocks();
    const gateway = createGateway({ providers: vendors, default: 'imaginepro' });
    const onJob = vi.fn();
    const handler = createWebhookHandler(gateway, { onJob, maxBodyBytes: 64 });
    const big = 'x'.repeat(40);
    const res = response();
    await handler.node(nodeRequest('/hooks/mj', {}, big, big), res);
    expect(res.statusCode).toBe(413);
    const viaFetch = await handler(new Request('https://app.example/hooks/mj', { method: 'POST', body: big + big }));
    expect(viaFetch.status).toBe(413);
    expect(onJob).not.toHaveBeenCalled();
    expect(vendors.imaginepro.calls.filter((c) => c.method === 'parseWebhook')).toHaveLength(0);
  });
});

describe('shared webhook settings', () => {
  it('webhookTtlMs set once on the gateway signs every vendor’s callback URL with that expiry', async () => {
    const sent: string[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const request = new Request(input as RequestInfo, init);
      const body = (await request.json()) as { webhookOverride?: string };
      if (body.webhookOverride) sent.push(body.webhookOverride);
      return Response.json({ success: true, messageId: 'm-1' });
    };
    const before = Math.floor(Date.now() / 1000);
    const gateway = createGateway({
      providers: { imaginepro: { apiKey: 'ip-key-0001', pace: { submit: 0, read: 0 } } },
      webhookSecret: 'whsec_gateway_ttl',
      webhookTtlMs: 60_000,
      fetch,
    });
    await gateway.imagine({ prompt: 'a red fox', webhookUrl: 'https://app.example/hooks' });
    const expires = Number(new URL(sent[0] ?? '').searchParams.get('mjgate_exp'));
    const after = Math.ceil(Date.now() / 1000);
    expect(expires).toBeGreaterThanOrEqual(before + 60);
    expect(expires).toBeLessThanOrEqual(after + 60);
  });
});
