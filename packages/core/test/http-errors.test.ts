import { describe, expect, it } from 'vitest';
import {
  describeCause,
  type HttpFailure,
  httpError,
  isRedirect,
  redirectOrigin,
  refusedBeforeSending,
  vendorMessage,
} from '../src/http-errors.js';
import {
  AuthenticationError,
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  NotFoundError,
  ProviderError,
  RateLimitError,
  TimeoutError,
} from '../src/index.js';

function failure(status: number, body: unknown = { message: 'no luck' }): HttpFailure {
  return {
    provider: 'acedata',
    call: 'submit',
    method: 'POST',
    path: '/imagine',
    status,
    body,
    text: JSON.stringify(body),
    headers: new Headers(),
    requestId: 'r-1',
    retryAfterMs: 1500,
  };
}

describe('vendorMessage reads the vendor words of an error body', () => {
  it('takes a text body as is, tidied', () => {
    expect(vendorMessage('  key expired.. ')).toBe('key expired');
    expect(vendorMessage('plain words', 'fallback')).toBe('plain words');
  });

  it('gives the fallback (empty by default) when nothing is said', () => {
    expect(vendorMessage(undefined)).toBe('');
    expect(vendorMessage(null, 'none')).toBe('none');
    expect(vendorMessage(42, 'none')).toBe('none');
    expect(vendorMessage({}, 'none')).toBe('none');
    expect(vendorMessage({ message: '   ' }, 'none')).toBe('none');
  });

  it('does not read a top-level array as an object body', () => {
    const list = Object.assign(['first'], { message: 'hidden' });
    expect(vendorMessage(list, 'none')).toBe('none');
  });

  it('reads the common shapes in order', () => {
    expect(vendorMessage({ error: { message: 'nested' }, message: 'top' })).toBe('nested');
    expect(vendorMessage({ message: 'top', detail: 'detail' })).toBe('top');
    expect(vendorMessage({ message: ['one', ' ', 'two', 3] })).toBe('one; two');
    expect(vendorMessage({ errors: ['a', { msg: 'b' }, { message: 'c' }, {}, ''] })).toBe('a; b; c');
    expect(vendorMessage({ error: 'flat error' })).toBe('flat error');
    expect(vendorMessage({ detail: 'only detail' })).toBe('only detail');
  });

  it('skips a message made of blanks and goes on to the next shape', () => {
    expect(vendorMessage({ message: '   ', detail: 'the detail' })).toBe('the detail');
    expect(vendorMessage({ message: [' ', ''], detail: 'the detail' })).toBe('the detail');
  });

  it('keeps the first ten list entries only', () => {
    const errors = Array.from({ length: 12 }, (_, i) => `e${i}`);
    expect(vendorMessage({ errors })).toBe(errors.slice(0, 10).join('; '));
  });

  it('trims the words and drops trailing periods and spaces', () => {
    expect(vendorMessage({ message: '  slow down. .  ' })).toBe('slow down');
    expect(vendorMessage({ detail: 'end...' })).toBe('end');
  });

  it('bounds the text to 500 characters before trimming', () => {
    const long = `${'x'.repeat(499)}    tail`;
    expect(vendorMessage(long)).toBe('x'.repeat(499));
    expect(vendorMessage('y'.repeat(900))).toHaveLength(500);
  });

  it('passes over null members without throwing', () => {
    expect(vendorMessage({ error: null, errors: [null, 'listed'], detail: 'd' })).toBe('listed');
    expect(vendorMessage({ error: null, detail: 'd' })).toBe('d');
  });

  it('reads own members only, never inherited ones', () => {
    const body = Object.create({ message: 'inherited' }) as Record<string, unknown>;
    body.detail = 'own detail';
    expect(vendorMessage(body)).toBe('own detail');
  });
});

