import {
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  NotFoundError,
  ProviderError,
  RateLimitError,
} from '@mjgate/core';
import type { HttpFailure } from '@mjgate/core/provider';
import { describe, expect, it } from 'vitest';
import { ACCEPTED_CODES, describeResult, resultError, submissionRefused, toMjProxyError } from '../src/errors.js';

// §1.3 result codes, §1.4 statuses and the §6 wording tables, one row at a time: the error class a
// caller branches on (retry, rephrase, top up, give up) and whether a submission may be retried.

function failure(status: number, body: unknown, retryAfterMs?: number): HttpFailure {
  return {
    provider: 'mjproxy',
    call: 'submit',
    method: 'POST',
    path: '/mj/submit/imagine',
    status,
    body,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  } as HttpFailure;
}

describe('result codes (§1.3, §6)', () => {
  it('1, 21 and 22 are accepted; nothing else is', () => {
    expect([...ACCEPTED_CODES].sort()).toEqual([1, 21, 22]);
  });

  it.each([23, 30])('%i is a full queue: rate limited, retryable, nothing kept', (code) => {
    const error = resultError({ code, description: 'busy' }, 'submit');
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`mjproxy's queue is full (code ${code}): busy. Nothing was kept; retry later.`);
  });

  it.each(['队列已满', 'Queue is full', '并发数已达上限', '队列数已达上限', '负载已饱和', 'server saturated'])(
    'the words "%s" are a full queue whatever the code',
    (description) => {
      expect(resultError({ code: 9, description }, 'submit')).toBeInstanceOf(RateLimitError);
    },
  );

  it('24 is a banned prompt, naming the banned word when the server gives it', () => {
    const error = resultError(
      { code: 24, description: '可能包含敏感词', properties: { bannedWord: 'gore' } },
      'submit',
    );
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect(error.message).toBe(
      'mjproxy refused the prompt (code 24): 可能包含敏感词 (banned word: "gore"). Rephrase it without the banned words.',
    );
    expect(resultError({ code: 24, properties: { bannedWord: '' } }, 'submit').message).toBe(
      'mjproxy refused the prompt (code 24). Rephrase it without the banned words.',
    );
  });

  it.each(['违规内容', 'Banned prompt', 'sensitive content'])('the words "%s" are a banned prompt', (description) => {
    expect(resultError({ code: 4, description }, 'submit')).toBeInstanceOf(ContentPolicyError);
  });

  it.each(['额度不足', '余额不足', 'insufficient balance', 'quota_not_enough', '用户今日绘图次数已达上限'])(
    'the words "%s" are an empty account',
    (description) => {
      const error = resultError({ code: 4, description }, 'submit');
      expect(error).toBeInstanceOf(InsufficientCreditsError);
      expect(error.message).toMatch(/out of quota \(code 4\).*Top up, or use another provider\./);
    },
  );

  it('3 on a parent or read endpoint is an unknown task; on a submission, no usable account', () => {
    expect(resultError({ code: 3, description: 'x' }, 'parent')).toBeInstanceOf(NotFoundError);
    expect(resultError({ code: 3, description: 'x' }, 'read')).toBeInstanceOf(NotFoundError);
    const account = resultError({ code: 3, description: '无可用的账号实例' }, 'submit');
    expect(account).toBeInstanceOf(ProviderError);
    expect(account.retryable).toBe(true);
    expect(account.message).toBe('mjproxy has no usable account right now (code 3): 无可用的账号实例. Retry later.');
  });

  it.each(['任务不存在', '任务已失效', 'task not found', 'task_not_found', 'task_no_found'])(
    'the words "%s" are an unknown task on any endpoint',
    (description) => {
      expect(resultError({ code: 4, description }, 'submit')).toBeInstanceOf(NotFoundError);
    },
  );

  it.each([4, -1])('%i is a refused input', (code) => {
    const error = resultError({ code, message: 'bad' }, 'submit');
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe(`mjproxy refused the request (code ${code}): bad. Check the input.`);
  });

  it('5 on a submission may have created the job; on a read it is retried', () => {
    const submitted = resultError({ code: 5, description: 'upstream' }, 'submit');
    expect(submitted).toMatchObject({ retryable: false, mayHaveCreatedJob: true });
    expect(submitted.message).toMatch(/forwarded, so the job may exist/);
    const read = resultError({ code: 5 }, 'read');
    expect(read).toMatchObject({ retryable: true, mayHaveCreatedJob: false });
    expect(read.message).toBe('mjproxy could not complete the call upstream (code 5). Retry later.');
  });

  it('9 is a failed submission worth retrying; an unknown code is not', () => {
    const nine = resultError({ code: 9, description: 'system error' }, 'submit');
    expect(nine).toBeInstanceOf(ProviderError);
    expect(nine.retryable).toBe(true);
    expect(nine.message).toBe('mjproxy failed to submit (code 9): system error. Retry later.');
    const other = resultError({ code: 77 }, 'submit');
    expect(other.retryable).toBe(false);
    expect(other.message).toBe('mjproxy refused the request (code 77).');
  });

  it('the HTTP status is kept on the error when there is one', () => {
    expect(resultError({ code: 4 }, 'submit', 400).status).toBe(400);
    expect(resultError({ code: 4 }, 'submit').status).toBeUndefined();
  });

  it('the words: description first, else message, trimmed', () => {
    expect(describeResult({ description: 'd ', message: 'm' })).toBe('d');
    expect(describeResult({ message: ' m' })).toBe('m');
    expect(describeResult(undefined)).toBe('');
  });
});

