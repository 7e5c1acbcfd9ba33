import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_WEBHOOK_TTL_MS,
  emptyJob,
  type Job,
  readLimitedBody,
  WebhookVerificationError,
  webhookRequestFromFetch,
} from '../src/index.js';
import {
  createClient,
  headerValue,
  type ProviderDefinition,
  signWebhookUrl,
  timingSafeEqual,
  verifyWebhookUrl,
  WebhookJobRecord,
  webhookContext,
  webhookProvider,
} from '../src/provider.js';

const SECRET = 'whsec_test_0123456789';

describe('signed callback URLs', () => {
  it('a signed URL verifies, keeps the caller’s own query, and says which vendor it is for', async () => {
    const url = await signWebhookUrl('https://app.example/hooks/mj?tenant=7', 'acedata', SECRET);
    const parsed = new URL(url);
    expect(parsed.searchParams.get('tenant')).toBe('7');
    expect(webhookProvider(url)).toBe('acedata');
    await expect(verifyWebhookUrl(url, 'acedata', SECRET)).resolves.toBeUndefined();
    expect(url).not.toContain(SECRET);
  });

  it('still verifies after a proxy rewrote host and path', async () => {
    const url = new URL(await signWebhookUrl('https://app.example/hooks', 'imaginepro', SECRET));
    const behindProxy = `http://10.0.0.5:3000/internal/hooks${url.search}`;
    await expect(verifyWebhookUrl(behindProxy, 'imaginepro', SECRET)).resolves.toBeUndefined();
  });

  it('rejects a wrong secret, a tampered signature, another vendor, and an unsigned URL', async () => {
    const url = await signWebhookUrl('https://app.example/hooks', 'acedata', SECRET);
    await expect(verifyWebhookUrl(url, 'acedata', 'other-secret')).rejects.toBeInstanceOf(WebhookVerificationError);
    const tampered = new URL(url);
    tampered.searchParams.set('mjgate_sig', `${tampered.searchParams.get('mjgate_sig')!.slice(0, -2)}xx`);
    await expect(verifyWebhookUrl(tampered.toString(), 'acedata', SECRET)).rejects.toThrow(/does not match/);
    await expect(verifyWebhookUrl(url, 'imaginepro', SECRET)).rejects.toThrow(/not signed/);
    await expect(verifyWebhookUrl('https://app.example/hooks', 'acedata', SECRET)).rejects.toThrow(/not signed/);
  });

  it('without a secret the URL is only tagged', async () => {
    const url = await signWebhookUrl('https://app.example/h', 'apiframe');
    expect(new URL(url).searchParams.has('mjgate_sig')).toBe(false);
    expect(new URL(url).searchParams.has('mjgate_exp')).toBe(false);
    expect(webhookProvider(url)).toBe('apiframe');
  });

  it('refuses a relative URL', async () => {
    await expect(signWebhookUrl('/hooks', 'apiframe')).rejects.toThrow(/absolute URL/);
  });
});

describe('helpers', () => {
  it('timingSafeEqual compares exactly', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('abc', 'abcd')).toBe(false);
    expect(timingSafeEqual('', '')).toBe(true);
  });

  it('headerValue reads Headers and Node-style header objects case-insensitively', () => {
    expect(headerValue(new Headers({ 'X-Webhook-Secret': 's' }), 'x-webhook-secret')).toBe('s');
    expect(headerValue({ 'x-webhook-secret': ['a', 'b'] }, 'X-Webhook-Secret')).toBe('a');
    expect(headerValue({}, 'x')).toBeUndefined();
  });

  it('reads a Fetch API request', async () => {
    const req = new Request('https://app.example/h?x=1', { method: 'POST', body: '{"a":1}', headers: { 'x-k': 'v' } });
    const w = await webhookRequestFromFetch(req);
    expect(w).toMatchObject({ url: 'https://app.example/h?x=1', body: '{"a":1}' });
    expect(headerValue(w.headers, 'x-k')).toBe('v');
  });
});

