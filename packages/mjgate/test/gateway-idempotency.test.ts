import { createMemoryStore, InvalidRequestError, type Job, MjGateError, type Submission } from '@mjgate/core';
import { createMockProvider, type MockProvider } from '@mjgate/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGateway } from '../src/index.js';

// The gateway's own idempotency records: one key, one request, one job wherever it was routed; a
// submitter that stopped mid-way is recovered by looking the job up at the vendor, not by paying twice.

afterEach(() => vi.useRealTimers());

const imagines = (mock: MockProvider) => mock.calls.filter((call) => call.method === 'imagine').length;

describe('idempotencyKey on the gateway', () => {
  it('a key reused for another request is refused, by the gateway', async () => {
    const imaginepro = createMockProvider({ provider: 'imaginepro', steps: 2 });
    const mj = createGateway({ providers: { imaginepro } });
    await mj.imagine({ prompt: 'fox' }, { idempotencyKey: 'order-1' });
    const error = await mj.imagine({ prompt: 'wolf' }, { idempotencyKey: 'order-1' }).then(
      () => undefined,
      (thrown: unknown) => thrown as MjGateError,
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error?.message).toMatch(/already used for a different request/);
    expect(error?.provider).toBe('gateway');
    expect(imagines(imaginepro)).toBe(1);
  });

  it('run() passes the key on: a retried run returns the same job without submitting again', async () => {
    const imaginepro = createMockProvider({ provider: 'imaginepro', steps: 2 });
    const mj = createGateway({ providers: { imaginepro } });
    const first = await mj.run({ prompt: 'fox' }, { idempotencyKey: 'run-1' });
    const again = await mj.run({ prompt: 'fox' }, { idempotencyKey: 'run-1' });
    expect(again.id).toBe(first.id);
    expect(imagines(imaginepro)).toBe(1);
  });

  it('a submitter that stopped before recording the job: a retry finds it at the vendor it went to', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-27T12:00:00.000Z'));
    const store = createMemoryStore();
    const mock = createMockProvider({ provider: 'imaginepro', steps: 2 });
    const lookups: unknown[] = [];
    // The first process: the vendor makes the job, but its answer never arrives until aborted.
    const hanging = {
      ...mock,
      imagine: async (input: Parameters<MockProvider['imagine']>[0], options?: { signal?: AbortSignal }) => {
        await mock.imagine(input);
        return new Promise<Job>((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () => reject(new MjGateError('invalid_request', 'stopped')));
        });
      },
    } as MockProvider;
    const recorder = {
      ...mock,
      findSubmission: (submission: Submission, options?: { headers?: Record<string, string> }) => {
        lookups.push(options?.headers);
        return mock.findSubmission(submission, options);
      },
    } as MockProvider;
    const stopped = new AbortController();
    const a = createGateway({ providers: { imaginepro: hanging }, store });
    const b = createGateway({ providers: { imaginepro: recorder }, store });
    const first = a.imagine({ prompt: 'fox' }, { idempotencyKey: 'order-2', signal: stopped.signal });
    first.catch(() => {});
    await vi.waitFor(() => expect(mock.jobs.size).toBe(1));
    // Its claim goes stale (no refresh: the process is gone).
    vi.setSystemTime(new Date('2026-11-27T12:01:00.000Z'));
    const found = await b.imagine({ prompt: 'fox' }, { idempotencyKey: 'order-2', headers: { 'x-trace': 't-1' } });
    expect(found.id).toBe(`imaginepro:${[...mock.jobs.keys()][0]}`);
    expect(imagines(mock)).toBe(1);
    expect(lookups).toEqual([{ 'x-trace': 't-1' }]);
    stopped.abort();
    await expect(first).rejects.toThrow('stopped');
  });
});
