import {
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  ProviderError,
  ResponseValidationError,
} from '@mjgate/core';
import type { HttpFailure } from '@mjgate/core/provider';
import { describe, expect, it } from 'vitest';
import { refusalError, toAceDataError } from '../src/errors.js';
import type { AceDataResult } from '../src/schemas.js';

/** A non-2xx answer as the transport hands it to the adapter. */
function failure(status: number, body: unknown, requestId?: string): HttpFailure {
  return {
    provider: 'acedata',
    call: 'submit',
    method: 'POST',
    path: '/midjourney/imagine',
    status,
    body,
    text: typeof body === 'string' ? body : JSON.stringify(body),
    headers: new Headers(),
    ...(requestId === undefined ? {} : { requestId }),
  } as HttpFailure;
}

const envelope = (fields: Record<string, unknown>) => fields as unknown as AceDataResult;
const TOP_UP = 'Top up the balance at https://platform.acedata.cloud.';
const MODERATION = 'Midjourney moderation refused the prompt or image; change it.';

describe('non-2xx answers', () => {
  it('a known code names the code, the HTTP status and the vendor words', () => {
    const error = toAceDataError(failure(403, { error: { code: 'used_up', message: 'Balance exhausted' } }));
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error.message).toBe(`AceData refused the request (used_up, HTTP 403): Balance exhausted. ${TOP_UP}`);
  });

  it('a known code without words says so without an empty colon', () => {
    const error = toAceDataError(failure(403, { error: { code: 'used_up' } }));
    expect(error.message).toBe(`AceData refused the request (used_up, HTTP 403). ${TOP_UP}`);
  });

  it('a code that is an Object.prototype member is unknown: the status decides', () => {
    const error = toAceDataError(failure(500, { error: { code: 'toString', message: 'boom' } }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.status).toBe(500);
    const other = toAceDataError(failure(500, { error: { code: 'constructor', message: 'boom' } }));
    expect(other).toBeInstanceOf(ProviderError);
  });

  it('an empty or non-JSON body is read by status alone', () => {
    expect(toAceDataError(failure(500, null))).toBeInstanceOf(ProviderError);
    expect(toAceDataError(failure(500, undefined))).toBeInstanceOf(ProviderError);
  });

  it('only a string trace_id replaces the request id of the transport', () => {
    const numeric = toAceDataError(
      failure(400, { error: { code: 'bad_request', message: 'x' }, trace_id: 123 }, 'req-1'),
    );
    expect(numeric.requestId).toBe('req-1');
    const empty = toAceDataError(failure(400, { error: { code: 'bad_request', message: 'x' }, trace_id: '' }, 'req-1'));
    expect(empty.requestId).toBe('req-1');
    const real = toAceDataError(
      failure(400, { error: { code: 'bad_request', message: 'x' }, trace_id: 'tr-9' }, 'req-1'),
    );
    expect(real.requestId).toBe('tr-9');
  });

  it('a 403 without a code is read from its words, naming the status', () => {
    const error = toAceDataError(failure(403, { detail: 'Prompt is against our community standards' }, 'req-2'));
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect(error.message).toBe(
      `AceData refused the request (HTTP 403): Prompt is against our community standards. ${MODERATION}`,
    );
    expect(error.requestId).toBe('req-2');
    const credits = toAceDataError(failure(403, { detail: 'Your balance is not sufficient' }));
    expect(credits).toBeInstanceOf(InsufficientCreditsError);
    expect(credits.message).toBe(`AceData refused the request (HTTP 403): Your balance is not sufficient. ${TOP_UP}`);
  });

  it('words are read only on a 403: a 500 stays a provider error', () => {
    const error = toAceDataError(failure(500, { detail: 'Your balance is not sufficient' }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).not.toBeInstanceOf(InsufficientCreditsError);
  });

  it('a 402 points at the x402 host, with and without words', () => {
    const worded = toAceDataError(failure(402, { detail: 'Payment required' }, 'req-3'));
    expect(worded).toBeInstanceOf(InsufficientCreditsError);
    expect(worded.message).toBe(
      'AceData asked for payment (402): Payment required. That is the x402 pay-per-call host; use https://api.acedata.cloud with a Bearer token.',
    );
    expect(worded).toMatchObject({ provider: 'acedata', status: 402, requestId: 'req-3' });
    const bare = toAceDataError(failure(402, {}));
    expect(bare.message).toBe(
      'AceData asked for payment (402). That is the x402 pay-per-call host; use https://api.acedata.cloud with a Bearer token.',
    );
  });
});

describe('2xx answers that are not what the call returns', () => {
  it('a known code in the envelope is that error, with the trace id and no HTTP status', () => {
    const error = refusalError(
      envelope({ error: { code: 'used_up', message: 'Balance exhausted' }, trace_id: 'tr-1' }),
      'imagine',
      'a task_id',
    );
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error.message).toBe(`AceData refused the request (used_up): Balance exhausted. ${TOP_UP}`);
    expect(error.requestId).toBe('tr-1');
  });

  it('an envelope read from its words names no status', () => {
    const error = refusalError(
      envelope({ success: false, message: 'against our community standards' }),
      'imagine',
      'x',
    );
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect(error.message).toBe(`AceData refused the request: against our community standards. ${MODERATION}`);
  });

  it('success: false alone is a refusal, with or without a reason', () => {
    const said = refusalError(envelope({ success: false, message: 'nope', trace_id: 'tr-2' }), 'imagine', 'a task_id');
    expect(said).toBeInstanceOf(InvalidRequestError);
    expect(said.message).toBe('AceData refused the imagine: nope.');
    expect(said).toMatchObject({ provider: 'acedata', requestId: 'tr-2' });
    const silent = refusalError(envelope({ success: false }), 'imagine', 'a task_id');
    expect(silent.message).toBe('AceData refused the imagine: no reason given.');
  });

  it('an answer without what the call returns may have created a task', () => {
    const error = refusalError(envelope({ trace_id: 'tr-3' }), 'imagine', 'a task_id');
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toBe(
      'AceData answered the imagine without a task_id. The request was sent, so it may have been accepted (and billed).',
    );
    expect(error).toMatchObject({ provider: 'acedata', requestId: 'tr-3', mayHaveCreatedJob: true });
  });
});
