import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  InvalidRequestError,
  MjGateError,
  ProviderError,
  ResponseValidationError,
} from '../src/index.js';
import type { HttpFailure } from '../src/transport.js';
import { AMBIGUOUS, anything, json, recording, transport } from './transport-support.js';

/** A body that sends `first` and then breaks off. */
function brokenBody(first: string, status = 200): Response {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) controller.error(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
      else controller.enqueue(new TextEncoder().encode(first));
      sent = true;
    },
  });
  return new Response(body, { status });
}

async function failureOf(promise: Promise<unknown>): Promise<MjGateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(MjGateError.isInstance(error)).toBe(true);
  return error as MjGateError;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('which non-2xx answers are retried', () => {
  it.each([
    [408, 3],
    [429, 3],
    [500, 3],
    [400, 1],
    [404, 1],
  ])('a read answered %i is tried %i times', async (status, tries) => {
    const { requests, fetch } = recording(json(status, { message: 'nope' }));
    const error = await failureOf(
      transport(fetch).request({ method: 'GET', path: '/x', call: 'read', schema: anything }),
    );
    expect(requests).toHaveLength(tries);
    expect(error.status).toBe(status);
    expect(error.mayHaveCreatedJob).toBe(false);
    expect(error.message).not.toContain(AMBIGUOUS);
  });

  it('retries a read whose mapped error is retryable though the status is not transient', async () => {
    const { requests, fetch } = recording(json(400, {}), json(200, { ok: true }));
    const toError = (failure: HttpFailure) =>
      new ProviderError(`custom ${failure.status}`, { provider: failure.provider, status: failure.status });
    const result = await transport(fetch, { toError }).request({
      method: 'GET',
      path: '/x',
      call: 'read',
      schema: anything,
    });
    expect(result.data).toEqual({ ok: true });
    expect(requests).toHaveLength(2);
  });

  it.each([408, 429, 500])('retries a read answered %i even when the mapped error says not to', async (status) => {
    const { requests, fetch } = recording(json(status, {}), json(200, { ok: true }));
    const toError = (failure: HttpFailure) => new InvalidRequestError('mapped', { provider: failure.provider });
    const result = await transport(fetch, { toError }).request({
      method: 'GET',
      path: '/x',
      call: 'read',
      schema: anything,
    });
    expect(result.data).toEqual({ ok: true });
    expect(requests).toHaveLength(2);
  });

  it('maxRetries 1 means two tries', async () => {
    const { requests, fetch } = recording(json(500, {}));
    await failureOf(
      transport(fetch, { maxRetries: 1 }).request({ method: 'GET', path: '/x', call: 'read', schema: anything }),
    );
    expect(requests).toHaveLength(2);
  });

  it('a submission answered 500 is not retried and says the job may exist', async () => {
    const { requests, fetch } = recording(json(500, { message: 'boom' }));
    const error = await failureOf(
      transport(fetch).request({ method: 'POST', path: '/imagine', call: 'submit', schema: anything, body: { p: 1 } }),
    );
    expect(requests).toHaveLength(1);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toMatch(
      /^acedata failed \(500\): boom\. The vendor may be down; retry later\. The request was sent/,
    );
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.retryable).toBe(false);
    expect(error.submission).toMatchObject({ provider: 'acedata' });
  });

  it('a submission answered 502 is neither retried nor refused', async () => {
    const { requests, fetch } = recording(json(502, {}));
    const error = await failureOf(
      transport(fetch).request({ method: 'POST', path: '/imagine', call: 'submit', schema: anything }),
    );
    expect(requests).toHaveLength(1);
    expect(error.retryable).toBe(false);
  });

  it('a submission answered 503 was refused: retried, and never ambiguous', async () => {
    const { requests, fetch } = recording(json(503, {}));
    const error = await failureOf(
      transport(fetch).request({ method: 'POST', path: '/imagine', call: 'submit', schema: anything }),
    );
    expect(requests).toHaveLength(3);
    expect(error.mayHaveCreatedJob).toBe(false);
    expect(error.message).not.toContain(AMBIGUOUS);
  });

  it('a submission answered 400 is neither retried nor ambiguous', async () => {
    const { requests, fetch } = recording(json(400, { message: 'bad prompt' }));
    const error = await failureOf(
      transport(fetch).request({ method: 'POST', path: '/imagine', call: 'submit', schema: anything }),
    );
    expect(requests).toHaveLength(1);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('acedata refused the request (400): bad prompt.');
    expect(error.mayHaveCreatedJob).toBe(false);
  });

  it('a refused submission is retried only when its error is retryable', async () => {
    const { requests, fetch } = recording(json(400, {}));
    const error = await failureOf(
      transport(fetch, { submitRefused: () => true }).request({
        method: 'POST',
        path: '/imagine',
        call: 'submit',
        schema: anything,
      }),
    );
    expect(requests).toHaveLength(1);
    expect(error.retryable).toBe(false);
  });
});

