import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthenticationError } from '../src/index.js';
import { readEnv, resolveApiKey, resolveBaseURL } from '../src/provider.js';

const ENV = 'MJGATE_MC_TEST_KEY';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('resolveApiKey', () => {
  it('takes the key from the options, trimmed, before the environment', () => {
    vi.stubEnv(ENV, 'from-env');
    expect(resolveApiKey('  from-options \n', ENV, 'acedata')).toBe('from-options');
  });

  it('falls back to the environment when the option is missing or blank', () => {
    vi.stubEnv(ENV, '  from-env  ');
    expect(resolveApiKey(undefined, ENV, 'acedata')).toBe('from-env');
    expect(resolveApiKey('   ', ENV, 'acedata')).toBe('from-env');
  });

  it('says what to set when there is no key anywhere', () => {
    vi.stubEnv(ENV, '   ');
    let caught: unknown;
    try {
      resolveApiKey('', ENV, 'imaginepro');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AuthenticationError);
    const error = caught as AuthenticationError;
    expect(error.message).toBe(`No imaginepro API key: pass { apiKey } or set ${ENV}.`);
    expect(error.provider).toBe('imaginepro');
    expect(error.retryable).toBe(false);
  });
});

describe('readEnv', () => {
  it('gives a blank variable as absent and trims a set one', () => {
    vi.stubEnv(ENV, '  \t ');
    expect(readEnv(ENV)).toBeUndefined();
    vi.stubEnv(ENV, ' value ');
    expect(readEnv(ENV)).toBe('value');
  });
});

describe('resolveBaseURL', () => {
  it('trims the URL from either spelling', () => {
    expect(resolveBaseURL({ baseURL: ' https://a.example/ ' }, ENV, 'https://default.example')).toBe(
      'https://a.example/',
    );
    expect(resolveBaseURL({ baseUrl: ' https://b.example/ ' }, ENV, 'https://default.example')).toBe(
      'https://b.example/',
    );
    expect(resolveBaseURL({ baseURL: 'https://a.example/', baseUrl: ' https://a.example/ ' }, ENV)).toBe(
      'https://a.example/',
    );
  });
});
