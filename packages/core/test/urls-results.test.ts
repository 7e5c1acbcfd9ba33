import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../src/index.js';
import { countUrls, emptyJob, httpUrl, requireUsableResult } from '../src/provider.js';

describe('httpUrl at its edges', () => {
  it('keeps a URL of exactly 8 KiB and drops one a character longer', () => {
    const prefix = 'https://cdn.example.com/';
    const exact = `${prefix}${'a'.repeat(8_192 - prefix.length)}`;
    expect(exact).toHaveLength(8_192);
    expect(httpUrl(exact)).toBe(exact);
    expect(httpUrl(`${exact}a`)).toBeUndefined();
  });

  it('drops a URL whose http scheme does not come first', () => {
    // WHATWG parses this as host `https`, path `//cdn.example.com/a.png`: an http(s) URL, but not the
    // one the text reads as.
    expect(httpUrl('https:https://cdn.example.com/a.png')).toBeUndefined();
    expect(httpUrl('http:http://cdn.example.com/a.png')).toBeUndefined();
  });

  it('drops a password given without a user name', () => {
    expect(httpUrl('https://:secret@cdn.example.com/a.png')).toBeUndefined();
  });
});

describe('countUrls', () => {
  it('counts the non-blank strings of every field, lists or single values', () => {
    expect(
      countUrls(
        'https://cdn.example.com/grid.png',
        ['https://cdn.example.com/1.png', 'javascript:alert(1)', '   ', '', 42, null],
        undefined,
        '  ',
        7,
        'data:image/png;base64,AAAA',
      ),
    ).toBe(4);
  });

  it('counts nothing when nothing is given', () => {
    expect(countUrls()).toBe(0);
    expect(countUrls(undefined, null, [], '', [' '])).toBe(0);
  });
});

describe('requireUsableResult', () => {
  const refused = emptyJob({ provider: 'acedata', providerJobId: 'task-1', operation: 'imagine', status: 'succeeded' });

  function failure(job: Parameters<typeof requireUsableResult>[0], offered: number): ResponseValidationError {
    let caught: unknown;
    try {
      requireUsableResult(job, offered);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ResponseValidationError);
    return caught as ResponseValidationError;
  }

  it('refuses a success whose only result URL was dropped, saying so', () => {
    const error = failure(refused, 1);
    expect(error.code).toBe('bad_response');
    expect(error.retryable).toBe(false);
    expect(error.provider).toBe('acedata');
    expect(error.message).toBe(
      'acedata reported job acedata:task-1 as succeeded with no usable http(s) URL: the result URL it gave was refused (only absolute http: and https: URLs are kept), and nothing else came with it. Ask the vendor about this job.',
    );
  });

  it('counts the refused URLs in the message when there were several', () => {
    expect(failure(refused, 3).message).toContain('the 3 result URLs it gave were all refused');
  });

  it('lets through a success when the vendor named no URL at all', () => {
    expect(requireUsableResult(refused, 0)).toBe(refused);
  });

  it.each(['queued', 'running', 'failed', 'cancelled'] as const)('lets through a %s job untouched', (status) => {
    const job = { ...refused, status };
    expect(requireUsableResult(job, 2)).toBe(job);
  });

  it.each([
    ['a grid', { gridUrl: 'https://cdn.example.com/grid.png' }],
    ['an image', { images: [{ url: 'https://cdn.example.com/1.png' }] }],
    ['a video', { videoUrls: ['https://cdn.example.com/1.mp4'] }],
    ['a text', { texts: ['a red fox'] }],
    ['a seed', { seed: '1234' }],
  ])('lets through a success that still has %s', (_what, fields) => {
    const job = { ...refused, ...fields } as typeof refused;
    expect(requireUsableResult(job, 4)).toBe(job);
  });

  it('does not count an empty seed as something to show', () => {
    expect(failure({ ...refused, seed: '' }, 1).code).toBe('bad_response');
  });
});
