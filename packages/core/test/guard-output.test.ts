import { describe, expect, it } from 'vitest';
import { type JobImage, ProviderError, ResponseValidationError } from '../src/index.js';
import { emptyJob, OutputGuard, submissionOf } from '../src/provider.js';

const KEY = 'sk-live-0123456789';
const base = emptyJob({ provider: 'acedata', providerJobId: 'task-1', operation: 'imagine', status: 'running' });

describe('OutputGuard.job', () => {
  it('gives back the same job when there is nothing to mask or drop', () => {
    const job = { ...base, texts: [`a ${KEY}`] };
    expect(new OutputGuard('acedata').job(job)).toBe(job);
    expect(new OutputGuard('acedata', [undefined, 'abc']).job(job)).toBe(job);
  });

  it('masks every secret of four characters or more in the texts, prompt, error and raw body', () => {
    const guard = new OutputGuard('acedata', [undefined, 'abc', 'wxyz', KEY]);
    const job = {
      ...base,
      status: 'failed' as const,
      prompt: `a fox wxyz abc`,
      texts: [`echo ${KEY}`],
      error: { code: 'auth', message: `bad key ${KEY}` },
      raw: { nested: [{ [KEY]: 'x' }] },
    };
    const clean = guard.job(job);
    expect(clean.prompt).toBe('a fox [redacted] abc');
    expect(clean.texts).toEqual(['echo [redacted]']);
    expect(clean.error).toEqual({ code: 'auth', message: 'bad key [redacted]' });
    expect(clean.raw).toEqual({ nested: [{ '[redacted]': 'x' }] });
  });

  it('keeps a raw body with no secret as the same object', () => {
    const raw = { status: 'ok', list: ['a', { b: 'c' }] };
    const clean = new OutputGuard('acedata', [KEY]).job({ ...base, raw });
    expect(clean.raw).toBe(raw);
    expect(clean).not.toHaveProperty('prompt');
  });

  it("reads an array's elements, not its positions, as the body's text", () => {
    // A secret made of digits matches no element here, only position 1234 of the list.
    const raw = { list: Array.from({ length: 1_235 }, () => 'x') };
    expect(new OutputGuard('acedata', ['1234']).job({ ...base, raw }).raw).toBe(raw);
  });

  it('drops result URLs that are not absolute http(s), keeping the rest', () => {
    const guard = new OutputGuard('acedata');
    const clean = guard.job({
      ...base,
      status: 'succeeded',
      gridUrl: 'javascript:alert(1)',
      images: [{ url: 'https://cdn.example.com/1.png' }, { url: 'data:image/png;base64,AA' }],
      videoUrls: ['file:///etc/passwd', 'https://cdn.example.com/1.mp4'],
    });
    expect(clean).not.toHaveProperty('gridUrl');
    expect(clean.images).toEqual([{ url: 'https://cdn.example.com/1.png' }]);
    expect(clean.videoUrls).toEqual(['https://cdn.example.com/1.mp4']);

    const gridKept = guard.job({ ...base, gridUrl: ' https://cdn.example.com/grid.png ', images: [{ url: 'x' }] });
    expect(gridKept.gridUrl).toBe('https://cdn.example.com/grid.png');
    expect(gridKept.images).toEqual([]);
  });

  it('refuses a success left with nothing once bad URLs are dropped', () => {
    const guard = new OutputGuard('acedata');
    const broken = { ...base, status: 'succeeded' as const, images: [{ url: 'javascript:alert(1)' }] };
    expect(() => guard.job(broken)).toThrow(ResponseValidationError);
    expect(() => guard.job(broken)).toThrow(
      'acedata reported job acedata:task-1 succeeded but gave no usable result URL (only absolute http(s) URLs are accepted).',
    );
    expect(guard.job({ ...broken, texts: ['a fox'] }).texts).toEqual(['a fox']);
    expect(guard.job({ ...broken, status: 'running' }).images).toEqual([]);
    expect(() => guard.job({ ...broken, gridUrl: 'ftp://x/y.png' })).toThrow(ResponseValidationError);
    expect(guard.job({ ...broken, videoUrls: ['https://cdn.example.com/v.mp4'] }).videoUrls).toHaveLength(1);
  });
});

