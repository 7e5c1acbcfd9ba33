import { emptyJob, type Job, type MjGateError } from '@mjgate/core';
import nock from 'nock';
import { createImaginePro, type ImagineProOptions } from '../src/index.js';
import { toJob } from '../src/mapping.js';
import type { ImagineProMessage } from '../src/schemas.js';

export const BASE = 'https://api.imaginepro.test';
export const KEY = 'sk-imaginepro-SECRET-0123456789';
export const MID = 'd15c1541-229a-442b-9873-d3494dede12a';

/** A client against the nock base URL, with pacing off so tests run fast. */
export function client(overrides: ImagineProOptions = {}) {
  return createImaginePro({ apiKey: KEY, baseURL: BASE, pace: { submit: 0, read: 0 }, ...overrides });
}

/** What a nock interceptor saw: the raw body text, the headers and the URL. */
export interface Seen {
  body?: string;
  headers?: Headers;
  url?: string;
  count: number;
}

/** Answers `method path` once (or `times`) with `reply`, recording the raw request. */
export function expectCall(
  method: 'get' | 'post',
  path: string | RegExp,
  reply: unknown,
  { status = 200, times = 1, headers = {} }: { status?: number; times?: number; headers?: Record<string, string> } = {},
): Seen {
  const seen: Seen = { count: 0 };
  nock(BASE)
    [method](path)
    .times(times)
    .reply(
      status,
      async (req: Request) => {
        seen.count += 1;
        seen.body = await req.text();
        seen.headers = req.headers;
        seen.url = req.url;
        return reply as nock.Body;
      },
      headers,
    );
  return seen;
}

/** A finished job as polling would return it, from a message payload. */
export function jobFrom(message: Partial<ImagineProMessage> & { status: string }, providerJobId = MID): Job {
  return toJob({ messageId: providerJobId, ...message } as ImagineProMessage, providerJobId);
}

/** A queued imagine job that has never been polled. */
export function queuedJob(providerJobId = MID): Job {
  return emptyJob({ provider: 'imaginepro', providerJobId, operation: 'imagine', status: 'queued' });
}

/** The error `call` rejects with; a call that resolves fails the test. */
export function rejectionOf(call: Promise<unknown>): Promise<MjGateError> {
  return call.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as MjGateError,
  );
}
