import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  type Capabilities,
  emptyJob,
  type Job,
  MjGateError,
  ProviderError,
  ResponseValidationError,
} from '../src/index.js';
import { createClient, type ProviderDefinition } from '../src/provider.js';

const KEY = 'sk-GUARD-CANARY-0001';
const HOOK = 'wh-GUARD-CANARY-0002';

const CAPABILITIES: Capabilities = {
  operations: ['imagine'],
  actions: [],
  batchGet: true,
  webhooks: false,
  cancel: false,
  account: false,
};

function job(id: string, fields: Partial<Job> = {}): Job {
  return emptyJob({ provider: 'acme', providerJobId: id, operation: 'imagine', status: 'running', ...fields });
}

function client(def: Partial<ProviderDefinition>) {
  return createClient({
    provider: 'acme',
    capabilities: CAPABILITIES,
    secrets: [KEY, HOOK],
    get: async (id) => job(id),
    ...def,
  });
}

function printed(value: unknown): string {
  return [JSON.stringify(value), inspect(value, { depth: 10 }), String(value)].join('\n');
}

describe('every job and error leaving a client passes one guard', () => {
  it('masks the credentials a vendor echoed into job.error, texts and raw, and keeps the rest of raw', async () => {
    const mj = client({
      get: async (id) =>
        job(id, {
          status: 'failed',
          error: { code: 'x', message: `token ${KEY} refused` },
          texts: [`hook ${HOOK}`],
          raw: { note: `Bearer ${KEY}`, [KEY]: 1, nested: [{ deep: HOOK }], kept: 'plain' },
        }),
    });
    const got = await mj.get('acme:t1');
    expect(printed(got)).not.toContain(KEY);
    expect(printed(got)).not.toContain(HOOK);
    expect(got.error?.message).toBe('token [redacted] refused');
    expect(got.raw).toMatchObject({ note: 'Bearer [redacted]', kept: 'plain', nested: [{ deep: '[redacted]' }] });
  });

  it('finds a credential as an element of a long array in raw, and masks it', async () => {
    const list = [...Array.from({ length: 300_000 }, (_, index) => `line ${index}`), `key ${KEY}`];
    const mj = client({ get: async (id) => job(id, { raw: { list } }) });
    const got = (await mj.get('acme:t1')).raw as { list: string[] };
    expect(got.list).toHaveLength(300_001);
    expect(got.list.at(-1)).toBe('key [redacted]');
    expect(got.list[0]).toBe('line 0');
  });

  it('leaves raw untouched (the same object) when it holds no credential', async () => {
    const raw = { a: 1 };
    const mj = client({ get: async (id) => job(id, { raw }) });
    expect((await mj.get('acme:t1')).raw).toBe(raw);
  });

  it('a status answer about another job is a ResponseValidationError, and a wait never swaps jobs', async () => {
    let calls = 0;
    const mj = client({
      get: async (id) => {
        calls += 1;
        return calls === 1
          ? job('someone-else', { status: 'succeeded', texts: ['x'] })
          : job(id, { status: 'succeeded', texts: ['mine'] });
      },
    });
    const error = await mj.get('acme:mine').catch((e: unknown) => e);
    expect(ResponseValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/answered a status check of job mine with job someone-else/);
    calls = 0;
    const done = await mj.wait('acme:mine', { pollIntervalMs: 1 });
    expect(done.id).toBe('acme:mine');
    expect(done.texts).toEqual(['mine']);
  });

  it('a batch answer naming jobs nobody asked for drops them', async () => {
    const mj = client({
      batch: { max: 10 },
      getMany: async (ids) => [...ids.map((id) => job(id)), job('intruder')],
    });
    const jobs = await mj.getMany(['acme:a', 'acme:b']);
    expect(jobs.map((j) => j.id)).toEqual(['acme:a', 'acme:b']);
  });

  it('keeps only absolute http(s) result URLs; a success left with nothing is bad_response', async () => {
    const hostile = [
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      'file:///etc/passwd',
      '//evil.example/x.png',
      '',
      'https://ok.example/a\u0000.png',
    ];
    const mj = client({
      get: async (id) =>
        id === 'mixed'
          ? job(id, {
              status: 'succeeded',
              gridUrl: 'javascript:alert(1)',
              images: [...hostile.map((url) => ({ url })), { url: 'https://cdn.example/1.png' }],
              videoUrls: [...hostile, 'http://cdn.example/v.mp4'],
            })
          : job(id, { status: 'succeeded', images: hostile.map((url) => ({ url })) }),
    });
    const mixed = await mj.get('acme:mixed');
    expect(mixed.gridUrl).toBeUndefined();
    expect(mixed.images).toEqual([{ url: 'https://cdn.example/1.png' }]);
    expect(mixed.videoUrls).toEqual(['http://cdn.example/v.mp4']);
    const empty = await mj.get('acme:empty').catch((e: unknown) => e);
    expect(MjGateError.isInstance(empty) && empty.code).toBe('bad_response');
  });

  it('an adapter bug (a raw TypeError) still reaches the caller as an MjGateError', async () => {
    const mj = client({
      get: async () => {
        throw new TypeError(`Cannot read properties of undefined (${KEY})`);
      },
    });
    const error = await mj.get('acme:t1').catch((e: unknown) => e);
    expect(MjGateError.isInstance(error)).toBe(true);
    expect(printed(error)).not.toContain(KEY);
  });

  it('an ambiguous submission carries what is needed to find it again', async () => {
    const mj = client({
      imagine: async () => {
        throw new ProviderError(`reset while sending (key ${KEY})`, {
          provider: 'acme',
          mayHaveCreatedJob: true,
          submission: {
            provider: 'acme',
            operation: 'imagine',
            sentAt: '2026-11-27T10:00:00.000Z',
            providerJobId: 'v-9',
          },
        });
      },
    });
    const error = (await mj.imagine({ prompt: 'a red fox', ref: 'order-17' }).catch((e: unknown) => e)) as MjGateError;
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.submission).toEqual({
      provider: 'acme',
      operation: 'imagine',
      ref: 'order-17',
      prompt: 'a red fox',
      sentAt: '2026-11-27T10:00:00.000Z',
      providerJobId: 'v-9',
    });
    expect(JSON.parse(JSON.stringify(error)).submission.ref).toBe('order-17');
    expect(printed(error)).not.toContain(KEY);
  });

  it('the caller’s abort reason comes back as it was given', async () => {
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const mj = client({
      get: async (_id, options) => {
        controller.abort(reason);
        throw options.signal?.reason;
      },
    });
    await expect(mj.get('acme:t1', { signal: controller.signal })).rejects.toBe(reason);
  });

  it('findSubmission is UnsupportedError, pointing at webhooks, where the vendor lists no jobs', async () => {
    const error = await client({})
      .findSubmission({ provider: 'acme', operation: 'imagine', sentAt: new Date().toISOString() })
      .catch((e: unknown) => e);
    expect(MjGateError.isInstance(error) && error.code).toBe('unsupported');
    expect((error as Error).message).toMatch(/webhookUrl/);
  });
});
