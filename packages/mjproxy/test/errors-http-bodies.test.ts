import { ContentPolicyError, InvalidRequestError, NotFoundError, ProviderError, RateLimitError } from '@mjgate/core';
import type { HttpFailure } from '@mjgate/core/provider';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resultError, toMjProxyError } from '../src/errors.js';
import { createMjProxy } from '../src/index.js';
import { BASE, fixture, jobFrom, KEY } from './helpers.js';

// Every error a caller catches says which vendor and, for an HTTP answer, which status it came from,
// and quotes the server's own words wherever its body put them (§1.3, §1.4, §6): the
// `SubmitResultVO` fields, new-api's `error.message`, or a bare `message`.

const client = () => createMjProxy({ apiKey: KEY, baseURL: BASE, maxRetries: 0 });
const UPSCALED = jobFrom('task-upscale-trueai');

function failure(status: number, body: unknown, path = '/mj/task/1/fetch'): HttpFailure {
  return { provider: 'mjproxy', call: 'read', method: 'GET', path, status, body } as HttpFailure;
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('who and what each refusal names', () => {
  it('a full queue: mjproxy, the status, retryable', () => {
    expect(resultError({ code: 23, description: 'busy' }, 'submit', 200)).toMatchObject({
      provider: 'mjproxy',
      status: 200,
      retryable: true,
    });
  });

  it('no usable account (code 3 on a submission): mjproxy, the status, retryable', () => {
    const error = resultError(fixture('submit-no-account') as never, 'submit', 200);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'mjproxy', status: 200, retryable: true });
  });

  it('a failed submission (code 9): mjproxy, the status, retryable', () => {
    const error = resultError({ code: 9, description: 'system error' }, 'submit', 200);
    expect(error).toMatchObject({ provider: 'mjproxy', status: 200, retryable: true });
    expect(error.message).toBe('mjproxy failed to submit (code 9): system error. Retry later.');
  });

  it('a missing parent (code 3 on an action) says the task is unknown', () => {
    const error = resultError({ code: 3, description: 'gone' }, 'parent', 200);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('mjproxy does not know the task (code 3): gone.');
  });

  it('a banned word that is not text is left out of the message', () => {
    const error = resultError({ code: 24, description: 'banned', properties: { bannedWord: 42 } }, 'submit');
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect(error.message).toBe('mjproxy refused the prompt (code 24): banned. Rephrase it without the banned words.');
  });
});

describe('the words of an HTTP error body', () => {
  it('a description that is not text gives way to the message', () => {
    const error = toMjProxyError(failure(400, { code: 4, description: 42, message: 'prompt too long' }), 'submit');
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('mjproxy refused the request (code 4): prompt too long. Check the input.');
  });

  it("new-api's nested error.message, when there is no message", () => {
    const error = toMjProxyError(failure(400, { code: 4, error: { message: 'prompt too long' } }), 'submit');
    expect(error.message).toBe('mjproxy refused the request (code 4): prompt too long. Check the input.');
  });

  it('a message of its own comes before a nested one', () => {
    const error = toMjProxyError(failure(400, { code: 4, message: 'outer', error: { message: 'inner' } }), 'submit');
    expect(error.message).toBe('mjproxy refused the request (code 4): outer. Check the input.');
  });

  it('a server error quotes the description of its result code', () => {
    const error = toMjProxyError(failure(500, { code: 9, description: 'system busy' }), 'read');
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toBe('mjproxy failed (500): system busy. The vendor may be down; retry later.');
  });

  it('"not found" is an unknown task only on a 400; a 500 saying it is a server failure', () => {
    const unknown = toMjProxyError(failure(400, { message: 'task not found' }), 'read');
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown).toMatchObject({
      provider: 'mjproxy',
      status: 400,
      message: 'mjproxy does not know the task (400): task not found.',
    });
    const broken = toMjProxyError(failure(500, { message: 'task not found' }), 'read');
    expect(broken).toBeInstanceOf(ProviderError);
    expect(broken).not.toBeInstanceOf(NotFoundError);
  });
});

describe('through the client', () => {
  it('code 3 in an error answer to an action is a missing parent; to an imagine, no usable account', async () => {
    nock(BASE)
      .post('/mj/submit/action')
      .reply(404, { code: 3, description: 'gone' })
      .post('/mj/submit/imagine')
      .reply(404, { code: 3, description: 'gone' });
    const parent = await client()
      .act(UPSCALED, 'upscale-subtle')
      .catch((e: unknown) => e);
    expect(parent).toBeInstanceOf(NotFoundError);
    expect((parent as Error).message).toBe('mjproxy does not know the task (code 3): gone.');
    const account = await client()
      .imagine({ prompt: 'a cat' })
      .catch((e: unknown) => e);
    expect(account).toBeInstanceOf(ProviderError);
    expect((account as Error).message).toBe('mjproxy has no usable account right now (code 3): gone. Retry later.');
  });

  it('a ref too long for the state is refused as mjproxy’s', async () => {
    await expect(client().imagine({ prompt: 'a cat', ref: 'x'.repeat(256) })).rejects.toMatchObject({
      provider: 'mjproxy',
    });
  });

  it('a video without a prompt is refused before sending, as mjproxy’s', async () => {
    const error = await client()
      .video({ imageUrl: 'https://example.com/a.png' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({
      provider: 'mjproxy',
      message: 'The midjourney-proxy /mj/submit/video needs a prompt (input.prompt).',
    });
  });

  it('an unknown video option is refused, naming the video options', async () => {
    const error = await client()
      .video({ prompt: 'runs', imageUrl: 'https://example.com/a.png', providerOptions: { speed: 2 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toBe(
      'Invalid video providerOptions input: `speed` is not an option here (accepted: loop, videoType, batchSize).',
    );
  });
});

describe('a full queue through the client', () => {
  it('is a RateLimitError of mjproxy with the HTTP status', async () => {
    nock(BASE).post('/mj/submit/imagine').reply(200, fixture('submit-queue-full'));
    await expect(client().imagine({ prompt: 'a cat' })).rejects.toSatisfy(
      (error: unknown) => error instanceof RateLimitError && error.provider === 'mjproxy' && error.status === 200,
    );
  });
});