describe('httpError maps a status to the error an app sees', () => {
  it.each([
    [401, AuthenticationError, 'acedata rejected the API key (401): no luck. Check the key you configured.'],
    [402, InsufficientCreditsError, 'acedata says the account is out of credits (402): no luck.'],
    [403, AuthenticationError, 'acedata refused access (403): no luck.'],
    [404, NotFoundError, 'acedata does not know this resource (404): no luck.'],
    [429, RateLimitError, 'acedata rate-limited the request (429): no luck. Slow down or retry later.'],
    [408, TimeoutError, 'acedata timed out the request (408): no luck.'],
    [451, ContentPolicyError, 'acedata refused the content (451): no luck.'],
    [400, InvalidRequestError, 'acedata refused the request (400): no luck.'],
    [499, InvalidRequestError, 'acedata refused the request (499): no luck.'],
    [500, ProviderError, 'acedata failed (500): no luck. The vendor may be down; retry later.'],
    [399, ProviderError, 'acedata failed (399): no luck. The vendor may be down; retry later.'],
  ] as const)('%i → %o', (status, kind, message) => {
    const error = httpError(failure(status));
    expect(error).toBeInstanceOf(kind);
    expect(error.message).toBe(message);
    expect(error).toMatchObject({ provider: 'acedata', status, requestId: 'r-1' });
  });

  it('keeps the Retry-After of a 429', () => {
    expect(httpError(failure(429))).toMatchObject({ retryAfterMs: 1500, status: 429 });
  });

  it('says nothing after the status when the vendor said nothing', () => {
    expect(httpError(failure(402, {})).message).toBe('acedata says the account is out of credits (402).');
    expect(httpError(failure(500, ''), '').message).toBe('acedata failed (500). The vendor may be down; retry later.');
  });
});

describe('refusedBeforeSending', () => {
  it('knows the refused errno codes, along the cause chain', () => {
    expect(refusedBeforeSending(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(refusedBeforeSending(new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } }))).toBe(true);
    expect(refusedBeforeSending(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(false);
  });

  it('knows the words of fetch refusing before any connection', () => {
    expect(refusedBeforeSending(new TypeError('fetch failed', { cause: new Error('bad port') }))).toBe(true);
    expect(refusedBeforeSending(new TypeError('Invalid URL'))).toBe(true);
    expect(refusedBeforeSending(new TypeError('other socket trouble'))).toBe(false);
  });

  it('is false for nothing, and for our own errors whatever their words', () => {
    expect(refusedBeforeSending(undefined)).toBe(false);
    expect(refusedBeforeSending(new ProviderError('bad port in the vendor', { provider: 'acedata' }))).toBe(false);
  });
});

describe('isRedirect and redirectOrigin', () => {
  it('tells a 3xx or an opaque redirect from other answers', () => {
    expect(isRedirect(new Response(null, { status: 300 }))).toBe(true);
    expect(isRedirect(new Response(null, { status: 302 }))).toBe(true);
    expect(isRedirect(new Response(null, { status: 399 }))).toBe(true);
    expect(isRedirect(new Response(null, { status: 299 }))).toBe(false);
    expect(isRedirect(new Response(null, { status: 400 }))).toBe(false);
    expect(isRedirect(new Response(null, { status: 200 }))).toBe(false);
    expect(isRedirect({ type: 'opaqueredirect', status: 0 } as Response)).toBe(true);
    expect(isRedirect({ type: 'basic', status: 0 } as Response)).toBe(false);
  });

  it('gives only the origin of the Location, resolved against the base', () => {
    expect(redirectOrigin('https://evil.example/steal?token=1', 'https://api.example')).toBe('https://evil.example');
    expect(redirectOrigin('/elsewhere', 'https://api.example/v1/')).toBe('https://api.example');
    expect(redirectOrigin(null, 'https://api.example')).toBeUndefined();
    expect(redirectOrigin('', 'https://api.example')).toBeUndefined();
    expect(redirectOrigin('http://[broken', 'https://api.example')).toBeUndefined();
  });
});

describe('describeCause', () => {
  it('says the code, else the innermost message, else the name', () => {
    expect(describeCause(undefined)).toBe('unknown error');
    expect(describeCause(new ProviderError('vendor down', { provider: 'acedata' }))).toBe('vendor down');
    expect(
      describeCause(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })),
    ).toBe('ECONNRESET');
    expect(describeCause(new TypeError('fetch failed', { cause: new Error('other side closed') }))).toBe(
      'other side closed',
    );
    expect(describeCause(new RangeError(''))).toBe('RangeError');
  });
});
