import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  emptyJob,
  JobFailedError,
  JobTimeoutError,
  MjGateError,
  ProviderError,
  RateLimitError,
  redact,
} from '../src/index.js';
import { guardSecrets, maskSecrets } from '../src/provider.js';

describe('errors', () => {
  it('carry code, provider, status, requestId, cause and retryable', () => {
    const cause = new Error('socket');
    const e = new ProviderError('down', { provider: 'acedata', status: 502, requestId: 't-1', cause });
    expect(e).toMatchObject({
      code: 'provider_unavailable',
      provider: 'acedata',
      status: 502,
      requestId: 't-1',
      retryable: true,
    });
    // Never the library object itself: a plain summary of it.
    expect(e.cause).toEqual({ name: 'Error', message: 'socket' });
    expect(e.name).toBe('ProviderError');
    expect(new AuthenticationError('no').retryable).toBe(false);
    expect(new RateLimitError('slow', { retryAfterMs: 5 }).retryAfterMs).toBe(5);
  });

  it('isInstance works across two copies of the package', async () => {
    vi.resetModules();
    // A query string makes the module loader evaluate errors.ts a second time: a second copy of the classes.
    const second = '../src/errors.ts?copy';
    const copy = (await import(/* @vite-ignore */ second)) as typeof import('../src/errors.js');
    const foreign = new copy.RateLimitError('from another copy');
    expect(foreign instanceof MjGateError).toBe(false);
    expect(MjGateError.isInstance(foreign)).toBe(true);
    expect(RateLimitError.isInstance(foreign)).toBe(true);
    expect(AuthenticationError.isInstance(foreign)).toBe(false);
    expect(copy.MjGateError.isInstance(new ProviderError('here'))).toBe(true);
    expect(MjGateError.isInstance(new Error('plain'))).toBe(false);
    expect(MjGateError.isInstance(null)).toBe(false);
  });

  it('job errors carry the job and say what to do', () => {
    const job = emptyJob({ provider: 'apiframe', providerJobId: 't', operation: 'imagine', status: 'failed' });
    job.error = { code: 'banned', message: 'Banned prompt' };
    const failed = new JobFailedError(job);
    expect(failed.job).toBe(job);
    expect(failed.message).toContain('Banned prompt');
    const timeout = new JobTimeoutError({ ...job, status: 'running' }, 1000);
    expect(timeout.message).toMatch(/may still finish/);
    expect(JobTimeoutError.isInstance(timeout)).toBe(true);
  });

  it('redact removes every secret', () => {
    expect(redact('key sk-123456 and hook whsec-9999', ['sk-123456', 'whsec-9999', undefined])).toBe(
      'key [redacted] and hook [redacted]',
    );
  });

  it('keep a plain summary of a library error, never the object holding the request and its key', () => {
    const request = new Request('https://api.example.com/x', { headers: { authorization: 'Bearer sk-live-KEY-1234' } });
    const system = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const library = Object.assign(new TypeError('fetch failed', { cause: system }), { request });
    const e = new ProviderError('reset', { provider: 'apiframe', cause: library });
    expect(e.cause).toEqual({ name: 'Error', message: 'read ECONNRESET', code: 'ECONNRESET' });
    expect(inspect(e, { depth: 10 })).not.toContain('sk-live-KEY-1234');
    expect(JSON.stringify(e)).not.toContain('sk-live-KEY-1234');
  });

  it('an MjGateError cause is kept as it is', () => {
    const inner = new RateLimitError('slow');
    expect(new ProviderError('outer', { cause: inner }).cause).toBe(inner);
  });

  it('mask the secrets they were told of in message, toJSON, inspect and along the cause chain', () => {
    const inner = new ProviderError('vendor said: key sk-live-KEY-1234 is bad');
    const job = emptyJob({ provider: 'acedata', providerJobId: 't', operation: 'imagine', status: 'failed' });
    job.raw = { echoed: 'sk-live-KEY-1234' };
    const original = new JobFailedError(job, { cause: inner });
    const outer = guardSecrets(original, ['sk-live-KEY-1234', undefined]);
    // A new error, complete at construction: the one already thrown is never changed.
    expect(inner.message).toBe('vendor said: key sk-live-KEY-1234 is bad');
    expect((outer.cause as Error).message).toBe('vendor said: key [redacted] is bad');
    expect(JobFailedError.isInstance(outer)).toBe(true);
    expect(outer.job).toBe(job);
    const json = JSON.stringify(outer);
    expect(json).not.toContain('sk-live-KEY-1234');
    expect(JSON.parse(json)).toMatchObject({ code: 'job_failed', cause: { code: 'provider_unavailable' } });
    const shown = inspect(outer, { depth: 10 });
    expect(shown).toContain('JobFailedError');
    expect(shown).not.toContain('sk-live-KEY-1234');
    expect(String(outer)).not.toContain('sk-live-KEY-1234');
  });

  it('toJSON carries what a log needs', () => {
    const e = new RateLimitError('slow down', { provider: 'imaginepro', status: 429, retryAfterMs: 3000 });
    expect(e.toJSON()).toEqual({
      name: 'RateLimitError',
      code: 'rate_limited',
      message: 'slow down',
      provider: 'imaginepro',
      status: 429,
      retryable: true,
      mayHaveCreatedJob: false,
      retryAfterMs: 3000,
    });
  });

  it('maskSecrets copies deep, cyclic and keyed values without recursing forever', () => {
    const cyclic: Record<string, unknown> = { 'sk-live-KEY-1234': 'x', list: ['a sk-live-KEY-1234 b'] };
    cyclic.self = cyclic;
    let deep: unknown = 'sk-live-KEY-1234';
    for (let i = 0; i < 10_000; i++) deep = { deep };
    const masked = maskSecrets({ cyclic, deep }, ['sk-live-KEY-1234']);
    expect(JSON.stringify(masked.cyclic.list)).toBe('["a [redacted] b"]');
    expect(Object.keys(masked.cyclic)).toContain('[redacted]');
    expect(masked.cyclic.self).toBe('[…]');
    expect(JSON.stringify(maskSecrets({ a: 'plain' }, []))).toBe('{"a":"plain"}');
  });

  it('rebuilt makes a new, complete error of the same class and leaves the original as it was', () => {
    const original = new RateLimitError('slow down', { provider: 'acme', status: 429 });
    const copy = original.rebuilt({ message: 'slow down, please', retryAfterMs: 2000, retryable: false });
    expect(copy).toBeInstanceOf(RateLimitError);
    expect(copy).toMatchObject({
      message: 'slow down, please',
      provider: 'acme',
      status: 429,
      retryAfterMs: 2000,
      retryable: false,
    });
    expect(original).toMatchObject({ message: 'slow down', retryable: true });
    expect(original.retryAfterMs).toBeUndefined();
  });
});