describe('error bodies', () => {
  it('reads the vendor words of an error body, and the request id headers', async () => {
    const { fetch } = recording(
      () => new Response('bad key given', { status: 403, headers: { 'x-trace-id': 'trace-7' } }),
    );
    const error = await failureOf(
      transport(fetch).request({ method: 'GET', path: '/x', call: 'read', schema: anything }),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe('acedata refused access (403): bad key given.');
    expect(error.requestId).toBe('trace-7');
  });

  it('takes `trace-id` as the request id too', async () => {
    const { fetch } = recording(() => new Response('', { status: 404, headers: { 'trace-id': 'tr-3' } }));
    const error = await failureOf(
      transport(fetch).request({ method: 'GET', path: '/x', call: 'read', schema: anything }),
    );
    expect(error.requestId).toBe('tr-3');
  });

  it('an error body that breaks off leaves the status alone to speak', async () => {
    const seen: HttpFailure[] = [];
    const { fetch } = recording(() => brokenBody('partial words', 400));
    const toError = (failure: HttpFailure) => {
      seen.push(failure);
      return new InvalidRequestError(`refused: [${failure.text}]`, { provider: failure.provider });
    };
    const error = await failureOf(
      transport(fetch, { toError }).request({ method: 'GET', path: '/x', call: 'read', schema: anything }),
    );
    expect(error.message).toBe('refused: []');
    expect(seen[0]?.text).toBe('');
  });
});

describe('2xx bodies', () => {
  it('an empty body is no body, not bad JSON', async () => {
    const { fetch } = recording(() => new Response('', { status: 200 }));
    const result = await transport(fetch).request({ method: 'GET', path: '/x', call: 'read', schema: v.undefined() });
    expect(result.data).toBeUndefined();
  });

  it('quotes at most 120 characters of a body that is not JSON', async () => {
    const text = `<html>${'z'.repeat(300)}`;
    const { fetch } = recording(() => new Response(text, { status: 200 }));
    const error = await failureOf(
      transport(fetch, { maxRetries: 0 }).request({ method: 'GET', path: '/x', call: 'read', schema: anything }),
    );
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toBe(
      `acedata answered GET /x with a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}.`,
    );
  });

  it('accepts many brackets that do not nest deep', async () => {
    const list = Array.from({ length: 80 }, () => []);
    const { fetch } = recording(json(200, list));
    const result = await transport(fetch).request({ method: 'GET', path: '/x', call: 'read', schema: anything });
    expect(result.data).toEqual(list);
  });

  it('names the root when the whole body has the wrong shape', async () => {
    const { fetch } = recording(json(200, 5));
    const error = await failureOf(
      transport(fetch, { maxRetries: 0 }).request({ method: 'GET', path: '/x', call: 'read', schema: v.object({}) }),
    );
    expect(error.message).toMatch(
      /^acedata answered GET \/x with a body that does not match the documented shape at `\(root\)`: /,
    );
  });

  it('a submission answered with bad JSON names the job the part that arrived named', async () => {
    const { requests, fetch } = recording(() => new Response('{"taskId":"t-9","x": oops', { status: 200 }));
    const error = await failureOf(
      transport(fetch).request({
        method: 'POST',
        path: '/imagine',
        call: 'submit',
        schema: anything,
        jobIdField: 'taskId',
      }),
    );
    expect(requests).toHaveLength(1);
    expect(error.message).toContain('. It named job t-9. The request was sent, so the vendor may have created the job');
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.submission?.providerJobId).toBe('t-9');
  });

  it('a read answered with bad JSON says nothing of a job', async () => {
    const { fetch } = recording(() => new Response('not json', { status: 200 }));
    const error = await failureOf(
      transport(fetch, { maxRetries: 0 }).request({
        method: 'GET',
        path: '/x',
        call: 'read',
        schema: anything,
        jobIdField: 'taskId',
      }),
    );
    expect(error.message).toBe('acedata answered GET /x with a body that is not JSON: "not json".');
    expect(error.mayHaveCreatedJob).toBe(false);
  });

  it('a submission without a job id in its bad answer names none', async () => {
    const { fetch } = recording(() => new Response('garbage', { status: 200 }));
    const error = await failureOf(
      transport(fetch).request({
        method: 'POST',
        path: '/imagine',
        call: 'submit',
        schema: anything,
        jobIdField: 'taskId',
      }),
    );
    expect(error.message).toBe(
      `acedata answered POST /imagine with a body that is not JSON: "garbage". ${AMBIGUOUS} (and may bill it): look it up before submitting again.`,
    );
    expect(error.submission).not.toHaveProperty('providerJobId');
  });

  it('a read whose body breaks off says to retry, and is retried', async () => {
    const { requests, fetch } = recording(() => brokenBody('{"a":'));
    const error = await failureOf(
      transport(fetch).request({ method: 'GET', path: '/x', call: 'read', schema: anything }),
    );
    expect(requests).toHaveLength(3);
    expect(error.message).toBe(
      "acedata's answer to GET /x broke off after 5 characters (UND_ERR_SOCKET). Retry later.",
    );
  });

  it('a submission whose body breaks off names the job without a job id field too', async () => {
    const { fetch } = recording(() => brokenBody('{"taskId":"t-5",'));
    const error = await failureOf(
      transport(fetch).request({
        method: 'POST',
        path: '/imagine',
        call: 'submit',
        schema: anything,
        jobIdField: 'taskId',
      }),
    );
    expect(error.message).toMatch(
      /broke off after 16 characters \(UND_ERR_SOCKET\)\. It named job t-5\. The request was sent/,
    );
    const plain = recording(() => brokenBody('{"id":'));
    const unnamed = await failureOf(
      transport(plain.fetch).request({ method: 'POST', path: '/imagine', call: 'submit', schema: anything }),
    );
    expect(unnamed.message).toMatch(/broke off after 6 characters \(UND_ERR_SOCKET\)\. The request was sent/);
  });
});