describe('job context in the callback URL', () => {
  it('round-trips operation, action, parent and ref, and the signature covers them', async () => {
    const context = { operation: 'action', action: 'upscale-2', parentId: 'acedata:t-1', ref: 'order 7/8' } as const;
    const url = await signWebhookUrl('https://app.example/h', 'acedata', SECRET, context);
    expect(webhookContext(url)).toEqual(context);
    await expect(verifyWebhookUrl(url, 'acedata', SECRET)).resolves.toBeUndefined();
    for (const [param, value] of [
      ['mjgate_action', 'upscale-4'],
      ['mjgate_parent', 'acedata:t-2'],
      ['mjgate_ref', 'order 9'],
      ['mjgate_op', 'imagine'],
    ] as const) {
      const relabelled = new URL(url);
      relabelled.searchParams.set(param, value);
      await expect(verifyWebhookUrl(relabelled.toString(), 'acedata', SECRET), param).rejects.toThrow(/altered/);
    }
  });

  it('drops values that are not an operation or a canonical action', () => {
    expect(webhookContext('https://a.example/h?mjgate_op=hack&mjgate_action=U9&mjgate_ref=')).toEqual({ ref: '' });
  });
});

describe('signed URLs expire', () => {
  const ISSUED = Date.parse('2030-01-01T00:00:00Z');
  const HOUR = 60 * 60 * 1000;

  it('by default 72 hours after signing; then the callback is rejected as expired', async () => {
    expect(DEFAULT_WEBHOOK_TTL_MS).toBe(72 * HOUR);
    const url = await signWebhookUrl('https://app.example/h', 'acedata', SECRET, {}, { now: ISSUED });
    expect(new URL(url).searchParams.get('mjgate_exp')).toBe(String((ISSUED + 72 * HOUR) / 1000));
    await expect(verifyWebhookUrl(url, 'acedata', SECRET, { now: ISSUED + 72 * HOUR - 1 })).resolves.toBeUndefined();
    const late = verifyWebhookUrl(url, 'acedata', SECRET, { now: ISSUED + 72 * HOUR });
    await expect(late).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(late).rejects.toThrow(/callback URL expired at 2030-01-04T00:00:00.000Z/);
  });

  it('after a configurable time', async () => {
    const url = await signWebhookUrl('https://app.example/h', 'imaginepro', SECRET, {}, { ttlMs: 10_000, now: ISSUED });
    await expect(verifyWebhookUrl(url, 'imaginepro', SECRET, { now: ISSUED + 9_999 })).resolves.toBeUndefined();
    await expect(verifyWebhookUrl(url, 'imaginepro', SECRET, { now: ISSUED + 10_000 })).rejects.toThrow(/expired/);
    for (const ttlMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(signWebhookUrl('https://app.example/h', 'imaginepro', SECRET, {}, { ttlMs })).rejects.toThrow(
        /webhookTtlMs must be a positive number/,
      );
    }
  });

  it('the expiry is signed: extending it, or dropping it as an old expiry-less URL would, fails', async () => {
    const url = await signWebhookUrl('https://app.example/h', 'acedata', SECRET, {}, { now: ISSUED });
    const extended = new URL(url);
    extended.searchParams.set('mjgate_exp', String(ISSUED / 1000 + 365 * 24 * 3600));
    await expect(verifyWebhookUrl(extended.toString(), 'acedata', SECRET, { now: ISSUED })).rejects.toThrow(
      /does not match/,
    );
    const dropped = new URL(url);
    dropped.searchParams.delete('mjgate_exp');
    await expect(verifyWebhookUrl(dropped.toString(), 'acedata', SECRET, { now: ISSUED })).rejects.toThrow(
      /no mjgate_exp/,
    );
  });

  it('only an authentic URL is told it expired', async () => {
    const url = new URL(await signWebhookUrl('https://app.example/h', 'acedata', SECRET, {}, { now: ISSUED }));
    url.searchParams.set('mjgate_sig', 'AAAA');
    await expect(verifyWebhookUrl(url.toString(), 'acedata', SECRET, { now: ISSUED + 100 * HOUR })).rejects.toThrow(
      /does not match/,
    );
  });

  it('an absent ref and an empty ref sign differently', async () => {
    const url = await signWebhookUrl('https://app.example/h', 'acedata', SECRET, { operation: 'imagine' });
    const emptied = new URL(url);
    emptied.searchParams.set('mjgate_ref', '');
    await expect(verifyWebhookUrl(emptied.toString(), 'acedata', SECRET)).rejects.toThrow(/does not match/);
  });
});

