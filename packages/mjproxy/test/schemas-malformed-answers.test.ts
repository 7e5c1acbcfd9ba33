import { ResponseValidationError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caught, client, fixture, server } from './helpers.js';

// A malformed answer (§2.1, §2.2, §1.3) is reported as a ResponseValidationError of mjproxy, never a
// crash inside the mapping or a Job built from half a Task.

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const grid = fixture<Record<string, unknown>>('task-grid-trueai');

describe('fetch answers with malformed parts of a Task (§2.1, §2.2)', () => {
  it.each([
    ['a button whose customId is a number', { buttons: [{ customId: 5, label: 'U1', type: 2, style: 2 }] }],
    ['a button whose label is an object', { buttons: [{ customId: 'MJ::BOOKMARK::x', label: { text: 'U1' } }] }],
    ['an image entry whose url is a number', { imageUrls: [{ url: 5 }] }],
    ['a video entry whose url is a list', { action: 'VIDEO', videoUrls: [{ url: ['https://cdn.example.com/a.mp4'] }] }],
  ])('%s is no Task', async (_, broken) => {
    server()
      .get('/mj/task/1712345678900003/fetch')
      .reply(200, { ...grid, ...broken });
    const error = await caught(client().get('1712345678900003'));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toMatchObject({
      provider: 'mjproxy',
      retryable: true,
      message: 'mjproxy answered the fetch of task 1712345678900003 with a body that is not a Task.',
    });
  });
});

describe('submission answers without a result code (§1.3)', () => {
  it('an answer without `code` is reported as malformed, not as a refusal', async () => {
    server().post('/mj/submit/imagine').reply(200, { description: '成功', result: '8498455807619990' });
    const error = await caught(client().imagine({ prompt: 'a cat' }));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toMatchObject({ provider: 'mjproxy', retryable: false, mayHaveCreatedJob: true });
    expect(error.message).toBe(
      'mjproxy answered POST /mj/submit/imagine with a body that does not match the documented shape at `code`: Invalid key: Expected "code" but received undefined. It named job 8498455807619990. The request was sent, so the vendor may have created the job (and may bill it): look it up before submitting again.',
    );
  });
});
