import type { Job } from '@mjgate/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { OPERATION_OF_ACTION, STATUS_MAP, statusOf, taskToJob } from '../src/mapping.js';
import { taskSchema } from '../src/schemas.js';

// §2.4 status words and §2.6 action words, one row at a time: a wrong word in either table is a job
// that ends a wait too early, never ends it, or is reported as the wrong kind of job.

/** The Job polling makes of a Task with these fields. */
function job(fields: Record<string, unknown>, known = {}): Job {
  const raw = { id: '1712345678900001', ...fields };
  return taskToJob(raw, v.parse(taskSchema, raw), known);
}

describe('status words (§2.4)', () => {
  it.each([
    ['NOT_START', 'queued'],
    ['SUBMITTED', 'queued'],
    ['MODAL', 'queued'],
    ['IN_PROGRESS', 'running'],
    ['FAILURE', 'failed'],
    ['CANCEL', 'cancelled'],
  ])('%s is %s', (word, status) => {
    expect(statusOf({ id: '1', status: word })).toBe(status);
    expect(job({ status: word }).status).toBe(status);
  });

  it('SUCCESS is succeeded, with progress 100', () => {
    expect(STATUS_MAP.SUCCESS).toBe('succeeded');
    expect(job({ status: 'SUCCESS', action: 'DESCRIBE', prompt: 'p' })).toMatchObject({
      status: 'succeeded',
      progress: 100,
    });
  });

  it('the table has exactly the §2.4 words', () => {
    expect(Object.keys(STATUS_MAP).sort()).toEqual(
      ['CANCEL', 'FAILURE', 'IN_PROGRESS', 'MODAL', 'NOT_START', 'SUBMITTED', 'SUCCESS'].sort(),
    );
  });

  it('reads words in any case and with spaces around them', () => {
    expect(statusOf({ id: '1', status: ' in_progress ' })).toBe('running');
    expect(statusOf({ id: '1', status: 'failure' })).toBe('failed');
  });

  it('an empty, blank or missing status is queued (new-api before its first sync)', () => {
    expect(statusOf({ id: '1', status: '' })).toBe('queued');
    expect(statusOf({ id: '1', status: '   ' })).toBe('queued');
    expect(statusOf({ id: '1' })).toBe('queued');
    expect(statusOf({ id: '1', status: null })).toBe('queued');
  });

  it('an unknown word, or an inherited property name, is running: it never ends a wait', () => {
    expect(statusOf({ id: '1', status: 'PAUSED' })).toBe('running');
    expect(statusOf({ id: '1', status: 'constructor' })).toBe('running');
    expect(statusOf({ id: '1', status: 'toString' })).toBe('running');
  });

  it("FAILURE with trueai's cancel reason is cancelled, any other reason stays failed", () => {
    expect(statusOf({ id: '1', status: 'FAILURE', failReason: ' 取消任务 ' })).toBe('cancelled');
    expect(statusOf({ id: '1', status: 'FAILURE', failReason: '取消任务了' })).toBe('failed');
    expect(statusOf({ id: '1', status: 'FAILURE' })).toBe('failed');
    // The reason only matters on a failure.
    expect(statusOf({ id: '1', status: 'IN_PROGRESS', failReason: '取消任务' })).toBe('running');
  });
});

describe('action words → operation (§2.6)', () => {
  it.each([
    ['IMAGINE', 'imagine'],
    ['DESCRIBE', 'describe'],
    ['BLEND', 'blend'],
    ['SHORTEN', 'shorten'],
    ['VIDEO', 'video'],
    ['VIDEO_EXTEND', 'video'],
    ['SWAP_FACE', 'faceswap'],
    ['UPSCALE', 'action'],
    ['VARIATION', 'action'],
    ['REROLL', 'action'],
    ['PAN', 'action'],
    ['ZOOM', 'action'],
    ['OUTPAINT', 'action'],
    ['INPAINT', 'action'],
    ['UPSCALE_HD', 'action'],
    ['ACTION', 'action'],
    ['MODAL', 'action'],
    ['HIGH_VARIATION', 'action'],
    ['LOW_VARIATION', 'action'],
    ['CUSTOM_ZOOM', 'action'],
    ['EDIT', 'imagine'],
    ['EDITS', 'imagine'],
    ['RETEXTURE', 'imagine'],
  ])('%s is %s', (word, operation) => {
    expect(OPERATION_OF_ACTION[word]).toBe(operation);
    expect(job({ status: 'IN_PROGRESS', action: word.toLowerCase() }).operation).toBe(operation);
  });

  it('an unknown or missing word is what the client submitted, else imagine', () => {
    expect(job({ status: 'IN_PROGRESS', action: 'SOMETHING_NEW' }).operation).toBe('imagine');
    expect(job({ status: 'IN_PROGRESS' }, { operation: 'blend' }).operation).toBe('blend');
    expect(job({ status: 'IN_PROGRESS', action: 'constructor' }, { operation: 'video' }).operation).toBe('video');
  });

  it('an action job keeps the action the client asked for; another operation does not', () => {
    expect(job({ status: 'IN_PROGRESS', action: 'UPSCALE' }, { action: 'upscale-2' }).action).toBe('upscale-2');
    expect(job({ status: 'IN_PROGRESS', action: 'IMAGINE' }, { action: 'upscale-2' }).action).toBeUndefined();
  });
});

describe('failures (§2.4)', () => {
  it('a failure without a reason says what the server reported', () => {
    expect(job({ status: 'FAILURE' })).toMatchObject({
      status: 'failed',
      progress: null,
      error: { code: 'job_failed', message: 'The midjourney-proxy server reported the task as FAILURE.' },
    });
  });

  it('a failure keeps its reason, trimmed', () => {
    expect(job({ status: 'FAILURE', failReason: '  Queue full  ' }).error).toEqual({
      code: 'job_failed',
      message: 'Queue full',
    });
  });

  it.each([
    'Banned prompt detected',
    'Image denied',
    'Request cancelled due to moderation',
    'prompt contains 敏感词',
    '内容违规',
  ])('"%s" is a content policy refusal', (reason) => {
    expect(job({ status: 'FAILURE', failReason: reason }).error?.code).toBe('content_policy');
  });

  it('a CANCEL is cancelled with the cancelled code, whatever its reason says', () => {
    expect(job({ status: 'CANCEL', failReason: 'Banned prompt' }).error).toEqual({
      code: 'cancelled',
      message: 'Banned prompt',
    });
    expect(job({ status: 'CANCEL' }).error?.message).toBe('The midjourney-proxy server reported the task as CANCEL.');
  });

  it('a running task has no error even when it carries a reason', () => {
    expect(job({ status: 'IN_PROGRESS', failReason: 'Banned prompt' }).error).toBeUndefined();
  });
});
