// findSubmission on ImaginePro: how far back the history (§3.7) is read. The window starts at
// sentAt less the 60 s clock-skew allowance, an entry made at that very moment included, and at
// most 10 pages of 100 are read.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { at, entry, history, id, OURS, older, read, submission, WINDOW_START } from './find-history-fixtures.js';
import { client } from './helpers.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** A full page of other jobs' entries (other prompts), made `offsetMs` after sentAt. */
function othersPage(page: number, offsetMs: number) {
  return Array.from({ length: 100 }, (_, index) =>
    entry(id(page * 1_000 + index), { type: 'imagine', prompt: `another job ${index}`, createdAt: at(offsetMs) }),
  );
}

describe('ImaginePro findSubmission: the history window', () => {
  it('an entry made exactly at the window start is looked at, and a page ending there does not end the search', async () => {
    // Page 1 ends with an entry made exactly at the window start: page 2 may hold more of that moment.
    const first = othersPage(1, 30_000);
    first[99] = entry(id(1_099), { type: 'imagine', prompt: 'another job', createdAt: at(WINDOW_START) });
    const pages = [
      history(1, first),
      history(2, [entry(OURS, { type: 'imagine', prompt: 'a paper boat', createdAt: at(WINDOW_START) }), older(9)]),
    ];
    const ours = read(OURS, { prompt: 'a paper boat' });
    const job = await client().findSubmission(submission({ prompt: 'a paper boat' }));
    expect(job?.id).toBe(`imaginepro:${OURS}`);
    expect([...pages.map((page) => page.count), ours.count]).toEqual([1, 1, 1]);
  });

  it('reads up to the tenth page of 100 entries, and no further', async () => {
    const pages = Array.from({ length: 9 }, (_, index) => history(index + 1, othersPage(index + 1, 20_000)));
    const tenth = othersPage(10, 10_000);
    tenth[99] = entry(OURS, { type: 'imagine', prompt: 'a lighthouse', createdAt: at(5_000) });
    pages.push(history(10, tenth));
    const ours = read(OURS, { prompt: 'a lighthouse', ref: 'lh-1' });
    const job = await client().findSubmission(submission({ ref: 'lh-1', prompt: 'a lighthouse' }));
    expect(job?.id).toBe(`imaginepro:${OURS}`);
    expect(pages.map((page) => page.count)).toEqual(Array(10).fill(1));
    expect(ours.count).toBe(1);
  });
});
