// What a caller reads from an APIFRAME refusal (§1.4): the error class, its message, status and
// request id; what a submission answer must hold; and which callback bodies (§4) pass.
import {
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  MjGateError,
  NotFoundError,
  ProviderError,
  ResponseValidationError,
  WebhookVerificationError,
} from '@mjgate/core';
import { signWebhookUrl } from '@mjgate/core/provider';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, SECRET, vendor } from './helpers.js';

const refusal = (msg: string) => ({ errors: [{ msg }] });

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
  return error;
}

describe('refusals read from the vendor wording', () => {
  it('a banned prompt: ContentPolicyError saying to rephrase, with status and request id', async () => {
    vendor().post('/imagine').reply(400, refusal('Banned prompt detected'), { 'x-request-id': 'req-77' });
    const error = await failure(client().imagine({ prompt: 'gore' }));
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect(error).toMatchObject({ provider: 'apiframe', status: 400, requestId: 'req-77', retryable: false });
    expect(error.message).toBe(
      'apiframe refused the prompt (400): Banned prompt detected. Rephrase it without the banned words.',
    );
  });

  it('422 is read the same way as 400', async () => {
    vendor().post('/imagine').reply(422, refusal('Banned prompt detected'));
    const error = await failure(client().imagine({ prompt: 'gore' }));
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect(error).toMatchObject({ status: 422 });
  });

  it('an empty balance: InsufficientCreditsError saying to top up', async () => {
    vendor().post('/imagine').reply(400, refusal('Insufficient credits'), { 'x-request-id': 'req-78' });
    const error = await failure(client().imagine({ prompt: 'a cat' }));
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error).toMatchObject({ provider: 'apiframe', status: 400, requestId: 'req-78' });
    expect(error.message).toBe(
      'apiframe says the account is out of credits (400): Insufficient credits. Top up, or use another provider.',
    );
  });

  it('an unknown task: NotFoundError naming the vendor text', async () => {
    vendor().post('/fetch').reply(400, refusal('Task abc not found'), { 'x-request-id': 'req-79' });
    const error = await failure(client().get('abc'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ provider: 'apiframe', status: 400, requestId: 'req-79' });
    expect(error.message).toBe('apiframe does not know this task (400): Task abc not found.');
  });

  it('a 5xx is an outage whatever its text says: ProviderError, not a refusal of the prompt or task', async () => {
    vendor()
      .post('/fetch')
      .reply(503, refusal('Banned prompt filter not found'))
      .post('/fetch')
      .reply(500, refusal('Insufficient credits on the upstream account'));
    const first = await failure(client().get('abc'));
    expect(first).toBeInstanceOf(ProviderError);
    expect(first).not.toBeInstanceOf(ContentPolicyError);
    expect(first).not.toBeInstanceOf(NotFoundError);
    const second = await failure(client().get('abc'));
    expect(second).toBeInstanceOf(ProviderError);
    expect(second).not.toBeInstanceOf(InsufficientCreditsError);
  });
});

describe('the answer to a submission (§1.2)', () => {
  it('an answer without a task id is a ResponseValidationError, not a job named "undefined"', async () => {
    vendor().post('/imagine').reply(200, { ok: true });
    const error = await failure(client().imagine({ prompt: 'a cat' }));
    expect(error).toBeInstanceOf(ResponseValidationError);
  });

  it('takes the id spelt taskId (§11.9)', async () => {
    vendor().post('/imagine').reply(200, { taskId: 'camel-1' });
    expect(await client().imagine({ prompt: 'a cat' })).toMatchObject({ id: 'apiframe:camel-1', status: 'queued' });
  });

  it('a broken answer that named a task says which, so the job can be found', async () => {
    vendor().post('/imagine').reply(200, '{"task_id":"t-9","status":', { 'content-type': 'application/json' });
    const error = await failure(client().imagine({ prompt: 'a cat' }));
    expect(error.message).toContain('It named job t-9.');
  });
});

describe('callback bodies (§4)', () => {
  const HOOK = 'https://app.test/hooks/apiframe';
  const receive = async (body: unknown, headers: Record<string, string> = { 'x-webhook-secret': SECRET }) =>
    client({ webhookSecret: SECRET }).parseWebhook({
      url: await signWebhookUrl(HOOK, 'apiframe', SECRET, {}),
      headers,
      body: JSON.stringify(body),
    });

  it('a task_type alone is enough to be a task', async () => {
    expect(await receive({ task_id: 'cb-1', task_type: 'imagine' })).toMatchObject({
      id: 'apiframe:cb-1',
      operation: 'imagine',
      status: 'queued',
    });
  });

  it('a status alone is enough to be a task', async () => {
    expect(await receive({ task_id: 'cb-2', status: 'processing', percentage: '10' })).toMatchObject({
      id: 'apiframe:cb-2',
      status: 'running',
      progress: 10,
    });
  });

  it('a result field that is null says nothing: the body is refused', async () => {
    const error = await failure(receive({ task_id: 'cb-3', image_url: null }));
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toMatchObject({ provider: 'apiframe' });
    expect(error.message).toBe(
      'The apiframe callback body is not an APIFRAME task (a task_id with a task_type, status or result, §2).',
    );
  });

  it('says whether the x-webhook-secret header is missing or wrong', async () => {
    const body = { task_id: 'cb-4', task_type: 'imagine' };
    const missing = await failure(receive(body, {}));
    expect(missing).toMatchObject({ provider: 'apiframe' });
    expect(missing.message).toBe("The apiframe callback's x-webhook-secret header is missing. Reject it.");
    const wrong = await failure(receive(body, { 'x-webhook-secret': 'not-it' }));
    expect(wrong).toBeInstanceOf(WebhookVerificationError);
    expect(wrong.message).toBe(
      "The apiframe callback's x-webhook-secret header does not match webhookSecret. Reject it.",
    );
  });

  it('a refused request names the provider', async () => {
    const error = await failure(client().imagine({ prompt: 'a cat', mode: 'relax' }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ provider: 'apiframe' });
  });
});