describe('WebhookJobRecord', () => {
  it('remembers nonce → job until the URL expires', () => {
    const record = new WebhookJobRecord();
    record.remember('n-1', 'mock:a', 2_000, 1_000);
    expect(record.jobFor('n-1', 1_999)).toBe('mock:a');
    expect(record.jobFor('n-1', 2_000)).toBeUndefined();
    expect(record.size).toBe(0);
    record.remember('n-2', 'mock:b', 500, 1_000); // already expired: not kept
    expect(record.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest first', () => {
    const record = new WebhookJobRecord(3);
    for (let i = 1; i <= 5; i++) record.remember(`n-${i}`, `mock:${i}`, 10_000, 0);
    expect(record.size).toBe(3);
    expect(record.jobFor('n-1', 0)).toBeUndefined();
    expect(record.jobFor('n-2', 0)).toBeUndefined();
    expect(record.jobFor('n-5', 0)).toBe('mock:5');
  });

  it('drops expired entries when it records new ones', () => {
    const record = new WebhookJobRecord();
    record.remember('old', 'mock:old', 1_000, 0);
    record.remember('new', 'mock:new', 5_000, 2_000);
    expect(record.size).toBe(1);
  });
});

/**
 * A vendor whose callbacks are `{ id }` (the vendor id) with an optional echoed `ref`, as ImaginePro
 * echoes one; `submitted` is the id its next submission returns.
 */
function vendorDefinition(extra: Partial<ProviderDefinition> = {}) {
  const state = { submitted: 'job-1' };
  const job = (id: string, fields: Partial<Job> = {}) =>
    emptyJob({ provider: 'mock', providerJobId: id, operation: 'imagine', status: 'running', ...fields });
  const def: ProviderDefinition = {
    provider: 'mock',
    capabilities: {
      operations: ['imagine'],
      actions: [],
      batchGet: false,
      webhooks: true,
      cancel: false,
      account: false,
    },
    webhookSecret: SECRET,
    async get(id) {
      return job(id);
    },
    async imagine() {
      return job(state.submitted);
    },
    async parseWebhook(request) {
      const body = JSON.parse(String(request.body)) as { id: string; ref?: string };
      return job(body.id, body.ref === undefined ? {} : { ref: body.ref });
    },
    ...extra,
  };
  return { client: createClient(def), state };
}

const callback = (url: string, body: object) => ({ url, headers: {}, body: JSON.stringify(body) });

describe('a callback names the job its URL was issued for', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Submits through the client and returns the callback URL the vendor was handed. */
  async function handOut(extra: Partial<ProviderDefinition> = {}, ref?: string, id = 'job-1') {
    let url = '';
    const { client, state } = vendorDefinition({
      ...extra,
      async imagine(input) {
        url = input.webhookUrl!;
        return emptyJob({ provider: 'mock', providerJobId: state.submitted, operation: 'imagine', status: 'queued' });
      },
    });
    state.submitted = id;
    const job = await client.imagine({ prompt: 'p', ref, webhookUrl: 'https://app.example/h' });
    return { client, url, job };
  }

  it('a callback to a URL handed out for job A that names job B is rejected; one naming A passes', async () => {
    const { client, url, job } = await handOut({}, undefined, 'job-a');
    expect(job.id).toBe('mock:job-a');
    await expect(client.parseWebhook(callback(url, { id: 'job-b' }))).rejects.toThrow(
      /names job mock:job-b, but its URL was issued for job mock:job-a/,
    );
    await expect(client.parseWebhook(callback(url, { id: 'job-a' }))).resolves.toMatchObject({ id: 'mock:job-a' });
  });

  it('a nonce this process never handed out (another process, a restart) relies on the other checks', async () => {
    const { client } = vendorDefinition();
    const url = await signWebhookUrl('https://app.example/h', 'mock', SECRET, { operation: 'imagine' });
    await expect(client.parseWebhook(callback(url, { id: 'job-9' }))).resolves.toMatchObject({ id: 'mock:job-9' });
  });

  it('the ref the vendor echoes must be the ref signed in the URL', async () => {
    const { client, url } = await handOut({}, 'order-1', 'job-r');
    await expect(client.parseWebhook(callback(url, { id: 'job-r', ref: 'order-1' }))).resolves.toMatchObject({
      ref: 'order-1',
    });
    await expect(client.parseWebhook(callback(url, { id: 'job-r', ref: 'order-2' }))).rejects.toThrow(
      /echoes another ref than the one signed/,
    );
    const { client: other, url: withoutRef } = await handOut({}, undefined, 'job-s');
    await expect(other.parseWebhook(callback(withoutRef, { id: 'job-s', ref: 'order-1' }))).rejects.toThrow(
      /signed for a submission without one/,
    );
  });

  it('a callback for another vendor is rejected', async () => {
    const { client, url } = await handOut({
      async parseWebhook(request) {
        const body = JSON.parse(String(request.body)) as { id: string };
        return emptyJob({ provider: 'other', providerJobId: body.id, operation: 'imagine', status: 'running' });
      },
    });
    await expect(client.parseWebhook(callback(url, { id: 'job-1' }))).rejects.toThrow(/is for other/);
  });

  it('a vendor with its own callback secret gets signed URLs too, and both checks run', async () => {
    const { client, url } = await handOut({
      async parseWebhook(request) {
        if (headerValue(request.headers, 'x-vendor-secret') !== 'v') throw new WebhookVerificationError('header');
        const body = JSON.parse(String(request.body)) as { id: string };
        return emptyJob({ provider: 'mock', providerJobId: body.id, operation: 'imagine', status: 'running' });
      },
    });
    expect(new URL(url).searchParams.get('mjgate_sig')).toBeTruthy();
    const body = JSON.stringify({ id: 'job-1' });
    await expect(client.parseWebhook({ url, headers: { 'x-vendor-secret': 'v' }, body })).resolves.toMatchObject({
      id: 'mock:job-1',
    });
    await expect(client.parseWebhook({ url, headers: {}, body })).rejects.toThrow('header');
    await expect(
      client.parseWebhook({ url: 'https://app.example/h', headers: { 'x-vendor-secret': 'v' }, body }),
    ).rejects.toThrow(/not signed by mjgate/);
  });

  it('the URL expires after webhookTtlMs (default 72 hours), measured on the clock', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2030-01-01T00:00:00Z') });
    const byDefault = await handOut();
    const short = await handOut({ webhookTtlMs: 60_000 });
    const body = { id: 'job-1' };
    vi.advanceTimersByTime(59_000);
    await expect(short.client.parseWebhook(callback(short.url, body))).resolves.toMatchObject({ id: 'mock:job-1' });
    vi.advanceTimersByTime(1_000);
    await expect(short.client.parseWebhook(callback(short.url, body))).rejects.toThrow(/expired/);
    vi.setSystemTime(Date.parse('2030-01-03T23:59:59Z'));
    await expect(byDefault.client.parseWebhook(callback(byDefault.url, body))).resolves.toMatchObject({
      id: 'mock:job-1',
    });
    vi.setSystemTime(Date.parse('2030-01-04T00:00:00Z'));
    await expect(byDefault.client.parseWebhook(callback(byDefault.url, body))).rejects.toThrow(
      /expired at 2030-01-04T00:00:00.000Z/,
    );
  });

  it('without a webhookSecret nothing is signed or checked (the URL is only tagged)', async () => {
    const { client, url } = await handOut({ webhookSecret: undefined });
    expect(new URL(url).searchParams.has('mjgate_sig')).toBe(false);
    await expect(client.parseWebhook(callback(url, { id: 'job-7', ref: 'x' }))).resolves.toMatchObject({
      id: 'mock:job-7',
    });
  });
});

