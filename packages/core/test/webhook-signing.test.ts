import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyJob, InvalidRequestError, WebhookVerificationError, webhookRequestFromFetch } from '../src/index.js';
import {
  checkWebhookJob,
  foreignField,
  headerValue,
  hmacSha256,
  issuedWebhookJob,
  rememberWebhookJob,
  signWebhookUrl,
  verifyWebhookUrl,
  WEBHOOK_PARAMS,
  WebhookJobRecord,
  webhookContext,
  webhookJson,
  webhookProvider,
} from '../src/provider.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

const SECRET = 'whsec_md_0123456789';
const NOW = Date.UTC(2026, 10, 27);
const FAR = String(Math.floor(NOW / 1000) + 3600);

/** Signs a query the way the documented format says, independently of signWebhookUrl. */
async function handSigned(query: Array<[string, string]>, context: Array<string | null>, vendor: string[]) {
  const nonce = 'nonce-md';
  const expires = query.find(([k]) => k === WEBHOOK_PARAMS.expires)?.[1] ?? FAR;
  const text = JSON.stringify(['mjgate-webhook-2', 'acedata', nonce, expires, ...context, ...vendor]);
  const signature = await hmacSha256(SECRET, text);
  return (order: Array<[string, string]>) => {
    const params = new URLSearchParams([
      [WEBHOOK_PARAMS.provider, 'acedata'],
      [WEBHOOK_PARAMS.nonce, nonce],
      [WEBHOOK_PARAMS.signature, signature],
      ...(query.some(([k]) => k === WEBHOOK_PARAMS.expires) ? [] : [[WEBHOOK_PARAMS.expires, FAR] as [string, string]]),
      ...order,
    ]);
    return `https://app.example/hooks?${params}`;
  };
}

async function rejection(promise: Promise<unknown>): Promise<WebhookVerificationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return error as WebhookVerificationError;
}

describe('the signature format', () => {
  it('HMAC-SHA256 comes out as unpadded base64url (RFC 4648 §5)', async () => {
    // The standard base64 of this MAC holds '+', '/' and a trailing '='.
    expect(await hmacSha256('k', 'mjgate-2')).toBe('K8RECd26i__zPIoyGeMsH_Tk_z0d29-F_ZhaA1yGrQM');
  });

  it('a URL signed by hand per the documented format verifies, whatever order its vendor values come in', async () => {
    const values: Array<[string, string]> = [
      ['mjgate_vendor_beta', '0'],
      ['mjgate_vendor_alpha', '9'],
      ['mjgate_vendor_gamma', '5'],
      ['mjgate_vendor_alpha', '8'],
    ];
    const url = await handSigned(
      values,
      [null, null, null, null],
      ['alpha', '8', 'alpha', '9', 'beta', '0', 'gamma', '5'],
    );
    const orders: number[][] = [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [1, 0, 3, 2],
      [2, 3, 0, 1],
      [0, 3, 2, 1],
      [1, 3, 0, 2],
      [2, 1, 3, 0],
      [3, 0, 1, 2],
    ];
    for (const order of orders) {
      const signed = url(order.map((i) => values[i] as [string, string]));
      await expect(verifyWebhookUrl(signed, 'acedata', SECRET, { now: NOW })).resolves.toBeUndefined();
    }
  });

  it('a signed URL with vendor values verifies after a proxy reorders its query', async () => {
    const url = await signWebhookUrl('https://app.example/h', 'acedata', SECRET, {
      vendorValues: { zeta: 'z', alpha: 'a', mid: 'm' },
    });
    const params = [...new URL(url).searchParams].reverse();
    const reordered = `https://app.example/h?${new URLSearchParams(params)}`;
    await expect(verifyWebhookUrl(reordered, 'acedata', SECRET)).resolves.toBeUndefined();
  });

  it('an expiry that is not plain digits is refused, even under a valid signature', async () => {
    for (const expires of ['+9999999999', '9999999999.5']) {
      const url = (await handSigned([[WEBHOOK_PARAMS.expires, expires]], [null, null, null, null], []))([
        [WEBHOOK_PARAMS.expires, expires],
      ]);
      const error = await rejection(verifyWebhookUrl(url, 'acedata', SECRET, { now: NOW }));
      expect(error.message).toContain(`expired at ${expires}`);
      expect(error.provider).toBe('acedata');
    }
  });
});

