import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../src/index.js';
import { normalizeMask } from '../src/provider.js';

const base64 = { vendor: 'ImaginePro', provider: 'imaginepro' } as const;

describe('normalizeMask', () => {
  it('turns a data URL or bare base64 into bare standard base64, padded', () => {
    expect(normalizeMask('data:image/png;base64,iVBORw0KGgo=', base64)).toBe('iVBORw0KGgo=');
    expect(normalizeMask('DATA:image/webp;name=m.webp;base64,UklGRg', { vendor: 'X' })).toBe('UklGRg==');
    expect(normalizeMask(' iVBORw0KGgo ', base64)).toBe('iVBORw0KGgo=');
    expect(normalizeMask('UklGR-_a\nbc', base64)).toBe('UklGR+/abc==');
  });

  it('refuses a URL unless the vendor fetches masks itself, and what is not base64', () => {
    expect(() => normalizeMask('https://x/mask.png', base64)).toThrow(InvalidRequestError);
    expect(() => normalizeMask('https://x/mask.png', base64)).toThrow(
      /^ImaginePro takes the vary-region mask as base64 image data, not a URL/,
    );
    expect(normalizeMask('https://img.example/mask.png', { vendor: 'AceData', allowUrl: true })).toBe(
      'https://img.example/mask.png',
    );
    expect(() => normalizeMask('data:image/png;base64,https://x/m.png', { vendor: 'AceData', allowUrl: true })).toThrow(
      /not a URL/,
    );
    expect(() => normalizeMask('not base64!', base64)).toThrow(/not base64/);
    expect(() => normalizeMask('UklGR', base64)).toThrow(/not base64/);
  });

  it('builds a data URL for vendors that want one, keeping the caller’s media type', () => {
    const dataUrl = { vendor: 'APIFRAME', output: 'data-url' } as const;
    expect(normalizeMask('iVBORw0KGgo', dataUrl)).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(normalizeMask('data:image/webp;base64,UklGRg==', dataUrl)).toBe('data:image/webp;base64,UklGRg==');
    expect(normalizeMask('UklGRg', { ...dataUrl, mediaType: 'image/webp' })).toBe('data:image/webp;base64,UklGRg==');
  });
});
