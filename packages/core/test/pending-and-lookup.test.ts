import { describe, expect, it } from 'vitest';
import {
  createMemoryStore,
  emptyJob,
  InvalidRequestError,
  type Job,
  NotFoundError,
  RateLimitError,
  type Store,
  type Submission,
} from '../src/index.js';
import { PendingJobs, promptMatches, readIfKnown, storeScope, submissionWindowStart } from '../src/provider.js';

const job = (id: string, status: Job['status'], createdAt?: string): Job =>
  emptyJob({ provider: 'acedata', providerJobId: id, operation: 'imagine', status, createdAt });

function pendingOn(store: Store = createMemoryStore()) {
  const lines: string[] = [];
  const shared = storeScope('acedata', 'sk-md-pending', { store, logger: { warn: (message) => lines.push(message) } });
  return { pending: new PendingJobs(shared), shared, store, lines };
}

describe('PendingJobs', () => {
  it('lists unfinished jobs oldest first, under <scope>:pending, and never lists a finished one', async () => {
    const { pending, store, shared } = pendingOn();
    await pending.submitted(job('b', 'running', '2026-11-27T10:00:02Z'));
    await pending.submitted(job('c', 'queued'));
    await pending.submitted(job('a', 'queued', '2026-11-27T10:00:01Z'));
    await pending.submitted(job('done', 'succeeded', '2026-11-27T09:00:00Z'));
    expect((await pending.list()).map((j) => j.providerJobId)).toEqual(['c', 'a', 'b']);
    expect((await store.entries(`${shared.scope}:pending`)).map(([id]) => id).sort()).toEqual(
      ['acedata:a', 'acedata:b', 'acedata:c'].sort(),
    );
  });

  it('seen() takes only finished jobs off the list', async () => {
    const { pending } = pendingOn();
    await pending.submitted(job('a', 'queued'));
    await pending.submitted(job('b', 'queued'));
    await pending.seen(job('a', 'running'));
    await pending.seen(job('b', 'failed'));
    expect((await pending.list()).map((j) => j.providerJobId)).toEqual(['a']);
  });

  it('skips entries that are unreadable, null, or filed under another id', async () => {
    const { pending, store, shared } = pendingOn();
    const key = `${shared.scope}:pending`;
    await pending.submitted(job('a', 'queued'));
    await store.setEntry(key, 'x1', 'null');
    await store.setEntry(key, 'x2', JSON.stringify(job('other', 'queued')));
    await store.setEntry(key, 'x3', '{not json');
    expect((await pending.list()).map((j) => j.id)).toEqual(['acedata:a']);
  });

  it('a store that fails to take a finished job off logs that it stays listed', async () => {
    const memory = createMemoryStore();
    const { pending, lines } = pendingOn({
      ...memory,
      deleteEntry: () => Promise.reject(new Error('redis down')),
    } as Store);
    await pending.seen(job('a', 'succeeded'));
    expect(lines).toEqual([
      'mjgate: the store failed for the pending-jobs list (redis down); acedata:a stays listed until seen finished again.',
    ]);
  });
});

describe('lookup helpers', () => {
  const submission = (sentAt: unknown) => ({ provider: 'acedata', operation: 'imagine', sentAt }) as Submission;

  it('submissionWindowStart refuses a sentAt that is not a time string, naming the vendor', () => {
    expect(submissionWindowStart(submission('2026-11-27T10:00:00Z'))).toBe(Date.UTC(2026, 10, 27, 9, 59));
    // A Date object (a JavaScript caller's, or one revived from JSON by hand) is not the ISO string asked for.
    for (const sentAt of [Date.UTC(2026, 10, 27), 'yesterday', new Date(Date.UTC(2026, 10, 27))]) {
      let caught: unknown;
      try {
        submissionWindowStart(submission(sentAt), 'acedata');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidRequestError);
      expect((caught as InvalidRequestError).provider).toBe('acedata');
    }
  });

  it('promptMatches ignores case and runs of whitespace, keeps image URLs in front and flags behind', () => {
    expect(promptMatches('A  Fox', '  a fox  ')).toBe(true);
    expect(promptMatches('a fox', 'A\tFOX --ar 16:9')).toBe(true);
    expect(promptMatches('a fox', 'https://x.example/1.png a fox')).toBe(true);
    expect(promptMatches('a fox', 'a fox in snow')).toBe(false);
    expect(promptMatches('a fox', 'a cat')).toBe(false);
    expect(promptMatches('a fox', 'a box')).toBe(false);
    expect(promptMatches('a fox', 'the fox')).toBe(false);
    expect(promptMatches('fox', 'fox')).toBe(true);
    expect(promptMatches('   ', '')).toBe(false);
    expect(promptMatches('', 'a fox')).toBe(false);
    expect(promptMatches('a fox', 'a')).toBe(false);
    // Only case is ignored, not spelling: in upper case 'ß' becomes 'SS' and would match 'ss'.
    expect(promptMatches('eine straße', 'eine strasse')).toBe(false);
    expect(promptMatches('Eine Straße', 'eine straße --v 7')).toBe(true);
  });

  it('readIfKnown: the job, undefined for not_found, any other failure as it is', async () => {
    const known = job('a', 'queued');
    const options = {};
    await expect(readIfKnown({ get: async () => known }, 'a', options)).resolves.toBe(known);
    const missing = new NotFoundError('no such job', { provider: 'acedata' });
    await expect(readIfKnown({ get: async () => Promise.reject(missing) }, 'a', options)).resolves.toBeUndefined();
    const limited = new RateLimitError('slow down', { provider: 'acedata' });
    await expect(readIfKnown({ get: async () => Promise.reject(limited) }, 'a', options)).rejects.toBe(limited);
    const plain = Object.assign(new Error('boom'), { code: 'not_found' });
    await expect(readIfKnown({ get: async () => Promise.reject(plain) }, 'a', options)).rejects.toBe(plain);
  });
});
