// APIFRAME keeps no prompt, ref or parent on a task (§3.17), so the client remembers them for its
// last 2,000 submissions and puts them back on every read of those tasks. A fetch that answers at
// once (no sockets) keeps the thousand submissions here fast.
import type { Job } from '@mjgate/core';
import { describe, expect, it, vi } from 'vitest';
import { client } from './helpers.js';

/**
 * A fetch that plays APIFRAME: the n-th `/imagine` creates task `task-n`; `/fetch` reports any task
 * as processing, with no prompt and no ref, as APIFRAME does.
 */
function apiFrame() {
  let created = 0;
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const path = new URL(request.url).pathname;
    if (path === '/imagine') {
      created += 1;
      return Response.json({ task_id: `task-${created}` });
    }
    const { task_id } = (await request.json()) as { task_id: string };
    return Response.json({ task_id, task_type: 'imagine', status: 'processing', percentage: '40' });
  });
  return fetch as unknown as typeof globalThis.fetch;
}

/** Submits `count` imagines in order, each with its own prompt and ref; returns the jobs. */
async function submitMany(mj: ReturnType<typeof client>, count: number): Promise<Job[]> {
  const jobs: Job[] = [];
  for (let n = 1; n <= count; n++) jobs.push(await mj.imagine({ prompt: `fox number ${n}`, ref: `order-${n}` }));
  return jobs;
}

describe('the submissions the client remembers', () => {
  it('a read of the oldest of 1,001 submissions still shows its prompt and ref', async () => {
    const mj = client({ fetch: apiFrame() });
    const [oldest] = await submitMany(mj, 1_001);
    const read = await mj.get(oldest!.id);
    expect(read).toMatchObject({
      providerJobId: 'task-1',
      status: 'running',
      prompt: 'fox number 1',
      ref: 'order-1',
    });
  });
});
