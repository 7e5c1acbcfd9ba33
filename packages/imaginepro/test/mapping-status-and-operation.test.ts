import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toJob } from '../src/mapping.js';
import type { ImagineProMessage } from '../src/schemas.js';
import fluxDone from './fixtures/flux-done.json' with { type: 'json' };
import { client, expectCall } from './helpers.js';

// What a message's `status`, `error`, `prompt` and id prefix make of a Job (vendors/imaginepro.md
// §2.3, §3.2, §3.5, §3.12): the status and operation a caller reads, and the fields it is given.

const msg = (message: object) => message as ImagineProMessage;

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('status words', () => {
  it.each([
    [' DONE ', 'succeeded'],
    ['\tFAIL\n', 'failed'],
    [' queued', 'queued'],
  ])('a padded status word %j still reads as %s', (status, expected) => {
    expect(toJob(msg({ status, prompt: 'fox' }), 'm').status).toBe(expected);
  });

  it.each([
    ['DONE', 'succeeded'],
    ['PROCESSING', 'running'],
    ['QUEUED', 'queued'],
  ])(
    'only a FAIL is read as cancelled: a %s message whose error text mentions a cancel stays %s',
    (status, expected) => {
      const job = toJob(msg({ status, prompt: 'fox', error: 'Cancellation requested by user' }), 'm');
      expect(job.status).toBe(expected);
      expect(job.error).toBeUndefined();
    },
  );

  it('a FAIL with a cancel text is cancelled; a FAIL without one is failed', () => {
    expect(toJob(msg({ status: 'FAIL', error: 'Job cancelled' }), 'm').status).toBe('cancelled');
    expect(toJob(msg({ status: 'FAIL', error: 'GPU out of memory' }), 'm').status).toBe('failed');
  });
});

describe('operation of a message', () => {
  it('a Flux job (flux. id) is an imagine with the Flux model, whatever its images', () => {
    const running = toJob(msg({ status: 'PROCESSING', prompt: 'a lighthouse' }), 'flux.abc');
    expect(running).toMatchObject({ id: 'imaginepro:flux.abc', operation: 'imagine', model: 'flux-1.1-pro' });
    expect(toJob(msg(fluxDone), `flux.${fluxDone.messageId}`).operation).toBe('imagine');
  });

  it('polling a bare message id that turns out to hold describe prompts reads a describe job', async () => {
    expectCall('get', '/api/v1/message/fetch/bare-1', { messageId: 'bare-1', status: 'DONE', content: ['one', 'two'] });
    const job = await client().get('imaginepro:bare-1');
    expect(job).toMatchObject({ id: 'imaginepro:bare-1', operation: 'describe', texts: ['one', 'two'] });
  });

  it('an id without a dot is a plain message id even when it starts like an id kind', async () => {
    // `videos` is not `video.<id>`: it is polled at the message endpoint, as an imagine.
    const seen = expectCall('get', '/api/v1/message/fetch/videos', { messageId: 'videos', status: 'QUEUED' });
    const job = await client().get('imaginepro:videos');
    expect(seen.count).toBe(1);
    expect(job).toMatchObject({ id: 'imaginepro:videos', operation: 'imagine', status: 'queued' });
    expect(job.model).toBeUndefined();
    expect(toJob(msg({ status: 'DONE', prompt: 'fox', uri: 'https://x/f.png' }), 'fluxes').operation).toBe('imagine');
  });

  it.each([
    ['no prompt at all', undefined],
    ['an empty prompt', ''],
    ['a blank prompt', '   '],
    ['one image URL only', 'https://a/1.png'],
  ])('a message with %s is an imagine, not a blend', (_, prompt) => {
    expect(toJob(msg({ status: 'QUEUED', prompt }), 'm').operation).toBe('imagine');
  });

  it('a blend is a prompt of http or https image URLs only, each a whole word', () => {
    expect(toJob(msg({ status: 'QUEUED', prompt: 'http://a/1.png http://a/2.png' }), 'b').operation).toBe('blend');
    expect(toJob(msg({ status: 'QUEUED', prompt: 'HTTPS://a/1.png  https://a/2.png' }), 'b').operation).toBe('blend');
    expect(toJob(msg({ status: 'QUEUED', prompt: 'see:https://a/1.png https://a/2.png' }), 'i').operation).toBe(
      'imagine',
    );
    expect(toJob(msg({ status: 'QUEUED', prompt: 'ftp://a/1.png https://a/2.png' }), 'i').operation).toBe('imagine');
  });
});

describe('blank and absent fields', () => {
  it('whitespace-only prompt, ref and parent ids are absent, not kept as text', () => {
    const job = toJob(
      msg({ status: 'QUEUED', prompt: '   ', ref: ' \t', originatingMessageId: '  ', originalMessageId: '\n' }),
      'm',
    );
    expect(job.operation).toBe('imagine');
    expect(job.prompt).toBeUndefined();
    expect(job.ref).toBeUndefined();
    expect(job.parentId).toBeUndefined();
  });

  it('the apifox spelling `originalMessageId` names the parent when `originatingMessageId` is blank', () => {
    const job = toJob(msg({ status: 'QUEUED', originatingMessageId: ' ', originalMessageId: 'grid-1' }), 'm');
    expect(job).toMatchObject({ operation: 'action', parentId: 'imaginepro:grid-1' });
  });

  it('a job without usable timestamps has no createdAt/updatedAt keys at all (not `undefined` ones)', () => {
    const job = toJob(msg({ status: 'QUEUED', prompt: 'fox', createdAt: null, updatedAt: 'soon' }), 'm');
    expect(Object.keys(job)).not.toContain('createdAt');
    expect(Object.keys(job)).not.toContain('updatedAt');
    expect(job).toStrictEqual({
      id: 'imaginepro:m',
      provider: 'imaginepro',
      providerJobId: 'm',
      operation: 'imagine',
      status: 'queued',
      progress: null,
      prompt: 'fox',
      images: [],
      videoUrls: [],
      texts: [],
      actions: [],
      raw: { status: 'QUEUED', prompt: 'fox', createdAt: null, updatedAt: 'soon' },
    });
  });
});
