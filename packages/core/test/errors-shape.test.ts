import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  JobFailedError,
  JobTimeoutError,
  MjGateError,
  NotFoundError,
  ProviderError,
  RateLimitError,
  ResponseValidationError,
  redact,
  StoreUnavailableError,
  TimeoutError,
  UnsupportedError,
  WebhookVerificationError,
} from '../src/index.js';
import { emptyJob, guardSecrets, maskSecrets, networkCode, summarizeError } from '../src/provider.js';

const KEY = 'sk-live-0123456789';

const classes = [
  [AuthenticationError, 'authentication', false],
  [InsufficientCreditsError, 'insufficient_credits', false],
  [InvalidRequestError, 'invalid_request', false],
  [ContentPolicyError, 'content_policy', false],
  [NotFoundError, 'not_found', false],
  [ProviderError, 'provider_unavailable', true],
  [ResponseValidationError, 'bad_response', false],
  [TimeoutError, 'timeout', true],
  [UnsupportedError, 'unsupported', false],
  [WebhookVerificationError, 'webhook_verification', false],
  [StoreUnavailableError, 'store_unavailable', true],
  [RateLimitError, 'rate_limited', true],
] as const;

describe('each error class', () => {
  it.each(classes)('%o has its code, retryable default and name', (Class, code, retryable) => {
    const error = new Class('something went wrong');
    expect(error.code).toBe(code);
    expect(Class.errorCode).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.mayHaveCreatedJob).toBe(false);
    expect(error.name).toBe(Class.name);
    expect(error.toJSON()).toEqual({
      name: Class.name,
      code,
      message: 'something went wrong',
      retryable,
      mayHaveCreatedJob: false,
    });
  });

  it('recognises each class by its own code only', () => {
    for (const [Class] of classes) {
      const error = new Class('x');
      expect(MjGateError.isInstance(error)).toBe(true);
      for (const [Other] of classes) expect(Other.isInstance(error)).toBe(Other === Class);
    }
  });

  it('lets an explicit retryable override the class default', () => {
    expect(new ProviderError('x', { retryable: false }).retryable).toBe(false);
    expect(new NotFoundError('x', { retryable: true }).retryable).toBe(true);
  });
});

const failedJob = emptyJob({ provider: 'apiframe', providerJobId: 'task-9', operation: 'imagine', status: 'failed' });

describe('JobFailedError', () => {
  it('says how the job ended, with the vendor reason when known', () => {
    expect(new JobFailedError(failedJob).message).toBe('Job apiframe:task-9 ended failed.');
    const withReason = new JobFailedError({ ...failedJob, error: { code: 'banned_prompt', message: 'Banned prompt' } });
    expect(withReason.message).toBe('Job apiframe:task-9 ended failed: Banned prompt (banned_prompt).');
    expect(withReason.code).toBe('job_failed');
    expect(withReason.provider).toBe('apiframe');
    expect(JobFailedError.isInstance(withReason)).toBe(true);
    expect(JobTimeoutError.isInstance(withReason)).toBe(false);
    expect(withReason.toJSON().job).toEqual({
      ...failedJob,
      error: { code: 'banned_prompt', message: 'Banned prompt' },
    });
  });

  it('keeps the job and the secrets it was told of when rebuilt', () => {
    const job = { ...failedJob, raw: { echoed: `key ${KEY}` } };
    const guarded = guardSecrets(new JobFailedError(job), [KEY]);
    const copy = guarded.rebuilt({ retryable: true, message: 'ignored' });
    expect(copy).toBeInstanceOf(JobFailedError);
    expect(copy.message).toBe('Job apiframe:task-9 ended failed.');
    expect(copy.retryable).toBe(true);
    expect(copy.job).toBe(job);
    expect(JSON.stringify(copy)).not.toContain(KEY);
    expect(JSON.stringify(copy)).toContain('key [redacted]');
  });
});

