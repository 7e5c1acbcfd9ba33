import {
  AuthenticationError,
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  JobFailedError,
  MjGateError,
  NotFoundError,
  ProviderError,
  RateLimitError,
  ResponseValidationError,
  WebhookVerificationError,
} from '@mjgate/core';
import { signWebhookUrl, WEBHOOK_PARAMS, type WebhookContext } from '@mjgate/core/provider';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { client, fixture, jobFrom, KEY, SECRET, vendor } from './helpers.js';

const GRID = jobFrom('imagine-finished');

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

async function failure(promise: Promise<unknown>): Promise<MjGateError> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!MjGateError.isInstance(error)) throw new Error(`expected an MjGateError, got ${String(error)}`);
  expect(error.message).not.toContain(KEY);
  expect(error.message).not.toContain(SECRET);
  return error;
}

describe('errors', () => {
  it('400 {errors:[{msg}]} → InvalidRequestError carrying the vendor message', async () => {
    vendor().post('/imagine').reply(400, fixture('error-400'));
    const error = await failure(client().imagine({ prompt: 'a cat' }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, retryable: false, provider: 'apiframe' });
    expect(error.message).toContain('Invalid request');
  });

  it('several messages are all reported', async () => {
    vendor()
      .post('/imagine')
      .reply(400, { errors: [{ msg: 'prompt is required' }, { msg: 'aspect_ratio is invalid' }] });
    const error = await failure(client().imagine({ prompt: 'x' }));
    expect(error.message).toContain('prompt is required; aspect_ratio is invalid');
  });

  it('401 {} → AuthenticationError that never repeats the key', async () => {
    vendor().post('/fetch').reply(401, fixture('error-401'));
    const error = await failure(client().get('x'));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(/401/);
  });

  it('429 → RateLimitError with Retry-After', async () => {
    vendor()
      .post('/fetch')
      .reply(429, { errors: [{ msg: 'Too many requests' }] }, { 'Retry-After': '7' });
    const error = await failure(client().get('x'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(7_000);
  });

  it('5xx → ProviderError; a failed submission says the job may exist', async () => {
    vendor().post('/fetch').reply(500, fixture('error-500')).post('/imagine').reply(500, {});
    const read = await failure(client().get('x'));
    expect(read).toBeInstanceOf(ProviderError);
    const submit = await failure(client().imagine({ prompt: 'a cat' }));
    expect(submit).toBeInstanceOf(ProviderError);
    expect(submit.mayHaveCreatedJob).toBe(true);
  });

  it('a read that fails with 502 is retried', async () => {
    const scope = vendor().post('/fetch').reply(502, {}).post('/fetch').reply(200, fixture('imagine-processing'));
    const id = fixture<{ task_id: string }>('imagine-processing').task_id;
    expect(await client({ maxRetries: 1 }).get(id)).toMatchObject({ status: 'running' });
    expect(scope.isDone()).toBe(true);
  });

  it('a banned prompt → ContentPolicyError', async () => {
    vendor()
      .post('/imagine')
      .reply(400, { errors: [{ msg: 'Banned prompt: the word "gore" is not allowed' }] });
    expect(await failure(client().imagine({ prompt: 'gore' }))).toBeInstanceOf(ContentPolicyError);
  });

  it('no credits (402, or 400 that says so) → InsufficientCreditsError', async () => {
    vendor()
      .post('/imagine')
      .reply(402, { errors: [{ msg: 'Not enough credits.' }] })
      .post('/imagine')
      .reply(400, { errors: [{ msg: 'Insufficient credits' }] });
    expect(await failure(client().imagine({ prompt: 'a' }))).toBeInstanceOf(InsufficientCreditsError);
    expect(await failure(client().imagine({ prompt: 'a' }))).toBeInstanceOf(InsufficientCreditsError);
  });

  it('an unknown task → NotFoundError (404, or 400 that says not found)', async () => {
    vendor()
      .post('/fetch')
      .reply(404, { errors: [{ msg: 'Task x not found' }] })
      .post('/upscale-1x')
      .reply(400, { errors: [{ msg: 'Invalid parent_task_id: task x was not found' }] });
    expect(await failure(client().get('x'))).toBeInstanceOf(NotFoundError);
    expect(await failure(client().upscale(GRID, 1))).toBeInstanceOf(NotFoundError);
  });

  it('a 200 that is not a task → ResponseValidationError', async () => {
    vendor().post('/fetch').reply(200, { tasks: [] });
    expect(await failure(client().get('x'))).toBeInstanceOf(ResponseValidationError);
  });

  it('a failed task makes wait throw JobFailedError with the vendor text', async () => {
    vendor().post('/fetch').reply(200, fixture('failed-message'));
    const error = await failure(client().wait(GRID.providerJobId));
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.message).toContain('upstream error');
  });
});

/** A /fetch-many that answers with every asked id finished (or as `status`), recording each request. */
function fetchMany(requests: string[][], status = 'finished', reverse = false) {
  return vendor()
    .post('/fetch-many')
    .times(100)
    .reply(200, async (req: Request) => {
      const { task_ids } = (await req.json()) as { task_ids: string[] };
      requests.push(task_ids);
      const tasks = task_ids.map((task_id) => ({
        task_id,
        task_type: 'imagine',
        status,
        ...(status === 'finished' ? { original_image_url: `https://cdn.test/${task_id}.png` } : { percentage: '50' }),
      }));
      return { tasks: reverse ? tasks.reverse() : tasks };
    });
}

describe('getMany and batched waits', () => {
  const ids = (count: number) => Array.from({ length: count }, (_, index) => `task-${index + 1}`);

  it('asks /fetch-many in chunks of at most 20 and answers in the order asked', async () => {
    const requests: string[][] = [];
    fetchMany(requests, 'finished', true);
    const jobs = await client().getMany(ids(45));
    expect(requests.map((batch) => batch.length)).toEqual([20, 20, 5]);
    expect(jobs.map((job) => job.providerJobId)).toEqual(ids(45));
    expect(jobs.every((job) => job.status === 'succeeded')).toBe(true);
  });

  it('a leftover chunk of one id goes to /fetch (the vendor wants 2–20 ids)', async () => {
    const requests: string[][] = [];
    fetchMany(requests);
    const single = vendor()
      .post('/fetch', { task_id: 'task-41' })
      .reply(200, { task_id: 'task-41', status: 'pending' });
    const jobs = await client().getMany(ids(41));
    expect(requests.map((batch) => batch.length)).toEqual([20, 20]);
    expect(single.isDone()).toBe(true);
    expect(jobs).toHaveLength(41);
  });

  it('keeps the order asked, and an id the vendor does not list is NotFoundError', async () => {
    vendor()
      .post('/fetch-many', { task_ids: ['a', 'c'] })
      .reply(200, {
        tasks: [
          { task_id: 'c', status: 'pending' },
          { task_id: 'a', status: 'processing' },
        ],
      });
    const jobs = await client().getMany(['apiframe:a', 'c']);
    expect(jobs.map((job) => [job.providerJobId, job.status])).toEqual([
      ['a', 'running'],
      ['c', 'queued'],
    ]);
    vendor()
      .post('/fetch-many', { task_ids: ['a', 'b', 'c'] })
      .reply(200, {
        tasks: [
          { task_id: 'c', status: 'pending' },
          { task_id: 'a', status: 'processing' },
        ],
      });
    await expect(client().getMany(['apiframe:a', 'b', 'c'])).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads the documented fetch-many example', async () => {
    const example = fixture<{ tasks: Array<{ task_id: string }> }>('fetch-many');
    vendor().post('/fetch-many').reply(200, example);
    const jobs = await client().getMany(example.tasks.map((task) => task.task_id));
    expect(jobs.map((job) => job.status)).toEqual(['running', 'succeeded']);
    expect(jobs[1]!.raw).toEqual(example.tasks[1]);
  });

  it('25 concurrent waits are served by /fetch-many, never by /fetch', async () => {
    const requests: string[][] = [];
    fetchMany(requests);
    const single = vendor().post('/fetch').reply(500, {});
    const api = client();
    const jobs = await Promise.all(ids(25).map((id) => api.wait(id)));
    expect(jobs.every((job) => job.status === 'succeeded')).toBe(true);
    expect(requests.map((batch) => batch.length).sort((first, second) => second - first)).toEqual([20, 5]);
    expect(single.isDone()).toBe(false);
  });

  it('waits that need several rounds still share requests', async () => {
    const requests: string[][] = [];
    fetchMany(requests, 'processing');
    const api = client();
    const controller = new AbortController();
    const waits = ids(30).map((id) => api.wait(id, { signal: controller.signal, pollIntervalMs: 5 }).catch(() => null));
    // A hang guard, not a race: the count only grows, however slowly a busy machine runs.
    await vi.waitFor(() => expect(requests.flat().length).toBeGreaterThanOrEqual(90), { timeout: 15_000 });
    controller.abort();
    await Promise.all(waits);
    // 30 waits × 3+ rounds would be 90+ single requests; batched, each request carries many ids.
    expect(requests.flat().length / requests.length).toBeGreaterThan(5);
  });
});

describe('webhooks', () => {
  const HOOK = 'https://app.test/hooks/apiframe';
  const post = (body: unknown, headers: Record<string, string> | Headers, url: string) => ({
    url,
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  /** A callback URL signed as a client with `SECRET` hands it out (no job remembered for it). */
  const signed = (context: WebhookContext = {}, url = HOOK) => signWebhookUrl(url, 'apiframe', SECRET, context);
  const SIGNATURE_PARAMS = [WEBHOOK_PARAMS.nonce, WEBHOOK_PARAMS.signature, WEBHOOK_PARAMS.expires];

  it("sends webhook_url (signed, with core's context) and webhook_secret; a fresh client maps the callback to the polled job", async () => {
    let sent: Record<string, string> = {};
    vendor()
      .post('/upscale-1x')
      .reply(200, async (req: Request) => {
        sent = (await req.json()) as Record<string, string>;
        return { task_id: 'up-1' };
      });
    const sender = client({ webhookSecret: SECRET });
    const submitted = await sender.act(GRID, 'upscale-1', {
      webhookUrl: 'https://app.test/hooks/apiframe?tenant=7',
      ref: 'order-42',
    });
    expect(sent.webhook_secret).toBe(SECRET);
    const url = new URL(sent.webhook_url!);
    expect(url.origin + url.pathname).toBe('https://app.test/hooks/apiframe');
    // Core's context and, like every vendor's since the header alone proves nothing about the job,
    // mjgate's signature with its nonce and expiry; no adapter extras, and never the secret itself.
    const params = Object.fromEntries(url.searchParams);
    for (const name of SIGNATURE_PARAMS) expect(params[name], name).toBeTruthy();
    for (const name of SIGNATURE_PARAMS) delete params[name];
    expect(params).toEqual({
      tenant: '7',
      [WEBHOOK_PARAMS.provider]: 'apiframe',
      [WEBHOOK_PARAMS.operation]: 'action',
      [WEBHOOK_PARAMS.action]: 'upscale-1',
      [WEBHOOK_PARAMS.parentId]: GRID.id,
      [WEBHOOK_PARAMS.ref]: 'order-42',
    });
    expect(sent.webhook_url).not.toContain(SECRET);

    const payload = { ...fixture<object>('upscale-1x-finished'), task_id: 'up-1' };
    vendor().post('/fetch').reply(200, payload);
    const polled = await sender.get(submitted);

    // Another process: a fresh client that never saw the submission.
    const receiver = client({ webhookSecret: SECRET });
    const job = await receiver.parseWebhook(post(payload, { 'x-webhook-secret': SECRET }, url.toString()));
    expect(job).toMatchObject({
      id: 'apiframe:up-1',
      operation: 'action',
      action: 'upscale-1',
      status: 'succeeded',
      ref: 'order-42',
      parentId: GRID.id,
    });
    const { createdAt: _a, ...pushed } = job;
    const { createdAt: _b, ...viaPoll } = polled;
    expect(pushed).toEqual(viaPoll);

    // The URL was handed out with task up-1: the same URL and header with another task's body are refused.
    const other = { ...payload, task_id: 'up-2' };
    const refused = await failure(receiver.parseWebhook(post(other, { 'x-webhook-secret': SECRET }, url.toString())));
    expect(refused.message).toMatch(/issued for job apiframe:up-1/);
  });

  it('a fresh client takes operation and action from the callback URL when the body has no task_type', async () => {
    const url = await signed({ operation: 'action', action: 'upscale-2', parentId: GRID.id, ref: 'r-2' });
    const body: Record<string, unknown> = { ...fixture<object>('upscale-1x-finished'), task_id: 'up-2' };
    delete body.task_type;
    const job = await client({ webhookSecret: SECRET }).parseWebhook(post(body, { 'x-webhook-secret': SECRET }, url));
    expect(job).toMatchObject({
      id: 'apiframe:up-2',
      operation: 'action',
      action: 'upscale-2',
      parentId: GRID.id,
      ref: 'r-2',
    });
  });

  it('a verified callback yields the same Job as polling the same payload', async () => {
    vendor().post('/fetch').reply(200, fixture('imagine-finished'));
    const api = client({ webhookSecret: SECRET });
    const polled = await api.get(GRID.id);
    const pushed = await api.parseWebhook(
      post(
        fixture('imagine-finished'),
        new Headers({ 'X-Webhook-Secret': SECRET, 'content-type': 'application/json' }),
        await signed(),
      ),
    );
    expect(pushed).toEqual(polled);
  });

  it('normalises a progress callback', async () => {
    const job = await client({ webhookSecret: SECRET }).parseWebhook(
      post(fixture('upscale-alt-processing'), { 'x-webhook-secret': SECRET }, await signed()),
    );
    expect(job).toMatchObject({ action: 'upscale-creative', status: 'running', progress: 80, actions: [] });
  });

  it.each([
    ['a wrong secret', { 'x-webhook-secret': 'not-the-secret' }],
    ['a missing secret', {}],
    ['a secret that is a prefix of the right one', { 'x-webhook-secret': SECRET.slice(0, -1) }],
  ])('rejects %s, even on a correctly signed URL', async (_, headers) => {
    const error = await failure(
      client({ webhookSecret: SECRET }).parseWebhook(post(fixture('imagine-finished'), headers, await signed())),
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error.message).toMatch(/x-webhook-secret/);
  });

  it('rejects the right x-webhook-secret on a URL mjgate did not sign, or altered, or expired: both checks must pass', async () => {
    const api = client({ webhookSecret: SECRET });
    const headers = { 'x-webhook-secret': SECRET };
    const body = fixture('imagine-finished');
    // Before URLs were signed, this header was all there was: anyone who saw one callback could post any result.
    const unsigned = await failure(api.parseWebhook(post(body, headers, `${HOOK}?mjgate_provider=apiframe`)));
    expect(unsigned.message).toMatch(/not signed by mjgate/);

    const relabelled = new URL(await signed({ operation: 'imagine', ref: 'r-1' }));
    relabelled.searchParams.set(WEBHOOK_PARAMS.ref, 'r-2');
    expect((await failure(api.parseWebhook(post(body, headers, relabelled.toString())))).message).toMatch(
      /does not match webhookSecret/,
    );

    const issuedAt = Date.parse('2030-01-01T00:00:00Z');
    const short = await signWebhookUrl(HOOK, 'apiframe', SECRET, {}, { ttlMs: 60_000, now: issuedAt });
    vi.useFakeTimers({ toFake: ['Date'], now: issuedAt + 60_001 });
    try {
      expect((await failure(api.parseWebhook(post(body, headers, short)))).message).toMatch(/expired/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads the secret from Node-style headers (arrays) and a path-only URL', async () => {
    const url = new URL(await signed());
    const job = await client({ webhookSecret: SECRET }).parseWebhook({
      url: url.pathname + url.search,
      headers: { 'x-webhook-secret': [SECRET] },
      body: new TextEncoder().encode(JSON.stringify(fixture('seed-finished'))),
    });
    expect(job.seed).toBe('993456789123');
  });

  it('rejects a body that is not JSON, not a task, or a bare {task_id}', async () => {
    const api = client({ webhookSecret: SECRET });
    const headers = { 'x-webhook-secret': SECRET };
    const url = await signed();
    expect(await failure(api.parseWebhook(post('not json', headers, url)))).toBeInstanceOf(WebhookVerificationError);
    expect(await failure(api.parseWebhook(post({ status: 'finished' }, headers, url)))).toBeInstanceOf(
      WebhookVerificationError,
    );
    // Every vendor's submit answer looks like this; it says nothing about a task.
    const bare = await failure(api.parseWebhook(post({ task_id: 'x-1' }, headers, url)));
    expect(bare.message).toMatch(/not an APIFRAME task/);
  });

  it("rejects another vendor's callback body even with the right header and URL", async () => {
    const api = client({ webhookSecret: SECRET });
    const headers = { 'x-webhook-secret': SECRET };
    const url = await signed();
    // AceData's result (§10.4 of its reference: always `success`) and ImaginePro's message (`messageId`).
    const acedata = { success: true, task_id: 'b726a27a', image_url: 'https://cdn.example/g.png', progress: 100 };
    const imaginepro = { messageId: 'm-1', task_id: 'm-1', status: 'DONE', progress: 100 };
    expect((await failure(api.parseWebhook(post(acedata, headers, url)))).message).toMatch(/`success`/);
    expect((await failure(api.parseWebhook(post(imaginepro, headers, url)))).message).toMatch(/`messageId`/);
  });

  it('without a webhookSecret, sends no webhook_secret, warns, and accepts callbacks unchecked', async () => {
    const warn = vi.fn();
    const scope = vendor()
      .post('/describe', (body: Record<string, unknown>) => !('webhook_secret' in body) && 'webhook_url' in body)
      .reply(200, { task_id: 'd' });
    const api = client({ logger: { warn } });
    await api.describe({ imageUrl: 'https://img.test/a.png', webhookUrl: 'https://app.test/hook' });
    expect(scope.isDone()).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('webhookSecret'));
    expect(await api.parseWebhook(post(fixture('describe-finished'), {}, HOOK))).toMatchObject({
      status: 'succeeded',
    });
  });
});
