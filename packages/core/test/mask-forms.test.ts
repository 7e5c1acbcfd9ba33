import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../src/index.js';
import { normalizeMask } from '../src/provider.js';

const NOT_BASE64 = 'The vary-region mask is not base64 image data (nor a data URL).';

function refusal(mask: string, format: Parameters<typeof normalizeMask>[1]): unknown {
  try {
    normalizeMask(mask, format);
  } catch (error) {
    return error;
  }
  throw new Error(`normalizeMask accepted ${JSON.stringify(mask)}`);
}

describe('normalizeMask forms', () => {
  it('reads a data URL with spaces or line breaks around it', () => {
    expect(normalizeMask('  data:image/png;base64,iVBORw0KGgo=\n', { vendor: 'ImaginePro' })).toBe('iVBORw0KGgo=');
  });

  it('passes an http URL on to a vendor that fetches the mask, as it passes https', () => {
    const format = { vendor: 'AceData', allowUrl: true };
    expect(normalizeMask('http://cdn.example.com/mask.png', format)).toBe('http://cdn.example.com/mask.png');
    expect(normalizeMask('https://cdn.example.com/mask.png', format)).toBe('https://cdn.example.com/mask.png');
  });

  it('calls text with a URL inside it no base64, rather than a URL', () => {
    const error = refusal('see http://cdn.example.com/mask.png', { vendor: 'AceData', allowUrl: true });
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toBe(NOT_BASE64);
  });

  it('refuses padding that leaves a single character over', () => {
    for (const mask of ['A==', 'AAAAA==', 'AAAAA=']) {
      expect((refusal(mask, { vendor: 'ImaginePro' }) as Error).message).toBe(NOT_BASE64);
    }
  });

  it('refuses characters outside base64 before the data', () => {
    expect((refusal('!!AAAA', { vendor: 'ImaginePro' }) as Error).message).toBe(NOT_BASE64);
    expect((refusal('data:image/png;base64,%%AAAA', { vendor: 'ImaginePro' }) as Error).message).toBe(NOT_BASE64);
  });

  it('names the vendor on both refusals', () => {
    const format = { vendor: 'ImaginePro', provider: 'imaginepro' as const };
    expect(refusal('https://cdn.example.com/mask.png', format)).toMatchObject({
      code: 'invalid_request',
      provider: 'imaginepro',
      message:
        'ImaginePro takes the vary-region mask as base64 image data, not a URL: pass a data URL or a base64 PNG/WebP.',
    });
    expect(refusal('not base64!', format)).toMatchObject({
      code: 'invalid_request',
      provider: 'imaginepro',
      message: NOT_BASE64,
    });
  });
});