describe('JobTimeoutError', () => {
  const running = { ...failedJob, status: 'running' as const };

  it('is retryable, names the vendor and says what to do', () => {
    const error = new JobTimeoutError(running, 60_000);
    expect(error.code).toBe('job_timeout');
    expect(error.retryable).toBe(true);
    expect(error.provider).toBe('apiframe');
    expect(error.timeoutMs).toBe(60_000);
    expect(error.message).toBe(
      'Job apiframe:task-9 was still running after 60000 ms. It may still finish (and be billed): call wait() again with its id, or raise timeoutMs.',
    );
    expect(JobTimeoutError.isInstance(error)).toBe(true);
    expect(JobFailedError.isInstance(error)).toBe(false);
    expect(new JobTimeoutError(running, 5, { retryable: false, provider: 'gateway' })).toMatchObject({
      retryable: false,
      provider: 'gateway',
    });
  });

  it('keeps its job, deadline, message and secrets when rebuilt', () => {
    const job = { ...running, raw: { echoed: `key ${KEY}` } };
    const guarded = guardSecrets(new JobTimeoutError(job, 1_000), [KEY]);
    const copy = guarded.rebuilt({ retryable: false, requestId: 'req-1', message: 'ignored' });
    expect(copy).toBeInstanceOf(JobTimeoutError);
    expect(copy.job).toBe(job);
    expect(copy.timeoutMs).toBe(1_000);
    expect(copy.retryable).toBe(false);
    expect(copy.requestId).toBe('req-1');
    expect(copy.message).toBe(guarded.message);
    expect(JSON.stringify(copy)).not.toContain(KEY);
  });
});

describe('rebuilt', () => {
  it('carries every field over, retryAfterMs and submission included', () => {
    const submission = {
      provider: 'acedata' as const,
      operation: 'imagine' as const,
      sentAt: '2026-11-27T00:00:00.000Z',
    };
    const error = new RateLimitError('slow down', {
      provider: 'acedata',
      status: 429,
      retryAfterMs: 1_500,
      submission,
    });
    const copy = error.rebuilt({ message: 'slow down, again' });
    expect(copy).toBeInstanceOf(RateLimitError);
    expect(copy.message).toBe('slow down, again');
    expect(copy.retryAfterMs).toBe(1_500);
    expect(copy.submission).toEqual(submission);
    expect(copy.status).toBe(429);
    expect(copy.toJSON()).toMatchObject({ retryAfterMs: 1_500, submission });
  });
});

describe('rebuilt after guardSecrets', () => {
  it('still masks the secrets the original was told of', () => {
    const submission = {
      provider: 'acedata' as const,
      operation: 'imagine' as const,
      prompt: `a fox ${KEY}`,
      sentAt: '2026-11-27T00:00:00.000Z',
    };
    const guarded = guardSecrets(new ProviderError('down', { mayHaveCreatedJob: true, submission }), [KEY]);
    const copy = guarded.rebuilt({ retryable: false });
    expect(copy.retryable).toBe(false);
    expect(JSON.stringify(copy)).not.toContain(KEY);
    expect(JSON.stringify(copy)).toContain('a fox [redacted]');
  });
});

describe('toJSON and inspect', () => {
  it('lists only the fields that are set', () => {
    expect(Object.keys(new ProviderError('down').toJSON())).toEqual([
      'name',
      'code',
      'message',
      'retryable',
      'mayHaveCreatedJob',
    ]);
  });

  it('copies a summary cause rather than sharing it', () => {
    const error = new ProviderError('down', { cause: new TypeError('fetch failed') });
    const json = error.toJSON();
    expect(json.cause).toEqual({ name: 'TypeError', message: 'fetch failed' });
    expect(json.cause).not.toBe(error.cause);
  });

  it('shows the stack, then the fields', () => {
    const shown = inspect(new ProviderError('down', { status: 503 }));
    expect(shown).toMatch(/^ProviderError: down\n\s+at /);
    expect(shown).toContain('"status": 503');
    expect(shown).toContain('"retryable": true');
  });

  it('falls back to name and message when there is no stack', () => {
    const error = new ProviderError(`down for ${KEY}`);
    Object.defineProperty(error, 'stack', { value: undefined });
    const guarded = guardSecrets(error, [KEY]);
    Object.defineProperty(guarded, 'stack', { value: undefined });
    expect(inspect(guarded)).toMatch(/^ProviderError: down for \[redacted\] /);
  });
});

