import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  InvalidRequestError,
  MjGateError,
  ResponseValidationError,
  WebhookVerificationError,
  webhookRequestFromFetch,
} from '../src/index.js';
import { type HttpFailure, HttpTransport, readNdjsonLines } from '../src/provider.js';

// The default size limits on what a vendor or a callback sends: big enough for any real answer,
// a line or a callback, refused one byte past the limit.

const KiB = 1024;
const MiB = 1024 * KiB;

/** JSON `{"id":"job-1","pad":"xxx…"}` of exactly `bytes` bytes. */
function answerOf(bytes: number): string {
  const head = '{"id":"job-1","pad":"';
  return `${head}${'x'.repeat(bytes - head.length - 2)}"}`;
}

function transport(answer: () => Response, failures: HttpFailure[] = []) {
  return new HttpTransport({
    provider: 'acme',
    baseUrl: 'https://vendor.test/api',
    authHeaders: { authorization: 'Bearer sk-test' },
    maxRetries: 0,
    fetch: async () => answer(),
    toError: (failure) => {
      failures.push(failure);
      return new InvalidRequestError('refused', { provider: 'acme' });
    },
  });
}

const read = (t: HttpTransport) =>
  t.request({ method: 'GET', path: '/job/1', call: 'read', schema: v.object({ id: v.string() }) });

describe('a vendor answer', () => {
  it('of 4 MiB is read, one past 16 MiB is refused', async () => {
    const body = answerOf(4 * MiB);
    await expect(read(transport(() => new Response(body)))).resolves.toMatchObject({ data: { id: 'job-1' } });
    const huge = answerOf(16 * MiB + 1);
    const error = (await read(transport(() => new Response(huge))).catch((caught: unknown) => caught)) as MjGateError;
    expect(MjGateError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/larger than 16777216 bytes/);
  });

  it('an error body of 60 KiB reaches the adapter’s mapping whole; one past 64 KiB does not', async () => {
    const failures: HttpFailure[] = [];
    const kept = answerOf(60 * KiB);
    await expect(read(transport(() => new Response(kept, { status: 400 }), failures))).rejects.toThrow('refused');
    expect(failures[0]?.text).toBe(kept);
    expect(failures[0]?.body).toMatchObject({ id: 'job-1' });
    await expect(
      read(transport(() => new Response(answerOf(64 * KiB + 1), { status: 400 }), failures)),
    ).rejects.toThrow('refused');
    expect(failures[1]?.text).toBe('');
  });
});

describe('an ndjson line', () => {
  const stream = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    });
  const lines = async (text: string) => {
    const out: string[] = [];
    for await (const line of readNdjsonLines(stream(text), { provider: 'acedata' })) out.push(line);
    return out;
  };

  it('of 1 MiB is read by default; one character more is refused', async () => {
    const long = 'x'.repeat(MiB);
    expect(await lines(`${long}\n{"done":true}\n`)).toEqual([long, '{"done":true}']);
    const error = (await lines(`${long}x`).catch((caught: unknown) => caught)) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.provider).toBe('acedata');
    expect(error.message).toBe(
      'The ndjson stream sent a line longer than 1048576 characters; progress lines are a few KB.',
    );
  });
});

describe('a callback body read by webhookRequestFromFetch', () => {
  const post = (body: string) => new Request('https://app.example/hook', { method: 'POST', body });

  it('of 1 MiB is read by default; one byte more is refused', async () => {
    const body = 'x'.repeat(MiB);
    await expect(webhookRequestFromFetch(post(body))).resolves.toMatchObject({ body });
    const error = (await webhookRequestFromFetch(post(`${body}x`)).catch(
      (caught: unknown) => caught,
    )) as WebhookVerificationError;
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error.message).toBe('The callback body is larger than 1048576 bytes; vendor callbacks are a few KB.');
  });
});
