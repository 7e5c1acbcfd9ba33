import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../src/index.js';
import { normalizeMask } from '../src/provider.js';

// Which masks are read as `data:…;base64,` URLs: the prefix at the start only, any media type, any
// number of `;name=value` parameters before `;base64`.

const DATA = 'iVBORw0KGgo=';

describe('a data URL mask', () => {
  it.each([
    [`data:image/png;base64,${DATA}`, 'image/png'],
    [`data:image/webp;base64,${DATA}`, 'image/webp'],
    [`data:;base64,${DATA}`, 'image/png'],
    [`DATA:image/png;base64,${DATA}`, 'image/png'],
    [`data:image/png;name=mask.png;base64,${DATA}`, 'image/png'],
    [`data:image/png;charset=binary;name=m;base64,${DATA}`, 'image/png'],
  ])('%s is read, keeping its media type', (mask, type) => {
    expect(normalizeMask(mask, { vendor: 'ImaginePro' })).toBe(DATA);
    expect(normalizeMask(mask, { vendor: 'APIFRAME', output: 'data-url' })).toBe(`data:${type};base64,${DATA}`);
  });

  it('a URL that only holds a data URL further on stays a URL', () => {
    const url = `https://cdn.example/render?src=data:image/png;base64,${DATA}`;
    expect(normalizeMask(url, { vendor: 'mjproxy', allowUrl: true })).toBe(url);
    expect(() => normalizeMask(url, { vendor: 'ImaginePro' })).toThrow(
      new InvalidRequestError(
        'ImaginePro takes the vary-region mask as base64 image data, not a URL: pass a data URL or a base64 PNG/WebP.',
      ),
    );
  });
});
