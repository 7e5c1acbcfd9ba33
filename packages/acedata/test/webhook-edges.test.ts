import { WebhookVerificationError } from '@mjgate/core';
import type { WebhookContext } from '@mjgate/core/provider';
import { describe, expect, it } from 'vitest';
import { parseCallback, webhookValues } from '../src/webhook.js';

const request = (body: unknown) => ({
  url: 'https://app.example/hook',
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const IMAGINE: WebhookContext = { operation: 'imagine' };
const IMG = 'https://cdn.acedata.cloud/a.png';

/** The error a refused callback throws, for its class and fields. */
function refusal(body: unknown): unknown {
  try {
    parseCallback(request(body), IMAGINE);
  } catch (error) {
    return error;
  }
  throw new Error('the callback was accepted');
}

describe('webhookValues: the operation signed into a generate callback', () => {
  it('asks nothing for an input that is not an object', () => {
    expect(webhookValues(IMAGINE, null)).toBeUndefined();
    expect(webhookValues(IMAGINE, 'https://a.io/1.png https://a.io/2.png')).toBeUndefined();
    expect(webhookValues({ operation: 'blend' }, 'https://a.io/1.png')).toBeUndefined();
  });

  it('counts only string image URLs and a string prompt', () => {
    const url = (n: number) => new URL(`https://a.io/${n}.png`);
    expect(webhookValues(IMAGINE, { prompt: 'cat', imageUrls: [url(1), url(2)] })).toBeUndefined();
    const prompt = { toString: () => 'https://a.io/1.png https://a.io/2.png' };
    expect(webhookValues(IMAGINE, { prompt, imageUrls: [] })).toBeUndefined();
    expect(webhookValues(IMAGINE, { imageUrls: ['https://a.io/1.png', 'https://a.io/2.png'] })).toEqual({
      operation: 'blend',
    });
  });
});

describe('parseCallback: what is refused', () => {
  it.each([
    ['null', 'null'],
    ['a JSON string', '"hello"'],
    ['a record with neither id nor response task_id', { request: { prompt: 'cat' } }],
    ['a record whose response is not a result', { id: 't1', response: 'garbage' }],
  ])('refuses %s as no task result, naming AceData', (_name, body) => {
    const error = refusal(body);
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toMatchObject({ provider: 'acedata' });
  });

  it("refuses another vendor's field, naming AceData", () => {
    const error = refusal({ task_id: 't1', success: true, taskId: 'x' });
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toMatchObject({ provider: 'acedata' });
  });
});

describe('parseCallback: task records as callbacks', () => {
  it('a record with only a request is read as a queued record', () => {
    const job = parseCallback(request({ id: 't1', request: { prompt: 'cat' } }), IMAGINE);
    expect(job).toMatchObject({ id: 'acedata:t1', status: 'queued', operation: 'imagine' });
  });

  it('a record with only a response is read as a record, its id from the response', () => {
    const job = parseCallback(request({ response: { task_id: 't2', success: true, image_url: IMG } }), IMAGINE);
    expect(job).toMatchObject({ id: 'acedata:t2', status: 'succeeded', gridUrl: IMG });
  });

  it('a record with an id and a response keeps the record id', () => {
    const job = parseCallback(request({ id: 't3', response: { success: true, image_url: IMG } }), IMAGINE);
    expect(job.id).toBe('acedata:t3');
  });
});