describe('OutputGuard.job with a grid', () => {
  it('drops a bad grid URL even when every image is fine', () => {
    const images = [{ url: 'https://cdn.example.com/1.png' }];
    const clean = new OutputGuard('acedata').job({ ...base, status: 'succeeded', gridUrl: 'data:x', images });
    expect(clean).not.toHaveProperty('gridUrl');
    expect(clean.images).toEqual(images);
  });

  it('accepts a success whose grid is still usable once bad images are dropped', () => {
    const clean = new OutputGuard('acedata').job({
      ...base,
      status: 'succeeded',
      gridUrl: 'https://cdn.example.com/grid.png',
      images: [{ url: 'javascript:alert(1)' }],
    });
    expect(clean.gridUrl).toBe('https://cdn.example.com/grid.png');
    expect(clean.images).toEqual([]);
  });
});

describe('OutputGuard.account', () => {
  it('masks secrets in the raw body only when there are some', () => {
    const guard = new OutputGuard('acedata', [KEY]);
    const account = { credits: 3, raw: { key: KEY } };
    expect(guard.account(account)).toEqual({ credits: 3, raw: { key: '[redacted]' } });
    const clean = { credits: 3, raw: { key: 'none' } };
    expect(guard.account(clean)).toBe(clean);
  });
});

describe('OutputGuard.jobFor', () => {
  it('discards an answer about another job, as a retryable error', () => {
    const guard = new OutputGuard('acedata');
    let caught: unknown;
    try {
      guard.jobFor('task-2', base);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ResponseValidationError);
    const error = caught as ResponseValidationError;
    expect(error.message).toBe(
      'acedata answered a status check of job task-2 with job task-1. The answer was discarded; check again later.',
    );
    expect(error.retryable).toBe(true);
    expect(error.provider).toBe('acedata');
    expect(guard.jobFor('task-1', base)).toBe(base);
  });
});

describe('OutputGuard.error', () => {
  const guard = new OutputGuard('acedata', [KEY]);
  const sent = { operation: 'imagine' as const, prompt: 'a fox', sentAt: '2026-11-27T10:00:00.000Z' };

  it('hands the caller’s own abort reason back untouched', () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    expect(guard.error(reason, undefined, controller.signal)).toBe(reason);
    const other = guard.error(new Error('other'), undefined, controller.signal);
    expect(other).toBeInstanceOf(ResponseValidationError);
    // A signal that was not aborted has no reason: a thrown `undefined` is still an adapter bug.
    expect(guard.error(undefined, undefined, new AbortController().signal)).toBeInstanceOf(ResponseValidationError);
  });

  it('wraps an adapter bug as a typed error that names it', () => {
    const error = guard.error(new TypeError(`x is undefined ${KEY}`)) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toBe("acedata's answer could not be read (TypeError: x is undefined [redacted]).");
    expect(error.mayHaveCreatedJob).toBe(false);
    expect(error.provider).toBe('acedata');
    expect(error.cause).toEqual({ name: 'TypeError', message: 'x is undefined [redacted]' });
    expect((guard.error('bad thing') as Error).message).toBe("acedata's answer could not be read (bad thing).");
    expect((guard.error(42) as Error).message).toBe("acedata's answer could not be read (number).");
    const long = guard.error(new Error('y'.repeat(500))) as Error;
    expect(long.message).toBe(`acedata's answer could not be read (Error: ${'y'.repeat(193)}).`);
    expect((guard.error('z'.repeat(500)) as Error).message).toBe(
      `acedata's answer could not be read (${'z'.repeat(200)}).`,
    );
  });

  it('says a submission may have created the job, and carries what was sent', () => {
    const error = guard.error(new Error('boom'), sent) as ResponseValidationError;
    expect(error.message).toBe(
      "acedata's answer could not be read (Error: boom). The request was sent, so the vendor may have created the job: look it up before submitting again.",
    );
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.submission).toEqual({ provider: 'acedata', ...sent });
  });

  it('prefers the send time and job id the transport saw', () => {
    const seen = new ProviderError('reset', {
      mayHaveCreatedJob: true,
      submission: {
        provider: 'acedata',
        operation: 'imagine',
        sentAt: '2026-11-27T10:00:01.500Z',
        providerJobId: 'task-7',
      },
    });
    const error = guard.error(seen, sent) as ProviderError;
    expect(error.submission).toEqual({
      provider: 'acedata',
      ...sent,
      sentAt: '2026-11-27T10:00:01.500Z',
      providerJobId: 'task-7',
    });
  });

  it('adds no submission to an error that cannot have created a job', () => {
    const error = guard.error(new ProviderError('refused'), sent) as ProviderError;
    expect(error.submission).toBeUndefined();
  });
});

