import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpUrl } from '../src/index.js';
import { httpUrls } from '../src/provider.js';
import { REMEMBERED_URLS } from '../src/urls.js';

describe('httpUrl', () => {
  it.each([
    'https://cdn.imaginepro.ai/storage/v1/object/public/cdn/2346e0bc.png',
    'http://127.0.0.1:8787/_sim/files/abc/grid.png',
    'HTTPS://CDN.EXAMPLE.COM/A.PNG',
    'https://[::1]:8080/x.png',
    'https://cdn.example.com/a.png?X-Amz-Signature=ab%2Fcd&X-Amz-Expires=600#frag',
    'https://bücher.example/naïve.png',
    "https://cdn.example.com/it's(1).png",
  ])('keeps %s as the vendor wrote it', (url) => {
    expect(httpUrl(url)).toBe(url);
  });

  it('trims the padding vendors add around a URL, and nothing else', () => {
    expect(httpUrl('  https://cdn.example.com/a.png\n')).toBe('https://cdn.example.com/a.png');
    // Not re-serialised: a signed URL's percent-encoding stays byte for byte.
    expect(httpUrl('https://cdn.example.com/a%2fb.png?sig=a%2Bb')).toBe('https://cdn.example.com/a%2fb.png?sig=a%2Bb');
  });

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['javascript: with a fake http prefix in the path', 'javascript://cdn.example.com/%0aalert(1)'],
    ['data:', 'data:image/png;base64,iVBORw0KGgo='],
    ['file:', 'file:///etc/passwd'],
    ['ftp:', 'ftp://files.example.com/a.png'],
    ['blob:', 'blob:https://cdn.example.com/uuid'],
    ['protocol-relative', '//cdn.example.com/a.png'],
    ['relative path', '/storage/a.png'],
    ['bare host', 'cdn.example.com/a.png'],
    ['empty', ''],
    ['only spaces', '   '],
    ['NUL inside', 'https://cdn.example.com/a\u0000.png'],
    ['NUL at the end', 'https://cdn.example.com/a.png\u0000'],
    ['tab inside the scheme', 'java\tscript:alert(1)'],
    ['newline inside', 'https://cdn.example.com/a\n.png'],
    ['space inside', 'https://cdn.example.com/a b.png'],
    ['right-to-left override', 'https://cdn.example.com/\u202egnp.exe'],
    ['zero-width space', 'https://cdn\u200b.example.com/a.png'],
    ['byte order mark inside', 'https://cdn.example.com/\ufeffa.png'],
    ['lone surrogate', 'https://cdn.example.com/\ud800.png'],
    ['backslash', 'https://evil.example\\@cdn.example.com/a.png'],
    ['credentials', 'https://user:pass@cdn.example.com/a.png'],
    ['a user name that reads as the host', 'https://cdn.example.com@evil.example/a.png'],
    ['no host', 'https:///a.png'],
    ['only the scheme', 'https://'],
    ['a quote that ends an HTML attribute', 'https://cdn.example.com/a.png"onerror="alert(1)'],
    ['an angle bracket', 'https://cdn.example.com/<script>'],
    ['unparseable port', 'https://cdn.example.com:99999/a.png'],
    ['too long', `https://cdn.example.com/${'a'.repeat(9_000)}.png`],
  ])('drops %s', (_what, url) => {
    expect(httpUrl(url)).toBeUndefined();
  });

  it.each([null, undefined, 42, {}, ['https://cdn.example.com/a.png'], { toString: () => 'https://x/a.png' }])(
    'drops the non-string %j',
    (value) => {
      expect(httpUrl(value)).toBeUndefined();
    },
  );

  it('never throws, and whatever it returns is an absolute http(s) URL with a host', () => {
    const pieces = fc.constantFrom(
      'https://',
      'http://',
      'javascript:',
      'data:',
      '//',
      '\\',
      '@',
      ':',
      '/',
      '?',
      '#',
      '%00',
      '\u0000',
      '\t',
      ' ',
      '\u202e',
      'cdn.example.com',
      'a.png',
      '[::1]',
      ':443',
    );
    const candidate = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.array(pieces, { maxLength: 8 }).map((parts) => parts.join('')),
      fc.webUrl(),
    );
    fc.assert(
      fc.property(candidate, (text) => {
        const kept = httpUrl(text);
        if (kept === undefined) return;
        const url = new URL(kept);
        expect(['http:', 'https:']).toContain(url.protocol);
        expect(url.hostname).not.toBe('');
        expect(kept).toBe(text.trim());
      }),
      { seed: 10_005, numRuns: 2_000 },
    );
  });
});

describe('httpUrl remembers the URLs it accepted', () => {
  // A new copy of the module for each test: nothing remembered from another test answers for it.
  beforeEach(() => {
    vi.resetModules();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const loadUrls = () => import('../src/urls.js');
  const countParses = () => vi.spyOn(globalThis, 'URL');
  const urls = (count: number, name: string) =>
    Array.from({ length: count }, (_, i) => `https://cdn.example.com/${name}/${i}.png`);

  it('answers a URL checked again without parsing it again, the same as the first time', async () => {
    const { httpUrl } = await loadUrls();
    const url = 'https://cdn.example.com/a.png';
    const parses = countParses();
    expect(httpUrl(url)).toBe(url);
    expect(httpUrl(url)).toBe(url);
    expect(httpUrl(`  ${url}\n`)).toBe(url);
    expect(httpUrl(`  ${url}\n`)).toBe(url);
    // Once for the URL, once for its padded form (remembered as written, answered trimmed).
    expect(parses).toHaveBeenCalledTimes(2);
  });

  it('does not remember what it refused', async () => {
    const { httpUrl } = await loadUrls();
    const parses = countParses();
    for (let i = 0; i < 3; i++) {
      expect(httpUrl('https://cdn.example.com/a.png\u0000')).toBeUndefined();
      expect(httpUrl('https://user@cdn.example.com/a.png')).toBeUndefined();
    }
    // The NUL is refused before parsing; the credentials only after, each time.
    expect(parses).toHaveBeenCalledTimes(3);
  });

  it(`holds the last ${REMEMBERED_URLS} URLs, then starts again`, async () => {
    const { httpUrl } = await loadUrls();
    const full = urls(REMEMBERED_URLS, 'full');
    for (const url of full) httpUrl(url);
    const parses = countParses();
    for (const url of full) expect(httpUrl(url)).toBe(url);
    expect(parses).not.toHaveBeenCalled();
    // One more: it starts again with that one alone.
    httpUrl('https://cdn.example.com/one-more.png');
    expect(parses).toHaveBeenCalledTimes(1);
    expect(httpUrl(full[0])).toBe(full[0]);
    expect(httpUrl('https://cdn.example.com/one-more.png')).toBe('https://cdn.example.com/one-more.png');
    expect(parses).toHaveBeenCalledTimes(2);
  });
});

describe('httpUrls', () => {
  it('keeps the usable URLs of a list, in order', () => {
    expect(
      httpUrls(['https://a.example/1.png', 'javascript:alert(1)', 7, null, ' https://a.example/2.png ', '']),
    ).toEqual(['https://a.example/1.png', 'https://a.example/2.png']);
  });

  it.each([null, undefined, 'https://a.example/1.png', { 0: 'https://a.example/1.png', length: 1 }])(
    'reads %j as no URLs',
    (value) => {
      expect(httpUrls(value)).toEqual([]);
    },
  );
});
