import { readFileSync } from 'node:fs';
import type { Job } from '@mjgate/core';
import nock from 'nock';
import * as v from 'valibot';
import { createMjProxy, type MjProxyOptions } from '../src/index.js';
import { taskToJob } from '../src/mapping.js';
import { taskSchema } from '../src/schemas.js';

/** A payload from test/fixtures (verbatim from the mj-proxy reference, vendors/mjproxy.md). */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as T;
}

/** The Job a fixture Task maps to, as polling would produce it (nothing remembered by a client). */
export function jobFrom(name: string): Job {
  const raw = fixture(name);
  return taskToJob(raw, v.parse(taskSchema, raw));
}

export const KEY = 'mjp-test-key-0123456789abcdef';
export const BASE = 'https://relay.example.com';
export const SECRET = 'whsec-mjproxy-test-secret';

/** The server, answering only requests that carry the test key (`mj-api-secret`). */
export const server = () => nock(BASE, { reqheaders: { 'mj-api-secret': KEY } });

/** The error `promise` rejects with; fails the test when it resolves. */
export async function caught(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

/** A client of the test server that fails fast (no retries). */
export const client = (extra: MjProxyOptions = {}) =>
  createMjProxy({ apiKey: KEY, baseURL: BASE, maxRetries: 0, ...extra });
