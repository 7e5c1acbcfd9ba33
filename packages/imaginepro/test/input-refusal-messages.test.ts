import { InvalidRequestError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { client, rejectionOf } from './helpers.js';

// What the caller reads when an input is refused before any request: the field and the rule.

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

it('a blank prompt to promptCheck is refused as empty', async () => {
  const error = await rejectionOf(client().promptCheck('   '));
  expect(error).toBeInstanceOf(InvalidRequestError);
  expect(error).toMatchObject({ provider: 'imaginepro', retryable: false });
  expect(error.message).toBe('Invalid promptCheck input: `input` must not be empty.');
});

it.each([
  [
    { width: 1000.5 },
    'Invalid flux-1.1-pro imagine providerOptions input: `width` must be a whole number of pixels; `width` must be a multiple of 8.',
  ],
  [{ height: 0 }, 'Invalid flux-1.1-pro imagine providerOptions input: `height` must be at least 8.'],
  [{ width: -8 }, 'Invalid flux-1.1-pro imagine providerOptions input: `width` must be at least 8.'],
])('Flux providerOptions %j are refused with the rule they break', async (providerOptions, message) => {
  const error = await rejectionOf(client().imagine({ prompt: 'a red fox', model: 'flux-1.1-pro', providerOptions }));
  expect(error).toBeInstanceOf(InvalidRequestError);
  expect(error.message).toBe(message);
});
