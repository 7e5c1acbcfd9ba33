import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../src/index.js';
import { parseProviderOptions } from '../src/provider.js';

const strict = v.strictObject({ boost: v.optional(v.boolean()) });

function refusal(call: () => unknown): InvalidRequestError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  throw new Error('expected a refusal');
}

describe('parseProviderOptions given no object', () => {
  it.each([5, 'fast', true])('refuses %j as the schema words it, not as keys', (value) => {
    const error = refusal(() => parseProviderOptions(strict, value, 'imagine', 'acedata'));
    expect(error.message).toMatch(/^Invalid imagine providerOptions input: /);
    expect(error.message).not.toContain('is not an option here');
    expect(error.provider).toBe('acedata');
  });

  it('refuses a list as the schema words it, not as numbered keys', () => {
    const error = refusal(() => parseProviderOptions(strict, ['x'], 'imagine'));
    expect(error.message).toMatch(/^Invalid imagine providerOptions input: /);
    expect(error.message).not.toContain('is not an option here');
  });
});

describe('parseProviderOptions keys', () => {
  it('leaves out a key whose value is undefined, even one the schema does not name', () => {
    const options = parseProviderOptions(strict, { boost: undefined, colour: undefined }, 'imagine');
    expect(Object.keys(options as object)).toEqual([]);
  });

  it('says none are accepted when the schema names no key', () => {
    const error = refusal(() => parseProviderOptions(v.object({}), { boost: true }, 'video', 'apiframe'));
    expect(error.message).toBe(
      'Invalid video providerOptions input: `boost` is not an option here (none are accepted).',
    );
  });
});
