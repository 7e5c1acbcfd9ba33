// findSubmission on ImaginePro: which history entries (§3.7) can be the lost job, by what their
// `type` and `button` say made them. An entry of another operation is never read; one whose type
// and button say nothing may be any job, so it is read and its echoed `ref` decides (§2.1, §3.2).
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

describe('ImaginePro findSubmission: what made a history entry', () => {
  it('an imagine lookup never reads the entries of a button, a face swap (by type or by button) or a blend, even nearer and with the same prompt', async () => {
    // Only our entry has a status read to answer: reading any other would fail the lookup.
    history(1, [
      entry(OURS, { type: 'IMAGINE', prompt: 'a red fox', createdAt: at(9_000) }),
      entry(id(2), { type: 'button', button: 'U1', prompt: 'a red fox', createdAt: at(1_000) }),
      entry(id(3), { type: 'faceswap', prompt: 'a red fox', createdAt: at(1_100) }),
      entry(id(4), { type: 'button', button: 'FaceSwap', prompt: 'a red fox', createdAt: at(1_200) }),
      entry(id(5), { type: 'blend', prompt: 'a red fox', createdAt: at(1_300) }),
      older(9),
    ]);
    const ours = read(OURS, { prompt: 'a red fox', ref: 'fox-1' });
    const job = await client().findSubmission(submission({ ref: 'fox-1', prompt: 'a red fox' }));
    expect(job).toMatchObject({ id: `imaginepro:${OURS}`, operation: 'imagine', ref: 'fox-1' });
    expect(ours.count).toBe(1);
  });

  it('a face swap lookup reads the faceswap entry, not the imagine listed nearer', async () => {
    history(1, [
      entry(OURS, { type: 'faceswap', createdAt: at(6_000) }),
      entry(id(2), { type: 'imagine', prompt: 'a portrait', createdAt: at(500) }),
      older(9),
    ]);
    const ours = read(OURS, { ref: 'swap-1' });
    const job = await client().findSubmission(submission({ operation: 'faceswap', ref: 'swap-1' }));
    expect(job).toMatchObject({ id: `imaginepro:faceswap.${OURS}`, operation: 'faceswap', ref: 'swap-1' });
    expect(ours.count).toBe(1);
  });

  it('a blend lookup reads the blend entry, not the imagine listed nearer', async () => {
    const urls = 'https://example.com/a.png https://example.com/b.png';
    history(1, [
      entry(OURS, { type: 'Blend', prompt: urls, createdAt: at(6_000) }),
      entry(id(2), { type: 'imagine', prompt: urls, createdAt: at(500) }),
      older(9),
    ]);
    const ours = read(OURS, { prompt: urls, ref: 'blend-1' });
    const job = await client().findSubmission(submission({ operation: 'blend', ref: 'blend-1', prompt: urls }));
    expect(job).toMatchObject({ id: `imaginepro:${OURS}`, ref: 'blend-1' });
    expect(ours.count).toBe(1);
  });

  it('entries whose type is missing or unknown may be any job: both are read, the echoed ref decides', async () => {
    history(1, [
      entry(OURS, { type: 'upscale-v7', prompt: 'a red fox', createdAt: at(4_000) }),
      entry(id(2), { type: null, button: null, prompt: 'a red fox', createdAt: at(1_000) }),
      older(9),
    ]);
    const reads = [
      read(id(2), { prompt: 'a red fox', ref: 'theirs' }),
      read(OURS, { prompt: 'a red fox', ref: 'mine' }),
    ];
    const job = await client().findSubmission(submission({ ref: 'mine', prompt: 'a red fox' }));
    expect(job).toMatchObject({ id: `imaginepro:${OURS}`, ref: 'mine' });
    expect(reads.map((seen) => seen.count)).toEqual([1, 1]);
  });
});