describe('signWebhookUrl', () => {
  it('names the vendor on its InvalidRequestErrors', async () => {
    const bad = await signWebhookUrl('not a url', 'acedata', SECRET).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidRequestError);
    expect((bad as InvalidRequestError).provider).toBe('acedata');
    const ttl = await signWebhookUrl('https://a.example/', 'apiframe', SECRET, {}, { ttlMs: 0 }).catch((e) => e);
    expect(ttl).toBeInstanceOf(InvalidRequestError);
    expect((ttl as InvalidRequestError).provider).toBe('apiframe');
  });

  it('refuses a vendor value that is not a string, naming the vendor and the value', async () => {
    const error = await signWebhookUrl('https://a.example/', 'acedata', SECRET, {
      vendorValues: { blend: 5 as unknown as string },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).provider).toBe('acedata');
    expect((error as Error).message).toBe(
      'The acedata adapter asked to sign the webhook value "blend"; names are lower-case words ([a-z][a-z0-9_]*) and values strings.',
    );
  });

  it('drops context values and an old signature the caller’s URL carried', async () => {
    const url = await signWebhookUrl(
      'https://a.example/h?mjgate_op=upscale&mjgate_ref=old&mjgate_nonce=n&mjgate_sig=s&mjgate_exp=1&keep=1',
      'acedata',
    );
    const params = new URL(url).searchParams;
    expect(params.get('keep')).toBe('1');
    for (const name of ['mjgate_op', 'mjgate_ref', 'mjgate_nonce', 'mjgate_sig', 'mjgate_exp']) {
      expect(params.has(name)).toBe(false);
    }
    expect(webhookContext(url)).toEqual({});
  });
});

describe('reading a callback URL that does not parse', () => {
  const broken = 'http://[::1';

  it('has no vendor, no context and no issued job', () => {
    expect(webhookProvider(broken)).toBeUndefined();
    expect(webhookContext(broken)).toEqual({});
    expect(() => rememberWebhookJob(broken, 'acedata:1')).not.toThrow();
    expect(issuedWebhookJob(broken)).toBeUndefined();
  });
});