describe('summarizeError', () => {
  it('gives nothing for null and undefined', () => {
    expect(summarizeError(null)).toBeUndefined();
    expect(summarizeError(undefined)).toBeUndefined();
    expect(new ProviderError('x', { cause: null }).cause).toBeUndefined();
  });

  it('keeps the outer error when its cause is only a string', () => {
    const error = new Error('fetch failed', { cause: 'socket hang up' });
    expect(summarizeError(error)).toEqual({ name: 'Error', message: 'fetch failed' });
  });

  it('summarises the innermost error of the chain, with the first code along it', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(summarizeError(new TypeError('fetch failed', { cause: inner }))).toEqual({
      name: 'Error',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
      code: 'ECONNREFUSED',
    });
  });

  it('sets no code when there is none', () => {
    expect(Object.keys(summarizeError(new Error('x')) ?? {})).toEqual(['name', 'message']);
  });

  it('summarises thrown values that are not errors', () => {
    expect(summarizeError({})).toEqual({ name: 'object', message: '' });
    expect(summarizeError('boom')).toEqual({ name: 'string', message: 'boom' });
    expect(summarizeError(42)).toEqual({ name: 'number', message: '42' });
    expect(summarizeError(false)).toEqual({ name: 'boolean', message: 'false' });
    expect(summarizeError(Symbol('s'))).toEqual({ name: 'symbol', message: '' });
    expect(summarizeError({ name: 7, message: true })).toEqual({ name: '7', message: 'true' });
  });

  it('cuts a long message to 300 characters', () => {
    const summary = summarizeError(new Error('x'.repeat(1_000)));
    expect(summary).toEqual({ name: 'Error', message: 'x'.repeat(300) });
  });

  it('ends on a cause chain that loops', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(summarizeError(a)).toMatchObject({ name: 'Error' });
  });
});

describe('networkCode', () => {
  it('finds the first string code along the chain, skipping other values', () => {
    const inner = Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' });
    const middle = Object.assign(new Error('y', { cause: inner }), { code: 42 });
    expect(networkCode(new Error('z', { cause: middle }))).toBe('UND_ERR_SOCKET');
  });

  it('gives nothing for values that are not objects', () => {
    expect(networkCode(undefined)).toBeUndefined();
    expect(networkCode(null)).toBeUndefined();
    expect(networkCode('ECONNRESET')).toBeUndefined();
    expect(networkCode(new Error('x', { cause: 'ECONNRESET' }))).toBeUndefined();
  });

  it('gives up on a code getter that throws', () => {
    const hostile = {
      get code(): string {
        throw new Error('no');
      },
      cause: { code: 'ECONNRESET' },
    };
    expect(networkCode(hostile)).toBeUndefined();
  });

  it('ends on a cause chain that loops', () => {
    const a: { cause?: unknown } = {};
    a.cause = a;
    expect(networkCode(a)).toBeUndefined();
  });
});

describe('redact and maskSecrets', () => {
  it('redacts secrets of four characters or more, never shorter ones', () => {
    expect(redact('abc abcd abcd', ['abc'])).toBe('abc abcd abcd');
    expect(redact('abc abcd abcd', ['abcd'])).toBe('abc [redacted] [redacted]');
    expect(redact('abcd', [undefined, ''])).toBe('abcd');
  });

  it('masks keys and values, skipping secrets that are too short or not strings', () => {
    expect(maskSecrets({ abcd: ['abcd', 'abc', 1, null], deep: { v: 'x abcd' } }, [undefined, 'abc', 'abcd'])).toEqual({
      '[redacted]': ['[redacted]', 'abc', 1, null],
      deep: { v: 'x [redacted]' },
    });
  });

  it('gives back the same value when no secret is usable', () => {
    const value = { a: 'abc' };
    expect(maskSecrets(value, ['abc', undefined])).toBe(value);
  });

  it('keeps an mjgate error inside a value as it is', () => {
    const error = new ProviderError('down');
    const masked = maskSecrets({ error }, [KEY]);
    expect(masked.error).toBe(error);
  });

  it('cuts cycles and nesting past 64 levels', () => {
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    expect(maskSecrets(cycle, [KEY])).toEqual({ name: 'loop', self: '[…]' });

    const nest = (levels: number, make: (inner: unknown) => unknown): unknown => {
      let value: unknown = 'leaf';
      for (let i = 0; i < levels; i++) value = make(value);
      return value;
    };
    const depthOf = (value: unknown): number => {
      let depth = 0;
      let item = value;
      while (item && typeof item === 'object') {
        item = Array.isArray(item) ? item[0] : (item as { next: unknown }).next;
        depth++;
      }
      return depth;
    };
    // 65 containers (depths 0..64) are kept whole; a 66th is cut.
    expect(
      maskSecrets(
        nest(65, (inner) => ({ next: inner })),
        [KEY],
      ),
    ).toEqual(nest(65, (inner) => ({ next: inner })));
    expect(
      depthOf(
        maskSecrets(
          nest(70, (inner) => ({ next: inner })),
          [KEY],
        ),
      ),
    ).toBe(65);
    expect(
      depthOf(
        maskSecrets(
          nest(70, (inner) => [inner]),
          [KEY],
        ),
      ),
    ).toBe(65);
  });
});

