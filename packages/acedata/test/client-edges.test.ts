import { InvalidRequestError, NotFoundError, ResponseValidationError, UnsupportedError } from '@mjgate/core';
import { describe, expect, it, vi } from 'vitest';
import { client, failure, fixture, fixtureText, KEY } from './helpers.js';

const TASK = '49589d2c-8a62-4d3c-9f2c-7b1c5e2a9d10';
const PARENT_ID = '7489df4c-ef03-4de0-b598-e9a590793434';

type Route = (request: Request, body: Record<string, unknown>) => Response | Promise<Response>;

/** A fetch answering by path (`/midjourney/…`), recording each request with its JSON body. */
function fakeFetch(routes: Record<string, Route>) {
  const seen: { path: string; headers: Headers; body: Record<string, unknown> }[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const text = await request.clone().text();
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    seen.push({ path, headers: request.headers, body });
    const route = routes[path];
    return route ? route(request, body) : new Response('{}', { status: 404 });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, seen };
}

const json = (value: unknown) => () => Response.json(value);
const logger = () => ({ warn: vi.fn(), info: vi.fn(), debug: vi.fn(), error: vi.fn() });

describe('the key', () => {
  it('drops a leading "Bearer" with any run of spaces, and only a leading one', async () => {
    const { fetch, seen } = fakeFetch({ '/midjourney/tasks': json(fixture('task-succeeded.json')) });
    await client({ apiKey: `Bearer   ${KEY}`, fetch }).get(PARENT_ID);
    await client({ apiKey: `${KEY}Bearer x`, fetch }).get(PARENT_ID);
    expect(seen.map((request) => request.headers.get('authorization'))).toEqual([
      `Bearer ${KEY}`,
      `Bearer ${KEY}Bearer x`,
    ]);
  });

  it('warns about a platform token, and only about one', () => {
    const platform = logger();
    client({ apiKey: 'platform-0123456789abcdef', logger: platform } as never);
    expect(platform.warn).toHaveBeenCalledWith(
      'acedata: the key looks like a platform token (platform-…); AceData wants a service or global credential for API calls.',
    );
    const service = logger();
    client({ apiKey: `${KEY}-platform-`, logger: service } as never);
    expect(service.warn).not.toHaveBeenCalled();
  });

  it('takes a platform token with no logger, or one without warn', () => {
    expect(() => client({ apiKey: 'platform-0123456789abcdef' })).not.toThrow();
    expect(() => client({ apiKey: 'platform-0123456789abcdef', logger: { error: () => {} } } as never)).not.toThrow();
  });

  it('masks the key when an error echoes it back', async () => {
    const { fetch } = fakeFetch({
      '/midjourney/imagine': () =>
        Response.json({ error: { code: 'bad', message: `no such token ${KEY}` } }, { status: 400 }),
    });
    const error = await failure(client({ fetch }).imagine({ prompt: 'a red fox' }));
    expect(error.message).not.toContain(KEY);
    expect(JSON.stringify(error)).not.toContain(KEY);
  });
});

describe('submissions', () => {
  it('an acknowledgement without task_id names the call and what is missing', async () => {
    const { fetch } = fakeFetch({ '/midjourney/imagine': json({ success: true }) });
    const error = await failure(client({ fetch }).imagine({ prompt: 'a red fox' }));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toMatch(/^AceData answered the imagine without a task_id\./);
    const video = fakeFetch({ '/midjourney/videos': json({ success: true }) });
    const videoError = await failure(
      client({ fetch: video.fetch }).video({ imageUrl: 'https://img.example/a.png', prompt: 'go' }),
    );
    expect(videoError.message).toMatch(/^AceData answered the videos without a task_id\./);
  });

  it('a submission answer that cannot be read names the task it started', async () => {
    const { fetch } = fakeFetch({
      '/midjourney/imagine': () =>
        new Response(`{"success": true, "task_id": "${TASK}", "oops`, {
          headers: { 'content-type': 'application/json' },
        }),
    });
    const error = await failure(client({ fetch }).imagine({ prompt: 'a red fox' }));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toContain(`It named job ${TASK}.`);
    expect(error.submission?.providerJobId).toBe(TASK);
  });

  it('blend keeps the caller’s ref', async () => {
    const { fetch } = fakeFetch({ '/midjourney/imagine': json({ task_id: TASK }) });
    const job = await client({ fetch }).blend({
      imageUrls: ['https://img.example/a.png', 'https://img.example/b.png'],
      ref: 'b-1',
    });
    expect(job.ref).toBe('b-1');
  });
});