describe('redirects', () => {
  it('a read redirected elsewhere names the origin only, and is not retried', async () => {
    const { requests, fetch } = recording(
      () => new Response(null, { status: 302, headers: { location: 'https://other.test/path?token=1' } }),
    );
    const error = await failureOf(
      transport(fetch).request({ method: 'GET', path: '/x', call: 'read', schema: anything }),
    );
    expect(requests).toHaveLength(1);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toBe(
      'acedata answered GET /x with a redirect (302) to https://other.test; mjgate follows no redirect, so nothing was sent there. Check baseUrl (use https://other.test if you trust it).',
    );
    expect(error.status).toBe(302);
  });

  it('a redirect without a Location says only to check baseUrl', async () => {
    const { fetch } = recording(() => new Response('moved', { status: 301 }));
    const error = await failureOf(
      transport(fetch).request({ method: 'POST', path: '/imagine', call: 'submit', schema: anything }),
    );
    expect(error.message).toBe(
      'acedata answered POST /imagine with a redirect (301); mjgate follows no redirect, so nothing was sent there. Check baseUrl.',
    );
    expect(error.mayHaveCreatedJob).toBe(false);
  });

  it('a 303 to a submission means it was processed: the job may exist', async () => {
    const { fetch } = recording(() => new Response(null, { status: 303 }));
    const error = await failureOf(
      transport(fetch).request({ method: 'POST', path: '/imagine', call: 'submit', schema: anything }),
    );
    expect(error.message).toContain(`Check baseUrl. ${AMBIGUOUS}`);
    expect(error.mayHaveCreatedJob).toBe(true);
  });

  it('a 303 to a read says nothing of a job', async () => {
    const { fetch } = recording(() => new Response(null, { status: 303 }));
    const error = await failureOf(
      transport(fetch).request({ method: 'GET', path: '/x', call: 'read', schema: anything }),
    );
    expect(error.message).toMatch(/Check baseUrl\.$/);
  });
});

