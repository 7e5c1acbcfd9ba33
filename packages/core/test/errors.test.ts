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
    expect(e.cause).toBe(cause);
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
});
