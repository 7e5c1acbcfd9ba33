import { readFileSync } from 'node:fs';
import type { Job } from '@mjgate/core';
import nock from 'nock';
import * as v from 'valibot';
import { type ApiFrameOptions, createApiFrame } from '../src/index.js';
import { taskToJob } from '../src/mapping.js';
import { taskSchema } from '../src/schemas.js';

/** A vendor example payload from test/fixtures (taken from the APIFRAME reference). */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as T;
}

/** The Job a fixture task maps to, as polling would produce it (nothing remembered by a client). */
export function jobFrom(name: string): Job {
  const raw = fixture(name);
  return taskToJob(raw, v.parse(taskSchema, raw));
}

export const KEY = 'af-test-key-0123456789abcdef';
export const BASE = 'https://api.apiframe.pro';
export const SECRET = 'whsec-apiframe-test-secret';

/** A client that fails fast (no retries) and polls every millisecond or two. */
export const client = (extra: ApiFrameOptions = {}) =>
  createApiFrame({ apiKey: KEY, maxRetries: 0, poll: { intervalMs: 1, maxIntervalMs: 2 }, ...extra });

/** APIFRAME's API, answering only requests that carry the test key. */
export const vendor = () => nock(BASE, { reqheaders: { authorization: KEY } });