describe('submissionOf', () => {
  it('keeps the operation, ref and prompt when they are strings', () => {
    const out = submissionOf('imagine', { ref: 'r-1', prompt: 'a fox', other: 1 });
    expect(out).toMatchObject({ operation: 'imagine', ref: 'r-1', prompt: 'a fox' });
    expect(Object.keys(out).sort()).toEqual(['operation', 'prompt', 'ref', 'sentAt']);
    expect(Number.isNaN(Date.parse(out.sentAt))).toBe(false);
    expect(Object.keys(submissionOf('describe', { ref: 1, prompt: null })).sort()).toEqual(['operation', 'sentAt']);
    expect(Object.keys(submissionOf('describe', 'a fox')).sort()).toEqual(['operation', 'sentAt']);
    expect(Object.keys(submissionOf('describe', null)).sort()).toEqual(['operation', 'sentAt']);
  });
});

describe('OutputGuard.job on odd adapter output', () => {
  it('drops a missing image entry instead of failing on it', () => {
    const good = { url: 'https://cdn.example.com/1.png' };
    const clean = new OutputGuard('acedata').job({
      ...base,
      status: 'succeeded',
      images: [null as unknown as JobImage, good],
    });
    expect(clean.images).toEqual([good]);
  });

  it('drops a bad video URL even when every image and the grid are fine', () => {
    const images = [{ url: 'https://cdn.example.com/1.png' }];
    const clean = new OutputGuard('acedata').job({
      ...base,
      status: 'succeeded',
      images,
      gridUrl: 'https://cdn.example.com/grid.png',
      videoUrls: ['javascript:alert(1)', 'https://cdn.example.com/1.mp4'],
    });
    expect(clean.images).toEqual(images);
    expect(clean.gridUrl).toBe('https://cdn.example.com/grid.png');
    expect(clean.videoUrls).toEqual(['https://cdn.example.com/1.mp4']);
  });

  it('names the vendor on the error for a success with no usable URL', () => {
    let caught: unknown;
    try {
      new OutputGuard('apiframe').job({ ...base, status: 'succeeded', images: [{ url: 'ftp://x/1.png' }] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ResponseValidationError);
    expect(caught).toMatchObject({ code: 'bad_response', provider: 'apiframe', retryable: false });
  });

  it('reads a raw body holding nulls and numbers, keeping it when it has no secret', () => {
    const raw = { status: null, progress: 40, list: [null, true, 'fine'] };
    const clean = new OutputGuard('acedata', [KEY]).job({ ...base, raw });
    expect(clean.raw).toBe(raw);
  });

  it('reads a raw body that refers to itself, keeping it when it has no secret', () => {
    const raw: Record<string, unknown> = { status: 'running' };
    raw.self = raw;
    raw.list = [raw, { back: raw }];
    const clean = new OutputGuard('acedata', [KEY]).job({ ...base, raw });
    expect(clean.raw).toBe(raw);
  });
});