describe('HTTP failures (§1.4)', () => {
  it('401 and 403 are about the key, whatever code the body carries', () => {
    expect(toMjProxyError(failure(401, { code: 24, description: 'banned' }), 'submit').code).toBe('authentication');
    expect(toMjProxyError(failure(403, { code: 24, description: 'banned' }), 'submit').code).toBe('authentication');
  });

  it('a 4xx with a refusing code is that code’s error, keeping Retry-After', () => {
    const limited = toMjProxyError(failure(429, { code: 23, description: 'queue full' }, 5000), 'submit');
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfterMs).toBe(5000);
    expect(toMjProxyError(failure(404, { code: 3, description: 'x' }), 'parent')).toBeInstanceOf(NotFoundError);
  });

  it('a 4xx banned prompt still names the banned word the server gave', () => {
    const error = toMjProxyError(
      failure(400, { code: 24, description: 'banned', properties: { bannedWord: 'gore' } }),
      'submit',
    );
    expect(error.message).toContain('(banned word: "gore")');
  });

  it('a 5xx, an accepted code or a body without a number code falls to the status', () => {
    expect(toMjProxyError(failure(500, { code: 24, description: 'banned' }), 'submit')).not.toBeInstanceOf(
      ContentPolicyError,
    );
    expect(toMjProxyError(failure(400, { code: 1, description: 'ok' }), 'submit')).toBeInstanceOf(InvalidRequestError);
    expect(toMjProxyError(failure(400, { code: '24', description: 'banned' }), 'submit')).not.toBeInstanceOf(
      ContentPolicyError,
    );
    expect(toMjProxyError(failure(400, [{ code: 24 }]), 'submit')).not.toBeInstanceOf(ContentPolicyError);
  });

  it('an error body of JSON null is mapped by its status, and never marks a submission as refused', () => {
    expect(toMjProxyError(failure(400, null), 'submit')).toBeInstanceOf(InvalidRequestError);
    expect(submissionRefused(failure(400, null))).toBe(false);
  });

  it('a 400 saying "not found" is an unknown task', () => {
    const error = toMjProxyError(failure(400, { message: 'task_not_found' }), 'read');
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('mjproxy does not know the task (400): task_not_found.');
    expect(toMjProxyError(failure(404, { message: 'task_not_found' }), 'read')).toBeInstanceOf(NotFoundError);
    expect(toMjProxyError(failure(400, { message: 'bad prompt' }), 'read')).toBeInstanceOf(InvalidRequestError);
  });
});

describe('which failed submissions may be retried', () => {
  it('429, 503 and the refusing codes 3, 4, 9, 23, 24, 30', () => {
    expect(submissionRefused(failure(429, ''))).toBe(true);
    expect(submissionRefused(failure(503, ''))).toBe(true);
    for (const code of [3, 4, 9, 23, 24, 30]) expect(submissionRefused(failure(400, { code }))).toBe(true);
  });

  it('not a 500 or 502 without a code, nor code 5 (forwarded upstream), nor an accepted code', () => {
    expect(submissionRefused(failure(500, ''))).toBe(false);
    expect(submissionRefused(failure(502, { message: 'bad gateway' }))).toBe(false);
    expect(submissionRefused(failure(502, { code: 5 }))).toBe(false);
    expect(submissionRefused(failure(400, { code: 1 }))).toBe(false);
  });
});
