import type { Job } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE, client, fixture, fixtureText } from './helpers.js';

const NDJSON = { 'content-type': 'application/x-ndjson' };
const TASK = '49589d2c-8a62-4d3c-9f2c-7b1c5e2a9d10';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('run() on AceData follows the imagine stream', () => {
  it('resolves from the ndjson stream with no status request, reporting progress in order', async () => {
    const accepts: (string | null)[] = [];
    nock(BASE)
      .post('/midjourney/imagine')
      .reply(
        200,
        (request: Request) => {
          accepts.push(request.headers.get('accept'));
          return fixtureText('imagine-stream.ndjson');
        },
        NDJSON,
      );
    // No /midjourney/tasks interceptor: a status request would fail the run (net connect is off).
    const seen: (number | null)[] = [];
    const job = await client().run({ prompt: 'a red fox' }, { onProgress: (j) => seen.push(j.progress) });
    expect(accepts).toEqual(['application/x-ndjson']);
    expect(job).toMatchObject({ id: `acedata:${TASK}`, status: 'succeeded', operation: 'imagine' });
    expect(job.actions).toContain('upscale-1');
    expect(seen).toEqual([35, 75, 100]);
    expect(nock.isDone()).toBe(true);
  });

  it('lists the streamed job as pending once the stream names it, and takes it off once it succeeded', async () => {
    // The stream names the task, then breaks off: the run polls, and the poll sees what pending() lists.
    const [first] = fixtureText('imagine-stream.ndjson').split('\n');
    nock(BASE).post('/midjourney/imagine').reply(200, `${first}\n`, NDJSON);
    const mj = client();
    let listedAtPoll: Promise<Job[]> | undefined;
    nock(BASE)
      .post('/midjourney/tasks')
      .reply(200, () => {
        listedAtPoll = mj.pending();
        return {
          items: [
            {
              id: TASK,
              request: { action: 'generate', prompt: 'a red fox' },
              response: fixture('imagine-result.json'),
            },
          ],
        };
      });
    const job = await mj.run({ prompt: 'a red fox' });
    expect(job.status).toBe('succeeded');
    expect((await listedAtPoll)?.map((pendingJob) => [pendingJob.id, pendingJob.status])).toEqual([
      [`acedata:${TASK}`, 'running'],
    ]);
    expect(await mj.pending()).toEqual([]);
  });

  it('falls back to polling when the stream breaks off after naming the task', async () => {
    const [first] = fixtureText('imagine-stream.ndjson').split('\n');
    nock(BASE).post('/midjourney/imagine').reply(200, `${first}\n`, NDJSON);
    let polls = 0;
    nock(BASE)
      .post('/midjourney/tasks')
      .reply(200, () => {
        polls += 1;
        return {
          items: [
            {
              id: TASK,
              request: { action: 'generate', prompt: 'a red fox' },
              response: fixture('imagine-result.json'),
            },
          ],
        };
      });
    const job = await client().run({ prompt: 'a red fox' });
    expect(job).toMatchObject({ id: `acedata:${TASK}`, status: 'succeeded' });
    expect(job.images).toHaveLength(4);
    expect(polls).toBe(1);
  });

  it('a run with a webhook submits through imagine (no stream) and waits by polling', async () => {
    const accepts: (string | null)[] = [];
    nock(BASE)
      .post('/midjourney/imagine')
      .reply(200, (request: Request) => {
        accepts.push(request.headers.get('accept'));
        return { task_id: TASK };
      });
    nock(BASE)
      .post('/midjourney/tasks')
      .reply(200, {
        items: [
          { id: TASK, request: { action: 'generate', prompt: 'a red fox' }, response: fixture('imagine-result.json') },
        ],
      });
    const job = await client({ webhookSecret: 'whsec_0123456789abcdef' }).run({
      prompt: 'a red fox',
      webhookUrl: 'https://app.example/hooks/mj',
    });
    expect(job.status).toBe('succeeded');
    expect(accepts[0]).not.toBe('application/x-ndjson');
    expect(nock.isDone()).toBe(true);
  });

  it('leaves the in-flight slots to other calls when few are free: submits and polls instead', async () => {
    const accepts: (string | null)[] = [];
    nock(BASE)
      .post('/midjourney/imagine')
      .reply(200, (request: Request) => {
        accepts.push(request.headers.get('accept'));
        return { task_id: TASK };
      });
    nock(BASE)
      .post('/midjourney/tasks')
      .reply(200, {
        items: [
          { id: TASK, request: { action: 'generate', prompt: 'a red fox' }, response: fixture('imagine-result.json') },
        ],
      });
    // One slot in all: a stream would hold it for the whole job.
    const job = await client({ maxInFlight: 1 }).run({ prompt: 'a red fox' });
    expect(job.status).toBe('succeeded');
    expect(accepts[0]).not.toBe('application/x-ndjson');
    expect(nock.isDone()).toBe(true);
  });

  it('checks the input before anything is sent', async () => {
    await expect(client().run({ prompt: '' })).rejects.toMatchObject({ code: 'invalid_request' });
  });
});