describe('callback bodies are read up to a limit', () => {
  /** A 32 MiB body produced on demand, 64 KiB per pull, counting what was pulled. */
  function hugeStream(total = 32 * 1024 * 1024, chunk = 64 * 1024) {
    const meter = { pulled: 0, cancelled: false };
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (meter.pulled >= total) return controller.close();
        meter.pulled += chunk;
        controller.enqueue(new Uint8Array(chunk).fill(0x20));
      },
      cancel() {
        meter.cancelled = true;
      },
    });
    return { stream, meter };
  }

  it('readLimitedBody stops pulling past the limit and cancels the stream', async () => {
    const { stream, meter } = hugeStream();
    await expect(readLimitedBody(stream, 64 * 1024)).resolves.toBeUndefined();
    expect(meter.cancelled).toBe(true);
    expect(meter.pulled).toBeLessThanOrEqual(3 * 64 * 1024);
    const small = new Response('{"a":1}').body;
    expect(new TextDecoder().decode(await readLimitedBody(small, 64))).toBe('{"a":1}');
    expect(await readLimitedBody(null, 64)).toEqual(new Uint8Array(0));
  });

  it('webhookRequestFromFetch reads a streamed Request up to maxBodyBytes, not to its end', async () => {
    const { stream, meter } = hugeStream();
    const request = new Request('https://app.example/h', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expect(webhookRequestFromFetch(request, { maxBodyBytes: 64 * 1024 })).rejects.toThrow(
      /larger than 65536 bytes/,
    );
    expect(meter.pulled).toBeLessThanOrEqual(4 * 64 * 1024);
    const declared = new Request('https://app.example/h', {
      method: 'POST',
      body: 'x'.repeat(100),
      headers: { 'content-length': '100' },
    });
    await expect(webhookRequestFromFetch(declared, { maxBodyBytes: 10 })).rejects.toThrow(/larger than 10 bytes/);
  });
});
