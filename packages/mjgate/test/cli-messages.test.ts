import { AuthenticationError, InvalidRequestError, TimeoutError } from '@mjgate/core';
import { describe, expect, it } from 'vitest';
import { cliMessage, EXIT, exitCodeOf } from '../src/cli/errors.js';

/** The library's advice names its options; at the CLI the same advice names variables, commands and flags. */
describe('cliMessage', () => {
  it.each([
    [
      new AuthenticationError('No apiframe API key: pass { apiKey } or set APIFRAME_API_KEY.', {
        provider: 'apiframe',
      }),
      'No apiframe API key: set APIFRAME_API_KEY.',
    ],
    [
      new InvalidRequestError(
        'Job acedata:1 belongs to acedata, which is not configured. Add providers.acedata (or set ACEDATA_API_KEY).',
      ),
      'Job acedata:1 belongs to acedata, which is not configured. Set ACEDATA_API_KEY.',
    ],
    [
      new TimeoutError('imaginepro did not answer GET /x within 60000 ms. Retry later or raise timeoutMs.', {
        provider: 'imaginepro',
      }),
      'imaginepro did not answer GET /x within 60000 ms. Retry later or set MJGATE_TIMEOUT_MS (ms).',
    ],
    [
      new InvalidRequestError('Could not connect to apiframe at http://x (refused). Check baseUrl and the network.', {
        provider: 'apiframe',
      }),
      'Could not connect to apiframe at http://x (refused). Check APIFRAME_BASE_URL and the network.',
    ],
    [
      new InvalidRequestError('baseURL for mjproxy must not carry credentials; pass the key as apiKey.', {
        provider: 'mjproxy',
      }),
      'MJPROXY_BASE_URL for mjproxy must not carry credentials; set the key in MJPROXY_API_KEY.',
    ],
  ])('%s', (error, expected) => {
    expect(cliMessage(error)).toBe(expected);
  });

  it('leaves other errors as they are, and maps exit codes', () => {
    expect(cliMessage(new Error('boom'))).toBe('boom');
    expect(exitCodeOf(new Error('boom'))).toBe(EXIT.unexpected);
    expect(exitCodeOf(new InvalidRequestError('bad'))).toBe(EXIT.usage);
  });
});
