import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../src/index.js';
import { imagineInputSchema, validateInput, videoInputSchema } from '../src/provider.js';

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('the input was accepted');
}

describe('validateInput messages', () => {
  it('calls a problem with the whole input `input`, and names the vendor', () => {
    const error = refusal(() => validateInput(videoInputSchema, { prompt: 'a fox' }, 'video', 'acedata'));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({
      provider: 'acedata',
      message: 'Invalid video input: `input` needs imageUrl (the start frame) or extend.',
    });
  });

  it('lists every problem, separated by semicolons', () => {
    const error = refusal(() => validateInput(imagineInputSchema, { prompt: 'a fox', mode: 'slow', n: 0 }, 'imagine'));
    expect((error as Error).message).toMatch(/^Invalid imagine input: `mode` .+; `n` must be at least 1\.$/);
  });
});