describe('a refused submission', () => {
  it('answered 429 is retried even when the adapter maps it as not retryable', async () => {
    const { requests, fetch } = recording(json(429, {}), json(200, { id: 'j-1' }));
    const toError = (failure: HttpFailure) => new InvalidRequestError('slow down', { provider: failure.provider });
    const result = await transport(fetch, { toError }).request({
      method: 'POST',
      path: '/imagine',
      call: 'submit',
      schema: anything,
    });
    expect(result.data).toEqual({ id: 'j-1' });
    expect(requests).toHaveLength(2);
  });

  it('that the adapter maps as retryable is retried whatever its status', async () => {
    const { requests, fetch } = recording(json(400, {}), json(200, { id: 'j-2' }));
    const toError = (failure: HttpFailure) =>
      new ProviderError('busy, try again', { provider: failure.provider, status: failure.status });
    const result = await transport(fetch, { toError, submitRefused: () => true }).request({
      method: 'POST',
      path: '/imagine',
      call: 'submit',
      schema: anything,
    });
    expect(result.data).toEqual({ id: 'j-2' });
    expect(requests).toHaveLength(2);
  });
});

describe('an ambiguous submission', () => {
  it('carries what the transport knows: provider, a placeholder operation the client replaces, when it was sent', async () => {
    const { fetch } = recording(json(500, {}));
    const before = Date.now();
    const error = await failureOf(
      transport(fetch).request({ method: 'POST', path: '/imagine', call: 'submit', schema: anything }),
    );
    expect(error.submission).toEqual({ provider: 'acedata', operation: 'imagine', sentAt: expect.any(String) });
    expect(Date.parse(error.submission!.sentAt)).toBeGreaterThanOrEqual(before - 1);
  });
});

describe('an opaque redirect (a browser’s answer to redirect: manual)', () => {
  it('says "opaque" where the status would be, and is not retried', async () => {
    const { requests, fetch } = recording(() => {
      const response = new Response(null, { status: 200 });
      Object.defineProperty(response, 'type', { value: 'opaqueredirect' });
      Object.defineProperty(response, 'status', { value: 0 });
      return response;
    });
    const error = await failureOf(
      transport(fetch).request({ method: 'GET', path: '/x', call: 'read', schema: anything }),
    );
    expect(requests).toHaveLength(1);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toBe(
      'acedata answered GET /x with a redirect (opaque); mjgate follows no redirect, so nothing was sent there. Check baseUrl.',
    );
    expect(error.status).toBeUndefined();
  });
});

describe('what is masked in messages', () => {
  it('quotes the vendor’s words whole when they hold no credential', async () => {
    for (const words of ['Stryker was here', 'quota used up']) {
      const { fetch } = recording(json(400, { message: words }));
      const error = await failureOf(
        transport(fetch).request({ method: 'GET', path: '/x', call: 'read', schema: anything }),
      );
      expect(error.message).toBe(`acedata refused the request (400): ${words}.`);
    }
  });

  it('masks a credential header whole, and cuts off only a leading scheme word', async () => {
    // `team-7 alpha` is no `<scheme> <token>`: only the whole value is a secret, not `team-alpha`.
    const { fetch } = recording(json(400, { message: 'team-alpha is unknown; you sent team-7 alpha' }));
    const error = await failureOf(
      transport(fetch, { authHeaders: { 'x-api-key': 'team-7 alpha' } }).request({
        method: 'GET',
        path: '/x',
        call: 'read',
        schema: anything,
      }),
    );
    expect(error.message).toBe('acedata refused the request (400): team-alpha is unknown; you sent [redacted].');
  });
});
