import { AuthenticationError, InvalidRequestError, type Job, JobTimeoutError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE, client, fixture, fixtureText, KEY } from './helpers.js';

const NDJSON = { 'content-type': 'application/x-ndjson' };
const TASK = '49589d2c-8a62-4d3c-9f2c-7b1c5e2a9d10';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

async function drain(jobs: AsyncIterable<Job>): Promise<Job[]> {
  const out: Job[] = [];
  for await (const job of jobs) out.push(job);
  return out;
}

describe('imagineStream', () => {
  it('follows the ndjson snapshots to the final grid, with no polling', async () => {
    let sent: { headers: Headers; body: Record<string, unknown> } | undefined;
    nock(BASE)
      .post('/midjourney/imagine')
      .reply(
        200,
        async (request: Request) => {
          sent = { headers: request.headers, body: (await request.json()) as Record<string, unknown> };
          return fixtureText('imagine-stream.ndjson');
        },
        NDJSON,
      );
    const seen: number[] = [];
    const jobs = await drain(
      client().imagineStream(
        { prompt: 'a red fox', aspectRatio: '3:2', ref: 's-1' },
        { onProgress: (job) => seen.push(job.progress ?? -1) },
      ),
    );
    expect(sent?.headers.get('accept')).toBe('application/x-ndjson');
    expect(sent?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(sent?.body).toEqual({ action: 'generate', prompt: 'a red fox --ar 3:2', split_images: true });
    expect(jobs.map((job) => [job.status, job.progress])).toEqual([
      ['running', 35],
      ['running', 75],
      ['succeeded', 100],
    ]);
    expect(seen).toEqual([35, 75, 100]);
    const last = jobs.at(-1)!;
    expect(last).toMatchObject({ id: `acedata:${TASK}`, ref: 's-1', operation: 'imagine' });
    expect(last.actions).toContain('upscale-1');
    // The last line's image_id is the one actions need.
    expect((last.raw as { image_id: string }).image_id).toBe('1234558483408490566');
    expect(jobs[0]!.gridUrl).toBeUndefined();
  });

  it('reads CRLF-separated lines', async () => {
    nock(BASE)
      .post('/midjourney/imagine')
      .reply(200, fixtureText('imagine-stream.ndjson').replace(/\n/g, '\r\n'), NDJSON);
    const jobs = await drain(client().imagineStream({ prompt: 'a red fox' }));
    expect(jobs.map((job) => job.progress)).toEqual([35, 75, 100]);
  });

  it('carries on by polling when the stream ends before the last line', async () => {
    const [first] = fixtureText('imagine-stream.ndjson').split('\n');
    nock(BASE).post('/midjourney/imagine').reply(200, `${first}\n`, NDJSON);
    nock(BASE)
      .post('/midjourney/tasks')
      .reply(200, (_req: Request) => ({
        items: [
          { id: TASK, request: { action: 'generate', prompt: 'a red fox' }, response: fixture('imagine-result.json') },
        ],
      }));
    const jobs = await drain(client().imagineStream({ prompt: 'a red fox' }));
    expect(jobs.map((job) => job.status)).toEqual(['running', 'succeeded']);
    expect(jobs.at(-1)?.images).toHaveLength(4);
  });

  it('ends with a failed job when a line reports the failure', async () => {
    const [first] = fixtureText('imagine-stream.ndjson').split('\n');
    const failure = JSON.stringify({ ...fixture('callback-failed.json'), task_id: TASK });
    nock(BASE).post('/midjourney/imagine').reply(200, `${first}\n${failure}\n`, NDJSON);
    const jobs = await drain(client().imagineStream({ prompt: 'a red fox' }));
    expect(jobs.at(-1)).toMatchObject({ status: 'failed', error: { code: 'bad_request' } });
  });

  it('polls when AceData answers with a plain JSON acknowledgement', async () => {
    nock(BASE).post('/midjourney/imagine').reply(200, { task_id: TASK }, { 'content-type': 'application/json' });
    nock(BASE)
      .post('/midjourney/tasks')
      .reply(200, { items: [{ id: TASK, response: fixture('imagine-result.json') }] });
    const jobs = await drain(client().imagineStream({ prompt: 'a red fox' }));
    expect(jobs.map((job) => job.status)).toEqual(['queued', 'succeeded']);
  });

  it('maps an error answer before the stream starts', async () => {
    nock(BASE)
      .post('/midjourney/imagine')
      .reply(401, { error: { code: 'invalid_token', message: 'The specified token is invalid or wrong.' } });
    await expect(drain(client().imagineStream({ prompt: 'a red fox' }))).rejects.toThrow(AuthenticationError);
  });

  it('takes no webhook', async () => {
    await expect(
      drain(client().imagineStream({ prompt: 'a red fox', webhookUrl: 'https://app.example/h' })),
    ).rejects.toThrow(InvalidRequestError);
  });

  it('stops at its deadline with the last job it saw', async () => {
    const [first] = fixtureText('imagine-stream.ndjson').split('\n');
    const encoder = new TextEncoder();
    // A stream that sends one line and then stalls, as a stuck generation would.
    const stalled: typeof fetch = async () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(encoder.encode(`${first}\n`));
          },
        }),
        { headers: NDJSON },
      );
    const error = await drain(
      client({ fetch: stalled }).imagineStream({ prompt: 'a red fox' }, { timeoutMs: 100 }),
    ).catch((error: unknown) => error);
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect((error as JobTimeoutError).job).toMatchObject({ status: 'running', progress: 35 });
  });
});
