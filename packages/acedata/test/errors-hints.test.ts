// What a caller sees for each documented AceData error code (§12.1): the error class, whether it may
// be retried, and the exact message with the hint that says what to do. Bodies and statuses are
// the reference's own (fixtures/errors.json).
import {
  AuthenticationError,
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  type MjGateError,
  ProviderError,
  RateLimitError,
  TimeoutError,
} from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE, client, failure, fixture } from './helpers.js';

type ErrorClass = abstract new (...args: never[]) => MjGateError;

interface ReferenceError {
  status: number;
  body: { error: { code: string; message: string }; trace_id: string };
}

const KEY_HINT =
  'Check ACEDATA_API_KEY: it must be a Midjourney service or global credential from platform.acedata.cloud (not a `platform-` token).';

/** Per code: the class, `retryable`, and the hint that ends the message. */
const EXPECTED: Record<string, { type: ErrorClass; retryable: boolean; hint: string }> = {
  bad_request: { type: InvalidRequestError, retryable: false, hint: 'Fix the request.' },
  no_token: { type: AuthenticationError, retryable: false, hint: KEY_HINT },
  token_mismatched: {
    type: AuthenticationError,
    retryable: false,
    hint: 'The token belongs to another AceData service: use a Midjourney or global credential.',
  },
  api_not_implemented: {
    type: InvalidRequestError,
    retryable: false,
    hint: 'AceData does not implement this call for the token.',
  },
  invalid_token: { type: AuthenticationError, retryable: false, hint: KEY_HINT },
  token_expired: { type: AuthenticationError, retryable: false, hint: 'The token expired: create a new one.' },
  used_up: {
    type: InsufficientCreditsError,
    retryable: false,
    hint: 'Top up the balance at https://platform.acedata.cloud.',
  },
  disabled: {
    type: AuthenticationError,
    retryable: false,
    hint: 'The credential or application is disabled in the AceData console.',
  },
  forbidden: {
    type: ContentPolicyError,
    retryable: false,
    hint: 'Midjourney moderation refused the prompt or image; change it.',
  },
  no_api: { type: InvalidRequestError, retryable: false, hint: 'AceData has no such path: check baseURL.' },
  too_many_requests: {
    type: RateLimitError,
    retryable: true,
    hint: 'AceData allows 1 submission per second: slow down or retry later.',
  },
  rate_limited: {
    type: RateLimitError,
    retryable: true,
    hint: 'AceData allows 5 jobs in flight per token: wait for one to finish.',
  },
  api_error: { type: ProviderError, retryable: true, hint: 'AceData failed internally; retry later.' },
  timeout: { type: TimeoutError, retryable: true, hint: 'AceData timed out; retry later.' },
};

/** Core's note on a submission a vendor may have taken before failing (a 5xx). */
const MAY_HAVE_CREATED =
  ' The request was sent, so the vendor may have created the job (and may bill it): look it up before submitting again.';

const REFERENCE = fixture<ReferenceError[]>('errors.json');

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

describe('every AceData error code, as an imagine meets it', () => {
  it('the reference lists each code the table expects, once', () => {
    expect(REFERENCE.map((entry) => entry.body.error.code).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(REFERENCE.map((entry) => [entry.body.error.code, entry] as const))('%s', async (code, entry) => {
    nock(BASE).post('/midjourney/imagine').reply(entry.status, entry.body);
    const error = await failure(client({ maxRetries: 0 }).imagine({ prompt: 'a red fox in snow' }));
    const expected = EXPECTED[code]!;
    expect(error).toBeInstanceOf(expected.type);
    // The vendor's own sentence loses its full stop; a 5xx adds core's may-have-created note.
    const said = entry.body.error.message.replace(/\.$/, '');
    // A submission that failed with a 5xx may have been taken, so it is not retried blindly.
    const ambiguous = entry.status >= 500;
    const note = ambiguous ? MAY_HAVE_CREATED : '';
    expect(error.message).toBe(
      `AceData refused the request (${code}, HTTP ${entry.status}): ${said}. ${expected.hint}${note}`,
    );
    expect(error).toMatchObject({
      provider: 'acedata',
      retryable: expected.retryable && !ambiguous,
      mayHaveCreatedJob: ambiguous,
      requestId: entry.body.trace_id,
    });
  });
});

describe('an error envelope that comes with a 200 (§12.1)', () => {
  it.each(Object.keys(EXPECTED).map((code) => [code] as const))('%s keeps its class and hint', async (code) => {
    nock(BASE)
      .post('/midjourney/imagine')
      .reply(200, { success: false, error: { code, message: 'Refused.' }, trace_id: 'tr-200' });
    const error = await failure(client({ maxRetries: 0 }).imagine({ prompt: 'a red fox in snow' }));
    const expected = EXPECTED[code]!;
    expect(error).toBeInstanceOf(expected.type);
    expect(error.message).toBe(`AceData refused the request (${code}): Refused. ${expected.hint}`);
    expect(error).toMatchObject({ provider: 'acedata', retryable: expected.retryable, requestId: 'tr-200' });
  });
});
