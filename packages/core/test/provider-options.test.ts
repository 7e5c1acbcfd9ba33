import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../src/index.js';
import { parseProviderOptions } from '../src/provider.js';

const strict = v.strictObject({
  timeout: v.optional(v.pipe(v.number(), v.minValue(10))),
  boost: v.optional(v.boolean()),
});
const piped = v.pipe(
  v.object({ version: v.optional(v.string()), quality: v.optional(v.string()) }),
  v.check((options) => !(options.version === '8.1' && options.quality !== undefined), 'V8.1 does not accept quality'),
);

describe('parseProviderOptions', () => {
  it('returns the validated options, and {} for none', () => {
    expect(parseProviderOptions(strict, { timeout: 60, boost: true }, 'imagine', 'imaginepro')).toEqual({
      timeout: 60,
      boost: true,
    });
    expect(parseProviderOptions(strict, undefined, 'imagine')).toEqual({});
    expect(parseProviderOptions(piped, { version: '7', quality: undefined }, 'imagine')).toEqual({ version: '7' });
  });

  it('refuses unknown keys, even against a plain v.object, naming the accepted ones', () => {
    for (const schema of [strict, piped] as v.GenericSchema<unknown, unknown>[]) {
      const call = () => parseProviderOptions(schema, { colour: 'red' }, "'upscale-2' action", 'acedata');
      expect(call).toThrow(InvalidRequestError);
      expect(call).toThrow(
        /^Invalid 'upscale-2' action providerOptions input: `colour` is not an option here \(accepted: /,
      );
    }
    try {
      parseProviderOptions(strict, { speed: 1 }, 'imagine', 'imaginepro');
    } catch (error) {
      expect((error as InvalidRequestError).provider).toBe('imaginepro');
      expect((error as Error).message).toContain('accepted: timeout, boost');
    }
  });

  it('reports invalid values and failed checks with the "<what> providerOptions" wording', () => {
    expect(() => parseProviderOptions(strict, { timeout: 5 }, 'video')).toThrow(
      /Invalid video providerOptions input: `timeout`/,
    );
    expect(() => parseProviderOptions(piped, { version: '8.1', quality: '1' }, 'imagine')).toThrow(
      /V8\.1 does not accept quality/,
    );
    expect(() => parseProviderOptions(strict, ['x'], 'imagine')).toThrow(/Invalid imagine providerOptions input/);
  });
});