describe('answers given at once', () => {
  it('describe with a webhook is Unsupported, says what to drop, and sends nothing', async () => {
    const { fetch, seen } = fakeFetch({});
    const error = await failure(
      client({ fetch }).describe({ imageUrl: 'https://img.example/cat.png', webhookUrl: 'https://app.example/h' }),
    );
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toBe('AceData answers describe at once and sends no callback; drop webhookUrl.');
    expect(error.provider).toBe('acedata');
    expect(seen).toHaveLength(0);
  });

  it('success: false is a refusal even with descriptions; success: true is fine', async () => {
    const refused = fakeFetch({
      '/midjourney/describe': json({
        ...fixture<Record<string, unknown>>('describe.json'),
        success: false,
        error: { message: 'nope' },
      }),
    });
    await expect(
      client({ fetch: refused.fetch }).describe({ imageUrl: 'https://img.example/cat.png' }),
    ).rejects.toThrow(/nope/);
    const ok = fakeFetch({
      '/midjourney/describe': json({ ...fixture<Record<string, unknown>>('describe.json'), success: true }),
    });
    const job = await client({ fetch: ok.fetch }).describe({ imageUrl: 'https://img.example/cat.png' });
    expect(job.status).toBe('succeeded');
  });

  it('a seed answer without a seed is refused', async () => {
    const { fetch } = fakeFetch({
      '/midjourney/tasks': json(fixture('task-succeeded.json')),
      '/midjourney/seed': json({ success: true }),
    });
    const error = await failure(client({ fetch }).seed(`acedata:${PARENT_ID}`));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toMatch(/^AceData answered the seed lookup without a seed\./);
  });

  it('shorten records its operation, prompt and ref', async () => {
    const { fetch } = fakeFetch({ '/midjourney/shorten': json(fixture('shorten.json')) });
    const job = await client({ fetch }).shorten({ prompt: 'a red fox in snow', ref: 's-9' });
    expect(job).toMatchObject({ operation: 'shorten', prompt: 'a red fox in snow', ref: 's-9' });
  });

  it('get of an answer given at once explains there is no task, and asks nothing', async () => {
    const { fetch, seen } = fakeFetch({});
    const error = await failure(client({ fetch }).get('acedata:sync-abc'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe(
      'Job acedata:sync-abc was answered at once (describe, shorten or seed); AceData keeps no task for it. The Job that call returned is final.',
    );
    expect(error.provider).toBe('acedata');
    expect(seen).toHaveLength(0);
  });
});

describe('get and getMany', () => {
  it('an unknown task says so, naming it', async () => {
    const { fetch } = fakeFetch({ '/midjourney/tasks': json({}) });
    const error = await failure(client({ fetch }).get('acedata:nope'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('AceData does not know task nope.');
    expect(error.provider).toBe('acedata');
  });

  it('a record with only an id is a known task', async () => {
    const { fetch } = fakeFetch({ '/midjourney/tasks': json({ id: TASK }) });
    const job = await client({ fetch }).get(`acedata:${TASK}`);
    expect(job.providerJobId).toBe(TASK);
  });

  it('a record with an id but no request is a known task', async () => {
    const record = fixture<Record<string, unknown>>('task-succeeded.json');
    delete record.request;
    const { fetch } = fakeFetch({ '/midjourney/tasks': json(record) });
    const job = await client({ fetch }).get(`acedata:${PARENT_ID}`);
    expect(job.status).toBe('succeeded');
  });

  it('getMany of answers given at once only asks nothing', async () => {
    const { fetch, seen } = fakeFetch({});
    await expect(client({ fetch }).getMany(['acedata:sync-a'])).rejects.toThrow(NotFoundError);
    expect(seen).toHaveLength(0);
  });

  it('getMany finds a record by its response task_id and skips records with no id', async () => {
    const record = fixture<Record<string, unknown>>('task-succeeded.json');
    delete record.id;
    const { fetch } = fakeFetch({ '/midjourney/tasks': json({ items: [{}, record], count: 2 }) });
    const jobs = await client({ fetch }).getMany([`acedata:${PARENT_ID}`]);
    expect(jobs.map((job) => [job.providerJobId, job.status])).toEqual([[PARENT_ID, 'succeeded']]);
  });

  it('getMany reports a task the batch left out as not found', async () => {
    const { fetch } = fakeFetch({
      '/midjourney/tasks': json({ items: [fixture('task-succeeded.json')], count: 1 }),
    });
    const error = await failure(client({ fetch }).getMany([`acedata:${PARENT_ID}`, 'acedata:missing-1']));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('missing-1');
  });
});

describe('follow-ups', () => {
  it('a parent that is not finished is refused, naming the provider', async () => {
    const { fetch } = fakeFetch({ '/midjourney/tasks': json(fixture('task-running.json')) });
    const error = await failure(client({ fetch }).seed('acedata:5c2e7d1a-0b7e-4a6f-8f4e-2f3b1c9d8e77'));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.provider).toBe('acedata');
  });

  it('a finished parent with no image_id takes no follow-up', async () => {
    const video = fixture<{ id: string }>('task-video-succeeded.json');
    const { fetch, seen } = fakeFetch({ '/midjourney/tasks': json(video) });
    const error = await failure(client({ fetch }).seed(`acedata:${video.id}`));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe(
      `Job acedata:${video.id} has no AceData image_id (not an image result?), so it takes no follow-up.`,
    );
    expect(error.provider).toBe('acedata');
    expect(seen.map((request) => request.path)).toEqual(['/midjourney/tasks']);
  });
});

describe('run', () => {
  it('with no in-flight cap, follows the stream', async () => {
    const { fetch, seen } = fakeFetch({
      '/midjourney/imagine': () =>
        new Response(fixtureText('imagine-stream.ndjson'), { headers: { 'content-type': 'application/x-ndjson' } }),
    });
    const job = await client({ fetch, maxInFlight: 0 }).run({ prompt: 'a red fox' });
    expect(job.status).toBe('succeeded');
    expect(seen.map((request) => request.headers.get('accept'))).toEqual(['application/x-ndjson']);
  });

  it('submitting and polling instead sends the caller’s headers with the imagine', async () => {
    const { fetch, seen } = fakeFetch({
      '/midjourney/imagine': json({ task_id: TASK }),
      '/midjourney/tasks': json({
        items: [
          { id: TASK, request: { action: 'generate', prompt: 'a red fox' }, response: fixture('imagine-result.json') },
        ],
      }),
    });
    const job = await client({ fetch, maxInFlight: 1 }).run({ prompt: 'a red fox' }, { headers: { 'x-trace': 't-1' } });
    expect(job.status).toBe('succeeded');
    expect(seen[0]?.path).toBe('/midjourney/imagine');
    expect(seen[0]?.headers.get('x-trace')).toBe('t-1');
  });
});
