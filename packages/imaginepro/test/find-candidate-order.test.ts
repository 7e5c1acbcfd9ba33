// findSubmission on ImaginePro: which history entries (§3.7) are read, and in what order. Prompt
// matches first, then the entry made nearest sentAt (an undated entry last); at most 20 are read
// (the message endpoint allows 10 a second, §5). With a ref, an entry without a prompt, or a
// submission without one, is still read: the echoed ref decides (§2.1).
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { at, entry, history, id, OURS, older, read, submission } from './find-history-fixtures.js';
import { client } from './helpers.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('ImaginePro findSubmission: the candidates read', () => {
  it('the same prompt submitted twice without a ref: the entry made nearest sentAt is the job, though listed later', async () => {
    const far = id(2);
    history(1, [
      entry(far, { type: 'imagine', prompt: 'a paper boat --ar 3:2', createdAt: at(50_000) }),
      entry(OURS, { type: 'imagine', prompt: 'a paper boat --ar 3:2', createdAt: at(2_000) }),
      older(9),
    ]);
    const reads = [read(OURS, { prompt: 'a paper boat --ar 3:2' }), read(far, { prompt: 'a paper boat --ar 3:2' })];
    const job = await client().findSubmission(submission({ prompt: 'a paper boat' }));
    expect(job?.id).toBe(`imaginepro:${OURS}`);
    expect(reads.map((seen) => seen.count)).toEqual([1, 0]);
  });

  it('an entry without a time is read after the dated ones, though listed first', async () => {
    const undated = id(2);
    history(1, [
      entry(undated, { type: 'imagine', prompt: 'a paper boat' }),
      entry(OURS, { type: 'imagine', prompt: 'a paper boat', createdAt: at(3_000) }),
      older(9),
    ]);
    const reads = [read(OURS, { prompt: 'a paper boat' }), read(undated, { prompt: 'a paper boat' })];
    const job = await client().findSubmission(submission({ prompt: 'a paper boat' }));
    expect(job?.id).toBe(`imaginepro:${OURS}`);
    expect(reads.map((seen) => seen.count)).toEqual([1, 0]);
  });

  it('reads at most 20 candidates: the 21st nearest is not read, and the lookup finds nothing', async () => {
    const others = Array.from({ length: 20 }, (_, index) => id(100 + index));
    history(1, [
      entry(OURS, { type: 'imagine', prompt: 'something else', createdAt: at(40_000) }),
      ...others.map((other, index) =>
        entry(other, { type: 'imagine', prompt: `another job ${index}`, createdAt: at(1_000 + index) }),
      ),
      older(9),
    ]);
    const reads = others.map((other) => read(other, { ref: 'theirs' }));
    const ours = read(OURS, { ref: 'mine' });
    await expect(client().findSubmission(submission({ ref: 'mine', prompt: 'a red fox' }))).resolves.toBeUndefined();
    expect(reads.map((seen) => seen.count)).toEqual(Array(20).fill(1));
    expect(ours.count).toBe(0);
  });

  it('with a ref, an entry the history lists without a prompt is still read and found', async () => {
    history(1, [entry(OURS, { type: 'imagine', prompt: null, createdAt: at(2_000) }), older(9)]);
    const ours = read(OURS, { prompt: 'a red fox', ref: 'fox-2' });
    const job = await client().findSubmission(submission({ ref: 'fox-2', prompt: 'a red fox' }));
    expect(job).toMatchObject({ id: `imaginepro:${OURS}`, ref: 'fox-2' });
    expect(ours.count).toBe(1);
  });

  it('with a ref and no prompt, every entry of the operation is read until the ref matches', async () => {
    history(1, [
      entry(id(2), { type: 'imagine', prompt: 'a blue whale', createdAt: at(1_000) }),
      entry(OURS, { type: 'imagine', prompt: 'a red fox', createdAt: at(4_000) }),
      older(9),
    ]);
    const reads = [
      read(id(2), { prompt: 'a blue whale', ref: 'theirs' }),
      read(OURS, { prompt: 'a red fox', ref: 'fox-3' }),
    ];
    const job = await client().findSubmission(submission({ ref: 'fox-3' }));
    expect(job).toMatchObject({ id: `imaginepro:${OURS}`, ref: 'fox-3' });
    expect(reads.map((seen) => seen.count)).toEqual([1, 1]);
  });
});
