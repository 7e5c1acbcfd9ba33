import { InvalidRequestError, type Job } from '@mjgate/core';
import { createMockProvider, type MockProvider } from '@mjgate/core/testing';
import { describe, expect, it } from 'vitest';
import { createGateway } from '../src/index.js';

// What the gateway lists and looks up across its vendors: pending jobs in creation order, a watched
// job's updates, a submission looked up at the vendor it went to, and a callback's vendor.

/** A mock vendor whose pending() answers these jobs. */
function withPending(provider: string, jobs: Partial<Job>[]): MockProvider {
  const mock = createMockProvider({ provider, steps: 2 });
  return { ...mock, pending: async () => jobs as Job[] } as MockProvider;
}

describe('pending()', () => {
  it('lists every vendor’s pending jobs oldest first, a job with no creation time first of all', async () => {
    const imaginepro = withPending('imaginepro', [
      { id: 'imaginepro:late', createdAt: '2026-01-03T00:00:00.000Z' },
      { id: 'imaginepro:undated' },
    ]);
    const apiframe = withPending('apiframe', [{ id: 'apiframe:early', createdAt: '2026-01-01T00:00:00.000Z' }]);
    const mj = createGateway({ providers: { imaginepro, apiframe } });
    expect((await mj.pending()).map((job) => job.id)).toEqual([
      'imaginepro:undated',
      'apiframe:early',
      'imaginepro:late',
    ]);
  });
});

describe('watch()', () => {
  it('yields the owning vendor’s updates until the job is done', async () => {
    const imaginepro = createMockProvider({ provider: 'imaginepro', steps: 2 });
    const apiframe = createMockProvider({ provider: 'apiframe', steps: 2 });
    const mj = createGateway({ providers: { imaginepro, apiframe } });
    const job = await apiframe.imagine({ prompt: 'fox' });
    const seen: string[] = [];
    for await (const update of mj.watch(job)) seen.push(`${update.provider}:${update.status}`);
    expect(seen.at(-1)).toBe('apiframe:succeeded');
    expect(imaginepro.calls).toEqual([]);
  });
});

describe('findSubmission()', () => {
  it('a submission with no vendor, or one not configured: names the configured vendors', async () => {
    const mj = createGateway({
      providers: {
        imaginepro: createMockProvider({ provider: 'imaginepro' }),
        apiframe: createMockProvider({ provider: 'apiframe' }),
      },
    });
    // biome-ignore lint/suspicious/noExplicitAny: a caller passing nothing, as JavaScript allows
    const missing = mj.findSubmission(undefined as any);
    await expect(missing).rejects.toThrow(InvalidRequestError);
    await expect(missing).rejects.toThrow(
      'This submission was sent to undefined, which is not configured here; configured: imaginepro, apiframe.',
    );
  });
});

describe('parseWebhook()', () => {
  const mj = () => createGateway({ providers: { imaginepro: createMockProvider({ provider: 'imaginepro' }) } });

  it('a callback whose URL names a vendor that is not configured', async () => {
    const request = { url: 'https://app.example/hook?mjgate_provider=apiframe', headers: {}, body: '{}' };
    const parsed = mj().parseWebhook(request);
    await expect(parsed).rejects.toThrow(InvalidRequestError);
    await expect(parsed).rejects.toThrow(/^A callback for apiframe, which is not configured\.$/);
  });

  it('a callback no vendor can be told from', async () => {
    const parsed = mj().parseWebhook({ url: 'https://app.example/hook', headers: {}, body: '{"hello":1}' });
    await expect(parsed).rejects.toThrow(InvalidRequestError);
    await expect(parsed).rejects.toThrow(
      'Cannot tell which vendor sent this callback: its URL has no mjgate_provider (mjgate adds it to every webhookUrl it sends a vendor) and its body is no vendor’s.',
    );
  });
});

describe('a job that is no gateway job', () => {
  it.each([
    ['undefined', undefined, '"undefined" is not a gateway job id.'],
    ['null', null, '"undefined" is not a gateway job id.'],
    ['a job without an id', {}, '"undefined" is not a gateway job id.'],
    ['an id without a vendor', 'abc', '"abc" is not a gateway job id.'],
  ])('%s: InvalidRequestError saying what an id looks like, no TypeError', async (_, job, start) => {
    const mj = createGateway({ providers: { imaginepro: createMockProvider({ provider: 'imaginepro' }) } });
    const refused = mj.get(job as never);
    await expect(refused).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(refused).rejects.toThrow(`${start} Ids look like "apiframe:<task id>"`);
  });
});
