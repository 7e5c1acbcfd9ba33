import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { type MjGateError, ProviderError } from '../src/index.js';
import { HttpTransport } from '../src/provider.js';

// A network failure either happened before any connection existed (nothing was sent: a submission
// may be retried and re-routed) or after (the vendor may hold the job: never resubmitted blindly).
// Each code and wording is asserted on its own, since one misfiled code is a duplicate job or a lost retry.

const BASE = 'https://vendor.test/api';
const created = v.object({ id: v.string() });

/** A fetch that fails the way undici does, `times` times, then answers. */
function failingFetch(failure: () => unknown, times: number): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  return {
    fetch: async () => {
      calls += 1;
      if (calls <= times) throw failure();
      return Response.json({ id: 'job-1' });
    },
    calls: () => calls,
  };
}

const withCode = (code: string) => () =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) });

function submit(fetch: typeof globalThis.fetch, maxRetries: number) {
  return new HttpTransport({
    provider: 'acme',
    baseUrl: BASE,
    authHeaders: { authorization: 'Bearer sk-test' },
    maxRetries,
    backoff: { baseMs: 1, maxMs: 1 },
    fetch,
  }).request({ method: 'POST', path: '/imagine', body: {}, call: 'submit', schema: created });
}

async function failure(fetch: typeof globalThis.fetch): Promise<MjGateError> {
  const error = await submit(fetch, 0).then(
    () => undefined,
    (e: MjGateError) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error!;
}

describe('connection refused before sending: nothing was submitted', () => {
  it.each([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'UND_ERR_CONNECT_TIMEOUT',
    'ERR_INVALID_URL',
  ])('%s: says nothing was submitted, and a submission is retried', async (code) => {
    const error = await failure(failingFetch(withCode(code), 1).fetch);
    expect(error.mayHaveCreatedJob).toBe(false);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      `Could not connect to acme at ${BASE} (${code}). Check baseUrl and the network; nothing was submitted.`,
    );
    const retried = failingFetch(withCode(code), 1);
    await expect(submit(retried.fetch, 1)).resolves.toMatchObject({ data: { id: 'job-1' } });
    expect(retried.calls()).toBe(2);
  });

  it.each([
    'bad port',
    'Invalid URL',
    'Failed to parse URL from x',
    'unknown scheme',
    'URL scheme must be "http" or "https"',
  ])('"%s" with no error code is refused before sending', async (message) => {
    const error = await failure(
      failingFetch(() => new TypeError('fetch failed', { cause: new TypeError(message) }), 1).fetch,
    );
    expect(error.mayHaveCreatedJob).toBe(false);
    expect(error.message).toMatch(/nothing was submitted/);
  });
});

describe('connection lost after sending: the vendor may hold the job', () => {
  it.each(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'ETIMEDOUT'])(
    '%s: a submission is not resent and the error says to look the job up',
    async (code) => {
      const error = await failure(failingFetch(withCode(code), 1).fetch);
      expect(error.mayHaveCreatedJob).toBe(true);
      expect(error.message).toMatch(
        new RegExp(`^The connection to acme failed during POST /imagine \\(${code}\\)\\. The request was sent`),
      );
      const once = failingFetch(withCode(code), 1);
      await expect(submit(once.fetch, 3)).rejects.toBeInstanceOf(ProviderError);
      expect(once.calls()).toBe(1);
    },
  );

  it('a message that only mentions a refused wording later on is not "before sending"', async () => {
    const error = await failure(
      failingFetch(() => new TypeError('fetch failed', { cause: new TypeError('socket hang up after bad port') }), 1)
        .fetch,
    );
    expect(error.mayHaveCreatedJob).toBe(true);
  });
});
