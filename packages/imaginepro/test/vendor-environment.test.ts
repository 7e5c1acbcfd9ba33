import { afterEach, expect, it, vi } from 'vitest';
import { createImaginePro, IMAGINEPRO_BASE_URL, IMAGINEPRO_BASE_URL_ENV } from '../src/index.js';
import account from './fixtures/account-info.json' with { type: 'json' };
import { KEY } from './helpers.js';

// Where the client sends its requests when `baseURL` is not given: `IMAGINEPRO_BASE_URL` (a proxy, a
// simulator), else ImaginePro's host (§1). The gateway reads the variable's name from the vendor entry.

afterEach(() => {
  vi.unstubAllEnvs();
});

/** A fetch that answers every request with the account fixture and records its URL. */
function recordingFetch(seen: string[]): typeof globalThis.fetch {
  return async (input, init) => {
    seen.push(new Request(input, init).url);
    return Response.json(account);
  };
}

it('names IMAGINEPRO_BASE_URL as the variable it reads', () => {
  expect(IMAGINEPRO_BASE_URL_ENV).toBe('IMAGINEPRO_BASE_URL');
});

it('sends to the base URL of IMAGINEPRO_BASE_URL when no baseURL is given', async () => {
  vi.stubEnv('IMAGINEPRO_BASE_URL', 'https://proxy.example/imaginepro');
  const seen: string[] = [];
  await createImaginePro({ apiKey: KEY, pace: { submit: 0, read: 0 }, fetch: recordingFetch(seen) }).account();
  expect(seen).toEqual(['https://proxy.example/imaginepro/api/v1/subscription/account-info']);
});

it('sends to ImaginePro’s host when the variable is unset, and to baseURL over the variable', async () => {
  vi.stubEnv('IMAGINEPRO_BASE_URL', undefined);
  const seen: string[] = [];
  await createImaginePro({ apiKey: KEY, pace: { submit: 0, read: 0 }, fetch: recordingFetch(seen) }).account();
  vi.stubEnv('IMAGINEPRO_BASE_URL', 'https://proxy.example/imaginepro');
  await createImaginePro({
    apiKey: KEY,
    pace: { submit: 0, read: 0 },
    baseURL: 'https://other.example',
    fetch: recordingFetch(seen),
  }).account();
  expect(seen).toEqual([
    `${IMAGINEPRO_BASE_URL}/api/v1/subscription/account-info`,
    'https://other.example/api/v1/subscription/account-info',
  ]);
});
