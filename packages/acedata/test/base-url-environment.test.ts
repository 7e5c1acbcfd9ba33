// The vendor constants a user and the gateway's registry read without building a client, and the
// environment variable that moves the client to another host when no `baseURL` is given.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACEDATA_API_KEY_ENV, ACEDATA_BASE_URL, ACEDATA_BASE_URL_ENV, createAceData } from '../src/index.js';
import { fixture, KEY } from './helpers.js';

const TASK = '7489df4c-ef03-4de0-b598-e9a590793434';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  vi.unstubAllEnvs();
});

/** Answers one task read on `origin`, noting the path asked for. */
function taskRead(origin: string) {
  const paths: string[] = [];
  nock(origin)
    .post(/\/midjourney\/tasks$/)
    .reply(200, (request: Request) => {
      paths.push(new URL(request.url).pathname);
      return fixture('task-succeeded.json') as nock.Body;
    });
  return paths;
}

describe('vendor constants', () => {
  it('name the environment variables and the real host', () => {
    expect(ACEDATA_API_KEY_ENV).toBe('ACEDATA_API_KEY');
    expect(ACEDATA_BASE_URL_ENV).toBe('ACEDATA_BASE_URL');
    expect(ACEDATA_BASE_URL).toBe('https://api.acedata.cloud');
  });
});

describe('ACEDATA_BASE_URL', () => {
  it('moves the client to its host when no baseURL is given', async () => {
    vi.stubEnv('ACEDATA_BASE_URL', 'http://127.0.0.1:9999/sim/acedata');
    const paths = taskRead('http://127.0.0.1:9999');
    const job = await createAceData({ apiKey: KEY, pace: { submit: 0, read: 0 } }).get(TASK);
    expect(paths).toEqual(['/sim/acedata/midjourney/tasks']);
    expect(job.status).toBe('succeeded');
  });

  it('gives way to an explicit baseURL', async () => {
    vi.stubEnv('ACEDATA_BASE_URL', 'http://127.0.0.1:9999/sim/acedata');
    const paths = taskRead('http://127.0.0.1:9998');
    await createAceData({ apiKey: KEY, baseURL: 'http://127.0.0.1:9998', pace: { submit: 0, read: 0 } }).get(TASK);
    expect(paths).toEqual(['/midjourney/tasks']);
  });

  it('left unset, the client talks to the real host', async () => {
    vi.stubEnv('ACEDATA_BASE_URL', undefined);
    const paths = taskRead(ACEDATA_BASE_URL);
    await createAceData({ apiKey: KEY, pace: { submit: 0, read: 0 } }).get(TASK);
    expect(paths).toEqual(['/midjourney/tasks']);
  });
});
