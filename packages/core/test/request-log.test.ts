import { describe, expect, it } from 'vitest';
import { redactHeaders, shorten } from '../src/request-log.js';

function chain(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

function follow(value: unknown, steps: number, step: (v: unknown) => unknown): unknown {
  let at = value;
  for (let i = 0; i < steps; i++) at = step(at);
  return at;
}

describe('shorten', () => {
  it('keeps a string of 200 characters and cuts a longer one', () => {
    expect(shorten('s'.repeat(200))).toBe('s'.repeat(200));
    expect(shorten('s'.repeat(201))).toBe(`${'s'.repeat(200)}… (201 chars)`);
  });

  it('cuts strings inside arrays and objects', () => {
    expect(shorten({ list: ['m'.repeat(250), 3], nested: { n: 5, empty: null, ok: true } })).toEqual({
      list: [`${'m'.repeat(200)}… (250 chars)`, 3],
      nested: { n: 5, empty: null, ok: true },
    });
  });

  it('stops past 16 levels of objects', () => {
    const out = shorten(chain(20, (inner) => ({ a: inner })));
    const step = (v: unknown) => (v as { a: unknown }).a;
    expect(follow(out, 16, step)).toEqual({ a: '[…]' });
    expect(follow(out, 17, step)).toBe('[…]');
  });

  it('stops past 16 levels of arrays', () => {
    const out = shorten(chain(20, (inner) => [inner]));
    const step = (v: unknown) => (v as unknown[])[0];
    expect(follow(out, 16, step)).toEqual(['[…]']);
    expect(follow(out, 17, step)).toBe('[…]');
  });

  it('keeps strings and numbers however deep', () => {
    const out = shorten(chain(17, (inner) => [inner, 7]));
    const step = (v: unknown) => (v as unknown[])[0];
    expect(follow(out, 17, step)).toBe('leaf');
    expect((follow(out, 16, step) as unknown[])[1]).toBe(7);
  });
});

describe('redactHeaders', () => {
  it('hides credential headers and keeps the others', () => {
    const data = {
      method: 'POST',
      headers: {
        Authorization: 'Bearer sk-1',
        'x-api-key': 'k',
        'API-KEY': 'k2',
        'x-webhook-secret': 's',
        cookie: 'c',
        'content-type': 'application/json',
        'x-authorization-hint': 'public',
      },
    };
    expect(redactHeaders(data)).toEqual({
      method: 'POST',
      headers: {
        Authorization: '[redacted]',
        'x-api-key': '[redacted]',
        'API-KEY': '[redacted]',
        'x-webhook-secret': '[redacted]',
        cookie: '[redacted]',
        'content-type': 'application/json',
        'x-authorization-hint': 'public',
      },
    });
  });

  it('leaves data without headers as it is', () => {
    const data = { method: 'GET' };
    expect(redactHeaders(data)).toBe(data);
  });
});
