// A shorten answers in the same call (§8): what the caller sees when AceData's answer holds no
// prompts, says it failed, or when the caller asks for a callback AceData never sends.
import { InvalidRequestError, ResponseValidationError, UnsupportedError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE, client, failure } from './helpers.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

describe('shorten', () => {
  it('an answer without prompts is a validation error that may have been billed', async () => {
    nock(BASE).post('/midjourney/shorten').reply(200, { success: true, trace_id: 'tr-s1' });
    const error = await failure(client({ maxRetries: 0 }).shorten({ prompt: 'a red fox standing in fresh snow' }));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toBe(
      'AceData answered the shorten without prompts. The request was sent, so it may have been accepted (and billed).',
    );
    expect(error).toMatchObject({ provider: 'acedata', requestId: 'tr-s1', mayHaveCreatedJob: true });
  });

  it('a `success: false` answer with no reason names the shorten', async () => {
    nock(BASE).post('/midjourney/shorten').reply(200, { success: false });
    const error = await failure(client({ maxRetries: 0 }).shorten({ prompt: 'a red fox standing in fresh snow' }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('AceData refused the shorten: no reason given.');
  });

  it('refuses a webhookUrl, naming the shorten, before sending anything', async () => {
    const error = await failure(
      client({ webhookSecret: 'a-webhook-secret-of-32-characters!!' }).shorten({
        prompt: 'a red fox standing in fresh snow',
        webhookUrl: 'https://example.com/hooks/mj',
      }),
    );
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toBe('AceData answers shorten at once and sends no callback; drop webhookUrl.');
  });
});