describe('guardSecrets', () => {
  it('masks the message and a summary cause, keeping the cause’s other fields', () => {
    const cause = Object.assign(new Error(`401 for key ${KEY}`), { code: 'E_AUTH' });
    const error = new AuthenticationError(`refused ${KEY}`, { provider: 'acedata', cause });
    const guarded = guardSecrets(error, [KEY]);
    expect(guarded).not.toBe(error);
    expect(guarded.message).toBe('refused [redacted]');
    expect(guarded.cause).toEqual({ name: 'Error', message: '401 for key [redacted]', code: 'E_AUTH' });
    expect(error.message).toBe(`refused ${KEY}`);
  });

  it('masks a summary cause even when the message is clean', () => {
    const guarded = guardSecrets(new ProviderError('down', { cause: new Error(`bad ${KEY}`) }), [KEY]);
    expect(guarded.cause).toEqual({ name: 'Error', message: 'bad [redacted]' });
  });

  it('masks along a chain of mjgate errors', () => {
    let error: MjGateError = new ProviderError(`inner ${KEY}`);
    for (let i = 0; i < 5; i++) error = new ProviderError(`level ${i} ${KEY}`, { cause: error });
    let guarded: unknown = guardSecrets(error, [KEY]);
    let levels = 0;
    while (MjGateError.isInstance(guarded)) {
      expect(guarded.message).not.toContain(KEY);
      guarded = guarded.cause;
      levels++;
    }
    expect(levels).toBe(6);
  });

  it('gives back the same error when nothing needed masking, but remembers the secrets', () => {
    const submission = {
      provider: 'acedata' as const,
      operation: 'imagine' as const,
      prompt: `a fox ${KEY}`,
      sentAt: '2026-11-27T00:00:00.000Z',
    };
    const error = new ProviderError('down', { cause: new Error('reset'), mayHaveCreatedJob: true, submission });
    const guarded = guardSecrets(error, [undefined, 'abc', KEY]);
    expect(guarded).toBe(error);
    expect(JSON.stringify(guarded)).not.toContain(KEY);
    expect(JSON.stringify(guarded)).toContain('a fox [redacted]');
    expect(inspect(guarded)).not.toContain(KEY);
  });

  it('redacts a secret of exactly four characters and returns the error untouched when none is usable', () => {
    expect(guardSecrets(new ProviderError('code wxyz'), ['wxyz']).message).toBe('code [redacted]');
    const error = new ProviderError('code xyz');
    expect(guardSecrets(error, ['xyz', undefined])).toBe(error);
  });
});

