import { readFileSync } from 'node:fs';
import type { MjGateError } from '@mjgate/core';
import nock from 'nock';
import { type AceDataOptions, createAceData } from '../src/index.js';

export const BASE = 'https://api.acedata.cloud';
export const KEY = 'acedata-test-key-0123456789';

/** A payload from the vendor reference, as stored in test/fixtures. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** The raw text of a fixture (ndjson). */
export function fixtureText(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** A client with pacing off and instant polling, for nock tests. */
export function client(extra: AceDataOptions = {}) {
  return createAceData({
    apiKey: KEY,
    pace: { submit: 0, read: 0 },
    poll: { intervalMs: 1, maxIntervalMs: 1 },
    ...extra,
  } as AceDataOptions);
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<MjGateError> {
  try {
    await promise;
  } catch (error) {
    return error as MjGateError;
  }
  throw new Error('expected a failure');
}

/**
 * Answers POSTs to `path` that carry the client's key with `replies`, one per request in turn (with
 * `status`), recording each JSON body sent.
 */
export function answerPosts(path: string, replies: unknown[], { status = 200, base = BASE } = {}) {
  const bodies: Array<Record<string, unknown>> = [];
  let index = 0;
  const scope = nock(base)
    .matchHeader('authorization', `Bearer ${KEY}`)
    .post(path)
    .times(replies.length)
    .reply(status, async (request: Request) => {
      bodies.push((await request.json()) as Record<string, unknown>);
      return replies[index++] as nock.Body;
    });
  return { bodies, scope };
}
