import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidRequestError } from '../src/index.js';
import { resolveBaseURL } from '../src/provider.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('resolveBaseURL', () => {
  it('the option, else the variable, else the default', () => {
    vi.stubEnv('ACME_BASE_URL', '');
    expect(resolveBaseURL({}, 'ACME_BASE_URL', 'https://api.acme.test')).toBe('https://api.acme.test');
    expect(resolveBaseURL({}, 'ACME_BASE_URL')).toBeUndefined();
    vi.stubEnv('ACME_BASE_URL', ' http://127.0.0.1:8787/acme ');
    expect(resolveBaseURL({}, 'ACME_BASE_URL', 'https://api.acme.test')).toBe('http://127.0.0.1:8787/acme');
    expect(resolveBaseURL({ baseURL: 'https://proxy.test' }, 'ACME_BASE_URL', 'https://api.acme.test')).toBe(
      'https://proxy.test',
    );
  });

  it('baseUrl is a deprecated alias; both at odds is refused, both equal is fine', () => {
    expect(resolveBaseURL({ baseUrl: 'https://old.test' }, 'ACME_BASE_URL', 'https://api.acme.test')).toBe(
      'https://old.test',
    );
    expect(resolveBaseURL({ baseURL: 'https://same.test', baseUrl: 'https://same.test' }, 'ACME_BASE_URL')).toBe(
      'https://same.test',
    );
    const refused = (() => {
      try {
        resolveBaseURL({ baseURL: 'https://a.test/tok-123', baseUrl: 'https://b.test' }, 'ACME_BASE_URL');
      } catch (error) {
        return error as Error;
      }
    })();
    expect(refused).toBeInstanceOf(InvalidRequestError);
    expect(refused?.message).toMatch(/Both baseURL and baseUrl are set.*Keep only baseURL/);
    // A URL may carry a token in its path: the message names the options, not their values.
    expect(refused?.message).not.toContain('tok-123');
  });
});
