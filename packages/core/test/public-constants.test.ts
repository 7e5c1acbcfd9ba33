import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  emptyJob,
  InvalidRequestError,
  LOG_LEVEL_ENV,
  LOG_LEVELS,
  MIDJOURNEY_MODEL,
  TERMINAL_STATUSES,
  UnsupportedError,
} from '../src/index.js';
import { createClient, DEFAULT_POLL, resolveLogger } from '../src/provider.js';

// Constants of the public API, by their exact contents and by what a caller sees of them.

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('TERMINAL_STATUSES', () => {
  it('lists the three statuses a job never leaves', () => {
    expect(TERMINAL_STATUSES).toEqual(['succeeded', 'failed', 'cancelled']);
  });
});

describe('DEFAULT_POLL', () => {
  it('polls every 1 s to 20 s for at most 15 minutes when neither the vendor nor the caller says otherwise', () => {
    expect(DEFAULT_POLL).toEqual({ intervalMs: 1_000, maxIntervalMs: 20_000, timeoutMs: 15 * 60_000 });
  });
});

describe('LOG_LEVELS and MJGATE_LOG', () => {
  it('lists the levels from the most verbose to none', () => {
    expect(LOG_LEVELS).toEqual(['debug', 'info', 'warn', 'error', 'silent']);
    expect(LOG_LEVEL_ENV).toBe('MJGATE_LOG');
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ])('MJGATE_LOG=%s keeps %j of the logger passed', (level, kept) => {
    vi.stubEnv('MJGATE_LOG', level);
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    expect(Object.keys(resolveLogger({ logger }) ?? {}).sort()).toEqual([...kept].sort());
  });

  it('MJGATE_LOG=silent keeps nothing', () => {
    vi.stubEnv('MJGATE_LOG', 'silent');
    expect(resolveLogger({ logger: { error: () => {} } })).toBeUndefined();
  });

  it('an unknown MJGATE_LOG names the variable and every level', () => {
    vi.stubEnv('MJGATE_LOG', 'loud');
    expect(() => resolveLogger({ logger: { error: () => {} } })).toThrow(
      new InvalidRequestError(
        'MJGATE_LOG must be one of debug, info, warn, error, silent; got "loud". Fix or unset it.',
      ),
    );
  });
});

describe('MIDJOURNEY_MODEL', () => {
  const client = () =>
    createClient({
      provider: 'plain',
      // No `models`: the vendor offers Midjourney alone.
      capabilities: {
        operations: ['imagine'],
        actions: [],
        batchGet: false,
        webhooks: false,
        cancel: false,
        account: false,
      },
      get: async () => emptyJob({ provider: 'plain', providerJobId: '1', operation: 'imagine', status: 'queued' }),
      imagine: async () => emptyJob({ provider: 'plain', providerJobId: '1', operation: 'imagine', status: 'queued' }),
    });

  it('is the model a vendor without a models list offers, by name', async () => {
    expect(MIDJOURNEY_MODEL).toBe('midjourney');
    await expect(client().imagine({ prompt: 'a cat', model: 'midjourney' })).resolves.toMatchObject({ id: 'plain:1' });
    const error = (await client()
      .imagine({ prompt: 'a cat', model: 'dall-e' })
      .catch((caught: unknown) => caught)) as UnsupportedError;
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toBe("plain does not support the model 'dall-e'. It offers: midjourney.");
  });
});
