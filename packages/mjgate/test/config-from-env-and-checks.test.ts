import { InvalidRequestError } from '@mjgate/core';
import { createMockProvider } from '@mjgate/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configFromEnv, createGateway, type GatewayConfig } from '../src/index.js';

afterEach(() => vi.unstubAllEnvs());

const VARIABLES = [
  'IMAGINEPRO_API_KEY',
  'IMAGINEPRO_BASE_URL',
  'ACEDATA_API_KEY',
  'ACEDATA_BASE_URL',
  'APIFRAME_API_KEY',
  'APIFRAME_BASE_URL',
  'MJPROXY_API_KEY',
  'MJPROXY_BASE_URL',
  'MJGATE_PROVIDER',
  'MJGATE_FALLBACK',
  'MJGATE_WEBHOOK_SECRET',
  'MJGATE_TIMEOUT_MS',
];

function cleanEnv(values: Record<string, string> = {}) {
  for (const name of VARIABLES) vi.stubEnv(name, values[name] ?? '');
}

/** The InvalidRequestError `createGateway(config)` throws (or a failure when it throws none). */
function refusal(config: GatewayConfig): InvalidRequestError {
  try {
    createGateway(config);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  throw new Error('createGateway accepted the configuration');
}

const key = { imaginepro: { apiKey: 'ip-key' } };

describe('configFromEnv()', () => {
  it('builds each vendor from its key, with its base URL only when one is set', () => {
    cleanEnv({
      IMAGINEPRO_API_KEY: 'ip-key',
      APIFRAME_API_KEY: 'af-key',
      APIFRAME_BASE_URL: 'http://127.0.0.1:9/apiframe',
      MJGATE_PROVIDER: 'apiframe',
      MJGATE_WEBHOOK_SECRET: 'hush',
    });
    const config = configFromEnv();
    expect(config.providers).toStrictEqual({
      imaginepro: { apiKey: 'ip-key' },
      apiframe: { apiKey: 'af-key', baseURL: 'http://127.0.0.1:9/apiframe' },
    });
    expect(config.default).toBe('apiframe');
    expect(config.webhookSecret).toBe('hush');
    expect(config.fallback).toBeUndefined();
    expect('timeoutMs' in config).toBe(false);
  });

  it('reads MJGATE_FALLBACK as a comma-separated list, trimming names and skipping empty ones', () => {
    cleanEnv({ IMAGINEPRO_API_KEY: 'ip-key', MJGATE_FALLBACK: ' acedata ,, apiframe , ' });
    expect(configFromEnv().fallback).toEqual(['acedata', 'apiframe']);
  });

  it('reads MJGATE_TIMEOUT_MS as a number and refuses zero, negatives and words', () => {
    cleanEnv({ IMAGINEPRO_API_KEY: 'ip-key', MJGATE_TIMEOUT_MS: '45000' });
    expect(configFromEnv().timeoutMs).toBe(45_000);
    for (const value of ['0', '-5', 'Infinity', 'soon']) {
      vi.stubEnv('MJGATE_TIMEOUT_MS', value);
      expect(() => configFromEnv()).toThrow(InvalidRequestError);
      expect(() => configFromEnv()).toThrow(
        `MJGATE_TIMEOUT_MS must be a number of milliseconds above 0 (e.g. 60000); got "${value}". Fix or unset it.`,
      );
    }
  });
});

describe('createGateway() checks its numbers', () => {
  it('timeoutMs must be a finite number above 0', () => {
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(refusal({ providers: key, timeoutMs }).message).toBe(
        `timeoutMs must be a number of milliseconds above 0; got ${timeoutMs}.`,
      );
    }
    expect(createGateway({ providers: key, timeoutMs: 1 }).defaultProvider).toBe('imaginepro');
  });

  it('cooldownMs must be a finite number ≥ 0 (0 turns cool-downs off)', () => {
    for (const cooldownMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(refusal({ providers: key, cooldownMs }).message).toBe(
        `cooldownMs must be a number of milliseconds ≥ 0; got ${cooldownMs}.`,
      );
    }
    expect(createGateway({ providers: key, cooldownMs: 0 }).defaultProvider).toBe('imaginepro');
  });

  it('cooldownAfter must be a whole number ≥ 1', () => {
    for (const cooldownAfter of [0, -2, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(refusal({ providers: key, cooldownAfter }).message).toBe(
        `cooldownAfter must be a whole number ≥ 1; got ${cooldownAfter}.`,
      );
    }
    expect(createGateway({ providers: key, cooldownAfter: 1 }).defaultProvider).toBe('imaginepro');
  });
});

describe('createGateway() checks its vendors', () => {
  it('a vendor whose entry is undefined is not configured', () => {
    cleanEnv();
    const gateway = createGateway({ providers: { imaginepro: { apiKey: 'ip-key' }, acedata: undefined } });
    expect(gateway.providers).toEqual(['imaginepro']);
  });

  it('an unknown vendor without a client lists the built-in ones', () => {
    expect(refusal({ providers: { acme: { apiKey: 'k' } } }).message).toBe(
      'Unknown provider "acme". Built-in providers are imaginepro, acedata, apiframe, mjproxy; for your own adapter, pass its client instance.',
    );
  });

  it('no vendor at all says what to pass or set', () => {
    cleanEnv();
    expect(refusal({ providers: {} }).message).toBe(
      'No provider configured. Pass providers: { imaginepro: { apiKey } } (or acedata / apiframe / mjproxy), or set one of IMAGINEPRO_API_KEY, ACEDATA_API_KEY, APIFRAME_API_KEY, MJPROXY_API_KEY.',
    );
  });

  it('an unknown default or fallback name lists the built-in vendors', () => {
    expect(refusal({ providers: key, default: 'acme' }).message).toBe(
      'The default provider "acme" is unknown. Built-in providers are imaginepro, acedata, apiframe, mjproxy.',
    );
    expect(refusal({ providers: key, fallback: ['acme'] }).message).toBe(
      'The fallback provider "acme" is unknown. Built-in providers are imaginepro, acedata, apiframe, mjproxy.',
    );
  });

  it('the default named again in the fallback list is tried once', async () => {
    const first = createMockProvider({ provider: 'first' });
    const second = createMockProvider({ provider: 'second' });
    const gateway = createGateway({
      providers: { first, second },
      default: 'first',
      fallback: ['first', 'second', 'second'],
    });
    expect(gateway.providers).toEqual(['first', 'second']);
  });
});