describe('the error classes as loaded', () => {
  // Loaded inside the test, so the class table is built while the test runs (as docs/errors.md lists it).
  it('gives every class its documented code, retryable default and inspect output', async () => {
    vi.resetModules();
    const fresh = '../src/errors.ts?classes';
    const loaded = (await import(/* @vite-ignore */ fresh)) as typeof import('../src/errors.js');
    const table = [
      [loaded.AuthenticationError, 'authentication', false],
      [loaded.InsufficientCreditsError, 'insufficient_credits', false],
      [loaded.InvalidRequestError, 'invalid_request', false],
      [loaded.ContentPolicyError, 'content_policy', false],
      [loaded.NotFoundError, 'not_found', false],
      [loaded.ProviderError, 'provider_unavailable', true],
      [loaded.ResponseValidationError, 'bad_response', false],
      [loaded.TimeoutError, 'timeout', true],
      [loaded.UnsupportedError, 'unsupported', false],
      [loaded.WebhookVerificationError, 'webhook_verification', false],
      [loaded.StoreUnavailableError, 'store_unavailable', true],
      [loaded.RateLimitError, 'rate_limited', true],
    ] as const;
    for (const [Class, code, retryable] of table) {
      const error = new Class('something went wrong');
      expect([Class.name, error.code, Class.errorCode, error.retryable]).toEqual([Class.name, code, code, retryable]);
      expect(Class.isInstance(error)).toBe(true);
    }
    const job = emptyJob({ provider: 'apiframe', providerJobId: 'task-9', operation: 'imagine', status: 'failed' });
    const failed = new loaded.JobFailedError(job);
    expect([loaded.JobFailedError.errorCode, failed.code, loaded.JobFailedError.isInstance(failed)]).toEqual([
      'job_failed',
      'job_failed',
      true,
    ]);
    const timedOut = new loaded.JobTimeoutError({ ...job, status: 'running' }, 1_000);
    expect([loaded.JobTimeoutError.errorCode, timedOut.code, loaded.JobTimeoutError.isInstance(timedOut)]).toEqual([
      'job_timeout',
      'job_timeout',
      true,
    ]);
    expect(loaded.JobFailedError.isInstance(timedOut)).toBe(false);
    // console.log(err) goes through the class's inspect hook: the stack, then the fields, masked.
    const guarded = loaded.guardSecrets(new loaded.ProviderError(`down for ${KEY}`, { status: 503 }), [KEY]);
    const shown = inspect(guarded);
    expect(shown).toMatch(/^ProviderError: down for \[redacted\]\n/);
    expect(shown).toContain('"status": 503');
    expect(shown).not.toContain(KEY);
  });
});

describe('summarizeError and networkCode along long chains', () => {
  /** `levels` errors, each the cause of the one before; level N says `level N` and has `code` only where asked. */
  function chain(levels: number, codeAt?: number): Error {
    let error: Error | undefined;
    for (let level = levels - 1; level >= 0; level--) {
      error = new Error(`level ${level}`, error ? { cause: error } : undefined);
      if (level === codeAt) Object.assign(error, { code: 'ECONNRESET' });
    }
    return error as Error;
  }

  it('summarises the error eight causes down, no deeper', () => {
    expect(summarizeError(chain(12))).toEqual({ name: 'Error', message: 'level 8' });
    expect(summarizeError(chain(9))).toEqual({ name: 'Error', message: 'level 8' });
  });

  it('looks for a code along the first eight errors only', () => {
    expect(networkCode(chain(12, 7))).toBe('ECONNRESET');
    expect(networkCode(chain(12, 8))).toBeUndefined();
    expect(summarizeError(chain(12, 8))).toEqual({ name: 'Error', message: 'level 8' });
  });

  it('reads no cause or code off a thrown function', () => {
    const thrown = Object.assign(function failing() {}, {
      code: 'ECONNRESET',
      cause: new Error('inner'),
    });
    expect(networkCode(thrown)).toBeUndefined();
    expect(summarizeError(thrown)).toEqual({ name: 'failing', message: '' });
  });
});

describe('guardSecrets along a long chain of mjgate errors', () => {
  it('masks the outer error and eight causes below it, and leaves deeper ones as they were', () => {
    let error: MjGateError = new ProviderError(`level 10 ${KEY}`);
    for (let level = 9; level >= 0; level--) error = new ProviderError(`level ${level} ${KEY}`, { cause: error });
    let guarded: unknown = guardSecrets(error, [KEY]);
    const masked: boolean[] = [];
    while (MjGateError.isInstance(guarded)) {
      masked.push(!guarded.message.includes(KEY));
      guarded = guarded.cause;
    }
    expect(masked).toEqual([true, true, true, true, true, true, true, true, true, false, false]);
  });

  it('skips secrets that are not strings', () => {
    const guarded = guardSecrets(new ProviderError(`down for ${KEY}`), [undefined, KEY]);
    expect(guarded.message).toBe('down for [redacted]');
  });
});
