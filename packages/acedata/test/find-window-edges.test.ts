// findSubmission on AceData at the edges of its task listing (§10.1, §10.2): a listing that gives
// no count, a submission known by its ref alone next to tasks known by their prompt, and a blank ref
// signed into a callback URL. Through the client, with a fetch that plays AceData.
import type { Job, Submission } from '@mjgate/core';
import { describe, expect, it, vi } from 'vitest';
import type { AceDataTaskRecord } from '../src/schemas.js';
import { client } from './helpers.js';

const SECRET = 'whsec-find-window-0123456789';
const TASK = '7489df4c-ef03-4de0-b598-00000000f00d';
const SENT = Date.now() - 10_000;

const submission = (fields: Partial<Submission>): Submission => ({
  provider: 'acedata',
  operation: 'imagine',
  sentAt: new Date(SENT).toISOString(),
  ...fields,
});

let serial = 0;
/** A pending task record created one second after the submission (AceData lists epoch seconds). */
function task(request: Record<string, unknown>, type = 'imagine', id?: string): AceDataTaskRecord {
  serial += 1;
  return {
    id: id ?? `7489df4c-ef03-4de0-b598-${String(serial).padStart(12, '0')}`,
    type,
    request,
    created_at: (SENT + 1_000) / 1000,
  } as AceDataTaskRecord;
}

/**
 * A fetch that plays AceData: `/midjourney/imagine` answers `{task_id: TASK}` (keeping the body it
 * got), and `/midjourney/tasks` lists `pages[n]` for the n-th listing (an empty page after the last).
 */
function aceData(pages: Array<{ items: AceDataTaskRecord[]; count?: number | null }> = []) {
  const listings: Array<Record<string, unknown>> = [];
  const submitted: Array<Record<string, unknown>> = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const body = (await request.json()) as Record<string, unknown>;
    if (new URL(request.url).pathname === '/midjourney/imagine') {
      submitted.push(body);
      return Response.json({ success: true, task_id: TASK });
    }
    listings.push(body);
    return Response.json(pages[listings.length - 1] ?? { items: [], count: 0 });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, listings, submitted };
}

const filler = (n: number) => Array.from({ length: n }, () => task({ action: 'generate', prompt: 'something else' }));

describe('a listing without a count', () => {
  it('reads the next page when AceData gives count: null, and finds the task there', async () => {
    const ours = task({ action: 'generate', prompt: 'a red fox', mode: 'fast' });
    const vendor = aceData([
      { items: filler(50), count: null },
      { items: [ours], count: null },
    ]);
    const job = await client({ fetch: vendor.fetch }).findSubmission(submission({ prompt: 'a red fox' }));
    expect(job?.providerJobId).toBe(ours.id);
    // Without a count only an empty page tells the listing is over.
    expect(vendor.listings.map((body) => body.offset)).toEqual([0, 50, 100]);
  });

  it('reads the next page when the count is left out', async () => {
    const ours = task({ action: 'generate', prompt: 'a red fox' });
    const vendor = aceData([{ items: filler(50) }, { items: [ours] }]);
    const job = await client({ fetch: vendor.fetch }).findSubmission(submission({ prompt: 'a red fox' }));
    expect(job?.providerJobId).toBe(ours.id);
  });
});

describe('a submission known by its ref alone', () => {
  it('an action passes over a region variation known only by its prompt, instead of failing on it', async () => {
    // A `variation_region` is the one action AceData records a prompt for (§3.1); sent without an
    // mjgate callback, its prompt is all there is, and an upscale submitted with a ref is not it.
    const region = task({
      action: 'variation_region',
      image_id: '1259525319472185344',
      mask: 'iVBORw0KGgo=',
      prompt: 'a red fox wearing a hat',
    });
    const vendor = aceData([{ items: [region], count: 1 }]);
    const found = await client({ fetch: vendor.fetch }).findSubmission(
      submission({ operation: 'action', ref: 'order-7' }),
    );
    expect(found).toBeUndefined();
    expect(vendor.listings).toHaveLength(1);
  });

  it('a blend without a prompt passes over another blend known only by its image URLs', async () => {
    const other = task({ action: 'generate', prompt: 'https://img.example/a.png https://img.example/b.png' });
    const vendor = aceData([{ items: [other], count: 1 }]);
    const found = await client({ fetch: vendor.fetch }).findSubmission(
      submission({ operation: 'blend', ref: 'order-8' }),
    );
    expect(found).toBeUndefined();
  });
});

describe('a blank ref signed into the callback URL', () => {
  it('the task found by its prompt is the job its webhook delivers, blank ref and all', async () => {
    // The submission: a webhook and a ref of spaces, which core signs into the callback URL as given.
    const submitting = aceData();
    const mj = client({ fetch: submitting.fetch, webhookSecret: SECRET });
    const submitted = await mj.imagine({ prompt: 'a red fox', ref: '  ', webhookUrl: 'https://app.example/hooks' });
    const callbackUrl = String(submitting.submitted[0]?.callback_url);
    // Its answer was lost; AceData lists the task with the request as it got it (§10.2).
    const listed = task({ action: 'generate', prompt: 'a red fox', callback_url: callbackUrl }, 'imagine', TASK);
    const lookup = aceData([{ items: [listed], count: 1 }]);
    const found = (await client({ fetch: lookup.fetch, webhookSecret: SECRET }).findSubmission(
      submission({ prompt: 'a red fox', ref: '  ' }),
    )) as Job;
    const delivered = await client({ webhookSecret: SECRET }).parseWebhook({
      url: callbackUrl,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ success: true, task_id: TASK, progress: 10 }),
    });
    expect(found.providerJobId).toBe(TASK);
    expect(submitted.ref).toBe('  ');
    expect(delivered.ref).toBe('  ');
    expect(found.ref).toBe('  ');
  });
});
