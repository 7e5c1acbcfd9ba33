// Answers AceData should never send, of the wrong shape where `schemas.ts` names a field: each one is
// reported as a ResponseValidationError naming AceData, the call and the field, not taken for a job,
// an error code or a text.
import { InvalidRequestError, ResponseValidationError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AceDataTaskRecord } from '../src/schemas.js';
import { answerPosts, client, failure, fixture } from './helpers.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const TASK = '7489df4c-ef03-4de0-b598-e9a590793434';
const succeeded = () => fixture<AceDataTaskRecord>('task-succeeded.json');
/** Reads are retried on a bad answer; one attempt is enough to see how it is reported. */
const once = () => client({ maxRetries: 0 });

describe('a submission answer of the wrong shape', () => {
  it('a task_id that is a number is no job: AceData answered with the wrong shape', async () => {
    answerPosts('/midjourney/imagine', [{ success: true, task_id: 12345 }]);
    const error = await failure(client().imagine({ prompt: 'a red fox' }));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.provider).toBe('acedata');
    expect(error.message).toMatch(
      /^acedata answered POST \/midjourney\/imagine with a body that does not match the documented shape at `task_id`: /,
    );
    expect(error.retryable).toBe(false);
    expect(error.mayHaveCreatedJob).toBe(true);
  });

  it('an error code that is a number is no refusal AceData documents: the shape is wrong', async () => {
    answerPosts('/midjourney/imagine', [{ success: false, error: { code: 400, message: 'bad prompt' } }]);
    const error = await failure(client().imagine({ prompt: 'a red fox' }));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).not.toBeInstanceOf(InvalidRequestError);
    expect(error.message).toMatch(
      /^acedata answered POST \/midjourney\/imagine with a body that does not match the documented shape at `error\.code`: /,
    );
  });
});

describe('a task record of the wrong shape', () => {
  it('a recorded prompt that is not a text makes the record unreadable', async () => {
    answerPosts('/midjourney/tasks', [{ ...succeeded(), request: { action: 'generate', prompt: 42 } }]);
    const error = await failure(once().get(`acedata:${TASK}`));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toBe(
      'acedata answered POST /midjourney/tasks with a body that does not match the documented shape at `request.prompt`: ' +
        'Invalid type: Expected string but received 42.',
    );
    expect(error.retryable).toBe(true);
  });
});

describe('a retrieve_batch answer of the wrong shape', () => {
  it('a record whose id is a number is not left out as unknown: each job is asked for on its own', async () => {
    const running = fixture<AceDataTaskRecord>('task-running.json');
    const { bodies } = answerPosts('/midjourney/tasks', [
      { items: [{ ...running, id: 12345 }, succeeded()], count: 2 },
      running,
      succeeded(),
    ]);
    const jobs = await once().getMany([`acedata:${running.id}`, `acedata:${TASK}`]);
    expect(jobs.map((job) => [job.id, job.status])).toEqual([
      [`acedata:${running.id}`, 'running'],
      [`acedata:${TASK}`, 'succeeded'],
    ]);
    expect(bodies).toEqual([
      { action: 'retrieve_batch', ids: [running.id, TASK], offset: 0, limit: 2 },
      { action: 'retrieve', id: running.id },
      { action: 'retrieve', id: TASK },
    ]);
  });

  it('a task listing without items is a retryable ResponseValidationError naming the field', async () => {
    answerPosts('/midjourney/tasks', [{ count: 0 }]);
    const sentAt = new Date(Date.now() - 10_000).toISOString();
    const error = await failure(
      once().findSubmission({ provider: 'acedata', operation: 'imagine', sentAt, prompt: 'a red fox' }),
    );
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toBe(
      'acedata answered POST /midjourney/tasks with a body that does not match the documented shape at `items`: ' +
        'Invalid key: Expected "items" but received undefined.',
    );
    expect(error.retryable).toBe(true);
  });
});

describe('a translate answer without content', () => {
  it('is a ResponseValidationError naming the missing field, not an undefined text', async () => {
    answerPosts('/midjourney/translate', [{ success: true, text: 'a red fox' }]);
    const error = await failure(once().translate('一只红狐狸'));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toBe(
      'acedata answered POST /midjourney/translate with a body that does not match the documented shape at `content`: ' +
        'Invalid key: Expected "content" but received undefined.',
    );
  });
});