describe('verifyWebhookUrl refusals', () => {
  it('calls a URL without its nonce or without its signature unsigned, naming the vendor', async () => {
    const url = new URL(await signWebhookUrl('https://a.example/h', 'acedata', SECRET));
    for (const name of [WEBHOOK_PARAMS.nonce, WEBHOOK_PARAMS.signature]) {
      const copy = new URL(url);
      copy.searchParams.delete(name);
      const error = await rejection(verifyWebhookUrl(copy.toString(), 'acedata', SECRET));
      expect(error.message).toContain('is not signed by mjgate');
      expect(error.provider).toBe('acedata');
    }
  });

  it('names the vendor when the expiry is missing, the signature wrong, or the URL expired', async () => {
    const url = new URL(await signWebhookUrl('https://a.example/h', 'acedata', SECRET, {}, { now: NOW, ttlMs: 1000 }));
    const noExpiry = new URL(url);
    noExpiry.searchParams.delete(WEBHOOK_PARAMS.expires);
    expect((await rejection(verifyWebhookUrl(noExpiry.toString(), 'acedata', SECRET))).provider).toBe('acedata');
    expect((await rejection(verifyWebhookUrl(url.toString(), 'acedata', 'other-secret'))).provider).toBe('acedata');
    const expired = await rejection(verifyWebhookUrl(url.toString(), 'acedata', SECRET, { now: NOW + 2000 }));
    expect(expired.provider).toBe('acedata');
    expect(expired.message).toContain('expired at');
  });

  it('checkWebhookJob names the vendor on its refusal', () => {
    const job = emptyJob({
      provider: 'imaginepro',
      providerJobId: 'x1',
      operation: 'imagine',
      status: 'queued',
      ref: 'r',
    });
    let caught: unknown;
    try {
      checkWebhookJob(job, 'https://a.example/', 'imaginepro', { ref: 'other' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebhookVerificationError);
    expect((caught as WebhookVerificationError).provider).toBe('imaginepro');
  });
});

describe('WebhookJobRecord', () => {
  it('ignores an entry that is already expired, without growing', () => {
    const record = new WebhookJobRecord(10);
    record.remember('a', 'job-a', 5000, 1000);
    record.remember('late', 'job-late', 1000, 1000);
    record.remember('older', 'job-older', 500, 1000);
    expect(record.size).toBe(1);
    expect(record.jobFor('a', 1000)).toBe('job-a');
  });

  it('drops an entry that expires exactly now when another is remembered', () => {
    const record = new WebhookJobRecord(10);
    record.remember('a', 'job-a', 2000, 1000);
    record.remember('b', 'job-b', 9000, 2000);
    expect(record.size).toBe(1);
    expect(record.jobFor('b', 2000)).toBe('job-b');
  });

  it('remembering a nonce again makes it the newest, so the oldest other goes first', () => {
    const record = new WebhookJobRecord(2);
    record.remember('a', 'job-a', 9000, 1000);
    record.remember('b', 'job-b', 9000, 1000);
    record.remember('a', 'job-a', 9000, 1000);
    record.remember('c', 'job-c', 9000, 1000);
    expect(record.jobFor('a', 1000)).toBe('job-a');
    expect(record.jobFor('b', 1000)).toBeUndefined();
    expect(record.jobFor('c', 1000)).toBe('job-c');
  });
});

describe('the record of issued callback URLs', () => {
  it('a URL without a nonce takes no place in it, so a signed URL stays recorded and its callback checked', () => {
    // Far ahead: `checkWebhookJob` reads the record with the real clock.
    const expires = String(Date.UTC(2100, 0, 1) / 1000);
    const urlOf = (i: number) =>
      `https://app.example/hooks?${WEBHOOK_PARAMS.nonce}=fill-${i}&${WEBHOOK_PARAMS.expires}=${expires}`;
    // The process-wide record keeps 10,000 URLs: these fill it, pushing out what earlier tests left.
    for (let i = 0; i < 10_000; i++) rememberWebhookJob(urlOf(i), `acedata:job-${i}`, NOW);
    rememberWebhookJob(`https://app.example/hooks?${WEBHOOK_PARAMS.expires}=${expires}`, 'acedata:unsigned', NOW);
    expect(issuedWebhookJob(urlOf(0), NOW)).toBe('acedata:job-0');
    const other = emptyJob({ provider: 'acedata', providerJobId: 'other', operation: 'imagine', status: 'succeeded' });
    expect(() => checkWebhookJob(other, urlOf(0), 'acedata', {})).toThrow(
      'The acedata callback names job acedata:other, but its URL was issued for job acedata:job-0: a callback URL is good for its own job only. Reject it.',
    );
  });
});

describe('webhook request helpers', () => {
  it('headerValue finds the asked header among several in a plain object', () => {
    const headers = { 'content-type': 'application/json', 'X-Webhook-Secret': ['s1', 's2'] };
    expect(headerValue(headers, 'x-webhook-secret')).toBe('s1');
    expect(headerValue(headers, 'Content-Type')).toBe('application/json');
    expect(headerValue(headers, 'missing')).toBeUndefined();
  });

  it('headerValue reads a plain header object on a runtime without a Headers class', () => {
    vi.stubGlobal('Headers', undefined);
    expect(headerValue({ 'X-Signature': 'abc' }, 'x-signature')).toBe('abc');
  });

  it('foreignField names the first marker field a body carries as its own key', () => {
    expect(foreignField({ task_id: 1, trace_id: 2 }, ['messageId', 'trace_id', 'task_id'])).toBe('trace_id');
    expect(foreignField({ task_id: 1 }, ['messageId'])).toBeUndefined();
    expect(foreignField(Object.create({ messageId: 1 }), ['messageId'])).toBeUndefined();
    expect(foreignField(null, ['messageId'])).toBeUndefined();
    expect(foreignField('messageId', ['messageId', 'length'])).toBeUndefined();
    expect(foreignField(7, ['messageId'])).toBeUndefined();
  });

  it('webhookJson reads a byte body, and refuses a body that is not JSON with its cause', () => {
    expect(webhookJson({ url: '/', headers: {}, body: new TextEncoder().encode('{"a":1}') }, 'acedata')).toEqual({
      a: 1,
    });
    let caught: unknown;
    try {
      webhookJson({ url: '/', headers: {}, body: '{oops' }, 'acedata');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebhookVerificationError);
    const error = caught as WebhookVerificationError;
    expect(error.message).toBe('The acedata callback body is not JSON.');
    expect(error.provider).toBe('acedata');
    expect((error.cause as Error).name).toBe('SyntaxError');
  });
});

describe('webhookRequestFromFetch limits', () => {
  function streamOf(chunks: string[], onCancel?: (reason: unknown) => void): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
      cancel: onCancel,
    });
  }
  const fakeRequest = (body: ReadableStream<Uint8Array> | null, length?: number) =>
    ({
      url: 'https://a.example/h',
      headers: new Headers(length === undefined ? {} : { 'content-length': String(length) }),
      body,
    }) as unknown as Request;

  it('accepts a body of exactly the limit, joined from its chunks in order', async () => {
    const request = await webhookRequestFromFetch(fakeRequest(streamOf(['{"a":', '"bc"}']), 10), {
      maxBodyBytes: 10,
    });
    expect(request.body).toBe('{"a":"bc"}');
  });

  it('refuses a body whose Content-Length is over the limit, cancelling it unread', async () => {
    const cancelled: unknown[] = [];
    const body = streamOf(['{}'], (reason) => cancelled.push(reason ?? 'cancelled'));
    await expect(webhookRequestFromFetch(fakeRequest(body, 11), { maxBodyBytes: 10 })).rejects.toThrow(
      WebhookVerificationError,
    );
    expect(cancelled).toHaveLength(1);
    await expect(webhookRequestFromFetch(fakeRequest(null, 11), { maxBodyBytes: 10 })).rejects.toThrow(
      'The callback body is larger than 10 bytes',
    );
  });

  it('cancels an oversized stream saying why', async () => {
    const reasons: unknown[] = [];
    const chunks = ['12345', '678901'];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode(chunks.shift() ?? 'more'));
      },
      cancel: (reason) => {
        reasons.push(reason);
      },
    });
    await expect(webhookRequestFromFetch(fakeRequest(body), { maxBodyBytes: 10 })).rejects.toThrow(
      WebhookVerificationError,
    );
    await Promise.resolve();
    expect(String((reasons[0] as Error | undefined)?.message)).toBe('body larger than 10 bytes');
  });
});
